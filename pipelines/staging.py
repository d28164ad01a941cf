"""The per-document phase as one streaming step per input file, written to staging shards.

    input file -> read -> url_safety -> extract -> langid -> pii   (in one DoFn, record by record)
               -> <output>/staging/<shard id>.parquet  kept documents, in record order
               -> <output>/staging/<shard id>.json     fingerprint, checksum, counters, the bounded
                                                      dropped sample and the dead letters
    outputs: StagedShard refs, dropped-sample entries, dead letters

Each file is read by one worker and its kept documents go straight into one Parquet buffer, so no
document crosses a shuffle in this phase and memory holds one file's compressed kept text at
most. The shard is written whole (`write_bytes`: a temporary name, then a rename), then its
sidecar; a shard counts as complete only when a sidecar with the run's fingerprint and the
shard's checksum exists (`curation/staging.py`). A rerun after a kill (`SIGKILL` included)
reuses every complete shard: it re-emits the counters, dropped sample and dead letters stored in
the sidecar instead of reading and extracting the file again, so the run's outputs and stats are
the same as a run that read everything.

Counters: every stage counts `seen`, `kept`, `dropped.<reason>` and `error.<Type>` exactly as
`ApplyStage` does, and `read` counts `files`; `staging.shards.written` and
`staging.shards.reused` (namespace `curation.staging`, outside the funnel) say how much was
reused.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import apache_beam as beam
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam import pvalue
from apache_beam.io.filesystems import FileSystems

from curation import __version__
from curation.audit import dead_letter
from curation.config import Config, SourceConfig
from curation.document import ARROW_SCHEMA, Document, from_dict, to_row
from curation.readers import read_path
from curation.stage import Dropped, Stage, run_stage
from curation.staging import (
    SIDECAR_SUFFIX,
    SIDECAR_VERSION,
    SUFFIX,
    SampleKeeper,
    checksum,
    fingerprint,
    shard_id,
    sidecar_is_valid,
)
from pipelines.counters import StageCounters
from pipelines.read import SOURCE_FIELD, FileTask, expand_source
from pipelines.read import STAGE as READ_STAGE
from pipelines.stage_transform import ERRORS
from pipelines.write import join_path, sample_entry, write_bytes

STAGING_DIR = "staging"
SAMPLES = "samples"
_STAGING_STAGE = "staging"
_ROW_GROUP = 1024


class StagedShard(NamedTuple):
    """One complete staging shard: its id, its path and how many documents it holds."""

    shard_id: str
    path: str
    rows: int


def staging_dir(output_dir: str) -> str:
    return join_path(output_dir, STAGING_DIR)


def per_document_fingerprint(config: Config, stage_names: Sequence[str], code_version: str) -> str:
    """What every staging shard of a run with `config` depends on besides its input file."""
    stages = config.stages.model_dump(mode="json")
    return fingerprint({
        "version": SIDECAR_VERSION,
        "code": code_version,
        "package": __version__,
        "input": {"max_record_bytes": config.input.max_record_bytes, "limit": config.input.limit},
        "stages": {name: stages[name] for name in stage_names},
        "stage_order": list(stage_names),
        "error_text_head_chars": config.output.error_text_head_chars,
        "dropped_samples_per_reason": config.output.dropped_samples_per_reason,
    })


class _RecordingCounters(StageCounters):
    """Beam counters that also remember their totals, for the shard's sidecar."""

    def __init__(self, stage: str, totals: dict[str, dict[str, int]]) -> None:
        super().__init__(stage)
        self._totals = totals.setdefault(stage, {})

    def inc(self, name: str, value: int = 1) -> None:
        super().inc(name, value)
        self._totals[name] = self._totals.get(name, 0) + value


def _file_identity(path: str) -> dict[str, Any]:
    """Size and modification stamp of an input file (a changed file gets a new fingerprint)."""
    try:
        fs, root = fsspec.core.url_to_fs(path)
        info = fs.info(root)
    except (OSError, ValueError):
        return {"size": None, "stamp": None}
    stamp = next((info[key] for key in ("mtime", "updated", "generation", "ETag", "LastModified")
                  if info.get(key) is not None), None)
    return {"size": info.get("size"), "stamp": str(stamp)}


def _read_bytes(path: str) -> bytes | None:
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as handle:
        return handle.read()


