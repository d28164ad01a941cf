"""Label words near a number, used to settle what a bare number is, in the eight Llama 3 languages.

Presidio raises a result's score when a context word ("phone", "ssn", "card") is near it. We use
the same idea in both directions. The label nearest before a number, within 40 characters and five
words (runs of letters) on the same line, decides what it is:

- a phone label (`Tel.:`, `call`, `Mobil`, `portable`, `móvil`, `फ़ोन`, `โทร`) lets a grouped local
  number without area code through as a phone number (`phones.py`);
- a weak phone label (`number`, `Nummer`) only lets a validated bare number through;
- an identifier label (`Order`, `Rechnung`, `ISBN`, `Tracking`, `driver's licence`, `plate`,
  `population`, street words) stops a number from being read as a card, an SSN or a phone number;
- an SSN label (`SSN`, `social security`) makes a nine-digit number an SSN rather than a phone;
- a card word is a label of its own, so `Customer: ... | Card: 4111 ...` is not ruled out by
  `Customer`.

The nearest label wins, so `Order hotline: 0800 ...` is a phone and `call about order 2023-7183` is
not; a weak label (`number`, `unter`) decides only when no other label is in scope, and a label's
scope ends at a line break, a sentence end or another number. Card words (`card`, `Maestro`, `credit`, `exp`,
`CVV`, `Karte`, `tarjeta`, `कार्ड`, `บัตร`) are looked for on both sides, since
`... 4111 1111 1111 1111, exp 08/27` puts them after.

Latin-script labels match whole words. Thai is written without spaces and Devanagari words carry
combining marks that `\\w` splits on, so labels in those scripts match as substrings.
"""

from __future__ import annotations

import re
from typing import Literal

import re2

Label = Literal["phone", "phone_weak", "ssn", "card", "other"]

PHONE_WORDS = frozenset({
    # en
    "phone", "phones", "telephone", "tel", "mobile", "mob", "cell", "cellphone", "fax", "call",
    "calls", "whatsapp", "hotline", "helpline", "ring", "dial", "landline", "phoned", "reach",
    "contact", "text", "sms", "texting",
    # de
    "telefon", "telefonisch", "telefonnummer", "rufnummer", "handy", "handynummer", "mobil",
    "mobilnummer", "faxnummer", "anrufen", "anruf", "telefax", "durchwahl", "kontakt",
    # fr
    "téléphone", "tél", "telephoner", "téléphoner", "portable", "appelez", "appeler", "appelle",
    "joindre", "télécopie", "contactez",
    # it
    "telefono", "cellulare", "chiamaci", "chiamare", "chiama", "telefonare", "contattate",
    "contattare", "contattaci", "contatto",
    # pt
    "telefone", "celular", "telemóvel", "telemovel", "ligue", "ligar", "fone", "contato", "contacto",
    # es
    "teléfono", "móvil", "movil", "llámanos", "llama", "llamar", "llámenos", "contáctenos",
    # nl, beside the eight (Dutch pages are common in European crawls)
    "bel", "bellen", "telefoon", "telefoonnummer",
})
# Words that often but not always introduce a phone number (`numbers 10 20 30 40`); after a
# possessive (`my number is`, `meine Nummer`, `mi número`) they are phone labels.
WEAK_PHONE_WORDS = frozenset({
    "number", "numbers", "alternate", "unter", "nummer", "numéro", "numero", "número",
})
_POSSESSIVES = frozenset({
    "my", "our", "your", "his", "her", "their", "mein", "meine", "meiner", "unsere", "unser", "ihre",
    "deine", "mon", "notre", "votre", "ton", "mio", "mia", "il", "nostro", "tuo", "suo", "meu", "minha",
    "nosso", "seu", "mi", "nuestro", "tu", "su",
})
SSN_WORDS = frozenset({"ssn", "ssns", "social", "security", "ss", "itin"})
OTHER_ID_WORDS = frozenset({
    # en
    "order", "invoice", "batch", "lot", "ref", "reference", "tracking", "serial", "part", "model",
    "sku", "isbn", "issn", "transaction", "ticket", "case", "item", "product", "article", "version",
    "build", "patent", "doi", "barcode", "ean", "upc", "shipment", "parcel", "receipt", "booking",
    "confirmation", "claim", "policy", "issue", "bug", "commit", "job", "request", "id", "ein", "tin",
    "vat", "unix", "timestamp", "epoch", "customer", "zip", "postal", "postcode", "plz",
    "licence", "license", "driving", "plate", "registration", "population", "street", "avenue",
    "road", "flight", "route", "suite", "apartment", "apt", "ave", "lane", "blvd", "boulevard",
    "passport", "dl", "plaza", "unit", "address", "located",
    # de
    "bestellung", "bestellnummer", "rechnung", "rechnungsnummer", "kundennummer", "sendungsnummer",
    "auftragsnummer", "artikelnummer", "führerschein", "führerscheinnummer", "kennzeichen",
    "einwohner", "straße", "str", "hausnummer", "flug", "steuernummer", "aktenzeichen", "konto",
    "kontonummer", "reisepass", "ausweis", "platz", "adresse", "anschrift",
    # fr
    "commande", "facture", "suivi", "permis", "conduire", "immatriculée", "immatriculation",
    "habitants", "rue", "vol", "colis", "compte", "passeport", "allée", "place",
    # it
    "ordine", "fattura", "patente", "guida", "targa", "abitanti", "volo", "spedizione", "conto",
    "passaporto", "piazza", "viale", "corso", "fiscale", "indirizzo",
    # pt
    "pedido", "fatura", "rastreio", "condução", "cnh", "matrícula", "placa", "rua", "voo", "encomenda",
    "av", "avenida", "travessa", "praça", "cpf", "cnpj", "rg", "nif", "passaporte", "endereço",
    # es
    "factura", "seguimiento", "licencia", "permiso", "conducir", "calle", "vuelo", "envío", "cuenta",
    "paseo", "carrera", "dni", "nie", "pasaporte", "dirección", "domicilio",
})
CARD_WORDS = frozenset({
    "card", "cards", "credit", "debit", "maestro", "visa", "mastercard", "amex", "discover", "jcb",
    "diners", "unionpay", "rupay", "mir", "exp", "expiry", "expires", "expiration", "cvv", "cvc",
    "charge", "charged", "payment",
    "karte", "kreditkarte", "kartennummer", "debitkarte", "girocard", "gültig",
    "carte", "bancaire", "crédit", "cb",
    "carta", "credito", "scadenza",
    "cartão", "cartao", "crédito", "débito", "validade",
    "tarjeta", "caducidad", "vencimiento",
})
_SCRIPT_CARD_WORDS = ("कार्ड", "क्रेडिट", "डेबिट", "บัตร", "เครดิต", "เดบิต")

