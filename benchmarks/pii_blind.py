"""A third labelled PII set, written blind for issue 23, for `pii_eval.py --synthetic FILE`.

Why a third set: `pii_synthetic.py` is a development set and `pii_heldout.py` has been read since
its first score. This one is written from how people write phone, card and bank numbers in the
eight Llama 3 languages (en, de, fr, it, pt, es, hi, th), not from the detector: the script imports
nothing from `curation/` and reads none of its rules, and the span types and JSONL format are the
only things it shares with the evaluation.

What it holds (3,200 lines, 40% without PII):
- phones: national formats with their trunk prefix, local numbers without an area code (always
  next to a label, as a person would write them: `Tel. 467 3395`), international numbers in the
  national grouping, unbroken, or grouped oddly (`+447700 900 123`, `+33 612 345 678`), with label
  words and sentence frames in each language;
- cards of every common IIN range (Visa, Mastercard 51-55 and 2221-2720, Amex, Discover 6011,
  644-649 and 65, Diners, JCB, Maestro 12-19 digits, UnionPay 62, RuPay, Mir), Luhn-valid, grouped,
  compact or dashed, with card words nearby;
- IBANs from 16 countries with their BBAN structure and mod-97 check digits, in upper, lower and
  mixed case, compact, in fours, or in irregular groups;
- emails, IPv4 addresses and US SSNs as context types;
- hard negatives (the PII-free lines, and numbers beside the PII in other lines): licence plates,
  order and invoice numbers, street addresses with house numbers and postcodes, versions, dates,
  times, coordinates, prices, ISBNs, tracking numbers, driver's licence numbers, flight numbers,
  populations.

Each line is {"text", "spans": [{"start", "end", "type", "detail"}], "lang", "template", "half"}.
`half` is "tune" or "test" from the first byte of blake2b(text): rules are developed on the tune
half and the test half is reported. The output is fixed by `SEED` (standard library only, no
clock). Run:

    .venv/bin/python benchmarks/pii_blind.py /tmp/pii_blind.jsonl
    .venv/bin/python -m benchmarks.pii_eval --synthetic /tmp/pii_blind.jsonl --halves
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable

SEED = 2323
N = 3200
NO_PII_FRACTION = 0.4
DEFAULT_OUT = "/tmp/pii_blind.jsonl"
LANGS = ("en", "de", "fr", "it", "pt", "es", "hi", "th")

rng = random.Random(SEED)
Value = tuple[str, str]  # (text, detail)


def d(n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def nz(n: int) -> str:
    """n digits, the first one not 0 or 1 (subscriber numbers rarely start with them)."""
    return str(rng.randint(2, 9)) + d(n - 1)


def pick(options: list[str] | tuple[str, ...]) -> str:
    return options[rng.randrange(len(options))]


def group(digits: str, sizes: list[int], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    if at < len(digits):
        parts.append(digits[at:])
    return sep.join(p for p in parts if p)


# ---------------------------------------------------------------- phones
# Each maker returns (text, detail); prefixes are real national ranges (mobile and fixed lines).
def us_phone() -> Value:
    area = pick(["212", "312", "415", "617", "206", "303", "404", "512", "702", "818", "646", "919"])
    exch, line = nz(3), d(4)
    forms = [
        f"({area}) {exch}-{line}",
        f"{area}-{exch}-{line}",
        f"{area}.{exch}.{line}",
        f"+1 {area} {exch} {line}",
        f"+1-{area}-{exch}-{line}",
        f"1 ({area}) {exch}-{line}",
        f"+1 ({area}) {exch}-{line}",
    ]
    return pick(forms), "us:national"


def uk_phone() -> Value:
    mobile = "7" + pick(["400", "500", "700", "800", "900", "911", "956", "984"]) + d(6)
    london = "20" + pick(["7", "8", "3"]) + d(7)
    manchester = "161" + nz(7)
    forms = [
        f"0{mobile[:4]} {mobile[4:]}",
        f"0{mobile[:4]} {mobile[4:7]} {mobile[7:]}",
        f"+44 {mobile[:4]} {mobile[4:]}",
        f"+44{mobile[:4]} {mobile[4:7]} {mobile[7:]}",
        f"+44 (0){mobile[:4]} {mobile[4:]}",
        f"+{'44' + mobile}",
        f"020 {london[2:6]} {london[6:]}",
        f"+44 20 {london[2:6]} {london[6:]}",
        f"(020) {london[2:6]} {london[6:]}",
        f"0161 {manchester[3:6]} {manchester[6:]}",
        f"+44 161 {manchester[3:6]} {manchester[6:]}",
    ]
    return pick(forms), "uk"


def au_phone() -> Value:
    mob = "4" + d(8)
    forms = [
        f"04{mob[1:3]} {mob[3:6]} {mob[6:]}",
        f"+61 4{mob[1:3]} {mob[3:6]} {mob[6:]}",
        f"(02) {nz(4)} {d(4)}",
        f"+61 2 {nz(4)} {d(4)}",
    ]
    return pick(forms), "au"


def in_phone() -> Value:
    mob = pick("6789") + d(9)
    fixed = nz(8)
    forms = [
        f"{mob[:5]} {mob[5:]}",
        f"+91 {mob[:5]} {mob[5:]}",
        f"+91-{mob[:5]}-{mob[5:]}",
        f"+91 {mob}",
        f"0{mob[:5]} {mob[5:]}",
        f"{mob}",
        f"011-{fixed[:4]} {fixed[4:]}",
        f"022 {fixed[:4]} {fixed[4:]}",
        f"(011) {fixed}",
        f"+91 11 {fixed[:4]} {fixed[4:]}",
        f"+9180 {fixed[:4]} {fixed[4:]}",
    ]
    return pick(forms), "in"


def de_phone() -> Value:
    mob = (
        pick(["151", "152", "157", "160", "162", "170", "171", "172", "176", "177"])
        + nz(7)
        + (d(1) if rng.random() < 0.5 else "")
    )
    city, length = pick([("30", 8), ("89", 8), ("40", 8), ("221", 7), ("69", 8), ("711", 7)])
    sub = nz(length)
    forms = [
        f"0{mob[:3]} {mob[3:]}",
        f"0{mob[:3]}/{mob[3:]}",
        f"0{mob[:3]}-{mob[3:]}",
        f"+49 {mob[:3]} {mob[3:]}",
        f"+49 (0){mob[:3]} {mob[3:]}",
        f"+49{mob}",
        f"0{city} {sub}",
        f"0{city}/{sub}",
        f"0{city} {sub[:4]} {sub[4:]}",
        f"(0{city}) {sub[:3]} {sub[3:]}",
        f"+49 {city} {sub}",
        f"+49 (0) {city} {sub[:3]}-{sub[3:]}",
        f"0{city} {sub[:3]} {sub[3:5]} {sub[5:]}",
        f"0{city}-{sub}",
    ]
    return pick(forms), "de"


def at_ch_phone() -> Value:
    forms = [
        f"+43 1 {nz(3)} {d(4)}",
        f"01 {nz(3)} {d(4)}",
        f"+43 664 {nz(7)}",
        f"0664 {nz(3)} {d(4)}",
        f"+41 44 {nz(3)} {d(2)} {d(2)}",
        f"044 {nz(3)} {d(2)} {d(2)}",
        f"+41 79 {nz(3)} {d(2)} {d(2)}",
    ]
    return pick(forms), "at_ch"


def fr_phone() -> Value:
    first = pick("1234567")
    sub = d(8)
    pairs = " ".join(sub[i : i + 2] for i in range(0, 8, 2))
    forms = [
        f"0{first} {pairs}",
        f"0{first}.{pairs.replace(' ', '.')}",
        f"0{first}-{pairs.replace(' ', '-')}",
        f"0{first}{sub}",
        f"+33 {first} {pairs}",
        f"+33 (0){first} {pairs}",
        f"+33{first}{sub}",
        f"+33 {first}{sub[:2]} {sub[2:5]} {sub[5:]}",
        f"0033 {first} {pairs}",
    ]
    return pick(forms), "fr"


def be_phone() -> Value:
    forms = [
        f"02 {nz(3)} {d(2)} {d(2)}",
        f"+32 2 {nz(3)} {d(2)} {d(2)}",
        f"0475 {d(2)} {d(2)} {d(2)}",
        f"+32 475 {d(2)} {d(2)} {d(2)}",
    ]
    return pick(forms), "be"


def it_phone() -> Value:
    mob = "3" + pick(["20", "28", "33", "35", "38", "40", "47", "49", "66", "88", "93"]) + d(7)
    fixed = pick(["06", "02", "011", "055", "081"])
    sub = nz(10 - len(fixed))
    forms = [
        f"{mob[:3]} {mob[3:6]} {mob[6:]}",
        f"{mob[:3]} {mob[3:]}",
        f"{mob[:3]}-{mob[3:]}",
        f"+39 {mob[:3]} {mob[3:6]} {mob[6:]}",
        f"+39 {mob[:3]} {mob[3:]}",
        f"+39{mob}",
        f"{fixed} {sub}",
        f"{fixed}-{sub}",
        f"{fixed} {sub[:4]} {sub[4:]}",
        f"+39 {fixed} {sub}",
        f"({fixed}) {sub}",
    ]
    return pick(forms), "it"


def pt_phone() -> Value:
    mob = "9" + pick("1236") + d(7)
    fixed = "2" + pick("12") + nz(7)
    forms = [
        f"{mob[:3]} {mob[3:6]} {mob[6:]}",
        f"+351 {mob[:3]} {mob[3:6]} {mob[6:]}",
        f"+351 {mob}",
        f"{fixed[:2]} {fixed[2:5]} {fixed[5:]}",
        f"+351 {fixed[:2]} {fixed[2:5]} {fixed[5:]}",
        f"{mob}",
        f"00351 {mob[:3]} {mob[3:6]} {mob[6:]}",
    ]
    return pick(forms), "pt"


def br_phone() -> Value:
    area = pick(["11", "21", "31", "41", "51", "61", "71", "81", "85", "19"])
    mob = "9" + pick("6789") + d(7)
    fixed = pick("2345") + d(7)
    forms = [
        f"({area}) {mob[:5]}-{mob[5:]}",
        f"({area}) {fixed[:4]}-{fixed[4:]}",
        f"{area} {mob[:5]}-{mob[5:]}",
        f"+55 {area} {mob[:5]}-{mob[5:]}",
        f"+55 ({area}) {mob[:5]} {mob[5:]}",
        f"+55{area}{mob}",
        f"0{area} {mob[:5]}-{mob[5:]}",
        f"({area}) {mob}",
    ]
    return pick(forms), "br"


def es_phone() -> Value:
    mob = pick("67") + d(8)
    fixed = "9" + pick("13456") + d(7)
    forms = [
        f"{mob[:3]} {mob[3:6]} {mob[6:]}",
        f"{mob[:3]} {mob[3:5]} {mob[5:7]} {mob[7:]}",
        f"+34 {mob[:3]} {mob[3:6]} {mob[6:]}",
        f"+34 {mob[:3]} {mob[3:5]} {mob[5:7]} {mob[7:]}",
        f"+34{mob}",
        f"{fixed[:2]} {fixed[2:5]} {fixed[5:7]} {fixed[7:]}",
        f"{fixed[:3]} {fixed[3:6]} {fixed[6:]}",
        f"+34 {fixed[:2]} {fixed[2:5]} {fixed[5:7]} {fixed[7:]}",
        f"0034 {mob[:3]} {mob[3:6]} {mob[6:]}",
        f"{mob}",
    ]
    return pick(forms), "es"


def latam_phone() -> Value:
    forms = [
        f"55 {nz(4)} {d(4)}",
        f"+52 55 {nz(4)} {d(4)}",
        f"(55) {nz(4)}-{d(4)}",
        f"+52 1 33 {nz(4)} {d(4)}",
        f"(011) {nz(4)}-{d(4)}",
        f"+54 9 11 {nz(4)}-{d(4)}",
        f"+54 11 {nz(4)}-{d(4)}",
        f"+57 3{d(2)} {nz(3)} {d(4)}",
        f"+56 9 {nz(4)} {d(4)}",
        f"+51 9{d(2)} {d(3)} {d(3)}",
    ]
    return pick(forms), "latam"


def th_phone() -> Value:
    mob = pick("689") + d(8)
    fixed = nz(7)
    forms = [
        f"0{mob[:2]}-{mob[2:5]}-{mob[5:]}",
        f"0{mob[:2]} {mob[2:5]} {mob[5:]}",
        f"0{mob}",
        f"+66 {mob[:2]} {mob[2:5]} {mob[5:]}",
        f"+66 {mob}",
        f"+66{mob}",
        f"+66-{mob[:2]}-{mob[2:5]}-{mob[5:]}",
        f"02-{fixed[:3]}-{fixed[3:]}",
        f"02 {fixed[:3]} {fixed[3:]}",
        f"0 2{fixed[:3]} {fixed[3:]}",
        f"+66 2 {fixed[:3]} {fixed[3:]}",
        f"053-{fixed[1:4]}-{fixed[4:]}",
    ]
    return pick(forms), "th"


def local_phone() -> Value:
    """A subscriber number without its area code, as written under a label on a local page."""
    forms = [
        f"{nz(3)} {d(4)}",
        f"{nz(3)}-{d(4)}",
        f"{nz(2)} {d(2)} {d(2)}",
        f"{nz(2)}-{d(2)}-{d(2)}-{d(2)}",
        f"{nz(2)} {d(2)} {d(2)} {d(2)}",
        f"{nz(3)} {d(2)} {d(2)}",
        f"({d(2)}) {nz(3)}-{d(3)}",
        f"{nz(4)}-{d(4)}",
        f"{nz(4)} {d(4)}",
        f"{nz(5)}-{d(4)}",
        f"{nz(3)}.{d(2)}.{d(2)}",
        f"{nz(3)} {d(3)}",
        f"{nz(3)} {d(3)} {d(3)}",
    ]
    return pick(forms), "local"


PHONES_BY_LANG: dict[str, list[Callable[[], Value]]] = {
    "en": [us_phone, us_phone, uk_phone, uk_phone, au_phone, in_phone],
    "de": [de_phone, de_phone, de_phone, at_ch_phone],
    "fr": [fr_phone, fr_phone, fr_phone, be_phone],
    "it": [it_phone],
    "pt": [pt_phone, br_phone, br_phone],
    "es": [es_phone, es_phone, latam_phone],
    "hi": [in_phone],
    "th": [th_phone],
}


def phone(lang: str) -> Value:
    return pick(PHONES_BY_LANG[lang])()  # type: ignore[arg-type]


def foreign_phone() -> Value:
    """An international number from any country, written by someone abroad."""
    maker = pick(
        [
            uk_phone,
            de_phone,
            fr_phone,
            it_phone,
            pt_phone,
            br_phone,
            es_phone,
            th_phone,
            in_phone,
            latam_phone,
            us_phone,
            au_phone,
        ]
    )  # type: ignore[list-item]
    for _ in range(50):
        text, detail = maker()  # type: ignore[operator]
        if text.startswith("+") or text.startswith("00"):
            return text, f"intl:{detail}"
    return "+44 20 7946 0000", "intl:fallback"


# ---------------------------------------------------------------- cards
def luhn_complete(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        x = int(c)
        if i % 2 == 0:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return body + str((10 - total % 10) % 10)


CARD_RANGES: list[tuple[str, Callable[[], str], tuple[int, ...]]] = [
    ("visa", lambda: "4", (16, 16, 16, 13, 19)),
    ("mastercard", lambda: str(rng.randint(51, 55)), (16,)),
    ("mastercard2", lambda: str(rng.randint(2221, 2720)), (16,)),
    ("amex", lambda: pick(["34", "37"]), (15,)),
    ("discover", lambda: pick(["6011", str(rng.randint(644, 649)), "65"]), (16, 19)),
    ("diners", lambda: pick(["36", "38", str(rng.randint(300, 305))]), (14,)),
    ("jcb", lambda: str(rng.randint(3528, 3589)), (16, 19)),
    (
        "maestro",
        lambda: pick(["5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"]),
        (12, 13, 15, 16, 18, 19),
    ),
    ("unionpay", lambda: "62" + d(1 if rng.random() < 0.5 else 4)[:1], (16, 17, 18, 19)),
    ("rupay", lambda: pick(["60", "65", "81", "82", "508"]), (16,)),
    ("mir", lambda: str(rng.randint(2200, 2204)), (16,)),
]


def card() -> Value:
    name, prefix, lengths = CARD_RANGES[rng.randrange(len(CARD_RANGES))]
    length = pick(lengths)  # type: ignore[arg-type]
    head = prefix()
    number = luhn_complete(head + d(length - len(head) - 1))
    r = rng.random()
    if length == 15 and name == "amex":
        sizes = [4, 6, 5]
    elif length == 14:
        sizes = [4, 6, 4]
    else:
        sizes = [4] * (length // 4)
    if r < 0.55:
        text = group(number, sizes, " ")
    elif r < 0.75:
        text = number
    elif r < 0.9:
        text = group(number, sizes, "-")
    else:
        text = group(number, sizes, "  ") if rng.random() < 0.5 else group(number, [4] * 5, " ")
    return text, f"{name}:{length}"


# ---------------------------------------------------------------- IBANs
# Country, BBAN structure: (count, class) with n digits, a upper-case letters, c alphanumerics.
IBAN_BBAN: dict[str, list[tuple[int, str]]] = {
    "DE": [(18, "n")],
    "AT": [(16, "n")],
    "CH": [(5, "n"), (12, "c")],
    "FR": [(10, "n"), (11, "c"), (2, "n")],
    "BE": [(12, "n")],
    "IT": [(1, "a"), (10, "n"), (12, "c")],
    "ES": [(20, "n")],
    "PT": [(21, "n")],
    "GB": [(4, "a"), (14, "n")],
    "IE": [(4, "a"), (14, "n")],
    "NL": [(4, "a"), (10, "n")],
    "PL": [(24, "n")],
    "LU": [(3, "n"), (13, "c")],
    "SE": [(20, "n")],
    "DK": [(14, "n")],
    "BR": [(23, "n"), (1, "a"), (1, "c")],
}
IBAN_BY_LANG = {
    "en": ["GB", "IE", "NL", "LU", "SE", "DK", "PL"],
    "de": ["DE", "AT", "CH"],
    "fr": ["FR", "BE", "LU", "CH"],
    "it": ["IT", "CH"],
    "pt": ["PT", "BR"],
    "es": ["ES"],
    "hi": ["GB", "DE", "FR"],
    "th": ["GB", "DE", "CH"],
}
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def bban(country: str) -> str:
    out = []
    for count, kind in IBAN_BBAN[country]:
        for _ in range(count):
            out.append(
                pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                if kind == "a"
                else pick(ALNUM)
                if kind == "c"
                else str(rng.randint(0, 9))
            )
    return "".join(out)


def iban(lang: str) -> Value:
    country = pick(IBAN_BY_LANG[lang])
    body = bban(country)
    rearranged = body + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    compact = f"{country}{check:02d}{body}"
    r = rng.random()
    if r < 0.45:
        spaced = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    elif r < 0.7:
        spaced = compact
    elif r < 0.8:
        spaced = compact[:4] + " " + compact[4:]
    elif r < 0.9:
        spaced = "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    else:
        cuts = sorted(rng.sample(range(2, len(compact) - 1), 4))
        spaced = " ".join(compact[a:b] for a, b in zip([0, *cuts], [*cuts, len(compact)], strict=True))
    case = rng.random()
    if case < 0.2:
        spaced, how = spaced.lower(), "lower"
    elif case < 0.27:
        spaced, how = spaced[:2] + spaced[2:].lower(), "mixed"
    else:
        how = "upper"
    return spaced, f"{country}:{how}"


# ---------------------------------------------------------------- other PII
NAMES = [
    "anna",
    "jonas",
    "marie",
    "luca",
    "joao",
    "sofia",
    "carlos",
    "priya",
    "arjun",
    "somchai",
    "nicha",
    "emma",
    "paul",
    "giulia",
    "lucas",
    "ines",
]
DOMAINS = [
    "gmail.com",
    "web.de",
    "orange.fr",
    "libero.it",
    "sapo.pt",
    "uol.com.br",
    "telefonica.es",
    "rediffmail.com",
    "hotmail.co.th",
    "example-shop.de",
    "uni-muenchen.de",
    "outlook.com",
]


def email() -> Value:
    sep = pick([".", "_", "", "-"])
    return (
        f"{pick(NAMES)}{sep}{pick(NAMES)}{rng.randint(1, 99) if rng.random() < 0.3 else ''}@{pick(DOMAINS)}",
        "email",
    )


def ipv4() -> Value:
    if rng.random() < 0.3:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "private"
    return (
        f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "public",
    )


def ssn() -> Value:
    area = rng.randint(1, 899)
    while area == 666:
        area = rng.randint(1, 899)
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}", "ssn"


# ---------------------------------------------------------------- hard negatives
def plate(lang: str) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    by_lang = {
        "en": [
            f"{pick(letters)}{pick(letters)}{d(2)} {pick(letters)}{pick(letters)}{pick(letters)}",
            f"{d(1)}{pick(letters)}{pick(letters)}{pick(letters)}{d(3)}",
        ],
        "de": [f"{pick(['B', 'M', 'HH', 'K', 'F'])}-{pick(letters)}{pick(letters)} {rng.randint(1, 9999)}"],
        "fr": [f"{pick(letters)}{pick(letters)}-{d(3)}-{pick(letters)}{pick(letters)}"],
        "it": [f"{pick(letters)}{pick(letters)} {d(3)}{pick(letters)}{pick(letters)}"],
        "pt": [
            f"{d(2)}-{pick(letters)}{pick(letters)}-{d(2)}",
            f"{pick(letters)}{pick(letters)}{pick(letters)}{d(1)}{pick(letters)}{d(2)}",
        ],
        "es": [f"{d(4)} {pick(letters)}{pick(letters)}{pick(letters)}"],
        "hi": [f"{pick(['MH', 'DL', 'KA', 'UP'])} {d(2)} {pick(letters)}{pick(letters)} {d(4)}"],
        "th": [f"กข {d(4)}", f"{rng.randint(1, 9)}กก {d(4)}"],
    }
    return pick(by_lang[lang])


def order_number() -> str:
    return pick(
        [
            f"{rng.randint(2019, 2025)}-{d(6)}",
            f"{d(10)}",
            f"{d(3)}-{d(7)}-{d(7)}",
            f"#{d(8)}",
            f"INV-{rng.randint(2019, 2025)}-{d(5)}",
            f"{d(4)} {d(4)} {d(4)}",
            f"{d(12)}",
            f"{d(6)}/{d(2)}",
        ]
    )


def street(lang: str) -> str:
    num = str(rng.randint(1, 250))
    by_lang = {
        "en": [
            f"{rng.randint(100, 9999)} {pick(['Main', 'Oak', 'Maple', 'Elm'])} Street, "
            f"Springfield, IL {d(5)}",
            f"{num} {pick(['High Street', 'Station Road', 'Church Lane'])}, "
            f"London {pick(['SW1A', 'N1', 'E2'])} {d(1)}AA",
        ],
        "de": [
            f"{pick(['Hauptstraße', 'Bahnhofstr.', 'Lindenweg'])} {num}, "
            f"{d(5)} {pick(['Berlin', 'München', 'Köln'])}"
        ],
        "fr": [f"{num} {pick(['rue de Rivoli', 'avenue Victor Hugo', 'boulevard Voltaire'])}, {d(5)} Paris"],
        "it": [
            f"Via {pick(['Roma', 'Garibaldi', 'Dante'])} {num}, {d(5)} {pick(['Milano', 'Roma', 'Torino'])}"
        ],
        "pt": [
            f"Rua {pick(['Augusta', 'das Flores', 'do Carmo'])} {num}, {d(4)}-{d(3)} Lisboa",
            f"Av. Paulista, {rng.randint(100, 2500)} - São Paulo, SP, {d(5)}-{d(3)}",
        ],
        "es": [f"Calle {pick(['Mayor', 'de Alcalá', 'Gran Vía'])} {num}, {d(5)} Madrid"],
        "hi": [f"मकान नंबर {num}, सेक्टर {rng.randint(1, 60)}, नोएडा {d(6)}"],
        "th": [f"{num}/{rng.randint(1, 99)} ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ {d(5)}"],
    }
    return pick(by_lang[lang])


def licence(lang: str) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    forms = [
        f"{d(3)} {d(3)} {d(3)}",
        f"{pick(letters)}{d(7)}",
        f"{pick(letters)}{d(3)}-{d(4)}-{d(4)}",
        f"{d(2)}{pick(letters)}{pick(letters)}{d(5)}",
        f"{pick(['MH', 'DL', 'KA'])}{d(2)} {d(11)}",
        f"{d(9)}",
        f"{d(4)} {d(4)}",
        f"{d(8)}",
        f"{d(3)}-{d(3)}-{d(3)}",
        f"{d(12)}",
    ]
    return pick(forms)


def version() -> str:
    return pick(
        [
            f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
            f"v{rng.randint(1, 5)}.{rng.randint(0, 12)}",
            f"10.0.{rng.randint(10000, 22631)}.{rng.randint(1, 4000)}",
            f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}-rc{rng.randint(1, 4)}",
        ]
    )


def date(lang: str) -> str:
    y, m, day = rng.randint(1990, 2026), rng.randint(1, 12), rng.randint(1, 28)
    forms = {
        "en": [f"{m:02d}/{day:02d}/{y}", f"{y}-{m:02d}-{day:02d}"],
        "de": [f"{day:02d}.{m:02d}.{y}", f"{day}.{m}.{y}"],
        "fr": [f"{day:02d}/{m:02d}/{y}"],
        "it": [f"{day:02d}/{m:02d}/{y}", f"{day:02d}-{m:02d}-{y}"],
        "pt": [f"{day:02d}/{m:02d}/{y}"],
        "es": [f"{day:02d}/{m:02d}/{y}", f"{day}-{m}-{y}"],
        "hi": [f"{day:02d}-{m:02d}-{y}", f"{day:02d}/{m:02d}/{y}"],
        "th": [f"{day}/{m}/{y + 543}", f"{day:02d}/{m:02d}/{y}"],
    }
    return pick(forms[lang])


def clock() -> str:
    return pick(
        [
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} {pick(['am', 'pm', 'AM', 'PM'])}",
        ]
    )


def coordinates() -> str:
    lat, lon = rng.uniform(-60, 70), rng.uniform(-170, 170)
    return pick(
        [
            f"{lat:.4f}, {lon:.4f}",
            f"{lat:.6f},{lon:.6f}",
            f"{abs(int(lat))}°{rng.randint(0, 59)}\u2032{rng.randint(0, 59)}\u2033{'N' if lat > 0 else 'S'} "
            f"{abs(int(lon))}°{rng.randint(0, 59)}\u2032{rng.randint(0, 59)}\u2033{'E' if lon > 0 else 'W'}",
        ]
    )


def price(lang: str) -> str:
    whole = rng.randint(1, 99999)
    forms = {
        "en": [f"${whole:,}.{d(2)}", f"£{whole:,}"],
        "de": [f"{whole:,}".replace(",", ".") + f",{d(2)} €"],
        "fr": [f"{whole:,}".replace(",", " ") + f",{d(2)} €"],
        "it": [f"€ {whole:,}".replace(",", ".")],
        "pt": [f"R$ {whole:,}".replace(",", ".") + f",{d(2)}", f"{whole:,}".replace(",", " ") + " €"],
        "es": [f"{whole:,}".replace(",", ".") + " €", f"MX$ {whole:,}"],
        "hi": [f"₹ {whole:,}", f"₹{rng.randint(1, 99)},{d(2)},{d(3)}"],
        "th": [f"฿{whole:,}", f"{whole:,} บาท"],
    }
    return pick(forms[lang])


def isbn() -> str:
    body = "978" + pick("0123") + d(8)
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    full = body + str((10 - total % 10) % 10)
    return pick(
        [
            f"{full[:3]}-{full[3]}-{full[4:7]}-{full[7:12]}-{full[12]}",
            full,
            f"{full[:3]}-{full[3:5]}-{full[5:9]}-{full[9:12]}-{full[12]}",
        ]
    )


def tracking() -> str:
    return pick(
        [
            f"1Z{d(3)}{pick('ABCDEFGHJKLMNPRSTUVWXY')}{pick('ABCDEFGHJKLMNPRSTUVWXY')}{d(11)}",
            f"94{d(2)} {d(4)} {d(4)} {d(4)} {d(4)} {d(2)}",
            f"{d(12)}",
            f"{d(4)} {d(4)} {d(4)}",
            f"JD{d(18)}",
            f"RR{d(9)}DE",
            f"{d(10)}",
            f"00{d(18)}",
        ]
    )


NEG: dict[str, Callable[[str], str]] = {
    "plate": plate,
    "order": lambda _: order_number(),
    "street": street,
    "licence": licence,
    "version": lambda _: version(),
    "date": date,
    "time": lambda _: clock(),
    "coords": lambda _: coordinates(),
    "price": price,
    "isbn": lambda _: isbn(),
    "tracking": lambda _: tracking(),
    "flight": lambda _: f"{pick(['LH', 'AF', 'AZ', 'TP', 'IB', 'AI', 'TG'])} {rng.randint(10, 9999)}",
    "pop": lambda _: f"{rng.randint(1, 999)} {d(3)} {d(3)}",
    "year": lambda _: str(rng.randint(1950, 2026)),
    "n": lambda _: str(rng.randint(2, 48)),
    "zip": lambda _: d(5),
}


# ---------------------------------------------------------------- templates
# Per language: sentences with PII slots ({{phone}}, {{local}}, {{intl}}, {{card}}, {{iban}},
# {{email}}, {{ip}}, {{ssn}}) and PII-free sentences with negative slots ({{plate}}, ...).
PII_TEMPLATES: dict[str, list[str]] = {
    "en": [
        "Call me at {{phone}} if the parcel does not arrive by {{date}}.",
        "Tel: {{phone}} | Fax: {{phone}} | {{email}}",
        "For bookings, phone {{phone}} (Mon-Fri, 9am-5pm).",
        "You can reach our front desk on {{phone}} or email {{email}}.",
        "Mobile: {{phone}}",
        "Please ring {{phone}} and ask for the duty manager.",
        "My cell is {{phone}}, text anytime after {{time}}.",
        "Office phone: {{local}} (ext. 12 for billing).",
        "Call the clubhouse on {{local}} to book a court.",
        "Our partner abroad can be contacted on {{intl}}.",
        "WhatsApp {{intl}} for same-day quotes.",
        "Paid with card {{card}}, exp 08/27, please refund.",
        "My credit card number is {{card}} and the CVV is on the back.",
        "Debit card: {{card}} (Maestro)",
        "The full card number {{card}} was charged twice on {{date}}.",
        "Please transfer the deposit to IBAN {{iban}} before {{date}}.",
        "Bank details: {{iban}}, reference {{order}}.",
        "Account (IBAN): {{iban}}",
        "Server {{ip}} rejected the login from {{email}} at {{time}}.",
        "Applicant SSN: {{ssn}}, phone {{phone}}.",
        "Social Security number {{ssn}} is on the W-2 form from {{year}}.",
        "Contact {{email}} or call {{phone}}; our office is at {{street}}.",
        "Order {{order}} shipped; questions? Phone {{phone}}.",
        "Driver's licence {{licence}}, contact number {{phone}}.",
    ],
    "de": [
        "Rufen Sie uns an unter {{phone}}, Mo-Fr 8-18 Uhr.",
        "Tel.: {{phone}} · Fax: {{phone}} · E-Mail: {{email}}",
        "Telefon {{phone}}, Anschrift: {{street}}",
        "Sie erreichen mich mobil unter {{phone}}.",
        "Handy: {{phone}}",
        "Bei Fragen zur Bestellung {{order}} einfach anrufen: {{phone}}",
        "Tel. {{local}} (Sekretariat, vormittags)",
        "Anmeldung telefonisch unter {{local}} oder per E-Mail an {{email}}.",
        "Unser Büro im Ausland ist unter {{intl}} erreichbar.",
        "Bitte überweisen Sie den Betrag auf das Konto IBAN {{iban}}.",
        "Bankverbindung: IBAN {{iban}}, Verwendungszweck Rechnung {{order}}",
        "Kontonummer (IBAN): {{iban}}",
        "Bezahlt mit Kreditkarte {{card}}, gültig bis 11/26.",
        "Meine Maestro-Karte {{card}} wurde am {{date}} belastet.",
        "Kartennummer: {{card}}",
        "Der Zugriff kam von {{ip}} um {{time}} Uhr.",
        "Kontakt: {{email}}, Telefonnummer {{phone}}",
    ],
    "fr": [
        "Appelez-nous au {{phone}} du lundi au vendredi.",
        "Tél. : {{phone}} — Fax : {{phone}}",
        "Téléphone : {{phone}}, adresse : {{street}}",
        "Vous pouvez me joindre sur mon portable au {{phone}}.",
        "Portable : {{phone}}",
        "Pour toute question sur la commande {{order}}, appelez le {{phone}}.",
        "Tél. {{local}} (accueil de la mairie)",
        "Réservations par téléphone au {{local}} ou par e-mail {{email}}.",
        "Notre bureau à l'étranger : {{intl}}.",
        "Merci de virer le montant sur l'IBAN {{iban}} avant le {{date}}.",
        "Coordonnées bancaires : IBAN {{iban}}",
        "RIB / IBAN : {{iban}}",
        "Payé par carte bancaire {{card}}, date d'expiration 03/28.",
        "Numéro de carte de crédit : {{card}}",
        "Ma carte Maestro {{card}} a été débitée deux fois.",
        "Connexion depuis l'adresse {{ip}} à {{time}}.",
        "Écrivez à {{email}} ou appelez le {{phone}}.",
    ],
    "it": [
        "Chiamaci al numero {{phone}} dal lunedì al venerdì.",
        "Tel. {{phone}} - Fax {{phone}} - {{email}}",
        "Telefono: {{phone}}, sede in {{street}}",
        "Il mio cellulare è {{phone}}, scrivimi anche su WhatsApp.",
        "Cellulare: {{phone}}",
        "Per l'ordine {{order}} contattate il numero {{phone}}.",
        "Tel. {{local}} (segreteria)",
        "Prenotazioni al telefono {{local}} oppure via mail {{email}}.",
        "Ufficio all'estero: {{intl}}",
        "Effettuare il bonifico sull'IBAN {{iban}} entro il {{date}}.",
        "Coordinate bancarie: IBAN {{iban}}",
        "Pagato con carta di credito {{card}}, scadenza 09/27.",
        "Numero carta: {{card}}",
        "La mia carta Maestro {{card}} è stata addebitata il {{date}}.",
        "Accesso dall'indirizzo IP {{ip}} alle {{time}}.",
    ],
    "pt": [
        "Ligue para {{phone}} de segunda a sexta.",
        "Tel.: {{phone}} | Fax: {{phone}} | {{email}}",
        "Telefone: {{phone}}, endereço: {{street}}",
        "Meu celular é {{phone}}, pode mandar mensagem no WhatsApp.",
        "Telemóvel: {{phone}}",
        "Dúvidas sobre o pedido {{order}}? Ligue {{phone}}.",
        "Tel. {{local}} (recepção)",
        "Agendamentos pelo telefone {{local}} ou pelo e-mail {{email}}.",
        "Escritório no exterior: {{intl}}",
        "Transfira o valor para o IBAN {{iban}} até {{date}}.",
        "Dados bancários: IBAN {{iban}}",
        "Paguei com o cartão de crédito {{card}}, validade 05/29.",
        "Número do cartão: {{card}}",
        "O meu cartão Maestro {{card}} foi debitado duas vezes.",
        "Acesso do IP {{ip}} às {{time}}.",
    ],
    "es": [
        "Llámanos al {{phone}} de lunes a viernes.",
        "Tel.: {{phone}} · Fax: {{phone}} · {{email}}",
        "Teléfono: {{phone}}, dirección: {{street}}",
        "Mi móvil es el {{phone}}, escríbeme por WhatsApp.",
        "Celular: {{phone}}",
        "¿Dudas sobre el pedido {{order}}? Llama al {{phone}}.",
        "Tel. {{local}} (recepción)",
        "Reservas en el teléfono {{local}} o por correo {{email}}.",
        "Oficina en el extranjero: {{intl}}",
        "Transfiera el importe al IBAN {{iban}} antes del {{date}}.",
        "Datos bancarios: IBAN {{iban}}",
        "Pagué con la tarjeta de crédito {{card}}, caducidad 07/28.",
        "Número de tarjeta: {{card}}",
        "Mi tarjeta Maestro {{card}} fue cargada el {{date}}.",
        "Acceso desde la IP {{ip}} a las {{time}}.",
    ],
    "hi": [
        "कृपया {{phone}} पर कॉल करें।",
        "फ़ोन: {{phone}}, ईमेल: {{email}}",
        "मोबाइल नंबर {{phone}} पर संपर्क करें, पता: {{street}}",
        "हमसे संपर्क करें: {{phone}} (सोमवार से शुक्रवार)",
        "मेरा मोबाइल {{phone}} है, व्हाट्सएप भी कर सकते हैं।",
        "ऑर्डर {{order}} के बारे में पूछताछ के लिए {{phone}} पर फ़ोन करें।",
        "फ़ोन: {{local}} (कार्यालय)",
        "विदेश कार्यालय: {{intl}}",
        "कृपया राशि IBAN {{iban}} में जमा करें।",
        "मेरे क्रेडिट कार्ड नंबर {{card}} से दो बार पैसे कटे।",
        "डेबिट कार्ड: {{card}}",
        "कार्ड नंबर {{card}}, समाप्ति 10/27",
        "लॉगिन IP {{ip}} से {{time}} बजे हुआ।",
    ],
    "th": [
        "กรุณาโทร {{phone}} ในเวลาทำการ",
        "โทร. {{phone}} อีเมล {{email}}",
        "เบอร์โทรศัพท์ {{phone}} ที่อยู่ {{street}}",
        "ติดต่อสอบถามได้ที่ {{phone}} ทุกวัน",
        "มือถือ: {{phone}}",
        "สอบถามคำสั่งซื้อ {{order}} โทร {{phone}}",
        "โทร {{local}} (สำนักงาน)",
        "สำนักงานต่างประเทศ: {{intl}}",
        "โอนเงินเข้าบัญชี IBAN {{iban}}",
        "ชำระด้วยบัตรเครดิต {{card}} หมดอายุ 12/27",
        "หมายเลขบัตร: {{card}}",
        "เข้าสู่ระบบจาก IP {{ip}} เวลา {{time}} น.",
    ],
}

NO_PII_TEMPLATES: dict[str, list[str]] = {
    "en": [
        "The van with plate {{plate}} was parked outside {{street}}.",
        "Order number {{order}} was dispatched on {{date}}.",
        "Invoice {{order}} is due on {{date}}, total {{price}}.",
        "Driver's licence number: {{licence}}, issued {{date}}.",
        "Driver license no. {{licence}} expires in {{year}}.",
        "Our shop is at {{street}}, open until {{time}}.",
        "Release {{version}} fixes {{n}} bugs; see the changelog from {{date}}.",
        "The summit is at {{coords}}, reached at {{time}}.",
        "ISBN {{isbn}}, first printed in {{year}}, {{price}}.",
        "Tracking number: {{tracking}} (estimated delivery {{date}}).",
        "Flight {{flight}} departs at {{time}} from gate {{n}}.",
        "The city has a population of {{pop}} and {{n}} districts.",
        "Meeting on {{date}} at {{time}} in room {{n}}.",
    ],
    "de": [
        "Das Fahrzeug mit dem Kennzeichen {{plate}} stand vor {{street}}.",
        "Ihre Bestellnummer {{order}} wurde am {{date}} versandt.",
        "Rechnung Nr. {{order}} vom {{date}}, Betrag {{price}}.",
        "Führerscheinnummer {{licence}}, ausgestellt am {{date}}.",
        "Unsere Filiale: {{street}}, geöffnet bis {{time}} Uhr.",
        "Version {{version}} erschien am {{date}}.",
        "Koordinaten: {{coords}}",
        "ISBN {{isbn}}, Preis {{price}}",
        "Sendungsnummer {{tracking}}, Zustellung am {{date}}.",
        "Der Flug {{flight}} startet um {{time}} Uhr.",
        "Die Stadt hat {{pop}} Einwohner.",
    ],
    "fr": [
        "La voiture immatriculée {{plate}} était garée devant le {{street}}.",
        "Votre commande n° {{order}} a été expédiée le {{date}}.",
        "Facture n° {{order}} du {{date}}, montant {{price}}.",
        "Numéro de permis de conduire : {{licence}}, délivré le {{date}}.",
        "Notre boutique : {{street}}, ouverte jusqu'à {{time}}.",
        "La version {{version}} est sortie le {{date}}.",
        "Coordonnées GPS : {{coords}}",
        "ISBN {{isbn}}, prix {{price}}",
        "Numéro de suivi {{tracking}}, livraison prévue le {{date}}.",
        "Le vol {{flight}} décolle à {{time}}.",
        "La ville compte {{pop}} habitants.",
    ],
    "it": [
        "L'auto con targa {{plate}} era parcheggiata in {{street}}.",
        "L'ordine n. {{order}} è stato spedito il {{date}}.",
        "Fattura n. {{order}} del {{date}}, importo {{price}}.",
        "Numero patente di guida: {{licence}}, rilasciata il {{date}}.",
        "Il negozio è in {{street}}, aperto fino alle {{time}}.",
        "La versione {{version}} è uscita il {{date}}.",
        "Coordinate: {{coords}}",
        "ISBN {{isbn}}, prezzo {{price}}",
        "Numero di tracking {{tracking}}, consegna prevista il {{date}}.",
        "Il volo {{flight}} parte alle {{time}}.",
        "La città ha {{pop}} abitanti.",
    ],
    "pt": [
        "O carro de matrícula {{plate}} estava estacionado na {{street}}.",
        "O pedido nº {{order}} foi enviado em {{date}}.",
        "Fatura nº {{order}} de {{date}}, valor {{price}}.",
        "Número da carta de condução: {{licence}}, emitida em {{date}}.",
        "CNH nº {{licence}}, validade {{date}}.",
        "A loja fica na {{street}}, aberta até às {{time}}.",
        "A versão {{version}} saiu em {{date}}.",
        "Coordenadas: {{coords}}",
        "ISBN {{isbn}}, preço {{price}}",
        "Código de rastreio {{tracking}}, entrega prevista em {{date}}.",
        "O voo {{flight}} parte às {{time}}.",
        "A cidade tem {{pop}} habitantes.",
    ],
    "es": [
        "El coche con matrícula {{plate}} estaba aparcado en {{street}}.",
        "El pedido n.º {{order}} se envió el {{date}}.",
        "Factura n.º {{order}} del {{date}}, importe {{price}}.",
        "Número de licencia de conducir: {{licence}}, expedida el {{date}}.",
        "Permiso de conducir n.º {{licence}}",
        "La tienda está en {{street}}, abierta hasta las {{time}}.",
        "La versión {{version}} salió el {{date}}.",
        "Coordenadas: {{coords}}",
        "ISBN {{isbn}}, precio {{price}}",
        "Número de seguimiento {{tracking}}, entrega prevista el {{date}}.",
        "El vuelo {{flight}} sale a las {{time}}.",
        "La ciudad tiene {{pop}} habitantes.",
    ],
    "hi": [
        "गाड़ी नंबर {{plate}} {{street}} के बाहर खड़ी थी।",
        "ऑर्डर नंबर {{order}} {{date}} को भेजा गया।",
        "बिल संख्या {{order}}, राशि {{price}}",
        "ड्राइविंग लाइसेंस नंबर {{licence}}, जारी {{date}}",
        "हमारा पता: {{street}}",
        "संस्करण {{version}} {{date}} को जारी हुआ।",
        "निर्देशांक: {{coords}}",
        "ISBN {{isbn}}, मूल्य {{price}}",
        "ट्रैकिंग नंबर {{tracking}}, डिलीवरी {{date}}",
        "उड़ान {{flight}} {{time}} बजे रवाना होगी।",
        "शहर की आबादी {{pop}} है।",
    ],
    "th": [
        "รถทะเบียน {{plate}} จอดอยู่ที่ {{street}}",
        "หมายเลขคำสั่งซื้อ {{order}} จัดส่งเมื่อ {{date}}",
        "ใบแจ้งหนี้เลขที่ {{order}} ยอดรวม {{price}}",
        "ใบอนุญาตขับขี่เลขที่ {{licence}} ออกให้ {{date}}",
        "ร้านตั้งอยู่ที่ {{street}} เปิดถึง {{time}} น.",
        "เวอร์ชัน {{version}} ออกเมื่อ {{date}}",
        "พิกัด {{coords}}",
        "ISBN {{isbn}} ราคา {{price}}",
        "หมายเลขพัสดุ {{tracking}} ส่งถึง {{date}}",
        "เที่ยวบิน {{flight}} ออกเวลา {{time}} น.",
        "เมืองนี้มีประชากร {{pop}} คน",
    ],
}

SLOT = re.compile(r"\{\{(\w+)\}\}")


def pii_value(slot: str, lang: str) -> tuple[str, str, str] | None:
    """(text, type, detail) for a PII slot, None for a negative slot."""
    makers: dict[str, tuple[str, Callable[[], Value]]] = {
        "phone": ("phone", lambda: phone(lang)),
        "local": ("phone", local_phone),
        "intl": ("phone", foreign_phone),
        "card": ("credit_card", card),
        "iban": ("iban", lambda: iban(lang)),
        "email": ("email", email),
        "ip": ("ip", ipv4),
        "ssn": ("us_ssn", ssn),
    }
    if slot not in makers:
        return None
    kind, make = makers[slot]
    text, detail = make()
    return text, kind, detail


def render(template: str, lang: str) -> tuple[str, list[dict[str, object]]]:
    out: list[str] = []
    spans: list[dict[str, object]] = []
    cursor, length = 0, 0
    for match in SLOT.finditer(template):
        literal = template[cursor : match.start()]
        out.append(literal)
        length += len(literal)
        made = pii_value(match.group(1), lang)
        if made is None:
            value = NEG[match.group(1)](lang)
        else:
            value, kind, detail = made
            spans.append({"start": length, "end": length + len(value), "type": kind, "detail": detail})
        out.append(value)
        length += len(value)
        cursor = match.end()
    out.append(template[cursor:])
    return "".join(out), spans


def half(text: str) -> str:
    return "tune" if hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()[0] < 128 else "test"


def main(path: str = DEFAULT_OUT) -> None:
    rows = []
    for i in range(N):
        lang = LANGS[i % len(LANGS)]
        with_pii = rng.random() >= NO_PII_FRACTION
        table = PII_TEMPLATES if with_pii else NO_PII_TEMPLATES
        index = rng.randrange(len(table[lang]))
        text, spans = render(table[lang][index], lang)
        rows.append(
            {
                "text": text,
                "spans": spans,
                "lang": lang,
                "template": f"{'pii' if with_pii else 'nopii'}:{lang}:{index}",
                "half": half(text),
            }
        )
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = Counter(str(s["type"]) for r in rows for s in r["spans"])  # type: ignore[attr-defined]
    halves = Counter(str(r["half"]) for r in rows)
    print(
        f"wrote {len(rows)} lines to {path}: {sum(not r['spans'] for r in rows)} without PII; "
        f"halves {dict(halves)}; spans {dict(sorted(kinds.items()))}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