class _StageFilesFn(beam.DoFn):
    """Reads input files and runs the per-document stages over each record; writes one staging
    shard per file, or reuses it when its sidecar matches."""

    def __init__(self, stages: Sequence[Stage], output_dir: str, run_fingerprint: str,
                 max_record_bytes: int, text_head_chars: int, samples_per_reason: int,
                 limit: int | None = None) -> None:
        self._stages = list(stages)
        self._dir = staging_dir(output_dir)
        self._fingerprint = run_fingerprint
        self._max_record_bytes = max_record_bytes
        self._head = text_head_chars
        self._per_reason = samples_per_reason
        self._limit = limit

    def setup(self) -> None:
        for stage in self._stages:
            stage.setup()
        self._staging = StageCounters(_STAGING_STAGE)

    def teardown(self) -> None:
        for stage in self._stages:
            stage.teardown()

    def process(self, element: FileTask | Iterable[FileTask]) -> Iterator[Any]:
        if self._limit is None:
            assert isinstance(element, FileTask)
            yield from self._stage_file(element, None)
            return
        remaining = [self._limit]
        for task in sorted(element):  # type: ignore[arg-type]
            if remaining[0] <= 0:
                return
            yield from self._stage_file(task, remaining)

    def _stage_file(self, task: FileTask, remaining: list[int] | None) -> Iterator[Any]:
        shard = shard_id(task.path, task.fmt, task.source, task.category)
        path = join_path(self._dir, shard + SUFFIX)
        sidecar_path = join_path(self._dir, shard + SIDECAR_SUFFIX)
        expected = fingerprint({"run": self._fingerprint, "task": list(task),
                                "file": _file_identity(task.path),
                                "records_before": None if remaining is None else
                                self._limit - remaining[0]})  # type: ignore[operator]
        sidecar = self._load_sidecar(sidecar_path)
        if sidecar is not None and sidecar_is_valid(sidecar, expected, _read_bytes(path)):
            yield from self._reuse(sidecar, remaining)
            yield StagedShard(shard, path, int(sidecar["rows"]))
            return
        totals: dict[str, dict[str, int]] = {}
        samples = SampleKeeper(self._per_reason)
        errors: list[dict[str, Any]] = []
        data, rows = shard_bytes(self._kept_documents(task, remaining, totals, samples, errors))
        write_bytes(path, data)
        record = {"version": SIDECAR_VERSION, "fingerprint": expected, "task": list(task),
                  "rows": rows, "parquet_bytes": len(data), "parquet_blake2b": checksum(data),
                  "counters": totals, "samples": samples.entries(), "errors": errors}
        write_bytes(sidecar_path, (json.dumps(record, ensure_ascii=False, sort_keys=True)
                                   + "\n").encode("utf-8"))
        self._staging.inc("shards.written")
        yield from self._emit(record)
        yield StagedShard(shard, path, rows)

    def _kept_documents(self, task: FileTask, remaining: list[int] | None,
                        totals: dict[str, dict[str, int]], samples: SampleKeeper,
                        errors: list[dict[str, Any]]) -> Iterator[Document]:
        read = _RecordingCounters(READ_STAGE, totals)
        counters = [_RecordingCounters(stage.name, totals) for stage in self._stages]
        read.inc("files")
        tags: dict[str, str] = {SOURCE_FIELD: task.source} if task.source else {}
        if task.category:
            tags["category"] = task.category
        records = read_path(task.path, task.fmt, self._max_record_bytes)
        try:
            for result in records if remaining is None else itertools.islice(records, remaining[0]):
                read.seen()
                if remaining is not None:
                    remaining[0] -= 1
                if isinstance(result, Document):
                    read.kept()
                    doc = result.with_metadata(**tags) if tags else result
                    kept = self._run_stages(doc, counters, samples, errors)
                    if kept is not None:
                        yield kept
                elif isinstance(result, Dropped):
                    read.dropped(result.drop.reason)
                    samples.add(*sample_entry((READ_STAGE, result)))
                else:
                    read.error(result.error_type)
                    errors.append(dead_letter(READ_STAGE, result, self._head))
        finally:
            records.close()  # closes the file now, not when the generator is collected

    def _run_stages(self, doc: Document, counters: Sequence[StageCounters], samples: SampleKeeper,
                    errors: list[dict[str, Any]]) -> Document | None:
        for stage, count in zip(self._stages, counters, strict=True):
            count.seen()
            result = run_stage(stage, doc)
            if isinstance(result, Document):
                for name, value in stage.kept_counters(result).items():
                    count.inc(name, value)
                count.kept()
                doc = result
            elif isinstance(result, Dropped):
                count.dropped(result.drop.reason)
                samples.add(*sample_entry((stage.name, result)))
                return None
            else:
                count.error(result.error_type)
                errors.append(dead_letter(stage.name, result, self._head))
                return None
        return doc

    def _reuse(self, sidecar: dict[str, Any], remaining: list[int] | None) -> Iterator[Any]:
        for stage, counts in sidecar["counters"].items():
            counters = StageCounters(stage)
            for name, value in counts.items():
                counters.inc(name, value)
        if remaining is not None:
            remaining[0] -= int(sidecar["counters"].get(READ_STAGE, {}).get("seen", 0))
        self._staging.inc("shards.reused")
        yield from self._emit(sidecar)

    def _emit(self, record: dict[str, Any]) -> Iterator[Any]:
        for stage, reason, order, sample in record["samples"]:
            yield pvalue.TaggedOutput(SAMPLES, ((stage, reason), (order, sample)))
        for error in record["errors"]:
            yield pvalue.TaggedOutput(ERRORS, error)

    @staticmethod
    def _load_sidecar(path: str) -> dict[str, Any] | None:
        data = _read_bytes(path)
        if data is None:
            return None
        try:
            loaded = json.loads(data.decode("utf-8"))
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None


