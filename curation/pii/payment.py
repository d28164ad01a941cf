"""Payment card numbers (Luhn, ISO/IEC 7812) and IBANs (ISO 13616, mod-97 per ISO 7064).

Cards: 13-17 digits in the groupings Presidio's `CreditCardRecognizer` accepts (4-3/4-3/4-3/5,
separated by nothing, one space or one hyphen) or 18-19 digits in groups of four (Visa, Maestro
and UnionPay issue 19-digit numbers; Presidio misses them), or 12-16 digits printed in fours with a
short last group (12-digit Maestro numbers only in this form), an issuer prefix of 1-6 (2 is Mastercard's
2221-2720 range, which Presidio misses), a valid Luhn check digit, and not a run of one digit.
13-digit numbers starting with 1 are excluded as Presidio does (they are mostly timestamps).

With a card word nearby (`card`, `Maestro`, `credit`, `debit`, `exp`, `CVV`, in the Llama 3 languages;
see `context.py`), any 12-19 digit Luhn-valid number with an issuer prefix in use is a card, in any
grouping (one or two spaces, hyphens, or none): Maestro (50, 56-69; 12-19 digits), Discover (6011,
644-649, 65), UnionPay (62, 81), RuPay (60, 65, 81, 82, 508), Mir (2200-2204), JCB, Diners and the
rest. Without a card word, 12-digit numbers and the 8x prefixes are left alone: twelve digits is the
length of FedEx tracking numbers, Aadhaar-style ids and many order numbers, and one in ten of them is
Luhn-valid by chance.

IBANs: a country code, two check digits and the BBAN, in any case (`de89 3704 ...`, as typed into
web forms) and with any single spaces or hyphens between characters (`FR76 30006 00001 ...`, bank
statements group by bank and branch code). Exactly the country's number of characters is read; a
letter or digit right after them means a longer code, not an IBAN. The letters of the BBAN must be
in one case (Presidio's tests reject `LV80 bANK 0000 ...`). The upper-cased BBAN must match
the country's length and character classes from the SWIFT IBAN registry (`data/iban_formats.json`,
generated from schwifty's registry, MIT) and the whole number must satisfy mod 97 = 1, so a random
string passes with odds of about 1 in 97 times the format's own odds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import re2

from curation.pii.context import card_word_spans, has_card_context, has_other_id_label
from curation.pii.spans import Span, follows_iban_head, is_word_char

# The leading class consumes the character before the number, so digit runs yield one candidate.
_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5})")
_LONG_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}(?:[- ]?\d{4}){3}[- ]?\d{2,3})")  # 18-19 digits
# Printed in fours with a short last group (13-digit Visa as 4-4-4-1, Diners as 4-4-4-2) or three
# fours (12-digit Maestro); one separator used throughout.
_FOURS_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{4}([- ])\d{4}[- ]\d{4}(?:[- ]\d{1,4})?)")
# Any grouping with one or two spaces or a hyphen; read only next to a card word.
_CONTEXT_CARD = re2.compile(r"(?:^|[^0-9A-Za-z_])(\d{2,19}(?:(?: {1,2}|-)\d{1,16}){0,5})")
_CARD_IIN = re.compile(r"2[2-7]|3[0-9]|4|5|6|8[12]|0604")  # 0604: an early Maestro range
_LONGEST_CARD_TEXT = 40  # 19 digits with two spaces between each of five groups, and some slack
# A country code and two check digits start an IBAN candidate; `_iban_text` reads the rest.
_IBAN_START = re2.compile(r"(?:^|[^0-9A-Za-z_])([A-Za-z]{2}[ -]?\d[ -]?\d)")
_AFTER_DIGIT_GROUP = re.compile(r"\d[-./]$")
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
    yield from _cards_in_context(text)


def _cards(pattern: Any, text: str) -> Iterator[Span]:
    for match in pattern.finditer(text):
        start, end = match.span(1)
        if is_word_char(text, end):
            continue
        number = match.group(1)
        digits = number.translate(_SEPARATORS)
        if digits[0] not in "123456" or (len(digits) == 13 and digits[0] == "1"):
            continue
        if len(digits) == 12:
            continue  # 12 digits: only next to a card word (`_cards_in_context`)
        if len(set(digits)) == 1 or not luhn_valid(digits):
            continue
        if follows_iban_head(text, start) or _all_years(match.group(1)):
            continue  # the digit groups of an (invalid) IBAN, or a list of years
        if _AFTER_DIGIT_GROUP.search(text[max(0, start - 2):start]) or text[start - 1:start] == "+":
            continue  # the tail of a longer number (`087-2849971-2061615`), or a `+` phone number
        if has_other_id_label(text, start):
            continue  # `Tracking number 5685...`
        yield Span(start, end, "credit_card")


def _cards_in_context(text: str) -> Iterator[Span]:
    """12-19 digit Luhn-valid numbers with an issuer prefix, in any grouping, next to a card word.
    Only the stretches around card words are scanned. From each candidate the longest valid reading
    of whole groups wins (`4111 1111 1111 1111 123` with its CVV is read as the 16 digits)."""
    for low, high in _regions_near_card_words(text):
        segment = text[low:high]
        for match in _CONTEXT_CARD.finditer(segment):
            start = match.start(1) + low
            if start == low and low > 0 and (text[low - 1].isdigit() or text[low - 1] in " -"):
                continue  # the segment cut a number
            found = _longest_card_from(text, start, match.group(1))
            if found is not None:
                yield found


def _regions_near_card_words(text: str) -> list[tuple[int, int]]:
    """Merged stretches where a number could sit within `has_card_context`'s reach of a card word
    (48 characters after the word, 24 before it, plus the number's own length)."""
    regions: list[tuple[int, int]] = []
    for start, end in card_word_spans(text):
        low, high = max(0, start - 24 - _LONGEST_CARD_TEXT), min(len(text), end + 48 + _LONGEST_CARD_TEXT)
        if regions and low <= regions[-1][1]:
            regions[-1] = (regions[-1][0], high)
        else:
            regions.append((low, high))
    return regions


def _longest_card_from(text: str, start: int, candidate: str) -> Span | None:
    groups = [(m.start() + start, m.end() + start) for m in re.finditer(r"\d+", candidate)]
    for last in range(len(groups) - 1, -1, -1):
        end = groups[last][1]
        digits = "".join(text[a:b] for a, b in groups[:last + 1])
        if len(digits) < 12:
            return None
        if len(digits) > 19 or is_word_char(text, end) or not _CARD_IIN.match(digits):
            continue
        if len(set(digits)) == 1 or not luhn_valid(digits) or _all_years(text[start:end]):
            continue
        if follows_iban_head(text, start) or has_other_id_label(text, start) or \
                _AFTER_DIGIT_GROUP.search(text[max(0, start - 2):start]) or text[start - 1:start] == "+":
            return None
        return Span(start, end, "credit_card") if has_card_context(text, start, end) else None
    return None


def _all_years(number: str) -> bool:
    """`1996 1997 1998 1999`: separated groups that are all years 1900-2099 (no issuer uses these
    prefixes: 19xx and 20xx are neither UATP nor Mastercard's 2221-2720 range)."""
    groups = number.replace("-", " ").split()
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
    for match in _IBAN_START.finditer(text):
        start = match.start(1)
        spec = iban_formats().get(text[start:start + 2].upper())
        if spec is None:
            continue
        written = _iban_text(spec[0]).match(text, start)
        if written is None or is_word_char(text, written.end()):
            continue  # too short, or a letter or digit right after: a longer code
        compact = written.group().replace(" ", "").replace("-", "")
        account = compact[4:]
        if not (account.isupper() or account.islower() or account.isdigit()):
            continue  # `LV80 bANK 0000 ...`: one odd letter is a typo or another code (Presidio's test)
        if iban_valid(compact.upper()):
            yield Span(start, written.end(), "iban")


@cache
def _iban_text(length: int) -> re.Pattern[str]:
    """`length` letters and digits from the start, any one space or hyphen between two of them."""
    return re.compile(rf"[A-Za-z]{{2}}(?:[ -]?[0-9A-Za-z]){{{length - 2}}}")
