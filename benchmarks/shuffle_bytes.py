"""Bytes per document that cross a shuffle before the mix, in the staged graph and in the graph
before it (issue 21), counted by encoding the records each shuffle carries.

    .venv/bin/python -m benchmarks.shuffle_bytes OUT    # OUT: a run with output.keep_staging

The documents are the run's staging shards (what the per-document stages kept). URL and MinHash
dedup are replayed with their in-memory references (which the Beam transforms are tested equal
to) to know which documents reach which shuffle; every record is encoded with Beam's
`FastPrimitivesCoder`, the coder the local runner and Dataflow use for these untyped
PCollections (it pickles what it has no fast path for, such as a Document).

Staged graph (pipelines/decisions.py), per shuffle: the URL records (url key, UrlFetch); the
MinHash records joined with the URL drops (address, MinHashRecord); the LSH bucket entries (band
key, id), one per band; each verification payload (id, payload) in its two joins; ranks and
addresses by id; line
occurrences ((bucket, hash), 1) and distinct lines ((bucket, hash), address); the decisions and
decisions grouped by shard (twice: for the line keys and for the apply step; each counted at the
size of a drop naming a 36-character id). Line removals are left out (one per frequent line of a
document, a few percent of lines). The MinHash
component rounds shuffle edges between near-duplicates only and are left out of both columns,
like the mix's own compact records. The graph before (commit f46778f) shuffled the payload in
every bucket entry (band key, (id, payload)), the same line occurrences, and every document into
URL dedup's combiner (url key, Document), the URL survivors into the MinHash join (id, Document)
and the MinHash survivors into the line-dedup join (key, Document). Both graphs then move each
written document's text once more in the final write, which is not counted here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from apache_beam.coders.coders import FastPrimitivesCoder

from curation.config import Config
from curation.dedup.lines import bucket_count, bucket_of, line_hashes
from curation.dedup.near_dup import BucketKeys, minhash_records
from curation.dedup.near_dup import MinHashDedup as ReferenceMinHash
from curation.dedup.url import UrlDedup as ReferenceUrlDedup
from curation.dedup.url import url_fetch, url_key
from curation.document import Document
from pipelines.staging import StagedShard, read_staged

_CODER = FastPrimitivesCoder()


def _size(value: Any) -> int:
    return len(_CODER.encode(value))


def staged_documents(staging: Path) -> Iterator[tuple[tuple[str, int], Document]]:
    for sidecar in sorted(staging.glob("*.json")):
        if sidecar.name.startswith("_"):
            continue
        shard_id = sidecar.name.removesuffix(".json")
        rows = json.loads(sidecar.read_text())["rows"]
        shard = StagedShard(shard_id, str(staging / f"{shard_id}.parquet"), rows)
        for row, doc in enumerate(read_staged(shard)):
            yield (shard_id, row), doc


def _survivors(stage: Any, docs: Iterable[Document]) -> set[int]:
    return {id(r) for r in stage.run_in_memory(docs) if isinstance(r, Document)}


def shuffle_bytes(out: Path, config: Config | None = None) -> dict[str, Any]:
    config = config or Config()
    staged = list(staged_documents(out / "staging"))
    docs = [doc for _, doc in staged]
    by_object = {id(doc): address for address, doc in staged}
    url_kept = _survivors(ReferenceUrlDedup(), docs)
    after_url = [doc for doc in docs if id(doc) in url_kept]
    minhash = ReferenceMinHash(config.stages.minhash_dedup)
    after_minhash_ids = {r.id for r in minhash.run_in_memory(after_url) if isinstance(r, Document)}
    after_minhash = [doc for doc in after_url if doc.id in after_minhash_ids]
    keys = BucketKeys(config.stages.minhash_dedup)
    new: dict[str, int] = {}
    old: dict[str, int] = {}

    def add(table: dict[str, int], name: str, value: int) -> None:
        table[name] = table.get(name, 0) + value

    for address, doc in staged:
        add(new, "url records", _size((url_key(doc.url), url_fetch(doc, address))))
    for index in range(0, len(after_url), 64):
        batch = after_url[index:index + 64]
        for record in minhash_records(keys, batch, [by_object[id(doc)] for doc in batch]):
            add(new, "minhash records (join with url drops)", _size((record.address, record)))
            add(new, "lsh bucket entries (key, id)", sum(_size((key, record.id))
                                                        for key in record.keys))
            if record.keys:
                add(new, "verification payloads (x2 joins)", 2 * _size((record.id, record.payload)))
            add(old, "lsh bucket entries (key, (id, payload))",
                sum(_size((key, (record.id, record.payload))) for key in record.keys))
            ids = _size((record.id, record.rank)) + _size((record.id, record.address))
            add(new, "ranks and addresses by id", ids)
            add(old, "ranks by id", _size((record.id, record.rank)))
    # one decision per staged document (a url drop, or MinHash's keep or drop), grouped twice
    decision = _size(("0123456789abcdef0123", (1234, ("near", "x" * 36))))
    add(new, "decisions by shard (x2)", 2 * len(docs) * decision)
    buckets = bucket_count(len(after_minhash), config.stages.line_dedup.bucket_size)
    for doc in after_minhash:
        address = by_object[id(doc)]
        bucket = bucket_of(doc.id, buckets)
        hashes = [h for h in line_hashes(doc.text) if h is not None]
        occurrences = sum(_size(((bucket, h), 1)) for h in hashes)
        add(new, "line occurrences", occurrences)
        add(old, "line occurrences", occurrences)
        add(new, "distinct lines with address", sum(_size(((bucket, h), address)) for h in set(hashes)))
        key = f"{doc.id}\x00" + hashlib.blake2b((doc.text or "").encode(), digest_size=8).hexdigest()
        add(old, "distinct lines with doc key", sum(_size(((bucket, h), key)) for h in set(hashes)))
        add(old, "documents into the line-dedup join", _size((key, doc)))
    for doc in docs:
        add(old, "documents into url dedup's combiner", _size((url_key(doc.url), doc)))
    for doc in after_url:
        add(old, "documents into the minhash join", _size((doc.id, doc)))
    n = len(docs)
    return {"documents": n, "staged_graph": {k: v / n for k, v in new.items()},
            "graph_before": {k: v / n for k, v in old.items()},
            "staged_graph_total": sum(new.values()) / n, "graph_before_total": sum(old.values()) / n,
            "staged_text_bytes_per_doc": sum(len((d.text or "").encode()) for d in docs) / n}


def print_shuffle(result: dict[str, Any]) -> None:
    print(f"\nShuffled bytes per document before the final write ({result['documents']:,} staged "
          f"documents, {result['staged_text_bytes_per_doc']:,.0f} text bytes each on average):")
    print("| shuffle | staged graph B/doc | graph before B/doc |")
    print("|---|---:|---:|")
    names = list(dict.fromkeys([*result["staged_graph"], *result["graph_before"]]))
    for name in names:
        new, old = result["staged_graph"].get(name), result["graph_before"].get(name)
        print(f"| {name} | {'-' if new is None else f'{new:,.0f}'} "
              f"| {'-' if old is None else f'{old:,.0f}'} |")
    print(f"| total | {result['staged_graph_total']:,.0f} | {result['graph_before_total']:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="a run's output directory, with staging/ kept")
    args = parser.parse_args()
    print_shuffle(shuffle_bytes(args.out))


if __name__ == "__main__":
    main()
