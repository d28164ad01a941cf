"""Presidio's recognizer test cases as (type, text, expected spans) for `pii_eval.py` and tests.

The fixture file (../shared/evaldata/pii/presidio_recognizer_fixtures.jsonl) is extracted from
Presidio's `tests/` (MIT). Cases whose `other_params` change the recognizer (a phone `leniency`
other than the default 1) test a different configuration and are reported as skipped; TR_PHONE
cases test a Turkish-only recognizer and are scored separately with `phone_regions: [TR]`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENTITY_TO_TYPE = {
    "CREDIT_CARD": "credit_card", "CRYPTO": "crypto_wallet", "EMAIL_ADDRESS": "email",
    "IBAN_CODE": "iban", "IP_ADDRESS": "ip", "PHONE_NUMBER": "phone", "US_SSN": "us_ssn",
    "TR_PHONE_NUMBER": "tr_phone", "URL": "url",
}


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    expected_count: int
    spans: tuple[tuple[int, int], ...]
    skip_reason: str = ""


def load_cases(path: Path) -> Iterator[Case]:
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        entity = row["entity_types"][0]
        kind = ENTITY_TO_TYPE.get(entity, entity.lower())
        params = row.get("other_params") or {}
        skip = ""
        if params.get("leniency", 1) != 1:
            skip = f"leniency={params['leniency']}"
        elif kind == "url":
            skip = "URLs are not redacted"
        spans = tuple((s["start"], s["end"]) for s in row["expected_spans"])
        yield Case(kind, row["text"], int(row["expected_count"]), spans, skip)
