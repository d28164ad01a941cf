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
from typing import Any

import apache_beam as beam
import fsspec
from apache_beam import pvalue

from curation.readers import detect_format, read_path
from pipelines.counters import StageCounters
from pipelines.stage_transform import DROPPED, ERRORS, StageResult, route

STAGE = "read"


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


class _ReadFileFn(beam.DoFn):
    def __init__(self, fmt: str, max_record_bytes: int, text_head_chars: int) -> None:
        self._fmt = fmt
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars
        self._counters: StageCounters | None = None

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, path: str) -> Iterator[Any]:
        counters = self._counters
        assert counters is not None
        counters.inc("files")
        for result in read_path(path, self._fmt, self._max_record_bytes):
            counters.seen()
            yield from route(STAGE, result, counters, self._text_head_chars)


class _ReadFirstRecordsFn(_ReadFileFn):
    """Reads a sorted list of files in order and stops after `limit` records in all."""

    def __init__(self, fmt: str, max_record_bytes: int, text_head_chars: int, limit: int) -> None:
        super().__init__(fmt, max_record_bytes, text_head_chars)
        self._limit = limit

    def process(self, paths: Iterable[str]) -> Iterator[Any]:  # type: ignore[override]
        counters = self._counters
        assert counters is not None
        remaining = self._limit
        for path in sorted(paths):
            if remaining <= 0:
                return
            counters.inc("files")
            records = read_path(path, self._fmt, self._max_record_bytes)
            for result in itertools.islice(records, remaining):
                remaining -= 1
                counters.seen()
                yield from route(STAGE, result, counters, self._text_head_chars)
            records.close()  # closes the file now, not when the generator is collected


class ReadDocuments(beam.PTransform):
    def __init__(
        self, patterns: Sequence[str], fmt: str = "auto", max_record_bytes: int = 10_000_000,
        text_head_chars: int = 500, limit: int | None = None,
    ) -> None:
        super().__init__(label=STAGE)
        self._patterns = list(patterns)
        self._fmt = fmt
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars
        self._limit = limit

    def expand(self, pbegin: pvalue.PBegin) -> StageResult:
        files = (
            pbegin
            | "Patterns" >> beam.Create(self._patterns)
            | "ExpandPatterns" >> beam.FlatMap(expand_pattern)
        )
        if self._limit is None:
            outputs = (
                files
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadRecords" >> beam.ParDo(
                    _ReadFileFn(self._fmt, self._max_record_bytes, self._text_head_chars)
                ).with_outputs(DROPPED, ERRORS, main="kept")
            )
            return StageResult(outputs.kept, outputs[DROPPED], outputs[ERRORS])
        outputs = (
            files
            | "AllFiles" >> beam.combiners.ToList()
            | "ReadFirstRecords" >> beam.ParDo(_ReadFirstRecordsFn(
                self._fmt, self._max_record_bytes, self._text_head_chars, self._limit)
            ).with_outputs(DROPPED, ERRORS, main="kept")
        )
        kept = outputs.kept | "SpreadRecords" >> beam.Reshuffle()
        return StageResult(kept, outputs[DROPPED], outputs[ERRORS])
