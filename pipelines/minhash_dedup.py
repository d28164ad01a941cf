"""`MinHashDedup`: global near-duplicate removal as a Beam composite, without gathering the
corpus, the signatures or the graph on one worker (curation/dedup/near_dup.py has the rules).
It reads compact records, never text (issue 21): `MinHashRecord`s (address, id, bucket keys,
verification payload, representative rank), made where the documents sit, in the staging shards
(pipelines/decisions.py), and it outputs one decision per address.

    records -> (bucket key, id) per LSH band, and (id, verification payload) once
         -> GroupByKey(bucket) -> star links to the bucket's smallest id, with how many buckets
            gave each (CombinePerKey)
         -> CoGroupByKey(member) with the payloads, then CoGroupByKey(smallest id) with the
            payloads of the ids that are a link's smallest (few) -> verified
         -> `rounds` x (large-star, small-star)   curation/dedup/components.py
         -> (node, label) -> best document per label (a combiner: one winner and a count)
         -> (id, decision) -> CoGroupByKey with (id, address) -> (address, decision)

A payload (the 512-byte signature with `verify: signature`) used to travel in each of a
document's LSH buckets, 17 at the defaults (about 570 encoded bytes per entry, 9.7 KB a document,
twice the text of a typical page); now only the document ids do, and each payload is joined once
to the links it is needed for, which gives the same verified links. State per key is bounded by
configuration, not by the corpus: a bucket or a node's neighbour list is read as a stream, twice
(minimum first, then emit), holding only the smallest member; the per-cluster combiner holds one
rank and a count. The distributions `bucket.members` and `node.larger_neighbours` record how long
those streams were. Counters: `edges.candidates`, `edges.verified` (per bucket, as before),
`components.changed.round_<k>` (edges re-parented in round k; zero means converged),
`components.unsettled` (nodes with more than one parent after the last round, each joined to its
smallest).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from curation.config import MinHashDedupConfig
from curation.dedup.components import large_star, small_star
from curation.dedup.near_dup import STAGE, MinHashRecord, Payloads, Rank
from pipelines.counters import StageCounters

KEEP = "keep"
NEAR_DROP = "near"
PAYLOADS = "payloads"
_OWN = "own_payload"


class _BucketKeysFn(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, record: MinHashRecord) -> Iterator[Any]:
        self._counters.seen()
        yield pvalue.TaggedOutput("ranks", (record.id, record.rank))
        yield pvalue.TaggedOutput("ids", (record.id, record.address))
        if record.keys:
            yield pvalue.TaggedOutput(PAYLOADS, (record.id, record.payload))
        for key in record.keys:
            yield key, record.id


class _BucketLinksFn(beam.DoFn):
    """A bucket's members -> ((its smallest id, member), 1) for every other member: the links
    `bucket_edges` would verify, before verification."""

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[bytes, Iterable[str]]) -> Iterator[tuple[tuple[str, str], int]]:
        _, members = item
        smallest: str | None = None
        count = 0
        for node in members:  # GroupByKey values can be re-read
            count += 1
            smallest = node if smallest is None else min(smallest, node)
        self._counters.observe("bucket.members", count)
        if count <= 1 or smallest is None:
            return
        self._counters.inc("edges.candidates", count - 1)
        for node in members:
            if node != smallest:
                yield (smallest, node), 1


def _by_member(item: tuple[tuple[str, str], int]) -> tuple[str, tuple[str, int]]:
    (smallest, node), buckets = item
    return node, (smallest, buckets)


def _with_member_payload(item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
    """A node's payload onto its links as a member, and (once) towards its own links when it is
    the smallest id of some: only those payloads cross the second join."""
    node, grouped = item
    payload = _first(grouped["payload"])
    if payload is not None and _first(grouped["smallest"]) is not None:
        yield pvalue.TaggedOutput(_OWN, (node, payload))
    for smallest, buckets in grouped["link"]:
        yield smallest, (node, buckets, payload)


class _VerifyFn(beam.DoFn):
    """Links from one smallest id, with its payload: the verified ones, counted once per bucket
    they came from (as verifying inside each bucket counted them)."""

    def __init__(self, config: MinHashDedupConfig) -> None:
        self._config = config

    def setup(self) -> None:
        self._payloads = Payloads(self._config)
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, str]]:
        smallest, grouped = item
        payload = _first(grouped["payload"])
        for node, buckets, node_payload in grouped["link"]:
            if payload is not None and node_payload is not None and self._payloads.similar(
                    payload, node_payload):
                self._counters.inc("edges.verified", buckets)
                yield smallest, node


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


class _AddressDecisionFn(beam.DoFn):
    """Each address of an id gets its id's decision; an id in no cluster is kept alone."""

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[Any, tuple]]:
        _, grouped = item
        decision = _first(grouped["decision"]) or ("keep", 1)
        for address in grouped["address"]:
            if decision[0] == "keep":
                self._counters.kept()
                if decision[1] != 1:  # a lone document's cluster size of 1 goes without saying
                    yield address, (KEEP, float(decision[1]))
            else:
                self._counters.dropped("near_duplicate")
                yield address, (NEAR_DROP, decision[1])


class MinHashDedup(beam.PTransform):
    """MinHashRecords -> (address, ("keep", cluster size) | ("near", survivor id)); a record
    with no decision was kept with cluster size 1 (`cluster_size_of`)."""

    def __init__(self, config: MinHashDedupConfig) -> None:
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        config = self._config
        keyed = records | "BucketKeys" >> beam.ParDo(_BucketKeysFn()).with_outputs(
            "ranks", "ids", PAYLOADS, main="buckets")
        links = (
            keyed.buckets
            | "ByBucket" >> beam.GroupByKey()
            | "StarLinks" >> beam.ParDo(_BucketLinksFn())
            | "BucketsPerLink" >> beam.CombinePerKey(sum)
        )
        # each payload crosses one join, instead of riding along in every band's bucket; only
        # the payloads of link-smallest ids cross the second
        marks = links | "SmallestOfLink" >> beam.Map(lambda kv: (kv[0][0], True))
        pending = (
            {"link": links | "ByMember" >> beam.Map(_by_member), "smallest": marks,
             "payload": keyed[PAYLOADS]}
            | "JoinMemberPayload" >> beam.CoGroupByKey()
            | "WithMemberPayload" >> beam.FlatMap(_with_member_payload).with_outputs(
                _OWN, main="links")
        )
        edges = (
            {"link": pending.links, "payload": pending[_OWN]}
            | "JoinSmallestPayload" >> beam.CoGroupByKey()
            | "Verify" >> beam.ParDo(_VerifyFn(config))
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
        return (
            {"address": keyed.ids, "decision": decisions}
            | "JoinAddresses" >> beam.CoGroupByKey()
            | "ByAddress" >> beam.ParDo(_AddressDecisionFn())
        )
