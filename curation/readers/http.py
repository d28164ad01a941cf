"""HTTP payload helpers: content type, charset resolution and decoding of response bodies.

The charset order follows the WHATWG encoding sniffing algorithm in simplified form: the HTTP
`Content-Type` charset, then a `<meta charset>` or `<meta http-equiv>` declaration in the first
2 KB, then strict UTF-8, then charset_normalizer's detection. The chosen charset and where it came
from are kept on the document, so a wrong guess can be audited.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]{1,40})""", re.IGNORECASE
)
_SNIFF_BYTES = 2048
_BINARY_PROBE_BYTES = 1024


def split_content_type(header: str | None) -> tuple[str, str | None]:
    """`("text/html", "utf-8")` from `"text/html; charset=UTF-8"`; the media type lowercased."""
    if not header:
        return "", None
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def is_html(media_type: str) -> bool:
    return media_type in HTML_CONTENT_TYPES


def looks_binary(body: bytes) -> bool:
    """NUL bytes in the head of a body mean it is not text in any single-byte or UTF-8 charset.

    UTF-16 and UTF-32 also contain NULs, but no web page is served that way without a BOM, and
    those with a BOM are decoded by their BOM first.
    """
    head = body[:_BINARY_PROBE_BYTES]
    return b"\x00" in head and not _has_bom(head)


def decode_body(body: bytes, declared: str | None) -> tuple[str, str, str]:
    """Decode an HTML body; returns `(text, charset, source)` where source says how it was chosen."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name, "bom"
    for charset, source in ((declared, "http"), (_sniff_meta(body), "meta")):
        codec = _known_codec(charset)
        if codec is not None:
            return body.decode(codec, errors="replace"), codec, source
    try:
        return body.decode("utf-8"), "utf-8", "utf8_strict"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and _known_codec(best.encoding) is not None:
        return body.decode(best.encoding, errors="replace"), best.encoding, "detected"
    return body.decode("utf-8", errors="replace"), "utf-8", "fallback"


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _has_bom(head: bytes) -> bool:
    return any(head.startswith(bom) for bom, _ in _BOMS)


def _sniff_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def _known_codec(name: str | None) -> str | None:
    """The Python codec for a declared charset, or None if Python does not know it.

    Following WHATWG, a declared latin-1/ascii is read as windows-1252, its superset that browsers
    actually use, and a declared UTF-16 (impossible for a page that declared it in ASCII) as UTF-8.
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return "utf-8"
    return codec
