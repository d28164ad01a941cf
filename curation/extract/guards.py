"""Cheap checks before parsing: how deeply a page nests its elements.

HTML tree builders check the stack of open elements for every new element, so parsing a page that
nests 100,000 `<div>`s costs time quadratic in the depth (lexbor took 1.7 s at 30,000 levels and
about 30 s at 100,000 on this machine). No real page nests more than a few hundred levels, so
such a page is dropped as `html_too_deep` before the parser sees it.

The scan runs only on pages with many tags (a `str.count` decides, at C speed). Elements the
parser closes implicitly (`p`, `li`, `td`, ...), void elements and self-closing tags are not
counted, so unclosed paragraphs do not look deep. A closing tag with nothing open is ignored.

The depth after each tag is the recurrence d = max(0, d + step), step +1 for an opening tag and
-1 for a closing one; its closed form (Lindley 1952) is d_i = S_i - min(0, min_{j<=i} S_j) with
S the running sum of steps, so the whole scan is one regex pass and three numpy passes, with no
Python loop over tags (it was 3% of a whole run's CPU as a loop; benchmarks/README.md).
"""

from __future__ import annotations

import re

import numpy as np

NOT_NESTING = (
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "rb", "rt", "rp", "html", "head", "body",
)
# An opening or closing tag whose name is not in NOT_NESTING (the name ends where letters and
# digits end) and which is not self-closing (`/` right before `>`). Group 1: "/" when closing.
_NESTING_TAG = re.compile(
    r"<(/?)(?!(?:" + "|".join(NOT_NESTING) + r")(?![a-zA-Z0-9]))[a-zA-Z][^<>]*(?<!/)>",
    re.IGNORECASE)
_SCAN_ABOVE_TAGS = 5000


def exceeds_nesting(html: str, max_depth: int) -> bool:
    """True when some element of `html` is nested more than `max_depth` levels deep."""
    if html.count("<") <= min(_SCAN_ABOVE_TAGS, max_depth):
        return False
    # "" per opening tag, "/" per closing tag, joined: every tag ends in "\x01".
    marks = "\x01".join(_NESTING_TAG.findall(html))
    if len(marks) < max_depth:  # fewer tags than the limit
        return False
    codes = np.frombuffer((marks + "\x01").replace("/\x01", "-").encode("ascii"), dtype=np.uint8)
    steps = np.where(codes == ord("-"), -1, 1).astype(np.int64)
    running = np.cumsum(steps)
    depth = running - np.minimum(np.minimum.accumulate(running), 0)
    return bool(depth.max() > max_depth)
