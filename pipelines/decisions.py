"""The corpus-wide dedup stages on compact records, and their decisions applied where the
documents sit (issue 21; docs/ARCHITECTURE.md, "Staged execution").

    staging shards --ReadUrls (id, url, fetch time columns only)--> url records
    url records -> UrlDecisions -> (address, url drop)
    url drops -> by shard (CoGroupByKey with the shards) -> _MinHashRecordsFn: each shard read,
                 MinHash records of the rows URL dedup kept -> MinHashDedup
                                              -> (address, keep with cluster size | near drop)
    decisions -> by shard (GroupByKey of small records) -> _LineKeysFn: each shard read once,
                 ((bucket, line hash), (shard, rows, occurrences)) per distinct line of its
                 survivors (pipelines/line_dedup.py)
              -> LineRemovals -> (address, line hash to remove)
    decisions + removals -> by shard -> _ApplyDecisionsFn: each shard read once more, its rows in
                 order: drops left out (the sampled ones to the audit sample), the cluster size
                 scored, frequent lines removed -> the documents that go on to heuristics,
                 classify and the mix, in the same fused step (no shuffle)

No record that crosses a shuffle here holds text: a URL key and a fetch time, band keys and a
verification payload, line hashes, addresses (shard id, row) and decisions. The MinHash records
are made after the URL decisions, so they are never joined with the URL drops (that join moved
every record, about 0.9 KB a document); what is joined instead is the URL drops, by shard. A shard's decisions
and removals are at most one entry per row and one per distinct line of its rows, so the apply
step holds one shard's bookkeeping, not the corpus's.

Counters are those of the stages run on documents: `url_dedup` and `minhash_dedup` count on their
records (pipelines/url_dedup.py, minhash_dedup.py), `line_dedup` counts `seen` as it reads a
survivor and `kept`, `dropped.*`, `lines.removed` and `doc.lines_to_remove` as it applies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam import pvalue

from curation.config import Config, MinHashDedupConfig
from curation.dedup.lines import REMOVED, apply_removals, bucket_count, bucket_of, line_hashes
from curation.dedup.lines import STAGE as LINE_STAGE
from curation.dedup.near_dup import CLUSTER_SIZE, BucketKeys, minhash_records
from curation.dedup.near_dup import STAGE as MINHASH_STAGE
from curation.dedup.url import url_fetch, url_key
from curation.document import Document
from curation.stage import Drop, Dropped
from pipelines.counters import StageCounters
from pipelines.line_dedup import LineRemovals, shard_line_records
from pipelines.minhash_dedup import KEEP, NEAR_DROP, MinHashDedup
from pipelines.stage_transform import DROPPED
from pipelines.staging import StagedShard, read_staged
from pipelines.url_dedup import STAGE as URL_STAGE
from pipelines.url_dedup import URL_DROP, UrlDecisions

_MINHASH = "minhash"
_BATCH = 64  # documents per signature batch (numpy); any size gives the same signatures


def _light(doc: Document) -> Document:
    return doc.replace(html=None, text=None)


# what url_key and url_fetch read (the url falls back to metadata when a row has none)
_URL_COLUMNS = ["id", "url", "fetch_time", "metadata"]


class _ReadUrlsFn(beam.DoFn):
    """One staging shard -> its url records; only the url, fetch time and id are decoded."""

    def process(self, shard: StagedShard) -> Iterator[Any]:
        for row, doc in enumerate(read_staged(shard, _URL_COLUMNS)):
            yield url_key_digest(doc.url), url_fetch(doc, (shard.shard_id, row))


def url_key_digest(url: str) -> bytes:
    """The normalised URL key as 16 bytes of its blake2b: what URL dedup groups by. Two keys of a
    billion URLs share a digest with probability about 2^-69; the key itself is 70-odd bytes."""
    return hashlib.blake2b(url_key(url).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _MinHashRecordsFn(beam.DoFn):
    """One staging shard (with its URL drops, when URL dedup ran) -> the MinHash records of the
    rows URL dedup kept. Made after the URL decisions, where the text sits, so the records go
    straight into MinHash's bucket step instead of crossing a join with the URL drops."""

    def __init__(self, config: MinHashDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._keys = BucketKeys(self._config)

    def process(self, item: Any) -> Iterator[Any]:  # a StagedShard, or one with its URL drops
        if isinstance(item, StagedShard):
            shards, dropped = [item], set()
        else:
            shards = list(item[1]["shard"])
            dropped = {row for row, _ in item[1]["drops"]}
        for shard in shards:
            batch: list[Document] = []
            addresses: list[tuple[str, int]] = []
            for row, doc in enumerate(read_staged(shard)):
                if row in dropped:
                    continue
                batch.append(doc)
                addresses.append((shard.shard_id, row))
                if len(batch) == _BATCH:
                    yield from minhash_records(self._keys, batch, addresses)
                    batch, addresses = [], []
            if batch:
                yield from minhash_records(self._keys, batch, addresses)


def _by_shard(item: tuple[tuple[str, int], Any]) -> tuple[str, tuple[int, Any]]:
    (shard, row), value = item
    return shard, (row, value)


class _Decided(NamedTuple):
    """A shard's decisions: a row with no entry passed every dedup stage that ran."""

    drops: dict[int, tuple]
    clusters: dict[int, float]


def _decided(decisions: Iterable[tuple[int, tuple]]) -> _Decided:
    drops: dict[int, tuple] = {}
    clusters: dict[int, float] = {}
    for row, decision in decisions:
        if decision[0] == KEEP:
            clusters[row] = decision[1]
        else:
            drops[row] = decision
    return _Decided(drops, clusters)


class _LineKeysFn(beam.DoFn):
    """A shard's dedup survivors -> their line occurrences, bucketed over all survivors."""

    def __init__(self, bucket_size: int) -> None:
        self._bucket_size = bucket_size

    def setup(self) -> None:
        self._counters = StageCounters(LINE_STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]], documents: int) -> Iterator[Any]:
        shard_id, grouped = item
        decided = _decided(grouped["decisions"])
        buckets = bucket_count(documents, self._bucket_size)
        # (bucket, line hash) -> {row: occurrences}: one shard's distinct lines, pre-combined
        lines: dict[tuple[int, bytes], dict[int, int]] = {}
        for shard in grouped["shard"]:
            for row, doc in enumerate(read_staged(shard)):
                if row in decided.drops:
                    continue
                self._counters.seen()
                bucket = bucket_of(doc.id, buckets)
                for line in line_hashes(doc.text):
                    if line is not None:
                        rows = lines.setdefault((bucket, line), {})
                        rows[row] = rows.get(row, 0) + 1
        yield from shard_line_records(shard_id, lines)