class StagingResult(NamedTuple):
    shards: beam.PCollection  # of StagedShard
    samples: beam.PCollection  # of ((stage, reason), (ordering id, record)): dropped sample entries
    errors: beam.PCollection  # of dead-letter dicts


class StageDocuments(beam.PTransform):
    """Input sources (or plain patterns) -> staging shards of the documents that pass `stages`."""

    def __init__(self, inputs: Sequence[str] | Sequence[SourceConfig], config: Config,
                 stages: Sequence[Stage], run_fingerprint: str) -> None:
        super().__init__(label="stage_documents")
        self._entries: list[tuple[str, str, str | None, str | None]] = []
        for item in inputs:
            if isinstance(item, SourceConfig):
                self._entries += [(p, item.format, item.name, item.category) for p in item.paths]
            else:
                self._entries.append((item, config.input.format, None, None))
        self._fn = _StageFilesFn(
            stages, config.output.dir, run_fingerprint, config.input.max_record_bytes,
            config.output.error_text_head_chars, config.output.dropped_samples_per_reason,
            config.input.limit)
        self._limited = config.input.limit is not None

    def expand(self, pbegin: pvalue.PBegin) -> StagingResult:
        files = (
            pbegin
            | "Patterns" >> beam.Create(self._entries)
            | "ExpandPatterns" >> beam.FlatMap(expand_source)
        )
        # with --limit the files are read one after another in path order by one worker
        spread = (files | "AllFiles" >> beam.combiners.ToList() if self._limited
                  else files | "SpreadFiles" >> beam.Reshuffle())
        outputs = spread | "StageFiles" >> beam.ParDo(self._fn).with_outputs(
            SAMPLES, ERRORS, main="shards")
        return StagingResult(outputs.shards, outputs[SAMPLES], outputs[ERRORS])


def shard_bytes(docs: Iterable[Document]) -> tuple[bytes, int]:
    """A staging shard's Parquet bytes holding `docs` in order, and their number; the documents
    are streamed into row groups of `_ROW_GROUP`, so only compressed bytes accumulate."""
    buffer = io.BytesIO()
    rows = 0
    with pq.ParquetWriter(buffer, ARROW_SCHEMA, compression="zstd") as writer:
        stream = iter(docs)
        while batch := list(itertools.islice(stream, _ROW_GROUP)):
            writer.write_table(pa.Table.from_pylist([to_row(doc) for doc in batch],
                                                    schema=ARROW_SCHEMA))
            rows += len(batch)
        if rows == 0:
            writer.write_table(pa.Table.from_pylist([], schema=ARROW_SCHEMA))
    return buffer.getvalue(), rows


def read_staged(shard: StagedShard, columns: list[str] | None = None) -> Iterator[Document]:
    """The documents of one staging shard, in row order; with `columns`, only those fields
    are decoded (the others are left empty)."""
    data = _read_bytes(shard.path)
    if data is None:
        raise FileNotFoundError(shard.path)
    parquet = pq.ParquetFile(io.BytesIO(data))
    for batch in parquet.iter_batches(batch_size=_ROW_GROUP, columns=columns):
        for row in batch.to_pylist():
            yield from_dict(row)