# Substring labels for scripts without word spaces (Thai) or with combining marks (Devanagari).
_SCRIPT_LABELS: dict[str, Label] = {
    # hi
    "फ़ोन": "phone", "फोन": "phone", "मोबाइल": "phone", "कॉल": "phone", "दूरभाष": "phone", "फैक्स": "phone",
    "व्हाट्सएप": "phone", "संपर्क": "phone",
    "ऑर्डर": "other", "बिल": "other", "ट्रैकिंग": "other", "लाइसेंस": "other", "गाड़ी": "other",
    "आबादी": "other", "मकान": "other", "सेक्टर": "other", "उड़ान": "other", "संस्करण": "other",
    "आधार": "other", "पैन": "other", "खाता": "other", "पासपोर्ट": "other",
    # th
    "โทร": "phone", "มือถือ": "phone", "แฟกซ์": "phone", "ไลน์": "phone", "ติดต่อ": "phone",
    "เบอร์": "phone",
    "คำสั่งซื้อ": "other", "ใบแจ้งหนี้": "other", "พัสดุ": "other", "ใบอนุญาต": "other", "ใบขับขี่": "other",
    "ทะเบียน": "other", "ประชากร": "other", "ถนน": "other", "เที่ยวบิน": "other", "เวอร์ชัน": "other",
    "ประชาชน": "other", "บัญชี": "other", "หนังสือเดินทาง": "other",
    **{w: "card" for w in _SCRIPT_CARD_WORDS},
}
_LABEL_OF: dict[str, Label] = {
    **{w: "other" for w in OTHER_ID_WORDS}, **{w: "card" for w in CARD_WORDS},
    **{w: "ssn" for w in SSN_WORDS}, **{w: "phone_weak" for w in WEAK_PHONE_WORDS},
    **{w: "phone" for w in PHONE_WORDS},
}
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_SCRIPT_LABEL = re.compile("|".join(sorted(map(re.escape, _SCRIPT_LABELS), key=len, reverse=True)))
_SCRIPT_CARD = re.compile("|".join(_SCRIPT_CARD_WORDS))
# Letters on neither side (RE2's `\b` is ASCII-only and would miss `cartão`); the separators are
# consumed, so of two adjacent card words only one is reported, which is enough to place a region.
_CARD_WORD_ANYWHERE = re2.compile(
    r"(?i)(?:^|[^\pL])(?:" + "|".join(sorted(CARD_WORDS, key=len, reverse=True)) + r")(?:$|[^\pL])|"
    + "|".join(_SCRIPT_CARD_WORDS)
)
_HAS_NON_LATIN = re.compile(r"[\u0900-\u097f\u0e00-\u0e7f]")
_WINDOW = 40
_MAX_WORDS = 5
# German street names are compounds (`Lindenweg 12`, `Bahnhofstr. 5`).
_STREET_SUFFIXES = ("straße", "strasse", "str", "weg", "platz", "allee", "gasse", "damm", "ufer")
# A label's scope ends at a line break or at another number of three or more digits (`Order
# 2025-1338 call 347 7560421`); shorter ones belong to labels (`ISBN-10:`, `Tel. (24h):`).
# A sentence end closes it too: `!` or `?`, or a full stop before a capital (`Tel. 030` keeps its
# label; `... den Text gelesen! Nachtrag: Am 23.06.06` does not).
_SCOPE_BREAK = re.compile(r"\d{3}|\n|[!?]|\.\s+(?=[A-ZÀ-ÞĀ-Ž])")


