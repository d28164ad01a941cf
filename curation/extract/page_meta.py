"""Title, byline and date lines: found by matching the text against what the page says about itself.

A page states its headline, authors and publication date in `<title>`, in meta tags (Open Graph
`og:title`, `twitter:title`, `author`, `article:published_time`; Facebook's and Twitter's card
formats) and in JSON-LD (`schema.org` `headline`, `author.name`, `datePublished`). The same
strings, repeated as lines at the head or the foot of the body, are the headline, the byline
and the dateline, which Readability's and trafilatura's outputs leave out of the main text
(the reference texts of extraction_wceb do too). Matching them against the page's own metadata
removes them without a per-site rule and without guessing from the wording.

Only short lines in the first `EDGE_LINES` and last `EDGE_LINES` lines are candidates: a title
repeated inside the article, or a sentence that names the author, is text.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

EDGE_LINES = 4
MAX_BYLINE_CHARS = 100
MAX_DATELINE_CHARS = 60
MIN_NAME_CHARS = 5  # "admin", "Redaktion" and real names; shorter strings match too much
_TITLE_SEPARATORS = re.compile(r"\s+[|\-\u2013\u2014\u00b7:/\u00bb]+\s+")
_META_TITLES = ('meta[property="og:title"]', 'meta[name="twitter:title"]',
                'meta[property="twitter:title"]', 'meta[name="title"]')
_META_AUTHORS = ('meta[name="author"]', 'meta[property="article:author"]',
                 'meta[name="byl"]', 'meta[name="sailthru.author"]', 'meta[name="parsely-author"]')
_META_DATES = ('meta[property="article:published_time"]', 'meta[name="date"]',
               'meta[itemprop="datePublished"]', 'meta[name="publish-date"]',
               'meta[property="article:modified_time"]')
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_BYLINE_WORD = re.compile(r"^(?:by|von|par|di|por|de|door|av|af)\s", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class PageMeta:
    titles: frozenset[str]  # normalised: casefolded, single spaces
    authors: frozenset[str]
    dates: frozenset[tuple[str, str]]  # (year, day of month without a leading zero)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _json_ld(tree: LexborHTMLParser) -> Iterator[dict[str, object]]:
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text())
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _names(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from _names(value.get("name"))
    elif isinstance(value, list):
        for entry in value:
            yield from _names(entry)


def read_page_meta(tree: LexborHTMLParser) -> PageMeta:
    """The titles, author names and publication dates that `tree` declares."""
    titles: set[str] = set()
    authors: set[str] = set()
    dates: set[str] = set()
    title = tree.css_first("title")
    raw_titles = [title.text()] if title is not None else []
    raw_titles += [node.attributes.get("content") or "" for s in _META_TITLES for node in tree.css(s)]
    authors.update(node.attributes.get("content") or "" for s in _META_AUTHORS for node in tree.css(s))
    dates.update(node.attributes.get("content") or "" for s in _META_DATES for node in tree.css(s))
    for item in _json_ld(tree):
        for key in ("headline", "alternativeHeadline"):
            if isinstance(item.get(key), str):
                raw_titles.append(str(item[key]))
        authors.update(_names(item.get("author")))
        for key in ("datePublished", "dateModified"):
            if isinstance(item.get(key), str):
                dates.add(str(item[key]))
    for raw in raw_titles:
        whole = _norm(raw)
        if whole:
            titles.add(whole)
            # "Headline | Site" and "Site - Headline": each part long enough to be a headline.
            titles.update(part for part in (_norm(p) for p in _TITLE_SEPARATORS.split(raw))
                          if len(part) >= 20)
    day_years = set()
    for raw in dates:
        match = _ISO_DATE.search(raw)
        if match:
            day_years.add((match.group(1), str(int(match.group(3)))))
    return PageMeta(frozenset(titles),
                    frozenset(a for a in map(_norm, authors) if len(a) >= MIN_NAME_CHARS),
                    frozenset(day_years))


def _is_title(line: str, meta: PageMeta) -> bool:
    return _norm(line) in meta.titles


def _is_byline(line: str, meta: PageMeta) -> bool:
    if len(line) > MAX_BYLINE_CHARS:
        return False
    folded = _norm(line)
    return any(author in folded for author in meta.authors) and (
        len(folded.split()) <= 12 or bool(_BYLINE_WORD.match(folded)))


def _is_dateline(line: str, meta: PageMeta) -> bool:
    if len(line) > MAX_DATELINE_CHARS:
        return False
    tokens = set(re.findall(r"\d+", line))
    return any(year in tokens and (day in tokens or day.zfill(2) in tokens)
               for year, day in meta.dates)


def remove_meta_lines(text: str, meta: PageMeta) -> str:
    """`text` without the title, byline and date lines at its head and foot."""
    if not (meta.titles or meta.authors or meta.dates):
        return text
    lines = text.split("\n")
    edge = set(range(min(EDGE_LINES, len(lines)))) | set(
        range(max(0, len(lines) - EDGE_LINES), len(lines)))
    kept = [line for i, line in enumerate(lines) if i not in edge or not (
        _is_title(line, meta) or _is_byline(line, meta) or _is_dateline(line, meta))]
    return "\n".join(kept)
