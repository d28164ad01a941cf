"""benchmarks/corpus.py: same (N, seed) gives the same bytes, and every copy is what truth.json
says it is. Pages and sentences are small stand-ins for the real ones (evaldata), so that the
retexted generations past the pages are exercised in a second. Pages have about 1,000 words, so
the 1% edits of a near copy or recrawl change at least one word (0.99^1000 < 1e-4)."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from benchmarks import corpus

PAGES = [
    (f"https://site{i}.example.org/post/{i}",
     f"<html><head><title>Page {i}</title><script>var x = {i};</script></head><body>"
     f"<p>{f'The quick brown fox number {i} jumps over the lazy dog again. ' * 90}</p>"
     f"<p>Another paragraph with words enough to edit, page {i}.</p></body></html>")
    for i in range(7)
]
SENTENCES = [f"sentence {i} of the stand-in pool has these words".split() for i in range(50)]


@pytest.fixture(autouse=True)
def small_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "_source_pages", lambda: list(PAGES))
    monkeypatch.setattr(corpus, "_sentence_pool", lambda: [list(s) for s in SENTENCES])
    monkeypatch.setattr(corpus, "DOCS_PER_FILE", 10)


def _records(folder: Path) -> dict[str, tuple[str, str, str]]:
    """record id -> (url, date, html) of every response record in the corpus."""
    out = {}
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                headers = record.rec_headers
                record_id = headers.get_header("WARC-Record-ID").strip("<>").split(":")[-1]
                out[record_id] = (headers.get_header("WARC-Target-URI"),
                                  headers.get_header("WARC-Date"),
                                  record.content_stream().read().decode("utf-8"))
    return out


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = corpus.build(60, 3, tmp_path / "a")
    second = corpus.build(60, 3, tmp_path / "b")
    other = corpus.build(60, 4, tmp_path / "c")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert len([n for n in names if n.endswith(".warc.gz")]) == 6
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert gzip.decompress((first / names[0]).read_bytes()) != gzip.decompress(
        (other / names[0]).read_bytes())


def test_copies_are_what_truth_says(tmp_path: Path) -> None:
    folder = corpus.build(100, 0, tmp_path)
    truth = corpus.load_truth(folder)
    records = _records(folder)
    assert len(records) == 100
    assert truth["kinds"] == {"original": 88, "exact_copy": 4, "near_copy": 4, "recrawl": 4}
    originals = set(records) - set(truth["copies"])
    # past the 7 pages, originals are retexted layouts under /g<generation> paths, all distinct
    assert len({records[r][2] for r in originals}) == 88
    assert any("/g1/" in records[r][0] for r in originals)
    for copy_id, copy in truth["copies"].items():
        url, date, html = records[copy_id]
        o_url, o_date, o_html = records[copy["original"]]
        if copy["kind"] == "exact_copy":
            assert html == o_html and url != o_url
        elif copy["kind"] == "near_copy":
            assert html != o_html and len(html.split()) == len(o_html.split()) and url != o_url
        else:
            assert url == o_url and html != o_html
            later = dt.datetime.fromisoformat(date) - dt.datetime.fromisoformat(o_date)
            assert dt.timedelta(days=30) <= later <= dt.timedelta(days=200)
