"""A synthetic labelled PII set made with Faker (MIT), for `pii_eval.py --synthetic`.

3,000 short sentences from 30 templates with PII and 20 without (prices, dates, versions, ZIP
codes, order, batch and tracking numbers, decimals): emails, phone numbers from 11 Faker locales,
Luhn-valid cards of 10 types printed plain or in fours, IBANs from 6 locales, IPv4/IPv6, US SSNs
and real example wallet addresses, each span at exact character offsets.

This is a development set: the PII rules were refined while reading its errors, so its scores are
an upper bound. Faker is not a project dependency; run this with a Python that has it:

    python3.11 -m venv /tmp/pvenv && /tmp/pvenv/bin/pip install faker
    /tmp/pvenv/bin/python benchmarks/pii_synthetic.py /tmp/pii_synthetic.jsonl
"""
import datetime
import json
import random
import re
import sys
from collections import Counter

from faker import Faker

SEED = 1234
N = 3000
NO_PII_FRACTION = 0.25
OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/pii_synthetic.jsonl"

Faker.seed(SEED)
random.seed(SEED)

PHONE_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT",
                 "nl_NL", "en_IN", "pt_BR", "ja_JP", "zh_CN"]
IBAN_LOCALES = ["en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT"]
CARD_TYPES = ["visa", "visa13", "visa19", "mastercard", "amex", "discover",
              "jcb15", "jcb16", "diners", "maestro"]
CRYPTO = [
    ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "btc_p2pkh"),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc_p2sh"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "btc_bech32"),
    ("0x52908400098527886E0F7030069857D2E4169EE7", "eth"),
]

# One Faker per locale; Faker.seed() above seeds the shared random instance.
FAKERS = {loc: Faker(loc) for loc in sorted(set(PHONE_LOCALES + IBAN_LOCALES))}
F = FAKERS["en_US"]


def group(s, sep, n=4):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


# ---- value generators: each returns (value, span_type, kind_detail, locale) ----
def g_email():
    kind = random.choice(["email", "free_email", "company_email"])
    return getattr(F, kind)(), "email", kind, None


def g_phone():
    loc = random.choice(PHONE_LOCALES)
    return FAKERS[loc].phone_number(), "phone", loc, loc


def g_ssn():
    return F.ssn(), "us_ssn", "en_US", "en_US"


def g_cc():
    ct = random.choice(CARD_TYPES)
    num = F.credit_card_number(card_type=ct)
    fmt = random.choices(["plain", "space4", "hyphen4"], weights=[2, 1, 1])[0]
    if fmt == "space4":
        num = group(num, " ")
    elif fmt == "hyphen4":
        num = group(num, "-")
    return num, "credit_card", f"{ct}/{fmt}", None


def g_iban():
    loc = random.choice(IBAN_LOCALES)
    iban = FAKERS[loc].iban()
    fmt = random.choices(["compact", "space4"], weights=[2, 1])[0]
    if fmt == "space4":
        iban = group(iban, " ")
    return iban, "iban", f"{loc}/{fmt}", loc


def g_ipv4():
    kind = random.choice(["ipv4", "ipv4_private"])
    return getattr(F, kind)(), "ip", kind, None


def g_ipv6():
    return F.ipv6(), "ip", "ipv6", None


def g_ip():
    return random.choice([g_ipv4, g_ipv4, g_ipv6])()


def g_btc():
    addr, kind = random.choice(CRYPTO[:3])
    return addr, "crypto_wallet", kind, None


def g_eth():
    return CRYPTO[3][0], "crypto_wallet", CRYPTO[3][1], None


def g_crypto():
    addr, kind = random.choice(CRYPTO)
    return addr, "crypto_wallet", kind, None


GEN = {"email": g_email, "phone": g_phone, "ssn": g_ssn, "cc": g_cc,
       "iban": g_iban, "ipv4": g_ipv4, "ipv6": g_ipv6, "ip": g_ip,
       "btc": g_btc, "eth": g_eth, "crypto": g_crypto}

PII_TEMPLATES = [
    "Contact me at {email} or {phone}.",
    "My SSN is {ssn}",
    "Card number: {cc}",
    "Wire the money to {iban} today",
    "Server at {ipv4} refused the connection.",
    "IPv6 {ipv6} is unreachable from the VPN.",
    "Send BTC to {btc}",
    "Please pay the invoice to {eth} by Friday.",
    "You can reach our support desk on {phone}.",
    "Call {phone} after 6pm, ask for the manager.",
    "Email {email} with the signed contract.",
    "Forwarded from {email}: see attached.",
    "Her social security number, {ssn}, was on the form.",
    "SSN: {ssn} DOB: 1984-02-17",
    "Charge {cc} for the annual plan.",
    "The customer paid with card {cc}, exp 09/27.",
    "IBAN {iban}, reference INV-2291.",
    "Bank details: {iban} (account holder: J. Smith)",
    "Login attempt from {ip} blocked by firewall.",
    "Ping {ipv4} and {ipv6} before the deploy.",
    "Donations accepted at {crypto}.",
    "Wallet address {crypto} belongs to the suspect.",
    "New user {email}, phone {phone}, SSN {ssn}.",
    "Refund to {cc} or transfer to {iban}.",
    "Ticket opened by {email} from host {ip}.",
    "Phone: {phone}",
    "{email}",
    "reach me: {phone} / {email}",
    "Payment failed for card {cc} from IP {ipv4}.",
    "Emergency contact {phone}; alternate {phone}.",
]

