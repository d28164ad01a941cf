"""Input patterns to the files a run reads (`FileTask`s), for the `read` stage.

Patterns are expanded on the workers (so a Dataflow job can be built offline); each file is then
read by one worker, in file order, by the staging step (pipelines/staging.py), which counts every
WARC record, JSONL line or Parquet row as `seen` once and then kept, dropped (non-page records,
non-200, non-HTML, ...) or sent to errors (a truncated gzip ends the file with a dead letter
naming the offset).

With `limit` (`curate run --limit N`) the files are sorted by name and read one after another by a
single worker until N records have been seen, so the first look at a large crawl reads only what
it keeps and is the same on any runner.
"""

from __future__ import annotations

from typing import NamedTuple

import fsspec

from curation.readers import detect_format

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
