"""`ReadDocuments`: input patterns to Documents, as the accounted `read` stage.

Patterns are expanded on the workers (so a Dataflow job can be built offline), files are spread
with a Reshuffle, and each file is read by one worker, in file order. Every WARC record, JSONL line
or Parquet row is `seen` once and then kept, dropped (non-page records, non-200, non-HTML, ...) or
sent to errors (a truncated gzip ends the file with a dead letter naming the offset).

With `limit` (`curate run --limit N`) the files are sorted by name and read one after another by a
single worker until N records have been seen, so the first look at a large crawl reads only what
it keeps and is the same on any runner; the documents are then spread again for the stages.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import apache_beam as beam
import fsspec
from apache_beam import pvalue

from curation.config import SourceConfig
from curation.document import Document
from curation.readers import detect_format, read_path
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, ERRORS, StageResult, route

STAGE = "read"
SOURCE_FIELD = "input_source"


def expand_pattern(pattern: str) -> list[str]:
    """The files a path, directory or glob names, sorted; directories are searched recursively
    for files of a known format."""
    fs, root = fsspec.core.url_to_fs(pattern)
    protocol = pattern.split("://", 1)[0] + "://" if "://" in pattern else ""
    if any(ch in root for ch in "*?["):
        candidates = fs.glob(root)
    elif fs.isdir(root):
        candidates = [path for path in fs.find(root) if _has_known_format(path)]
    else:
        candidates = [root] if fs.exists(root) else []
    return sorted(path if path.startswith(protocol) else protocol + path for path in candidates)


def _has_known_format(path: str) -> bool:
    try:
        detect_format(path)
    except ValueError:
        return False
    return True


class FileTask(NamedTuple):
    """One input file and how to read it: its format and the source it belongs to."""

    path: str
    fmt: str
    source: str | None = None
    category: str | None = None


def expand_source(source: tuple[str, str, str | None, str | None]) -> list[FileTask]:
    """The files of one (pattern, format, source, category), as FileTasks in name order."""
    pattern, fmt, name, category = source
    return [FileTask(path, fmt, name, category) for path in expand_pattern(pattern)]


class _ReadFileFn(beam.DoFn):
    def __init__(self, max_record_bytes: int, text_head_chars: int) -> None:
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars
        self._counters: StageCounters | None = None

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, task: FileTask) -> Iterator[Any]:
        yield from self._read(task, None)

    def _read(self, task: FileTask, remaining: list[int] | None) -> Iterator[Any]:
        """Reads `task`; with `remaining` ([records left]), stops when it reaches 0."""
        counters = self._counters
        assert counters is not None
        counters.inc("files")
        tags: dict[str, str] = {SOURCE_FIELD: task.source} if task.source else {}
        if task.category:
            tags["category"] = task.category
        records = read_path(task.path, task.fmt, self._max_record_bytes)
        for result in records if remaining is None else itertools.islice(records, remaining[0]):
            counters.seen()
            if remaining is not None:
                remaining[0] -= 1
            if tags and isinstance(result, Document):
                result = result.with_metadata(**tags)
            yield from route(STAGE, result, counters, self._text_head_chars)
        records.close()  # closes the file now, not when the generator is collected


class _ReadFirstRecordsFn(_ReadFileFn):
    """Reads all files in path order, one after another, and stops after `limit` records in all
    (across every source)."""

    def __init__(self, max_record_bytes: int, text_head_chars: int, limit: int) -> None:
        super().__init__(max_record_bytes, text_head_chars)
        self._limit = limit

    def process(self, tasks: Iterable[FileTask]) -> Iterator[Any]:  # type: ignore[override]
        counters = self._counters
        assert counters is not None
        remaining = [self._limit]
        for task in sorted(tasks):
            if remaining[0] <= 0:
                return
            yield from self._read(task, remaining)


class ReadDocuments(beam.PTransform):
    """Reads input patterns, or named `sources` (`input.sources`): each source's files are read
    with its own format, and its documents are tagged with `metadata["input_source"]` and, when
    the source fixes one, `metadata["category"]`. Plain patterns are read untagged."""

    def __init__(
        self, patterns: Sequence[str] | Sequence[SourceConfig], fmt: str = "auto",
        max_record_bytes: int = 10_000_000, text_head_chars: int = 500, limit: int | None = None,
    ) -> None:
        super().__init__(label=STAGE)
        self._entries: list[tuple[str, str, str | None, str | None]] = []
        for item in patterns:
            if isinstance(item, SourceConfig):
                self._entries += [(p, item.format, item.name, item.category) for p in item.paths]
            else:
                self._entries.append((item, fmt, None, None))
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars
        self._limit = limit

    def expand(self, pbegin: pvalue.PBegin) -> StageResult:
        files = (
            pbegin
            | "Patterns" >> beam.Create(self._entries)
            | "ExpandPatterns" >> beam.FlatMap(expand_source)
        )
        if self._limit is None:
            outputs = (
                files
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadRecords" >> beam.ParDo(
                    _ReadFileFn(self._max_record_bytes, self._text_head_chars)
                ).with_outputs(DROPPED, ERRORS, main="kept")
            )
            return StageResult(outputs.kept, outputs[DROPPED], outputs[ERRORS])
        outputs = (
            files
            | "AllFiles" >> beam.combiners.ToList()
            | "ReadFirstRecords" >> beam.ParDo(_ReadFirstRecordsFn(
                self._max_record_bytes, self._text_head_chars, self._limit)
            ).with_outputs(DROPPED, ERRORS, main="kept")
        )
        kept = outputs.kept | "SpreadRecords" >> beam.Reshuffle()
        return StageResult(kept, outputs[DROPPED], outputs[ERRORS])
