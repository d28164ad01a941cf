"""A deterministic WARC.gz corpus of N documents built from real pages, with known duplicates.

Sources (../shared/evaldata, or $CURATION_EVALDATA; licenses in its README): the 990 pages of the
trafilatura evaluation set and every HTML 200 response in the evaluation WARCs (loaded by
`benchmarks/real_pages.py`), about 1,100 real pages.

Documents, in the proportions of `SHARES` (a Common Crawl dump has a few percent of each):
- originals: the real pages first, unchanged. When N needs more originals than there are pages,
  a page is reused as a template: its markup, scripts, boilerplate and the number of words in each
  text node stay, and the words of every text node are replaced with real English sentences drawn
  at random from nltk's corpora (the sentence pool of `benchmarks/dedup_scale.py`), under a new
  URL path. So every original is distinct text in a real page layout.
- exact copies: an original's bytes under another host (a mirror);
- near copies: an original with 1% of its words replaced (5-word-shingle Jaccard about 0.9, above
  the 0.8 of `minhash_dedup`), under another host;
- recrawls: an original's URL fetched again 30-200 days later with 1% of its words changed; URL
  dedup must keep the newest fetch (Llama 3 section 3.1.1; C4's `select_newest_page`).

Records are shuffled and written as WARC/1.0 response records with HTTP headers (warcio), 1,000 a
file, into `<root>/docs-<N>-seed-<S>/part-*.warc.gz`, with `truth.json` beside them naming every
copy's original. Record ids, dates and choices come from seeded `random.Random` and blake2b, so the
same (N, seed) gives byte-identical files. Corpora live outside the repository (default /tmp).

Planning keeps ids, URLs and dates only; each record's HTML is rebuilt from its original's index
when its file is written (a copy's source page is retexted again). Holding every page instead
ran out of memory at 200,000 documents (killed at 22 GB); now the peak is about 0.7 GB at any N
(200,000 documents: 5.5 GB gzipped in 27 minutes on the 2-core machine; same bytes as before for
2,000).

    .venv/bin/python -m benchmarks.corpus --docs 2000 20000 [--seed 0] [--root /tmp/curation_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ROOT = Path("/tmp/curation_bench")
DOCS_PER_FILE = 1000
SHARES = {"exact_copy": 0.04, "near_copy": 0.04, "recrawl": 0.04}
NEAR_EDIT_RATE = 0.01
FIRST_FETCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# Markup, comments, and the bodies of script/style (kept as they are); everything between is text.
_MARKUP = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)",
                     re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\s<>&]+")
_PUNCT = ".,;:!?\"')]}"


@dataclass(frozen=True)
class Record:
    """One planned record. Its HTML is not kept: `Sources.html` rebuilds it from `source` (the
    original's index) and `copy` when the record is written, so planning 200,000 documents holds
    ids and dates, not 20 GB of pages."""

    record_id: str
    url: str
    fetch_time: dt.datetime
    kind: str  # original | exact_copy | near_copy | recrawl
    original: str | None = None  # the original's record id, for the three copy kinds
    source: int = 0  # the original's index (its own, for an original)
    copy: int = -1  # the copy's number within its kind; -1 for an original


@dataclass
class Truth:
    docs: int
    seed: int
    kinds: dict[str, int] = field(default_factory=dict)
    copies: dict[str, dict[str, str]] = field(default_factory=dict)  # copy id -> {kind, original}
    files: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"docs": self.docs, "seed": self.seed, "kinds": self.kinds, "files": self.files,
                "copies": self.copies}


def corpus_dir(n: int, seed: int, root: Path = DEFAULT_ROOT) -> Path:
    return root / f"docs-{n}-seed-{seed}"


def _source_pages() -> list[tuple[str, str]]:
    from benchmarks.real_pages import _trafilatura_pages, _warc_pages

    pages = {url.replace(" ", "%20"): html for url, html in _trafilatura_pages() + _warc_pages()
             if html.strip()}
    return sorted(pages.items())


def _sentence_pool() -> list[list[str]]:
    from benchmarks.dedup_scale import MAX_POOL_WORDS, _sentences_by_file

    pool = sorted({s for sentences in _sentences_by_file() for s in sentences
                   if len(s.split()) <= MAX_POOL_WORDS})
    return [s.split() for s in pool]


def _rewrite_text(html: str, replace: Any) -> str:
    """`html` with each text run's words passed through `replace(words) -> words`."""
    parts = _MARKUP.split(html)
    for i in range(0, len(parts), 2):  # even indexes are text between markup
        text = parts[i]
        if not text.strip():
            continue
        words = _WORD.findall(text)
        if not words:
            continue
        new = iter(replace(words))
        parts[i] = _WORD.sub(lambda _m, new=new: next(new), text)
    return "".join(parts)


def retexted(html: str, pool: list[list[str]], rng: random.Random) -> str:
    """The page's layout with every text run refilled by random real sentences, word for word."""
    buffer: list[str] = []

    def refill(words: list[str]) -> list[str]:
        while len(buffer) < len(words):
            buffer.extend(pool[rng.randrange(len(pool))])
        taken = buffer[:len(words)]
        del buffer[:len(words)]
        # Each word keeps the old word's trailing punctuation, so lines end as the page's did.
        return [new.rstrip(_PUNCT) + old[len(old.rstrip(_PUNCT)):]
                for new, old in zip(taken, words, strict=True)]

    return _rewrite_text(html, refill)


def edited(html: str, vocabulary: list[str], rng: random.Random, rate: float = NEAR_EDIT_RATE) -> str:
    """`html` with about `rate` of its text words replaced by random vocabulary words."""
    return _rewrite_text(html, lambda words: [
        vocabulary[rng.randrange(len(vocabulary))] if rng.random() < rate else w for w in words])


def _with_path_prefix(url: str, prefix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{prefix}{parts.path or '/'}", parts.query, ""))


def _with_mirror_host(url: str, mirror: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, f"{mirror}.{parts.hostname or 'example.org'}", parts.path,
                       parts.query, ""))


def _record_id(seed: int, index: int) -> str:
    digest = hashlib.blake2b(f"corpus:{seed}:{index}".encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest))