class _ApplyDecisionsFn(beam.DoFn):
    """A shard's rows in order, with its dedup decisions and line removals applied."""

    def __init__(self, config: Config) -> None:
        self._line_config = config.stages.line_dedup if config.stages.line_dedup.enabled else None
        self._minhash = config.stages.minhash_dedup.enabled

    def setup(self) -> None:
        self._counters = StageCounters(LINE_STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, grouped = item
        decided = _decided(grouped["decisions"])
        removals: dict[int, set[bytes]] = {}
        for row, line in grouped.get("removals", ()):
            removals.setdefault(row, set()).add(line)
        for shard in grouped["shard"]:
            for row, doc in enumerate(read_staged(shard)):
                drop = decided.drops.get(row)
                if drop is not None:
                    yield from self._dropped(doc, drop)
                    continue
                if self._minhash:  # MinHash sends no decision for a lone survivor: size 1
                    doc = doc.with_scores(**{CLUSTER_SIZE: decided.clusters.get(row, 1.0)})
                if self._line_config is None:
                    yield doc
                else:
                    yield from self._remove_lines(doc, removals.get(row, set()))

    def _dropped(self, doc: Document, drop: tuple) -> Iterator[Any]:
        if drop[0] == URL_DROP:
            if drop[2]:  # one of the URL's sampled losers
                yield pvalue.TaggedOutput(DROPPED, (URL_STAGE, Dropped(
                    _light(doc), Drop("duplicate_url", drop[1]))))
        elif drop[0] == NEAR_DROP:
            yield pvalue.TaggedOutput(DROPPED, (MINHASH_STAGE, Dropped(
                doc, Drop("near_duplicate", drop[1]))))

    def _remove_lines(self, doc: Document, remove: set[bytes]) -> Iterator[Any]:
        assert self._line_config is not None
        self._counters.observe("doc.lines_to_remove", len(remove))
        outcome = apply_removals(doc, remove, self._line_config)
        if isinstance(outcome, Drop):
            self._counters.dropped(outcome.reason)
            self._counters.inc("lines.removed", len((doc.text or "").split("\n")))
            yield pvalue.TaggedOutput(DROPPED, (LINE_STAGE, Dropped(doc, outcome)))
        else:
            self._counters.kept()
            self._counters.inc("lines.removed", int(outcome.scores[REMOVED]))
            yield outcome


class DedupResult(NamedTuple):
    docs: beam.PCollection  # Documents that passed url, MinHash and line dedup
    dropped: beam.PCollection  # (stage, Dropped)


class DedupStaged(beam.PTransform):
    """Staging shards -> the documents that survive URL, MinHash and line dedup, in shard order,
    with only compact records shuffled."""

    def __init__(self, config: Config) -> None:
        super().__init__(label="dedup")
        self._config = config

    def expand(self, shards: beam.PCollection) -> DedupResult:
        config = self._config
        stages = config.stages
        spread = shards | "SpreadShards" >> beam.Reshuffle()
        by_id = spread | "ShardById" >> beam.Map(lambda s: (s.shard_id, s))
        decided: list[beam.PCollection] = []
        url_drops = None
        if stages.url_dedup.enabled:
            url_drops = spread | "ReadUrls" >> beam.ParDo(_ReadUrlsFn()) | UrlDecisions()
            decided.append(url_drops)
        if stages.minhash_dedup.enabled:
            minhash = _MinHashRecordsFn(stages.minhash_dedup)
            if url_drops is not None:
                records = (
                    {"shard": by_id, "drops": url_drops | "UrlDropsByShard" >> beam.Map(_by_shard)}
                    | "ShardsWithUrlDrops" >> beam.CoGroupByKey()
                    | "MinHashRecords" >> beam.ParDo(minhash)
                )
            else:
                records = spread | "MinHashRecords" >> beam.ParDo(minhash)
            decided.append(records | MinHashDedup(stages.minhash_dedup))
        decisions = (
            (decided or [shards.pipeline | "NoDecisions" >> beam.Create([])])
            | "AllDecisions" >> beam.Flatten()
            | "DecisionsByShard" >> beam.Map(_by_shard)
        )
        joined: dict[str, beam.PCollection] = {"shard": by_id, "decisions": decisions}
        if stages.line_dedup.enabled:
            rows = spread | "Rows" >> beam.Map(lambda s: s.rows) | "AllRows" >> beam.CombineGlobally(sum)
            drops = (decisions | "Drops" >> beam.Filter(lambda kv: kv[1][1][0] != KEEP)
                     | "CountDrops" >> beam.combiners.Count.Globally())
            survivors = rows | "Survivors" >> beam.Map(
                lambda total, dropped: total - dropped, dropped=pvalue.AsSingleton(drops))
            lines = (
                {"shard": by_id, "decisions": decisions}
                | "GroupForLines" >> beam.CoGroupByKey()
                | "LineKeys" >> beam.ParDo(
                    _LineKeysFn(stages.line_dedup.bucket_size),
                    documents=pvalue.AsSingleton(survivors),
                )
            )
            removals = lines | LineRemovals(stages.line_dedup)
            joined["removals"] = removals | "RemovalsByShard" >> beam.Map(_by_shard)
        applied = (
            joined
            | "GroupForApply" >> beam.CoGroupByKey()
            | "ApplyDecisions" >> beam.ParDo(_ApplyDecisionsFn(config)).with_outputs(
                DROPPED, main="docs")
        )
        return DedupResult(applied.docs, applied[DROPPED])
