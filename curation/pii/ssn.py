"""US Social Security numbers, with the validity rules of the SSA and Presidio's `UsSsnRecognizer`.

Strong form: `AAA-GG-SSSS` with one separator (`-`, `.` or space) used consistently. Weak forms
(Presidio scores them low but reports them): nine bare digits, `AAA-GGSSSS` and `AAAGG-SSSS`;
`weak_forms=False` turns them off for corpora full of nine-digit identifiers. A 5-4 number after
a two-letter state code (`Springfield, IL 62704-1234`) is a ZIP+4 code and is not reported, and
neither is a number labelled as another identifier (`Batch 672-90-6303`, see `context.py`).
Weak forms are reported as `us_ssn_weak` so that a phone number covering them wins the overlap.
Never issued, so never reported: area 000 or 666, group 00, serial 0000, one repeated digit, and
numbers published as examples (078-05-1120 from the Woolworths wallet insert, 219-09-9999 from an
SSA pamphlet, 123-45-6789).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import re2

from curation.pii.context import has_other_id_label
from curation.pii.spans import Span, is_word_char

# The leading class consumes the character before the number, so digit runs yield one candidate.
_STRONG = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{3}[- .]\d{2}[- .]\d{4})")
_WEAK = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{9}|\d{3}-\d{6}|\d{5}-\d{4})")
_ZIP_PLUS_4 = re.compile(r"\b([A-Z]{2}),? $")  # `IL 62704-1234`: a state and a ZIP+4 code
_US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA",
    "WA", "WV", "WI", "WY",
    "AS", "GU", "MP", "VI", "FM", "MH", "PW", "AA", "AE", "AP",  # territories, COFA states, military
})
_EXAMPLES = frozenset({"078051120", "219099999", "123456789"})


def ssn_valid(digits: str) -> bool:
    if len(digits) != 9 or digits in _EXAMPLES or len(set(digits)) == 1:
        return False
    return digits[:3] not in ("000", "666") and digits[3:5] != "00" and digits[5:] != "0000"


def find_us_ssns(text: str, weak_forms: bool = True) -> Iterator[Span]:
    for match in _STRONG.finditer(text):
        start, end = match.span(1)
        number = text[start:end]
        if number[3] != number[6] or _glued(text, start, end):
            continue
        if ssn_valid(number[:3] + number[4:6] + number[7:]) and not has_other_id_label(text, start):
            yield Span(start, end, "us_ssn")
    if weak_forms:
        for match in _WEAK.finditer(text):
            start, end = match.span(1)
            if _glued(text, start, end) or _is_zip_plus_4(text, start, end):
                continue
            if ssn_valid(text[start:end].replace("-", "")) and not has_other_id_label(text, start):
                yield Span(start, end, "us_ssn_weak")


def _is_zip_plus_4(text: str, start: int, end: int) -> bool:
    state = _ZIP_PLUS_4.search(text[max(0, start - 5):start])
    return end - start == 10 and text[start + 5] == "-" and state is not None and state.group(1) in _US_STATES


def _glued(text: str, start: int, end: int) -> bool:
    """Part of a longer token: a word character or a `-digit` continuation on either side."""
    if is_word_char(text, start - 1) or is_word_char(text, end):
        return True
    before = text[start - 2:start] if start >= 2 else ""
    after = text[end:end + 2]
    return (len(before) == 2 and before[1] in "-." and before[0].isdigit()) or \
        (len(after) == 2 and after[0] in "-." and after[1].isdigit())
