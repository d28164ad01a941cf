"""`UrlDecisions`: the newest fetch of each normalised URL, decided on compact records (issue 21).

    (url key, (fetch seconds, id, address)) per staged document   ~100 bytes, no text or HTML
      -> GroupByKey(url key) -> the newest fetch wins (`curation.dedup.url.newest_rank`)
      -> (address, ("url", winner id, sampled)) for every other fetch: a drop decision

The decisions travel to the staging shards (pipelines/decisions.py), where the losers are left
out; the two losers with the smallest ids per URL are `sampled`, and only those become dropped
documents for the audit sample, as when the documents themselves went through a combiner (TFDS
C4's `CombinePerKey(select_newest_page)` keeps the same two). A URL's group holds its fetches'
keys only, a few per URL in a crawl.

Accounting here, on the records: `seen` per record, then per URL one `kept` and `count - 1`
`dropped.duplicate_url`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam

from curation.dedup.url import UrlFetch, newest_fetch
from pipelines.counters import StageCounters

STAGE = "url_dedup"
URL_DROP = "url"
_LOSER_SAMPLE = 2


class _DecideFn(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, Iterable[UrlFetch]]) -> Iterator[tuple[Any, tuple]]:
        _, fetches = item
        fetches = list(fetches)  # the fetches of one URL: a handful
        best = newest_fetch(fetches)
        losers = sorted((f for f in fetches if f is not best), key=lambda f: (f.id, f.address))
        self._counters.seen(len(fetches))
        self._counters.kept()
        if losers:
            self._counters.dropped("duplicate_url", len(losers))
        for index, loser in enumerate(losers):
            yield loser.address, (URL_DROP, best.id, index < _LOSER_SAMPLE)


class UrlDecisions(beam.PTransform):
    """(url key, UrlFetch) records -> (address, drop decision) for every fetch but the newest."""

    def __init__(self) -> None:
        super().__init__(label=STAGE)

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "ByNormalisedUrl" >> beam.GroupByKey()
            | "KeepNewestFetch" >> beam.ParDo(_DecideFn())
        )
