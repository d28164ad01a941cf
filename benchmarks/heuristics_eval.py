"""What the heuristics stage removes from real pages, and the numbers its defaults were set from.

    .venv/bin/python -m benchmarks.heuristics_eval [--cache /tmp/heuristics_pages.jsonl] [--examples 2]

Pages: benchmarks/real_pages.py (1,149 real pages: the 990 trafilatura evaluation pages and the
HTML responses of the evaluation WARCs, extracted with our settings, plus 30 CCNet/Dolma texts),
each with its lid.176 language. Prints:

1. `token_kl`: per language with a bundled reference, the divergence's percentiles over pages of
   at least `min_words` words, the share of pages above each candidate threshold, and snippets of
   pages at several levels (the highest, the configured threshold, the 99th and 50th percentiles).
2. `dirty_words`: the share of pages above each candidate density, and the pages with any hit.
3. The `gopher_repetition` line modifier: lines and documents it changed, with the removed lines.
4. The whole stage with the default config: kept and dropped per reason, per language and in all.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from benchmarks.real_pages import DEFAULT_CACHE, load
from curation.config import HeuristicsConfig
from curation.document import Document
from curation.heuristics.dirty_words import count_dirty_words
from curation.heuristics.gopher_lines import repeated_line
from curation.heuristics.segment import split_words
from curation.heuristics.stage import HeuristicsStage
from curation.heuristics.token_kl import bundled_reference
from curation.stage import Dropped, run_stage

KL_GRID = (2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 9.0)
DENSITY_GRID = (0.0, 0.002, 0.005, 0.01, 0.02, 0.05)


def _snippet(text: str, chars: int = 160) -> str:
    return " ".join(text.split())[:chars]


def kl_report(docs: list[Document], config: HeuristicsConfig, examples: int) -> None:
    print("## token_kl: KL(page || reference) in nats, pages with >= "
          f"{config.token_kl.min_words} words\n")
    scored: dict[str, list[tuple[float, Document]]] = defaultdict(list)
    for doc in docs:
        lang = doc.lang or "en"
        reference = bundled_reference(lang)
        tokens = split_words(doc.text or "", lang)
        if reference is not None and len(tokens) >= config.token_kl.min_words:
            scored[lang].append((reference.kl(tokens), doc))
    print("| lang | pages | p50 | p90 | p95 | p99 | max | threshold | removed |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lang, rows in sorted(scored.items(), key=lambda item: -len(item[1])):
        values = np.array([kl for kl, _ in rows])
        p50, p90, p95, p99, top = np.percentile(values, [50, 90, 95, 99, 100])
        threshold = config.token_kl.thresholds.get(lang)
        removed = "-" if threshold is None else f"{(values > threshold).mean():.1%}"
        print(f"| {lang} | {len(rows)} | {p50:.2f} | {p90:.2f} | {p95:.2f} | {p99:.2f} | {top:.2f} | "
              f"{threshold if threshold is not None else '-'} | {removed} |")
    print("\nShare of pages above each threshold:\n")
    print("| lang | " + " | ".join(f"> {t}" for t in KL_GRID) + " |")
    print("|---|" + "---:|" * len(KL_GRID))
    for lang, rows in sorted(scored.items(), key=lambda item: -len(item[1])):
        values = np.array([kl for kl, _ in rows])
        print(f"| {lang} | " + " | ".join(f"{(values > t).mean():.1%}" for t in KL_GRID) + " |")
    print("\nExamples (KL, words, start of the page):")
    for lang, rows in sorted(scored.items(), key=lambda item: -len(item[1])):
        rows.sort(key=lambda row: row[0])
        values = [kl for kl, _ in rows]
        threshold = config.token_kl.thresholds.get(lang)
        targets = {"max": values[-1], "p99": float(np.percentile(values, 99)),
                   "p50": float(np.percentile(values, 50))}
        if threshold is not None:
            targets["threshold"] = threshold
        print(f"\n{lang}:")
        for label, target in sorted(targets.items(), key=lambda item: -item[1]):
            nearest = sorted(rows, key=lambda row: abs(row[0] - target))[:examples]
            for kl, doc in nearest:
                words = len(split_words(doc.text or "", lang))
                print(f"  [{label} {target:.2f}] {kl:.2f} {words}w  {_snippet(doc.text or '')}")


def dirty_report(docs: list[Document], config: HeuristicsConfig) -> None:
    print("\n## dirty_words: LDNOOBW hits per word (per non-space character in zh/ja/ko/th)\n")
    densities: list[tuple[float, int, Document]] = []
    for doc in docs:
        measured = count_dirty_words(doc.text or "", doc.lang or "en")
        if measured is not None:
            densities.append((measured[1], measured[0], doc))
    values = np.array([d for d, _, _ in densities])
    print(f"{len(values)} pages with a list; {int((values > 0).sum())} with at least one hit.\n")
    print("| density > | " + " | ".join(str(t) for t in DENSITY_GRID) + " |")
    print("|---|" + "---:|" * len(DENSITY_GRID))
    print("| pages removed | " + " | ".join(f"{(values > t).mean():.1%}" for t in DENSITY_GRID) + " |")
    print(f"\nConfigured: max_density {config.dirty_words.max_density}, max_count "
          f"{config.dirty_words.max_count}. Pages with hits, densest first:")
    for density, count, doc in sorted(densities, key=lambda row: -row[0])[:12]:
        if count:
            print(f"  {density:.4f} {count} hit(s) [{doc.lang}] {doc.url[:70]}")


def line_report(docs: list[Document], config: HeuristicsConfig) -> None:
    rules = config.gopher_repetition
    print(f"\n## gopher_repetition per line (lines of >= {rules.line_min_words} words)\n")
    judged = removed = 0
    changed: list[tuple[Document, str]] = []
    for doc in docs:
        lang = doc.lang or "en"
        for line in (doc.text or "").split("\n"):
            tokens = split_words(line, lang)
            if len(tokens) < rules.line_min_words:
                continue
            judged += 1
            if repeated_line(tokens, line.strip(), rules.for_language(lang).line_dup_ngram_char_frac,
                             rules.line_min_words):
                removed += 1
                changed.append((doc, line))
    pages = len({doc.id for doc, _ in changed})
    print(f"{judged} lines judged, {removed} removed ({removed / max(judged, 1):.2%}), "
          f"in {pages} of {len(docs)} pages. Removed lines:")
    for doc, line in changed[:20]:
        print(f"  [{doc.lang}] {_snippet(line, 150)}")


def stage_report(docs: list[Document], config: HeuristicsConfig) -> None:
    print("\n## The whole stage, default config: share of pages per outcome\n")
    stage = HeuristicsStage(config)
    for doc in docs:  # warm up: segmenters and references load on first use
        run_stage(stage, doc)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    seconds: Counter[str] = Counter()
    for doc in docs:
        start = time.perf_counter()
        result = run_stage(stage, doc)
        seconds[doc.lang or "?"] += time.perf_counter() - start
        key = (f"dropped.{result.drop.reason}" if isinstance(result, Dropped)
               else "kept" if isinstance(result, Document) else f"error.{result.error_type}")
        outcomes[doc.lang or "?"][key] += 1
        outcomes["all"][key] += 1
    languages = ["all"] + [lang for lang, _ in Counter(
        {lang: sum(c.values()) for lang, c in outcomes.items() if lang != "all"}).most_common(6)]
    reasons = sorted(outcomes["all"], key=lambda reason: -outcomes["all"][reason])
    print("| outcome | " + " | ".join(f"{lang} ({sum(outcomes[lang].values())})" for lang in languages)
          + " |")
    print("|---|" + "---:|" * len(languages))
    for reason in reasons:
        cells = []
        for lang in languages:
            total = sum(outcomes[lang].values())
            cells.append(f"{outcomes[lang][reason] / total:.1%}" if outcomes[lang][reason] else "")
        print(f"| {reason} | " + " | ".join(cells) + " |")
    print("\nSpeed per language (one pass after a warm-up pass, this process):\n")
    print("| lang | pages | characters per page | pages/s |")
    print("|---|---:|---:|---:|")
    for lang in [*languages[1:], "zh"]:
        pages = [d for d in docs if d.lang == lang]
        if pages and seconds[lang]:
            chars = sum(len(d.text or "") for d in pages) / len(pages)
            print(f"| {lang} | {len(pages)} | {chars:,.0f} | {len(pages) / seconds[lang]:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--examples", type=int, default=2, help="snippets per KL level")
    args = parser.parse_args()
    docs = load(args.cache)
    config = HeuristicsConfig()
    print(f"{len(docs)} real pages; languages: "
          + ", ".join(f"{lang} {n}" for lang, n in Counter(d.lang for d in docs).most_common(8)) + "\n")
    kl_report(docs, config, args.examples)
    dirty_report(docs, config)
    line_report(docs, config)
    stage_report(docs, config)


if __name__ == "__main__":
    main()
