"""Result types shared by all readers."""

from __future__ import annotations

import dataclasses

from curation.document import Document
from curation.stage import Dropped


@dataclasses.dataclass(frozen=True)
class ReadError:
    """A record or file that could not be read: where, and the exception that stopped it."""

    file: str
    offset: int
    error_type: str
    message: str

    @classmethod
    def from_exception(cls, file: str, offset: int, exc: BaseException) -> ReadError:
        return cls(file, offset, type(exc).__name__, str(exc)[:500])


ReadResult = Document | Dropped | ReadError
