"""WARC, ARC and WET records to Documents, with warcio (the reader datatrove and cc_net use too).

warcio parses the WARC and HTTP headers, undoes chunked transfer coding and gzip/brotli content
coding, and converts ARC records to WARC on the fly (`arc2warc=True`). This module decides what
each record becomes:

- `response` (and `resource`) records with HTTP 200 and an HTML content type become Documents with
  `html` set; other statuses and content types are dropped with `non_200_status` or
  `non_html_content`.
- `conversion` records (WET) become Documents with `text` set.
- `revisit` records are dropped as `record_revisit`: their payload is identical to an earlier
  capture that is read from its own record (WARC 1.1 section 6.7.2), so keeping them would only
  feed duplicates to URL dedup.
- `warcinfo`, `request` and `metadata` records are not pages and are dropped as `record_<type>`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from curation.document import Document, DocumentFieldError, Source, parse_time, stable_id
from curation.readers.base import Dropped, ReadError, ReadResult
from curation.readers.http import decode_body, is_html, looks_binary, split_content_type
from curation.stage import Drop

PAGE_RECORD_TYPES = frozenset({"response", "resource"})


def iter_warc_records(
    stream: BinaryIO, file: str, max_body_bytes: int, arc: bool = False
) -> Iterator[ReadResult]:
    """One ReadResult per record of the WARC (or, with `arc`, ARC) `stream`; a broken file ends
    in a ReadError. warcio falls back to ARC parsing for anything that is not WARC, which would
    read any text file as a stream of odd records, so WARC files must hold WARC records."""
    iterator = ArchiveIterator(stream, arc2warc=arc)
    last_member_complete = _watch_last_gzip_member(iterator)
    offset = 0
    truncated = False
    records = 0
    try:
        for record in iterator:
            records += 1
            offset = iterator.offset  # the record start; get_record_offset() would skip its body
            if not arc and record.format != "warc":
                yield ReadError(file, offset, "NotAnArchiveRecord",
                                f"expected a WARC record, found {record.format!r} data; "
                                "the rest of the file is skipped")
                return
            try:
                result = _record_result(record, Source(file, offset), max_body_bytes)
                missing = _missing_bytes(record)
            except Exception as exc:  # one bad record (a broken content coding): skip it only
                yield ReadError.from_exception(file, offset, exc)
                continue
            truncated = missing > 0
            if missing:
                yield ReadError(file, offset, "TruncatedRecord",
                                f"the record ends {missing} bytes short of its Content-Length")
            else:
                yield result
    except Exception as exc:  # a truncated gzip member or a header that lies about lengths
        yield ReadError.from_exception(file, offset, exc)
        return
    if records == 0 and _is_empty(stream):
        yield ReadError(file, 0, "EmptyFile", "the file is empty (0 bytes)")
        return
    if not truncated and not last_member_complete():
        yield ReadError(file, offset, "TruncatedGzip",
                        "the file ends inside a gzip member, before a whole record was read")


def _is_empty(stream: BinaryIO) -> bool:
    """Whether reading `stream` to its end consumed no byte: a 0-byte file, not a broken one."""
    try:
        return stream.tell() == 0
    except (OSError, ValueError):
        return False


def _watch_last_gzip_member(iterator: ArchiveIterator) -> Callable[[], bool]:
    """A check, for after the iteration, that the last gzip member reached its end marker.

    warcio treats a gzip member cut before the end of its WARC headers as the end of the file
    and stops without a word, so a record would vanish uncounted. Its reader drops the
    decompressor when it closes; this keeps whether that decompressor had reached the end of
    its member (zlib's `eof`). A file that is not gzip-compressed counts as complete."""
    reader = iterator.reader
    state = {"complete": True}
    close_decompressor = reader.close_decompressor

    def remember_then_close() -> None:
        decompressor = reader.decompressor
        if decompressor is not None:
            state["complete"] = bool(getattr(decompressor, "eof", True))
        close_decompressor()

    reader.close_decompressor = remember_then_close
    return lambda: state["complete"]


def _missing_bytes(record) -> int:
    """Bytes the record declared but the file did not hold: warcio stops quietly at the end of a
    truncated gzip member, which would otherwise pass a cut-off page on as a whole one."""
    raw = record.raw_stream
    while raw.read(1 << 20):
        pass
    return int(getattr(raw, "limit", 0))


def read_up_to(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes of `stream`; warcio's readers may return less than asked per call."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _record_result(record, source: Source, max_body_bytes: int) -> ReadResult:
    headers = record.rec_headers
    record_type = record.rec_type
    url = headers.get_header("WARC-Target-URI") or ""
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>").removeprefix("urn:uuid:")
    warc_date = headers.get_header("WARC-Date") or ""
    try:
        fetch_time = parse_time(warc_date)
    except DocumentFieldError:  # seen in real ClueWeb files: "2008-10-294T05:21:46-07:00"
        fetch_time = None
    doc = Document(
        id=record_id or stable_id(source.file, str(source.offset)),
        url=url,
        fetch_time=fetch_time,
        source=source,
        metadata={"warc_type": record_type, "warc_date": warc_date},
    )
    if record_type == "conversion":
        return _text_document(doc, record, max_body_bytes)
    if record_type not in PAGE_RECORD_TYPES:
        return Dropped(doc, Drop(f"record_{record_type}".replace("-", "_")))

    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type")
        doc = doc.with_metadata(http_status=status)
        if status != "200":
            return Dropped(doc, Drop("non_200_status", status))
    else:
        content_type = headers.get_header("Content-Type")
    media_type, declared_charset = split_content_type(content_type)
    doc = doc.with_metadata(content_type=media_type)
    if not is_html(media_type):
        return Dropped(doc, Drop("non_html_content", media_type))

    body = read_up_to(record.content_stream(), max_body_bytes + 1)
    if len(body) > max_body_bytes:
        return Dropped(doc, Drop("body_too_large", f">{max_body_bytes} bytes"))
    if not body.strip():
        return Dropped(doc, Drop("empty_body"))
    if looks_binary(body):
        return Dropped(doc, Drop("binary_body"))
    html, charset, charset_source = decode_body(body, declared_charset)
    return doc.replace(html=html).with_metadata(charset=charset, charset_source=charset_source)


def _text_document(doc: Document, record, max_body_bytes: int) -> ReadResult:
    body = read_up_to(record.content_stream(), max_body_bytes + 1)
    if len(body) > max_body_bytes:
        return Dropped(doc, Drop("body_too_large", f">{max_body_bytes} bytes"))
    text = body.decode("utf-8", errors="replace")
    if not text.strip():
        return Dropped(doc, Drop("empty_body"))
    return doc.replace(text=text).with_metadata(content_type="text/plain")
