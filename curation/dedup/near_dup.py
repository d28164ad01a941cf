"""Global near-duplicate removal with MinHash LSH: the decisions shared by the Beam pipeline
(`pipelines/minhash_dedup.py`) and the in-memory reference (`MinHashDedup.run_in_memory`).

1. Each document gets a signature (`minhash.MinHasher`) and one bucket key per LSH band; the key
   includes the language when dedup is per language.
2. Every bucket links its members to its smallest document id (a star, so a bucket of k documents
   gives k-1 edges, not k^2/2), keeping a link only if `verify` confirms it.
3. Connected components of those links are clusters (`components.py`).
4. Each cluster keeps one document (`representative_rank`: the longest, newest or first id) and
   records the cluster size on it as `scores["minhash_cluster_size"]`, as FineWeb-2 does for later
   upsampling; the others are dropped as `near_duplicate` with the survivor's id as detail.

Documents without words (empty text) are never linked. The pipeline and the reference differ only
where the reference is exact: it uses union-find where the pipeline uses bounded rounds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

from curation.config import MinHashDedupConfig
from curation.dedup.components import union_find_components
from curation.dedup.minhash import MinHasher, band_keys, estimated_jaccard, lsh_bands
from curation.dedup.shingles import shingle_hashes
from curation.document import Document
from curation.stage import CorpusStage, Drop, Dropped

STAGE = "minhash_dedup"
CLUSTER_SIZE = "minhash_cluster_size"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Rank = tuple[float, str]


def representative_rank(doc: Document, keep: str) -> Rank:
    """The smaller rank wins: the longest text, the newest fetch or the first id; ties go to the
    smaller id."""
    if keep == "longest":
        return (-float(len(doc.text or "")), doc.id)
    if keep == "newest":
        seconds = (doc.fetch_time - _EPOCH).total_seconds() if doc.fetch_time else float("-inf")
        return (-seconds, doc.id)
    return (0.0, doc.id)


class MinHashRecord(NamedTuple):
    """What the pipeline's MinHash dedup shuffles for one document instead of its text."""

    address: tuple[str, int]
    id: str
    keys: tuple[bytes, ...]
    payload: bytes
    rank: Rank


def group_of(doc: Document, config: MinHashDedupConfig) -> str:
    return (doc.lang or "") if config.per_language else ""


class Payloads:
    """What travels with a document into its buckets for verification."""

    def __init__(self, config: MinHashDedupConfig) -> None:
        self.config = config

    def make(self, text: str, signature: np.ndarray) -> bytes:
        if self.config.verify == "signature":
            return signature.tobytes()
        if self.config.verify == "exact":
            return np.unique(shingle_hashes(text, self.config.ngram)).tobytes()
        return b""

    def similar(self, first: bytes, second: bytes) -> bool:
        if self.config.verify == "none":
            return True
        a = np.frombuffer(first, dtype=np.uint32)
        b = np.frombuffer(second, dtype=np.uint32)
        if self.config.verify == "signature":
            return estimated_jaccard(a, b) >= self.config.threshold - self.config.verify_margin
        union = len(np.union1d(a, b))
        return union > 0 and len(np.intersect1d(a, b, assume_unique=True)) / union >= self.config.threshold


class BucketKeys:
    """Document -> (bucket keys, payload), with the hasher and band layout fixed once."""

    def __init__(self, config: MinHashDedupConfig) -> None:
        self.config = config
        self.hasher = MinHasher(config.num_perm, config.seed, config.ngram)
        self.bands, self.rows = lsh_bands(config.threshold, config.num_perm, config.false_negative_weight)
        self.payloads = Payloads(config)

    def of_batch(self, docs: list[Document]) -> Iterator[tuple[Document, list[bytes], bytes]]:
        texts = [doc.text or "" for doc in docs]
        signatures = self.hasher.signatures(texts)
        for doc, text, signature in zip(docs, texts, signatures, strict=True):
            if not text.split():
                yield doc, [], b""
                continue
            prefix = group_of(doc, self.config).encode("utf-8") + b"\x00"
            keys = [prefix + key for key in band_keys(signature, self.bands, self.rows)]
            yield doc, keys, self.payloads.make(text, signature)


def bucket_edges(
    members: Iterable[tuple[str, bytes]], payloads: Payloads
) -> Iterator[tuple[str, str]]:
    """Links from a bucket's smallest id to each other member that `payloads` confirms.
    `members` must be re-iterable (a list, or Beam's GroupByKey values): it is read twice, and
    nothing but the smallest member is held."""
    smallest: tuple[str, bytes] | None = None
    for node, payload in members:
        if smallest is None or node < smallest[0]:
            smallest = (node, payload)
    if smallest is None:
        return
    for node, payload in members:
        if node != smallest[0] and payloads.similar(smallest[1], payload):
            yield smallest[0], node


def minhash_records(keys: BucketKeys, docs: list[Document], addresses: list[tuple[str, int]]
                    ) -> Iterator[MinHashRecord]:
    """The compact records of `docs` (a batch), at `addresses`."""
    for (doc, doc_keys, payload), address in zip(keys.of_batch(docs), addresses, strict=True):
        yield MinHashRecord(address, doc.id, tuple(doc_keys), payload,
                            representative_rank(doc, keys.config.keep))


class MinHashDedup(CorpusStage):
    """The in-memory reference: the same buckets, links and choice as the pipeline, with exact
    union-find components."""

    name = STAGE

    def __init__(self, config: MinHashDedupConfig) -> None:
        self.config = config

    def run_in_memory(self, docs: Iterable[Document]) -> Iterator[Document | Dropped]:
        docs = list(docs)
        keys = BucketKeys(self.config)
        buckets: dict[bytes, list[tuple[str, bytes]]] = defaultdict(list)
        for doc, doc_keys, payload in keys.of_batch(docs):
            for key in doc_keys:
                buckets[key].append((doc.id, payload))
        edges = [edge for key in sorted(buckets) for edge in bucket_edges(buckets[key], keys.payloads)]
        labels = union_find_components([doc.id for doc in docs], edges)
        best: dict[str, tuple[Rank, str]] = {}
        sizes: dict[str, int] = defaultdict(int)
        for doc in docs:
            root = labels[doc.id]
            sizes[root] += 1
            rank = representative_rank(doc, self.config.keep)
            if root not in best or rank < best[root][0]:
                best[root] = (rank, doc.id)
        for doc in docs:
            root = labels[doc.id]
            survivor = best[root][1]
            if doc.id == survivor:
                yield doc.with_scores(**{CLUSTER_SIZE: float(sizes[root])})
            else:
                yield Dropped(doc, Drop("near_duplicate", survivor))
