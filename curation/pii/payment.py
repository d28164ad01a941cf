"""Payment card numbers (Luhn, ISO/IEC 7812) and IBANs (ISO 13616, mod-97 per ISO 7064).

Cards: 13-17 digits in the groupings Presidio's `CreditCardRecognizer` accepts (4-3/4-3/4-3/5,
separated by nothing, one space or one hyphen) or 18-19 digits in groups of four (Visa, Maestro
and UnionPay issue 19-digit numbers; Presidio misses them), or 12-16 digits printed in fours with a
short last group (12-digit Maestro numbers only in this form), an issuer prefix of 1-6 (2 is Mastercard's
2221-2720 range, which Presidio misses), a valid Luhn check digit, and not a run of one digit.
13-digit numbers starting with 1 are excluded as Presidio does (they are mostly timestamps).

IBANs: a country code, two check digits and the BBAN, written compact or in groups of four
separated by single spaces or hyphens. The BBAN must match the country's length and character classes from
the SWIFT IBAN registry (`data/iban_formats.json`, generated from schwifty's registry, MIT) and the
whole number must satisfy mod 97 = 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import re2

from curation.pii.context import has_other_id_label
from curation.pii.spans import Span, follows_iban_head, is_word_char

# The leading class consumes the character before the number, so digit runs yield one candidate.
_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5})")
_LONG_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}(?:[- ]?\d{4}){3}[- ]?\d{2,3})")  # 18-19 digits
# Printed in fours with a short last group (13-digit Visa as 4-4-4-1, Diners as 4-4-4-2) or three
# fours (12-digit Maestro); one separator used throughout.
_FOURS_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}([- ])\d{4}[- ]\d{4}(?:[- ]\d{1,4})?)")
_IBAN = re2.compile(r"[A-Z]{2}\d{2}(?:[ -]?[0-9A-Z]{4}){2,7}(?:[ -]?[0-9A-Z]{1,3})?")
# Thirteen or more digit groups in a row are a table of numbers, not cards; masking them first keeps
# adversarial inputs (a megabyte of `4111 `) from costing one regex match per group.
_NUMBER_TABLE = re2.compile(r"(?:\d{1,5}[ -]){12,}\d{1,5}")
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_SEPARATORS = str.maketrans("", "", " -")
_BBAN_CLASS = {"n": "[0-9]", "a": "[A-Z]", "c": "[0-9A-Za-z]", "e": " "}


def luhn_valid(digits: str) -> bool:
    values = [ord(c) - 48 for c in reversed(digits)]
    return (sum(values[0::2]) + sum([_LUHN_DOUBLED[v] for v in values[1::2]])) % 10 == 0


def find_credit_cards(text: str) -> Iterator[Span]:
    """Both patterns run; where a 19-digit reading and a 16-digit one overlap, the longer valid
    one wins in `resolve_overlaps`, and a card followed by a CVV still matches the 16-digit one."""
    text = _NUMBER_TABLE.sub(lambda m: " " * len(m.group()), text)  # offsets unchanged
    yield from _cards(_CARD, text)
    yield from _cards(_LONG_CARD, text)
    yield from _cards(_FOURS_CARD, text)


def _cards(pattern: Any, text: str) -> Iterator[Span]:
    for match in pattern.finditer(text):
        start, end = match.span(1)
        if is_word_char(text, end):
            continue
        number = match.group(1)
        digits = number.translate(_SEPARATORS)
        if digits[0] not in "123456" or (len(digits) == 13 and digits[0] == "1"):
            continue
        if len(digits) == 12 and (digits[0] not in "56" or len(set(number[4::5])) != 1):
            continue  # 12 digits: Maestro (5, 6) only, and only printed in fours
        if len(set(digits)) == 1 or not luhn_valid(digits):
            continue
        if follows_iban_head(text, start) or _all_years(match.group(1)):
            continue  # the digit groups of an (invalid) IBAN, or a list of years
        if has_other_id_label(text, start):
            continue  # `Tracking number 5685...`
        yield Span(start, end, "credit_card")


def _all_years(number: str) -> bool:
    """`1996 1997 1998 1999`: separated groups that are all years 1900-2099 (no issuer uses these
    prefixes: 19xx and 20xx are neither UATP nor Mastercard's 2221-2720 range)."""
    groups = number.replace("-", " ").split(" ")
    return len(groups) > 1 and all(len(g) == 4 and g[:2] in ("19", "20") for g in groups)


@cache
def iban_formats() -> dict[str, tuple[int, object]]:
    """Country code -> (IBAN length, compiled BBAN expression), from the bundled registry."""
    raw = json.loads(resources.files("curation.pii").joinpath("data/iban_formats.json").read_text())
    formats: dict[str, tuple[int, object]] = {}
    for country, spec in raw.items():
        formats[country] = (spec["length"], re2.compile(_bban_regex(spec["bban"])))
    return formats


def _bban_regex(spec: str) -> str:
    """`4!n4!n12!c` (SWIFT notation: length, `!` for fixed, class) as a full-match expression."""
    parts = []
    for match in re2.finditer(r"(\d+)(!?)([nace])", spec):
        count, fixed, kind = match.groups()
        parts.append(f"{_BBAN_CLASS[kind]}{{{count}}}" if fixed else f"{_BBAN_CLASS[kind]}{{1,{count}}}")
    return "^" + "".join(parts) + "$"


def iban_valid(compact: str) -> bool:
    spec = iban_formats().get(compact[:2])
    if spec is None or len(compact) != spec[0]:
        return False
    if not spec[1].match(compact[4:]):  # type: ignore[attr-defined]
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def find_ibans(text: str) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        start = match.start()
        if is_word_char(text, start - 1):
            continue
        spec = iban_formats().get(match.group()[:2])
        if spec is None:
            continue
        end = _end_after_chars(text, start, match.end(), spec[0])
        if end is None or is_word_char(text, end):
            continue
        if iban_valid(text[start:end].replace(" ", "").replace("-", "")):
            yield Span(start, end, "iban")


def _end_after_chars(text: str, start: int, limit: int, count: int) -> int | None:
    """The index just after the `count`-th non-separator character from `start`, within `limit`."""
    seen = 0
    for index in range(start, limit):
        if text[index] not in " -":
            seen += 1
            if seen == count:
                return index + 1
    return None
