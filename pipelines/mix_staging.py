"""The mix's second staging level and its final write: the mixer plans and selects on light
items, and the text goes from where the documents sit to the output shards without crossing a
shuffle (issue 21).

    Prepared documents --_StageItemsFn--> <output>/staging/<level>/<bundle>.parquet (streamed)
                                      \\-> StagedItem(light Prepared, file, row)
    ... plan, cuts, fills and selection on the light items (pipelines/mix.py) ...
    selection -> per copy ((category, bucket, buckets), CopyAssignment(file, row, copy, id))
              -> NumberFilledShards -> (file, (row, (copy, n, id, shard)))  + (file, (row, drop))
              -> GroupByKey(file) -> _WritePartsFn: each level-2 file read once, its needed rows
                 of each row group decoded, each copy's row put in its shard's part file
                 (staging/<level>/parts/<category>/<shard>/<file>-<n>.parquet), the dropped
                 documents to the audit sample
              -> (shard, part name) GroupByKey(shard) -> WriteShardFromPartsFn: a shard's parts
                 read, sorted by id, written whole as shards/<category>/part-XXXXX-of-YYYYY

Only compact records cross the two shuffles: a copy assignment (about 100 encoded bytes) and a
part name per (file, shard, flush). A level-2 file is read once and each part once, so a row's
text is read twice after staging, written once as a part and once in its shard; what one worker
holds is one file's bookkeeping plus at most `PartBuffer`'s budget of rows (32 MB of text), or
one shard's rows while that shard is written. The shard file is the one the graph before wrote
(the same rows, sorted by id, one `pq.write_table` call), so the output is byte-identical.

A light item is the document without its text and HTML (its id, metadata and scores stay, for
the tallies, the source report and the annealing rule), so the PCollection that the mix reads
five times (the plan, the histogram, the straddling bucket, the fill and the selection) holds
keys and scores, not text. Level-2 files are named by a random id per bundle: they are internal,
live under `staging/` and go with it; a retried bundle writes a new file and its items name
that one, so a failed attempt's file is never read.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam import pvalue
from apache_beam.io.filesystems import FileSystems

from curation.document import ARROW_SCHEMA, from_dict, to_row
from curation.mix.assign import COPY, DEFAULT_PART_BYTES, CopyAssignment, PartBuffer, ShardKey, part_name
from curation.mix.mixer import Prepared, copy_of_doc
from curation.stage import Drop, Dropped
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, ERRORS
from pipelines.write import (
    SHARD_SCHEMA,
    NumberFilledShards,
    WriteShardFileFn,
    join_path,
    parquet_bytes,
    shard_row,
    write_bytes,
)

_ROW_GROUP = 1024
PARTS_DIR = "parts"


class StagedItem(NamedTuple):
    item: Prepared  # its document without text or HTML
    file: str
    row: int


class _StageItemsFn(beam.DoFn):
    """Streams each bundle's documents into one Parquet file; emits their light items."""

    def __init__(self, folder: str) -> None:
        self._folder = folder

    def start_bundle(self) -> None:
        self._name = uuid.uuid4().hex
        self._rows: list[dict[str, Any]] = []
        self._count = 0
        self._stream: Any = None
        self._writer: pq.ParquetWriter | None = None

    def process(self, item: Prepared) -> Iterator[StagedItem]:
        self._rows.append(to_row(item.doc))
        if len(self._rows) == _ROW_GROUP:
            self._flush()
        light = Prepared(item.cell, item.rank, item.tokens, item.doc.replace(text=None, html=None))
        yield StagedItem(light, self._name, self._count)
        self._count += 1

    def finish_bundle(self) -> None:
        if self._count == 0:
            return
        self._flush()
        assert self._writer is not None
        self._writer.close()
        self._stream.close()
        FileSystems.rename([self._path(temporary=True)], [self._path()])

    def _path(self, temporary: bool = False) -> str:
        return join_path(self._folder, f".{self._name}.tmp" if temporary else f"{self._name}.parquet")

    def _flush(self) -> None:
        if not self._rows:
            return
        if self._writer is None:
            if "://" not in self._folder:
                os.makedirs(self._folder, exist_ok=True)
            self._stream = FileSystems.create(self._path(temporary=True))
            self._writer = pq.ParquetWriter(self._stream, ARROW_SCHEMA, compression="zstd")
        self._writer.write_table(pa.Table.from_pylist(self._rows, schema=ARROW_SCHEMA))
        self._rows = []


def decision_by_file(staged: StagedItem, decision: tuple) -> tuple[str, tuple[int, tuple]]:
    return staged.file, (staged.row, decision)


def stage_items(items: beam.PCollection, folder: str) -> beam.PCollection:
    return items | "StageItems" >> beam.ParDo(_StageItemsFn(folder))


def _unwritten(stage: str, path: str, row: int, copy_id: str, error_type: str, message: str
               ) -> dict[str, Any]:
    """The dead letter of a selected copy whose level-2 row could not be read back."""
    return {"stage": stage, "doc_id": copy_id, "url": None,
            "source": {"file": path, "offset": row}, "error_type": error_type,
            "message": message, "traceback": "", "text_head": None}