NO_PII_TEMPLATES = [
    "The meeting is on {date} at {time}.",
    "Total due: ${price} including tax.",
    "Upgrade to {version} fixes the memory leak.",
    "Ship to ZIP {zip} within 5 business days.",
    "Order #{order} has been dispatched.",
    "Revenue grew in {y1}, {y2} and {y3}.",
    "We measured {int1} requests per second over {int2} runs.",
    "The build {version} was released on {date}.",
    "Batch {int3}-{int4}-{int5} passed QA on {date}.",
    "Temperature reached {float1} degrees at {time}.",
    "Invoice {order} totals EUR {price}.",
    "Room {room}, floor {floor}, see you at {time}.",
    "Coordinates {lat}, {lon} mark the trailhead.",
    "Tracking number {tracking} shows delivered.",
    "Pi is roughly 3.14159265358979 and e is 2.718281828.",
    "The population was 1,234,567 in {y1}.",
    "Set timeout to {int1} ms and retries to {floor}.",
    "Part number {part} is out of stock.",
    "Score: {int1} to {int2} after {floor} rounds.",
    "Version {version} build {int6} on {date} {time}",
]


def no_pii_values():
    return {
        "date": F.date_between(datetime.date(1990, 1, 1), datetime.date(2025, 12, 31)).strftime(
            random.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"])),
        "time": f"{random.randint(0, 23):02d}:{random.randint(0, 59):02d}"
                + random.choice(["", f":{random.randint(0, 59):02d}"]),
        "price": f"{random.uniform(1, 99999):,.2f}",
        "version": f"v{random.randint(0, 12)}.{random.randint(0, 30)}.{random.randint(0, 99)}",
        "zip": F.zipcode() if random.random() < 0.7 else F.zipcode_plus4(),
        "order": str(random.randint(10_000_000, 99_999_999)),
        "y1": str(random.randint(1990, 2025)),
        "y2": str(random.randint(1990, 2025)),
        "y3": str(random.randint(1990, 2025)),
        "int1": str(random.randint(1, 1_000_000)),
        "int2": str(random.randint(1, 10_000)),
        "int3": str(random.randint(100, 999)),
        "int4": str(random.randint(10, 99)),
        "int5": str(random.randint(1000, 9999)),
        "int6": str(random.randint(1000, 99999)),
        "float1": f"{random.uniform(-30, 45):.1f}",
        "room": str(random.randint(100, 999)),
        "floor": str(random.randint(1, 40)),
        "lat": f"{random.uniform(-90, 90):.6f}",
        "lon": f"{random.uniform(-180, 180):.6f}",
        "tracking": "".join(random.choice("0123456789") for _ in range(random.choice([12, 18, 22]))),
        "part": f"{random.choice('ABCDEFX')}{random.randint(100, 999)}-{random.randint(1000, 9999)}",
    }


FIELD_RE = re.compile(r"\{(\w+)\}")


def render(template, values_fn):
    """Fill template left to right, tracking exact offsets of each inserted value."""
    out, spans, pos = [], [], 0
    cursor = 0
    for m in FIELD_RE.finditer(template):
        lit = template[cursor:m.start()]
        out.append(lit)
        pos += len(lit)
        value, stype, detail, loc = values_fn(m.group(1))
        out.append(value)
        if stype is not None:
            span = {"start": pos, "end": pos + len(value), "type": stype, "kind_detail": detail}
            if loc:
                span["locale"] = loc
            span["_value"] = value
            spans.append(span)
        pos += len(value)
        cursor = m.end()
    out.append(template[cursor:])
    text = "".join(out)
    for s in spans:
        assert text[s["start"]:s["end"]] == s.pop("_value"), (text, s)
    return text, spans


def main():
    n_no_pii = int(N * NO_PII_FRACTION)
    kinds = ["pii"] * (N - n_no_pii) + ["none"] * n_no_pii
    random.shuffle(kinds)
    rows = []
    for kind in kinds:
        if kind == "pii":
            tpl = random.choice(PII_TEMPLATES)
            text, spans = render(tpl, lambda f: GEN[f]())
        else:
            tpl = random.choice(NO_PII_TEMPLATES)
            vals = no_pii_values()
            text, spans = render(tpl, lambda f, vals=vals: (vals[f], None, None, None))
        rows.append({
            "text": text,
            "spans": spans,
            "template": tpl,
            "kind_detail": [s["kind_detail"] for s in spans],
            "locale": [s.get("locale") for s in spans],
        })
    with open(OUT, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    # ---- summary ----
    types = Counter(s["type"] for r in rows for s in r["spans"])
    phone_loc = Counter(s["locale"] for r in rows for s in r["spans"] if s["type"] == "phone")
    detailed = ("credit_card", "iban", "ip", "crypto_wallet", "email")
    details = Counter((s["type"], s["kind_detail"].split("/")[0]) for r in rows
                      for s in r["spans"] if s["type"] in detailed)
    print(f"wrote {len(rows)} lines to {OUT}")
    print(f"lines with no PII: {sum(1 for r in rows if not r['spans'])}")
    print(f"total spans: {sum(types.values())}")
    print("spans per type:")
    for t, c in types.most_common():
        print(f"  {t:14s} {c}")
    print("phone spans per locale:")
    for locale, c in sorted(phone_loc.items()):
        print(f"  {locale:6s} {c}")
    print("detail counts:")
    for (t, d), c in sorted(details.items()):
        print(f"  {t:14s} {d:14s} {c}")
    print("10 sample lines:")
    for r in random.sample(rows, 10):
        print("  " + json.dumps({"text": r["text"], "spans": r["spans"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
