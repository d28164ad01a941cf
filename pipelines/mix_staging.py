"""The mix's second staging level: the mixer plans and selects on light items, and the text
joins the selection only where the documents sit (issue 21).

    Prepared documents --_StageItemsFn--> <output>/staging/<level>/<bundle>.parquet (streamed)
                                      \\-> StagedItem(light Prepared, file, row)
    ... plan, cuts, fills and selection on the light items (pipelines/mix.py) ...
    (file, (row, copies | drop reason)) --GroupByKey(file)--> _AttachTextFn: each file read once,
        the selected rows written `copies` times (`curation.mix.mixer.copies_of_doc`), the
        dropped ones to the audit sample

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
import pyarrow.parquet as pq
from apache_beam import pvalue
from apache_beam.io.filesystems import FileSystems

from curation.document import ARROW_SCHEMA, from_dict, to_row
from curation.mix.mixer import Prepared, copies_of_doc
from curation.stage import Drop, Dropped
from pipelines.stage_transform import DROPPED
from pipelines.write import join_path

_ROW_GROUP = 1024
KEEP = "keep"


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


class _AttachTextFn(beam.DoFn):
    """One level-2 file's decisions -> its written copies, and its dropped documents."""

    def __init__(self, folder: str, stage: str) -> None:
        self._folder = folder
        self._stage = stage

    def process(self, item: tuple[str, Iterable[tuple[int, tuple]]]) -> Iterator[Any]:
        name, decisions = item
        by_row = dict(decisions)  # at most one per row of one bundle's file
        with FileSystems.open(join_path(self._folder, f"{name}.parquet")) as handle:
            parquet = pq.ParquetFile(handle)
            row = 0
            for batch in parquet.iter_batches(batch_size=_ROW_GROUP):
                for record in batch.to_pylist():
                    decision = by_row.get(row)
                    row += 1
                    if decision is None:
                        continue
                    doc = from_dict(record)
                    if decision[0] == KEEP:
                        yield from copies_of_doc(doc, decision[1])
                    else:
                        yield pvalue.TaggedOutput(DROPPED, (self._stage, Dropped(doc, Drop(decision[1]))))


def decision_by_file(staged: StagedItem, decision: tuple) -> tuple[str, tuple[int, tuple]]:
    return staged.file, (staged.row, decision)


def stage_items(items: beam.PCollection, folder: str) -> beam.PCollection:
    return items | "StageItems" >> beam.ParDo(_StageItemsFn(folder))


def attach_text(decisions: beam.PCollection, folder: str, stage: str) -> Any:
    """(file, (row, decision)) -> written documents (main) and (stage, Dropped) (`dropped`)."""
    return (
        decisions
        | "ByStagedFile" >> beam.GroupByKey()
        | "AttachText" >> beam.ParDo(_AttachTextFn(folder, stage)).with_outputs(
            DROPPED, main="docs")
    )
