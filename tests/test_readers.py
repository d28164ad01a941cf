import gzip
import io
import json
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from curation.document import ARROW_SCHEMA, Document, to_row
from curation.readers import Dropped, ReadError, detect_format, read_path
from curation.readers.http import decode_body, looks_binary, split_content_type
from curation.sample_data import SAMPLE_DIR

NON_PAGE_TYPES = ("warcinfo", "request", "metadata", "revisit")


def outcome_counts(results):
    counts = Counter()
    for result in results:
        if isinstance(result, Document):
            counts["kept"] += 1
        elif isinstance(result, Dropped):
            counts[result.drop.reason] += 1
        else:
            counts[f"error:{result.error_type}"] += 1
    return counts


def test_every_evaldata_warc_matches_its_record_counts(warc_dir):
    expected_files = json.loads((warc_dir / "record_counts.json").read_text())
    assert len(expected_files) == 14
    for expected in expected_files:
        counts = outcome_counts(read_path(str(warc_dir / expected["file"])))
        types = expected["record_types"]
        assert sum(counts.values()) == sum(types.values()), expected["file"]
        assert counts["kept"] == expected["html_200_responses"], expected["file"]
        for record_type in NON_PAGE_TYPES:
            assert counts[f"record_{record_type}"] == types.get(record_type, 0), expected["file"]
        assert not [k for k in counts if k.startswith("error:")], (expected["file"], counts)


def test_warc_documents_carry_provenance_and_decoded_html(warc_dir):
    docs = [r for r in read_path(str(warc_dir / "warcio" / "example.warc.gz"))
            if isinstance(r, Document)]
    (doc,) = docs
    assert doc.url == "http://example.com/"
    assert doc.fetch_time is not None and doc.fetch_time.year == 2017
    assert doc.source.file.endswith("example.warc.gz") and doc.source.offset > 0
    assert "<title>Example Domain</title>" in doc.html
    assert doc.metadata["http_status"] == "200" and doc.metadata["charset"] == "utf-8"


def test_chunked_http_bodies_are_dechunked(warc_dir):
    (doc,) = [r for r in read_path(str(warc_dir / "warcio" / "example-iana.org-chunked.warc"))
              if isinstance(r, Document)]
    assert doc.html.lstrip().lower().startswith("<!doctype html")


def test_arc_files_are_read(warc_dir):
    assert outcome_counts(read_path(str(warc_dir / "warcio" / "example.arc.gz")))["kept"] == 1


def test_wet_conversion_records_become_text_documents(warc_dir):
    path = warc_dir / "whirlwind_python" / "whirlwind.warc.wet.gz"
    (doc,) = [r for r in read_path(str(path)) if isinstance(r, Document)]
    assert doc.html is None and "Escopete" in doc.text


def test_truncated_gzip_keeps_what_was_read_and_ends_in_an_error(tmp_path):
    data = (SAMPLE_DIR / "dolma-sample-0000.warc.gz").read_bytes()
    path = tmp_path / "truncated.warc.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    results = list(read_path(str(path)))
    assert isinstance(results[-1], ReadError)
    assert results[-1].offset > 0
    assert 5 < outcome_counts(results)["kept"] < 22


def test_a_missing_file_is_a_read_error(tmp_path):
    (result,) = read_path(str(tmp_path / "absent.warc.gz"))
    assert isinstance(result, ReadError) and result.error_type == "FileNotFoundError"


