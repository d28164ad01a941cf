"""Write the bundled sample's code and math pages: real documentation pages as WARC responses.

The sample of curation/sample_data/ was all general and multilingual web text, so `make run`
could not show the mix's math and code parts. This adds real pages of both kinds from Debian
documentation packages (`benchmarks/debian_docs.py`; every one PSF-2.0, BSD-3-Clause or MIT /
Apache-2.0, see curation/sample_data/ATTRIBUTION.md), written as WARC `response` records with an
HTTP/1.1 200 header, a `text/html` content type and the page's upstream URL, so they go through
every stage like a crawled page.

Which pages: held-out pages of `benchmarks/page_corpus.py` (never in the students' training
half) whose page structure says code or math, with `MIN_CHARS` to `MAX_CHARS` characters of
extracted text, at most `PER_PACKAGE` per package, in the order of a blake2b hash of the page
key; the classifiers' answers play no part in the choice. The records are deterministic (fixed
WARC-Date, record ids from a hash of the URL, gzip without a timestamp), so a rebuild writes
the same bytes.

    .venv/bin/python -m benchmarks.build_sample [--pages /tmp/classifiers/pages.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import uuid
from collections import Counter
from pathlib import Path

from benchmarks import debian_docs, page_corpus
from curation.sample_data import SAMPLE_DIR

MIN_CHARS = 1_500
MAX_CHARS = 12_000
PER_PACKAGE = {"code": 7, "math_reasoning": 8}
WANTED = {"code": 30, "math_reasoning": 30}
FILES = {"code": "debian-docs-code.warc.gz", "math_reasoning": "debian-docs-math.warc.gz"}
WARC_DATE = "2024-05-01T12:00:00Z"
HTTP_DATE = "Wed, 01 May 2024 12:00:00 GMT"


def chosen_pages(rows: list[dict]) -> dict[str, list[dict]]:
    """The held-out code and math pages the sample takes, by label."""
    ranked = sorted((r for r in rows if r["metadata"]["source"] == "docs"
                     and r["metadata"]["split"] == "heldout"
                     and r["metadata"].get("domain") in WANTED
                     and MIN_CHARS <= len(r["text"]) <= MAX_CHARS),
                    key=lambda r: hashlib.blake2b(r["id"].encode(), digest_size=8).digest())
    chosen: dict[str, list[dict]] = {label: [] for label in WANTED}
    per_package: Counter[tuple[str, str]] = Counter()
    for row in ranked:
        label, package = row["metadata"]["domain"], row["metadata"]["group"]
        if len(chosen[label]) < WANTED[label] and per_package[(label, package)] < PER_PACKAGE[label]:
            chosen[label].append(row)
            per_package[(label, package)] += 1
    return chosen


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [
            ("Date", HTTP_DATE), ("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        record_id = uuid.UUID(bytes=hashlib.blake2b(url.encode(), digest_size=16).digest())
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": WARC_DATE, "WARC-Record-ID": f"<urn:uuid:{record_id}>"})
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())


def page_html(row: dict, cache: Path) -> bytes:
    package, relative = row["id"].removeprefix("docs:").split("/", 1)
    root = debian_docs.unpack(debian_docs.BY_NAME[package], cache) / debian_docs.BY_NAME[package].root
    return (root / relative).read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=page_corpus.DEFAULT_OUTPUT)
    parser.add_argument("--cache", type=Path, default=debian_docs.DEFAULT_CACHE)
    parser.add_argument("--output", type=Path, default=SAMPLE_DIR)
    args = parser.parse_args()
    for label, rows in chosen_pages(page_corpus.load(args.pages)).items():
        pages = [(row["url"], page_html(row, args.cache)) for row in rows]
        write_warc(args.output / FILES[label], pages)
        print(f"{FILES[label]}: {len(pages)} pages, {sum(len(b) for _, b in pages):,} bytes of HTML")
        for row in rows:
            print(f"  {row['metadata']['group']}  {row['url']}  {len(row['text']):,} chars")


if __name__ == "__main__":
    main()
