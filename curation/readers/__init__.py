"""Readers turn input files into Documents: WARC/ARC/WET via warcio, JSONL and Parquet via pyarrow.

Every record of every file comes out as exactly one `ReadResult`: a kept Document, a `Dropped`
(with a reason such as `non_200_status`), or a `ReadError` when the file itself is broken. That is
what lets the `read` stage reconcile: records = kept + dropped + errors.
"""

from curation.readers.base import Dropped, ReadError, ReadResult
from curation.readers.files import detect_format, read_path

__all__ = ["Dropped", "ReadError", "ReadResult", "detect_format", "read_path"]
