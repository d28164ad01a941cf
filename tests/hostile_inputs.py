"""Hostile crawl inputs, generated deterministically at test time so the repository stays small.

The list follows issue 11: broken gzip members, WARC headers that lie about lengths, chunked and
empty bodies, binary files served as text/html (PDF, PNG, ZIP), UTF-16 without a byte order mark,
mixed encodings in one page, 10,000-deep nesting, a 100 MB page, and 1 MB runs of digits, dots
and at-signs aimed at the PII patterns, line dedup and the n-gram code. The record layout is WARC
1.1 (section 5, named fields; Content-Length counts the block) with an HTTP/1.1 response block.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

PAGE = (b"<html><head><title>A page</title></head><body><article><h1>Heading</h1>"
        + b"<p>This is a real paragraph of English prose about rivers and the towns that grow "
          b"along them, written to be long enough to count as main content.</p>" * 8
        + b"</article></body></html>")


def http_block(body: bytes, content_type: str = "text/html; charset=utf-8",
               extra_headers: tuple[str, ...] = ()) -> bytes:
    headers = ["HTTP/1.1 200 OK", f"Content-Type: {content_type}", *extra_headers]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + body


def warc_record(block: bytes, uri: str = "https://example.org/page", record_id: str = "1",
                content_length: int | None = None) -> bytes:
    """One WARC response record; `content_length` can lie about the block's length."""
    length = len(block) if content_length is None else content_length
    header = (
        "WARC/1.1\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2024-04-25T16:24:47Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{int(record_id):012d}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode("ascii")
    return header + block + b"\r\n\r\n"


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def chunked(body: bytes, size: int = 100) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def pdf_bytes() -> bytes:
    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hello PDF) Tj ET" * 50)
    return (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n%%EOF\n")


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes([x % 256, 0, 0]) * 16 for x in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("index.html", (2024, 1, 1, 0, 0, 0)), PAGE)
    return buffer.getvalue()


def mixed_encodings() -> bytes:
    """UTF-8 text with windows-1252 bytes spliced in, and no declared charset."""
    return (b"<html><body><p>" + "café déjà vu, naïve coöperation ".encode() * 20
            + "Grüße aus Köln, ça va très bien ".encode("cp1252") * 20
            + "日本語のテキスト ".encode() * 20 + b"</p></body></html>")


def warc_cases() -> dict[str, bytes]:
    """Name -> the bytes of a `.warc.gz` file (each record its own gzip member, as in CC)."""
    good = warc_record(http_block(PAGE))
    good_gz = gz(good)
    second = gz(warc_record(http_block(PAGE), uri="https://example.org/second", record_id="2"))
    return {
        "truncated_gzip": good_gz[: len(good_gz) // 2],
        "concatenated_gzip": good_gz + second,
        "one_member_two_records": gz(good + warc_record(http_block(PAGE), record_id="2")),
        "garbage_after_gzip": good_gz + b"\x00garbage that is not gzip" * 4,
        "content_length_too_long": gz(warc_record(http_block(PAGE), content_length=len(PAGE) * 3)),
        "content_length_too_short": gz(warc_record(http_block(PAGE), content_length=40)),
        "chunked_body": gz(warc_record(http_block(chunked(PAGE), extra_headers=(
            "Transfer-Encoding: chunked",)))),
        "empty_body": gz(warc_record(http_block(b""))),
        "pdf_as_html": gz(warc_record(http_block(pdf_bytes()))),
        "pdf_declared": gz(warc_record(http_block(pdf_bytes(), "application/pdf"))),
        "png_as_html": gz(warc_record(http_block(png_bytes()))),
        "zip_as_html": gz(warc_record(http_block(zip_bytes()))),
        "utf16_without_bom": gz(warc_record(http_block(PAGE.decode().encode("utf-16-le"),
                                                       "text/html"))),
        "utf16_with_bom": gz(warc_record(http_block(b"\xff\xfe" + PAGE.decode().encode(
            "utf-16-le"), "text/html"))),
        "mixed_encodings": gz(warc_record(http_block(mixed_encodings(), "text/html"))),
    }


def write_huge_page_warc(path: Path, body_bytes: int, chunk: int = 1 << 20) -> None:
    """An uncompressed WARC holding one response whose HTML body is `body_bytes` long, written
    in `chunk`-sized pieces so that generating it never holds the page in memory."""
    piece = (b"<p>" + b"word " * 40 + b"</p>\n") * (chunk // 206 + 1)
    piece = piece[:chunk]
    head = http_block(b"", "text/html; charset=utf-8")
    block_length = len(head) + body_bytes
    with path.open("wb") as out:
        out.write(warc_record(b"", content_length=block_length)[:-4])
        out.write(head)
        written = 0
        while written < body_bytes:
            part = piece[: body_bytes - written]
            out.write(part)
            written += len(part)
        out.write(b"\r\n\r\n")


def deep_nesting(depth: int = 10_000) -> str:
    return "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"


def runs(size: int = 1 << 20) -> Iterator[tuple[str, str]]:
    """1 MB runs aimed at the regular expressions and the n-gram code."""
    yield "digits_run", "7" * size
    yield "dots_run", "." * size
    yield "at_signs_run", "@" * size
    yield "digits_and_dots", "1." * (size // 2)
    yield "email_like_run", ("a@" * (size // 2))
    yield "phone_like_run", ("(555) 01" * (size // 8))
    yield "one_line_per_char", "x\n" * (size // 2)