class _WritePartsFn(beam.DoFn):
    """One level-2 file's decisions -> its selected copies in per-shard part files (the file is
    read once, only the row groups' needed rows are turned into Python), (shard, part name)
    pairs, its dropped documents, and a dead letter per copy that could not be read."""

    def __init__(self, folder: str, stage: str, part_bytes: int = DEFAULT_PART_BYTES) -> None:
        self._folder = folder
        self._stage = stage
        self._part_bytes = part_bytes

    def setup(self) -> None:
        self._counters = StageCounters(self._stage)

    def process(self, item: tuple[str, Iterable[tuple[int, tuple]]]) -> Iterator[Any]:
        name, decisions = item
        by_row: dict[int, list[tuple]] = {}
        for row, decision in decisions:
            by_row.setdefault(row, []).append(decision)
        path = join_path(self._folder, f"{name}.parquet")
        buffer = PartBuffer(self._part_bytes)
        try:
            with FileSystems.open(path) as handle:
                start = 0
                for batch in pq.ParquetFile(handle).iter_batches(batch_size=_ROW_GROUP):
                    needed = [i for i in range(batch.num_rows) if start + i in by_row]
                    records = batch.take(pa.array(needed, pa.int64())).to_pylist() if needed else []
                    for offset, record in zip(needed, records, strict=True):
                        doc = from_dict(record)
                        for decision in sorted(by_row.pop(start + offset)):
                            yield from self._apply(doc, decision, name, buffer)
                    start += batch.num_rows
            error_type, message = "missing_row", f"{name}.parquet has no such row"
        except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as error:
            error_type, message = type(error).__name__, str(error)[:500]
        for row in sorted(by_row):  # rows the file did not give back
            for decision in sorted(by_row[row]):
                if decision[0] == COPY:
                    self._counters.inc(f"unwritten.{error_type}")
                    yield pvalue.TaggedOutput(ERRORS, _unwritten(
                        self._stage, path, row, decision[2], error_type, message))
        for shard, sequence, rows in buffer.drain():
            yield self._write_part(name, shard, sequence, rows)

    def _apply(self, doc: Any, decision: tuple, name: str, buffer: PartBuffer) -> Iterator[Any]:
        if decision[0] != COPY:
            yield pvalue.TaggedOutput(DROPPED, (self._stage, Dropped(doc, Drop(decision[1]))))
            return
        _, copy, _, shard = decision
        for part in buffer.add(ShardKey(*shard), shard_row(copy_of_doc(doc, copy))):
            yield self._write_part(name, *part)

    def _write_part(self, name: str, shard: ShardKey, sequence: int, rows: list[dict[str, Any]]
                    ) -> tuple[ShardKey, str]:
        part = part_name(name, shard, sequence)
        table = pa.Table.from_pylist(rows, schema=SHARD_SCHEMA)
        write_bytes(join_path(self._folder, PARTS_DIR, part), parquet_bytes(table))
        return shard, part


class WriteShardFromPartsFn(WriteShardFileFn):
    """One output shard from its parts: read, concatenated, sorted by id and written whole, so
    the file is the one `WriteShardFileFn` writes from the same rows; holds one shard's rows."""

    def __init__(self, parts_folder: str, output_dir: str, subdir: str, stage: str,
                 tokens_score: str | None) -> None:
        super().__init__(output_dir, subdir, stage, count_kept=False, tokens_score=tokens_score)
        self._parts_folder = parts_folder

    def process(self, item: tuple[tuple[str, int, int], Iterable[str]]) -> Iterator[Any]:
        (category, index, num_shards), parts = item
        tables = []
        for part in sorted(parts):
            path = join_path(self._parts_folder, part)
            try:
                with FileSystems.open(path) as handle:
                    tables.append(pq.read_table(handle).cast(SHARD_SCHEMA))
            except (OSError, pa.ArrowException, ValueError) as error:
                self._counters.inc(f"unwritten.{type(error).__name__}")
                yield pvalue.TaggedOutput(ERRORS, _unwritten(
                    self._stage, path, -1, "", type(error).__name__, str(error)[:500]))
        if not tables:
            return
        table = pa.concat_tables(tables)
        table = table.take(pc.sort_indices(table, sort_keys=[("id", "ascending")]))
        yield self.write_table(category, index, num_shards, table.combine_chunks())


def assignment_by_file(item: tuple[tuple[str, int, int], CopyAssignment]
                       ) -> tuple[str, tuple[int, tuple]]:
    """A numbered copy assignment keyed by its level-2 file, as that file's decision."""
    shard, assignment = item
    return assignment.file, (assignment.row, (COPY, assignment.copy, assignment.id, shard))


def write_from_staging(assignments: beam.PCollection, drops: beam.PCollection, folder: str,
                       output_dir: str, subdir: str, stage: str, tokens_score: str | None) -> Any:
    """(shard bucket key, CopyAssignment) and (file, (row, drop)) -> the shards under `subdir`;
    returns (shard summaries, (stage, Dropped), dead letters)."""
    by_file = (
        assignments
        | "NumberFilledShards" >> NumberFilledShards()
        | "AssignmentByFile" >> beam.Map(assignment_by_file)
    )
    parts = (
        (by_file, drops)
        | "AllFileDecisions" >> beam.Flatten()
        | "ByStagedFile" >> beam.GroupByKey()
        | "WriteParts" >> beam.ParDo(_WritePartsFn(folder, stage)).with_outputs(
            DROPPED, ERRORS, main="parts")
    )
    shards = (
        parts.parts
        | "PartsByShard" >> beam.GroupByKey()
        | "WriteParquet" >> beam.ParDo(WriteShardFromPartsFn(
            join_path(folder, PARTS_DIR), output_dir, subdir, stage, tokens_score)
        ).with_outputs(ERRORS, main="summaries")
    )
    errors = (parts[ERRORS], shards[ERRORS]) | "WriteErrors" >> beam.Flatten()
    return shards.summaries, parts[DROPPED], errors
