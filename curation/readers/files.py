"""Open input files through fsspec (local, gs://, s3://, ...) and dispatch on their format.

The format comes from the file name (`.warc.gz`, `.arc.gz`, `.warc.wet.gz`, `.jsonl.zst`,
`.parquet`, ...) unless the config names one. JSONL rows and Parquet rows carry Document fields
(`url` required; `html` and/or `text`); their `source.offset` is the row number in the file.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import PurePosixPath

import fsspec
import pyarrow.parquet as pq

from curation.document import DocumentFieldError, from_dict, stable_id
from curation.readers.base import ReadError, ReadResult
from curation.readers.warc import iter_warc_records

_SUFFIXES = (
    (".warc.wet.gz", "wet"), (".wet.gz", "wet"), (".wet", "wet"),
    (".warc.wat.gz", "wat"), (".wat.gz", "wat"), (".wat", "wat"),
    (".warc.gz", "warc"), (".warc", "warc"),
    (".arc.gz", "arc"), (".arc", "arc"),
    (".jsonl.gz", "jsonl"), (".jsonl.zst", "jsonl"), (".jsonl", "jsonl"),
    (".json.gz", "jsonl"), (".json.zst", "jsonl"),
    (".parquet", "parquet"),
)
FORMATS = frozenset(name for _, name in _SUFFIXES)
_PARQUET_BATCH_ROWS = 256


class UnknownFormatError(ValueError):
    pass


def detect_format(path: str) -> str:
    name = PurePosixPath(path).name.lower()
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix):
            return fmt
    known = ", ".join(suffix for suffix, _ in _SUFFIXES)
    raise UnknownFormatError(f"cannot tell the format of {path!r}; known suffixes: {known}")


def read_path(path: str, fmt: str = "auto", max_body_bytes: int = 10_000_000) -> Iterator[ReadResult]:
    """Every record of the file at `path` as ReadResults, in file order."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    try:
        opened = fsspec.open(path, "rb", compression="infer" if fmt == "jsonl" else None)
        stream = opened.open()
    except Exception as exc:
        yield ReadError.from_exception(path, 0, exc)
        return
    if fmt == "jsonl":
        stream = io.BufferedReader(stream)  # zstandard's reader has readline() but raises in it
    with stream:
        if fmt in {"warc", "arc", "wet", "wat"}:
            results = iter_warc_records(stream, path, max_body_bytes, arc=fmt == "arc")
        elif fmt == "jsonl":
            results = _iter_jsonl(stream, path)
        else:
            results = _iter_parquet(stream, path)
        yield from _or_empty_file(results, path)


def _or_empty_file(results: Iterator[ReadResult], path: str) -> Iterator[ReadResult]:
    """`results`, or one `EmptyFile` error when the file gave none, so that an empty input is
    counted and named in the run's summary instead of passing unnoticed."""
    count = 0
    for result in results:
        count += 1
        yield result
    if count == 0:
        yield ReadError(path, 0, "EmptyFile", "the file holds no records")


def _row_result(row: object, path: str, index: int) -> ReadResult:
    """A Document from row number `index` of a JSONL or Parquet file, or the reason it is not one."""
    try:
        if not isinstance(row, dict):
            raise DocumentFieldError(f"a row must be an object, got {type(row).__name__}")
        return from_dict(row, default_id=stable_id(PurePosixPath(path).name, str(index)),
                         source_file=path, source_offset=index)
    except (ValueError, KeyError, TypeError) as exc:
        return ReadError.from_exception(path, index, exc)


def _iter_jsonl(stream, path: str) -> Iterator[ReadResult]:
    """Row `i` (0-based, the Document's `source.offset` and part of its default id) is line
    `i + 1` of the file; errors carry that 1-based line."""
    line_no = 0
    try:
        for line_no, line in enumerate(stream):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                # the decoder's own "line 2 column 1" counts inside this one line; say where in it
                yield ReadError(path, line_no, "JSONDecodeError",
                                f"{exc.msg} at character {exc.pos + 1} of the line", line_no + 1)
                continue
            except ValueError as exc:  # e.g. invalid UTF-8
                yield ReadError.from_exception(path, line_no, exc, line_no + 1)
                continue
            result = _row_result(row, path, line_no)
            if isinstance(result, ReadError):
                result = dataclasses.replace(result, line=line_no + 1)
            yield result
    except Exception as exc:  # a truncated .gz or .zst stream
        yield ReadError.from_exception(path, line_no, exc, line_no + 1)


def _iter_parquet(stream, path: str) -> Iterator[ReadResult]:
    row_no = 0
    try:
        for batch in pq.ParquetFile(stream).iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                yield _row_result(row, path, row_no)
                row_no += 1
    except Exception as exc:
        yield ReadError.from_exception(path, row_no, exc)
