"""Microsoft Presidio's pattern recognizers as a JSON-lines filter, for side-by-side PII comparisons.

This is a peer baseline, not part of the pipeline. It runs in its own virtualenv so that Presidio
(and the spaCy it pulls in) never enters the project's environment, and it imports only the
standard library and `presidio_analyzer`. Set that venv up once (PyPI is the only thing needed):

    python3.11 -m venv /tmp/pvenv
    /tmp/pvenv/bin/pip install presidio-analyzer

Tested with presidio-analyzer 2.2.366 (spaCy 3.8.18, phonenumbers 9.0.43, Python 3.11).

Input (stdin), one JSON object a line:

    {"id": ..., "text": "...", "entity": "EMAIL_ADDRESS"}

`entity` is one of EMAIL_ADDRESS, PHONE_NUMBER, IP_ADDRESS, CREDIT_CARD, IBAN_CODE, US_SSN, CRYPTO,
or ALL (every recognizer below). Output (stdout), one line per non-blank input line, in order:

    {"id": ..., "spans": [{"start": 0, "end": 12, "entity": "EMAIL_ADDRESS", "score": 1.0}]}

Spans are sorted by (start, end, entity). With ALL, overlapping spans from different recognizers
are all kept; resolving them is the caller's job. Blank input lines are skipped.

How it differs from Presidio's `AnalyzerEngine`:

- No NLP engine. The engine's default loads a spaCy model (en_core_web_lg), and when the model is
  missing it calls `spacy.cli.download`, which needs GitHub (raw.githubusercontent.com, then the
  model's release asset); offline that fails with a `requests.exceptions.ConnectionError`. Here
  each recognizer's `analyze(text, entities, nlp_artifacts=None)` is called directly. None of the
  seven needs NLP artifacts: the six pattern recognizers (regex plus checksum or invalidation
  rules) never read them, and PhoneRecognizer (python-phonenumbers) only accepts the argument.
  No stub `NlpArtifacts` object is needed.
- No context enhancement. The engine raises a result's score when a context word ("phone",
  "iban", "wallet", ...) is near it, using spaCy lemmas; that step is skipped, so scores are the
  recognizers' base scores (e.g. 0.4 for every phone number, 0.05 to 0.5 for US SSN patterns, 1.0
  after a passed checksum).
- No score threshold. Every result a recognizer returns is reported, however low its score (the
  recognizers themselves already drop results whose checksum failed, at score 0). Filter by
  `score` on the caller's side to mimic a threshold.
- No cross-recognizer de-duplication; each recognizer de-duplicates its own results as usual.
- No network at all. EmailRecognizer checks the domain with tldextract, which by default
  downloads the Public Suffix List on first use (publicsuffix.org, then GitHub) and, offline,
  prints two long tracebacks before falling back to the copy in its wheel; on a network that drops
  packets instead of refusing them it could wait much longer. The runner sets
  TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS to empty (unless already set) before importing Presidio, so
  the bundled copy is used straight away and results do not depend on the day's list.

Recognizer settings are Presidio's defaults: PhoneRecognizer with regions US, GB, DE, FR, IL, IN,
CA, BR and leniency 1; IbanRecognizer without exact matching; language "en".

Run (from the project root):

    /tmp/pvenv/bin/python benchmarks/presidio_runner.py < cases.jsonl > presidio_spans.jsonl

A caller in the project's own venv can keep one process open and talk to it line by line
(`subprocess.Popen([...], stdin=PIPE, stdout=PIPE, text=True)`): each answer is flushed as soon as
it is written. Start-up (importing Presidio, which imports spaCy) takes about 0.8 s.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer

ALL = "ALL"


def build_recognizers() -> dict[str, EntityRecognizer]:
    """One recognizer per entity type, each with Presidio's default settings."""
    # EmailRecognizer validates domains with tldextract, whose module-level extractor is built on
    # import and would fetch the Public Suffix List over the network on first use. With no URLs it
    # uses the list bundled in the wheel instead, so the import below must come after this.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        CryptoRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    recognizers: list[EntityRecognizer] = [
        EmailRecognizer(),
        PhoneRecognizer(),
        IpRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
        UsSsnRecognizer(),
        CryptoRecognizer(),
    ]
    return {rec.supported_entities[0]: rec for rec in recognizers}


def find_spans(recognizers: dict[str, EntityRecognizer], text: str, entity: str) -> list[dict[str, Any]]:
    """Run the recognizer for `entity` (or all of them for ALL) on `text`, without NLP artifacts."""
    if entity == ALL:
        chosen = list(recognizers.items())
    elif entity in recognizers:
        chosen = [(entity, recognizers[entity])]
    else:
        known = ", ".join([*recognizers, ALL])
        raise ValueError(f"unknown entity {entity!r}; expected one of {known}")
    spans: list[dict[str, Any]] = []
    for name, recognizer in chosen:
        # The base class types nlp_artifacts as required, but all seven recognizers accept None.
        for result in recognizer.analyze(text, [name], None):  # type: ignore[arg-type]
            spans.append(
                {
                    "start": int(result.start),
                    "end": int(result.end),
                    "entity": str(result.entity_type),
                    "score": float(result.score),
                }
            )
    spans.sort(key=lambda s: (s["start"], s["end"], s["entity"]))
    return spans


def run(lines: Iterable[str], out: TextIO, recognizers: dict[str, EntityRecognizer]) -> int:
    """Answer each non-blank JSON line of `lines` with one JSON line on `out`; return how many."""
    done = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or "text" not in row or "entity" not in row:
                raise ValueError('expected an object with "text" and "entity"')
            spans = find_spans(recognizers, str(row["text"]), str(row["entity"]))
        except ValueError as exc:
            raise SystemExit(f"presidio_runner: input line {lineno}: {exc}") from exc
        out.write(json.dumps({"id": row.get("id"), "spans": spans}, ensure_ascii=False) + "\n")
        out.flush()
        done += 1
    return done


def main() -> int:
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    recognizers = build_recognizers()
    run(sys.stdin, sys.stdout, recognizers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
