"""`LineDedup`: the Llama 3 / ccNet line rule as a Beam composite (rules in curation/dedup/lines.py).

    docs --Count.Globally--> number of buckets (a singleton side input: one integer)
    docs -> ((bucket, line hash), 1) per line       -> CombinePerKey(sum) -> counts > max
         -> ((bucket, line hash), doc key) per distinct line   \\
                                                     CoGroupByKey -> (doc key, hash to remove)
    (doc key, doc) + removals -> CoGroupByKey -> documents without those lines / dropped

Only hashes, counts and document keys cross the shuffle. A key's values are streamed: a common
line's list of documents is read once and never held. Documents are keyed by their position-free
id plus a digest of the text, so two documents that share an id are still told apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from curation.config import LineDedupConfig
from curation.dedup.lines import REMOVED, STAGE, apply_removals, bucket_count, bucket_of, line_hashes
from curation.document import Document
from curation.stage import Drop, Dropped
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, StageResult

LINES = "lines"


def _doc_key(doc: Document) -> str:
    digest = hashlib.blake2b((doc.text or "").encode("utf-8"), digest_size=8).hexdigest()
    return f"{doc.id}\x00{digest}"


class _LineKeysFn(beam.DoFn):
    def __init__(self, config: LineDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, doc: Document, documents: int) -> Iterator[Any]:
        self._counters.seen()
        key = _doc_key(doc)
        bucket = bucket_of(doc.id, bucket_count(documents, self._config.bucket_size))
        hashes = [h for h in line_hashes(doc.text) if h is not None]
        for line in hashes:
            yield (bucket, line), 1
        for line in set(hashes):
            yield pvalue.TaggedOutput(LINES, ((bucket, line), key))
        yield pvalue.TaggedOutput("docs", (key, doc))


def _removals(item: tuple[Any, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, bytes]]:
    (_, line), grouped = item
    if next(iter(grouped["frequent"]), None) is None:
        return
    for key in grouped["docs"]:
        yield key, line


class _ApplyFn(beam.DoFn):
    def __init__(self, config: LineDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, grouped = item
        remove = set(grouped["remove"])  # at most the document's own distinct lines
        self._counters.observe("doc.lines_to_remove", len(remove))
        for doc in grouped["doc"]:
            outcome = apply_removals(doc, remove, self._config)
            if isinstance(outcome, Drop):
                self._counters.dropped(outcome.reason)
                self._counters.inc("lines.removed", len((doc.text or "").split("\n")))
                yield pvalue.TaggedOutput(DROPPED, (STAGE, Dropped(doc, outcome)))
            else:
                self._counters.kept()
                self._counters.inc("lines.removed", int(outcome.scores[REMOVED]))
                yield outcome


class LineDedup(beam.PTransform):
    def __init__(self, config: LineDedupConfig) -> None:
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, docs: beam.PCollection) -> StageResult:
        config = self._config
        documents = docs | "CountDocuments" >> beam.combiners.Count.Globally()
        keyed = docs | "LineKeys" >> beam.ParDo(
            _LineKeysFn(config), documents=beam.pvalue.AsSingleton(documents)
        ).with_outputs(LINES, "docs", main="occurrences")
        frequent = (
            keyed.occurrences
            | "CountLines" >> beam.CombinePerKey(sum)
            | "MoreThanMax" >> beam.Filter(lambda item: item[1] > config.max_occurrences)
        )
        removals = (
            {"frequent": frequent, "docs": keyed[LINES]}
            | "JoinFrequent" >> beam.CoGroupByKey()
            | "Removals" >> beam.FlatMap(_removals)
        )
        outputs = (
            {"doc": keyed.docs, "remove": removals}
            | "JoinDocs" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_ApplyFn(config)).with_outputs(DROPPED, main="kept")
        )
        errors = docs.pipeline | "NoErrors" >> beam.Create([])
        return StageResult(outputs.kept, outputs[DROPPED], errors)
