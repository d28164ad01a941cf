"""Writers: Parquet shards, the dropped-document audit sample, and dead letters.

All three are deterministic, so a rerun or a retried bundle rewrites the same bytes to the same
names, whatever the runner or worker count:

- shards: each document goes to shard `hash(id) % n` of its category, where `n` follows from the
  category's document count (a side input) and `output.docs_per_shard`; a shard is sorted by id
  before it is written. Files are `shards/<category>/part-XXXXX-of-YYYYY.parquet`.
- dropped samples: `Top.SmallestPerKey` by a hash of the id keeps a bounded, stable sample per
  stage and reason in `dropped/<stage>/<reason>.jsonl`.
- dead letters: spread over `_ERROR_PARTS` files per stage by a hash of the record, each sorted.

Every file is written whole or not at all (`write_bytes`): on a local disk the bytes go to a
hidden temporary file in the target's folder, which is then renamed over the target (POSIX
`rename` is atomic within one filesystem); on an object store (gs://, s3://) an object only
becomes visible when its upload completes, which Beam's `FileSystems.create` does on close. So a
worker killed mid-write leaves at most a hidden `.*.tmp` file, never a half-written shard under a
shard's name, and a retried bundle replaces the file with the same bytes.
"""

from __future__ import annotations

import bisect
import io
import json
import math
import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from curation.audit import dropped_sample
from curation.categories import category_of
from curation.document import ARROW_SCHEMA, Document, stable_id, to_row
from curation.stage import Dropped
from pipelines.counters import StageCounters

SHARD_SCHEMA = pa.schema([field for field in ARROW_SCHEMA if field.name != "html"])
STAGE = "write"
_ERROR_PARTS = 8


def join_path(*parts: str) -> str:
    return FileSystems.join(*parts)


def write_bytes(path: str, data: bytes) -> None:
    """Write `data` to `path` atomically: readers see the old file or the whole new one."""
    if "://" in path and not path.startswith("file://"):
        with FileSystems.create(path) as handle:
            handle.write(data)
        return
    target = path.removeprefix("file://")
    folder, name = os.path.split(target)
    if folder:
        os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _bucket(value: str, buckets: int) -> int:
    return int(stable_id(value)[:12], 16) % buckets


class _AssignShardFn(beam.DoFn):
    def __init__(self, docs_per_shard: int) -> None:
        self._docs_per_shard = docs_per_shard

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, item: tuple[str, Document], counts: dict[str, int]) -> Iterator[Any]:
        category, doc = item
        self._counters.seen()
        num_shards = max(1, math.ceil(counts[category] / self._docs_per_shard))
        row = to_row(doc)
        del row["html"]
        yield (category, _bucket(doc.id, num_shards), num_shards), row


