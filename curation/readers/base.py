"""Result types shared by all readers."""

from __future__ import annotations

import dataclasses

from curation.document import Document
from curation.stage import Dropped


@dataclasses.dataclass(frozen=True)
class ReadError:
    """A record or file that could not be read: where, and the exception that stopped it.

    `offset` is the byte offset of a WARC record, or the 0-based row of a JSONL or Parquet file
    (the same number as a Document's `source.offset`); `line` is the 1-based line of a JSONL file,
    as an editor shows it, so a user can go straight to the broken line."""

    file: str
    offset: int
    error_type: str
    message: str
    line: int | None = None

    @classmethod
    def from_exception(cls, file: str, offset: int, exc: BaseException,
                       line: int | None = None) -> ReadError:
        return cls(file, offset, type(exc).__name__, str(exc)[:500], line)


ReadResult = Document | Dropped | ReadError
