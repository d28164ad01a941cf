"""Line-level dedup, the ccNet rule as Llama 3 uses it (section 3.1.1): "we remove lines that
appeared more than 6 times in each bucket of 30M documents".

Documents are spread over `bucket_count(n, bucket_size)` buckets by a hash of their id, so a
small run is one bucket. Lines are normalised as ccNet does for its paragraph hashes (Wenzek et
al. 2020, `cc_net/text_normalizer.py`): lowercase, accents stripped, digits replaced by `0`,
punctuation removed, whitespace collapsed; blank lines are never counted or removed. Every
occurrence counts, so a line repeated seven times inside one document is removed too (menus and
footers repeat within pages as well as across them). A line whose normalised form is seen more
than `max_occurrences` times in its bucket is removed from every document of that bucket.

Only 8-byte line hashes and counts are shuffled, never line text. `LineDedup.run_in_memory` is
the plain-Python reference the Beam pipeline (`pipelines/line_dedup.py`) is tested against.

Drop reasons: `all_lines_removed` (nothing left) and `too_short_after_line_dedup` (fewer than
`min_chars` characters left); both carry the removed lines as evidence for the audit sample.
Kept documents carry `scores["line_dedup_removed"]`.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

from curation.config import LineDedupConfig
from curation.document import Document
from curation.stage import CorpusStage, Drop, Dropped, Outcome

STAGE = "line_dedup"
REMOVED = "line_dedup_removed"
_DIGITS = re.compile(r"\d")
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalize_line(line: str) -> str:
    line = unicodedata.normalize("NFD", line.lower())
    line = "".join(c for c in line if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", _DIGITS.sub("0", line)).split())


def line_hash(line: str) -> bytes | None:
    """8-byte hash of the normalised line, or None for a line with no content."""
    normalized = normalize_line(line)
    if not normalized:
        return None
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest()


def bucket_count(documents: int, bucket_size: int) -> int:
    return max(1, math.ceil(documents / bucket_size))


def bucket_of(doc_id: str, buckets: int) -> int:
    if buckets == 1:
        return 0
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") % buckets


def line_hashes(text: str | None) -> list[bytes | None]:
    return [line_hash(line) for line in (text or "").split("\n")]


def apply_removals(doc: Document, remove: set[bytes], config: LineDedupConfig) -> Outcome:
    """`doc` without the lines whose hash is in `remove`, or a Drop if too little is left."""
    if not remove:
        return doc.with_scores(**{REMOVED: 0.0})
    kept: list[str] = []
    removed_lines: list[str] = []
    for line in (doc.text or "").split("\n"):
        (removed_lines if line_hash(line) in remove else kept).append(line)
    removed = len(removed_lines)
    text = "\n".join(kept).strip("\n")
    evidence = tuple(dict.fromkeys(removed_lines))  # the removed lines, once each, in order
    if not text.strip():
        return Drop("all_lines_removed", f"{removed} lines", evidence)
    if len(text) < config.min_chars:
        return Drop("too_short_after_line_dedup", f"{len(text)} chars left", evidence)
    return doc.replace(text=text).with_scores(**{REMOVED: float(removed)})


class LineDedup(CorpusStage):
    name = STAGE

    def __init__(self, config: LineDedupConfig) -> None:
        self.config = config

    def run_in_memory(self, docs: Iterable[Document]) -> Iterator[Document | Dropped]:
        docs = list(docs)
        buckets = bucket_count(len(docs), self.config.bucket_size)
        counts: Counter[tuple[int, bytes]] = Counter()
        hashes = []
        for doc in docs:
            bucket = bucket_of(doc.id, buckets)
            hashes.append((bucket, [h for h in line_hashes(doc.text) if h is not None]))
            counts.update((bucket, h) for h in hashes[-1][1])
        for doc, (bucket, doc_hashes) in zip(docs, hashes, strict=True):
            remove = {h for h in doc_hashes if counts[(bucket, h)] > self.config.max_occurrences}
            outcome = apply_removals(doc, remove, self.config)
            yield Dropped(doc, outcome) if isinstance(outcome, Drop) else outcome
