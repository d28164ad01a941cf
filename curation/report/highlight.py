"""Where a drop's evidence sits in the text, for `<mark>` in the report and colour in `curate inspect`.

Evidence items are the strings a stage recorded on its `Drop` (removed lines, matched words,
duplicated n-grams; curation/heuristics/evidence.py, curation/dedup/lines.py). Rules measure on
words with punctuation stripped and lines with whitespace trimmed, so an item is found as its
whitespace-separated tokens in order, with any whitespace (and punctuation next to it) between
them, as whole words (a listed word must not light up inside a longer word), except in scripts
written without spaces (Chinese, Japanese, Korean, Thai), where it is found as a substring. An
item with no letters or digits at all (a duplicated "-" line) marks the lines that are just it.
For URL safety drops the evidence is the listed domain or the banned words in the `detail`.

The separator pattern uses disjoint character classes, so matching stays linear in the text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_SEPARATOR = r"[^\w\s]*\s+[^\w\s]*"
_WORD = re.compile(r"\w")
# Scripts written without spaces between words (Thai, kana, CJK, Hangul): matched as substrings.
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_URL_REASONS = {"blocked_domain", "banned_url_word", "soft_banned_url_words", "banned_url_subword"}


def find_spans(text: str, evidence: Sequence[str], whole_words: bool = True) -> list[tuple[int, int]]:
    """Merged, sorted (start, end) character spans of `text` covered by the evidence items
    (`whole_words=False` for URLs, where banned words are matched inside host and path)."""
    spans: list[tuple[int, int]] = []
    for item in evidence:
        tokens = item.split()
        if not tokens:
            continue
        body = _SEPARATOR.join(re.escape(token) for token in tokens)
        if whole_words and not _WORD.search(item):
            # A line of only punctuation ("-", "|"): the line itself, not every hyphen in the text.
            lines = [m.span(1) for m in re.finditer(rf"(?m)^[ \t]*({body})[ \t]*$", text)]
            if lines:
                spans += lines
                continue
        if whole_words and not _UNSPACED.search(item):  # a word must not light up inside a longer word
            body = ("(?<!\\w)" if _WORD.match(item.lstrip()) else "") + body
            body += "(?!\\w)" if _WORD.match(item.rstrip()[-1]) else ""
        spans += [m.span() for m in re.finditer(body, text, re.IGNORECASE) if m.end() > m.start()]
    return _merge(spans)


def url_evidence(stage: str, reason: str, detail: str) -> tuple[str, ...]:
    """The parts of the URL a URL-safety drop names in its detail (a domain, banned words)."""
    if stage != "url_safety" or reason not in _URL_REASONS:
        return ()
    return tuple(part.strip() for part in detail.split(",") if part.strip())


def marked_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` escaped for HTML, with each span in `<mark>`."""
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def clip(spans: Sequence[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The spans that fall inside the first `limit` characters, cut at the limit."""
    return [(start, min(end, limit)) for start, end in spans if start < limit]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
