"""Phone numbers in international and national formats, validated with `phonenumbers`
(the Python port of Google's libphonenumber, Apache-2.0), as Presidio's `PhoneRecognizer` does.

RE2 finds runs of up to eight digit groups joined by one separator (space, `.`, `-`, `/`) or
parentheses, optionally led by `+` or `00`. Each run is split into windows of whole groups, and
the longest valid window from each starting group is kept:

- International (`+44 20 7123 4567`, `0044 ...`): valid for the country its code names.
- National (`(415) 555-0132`, `09-7625400`): at least 9 digits, valid in one of `regions`, and
  written the way that region writes numbers: the national number alone, behind the region's
  trunk prefix (`0` in most of Europe, `1` in the NANP), or behind the country code without `+`
  (`91-415-555-0132`). This matches libphonenumber's `Leniency.VALID`, Presidio's default.

Labels (`context.py`, the nearest one within four words decides) widen or narrow this:

- A phone label (`Tel.:`, `call`, `Mobil`, `portable`, `móvil`, `फ़ोन`, `โทร`) admits a local number
  without area code or country code on its shape alone: 6 to 15 digits in any common grouping
  (`467 3395`, `(37) 788-063`, `60-56-85-91`, `430.20.09`), or 8 to 15 unbroken digits. A person
  who writes `Tel.` before a number means a phone number, and a local number cannot be validated
  without knowing its area code. A weak label (`number`, `Nummer`) admits bare digit strings and
  SSN-like groupings that validate in a region.
- An identifier label (`Order`, `Rechnung`, `ISBN`, `driver's licence`, `plate`, `population`, street
  words) or an SSN label rules a number out.
- A number followed by a count word (`682 158 780 Einwohner`, `reach 12 345 678 people`) is not a
  phone number, and without a label neither is a year followed by a serial (`2023-718397`, the
  shape of invoice and order numbers).

International numbers grouped against the national plan (`+447700 900 123`, `+33 612 345 678`) are
accepted by their country code and total length (libphonenumber's `is_possible_number`, which reads
the possible lengths of the country's metadata), when the country code is not split across groups.

libphonenumber is pure Python and costs about 20 µs per parse. A document may spend at most
`budget` parses; windows beyond it are redacted on shape alone when they have 10 to 15 digits and
use phone punctuation, and counted, so a page of ten thousand numbers is still bounded in time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import phonenumbers
import re2

from curation.pii.context import nearest_label
from curation.pii.spans import Span, follows_iban_head, is_word_char

_GROUP = r"(?:\(\d{1,5}\)|\d{1,5})"
# RE2 scans whole documents; the helpers below only ever see one candidate (at most ~60 characters)
# or a short slice, have no nested repetition, and use Python's `re`, whose per-call cost is lower.
# The leading class consumes the character before the number (not a letter, digit or dot), so long
# dotted or dashed digit runs yield few candidates.
_CANDIDATE = re2.compile(
    r"(?:^|[^0-9A-Za-z_.])((?:\+ ?|00 ?)?" + _GROUP + r"(?:(?: ?[.\-/] ?| )?" + _GROUP + r"){1,7})"
)
_GROUP_OR_PLUS = re.compile(r"\+|\d+")
_SSN_SHAPE = re.compile(r"\d{3}[- .]\d{2}[- .]\d{4}|\d{3}-\d{6}|\d{5}-\d{4}")  # and ZIP+4
# Regions where national numbers are commonly written without the trunk prefix (NANP numbers,
# Chinese, Indian and Turkish mobiles, Brazilian and Mexican numbers, and plans with no trunk prefix).
_WRITTEN_WITHOUT_TRUNK = frozenset({"US", "CA", "CN", "IN", "TR", "BR", "MX", "ES", "IT"})
# A bare digit string without trunk prefix is taken as a phone number only when it is a mobile
# number (or a NANP number): fixed-line ranges such as India's match epoch timestamps.
_NANP = frozenset({"US", "CA"})
_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE,
                           phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
_NUMERIC_RANGE = re.compile(r"(?:^|[ /])\d{1,2}-\d{1,2}(?:$|[ /])")
_DATE = re.compile(r"(?:^|\D)(?:(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./]\d\d"
                    r"|\d\d?[-./]\d\d?[-./](?:19|20)\d\d)(?:\D|$)")
# Written like a North American number (`(415) 555-0132`, `415.555.0132`, `+1-415-555-0132`),
# with one separator used throughout: accepted on shape alone when US or CA is a region, since a
# number in this form is a phone number even when its area code is not assigned.
_NANP_SHAPE = re.compile(
    r"(?:\+1[-. ]?|1[-. ]|001[-. ])?(?:\(\d{3}\)[-. ]?\d{3}[-. ]\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4})"
)
_EXTENSION = re.compile(r"(?i)[ ,]{0,2}(?:x|ext\.?|extension)[ .:]{0,2}\d{1,6}")
_GROUP_BEFORE = re.compile(r"(?:\d|\d\)|\))[ .\-/:]?$")
_GROUP_AFTER = re.compile(r"[ .\-/:]?\(?\d")
_MIN_NATIONAL_DIGITS = 9
_MAX_DIGITS = 15  # ITU-T E.164
# A labelled local number: the shortest subscriber numbers in use have 6 digits (rural exchanges in
# Germany, Austria, Argentina, India); unbroken runs need 8, since a label before `1234567` is as often
# a count or an extension as a number.
_MIN_LABELLED_GROUPED = 6
_MIN_LABELLED_UNBROKEN = 8
_YEAR_SERIAL = re.compile(r"(?:19|20)\d\d[-/]\d{3,8}")
_YEAR_GROUP = re.compile(r"(?:19|20)\d\d")
_SHORT_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])([./])(?:0?[1-9]|1[0-2])\1\d\d")
_COUNT_WORDS = frozenset({
    "inhabitants", "residents", "people", "persons", "users", "visitors", "views", "downloads",
    "copies", "units", "einwohner", "menschen", "personen", "nutzer", "habitants", "personnes",
    "abitanti", "persone", "utenti", "habitantes", "pessoas", "personas", "usuarios", "usuários",
    "km", "kg", "euro", "euros", "dollars", "eur", "usd", "คน",
})
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")


class PhoneFinder:
    """Finds phone numbers for a fixed set of regions; caches validation results per worker."""

    def __init__(self, regions: Sequence[str], budget: int = 2000) -> None:
        unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions {unknown}; use ISO 3166 codes such as 'US', 'GB'")
        self.regions = tuple(regions)
        self._nanp = bool(_NANP & set(regions))
        self.budget = budget
        self._valid = lru_cache(maxsize=100_000)(self._valid_uncached)
        self.unvalidated = 0  # windows redacted on shape alone in the last `find`
        self._spent = 0

    def find(self, text: str) -> Iterator[Span]:
        self.unvalidated = 0
        self._spent = 0
        for match in _CANDIDATE.finditer(text):
            start, end = match.span(1)
            # A slice, not `match(text, end)`: the RE2 binding re-encodes the whole text per call.
            extension = _EXTENSION.match(text[end:end + 24])
            tail = end + extension.end() if extension else end
            if is_word_char(text, tail) or follows_iban_head(text, start):
                continue  # digit groups of an alphanumeric code or an IBAN
            if _continues_a_run(text, start, end):
                continue  # digit groups go on past it: a table of numbers or a time, not a phone
            label = nearest_label(text, start)
            if label in ("other", "ssn"):
                continue  # `Order 0123 456789`, `ISBN-10: 3942795116`, `SSN 673828947`
            labelled, strong = label is not None, label == "phone"
            if _followed_by_count_word(text, tail):
                continue  # `682 158 780 Einwohner`, `reach 12 345 678 people`
            groups = [(m.start() + start, m.end() + start) for m in _GROUP_OR_PLUS.finditer(match.group(1))]
            first = 0
            while first < len(groups):
                found = self._longest_phone_from(text, groups, first, start, end, tail, labelled, strong)
                if found is None:
                    first += 1
                    continue
                yield Span(found[0], tail if found[1] == end else found[1], "phone")
                first = found[2] + 1

    def _longest_phone_from(
        self, text: str, groups: list[tuple[int, int]], first: int, start: int, end: int, tail: int,
        labelled: bool, strong: bool,
    ) -> tuple[int, int, int] | None:
        """(start, end, last group) of the longest phone window beginning at group `first`."""
        least = _MIN_LABELLED_GROUPED if strong else 7
        for last in range(len(groups) - 1, first - 1, -1):
            window_start = groups[first][0]
            window_end = _close_paren(text, groups[last][1], end)
            if window_start > start and text[window_start - 1] == "(":
                window_start -= 1
            window = text[window_start:window_end]
            digits = sum(c.isdigit() for c in window)
            if not least <= digits <= _MAX_DIGITS or not _phone_shaped(window, digits, labelled, strong):
                continue
            if not _stands_alone(text, window_start, window_end, start, end, tail):
                continue
            if strong and _labelled_local_shape(window, digits):
                return window_start, window_end, last
            if self._nanp and _NANP_SHAPE.fullmatch(window):
                return window_start, window_end, last
            if self._spent < self.budget:
                self._spent += 1
                ok = self._valid(window, labelled)
            else:
                ok = self._plausible_shape(window, digits)
                self.unvalidated += ok
            if ok:
                return window_start, window_end, last
        return None

    def _valid_uncached(self, window: str, labelled: bool) -> bool:
        digits = "".join(c for c in window if c.isdigit())
        if window.startswith("+") or window.startswith("00"):
            number = "+" + digits[2:] if window.startswith("00") else window
            try:
                parsed = phonenumbers.parse(number, None)
            except phonenumbers.NumberParseException:
                return False
            if phonenumbers.is_valid_number(parsed):
                return True
            # `+` and a known country code, grouped like a phone number: a possible number is
            # enough (ranges not yet assigned, example numbers in docs and test data).
            # The country code must not be split across groups (`+3 1000 2000` is a score): it is a
            # group of its own (`+44 (0)1632 960123`) or begins the first group (`+447700 900 123`,
            # `+441154960209`); the total length is then checked against the country's plan.
            rest = window.removeprefix("+").removeprefix("00").lstrip()
            first_group = _GROUP_OR_PLUS.findall(rest)[0].strip("()")
            return first_group.startswith(str(parsed.country_code)) and len(digits) >= 8 and \
                phonenumbers.is_possible_number(parsed) and \
                phonenumbers.region_code_for_country_code(parsed.country_code) not in ("ZZ", "001")
        if len(digits) < _MIN_NATIONAL_DIGITS:
            return False
        for region in self.regions:
            try:
                parsed = phonenumbers.parse(window, region)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(parsed):
                continue
            if phonenumbers.region_code_for_number(parsed) != region and parsed.country_code != \
                    phonenumbers.country_code_for_region(region):
                continue
            national = phonenumbers.national_significant_number(parsed)
            trunk = phonenumbers.ndd_prefix_for_region(region, True) or ""
            if digits == trunk + national:
                return True
            if digits == str(parsed.country_code) + national and not window.isdigit():
                return True  # `91-415-555-0132`; bare digits led by a country code are too common
            written_bare = digits == national and (region in _WRITTEN_WITHOUT_TRUNK or not trunk)
            if written_bare and (labelled or not window.isdigit() or region in _NANP
                                 or phonenumbers.number_type(parsed) in _MOBILE_TYPES):
                return True
        return False

    @staticmethod
    def _plausible_shape(window: str, digits: int) -> bool:
        return 10 <= digits <= _MAX_DIGITS and any(c in window for c in "+()-. ")


def _stands_alone(
    text: str, window_start: int, window_end: int, start: int, end: int, tail: int
) -> bool:
    """A window inside a longer run of groups must be set apart by spaces and carry its own phone
    punctuation (`20241 440-600-5124`), so digit groups of IBANs and account numbers are not split
    into phone-sized pieces."""
    if is_word_char(text, tail if window_end == end else window_end):
        return False
    if window_end < end and not text[window_end].isspace():
        return False  # `4012-8888-8888` of `4012-8888-8888-1882`
    if window_start > start:
        if not text[window_start - 1].isspace() and text[window_start] != "(":
            return False
        return any(c in "-.()+/" for c in text[window_start:window_end])
    return True


def _continues_a_run(text: str, start: int, end: int) -> bool:
    """True when digit groups go on past the candidate, directly or across one separator (`:`
    included, so the parts of a time such as `08:28:32` are never a phone); a parenthesised group
    counts as a digit group (`(1) (1) (1) ...`)."""
    before = text[max(0, start - 3):start]
    if _GROUP_BEFORE.search(before):
        return True
    return _GROUP_AFTER.match(text[end:end + 3]) is not None


def _phone_shaped(window: str, digits: int, labelled: bool = False, strong: bool = False) -> bool:
    """Shapes no numbering plan writes phones in: SSN-style 3-2-4 groups, ZIP+4, dotted quads (IP
    addresses, versions), `-` mixed with `.` or `/`, a two-group range of 1-2 digit numbers (`65-68`),
    dates (`2022-11-17`, `22.04.2020`), decimals, bare digit strings other than 10-11 long, and a
    year followed by a serial (`2023-718397`). A phone label admits SSN-like groupings, bare strings,
    dotted groups (`430.20.09`), `/` with `-` and extensions after a hyphen (`030/226 343-0`)."""
    if "-" in window and ("." in window or (not strong and "/" in window)):
        return False  # a phone label admits `030 / 269 97-361`, the German area code style
    if not labelled and (_SSN_SHAPE.fullmatch(window) or _YEAR_SERIAL.fullmatch(window)):
        return False
    if not strong and _NUMERIC_RANGE.search(window):
        return False  # `300 215 65-68`: numbers and a range, as in score tables; `0561 940 83-14` is
        # a phone number with its extension when labelled
    if _DATE.search(window):
        return False  # `2022-11-17 08`, `22.04.2020 10`
    if window.isdigit():
        return labelled or 10 <= digits <= 11
    groups = _GROUP_OR_PLUS.findall(window)
    if strong:
        return not _SHORT_DATE.fullmatch(window)  # `23.06.06` is a date even after `Tel.`
    if "." in window and not any(c in window for c in " -()+/"):
        if window.count(".") == 1:
            return False  # a decimal number (`2.718281828`)
        return all(len(g) == 2 for g in groups) or max(len(g) for g in groups) >= 4
    return True


def _labelled_local_shape(window: str, digits: int) -> bool:
    """A number under a phone label: 6-15 grouped digits or 8-15 unbroken ones, not a list of years."""
    if window.isdigit():
        return _MIN_LABELLED_UNBROKEN <= digits <= _MAX_DIGITS
    groups = _GROUP_OR_PLUS.findall(window)
    return not (len(groups) > 1 and all(_YEAR_GROUP.fullmatch(g) for g in groups))


def _followed_by_count_word(text: str, end: int) -> bool:
    """`682 158 780 Einwohner`, `3 645 000 people`: a quantity, not a number to call."""
    word = _NEXT_WORD.match(text[end:end + 24])
    return word is not None and word.group(1).lower() in _COUNT_WORDS


def _close_paren(text: str, index: int, limit: int) -> int:
    """Include a closing parenthesis right after the last group (`(020)` style)."""
    return index + 1 if index < limit and text[index] == ")" else index
