"""Our main-content extractor: lexbor's DOM (selectolax), CSS-selected content, C-speed text.

Llama 3 (section 3.1.1) "built a custom parser that extracts high-quality diverse text" and kept
math and code. trafilatura (Barbaresi 2021) sets the quality bar but walks every node in Python;
resiliparse (Bevendorff et al. 2018) renders text in C++ but keeps boilerplate. We take the
strategy of trafilatura and Readability and run it as a handful of C-level passes:

1. Parse with lexbor (selectolax) and restore formulas to LaTeX (`math.py`).
2. Choose the main container with CSS candidates tried from most to least specific
   (`selectors.MAIN_CONTENT_CANDIDATES`); among a candidate's matches the one with most text wins,
   and it must hold `min_candidate_chars` of text and `min_container_share` of the page's
   paragraph text, else the next candidate is tried, else `<body>`.
3. Inside it, detach boilerplate (`selectors.boilerplate_selectors`) and link-dense blocks: a list,
   table or block whose link text is at least `max_link_density` of its text is navigation;
   neither removal touches a node holding `max_boilerplate_share` of the container's text. A
   wrapper with little text outside its links is held to Readability's stricter 0.2.
4. Serialise the container and render it with resiliparse's formatting-preserving plain text
   (lists without bullets, no alt texts except the math we restored, tables as tab-separated
   cells, `pre` kept).
5. Clean lines (`text_cleanup.py`): markdown markers removed, whitespace normalised, short lines
   before the first and after the last body line trimmed.

Title and line breaks, decided: neither the `<title>` nor an `<h1>` outside the chosen container
is prepended: Readability's output (the reference of extraction_wceb) is the body without the
headline, and on trafilatura_eval's tune half the headline never decided a snippet (dropping it:
extraction_wceb 0.9525 -> 0.9528, trafilatura_eval unchanged). Figure captions of four words or
more that a class marks stay, as Readability keeps them (`<figcaption>` does not: see
`selectors.CAPTIONS`). Every block element starts a new line and paragraphs are
separated by one newline, not a blank line, as trafilatura's txt output.
"""

from __future__ import annotations

import dataclasses
import re

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from curation.extract.math import restore_math
from curation.extract.page_meta import read_page_meta, remove_meta_lines
from curation.extract.prose import (
    content_siblings,
    items_are_sentences,
    non_link_chars,
    paragraph_chars,
    prose_chars,
    sits_in_prose,
)
from curation.extract.selectors import (
    CAPTIONS,
    COMMENT_SECTIONS,
    MAIN_CONTENT_CANDIDATES,
    NON_TEXT_ELEMENTS,
    boilerplate_class_selectors,
    boilerplate_element_selectors,
    boilerplate_id_selectors,
)
from curation.extract.text_cleanup import clean_text, trim_edges

_BOILERPLATE_ELEMENTS = ",".join(boilerplate_element_selectors())
_BOILERPLATE_CLASSES = ",".join(boilerplate_class_selectors())
_BOILERPLATE_IDS = ",".join(boilerplate_id_selectors())
_NON_TEXT = ",".join(NON_TEXT_ELEMENTS)
_SIBLING_BOILERPLATE = ",".join((_BOILERPLATE_ELEMENTS, _BOILERPLATE_CLASSES, _BOILERPLATE_IDS,
                                 COMMENT_SECTIONS))
_LINK_BLOCKS = "ul,ol,dl,table,div,section,p,li,h1,h2,h3,h4,h5,h6,blockquote"


@dataclasses.dataclass(frozen=True)
class Extraction:
    text: str
    container: str  # which candidate selector chose the container ("body" when none did)
    formulas: int


def extract_main_text(
    html: str, min_candidate_chars: int = 200, max_link_density: float = 0.4,
    max_boilerplate_share: float = 0.4, min_container_share: float = 0.35,
    min_good_line_chars: int = 50, include_tables: bool = True,
) -> Extraction:
    tree = LexborHTMLParser(html)
    formulas = restore_math(tree)
    body = tree.body
    if body is None:
        return Extraction("", "none", formulas)
    container, chosen = _main_container(body, min_candidate_chars, min_container_share)
    parts = content_siblings(container, _SIBLING_BOILERPLATE) if container is not body else [container]
    for part in parts:
        for node in part.css(_NON_TEXT if include_tables else f"{_NON_TEXT},table"):
            node.remove()
        _remove_boilerplate(part, max_boilerplate_share)
        _remove_link_dense(part, max_link_density, max_boilerplate_share)
        _remove_orphan_headings(part)
    subtree = HTMLTree.parse(_figures_as_blocks("".join(part.html or "" for part in parts)))
    text = extract_plain_text(
        subtree, preserve_formatting=True, main_content=False, list_bullets=False,
        alt_texts=False, links=False, form_fields=False, noscript=False,
    )
    text = trim_edges(clean_text(text), min_good_line_chars)
    text = remove_meta_lines(text, read_page_meta(tree))
    return Extraction(text, chosen, formulas)


