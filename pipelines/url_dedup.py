"""`UrlDedup`: keep the newest fetch of each normalised URL with a combiner (TFDS C4's
`CombinePerKey(select_newest_page)`), so whole documents are never grouped per key: each worker
keeps one running winner per URL and only winners cross the shuffle.

Accounting: `seen` is counted before the combine; after it, each URL yields one `kept` and
`count - 1` `dropped.duplicate_url`. The accumulator also carries up to `_LOSER_SAMPLE` losers per
URL, stripped of html and text, so the audit sample in `out/dropped/` shows which fetches lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from curation.dedup.url import newest, url_key
from curation.document import Document
from curation.stage import Drop, Dropped
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, StageResult

STAGE = "url_dedup"
_LOSER_SAMPLE = 2

# (winner, number of documents merged, a few losers without html/text)
_Accumulator = tuple[Document | None, int, tuple[Document, ...]]


def _light(doc: Document) -> Document:
    return doc.replace(html=None, text=None)


class NewestFetchFn(beam.CombineFn):
    def create_accumulator(self) -> _Accumulator:
        return (None, 0, ())

    def add_input(self, acc: _Accumulator, doc: Document) -> _Accumulator:
        return self.merge_accumulators([acc, (doc, 1, ())])

    def merge_accumulators(self, accumulators: Iterable[_Accumulator]) -> _Accumulator:
        best: Document | None = None
        count = 0
        losers: list[Document] = []
        for candidate, n, sample in accumulators:
            count += n
            losers.extend(sample)
            if candidate is None:
                continue
            if best is None:
                best = candidate
                continue
            winner = newest(best, candidate)
            losers.append(_light(candidate if winner is best else best))
            best = winner
        losers.sort(key=lambda d: d.id)
        return (best, count, tuple(losers[:_LOSER_SAMPLE]))

    def extract_output(self, acc: _Accumulator) -> _Accumulator:
        return acc


class _EmitFn(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, _Accumulator]) -> Iterator[Any]:
        _, (best, count, losers) = item
        assert best is not None
        self._counters.kept()
        yield best
        if count > 1:
            self._counters.dropped("duplicate_url", count - 1)
            for loser in losers:
                yield pvalue.TaggedOutput(DROPPED, (STAGE, Dropped(loser, Drop("duplicate_url", best.id))))


class _CountSeenFn(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, doc: Document) -> Iterator[tuple[str, Document]]:
        self._counters.seen()
        yield url_key(doc.url), doc


class UrlDedup(beam.PTransform):
    def __init__(self) -> None:
        super().__init__(label=STAGE)

    def expand(self, docs: beam.PCollection) -> StageResult:
        outputs = (
            docs
            | "KeyByNormalisedUrl" >> beam.ParDo(_CountSeenFn())
            | "KeepNewestFetch" >> beam.CombinePerKey(NewestFetchFn())
            | "EmitWinners" >> beam.ParDo(_EmitFn()).with_outputs(DROPPED, main="kept")
        )
        errors = docs.pipeline | "NoErrors" >> beam.Create([])
        return StageResult(outputs.kept, outputs[DROPPED], errors)
