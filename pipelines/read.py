"""`ReadDocuments`: input patterns to Documents, as the accounted `read` stage.

Patterns are expanded on the workers (so a Dataflow job can be built offline), files are spread
with a Reshuffle, and each file is read by one worker, in file order. Every WARC record, JSONL line
or Parquet row is `seen` once and then kept, dropped (non-page records, non-200, non-HTML, ...) or
sent to errors (a truncated gzip ends the file with a dead letter naming the offset).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

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


class _ReadFileFn(beam.DoFn):
    def __init__(self, fmt: str, max_record_bytes: int, text_head_chars: int,
                 source: str | None = None, category: str | None = None) -> None:
        self._fmt = fmt
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars
        self._tags = {SOURCE_FIELD: source} if source else {}
        if category:
            self._tags["category"] = category
        self._counters: StageCounters | None = None

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, path: str) -> Iterator[Any]:
        counters = self._counters
        assert counters is not None
        counters.inc("files")
        for result in read_path(path, self._fmt, self._max_record_bytes):
            counters.seen()
            if self._tags and isinstance(result, Document):
                result = result.with_metadata(**self._tags)
            yield from route(STAGE, result, counters, self._text_head_chars)


class ReadDocuments(beam.PTransform):
    """Reads input patterns, or named `sources` (`input.sources`): each source's files are read
    with its own format, and its documents are tagged with `metadata["input_source"]` and, when
    the source fixes one, `metadata["category"]`. Plain patterns are read untagged."""

    def __init__(
        self, patterns: Sequence[str] | Sequence[SourceConfig], fmt: str = "auto",
        max_record_bytes: int = 10_000_000, text_head_chars: int = 500,
    ) -> None:
        super().__init__(label=STAGE)
        self._sources = [p if isinstance(p, SourceConfig) else None for p in patterns]
        self._patterns = [p for p in patterns if isinstance(p, str)]
        self._fmt = fmt
        self._max_record_bytes = max_record_bytes
        self._text_head_chars = text_head_chars

    def expand(self, pbegin: pvalue.PBegin) -> StageResult:
        sources = [s for s in self._sources if s is not None]
        if not sources:
            return self._read(pbegin, "", self._patterns, self._fmt, None, None)
        results = [self._read(pbegin, f"_{s.name}", list(s.paths), s.format, s.name, s.category)
                   for s in sources]
        if len(results) == 1:
            return results[0]
        return StageResult(*(
            tuple(getattr(r, part) for r in results) | f"All{part.title()}" >> beam.Flatten()
            for part in ("kept", "dropped", "errors")))

    def _read(self, pbegin: pvalue.PBegin, suffix: str, patterns: list[str], fmt: str,
              source: str | None, category: str | None) -> StageResult:
        outputs = (
            pbegin
            | f"Patterns{suffix}" >> beam.Create(patterns)
            | f"ExpandPatterns{suffix}" >> beam.FlatMap(expand_pattern)
            | f"SpreadFiles{suffix}" >> beam.Reshuffle()
            | f"ReadRecords{suffix}" >> beam.ParDo(
                _ReadFileFn(fmt, self._max_record_bytes, self._text_head_chars, source, category)
            ).with_outputs(DROPPED, ERRORS, main="kept")
        )
        return StageResult(outputs.kept, outputs[DROPPED], outputs[ERRORS])