# resiliparse's renderer skips `<figure>` with everything in it, so the tables, quotes and code
# that WordPress wraps in `<figure class="wp-block-table">` would vanish; renamed to `<div>` they
# render as blocks. lexbor serialises tag names in lower case.
_FIGURE_TAG = re.compile(r"<(/?)figure(?=[\s/>])")


def _figures_as_blocks(html: str) -> str:
    return _FIGURE_TAG.sub(r"<\1div", html) if "<fig" in html else html


# schema.org's `itemprop="articleBody"` is the site's own statement of where the article is, so it
# needs only this fraction of the share other candidates need: a short article under a long
# comment thread or forum is still the article. Tune half: 0.3 won two trafilatura_eval pages and
# lost none; 0 (no share test) lost two.
_DECLARED_BODY_SHARE = 0.3


def _main_container(body: LexborNode, min_chars: int, min_share: float) -> tuple[LexborNode, str]:
    """The first candidate that holds `min_chars` of text and `min_share` of the page's
    paragraph text (a `.entry-content` teaser in a sidebar is not the article;
    `_DECLARED_BODY_SHARE` of it for a schema.org article body)."""
    page_paragraphs = paragraph_chars(body)
    comments = {node.mem_id for node in body.css(COMMENT_SECTIONS)}
    for selector in MAIN_CONTENT_CANDIDATES:
        best: LexborNode | None = None
        best_chars = 0
        for node in body.css(selector):
            if _in_comments(node, comments):
                continue
            chars = non_link_chars(node)
            if chars > best_chars:
                best, best_chars = node, chars
        if best is None or best_chars < min_chars:
            continue
        share = min_share * (_DECLARED_BODY_SHARE if selector is MAIN_CONTENT_CANDIDATES[0] else 1)
        if paragraph_chars(best) >= share * page_paragraphs:
            return best, selector.split(",", 1)[0]
    return body, "body"


def _in_comments(node: LexborNode, comments: set[int]) -> bool:
    """True when `node` is or sits inside a comment thread (ids from `COMMENT_SECTIONS`)."""
    ancestor: LexborNode | None = node
    while comments and ancestor is not None and ancestor.tag not in ("body", "html"):
        if ancestor.mem_id in comments:
            return True
        ancestor = ancestor.parent
    return False


def _remove_boilerplate(container: LexborNode, max_share: float) -> None:
    """Detach boilerplate-looking nodes, except one that holds `max_share` of the text or more
    (a theme that marks its article body `no-share` or `has-sidebar` is still the article)
    unless the article stays without it (`_article_remains_without`).
    A node matched only by an id word is kept when it holds `_PROSE_BLOCK_CHARS` of prose:
    documentation generators and wikis derive section ids from headings, so "Sharing with a single
    developer" becomes `id="sharing-with-a-single-developer"`, which is no share widget."""
    total = len(container.text())
    for node in container.css(CAPTIONS):
        if len(node.text().split()) < MIN_CAPTION_WORDS:
            node.remove()
    for node in container.css(f"{_BOILERPLATE_ELEMENTS},{_BOILERPLATE_CLASSES}"):
        if len(node.text()) < max_share * total or _article_remains_without(container, node):
            node.remove()
    for node in container.css(_BOILERPLATE_IDS):
        if len(node.text()) < max_share * total and prose_chars(node) < _PROSE_BLOCK_CHARS:
            node.remove()


_POSITIVE_NAME = re.compile(
    r"article|body|content|entry|main|post|text|story|blog|column", re.IGNORECASE)
# About two paragraphs of an article. Tune half: 500 and 1000 scored macro 0.9513, 2000 0.9510
# (one trafilatura_eval page lost), no limit (the old rule) 0.9392.
_ARTICLE_LEFT_CHARS = 1000


