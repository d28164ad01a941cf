"""All PII detectors behind one call: `PiiDetector(config).find(text)` -> resolved spans.

Each detector module documents its own rules and sources; this module only selects the enabled
ones, runs them and resolves overlaps (`spans.resolve_overlaps`).
"""

from __future__ import annotations

from curation.config import PiiConfig
from curation.pii.credentials import find_secrets
from curation.pii.crypto_wallets import find_crypto_wallets
from curation.pii.emails import find_emails
from curation.pii.network import find_ip_addresses
from curation.pii.payment import find_credit_cards, find_ibans, iban_formats
from curation.pii.phones import PhoneFinder
from curation.pii.spans import Span, resolve_overlaps
from curation.pii.ssn import find_us_ssns


class PiiDetector:
    def __init__(self, config: PiiConfig) -> None:
        self.config = config
        self.types = frozenset(config.types)
        self._phones = PhoneFinder(config.phone_regions, config.phone_validation_budget)
        iban_formats()  # load the registry once, up front

    @property
    def unvalidated_phones(self) -> int:
        return self._phones.unvalidated

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        types = self.types
        if "secret" in types:
            spans += find_secrets(text)
        if "email" in types:
            spans += find_emails(text)
        if "iban" in types:
            spans += find_ibans(text)
        if "credit_card" in types:
            spans += find_credit_cards(text)
        if "crypto_wallet" in types:
            spans += find_crypto_wallets(text)
        if "ip" in types:
            spans += find_ip_addresses(text, self.config.keep_special_ips)
        if "us_ssn" in types:
            spans += find_us_ssns(text, self.config.ssn_weak_forms)
        if "phone" in types:
            spans += self._phones.find(text)
        return resolve_overlaps(spans)
