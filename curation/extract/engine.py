"""The extraction engines behind the `extract` stage, callable in an isolated worker process.

- `fast` (default): our lexbor extractor (`main_content.py`). When it finds less than
  `fallback_below_chars` of text, the page is one it cannot read (a listing, a forum, an
  unusual template) and trafilatura runs on it instead; trafilatura's own fallbacks (readability,
  jusText) recover text there. On the 990 trafilatura evaluation pages that is 28 pages, 2.8%
  (`benchmarks/extract_eval.py` prints the share).
- `trafilatura`: trafilatura alone (Barbaresi 2021), as FineWeb and datatrove use it.

The result carries the engine that produced the text, so the run's counters say how often the
fallback was needed.
"""

from __future__ import annotations

from typing import Literal

from curation.extract.main_content import extract_main_text
from curation.extract.text_cleanup import clean_text, text_weight
from curation.extract.trafilatura_text import extract_text

Engine = Literal["fast", "trafilatura"]


def extract(
    html: str, url: str, engine: Engine, include_tables: bool, fallback_below_chars: int
) -> tuple[str, str, int]:
    """`(text, engine_used, formulas)` for one page; text is "" when nothing was found."""
    if engine == "fast":
        result = extract_main_text(html, include_tables=include_tables)
        if text_weight(result.text) >= fallback_below_chars:
            return result.text, "fast", result.formulas
        fallback = extract_text(html, url, include_tables, fast=True) or ""
        if len(fallback) > len(result.text):
            return clean_text(fallback), "trafilatura_fallback", result.formulas
        return result.text, "fast", result.formulas
    return clean_text(extract_text(html, url, include_tables) or ""), "trafilatura", 0
