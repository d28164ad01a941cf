"""Bytes per document that cross a shuffle, in the graph of this branch and in the two graphs
before it (issue 21), counted by encoding the records each shuffle carries.

    .venv/bin/python -m benchmarks.shuffle_bytes OUT    # OUT: a run with output.keep_staging

The documents are the run's staging shards (what the per-document stages kept). URL and MinHash
dedup are replayed with their in-memory references (which the Beam transforms are tested equal
to) to know which documents reach which shuffle and which links and clusters form; the mix's
records come from the run itself: its level-2 files (`staging/mix/*.parquet`, which ids sit at
which row), its part files and its written shards. Every record is encoded with Beam's
`FastPrimitivesCoder`, the coder the local runner and Dataflow use for these untyped
PCollections.

This graph (`now`), per shuffle: the shard references (4 groupings by shard); URL records (16-byte
digest of the url key, UrlFetch); the URL drops joined to their shards; LSH bucket entries (band key, id);
star links ((smallest, member), buckets) and by member, the smallest marks, the payloads into the
member join (one per document with a band) and into the verify join (only those of link-smallest
ids, and one per link with the member's); ranks and addresses by id; MinHash's decisions (drops
and clusters of 2 or more); decisions by shard, twice (line keys and apply); line records, one
per distinct line of a shard ((bucket, hash), (shard, rows, occurrences)); line removals by
shard; the mix's per-document records into its combiners, counted before combining (an upper
bound: Beam combines per bundle first), its straddling-bucket units, its drops and copy
assignments by level-2 file, the copy assignments into the filled-bucket count, and the part
names by shard. Left out: the MinHash component rounds and labels (one edge per near-duplicate
link, a few per cent of documents), the dropped-document samples (`Top.SmallestPerKey`, combined
to at most `dropped_samples_per_reason` entries per key and bundle before the shuffle) and the
dead letters. Round 1 (`round_1`, commit a56cf3b) and the graph before it (`graph_before`, commit
f46778f) are counted as those commits' graphs shuffled them, before the final write; both also
moved every written document's text once more through the final write's grouping by shard.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from apache_beam.coders.coders import FastPrimitivesCoder

from curation.config import Config
from curation.dedup.lines import bucket_count, bucket_of, line_hashes
from curation.dedup.near_dup import CLUSTER_SIZE, BucketKeys, minhash_records
from curation.dedup.near_dup import MinHashDedup as ReferenceMinHash
from curation.dedup.url import UrlDedup as ReferenceUrlDedup
from curation.dedup.url import url_fetch, url_key
from curation.document import Document
from curation.mix.assign import COPY, CopyAssignment
from curation.mix.sampling import bucket_of as rank_bucket_of
from curation.mix.sampling import rank_of
from curation.stage import Dropped
from pipelines.decisions import url_key_digest
from pipelines.line_dedup import shard_line_records
from pipelines.mix_staging import PARTS_DIR
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
    now = _now_graph(out, config, staged, by_object, url_kept)
    return {"documents": n, "now": {k: v / n for k, v in now.items()},
            "round_1": {k: v / n for k, v in new.items()},
            "graph_before": {k: v / n for k, v in old.items()},
            "now_total": sum(now.values()) / n,
            "round_1_total": sum(new.values()) / n, "graph_before_total": sum(old.values()) / n,
            "staged_text_bytes_per_doc": sum(len((d.text or "").encode()) for d in docs) / n}


def _now_graph(out: Path, config: Config, staged: list[tuple[tuple[str, int], Document]],
               by_object: dict[int, tuple[str, int]], url_kept: set[int]) -> dict[str, int]:
    """The records this branch's graph shuffles (see the module docstring)."""
    table: dict[str, int] = {}

    def add(name: str, value: int) -> None:
        table[name] = table.get(name, 0) + value

    docs = [doc for _, doc in staged]
    shards = sorted({address[0] for address, _ in staged})
    rows = {shard: sum(1 for (s, _), _ in staged if s == shard) for shard in shards}
    refs = sum(_size((shard, StagedShard(shard, str(out / "staging" / f"{shard}.parquet"),
                                         rows[shard]))) for shard in shards)
    add("shard references (4 groupings by shard)", 4 * refs)
    for address, doc in staged:
        add("url records", _size((url_key_digest(doc.url), url_fetch(doc, address))))
    decisions: dict[tuple[str, int], tuple] = {}
    address_of = {doc.id: address for address, doc in staged}  # for copies the references made
    url_results = list(ReferenceUrlDedup().run_in_memory(docs))
    for result in url_results:
        if isinstance(result, Dropped):
            address = by_object.get(id(result.doc)) or address_of[result.doc.id]
            decisions[address] = ("url", str(result.drop.detail), True)
            add("url drops by shard", _size((address[0], (address[1], decisions[address]))))
    after_url = [doc for doc in docs if id(doc) in url_kept]
    keys = BucketKeys(config.stages.minhash_dedup)
    buckets: dict[bytes, list[str]] = {}
    payloads: dict[str, bytes] = {}
    for index in range(0, len(after_url), 64):
        batch = after_url[index:index + 64]
        for record in minhash_records(keys, batch, [by_object[id(doc)] for doc in batch]):
            for key in record.keys:
                add("lsh bucket entries (key, id)", _size((key, record.id)))
                buckets.setdefault(key, []).append(record.id)
            if record.keys:
                payloads[record.id] = record.payload
                add("payloads into the member join", _size((record.id, record.payload)))
            add("ranks and addresses by id", _size((record.id, record.rank))
                + _size((record.id, record.address)))
    links: dict[tuple[str, str], int] = {}
    for members in buckets.values():
        smallest = min(members)
        for node in members:
            if node != smallest:
                links[(smallest, node)] = links.get((smallest, node), 0) + 1
    smallests = {smallest for smallest, _ in links}
    for (smallest, node), count in links.items():
        add("star links, by pair and by member", _size(((smallest, node), count))
            + _size((node, (smallest, count))) + _size((smallest, True)))
        add("payloads into the verify join (one per link, one per smallest)",
            _size((smallest, (node, count, payloads[node]))))
    for smallest in smallests:
        add("payloads into the verify join (one per link, one per smallest)",
            _size((smallest, payloads[smallest])))
    minhash = ReferenceMinHash(config.stages.minhash_dedup)
    survivors: list[Document] = []
    for result in minhash.run_in_memory(after_url):
        doc = result.doc if isinstance(result, Dropped) else result
        address = by_object.get(id(doc)) or address_of[doc.id]
        if isinstance(result, Dropped):
            decisions[address] = ("near", str(result.drop.detail))
        elif result.scores.get(CLUSTER_SIZE, 1.0) != 1.0:
            decisions[address] = ("keep", float(result.scores[CLUSTER_SIZE]))
        if address in decisions:
            add("minhash decisions (id, then address)", _size((doc.id, decisions[address]))
                + _size((address, decisions[address])))
        if not isinstance(result, Dropped):
            survivors.append(doc)
    for address, decision in decisions.items():
        add("decisions by shard (x2)", 2 * _size((address[0], (address[1], decision))))
    line_buckets = bucket_count(len(survivors), config.stages.line_dedup.bucket_size)
    survivor_ids = {doc.id for doc in survivors}
    per_shard: dict[str, dict[tuple[int, bytes], dict[int, int]]] = {}
    for address, doc in staged:
        if doc.id not in survivor_ids or (address in decisions and decisions[address][0] != "keep"):
            continue
        lines = per_shard.setdefault(address[0], {})
        bucket = bucket_of(doc.id, line_buckets)
        for line in line_hashes(doc.text):
            if line is not None:
                counts = lines.setdefault((bucket, line), {})
                counts[address[1]] = counts.get(address[1], 0) + 1
    totals: dict[tuple[int, bytes], int] = {}
    for shard, lines in per_shard.items():
        for key, value in shard_line_records(shard, lines):
            add("line records ((bucket, hash), (shard, rows, occurrences))", _size((key, value)))
            totals[key] = totals.get(key, 0) + value[2]
    max_occurrences = config.stages.line_dedup.max_occurrences
    for shard, lines in per_shard.items():
        for key, counts in lines.items():
            if totals[key] > max_occurrences:
                add("line removals by shard", sum(_size((shard, (row, key[1]))) for row in counts))
    for name, value in _mix_records(out, config).items():
        add(name, value)
    return table


