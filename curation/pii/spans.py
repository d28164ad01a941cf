"""Found PII spans, overlap resolution and placeholder substitution.

Detectors report half-open character spans `[start, end)` tagged with a PII type. When spans
overlap (an IPv4 address inside an IPv6 one, a card number that also looks like a phone number),
the type listed first in `PII_TYPES` wins: a checksum-validated card or IBAN number is never split
by the looser phone rule. Within one type the longer span wins (an IPv6 address with an embedded
IPv4 one).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

# Priority order for overlaps: the most specific, checksum-validated types first. `us_ssn_weak`
# (nine bare digits and half-grouped SSNs) yields to phone numbers (`+34 973936630`) and is
# reported as `us_ssn`.
PII_TYPES: tuple[str, ...] = (
    "secret", "email", "iban", "credit_card", "crypto_wallet", "ip", "us_ssn", "phone",
)
_PRIORITY: tuple[str, ...] = (*PII_TYPES, "us_ssn_weak")
_REPORTED_AS = {"us_ssn_weak": "us_ssn"}


class Span(NamedTuple):
    start: int
    end: int
    kind: str


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans in text order. Types claim text in `PII_TYPES` order (checksum-validated
    types before shape-only ones), and within a type the longer span wins; a span that overlaps
    one already claimed is discarded."""
    rank = {kind: i for i, kind in enumerate(_PRIORITY)}
    ordered = sorted(spans, key=lambda s: (rank.get(s.kind, len(rank)), s.start - s.end, s.start))
    starts: list[int] = []
    chosen: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        at = bisect.bisect_left(starts, span.start)
        if at > 0 and chosen[at - 1].end > span.start:
            continue
        if at < len(chosen) and chosen[at].start < span.end:
            continue
        starts.insert(at, span.start)
        chosen.insert(at, span)
    return [s._replace(kind=_REPORTED_AS[s.kind]) if s.kind in _REPORTED_AS else s for s in chosen]


def substitute(text: str, spans: list[Span], placeholders: Mapping[str, str]) -> tuple[str, Counter[str]]:
    """`text` with each span replaced by its type's placeholder, and the count per type."""
    parts: list[str] = []
    counts: Counter[str] = Counter()
    cursor = 0
    for span in spans:
        parts.append(text[cursor:span.start])
        parts.append(placeholders[span.kind])
        counts[span.kind] += 1
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts), counts


_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2}(?:[ -][0-9A-Za-z]{4}){0,7}[ -]$")


def follows_iban_head(text: str, start: int) -> bool:
    """True when `text[start:]` continues an IBAN-formatted run (`NL91 ABNA 0417 ...`), so its digit
    groups belong to an account number (valid or not), not to a card or phone number."""
    return start > 4 and _IBAN_HEAD.search(text[max(0, start - 45):start]) is not None


def is_word_char(text: str, index: int) -> bool:
    """True when `text[index]` exists and is an ASCII letter, digit or underscore."""
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    return char.isascii() and (char.isalnum() or char == "_")


def is_ascii_digit(text: str, index: int) -> bool:
    return 0 <= index < len(text) and "0" <= text[index] <= "9"
