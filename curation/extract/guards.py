"""Cheap checks before parsing: how deeply a page nests its elements.

HTML tree builders check the stack of open elements for every new element, so parsing a page that
nests 100,000 `<div>`s costs time quadratic in the depth (lexbor took 1.7 s at 30,000 levels and
about 30 s at 100,000 on this machine). No real page nests more than a few hundred levels, so
such a page is dropped as `html_too_deep` before the parser sees it.

The scan runs only on pages with many tags (a `str.count` decides, at C speed), and it stops as
soon as the limit is passed. Elements the parser closes implicitly (`p`, `li`, `td`, ...) and void
elements are not counted, so unclosed paragraphs do not look deep.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})[^<>]*?(/?)>")
_NOT_NESTING = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "rb", "rt", "rp", "html", "head", "body",
))
_SCAN_ABOVE_TAGS = 5000


def exceeds_nesting(html: str, max_depth: int) -> bool:
    """True when some element of `html` is nested more than `max_depth` levels deep."""
    if html.count("<") <= min(_SCAN_ABOVE_TAGS, max_depth):
        return False
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > max_depth:
                return True
    return False
