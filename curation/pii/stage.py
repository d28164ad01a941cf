"""The `pii` stage: replaces personal data in `text` with typed placeholders.

Llama 3 section 3.1.1 removes personally identifiable information but does not say how; we follow
Presidio's recognizers (types, validation rules, test cases) on linear-time RE2 patterns, and
replace instead of dropping, so a page with a contact email keeps its content. Each kept document
carries `pii_<type>` scores (replacements of that type, only when non-zero) and `pii_total`;
`kept_counters` feeds the per-stage, per-type `redacted.<type>` counters.

Drop reasons: none. A document without text is kept unchanged (extraction already drops those);
PII redaction never loses a document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from curation.config import PiiConfig
from curation.document import Document
from curation.pii.detect import PiiDetector
from curation.pii.spans import substitute
from curation.stage import Outcome, Stage

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class PiiStage(Stage):
    name = "pii"

    def __init__(self, config: PiiConfig) -> None:
        self.config = config
        self._detector: PiiDetector | None = None

    def setup(self) -> None:
        if self._detector is None:
            self._detector = PiiDetector(self.config)

    def redact(self, text: str) -> tuple[str, dict[str, int]]:
        """`text` with PII replaced, and the number of replacements per type. Lone surrogates
        (from `\ud800`-style JSON escapes) cannot be encoded for RE2 or Parquet and become U+FFFD."""
        self.setup()
        assert self._detector is not None
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = _LONE_SURROGATE.sub("\ufffd", text)
        spans = self._detector.find(text)
        redacted, counts = substitute(text, spans, self.config.placeholder_for)
        return redacted, dict(counts)

    def process(self, doc: Document) -> Outcome:
        if not doc.text:
            return doc.with_scores(pii_total=0.0)
        text, counts = self.redact(doc.text)
        scores = {f"pii_{kind}": float(n) for kind, n in sorted(counts.items())}
        assert self._detector is not None
        if self._detector.unvalidated_phones:
            scores["pii_phone_unvalidated"] = float(self._detector.unvalidated_phones)
        return doc.replace(text=text).with_scores(pii_total=float(sum(counts.values())), **scores)

    def kept_counters(self, doc: Document) -> Mapping[str, int]:
        counts = {f"redacted.{key[4:]}": int(value) for key, value in doc.scores.items()
                  if key.startswith("pii_") and key != "pii_total" and value}
        if doc.scores.get("pii_total"):
            counts["docs_with_pii"] = 1
        return counts

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_detector": None}