def _article_remains_without(container: LexborNode, node: LexborNode) -> bool:
    """True when `node`, a big boilerplate match, is not named like content and the container
    keeps `_ARTICLE_LEFT_CHARS` of prose without it: a 50-slide gallery (`ul.legends`) below a
    short article. Readability removes such unlikely candidates whatever their size."""
    name = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
    if _POSITIVE_NAME.search(name):
        return False
    return prose_chars(container) - prose_chars(node) >= _ARTICLE_LEFT_CHARS


# Readability keeps a figure's caption as article text; one of fewer words is a photo credit
# ("Foto: Instagram", "iStock.com"). 4 and 5 scored the same on the tune half; 4 keeps more.
MIN_CAPTION_WORDS = 4
_PROSE_BLOCK_CHARS = 400  # about three sentences of non-link paragraph text


# A block this much link text is a list of names or tags however long it is ("... and 3381
# guests left kudos"), where a long block of prose with some links is kept; only a block that is
# nearly the whole container (a page that is one list of links) stays.
_ALL_LINKS = 0.8
# Readability's `_cleanConditionally` removes a div or list with link density above 0.2 unless its
# class is positive or it has 10+ commas. We apply 0.2 to wrappers (div, section, ul, ol; not
# tables, which hold linked data such as ingredients) whose own text outside links is short: a
# share bar, "more on this", a teaser strip. A wrapper of 200+ characters outside links is prose
# with links ("lead-text" paragraphs in a div) and keeps the general limit. Tune half: 0.15 lost
# extraction_wceb recall (0.954 -> 0.940), 0.25 and 0.3 kept less precision; 150/200/300 chars
# scored macro 0.9391/0.9392/0.9384.
_WRAPPER_BLOCKS = frozenset(("div", "section", "ul", "ol"))
_SHORT_WRAPPER_CHARS = 200
_SHORT_WRAPPER_LINK_DENSITY = 0.2
_MAX_LINK_BLOCKS = 5000  # beyond this the page is a link farm or hostile; the text check is O(n*depth)


def _remove_link_dense(root: LexborNode, max_density: float, max_share: float) -> None:
    """Detach lists, tables and blocks whose link text is `max_density` of their text or more,
    except a block that holds `max_share` of the container's text (on a small link-heavy page the
    wrapper itself is link-dense, and removing it would leave nothing)."""
    blocks = root.css(_LINK_BLOCKS)
    if len(blocks) > _MAX_LINK_BLOCKS:
        return
    total = len("".join(root.text().split()))
    kept_lists: set[int] = set()  # lists of the article: their items stay with them
    for node in blocks:
        links = node.css("a")
        if not links or _inside(node, kept_lists, root):
            continue
        text_chars = len("".join(node.text().split()))
        if text_chars == 0:
            continue
        link_chars = sum(len("".join(link.text().split())) for link in links)
        limit = max_density
        if node.tag in _WRAPPER_BLOCKS and text_chars - link_chars < _SHORT_WRAPPER_CHARS:
            limit = _SHORT_WRAPPER_LINK_DENSITY
        if link_chars < limit * text_chars:
            continue
        is_list = node.tag in ("ul", "ol", "dl")
        if is_list and (sits_in_prose(node) or items_are_sentences(node)):
            kept_lists.add(node.mem_id)  # resources or dates the article introduces; sentences
            continue
        if link_chars >= _ALL_LINKS * text_chars and text_chars < _ALL_LINKS * total:
            _remove_with_heading(node)  # names or tags, however much of the container they are
            continue
        if text_chars >= max_share * total:
            continue
        if is_list or text_chars < 1000:
            _remove_with_heading(node)


def _inside(node: LexborNode, ids: set[int], root: LexborNode) -> bool:
    ancestor = node.parent
    while ids and ancestor is not None and ancestor.mem_id != root.mem_id:
        if ancestor.mem_id in ids:
            return True
        ancestor = ancestor.parent
    return False


_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def _remove_with_heading(node: LexborNode) -> None:
    """Detach `node` and the heading that introduces it ("Related posts", "Mehr zum Thema")."""
    previous = node.prev
    while previous is not None and previous.tag == "-text" and not previous.text().strip():
        previous = previous.prev
    node.remove()
    if previous is not None and previous.tag in _HEADINGS:
        previous.remove()


def _remove_orphan_headings(root: LexborNode) -> None:
    """Detach headings left with nothing after them in their section (the title of a related-
    posts box whose links were removed)."""
    for heading in root.css("h1,h2,h3,h4,h5,h6"):
        node: LexborNode | None = heading
        while node is not None and node is not root:
            following = node.next
            while following is not None and not following.text().strip():
                following = following.next
            if following is not None:
                break
            node = node.parent
        else:
            heading.remove()