def nearest_label(text: str, start: int) -> Label | None:
    """The kind of the label nearest before `start` (see the module docstring), or None. Called for
    every candidate number, so the common case (Latin script only) takes one pass over the last
    five words."""
    window = text[max(0, start - _WINDOW):start]
    cut = 0
    for scope_break in _SCOPE_BREAK.finditer(window):
        cut = scope_break.end()
    window = window[cut:].lower()
    words = _LATIN_WORD.findall(window)[-_MAX_WORDS:]
    if _HAS_NON_LATIN.search(window):
        return _nearest_label_mixed_script(window, words)
    weak = False
    for index in range(len(words) - 1, -1, -1):
        label = _word_label(words, index)
        if label == "phone_weak":
            weak = True
        elif label is not None:
            return label
    return "phone_weak" if weak else None


def _word_label(words: list[str], index: int) -> Label | None:
    word = words[index]
    label = _LABEL_OF.get(word)
    if label is None:
        return "other" if len(word) > 5 and word.endswith(_STREET_SUFFIXES) else None
    if label == "phone_weak" and index > 0 and words[index - 1] in _POSSESSIVES:
        return "phone"
    return label


def _nearest_label_mixed_script(window: str, words: list[str]) -> Label | None:
    """Thai and Devanagari labels are found as substrings; their positions are compared with the
    positions of the Latin words."""
    found: list[tuple[int, Label]] = [
        (m.start(), _SCRIPT_LABELS[m.group()]) for m in _SCRIPT_LABEL.finditer(window)
    ]
    positions = [m.start() for m in _LATIN_WORD.finditer(window)][-len(words):] if words else []
    for index, position in enumerate(positions):
        label = _word_label(words, index)
        if label is not None:
            found.append((position, label))
    if not found:
        return None
    found.sort()
    strong = [label for _, label in found if label != "phone_weak"]
    return strong[-1] if strong else "phone_weak"


def has_other_id_label(text: str, start: int) -> bool:
    return nearest_label(text, start) == "other"


def has_card_context(text: str, start: int, end: int) -> bool:
    """A card word in the 48 characters before the number or the 24 after it."""
    around = (text[max(0, start - 48):start] + " " + text[end:end + 24]).lower()
    if any(word in CARD_WORDS for word in _LATIN_WORD.findall(around)):
        return True
    return _HAS_NON_LATIN.search(around) is not None and _SCRIPT_CARD.search(around) is not None


def card_word_spans(text: str) -> list[tuple[int, int]]:
    """Where card words occur in `text` (one linear RE2 pass), so that card numbers are looked for
    only near them."""
    return [match.span() for match in _CARD_WORD_ANYWHERE.finditer(text)]