def parquet_bytes(table: pa.Table) -> bytes:
    """`table` as one zstd-compressed Parquet file, the encoding of every shard and part."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


class WriteShardFileFn(beam.DoFn):
    """Writes one shard; counts `kept` (unless `count_kept` is off) and `docs.<category>` and
    `text_bytes.<category>` in `stage`'s namespace. With `tokens_score`, the summary and a
    `tokens.<category>` counter add up that score of every row."""

    def __init__(self, output_dir: str, subdir: str = "shards", stage: str = STAGE,
                 count_kept: bool = True, tokens_score: str | None = None) -> None:
        self._output_dir = output_dir
        self._subdir = subdir
        self._stage = stage
        self._count_kept = count_kept
        self._tokens_score = tokens_score

    def setup(self) -> None:
        self._counters = StageCounters(self._stage)

    def process(self, item: tuple[tuple[str, int, int], Iterable[dict[str, Any]]]) -> Iterator[Any]:
        (category, index, num_shards), rows = item
        ordered = sorted(rows, key=lambda row: row["id"])
        yield self.write_table(category, index, num_shards,
                               pa.Table.from_pylist(ordered, schema=SHARD_SCHEMA))

    def write_table(self, category: str, index: int, num_shards: int, table: pa.Table
                    ) -> dict[str, Any]:
        """Writes `table` (rows in shard order, `SHARD_SCHEMA`) as one shard; its summary."""
        data = parquet_bytes(table)
        name = f"part-{index:05d}-of-{num_shards:05d}.parquet"
        path = join_path(self._output_dir, self._subdir, category, name)
        write_bytes(path, data)
        text_bytes = pc.sum(pc.binary_length(table["text"])).as_py() or 0
        if self._count_kept:
            self._counters.kept(table.num_rows)
        self._counters.inc(f"docs.{category}", table.num_rows)
        self._counters.inc(f"text_bytes.{category}", text_bytes)
        summary = {
            "category": category,
            "path": f"{self._subdir}/{category}/{name}",
            "docs": table.num_rows,
            "text_bytes": text_bytes,
            "file_bytes": len(data),
        }
        if self._tokens_score is not None:
            tokens = sum(int(entry["value"]) for scores in table["scores"].to_pylist()
                         for entry in scores or () if entry["key"] == self._tokens_score)
            self._counters.inc(f"tokens.{category}", tokens)
            summary["tokens"] = tokens
        return summary


class WriteShardIndexFn(beam.DoFn):
    def __init__(self, output_dir: str, subdir: str = "shards") -> None:
        self._output_dir = output_dir
        self._subdir = subdir

    def process(self, summaries: list[dict[str, Any]]) -> Iterator[str]:
        ordered = sorted(summaries, key=lambda s: s["path"])
        path = join_path(self._output_dir, self._subdir, "index.json")
        write_bytes(path, json.dumps(ordered, indent=1).encode("utf-8"))
        yield path


def shard_row(doc: Document) -> dict[str, Any]:
    """The Parquet row of a document in a shard (everything but the HTML)."""
    row = to_row(doc)
    del row["html"]
    return row


def shard_of(doc_id: str, num_shards: int) -> int:
    """The shard a document id goes to among `num_shards`, by a stable hash of the id."""
    return _bucket(doc_id, num_shards)


class NumberFilledShards(beam.PTransform):
    """((category, bucket, buckets), row) -> ((category, index, shards), row).

    Documents go to hash buckets, and a bucket no document fell into would leave a gap in the
    file names (and an empty Parquet file, which Hugging Face `datasets` cannot read). The buckets
    that hold documents are numbered 0..N-1 instead, so a category's files are exactly
    part-00000 .. part-(N-1) of N. The side input is one sorted list of bucket numbers per category.
    """

    def expand(self, keyed: beam.PCollection) -> beam.PCollection:
        filled = beam.pvalue.AsDict(
            keyed
            | "FilledBucket" >> beam.Map(lambda item: (item[0][0], item[0][1]))
            | "DistinctBuckets" >> beam.Distinct()
            | "BucketsPerCategory" >> beam.GroupByKey()
            | "SortBuckets" >> beam.MapTuple(lambda category, buckets: (category, sorted(buckets)))
        )
        return keyed | "NumberShards" >> beam.Map(_renumber_shard, filled=filled)


def _renumber_shard(item: tuple[tuple[str, int, int], Any], filled: dict[str, list[int]]
                    ) -> tuple[tuple[str, int, int], Any]:
    (category, bucket, _), row = item
    buckets = filled[category]
    return (category, bisect.bisect_left(buckets, bucket), len(buckets)), row


class WriteShards(beam.PTransform):
    """Documents to Parquet shards per category; outputs the path of `shards/index.json`."""

    def __init__(self, output_dir: str, docs_per_shard: int) -> None:
        super().__init__(label=STAGE)
        self._output_dir = output_dir
        self._docs_per_shard = docs_per_shard

    def expand(self, docs: beam.PCollection) -> beam.PCollection:
        by_category = docs | "KeyByCategory" >> beam.Map(lambda d: (category_of(d), d))
        counts = (
            by_category
            | "CategoryOnly" >> beam.Map(lambda item: (item[0], 1))
            | "CountPerCategory" >> beam.CombinePerKey(sum)
        )
        return (
            by_category
            | "AssignShard" >> beam.ParDo(
                _AssignShardFn(self._docs_per_shard), counts=beam.pvalue.AsDict(counts)
            )
            | "NumberFilledShards" >> NumberFilledShards()
            | "GroupShards" >> beam.GroupByKey()
            | "WriteParquet" >> beam.ParDo(WriteShardFileFn(self._output_dir))
            | "AllShards" >> beam.combiners.ToList()
            | "WriteIndex" >> beam.ParDo(WriteShardIndexFn(self._output_dir))
        )


def sample_entry(item: tuple[str, Dropped]) -> tuple[tuple[str, str], tuple[str, str]]:
    """((stage, reason), (ordering id, JSON record)) of one dropped document, for the sample."""
    stage, dropped = item
    record = json.dumps(dropped_sample(stage, dropped), ensure_ascii=False, sort_keys=True)
    return (stage, dropped.drop.reason), (stable_id(stage, dropped.doc.id), record)


def _write_jsonl(path: str, records: Iterable[str]) -> None:
    write_bytes(path, "".join(record + "\n" for record in records).encode("utf-8"))


class WriteDroppedSamples(beam.PTransform):
    """(stage, Dropped) pairs to `dropped/<stage>/<reason>.jsonl`, at most `per_reason` each;
    `entries`, sample entries already made (staging shards keep theirs), join the same sample."""

    def __init__(self, output_dir: str, per_reason: int,
                 entries: beam.PCollection | None = None) -> None:
        super().__init__(label="WriteDroppedSamples")
        self._output_dir = output_dir
        self._per_reason = per_reason
        self._entries = entries

    def expand(self, dropped: beam.PCollection) -> beam.PCollection:
        output_dir = self._output_dir

        def write(item: tuple[tuple[str, str], list[tuple[str, str]]]) -> str:
            (stage, reason), entries = item
            path = join_path(output_dir, "dropped", stage, f"{reason}.jsonl")
            _write_jsonl(path, (record for _, record in sorted(entries)))
            return path

        entries = dropped | "ToSampleEntry" >> beam.Map(sample_entry)
        if self._entries is not None:
            entries = (entries, self._entries) | "WithStagedEntries" >> beam.Flatten()
        return (
            entries
            | "SamplePerReason" >> beam.combiners.Top.SmallestPerKey(self._per_reason)
            | "WriteSamples" >> beam.Map(write)
        )


class WriteDeadLetters(beam.PTransform):
    """Dead-letter dicts to `errors/<stage>/part-NNNNN.jsonl`, every record kept."""

    def __init__(self, output_dir: str) -> None:
        super().__init__(label="WriteDeadLetters")
        self._output_dir = output_dir

    def expand(self, errors: beam.PCollection) -> beam.PCollection:
        output_dir = self._output_dir

        def key(record: dict[str, Any]) -> tuple[tuple[str, int], str]:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True)
            return (record["stage"], _bucket(line, _ERROR_PARTS)), line

        def write(item: tuple[tuple[str, int], Iterable[str]]) -> str:
            (stage, part), lines = item
            path = join_path(output_dir, "errors", stage, f"part-{part:05d}.jsonl")
            _write_jsonl(path, sorted(lines))
            return path

        return (
            errors
            | "KeyByStagePart" >> beam.Map(key)
            | "GroupPerFile" >> beam.GroupByKey()
            | "WriteErrorFiles" >> beam.Map(write)
        )
