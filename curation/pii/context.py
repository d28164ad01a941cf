"""Label words just before a number, used to settle what a bare number is.

Presidio raises a result's score when a context word ("phone", "ssn", ...) is near it. We use the
same idea in both directions, on the last two words before the match (within 32 characters, so
`Tel.: ` and `Order #` count): a phone label lets a bare or short number through as a phone
number, and an identifier label (`Order`, `Batch`, `Tracking number`, `ISBN`) stops a number from
being read as a card, an SSN or a phone number.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
PHONE_WORDS = frozenset({
    "phone", "telephone", "tel", "mobile", "mob", "cell", "cellphone", "fax", "call", "contact",
    "whatsapp", "hotline", "téléphone", "tél", "telefon", "telefono", "teléfono", "handy", "mobil",
    "portable", "cellulare", "telefone", "celular", "alternate", "dial", "phones", "numbers",
    "text", "sms", "reach", "ring", "telefonnummer", "rufnummer",
})
OTHER_ID_WORDS = frozenset({
    "order", "invoice", "batch", "lot", "ref", "reference", "tracking", "serial", "part", "model",
    "sku", "isbn", "issn", "transaction", "ticket", "case", "item", "product", "article", "version",
    "build", "patent", "doi", "barcode", "ean", "upc", "shipment", "parcel", "receipt", "booking",
    "confirmation", "claim", "policy", "issue", "bug", "commit", "job", "request", "id", "ein", "tin",
    "vat", "unix", "timestamp", "epoch", "customer", "zip", "postal", "postcode", "plz",
})
# Labels that make a bare nine-digit number an SSN rather than a phone number.
SSN_WORDS = frozenset({"ssn", "ssns", "social", "security", "ss", "itin"})


def label_words(text: str, start: int) -> list[str]:
    """The last two words (letters only, lowercased) in the 32 characters before `start`."""
    return [w.lower() for w in _WORD.findall(text[max(0, start - 32):start])[-2:]]


def has_phone_label(text: str, start: int) -> bool:
    return any(word in PHONE_WORDS for word in label_words(text, start))


def has_ssn_label(text: str, start: int) -> bool:
    return any(word in SSN_WORDS for word in label_words(text, start))


def has_other_id_label(text: str, start: int) -> bool:
    words = label_words(text, start)
    return bool(words) and any(word in OTHER_ID_WORDS for word in words) and \
        not any(word in PHONE_WORDS for word in words)
