"""`MinHashDedup`: global near-duplicate removal as a Beam composite, without gathering the
corpus, the signatures or the graph on one worker (curation/dedup/near_dup.py has the rules).

    docs -> (bucket key, (id, payload)) per LSH band      BatchElements + signatures in numpy
         -> GroupByKey(bucket) -> star links to the bucket's smallest id, verified
         -> Distinct -> `rounds` x (large-star, small-star)   curation/dedup/components.py
         -> (node, label) -> best document per label (a combiner: one winner and a count)
         -> (id, decision) -> CoGroupByKey with the documents -> kept / dropped

State per key is bounded by configuration, not by the corpus: a bucket or a node's neighbour list
is read as a stream, twice (minimum first, then emit), holding only the smallest member and its
payload; the per-cluster combiner holds one rank and a count. The distributions
`bucket.members` and `node.larger_neighbours` record how long those streams were. Counters:
`edges.candidates`, `edges.verified`, `components.changed.round_<k>` (edges re-parented in round k; zero means
converged), `components.unsettled` (nodes with more than one parent after the last round, each
joined to its smallest).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from curation.config import MinHashDedupConfig
from curation.dedup.components import large_star, small_star
from curation.dedup.near_dup import (
    CLUSTER_SIZE,
    STAGE,
    BucketKeys,
    Payloads,
    Rank,
    bucket_edges,
    representative_rank,
)
from curation.document import Document
from curation.stage import Drop, Dropped
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, StageResult


class _BucketKeysFn(beam.DoFn):
    def __init__(self, config: MinHashDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._keys = BucketKeys(self._config)
        self._counters = StageCounters(STAGE)

    def process(self, batch: list[Document]) -> Iterator[Any]:
        self._counters.seen(len(batch))
        for doc, keys, payload in self._keys.of_batch(batch):
            yield pvalue.TaggedOutput("ranks", (doc.id, representative_rank(doc, self._config.keep)))
            for key in keys:
                yield key, (doc.id, payload)


class _BucketEdgesFn(beam.DoFn):
    def __init__(self, config: MinHashDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._payloads = Payloads(self._config)
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[bytes, Iterable[tuple[str, bytes]]]) -> Iterator[tuple[str, str]]:
        _, members = item
        candidates = -1
        for _ in members:
            candidates += 1
        self._counters.observe("bucket.members", candidates + 1)
        if candidates <= 0:
            return
        self._counters.inc("edges.candidates", candidates)
        for edge in bucket_edges(members, self._payloads):  # GroupByKey values can be re-read
            self._counters.inc("edges.verified")
            yield edge


class _LargeStarFn(beam.DoFn):
    def __init__(self, round_index: int) -> None:
        self._round = round_index

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
        node, neighbours = item
        changed = 0
        degree = 0
        for edge, moved in large_star(node, lambda: neighbours):
            changed += moved
            degree += 1
            yield edge
        self._counters.observe("node.larger_neighbours", degree)
        if changed:
            self._counters.inc(f"components.changed.round_{self._round:02d}", changed)


def _small_star(item: tuple[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
    node, smaller = item
    yield from small_star(node, lambda: smaller)


def _both_directions(edge: tuple[str, str]) -> Iterator[tuple[str, str]]:
    u, v = edge
    yield u, v
    yield v, u


def _towards_larger(edge: tuple[str, str]) -> tuple[str, str]:
    u, v = edge
    return (u, v) if u > v else (v, u)


class _StarRound(beam.PTransform):
    def __init__(self, round_index: int) -> None:
        super().__init__()
        self._round = round_index

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        large = (
            edges
            | "BothWays" >> beam.FlatMap(_both_directions)
            | "ByNode" >> beam.GroupByKey()
            | "LargeStar" >> beam.ParDo(_LargeStarFn(self._round))
            | "DistinctLarge" >> beam.Distinct()
        )
        return (
            large
            | "ToLarger" >> beam.Map(_towards_larger)
            | "BySmallerNeighbours" >> beam.GroupByKey()
            | "SmallStar" >> beam.FlatMap(_small_star)
            | "DistinctSmall" >> beam.Distinct()
        )


class _Label(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, Iterable[str]]) -> Iterator[tuple[str, str]]:
        node, parents = item
        count = 0
        smallest = node
        for parent in parents:
            count += 1
            smallest = min(smallest, parent)
        if count > 1:
            self._counters.inc("components.unsettled")
        yield node, smallest
        if smallest != node:
            yield smallest, smallest


class _BestOfCluster(beam.CombineFn):
    """(best rank, its id, members) for one cluster label."""

    def create_accumulator(self) -> tuple[Rank | None, str, int]:
        return (None, "", 0)

    def add_input(self, acc: tuple[Rank | None, str, int], item: tuple[Rank, str]) -> Any:
        rank, node = item
        return self.merge_accumulators([acc, (rank, node, 1)])

    def merge_accumulators(self, accs: Iterable[tuple[Rank | None, str, int]]) -> Any:
        best: tuple[Rank | None, str] = (None, "")
        total = 0
        for rank, node, count in accs:
            total += count
            if rank is not None and (best[0] is None or (rank, node) < (best[0], best[1])):
                best = (rank, node)
        return (best[0], best[1], total)

    def extract_output(self, acc: tuple[Rank | None, str, int]) -> tuple[str, int]:
        return acc[1], acc[2]


def _first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)


def _rank_by_label(item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple[Rank, str]]]:
    node, grouped = item
    label, rank = _first(grouped["label"]), _first(grouped["rank"])
    if label is not None and rank is not None:
        yield label, (rank, node)


def _decisions(item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple[str, Any]]]:
    _, grouped = item
    best = _first(grouped["best"])
    if best is None:
        return
    survivor, size = best
    for node in grouped["members"]:
        yield node, ("keep", size) if node == survivor else ("drop", survivor)


class _ApplyDecisionFn(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, grouped = item
        decision = _first(grouped["decision"]) or ("keep", 1)
        for doc in grouped["doc"]:
            if decision[0] == "keep":
                self._counters.kept()
                yield doc.with_scores(**{CLUSTER_SIZE: float(decision[1])})
            else:
                self._counters.dropped("near_duplicate")
                yield pvalue.TaggedOutput(DROPPED, (STAGE, Dropped(doc, Drop("near_duplicate", decision[1]))))


class MinHashDedup(beam.PTransform):
    def __init__(self, config: MinHashDedupConfig) -> None:
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, docs: beam.PCollection) -> StageResult:
        config = self._config
        keyed = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=64)
            | "BucketKeys" >> beam.ParDo(_BucketKeysFn(config)).with_outputs("ranks", main="buckets")
        )
        edges = (
            keyed.buckets
            | "ByBucket" >> beam.GroupByKey()
            | "StarLinks" >> beam.ParDo(_BucketEdgesFn(config))
            | "DistinctLinks" >> beam.Distinct()
        )
        for round_index in range(1, config.max_rounds + 1):
            edges = edges | f"Round{round_index:02d}" >> _StarRound(round_index)
        labels = (
            edges
            | "ChildToParent" >> beam.Map(_towards_larger)
            | "ParentsByNode" >> beam.GroupByKey()
            | "Label" >> beam.ParDo(_Label())
            | "DistinctLabels" >> beam.Distinct()
        )
        best = (
            {"label": labels, "rank": keyed.ranks}
            | "JoinRanks" >> beam.CoGroupByKey()
            | "RankByLabel" >> beam.FlatMap(_rank_by_label)
            | "BestOfCluster" >> beam.CombinePerKey(_BestOfCluster())
        )
        members = labels | "MembersByLabel" >> beam.Map(lambda nl: (nl[1], nl[0]))
        decisions = (
            {"best": best, "members": members}
            | "JoinClusters" >> beam.CoGroupByKey()
            | "Decide" >> beam.FlatMap(_decisions)
        )
        by_id = docs | "ById" >> beam.Map(lambda doc: (doc.id, doc))
        outputs = (
            {"doc": by_id, "decision": decisions}
            | "JoinDocs" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_ApplyDecisionFn()).with_outputs(DROPPED, main="kept")
        )
        errors = docs.pipeline | "NoErrors" >> beam.Create([])
        return StageResult(outputs.kept, outputs[DROPPED], errors)