class Sources:
    """The real pages, in the seed's order, and what turns a planned record back into HTML."""

    def __init__(self, seed: int, order_rng: random.Random) -> None:
        self.seed = seed
        self.pages = _source_pages()
        self.order = list(range(len(self.pages)))
        order_rng.shuffle(self.order)
        self._pool: list[list[str]] = []
        self.vocabulary: list[str] = ["word"]

    def original_url(self, i: int) -> str:
        """The URL of original number `i`: a real page's, under `/g<generation>` past the pages."""
        url = self.pages[self.order[i % len(self.pages)]][0]
        generation = i // len(self.pages)
        return _with_path_prefix(url, f"g{generation}") if generation else url

    def original_html(self, i: int) -> str:
        """The HTML of original number `i`: a real page, or past the pages a retexted layout."""
        html = self.pages[self.order[i % len(self.pages)]][1]
        if i >= len(self.pages):
            if not self._pool:
                self._pool = _sentence_pool()
            html = retexted(html, self._pool, random.Random(f"{self.seed}:retext:{i}"))
        return html

    def copy_rng(self, kind: str, c: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{c}")

    def html(self, record: Record) -> str:
        html = self.original_html(record.source)
        if record.kind in ("near_copy", "recrawl"):
            html = edited(html, self.vocabulary, self.copy_rng(record.kind, record.copy))
        return html


def plan_records(n: int, seed: int) -> tuple[list[Record], Sources]:
    """The N records, shuffled, and the sources that rebuild their HTML; deterministic for
    (n, seed)."""
    rng = random.Random(seed)
    sources = Sources(seed, rng)
    copies = {kind: round(n * share) for kind, share in SHARES.items()}
    originals_n = n - sum(copies.values())
    records: list[Record] = []
    for i in range(originals_n):
        url = sources.original_url(i)
        fetched = FIRST_FETCH + dt.timedelta(seconds=rng.randrange(180 * 86400))
        records.append(Record(_record_id(seed, i), url, fetched, "original", source=i))
    sources.vocabulary = sorted({w for i in range(min(200, originals_n))
                                 for w in _WORD.findall(_MARKUP.sub(" ", sources.original_html(i)))
                                 if w.isalpha()}) or ["word"]
    index = originals_n
    recrawled: set[int] = set()
    for kind, count in copies.items():
        for c in range(count):
            source_i = rng.randrange(originals_n)
            if kind == "recrawl":  # one recrawl per URL, so "newest wins" has one right answer
                while source_i in recrawled and len(recrawled) < originals_n:
                    source_i = rng.randrange(originals_n)
                recrawled.add(source_i)
            source = records[source_i]
            if kind == "exact_copy":
                url, fetched = _with_mirror_host(source.url, f"mirror{c}"), source.fetch_time
            elif kind == "near_copy":
                url, fetched = _with_mirror_host(source.url, f"near{c}"), source.fetch_time
            else:
                # the recrawl's date is drawn after its edits, from the same generator
                copy_rng = sources.copy_rng(kind, c)
                edited(sources.original_html(source_i), sources.vocabulary, copy_rng)
                url = source.url
                fetched = source.fetch_time + dt.timedelta(days=copy_rng.randint(30, 200))
            records.append(Record(_record_id(seed, index), url, fetched, kind, source.record_id,
                                  source=source_i, copy=c))
            index += 1
    rng.shuffle(records)
    return records, sources


def _write_warc(path: Path, records: list[Record], sources: Sources) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for record in records:
            body = sources.html(record).encode("utf-8", errors="replace")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            warc_headers = {
                "WARC-Record-ID": f"<urn:uuid:{record.record_id}>",
                "WARC-Date": record.fetch_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            writer.write_record(writer.create_warc_record(
                record.url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict=warc_headers))


def build(n: int, seed: int = 0, root: Path = DEFAULT_ROOT) -> Path:
    """Write the corpus (unless `truth.json` already says it is complete); returns its folder."""
    folder = corpus_dir(n, seed, root)
    if (folder / "truth.json").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    records, sources = plan_records(n, seed)
    truth = Truth(docs=n, seed=seed)
    for start in range(0, len(records), DOCS_PER_FILE):
        name = f"part-{start // DOCS_PER_FILE:05d}.warc.gz"
        _write_warc(folder / name, records[start:start + DOCS_PER_FILE], sources)
        truth.files.append(name)
    for record in records:
        truth.kinds[record.kind] = truth.kinds.get(record.kind, 0) + 1
        if record.original is not None:
            truth.copies[record.record_id] = {"kind": record.kind, "original": record.original,
                                              "url": record.url}
    (folder / "truth.json").write_text(json.dumps(truth.to_json(), indent=1) + "\n")
    return folder


def load_truth(folder: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((folder / "truth.json").read_text())
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[2000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    args = parser.parse_args()
    for n in args.docs:
        started = time.perf_counter()
        folder = build(n, args.seed, args.root)
        size = sum(p.stat().st_size for p in folder.glob("*.warc.gz")) / 1e6
        print(f"{n} docs -> {folder} ({size:.1f} MB gzipped, {time.perf_counter() - started:.1f} s): "
              f"{load_truth(folder)['kinds']}")


if __name__ == "__main__":
    main()
