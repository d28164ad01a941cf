"""Prose measures for main-content extraction: how much paragraph text a node holds, which sibling
blocks continue an article, and whether a list sits inside the article's prose.

Text density is Readability's and Kohlschütter et al.'s (2010, "Boilerplate detection using shallow
text features") signal: article text comes in paragraphs of running words, boilerplate in short
pieces and links. We count a paragraph's characters outside links, so a block of teasers (a
headline link and a one-line summary each) weighs less than the article body beside it even when
it holds more characters.

Sibling merge (Readability's `_grabArticle` appends siblings of the top candidate that share its
class or carry enough text): a CMS that splits the body into repeated blocks (`article__chunks`,
one per ad slot) gives each block the same tag and class, so the siblings of the chosen container
with its tag and class and with prose of their own are the rest of the article. Readability also
appends a sibling paragraph of 80+ characters with link density under 0.25: the lead (`perex`,
`standfirst`) a CMS puts beside the body container, or a closing note below it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

MIN_PARAGRAPH_CHARS = 25  # shorter paragraphs are labels, buttons and datelines
PROSE_PARAGRAPH_CHARS = 80  # a paragraph that reads as a sentence or more
MIN_SIBLING_PROSE = 100
PROSE_ITEM_CHARS = 40  # a list item with this much non-link text says something of its own


def paragraph_prose(paragraph: LexborNode) -> int:
    """The characters of `paragraph` outside links."""
    chars = len(paragraph.text().strip())
    if chars == 0:
        return 0
    links = paragraph.css("a")
    return chars - sum(len(link.text()) for link in links) if links else chars


def prose_chars(node: LexborNode) -> int:
    """Non-link characters in the paragraphs of `node` that hold at least MIN_PARAGRAPH_CHARS."""
    total = 0
    for paragraph in node.css("p"):
        chars = paragraph_prose(paragraph)
        if chars >= MIN_PARAGRAPH_CHARS:
            total += chars
    return total


def paragraph_chars(node: LexborNode) -> int:
    """Characters in the paragraphs of `node` that hold at least MIN_PARAGRAPH_CHARS, links
    included: how much of a page's paragraph text a candidate container covers."""
    total = 0
    for paragraph in node.css("p"):
        chars = len(paragraph.text().strip())
        if chars >= MIN_PARAGRAPH_CHARS:
            total += chars
    return total


def non_link_chars(node: LexborNode) -> int:
    """Characters of `node` outside links: the density score that ranks the matches of one
    candidate selector, so that a teaser list loses to the article body."""
    return len(node.text()) - sum(len(link.text()) for link in node.css("a"))


def content_siblings(container: LexborNode, boilerplate: str = "") -> list[LexborNode]:
    """`container` and the siblings that continue it, in order: same tag and class with prose of
    their own (repeated body blocks), or a lone paragraph (`is_sibling_paragraph`) not matched
    by the `boilerplate` selector (the lead above the body, a closing note below it)."""
    parent = container.parent
    if parent is None:
        return [container]
    css_class = container.attributes.get("class")
    parts = []
    for child in parent.iter():
        if child.mem_id == container.mem_id or _continues(child, container, css_class, boilerplate):
            parts.append(child)
    return parts if len(parts) > 1 else [container]


def _continues(child: LexborNode, container: LexborNode, css_class: str | None,
               boilerplate: str) -> bool:
    if css_class and child.tag == container.tag and child.attributes.get("class") == css_class:
        return prose_chars(child) >= MIN_SIBLING_PROSE
    return is_sibling_paragraph(child) and not (boilerplate and child.css_matches(boilerplate))


_BLOCK_CHILDREN = "div,section,article,ul,ol,dl,table,pre,blockquote,h1,h2,h3,h4,h5,h6,figure"
SIBLING_PARAGRAPH_CHARS = 80
SIBLING_LINK_DENSITY = 0.25


def is_sibling_paragraph(node: LexborNode) -> bool:
    """Readability's test for a sibling of the top candidate that joins the article: a paragraph
    (`<p>`, or a `<div>` holding only inline content and paragraphs) of `SIBLING_PARAGRAPH_CHARS` or more with
    link density under `SIBLING_LINK_DENSITY`."""
    if node.tag not in ("p", "div") or any(
            child.mem_id != node.mem_id for child in node.css(_BLOCK_CHILDREN)):
        return False  # (lexbor's css() on a node matches the node itself too)
    text = node.text().strip()
    if len(text) < SIBLING_PARAGRAPH_CHARS:
        return False
    return len(text) - paragraph_prose(node) < SIBLING_LINK_DENSITY * len(text)


def items_are_sentences(node: LexborNode) -> bool:
    """True when at least half of the items of list `node` carry PROSE_ITEM_CHARS of text outside
    their links: a list of release notes or findings, where a menu or a list of related posts
    is links alone (or links and dates)."""
    items = node.css("li,dd")
    if not items:
        return False
    sentences = sum(paragraph_prose(item) >= PROSE_ITEM_CHARS for item in items)
    return 2 * sentences >= len(items)


def _element_sibling(node: LexborNode, forward: bool) -> LexborNode | None:
    sibling = node.next if forward else node.prev
    while sibling is not None and (sibling.tag == "-text" or sibling.tag == "_comment"):
        sibling = sibling.next if forward else sibling.prev
    return sibling


def _is_prose(node: LexborNode | None) -> bool:
    if node is None or node.tag != "p":
        return False
    return paragraph_prose(node) >= PROSE_PARAGRAPH_CHARS


def sits_in_prose(node: LexborNode) -> bool:
    """True when a prose paragraph comes right before `node` and another one follows it later
    among its siblings: a list the article introduces and continues after ("The races this
    season:" ... "Registration opens in May."), not a related-links box at the article's end."""
    if not _is_prose(_element_sibling(node, forward=False)):
        return False
    following = _element_sibling(node, forward=True)
    while following is not None:
        if _is_prose(following):
            return True
        following = _element_sibling(following, forward=True)
    return False