ROWS = [
    {"url": "https://a.org/1", "html": "<p>one</p>"},
    {"url": "https://a.org/2", "text": "two", "fetch_time": "2024-01-01T00:00:00Z"},
]


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("docs.jsonl", lambda b: b),
        ("docs.jsonl.gz", gzip.compress),
        ("docs.jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_jsonl_plain_and_compressed(tmp_path, name, compress):
    body = "".join(json.dumps(r) + "\n" for r in ROWS) + "{broken\n"
    path = tmp_path / name
    path.write_bytes(compress(body.encode()))
    results = list(read_path(str(path)))
    assert [r.url for r in results if isinstance(r, Document)] == ["https://a.org/1", "https://a.org/2"]
    assert [(r.offset, r.error_type) for r in results if isinstance(r, ReadError)] == [
        (2, "JSONDecodeError")]
    assert results[0].source.offset == 0 and results[1].source.offset == 1


def test_parquet_rows_in_our_schema_are_read(tmp_path):
    rows = [to_row(Document(id=f"d{i}", url=f"https://a.org/{i}", text=f"t{i}")) for i in range(3)]
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=ARROW_SCHEMA), path)
    docs = list(read_path(str(path)))
    assert [d.id for d in docs] == ["d0", "d1", "d2"]
    assert docs[2].source.offset == 2


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a.warc.gz", "warc"), ("x/CC-MAIN-1.warc.wet.gz", "wet"), ("a.arc.gz", "arc"),
     ("a.warc.wat.gz", "wat"), ("gs://b/a.jsonl.zst", "jsonl"), ("s3://b/p.parquet", "parquet")],
)
def test_format_detection(path, fmt):
    assert detect_format(path) == fmt


def test_unknown_format_is_refused_with_the_known_suffixes():
    with pytest.raises(ValueError, match="known suffixes"):
        detect_format("notes.txt")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("text/html; charset=UTF-8", ("text/html", "utf-8")), ("TEXT/HTML", ("text/html", None)),
     ('text/html; charset="iso-8859-1"', ("text/html", "iso-8859-1")), (None, ("", None))],
)
def test_content_type_parsing(header, expected):
    assert split_content_type(header) == expected


@pytest.mark.parametrize(
    ("body", "declared", "text", "source"),
    [
        ("<p>Grüße</p>".encode(), "utf-8", "<p>Grüße</p>", "http"),
        ('<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251"), None,
         '<meta charset="windows-1251"><p>Привет</p>', "meta"),
        ("<p>café</p>".encode("latin-1"), "iso-8859-1", "<p>café</p>", "http"),
        (b"<p>plain</p>", None, "<p>plain</p>", "utf8_strict"),
        ("\ufeff<p>bom</p>".encode("utf-16-le"), None, "<p>bom</p>", "bom"),
        ("<p>Grüße</p>".encode(), "no-such-charset", "<p>Grüße</p>", "utf8_strict"),
    ],
)
def test_charset_resolution(body, declared, text, source):
    decoded, _, how = decode_body(body, declared)
    assert (decoded, how) == (text, source)


def test_binary_bodies_are_recognised():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary("<p>text</p>".encode("utf-16"))
    assert not looks_binary(io.BytesIO(b"<html></html>").read())


def test_non_local_filesystems_go_through_fsspec():
    import fsspec

    from pipelines.read import expand_pattern

    fs = fsspec.filesystem("memory")
    fs.pipe("/crawl/a.warc.gz", (SAMPLE_DIR / "warcio-example.warc.gz").read_bytes())
    fs.pipe("/crawl/notes.txt", b"not a crawl")
    assert expand_pattern("memory://crawl") == ["memory:///crawl/a.warc.gz"]
    assert expand_pattern("memory://crawl/*.warc.gz") == ["memory:///crawl/a.warc.gz"]
    (doc,) = [r for r in read_path("memory:///crawl/a.warc.gz") if isinstance(r, Document)]
    assert doc.url == "http://example.com/" and doc.source.file == "memory:///crawl/a.warc.gz"


@pytest.mark.parametrize(
    ("name", "data"),
    [("garbage.warc.gz", b"\x1f\x8b\x08\x00not really gzip" * 10),
     ("text.warc", b"hello world this is not a warc\n" * 5)],
)
def test_files_that_are_not_warc_are_one_error_not_odd_records(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (result,) = read_path(str(tmp_path / name))
    assert isinstance(result, ReadError) and result.error_type == "NotAnArchiveRecord"