def _mix_records(out: Path, config: Config) -> dict[str, int]:
    """The mix's shuffled records, from the run's level-2 files, parts and written shards."""
    table: dict[str, int] = {}

    def add(name: str, value: int) -> None:
        table[name] = table.get(name, 0) + value

    bits = config.stages.mix.histogram_bits
    where: dict[str, tuple[str, int]] = {}
    for path in sorted((out / "staging" / "mix").glob("*.parquet")):
        level2 = pq.read_table(path, columns=["id", "metadata", "scores"]).to_pylist()
        for row, record in enumerate(level2):
            where[record["id"]] = (path.stem, row)
            metadata = {entry["key"]: entry["value"] for entry in record["metadata"] or ()}
            tokens = int(next((e["value"] for e in record["scores"] or () if e["key"] == "tokens"), 0))
            cell = (metadata.get("category", ""), metadata.get("topic", ""))
            rank = rank_of(record["id"], config.stages.mix.seed)
            add("mix combiner inputs (cell and bucket tokens; before combining)",
                _size((cell, (1, tokens))) + _size(((cell, rank_bucket_of(rank, bits)), tokens)))
            if rank_bucket_of(rank, bits) == 0:  # a cell's one straddling bucket: 1/2^bits of it
                add("mix straddling-bucket units (estimate)", _size((cell, (rank, record["id"], tokens))))
    written: set[str] = set()
    for shard_file in sorted((out / "shards").glob("*/*.parquet")):
        category = shard_file.parent.name
        index, shards = (int(part) for part in shard_file.stem.removeprefix("part-").split("-of-"))
        for copy_id in pq.read_table(shard_file, columns=["id"]).column("id").to_pylist():
            original, _, repeat = copy_id.partition("#r")
            written.add(original)
            file, row = where[original]
            copy = int(repeat) if repeat else 0
            shard = (category, index, shards)
            add("mix copy assignments (into the filled-bucket count and by file)",
                _size((shard, CopyAssignment(file, row, copy, copy_id)))
                + _size((file, (row, (COPY, copy, copy_id, shard)))))
    for original, (file, row) in where.items():
        if original not in written:
            add("mix drops by level-2 file", _size((file, (row, ("drop", "downsampled")))))
    for part in sorted((out / "staging" / "mix" / PARTS_DIR).glob("*/*/*.parquet")):
        category, folder = part.parent.parent.name, part.parent.name
        index, shards = (int(x) for x in folder.split("-of-"))
        add("mix part names by shard",
            _size(((category, index, shards), f"{category}/{folder}/{part.name}")))
    return table


def print_shuffle(result: dict[str, Any]) -> None:
    print(f"\nShuffled bytes per document ({result['documents']:,} staged documents, "
          f"{result['staged_text_bytes_per_doc']:,.0f} text bytes each on average); round 1 and "
          "the graph before it are counted before their final write, which moved the text again:")
    print("| shuffle | this graph B/doc | round 1 (a56cf3b) B/doc | graph before (f46778f) B/doc |")
    print("|---|---:|---:|---:|")
    names = list(dict.fromkeys([*result["now"], *result["round_1"], *result["graph_before"]]))
    for name in names:
        cells = [result[column].get(name) for column in ("now", "round_1", "graph_before")]
        print(f"| {name} | " + " | ".join("-" if c is None else f"{c:,.0f}" for c in cells) + " |")
    print(f"| total | {result['now_total']:,.0f} | {result['round_1_total']:,.0f} "
          f"| {result['graph_before_total']:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="a run's output directory, with staging/ kept")
    args = parser.parse_args()
    print_shuffle(shuffle_bytes(args.out))


if __name__ == "__main__":
    main()
