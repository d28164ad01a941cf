"""Extraction quality and speed on trafilatura's evaluation set, one table, one process, one core.

Data: ../shared/evaldata/trafilatura_eval (990 real pages; per page up to 6 snippets that must
appear in the text and up to 6 that must not). Scoring follows that set's `eval_common.py`:
whitespace-normalised substring hits; precision = with-hits / (with-hits + without-hits),
recall = with-hits / all with-snippets.

Extractors, all given the raw bytes of each page (each decodes them itself; ours with the same
charset sniffing the WARC reader uses):
- `ours` (`engine: fast`): our lexbor extractor, trafilatura (fast) on pages where it finds under
  `fallback_below_chars` (config default) characters; `ours_no_fallback` is the lexbor extractor alone.
- trafilatura 2.3.1 `extract` default, `favor_precision=True` and `fast=True`, with the
  evaluation set's canonical options (no comments, tables kept).
- resiliparse `extract_plain_text(main_content=True)`.

Speed is CPU time per document (`time.process_time`), with the extractors interleaved page by
page so that load from other processes falls on all of them alike.

    .venv/bin/python -m benchmarks.extract_eval [--pages N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from curation.config import ExtractConfig
from curation.extract.engine import extract
from curation.extract.main_content import extract_main_text
from curation.readers.http import decode_body
from tests.conftest import evaldata_path

_OPTIONS = {"include_comments": False, "include_tables": True, "include_formatting": False}


def extractors(fallback_below: int, engines_used: list[str]
               ) -> dict[str, Callable[[bytes], str | None]]:
    """The contenders; `ours` appends the engine that produced each page's text to `engines_used`."""

    def ours(raw: bytes) -> str:
        text, engine, _ = extract(decode_body(raw, None)[0], "", "fast", True, fallback_below)
        engines_used.append(engine)
        return text

    return {
        "ours": ours,
        "ours_no_fallback": lambda raw: extract_main_text(decode_body(raw, None)[0]).text,
        "trafilatura_default": lambda raw: trafilatura.extract(raw, **_OPTIONS),
        "trafilatura_precision": lambda raw: trafilatura.extract(raw, favor_precision=True, **_OPTIONS),
        "trafilatura_fast": lambda raw: trafilatura.extract(raw, fast=True, **_OPTIONS),
        "resiliparse": lambda raw: extract_plain_text(
            bytes_to_str(raw, detect_encoding(raw)), main_content=True
        ),
    }


@dataclass
class Score:
    hits: int = 0
    false_hits: int = 0
    misses: int = 0
    seconds: float = 0.0
    errors: int = 0
    pages: int = 0
    failures: list[str] = field(default_factory=list)

    def row(self, name: str, baseline_seconds: float) -> str:
        precision = self.hits / max(1, self.hits + self.false_hits)
        recall = self.hits / max(1, self.hits + self.misses)
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        rate = self.pages / max(1e-9, self.seconds)
        speedup = baseline_seconds / max(1e-9, self.seconds)
        return (f"| {name} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {rate:.1f} | "
                f"{speedup:.2f}x | {self.errors} |")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_pages(limit: int | None) -> list[tuple[str, dict, bytes]]:
    folder = evaldata_path("trafilatura_eval")
    truth = json.loads((folder / "evaldata.json").read_text())
    pages = []
    for url, entry in sorted(truth.items())[:limit]:
        path = folder / "html" / f"{entry['file']}.gz"
        raw = gzip.decompress(path.read_bytes()) if path.exists() else Path(
            folder / "html" / entry["file"]).read_bytes()
        pages.append((url, entry, raw))
    return pages


def evaluate(pages: list[tuple[str, dict, bytes]],
             contenders: dict[str, Callable[[bytes], str | None]]) -> dict[str, Score]:
    scores = {name: Score() for name in contenders}
    for _, entry, raw in pages:
        for name, extractor in contenders.items():
            score = scores[name]
            started = time.process_time()
            try:
                text = extractor(raw) or ""
            except Exception:
                text = ""
                score.errors += 1
            score.seconds += time.process_time() - started
            score.pages += 1
            found = _norm(text)
            hits = sum(_norm(s) in found for s in entry["with"]) if found else 0
            score.hits += hits
            score.misses += len(entry["with"]) - hits
            score.false_hits += sum(_norm(s) in found for s in entry["without"]) if found else 0
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=None, help="first N pages (default: all)")
    parser.add_argument("--fallback-below", type=int,
                        default=ExtractConfig().fallback_below_chars,
                        help="ours: trafilatura below this many characters (the config default)")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    engines_used: list[str] = []
    scores = evaluate(pages, extractors(args.fallback_below, engines_used))
    baseline = scores["trafilatura_default"].seconds
    print(f"{len(pages)} pages of trafilatura_eval; speed is CPU time on one core")
    print("| extractor | precision | recall | F1 | docs/s | vs trafilatura default | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, score in scores.items():
        print(score.row(name, baseline))
    fallback = engines_used.count("trafilatura_fallback")
    used = len(engines_used)
    print(f"ours (fallback below {args.fallback_below} chars): trafilatura fallback on "
          f"{fallback} of {used} pages ({fallback / max(1, used):.1%})")


if __name__ == "__main__":
    main()
