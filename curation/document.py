"""The `Document` record that every stage reads and writes, and its Arrow schema.

Fields follow the shape of datatrove's `Document` (text, id, metadata) widened with the crawl
provenance the Llama 3 recipe needs: the URL and fetch time drive URL dedup (newest fetch kept), the
source file and byte offset make every drop and error traceable back to the WARC record.

`scores` and `metadata` are open maps. In Arrow they are stored as `list<struct<key, value>>`
sorted by key rather than as `map<>`, because Hugging Face `datasets` cannot load Arrow map
columns (measured with datasets 5.2.0: "Arrow type map<...> does not have a datasets dtype
equivalent").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

UTC = dt.UTC


@dataclasses.dataclass(frozen=True)
class Source:
    """Where a document came from: the input file and the byte offset of its record (or row)."""

    file: str
    offset: int


@dataclasses.dataclass(frozen=True)
class Document:
    """One web page on its way through the pipeline.

    `html` is set by readers of raw crawls and cleared by extraction; `text` is set by extraction
    (or directly by WET, JSONL and Parquet readers that carry text).
    """

    id: str
    url: str
    fetch_time: dt.datetime | None = None
    source: Source | None = None
    html: str | None = None
    text: str | None = None
    lang: str | None = None
    lang_score: float | None = None
    scores: Mapping[str, float] = dataclasses.field(default_factory=dict)
    metadata: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def replace(self, **changes: Any) -> Document:
        """A copy with `changes` applied; documents are immutable so stages cannot alias state."""
        return dataclasses.replace(self, **changes)

    def with_metadata(self, **items: str) -> Document:
        return self.replace(metadata={**self.metadata, **items})

    def with_scores(self, **items: float) -> Document:
        return self.replace(scores={**self.scores, **items})


def stable_id(*parts: str) -> str:
    """A 16-byte hex id from `parts`, stable across processes and machines (unlike `hash()`)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _key_value(value_type: pa.DataType) -> pa.DataType:
    return pa.list_(pa.struct([("key", pa.string()), ("value", value_type)]))


ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("url", pa.string()),
        ("fetch_time", pa.timestamp("us", tz="UTC")),
        ("source", pa.struct([("file", pa.string()), ("offset", pa.int64())])),
        ("html", pa.string()),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("lang_score", pa.float64()),
        ("scores", _key_value(pa.float64())),
        ("metadata", _key_value(pa.string())),
    ]
)
FIELD_NAMES = tuple(ARROW_SCHEMA.names)


def to_row(doc: Document) -> dict[str, Any]:
    """The Arrow/Parquet row of `doc`, with maps as key-sorted key/value lists."""
    return {
        "id": doc.id,
        "url": doc.url,
        "fetch_time": doc.fetch_time,
        "source": None if doc.source is None else dataclasses.asdict(doc.source),
        "html": doc.html,
        "text": doc.text,
        "lang": doc.lang,
        "lang_score": doc.lang_score,
        "scores": [{"key": k, "value": float(doc.scores[k])} for k in sorted(doc.scores)],
        "metadata": [{"key": k, "value": str(doc.metadata[k])} for k in sorted(doc.metadata)],
    }


def to_json_dict(doc: Document) -> dict[str, Any]:
    """A JSON-ready dict of `doc` (maps stay maps, the time is ISO 8601 in UTC)."""
    return {
        "id": doc.id,
        "url": doc.url,
        "fetch_time": None if doc.fetch_time is None else format_time(doc.fetch_time),
        "source": None if doc.source is None else dataclasses.asdict(doc.source),
        "html": doc.html,
        "text": doc.text,
        "lang": doc.lang,
        "lang_score": doc.lang_score,
        "scores": dict(sorted(doc.scores.items())),
        "metadata": dict(sorted(doc.metadata.items())),
    }


class DocumentFieldError(ValueError):
    """A row that cannot become a Document: the message names the field and the problem."""


def from_dict(
    row: Mapping[str, Any],
    *,
    default_id: str | None = None,
    source_file: str | None = None,
    source_offset: int = 0,
) -> Document:
    """A Document from a JSON or Arrow row; unknown fields go to `metadata`.

    Accepts our JSON form (maps as dicts, ISO times), our Arrow form (key/value lists, datetimes)
    and Dolma's document format (`id` holding the URL, `created` as the crawl time, `source` as a
    name). `id` falls back to `default_id`, then to a hash of the URL and text.
    `source_file`/`source_offset` fill `source` when the row has none.
    """
    metadata = _as_map(row.get("metadata"), "metadata", _metadata_value)
    url = _url_of(row, metadata)
    source = row.get("source")
    extra = {k: _metadata_value(v) for k, v in row.items() if k not in FIELD_NAMES and v is not None}
    if isinstance(source, str):
        extra["source_name"], source = source, None
    doc_id = row.get("id") or default_id or stable_id(url, str(row.get("text") or ""))
    return Document(
        id=str(doc_id),
        url=url,
        fetch_time=parse_time(row.get("fetch_time") or row.get("created")),
        source=(
            Source(str(source["file"]), int(source["offset"])) if source
            else None if source_file is None else Source(source_file, source_offset)
        ),
        html=_optional_str(row, "html"),
        text=_optional_str(row, "text"),
        lang=_optional_str(row, "lang"),
        lang_score=None if row.get("lang_score") is None else float(row["lang_score"]),
        scores=_as_map(row.get("scores"), "scores", float),
        metadata={**metadata, **extra},
    )


def _url_of(row: Mapping[str, Any], metadata: Mapping[str, str]) -> str:
    for candidate in (row.get("url"), metadata.get("url"), row.get("id")):
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate
    url = row.get("url")
    if isinstance(url, str) and url:
        return url
    raise DocumentFieldError("field 'url' must be a non-empty string (or 'id' must be a URL)")


def _metadata_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _optional_str(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None or isinstance(value, str):
        return value
    raise DocumentFieldError(f"field '{name}' must be a string or null, got {type(value).__name__}")


def _as_map(value: Any, name: str, cast: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k): cast(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(item["key"]): cast(item["value"]) for item in value}
    raise DocumentFieldError(f"field '{name}' must be an object, got {type(value).__name__}")


def format_time(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> dt.datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601 string, a datetime, or None.

    Naive values are taken as UTC, which is what WARC-Date and Common Crawl use.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DocumentFieldError(f"field 'fetch_time' is not ISO 8601: {value!r}") from exc
    else:
        raise DocumentFieldError(f"field 'fetch_time' must be a string, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
