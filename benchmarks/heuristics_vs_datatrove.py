"""Our heuristics beside datatrove's Gopher, C4 and FineWeb filters on the same real pages:
decisions (parity) and speed, measured in one process, interleaved, on one core.

datatrove is an optional, benchmark-only peer. It runs in its own venv, with this checkout on the
path (the stage needs only pydantic, pyyaml, pyarrow and the segmenters):

    .venv/bin/python -m benchmarks.real_pages            # extract the pages once (main venv)
    python3.11 -m venv /tmp/dtvenv
    /tmp/dtvenv/bin/pip install datatrove==0.10.1 spacy==3.8.18 nltk==3.10.4 pydantic==2.14.3 \\
        pyyaml==6.0.3 pyarrow==25.0.1 pythainlp==5.4.0 jieba==0.42.1 sudachipy==0.7.0 \\
        sudachidict-small==20261015
    PYTHONPATH=. taskset -c 0 /tmp/dtvenv/bin/python -m benchmarks.heuristics_vs_datatrove --repeats 5

Parity: each rule set alone, on English pages, both with the papers' thresholds (datatrove's C4
filter is given C4's own 5 words per line and 3 sentences; its defaults swap them). A page is
"dropped" or "kept" by each side; the table counts agreement and prints every disagreement with
both reasons. Our line modifier is off here, so both sides judge the same text.

Speed: the whole chain on every page in a language both sides split on spaces (en, de, es, fr,
pt, it, pl, nl): datatrove's GopherRepetition -> GopherQuality -> C4Quality -> FineWebQuality (the
FineWeb order; GopherQuality given our per-language stop words, since its English default
would stop every German page early), each page stopping at the first drop, against our
HeuristicsStage with its defaults (dirty words, line modifier, KL included; C4 off) and with C4
on. Each round times every contender once, in turn; the table gives the median of the rounds.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.real_pages import DEFAULT_CACHE
from curation.config import GOPHER_STOP_WORDS, C4Config, GopherRepetitionConfig, HeuristicsConfig
from curation.document import Document, from_dict
from curation.heuristics.c4 import c4_clean
from curation.heuristics.fineweb import fineweb_quality
from curation.heuristics.gopher import gopher_quality, gopher_repetition
from curation.heuristics.stage import HeuristicsStage
from curation.heuristics.text_stats import words
from curation.stage import Drop

SPACED = ("en", "de", "es", "fr", "pt", "it", "pl", "nl")


def _load(cache: Path) -> list[Document]:
    import json

    if not cache.is_file():
        raise SystemExit(f"{cache} missing: run `.venv/bin/python -m benchmarks.real_pages` first")
    return [from_dict(json.loads(line)) for line in cache.read_text(encoding="utf-8").splitlines()]


def _datatrove_filters(language: str) -> dict[str, object]:
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    return {
        "gopher_repetition": GopherRepetitionFilter(language=language),
        "gopher_quality": GopherQualityFilter(
            language=language, stop_words=list(GOPHER_STOP_WORDS.get(language, GOPHER_STOP_WORDS["en"]))),
        "c4": C4QualityFilter(min_words_per_line=5, min_num_sentences=3, language=language),
        "fineweb": FineWebQualityFilter(language=language),
    }


def _dt_decide(flt: object, doc: Document) -> str | None:
    from datatrove.data import Document as DtDocument

    result = flt.filter(DtDocument(text=doc.text or "", id=doc.id))  # type: ignore[attr-defined]
    if result is True:
        return None
    return result[1] if isinstance(result, tuple) else "dropped"


def _ours() -> dict[str, Callable[[Document], str | None]]:
    config = HeuristicsConfig()

    def reason(outcome: object) -> str | None:
        return outcome.reason if isinstance(outcome, Drop) else None

    return {
        "gopher_repetition": lambda d: reason(gopher_repetition(d.text or "", GopherRepetitionConfig())),
        "gopher_quality": lambda d: reason(gopher_quality(d.text or "", config.gopher_quality)),
        "c4": lambda d: reason(c4_clean(d, C4Config(enabled=True))),
        "fineweb": lambda d: reason(fineweb_quality(d.text or "", config.fineweb, words(d.text or ""))),
    }


def parity(docs: list[Document], show: int) -> None:
    english = [d for d in docs if d.lang == "en" and (d.text or "").strip()]
    print(f"## Decisions on {len(english)} English pages, each rule set alone\n")
    print("| rule set | both keep | both drop | only datatrove drops | only we drop | agreement |")
    print("|---|---:|---:|---:|---:|---:|")
    theirs = _datatrove_filters("en")
    ours = _ours()
    disagreements: dict[str, list[tuple[str | None, str | None, Document]]] = {}
    for name, ours_decide in ours.items():
        counts: Counter[str] = Counter()
        for doc in english:
            mine, dts = ours_decide(doc), _dt_decide(theirs[name], doc)
            key = ("both_drop" if mine and dts else "both_keep" if not mine and not dts
                   else "only_ours" if mine else "only_dt")
            counts[key] += 1
            if key in ("only_ours", "only_dt"):
                disagreements.setdefault(name, []).append((mine, dts, doc))
        agree = (counts["both_keep"] + counts["both_drop"]) / len(english)
        print(f"| {name} | {counts['both_keep']} | {counts['both_drop']} | {counts['only_dt']} | "
              f"{counts['only_ours']} | {agree:.1%} |")
    for name, rows in disagreements.items():
        pairs = Counter((mine or "-", dts or "-") for mine, dts, _ in rows)
        print(f"\n{name}: disagreements by (our reason, datatrove's reason): "
              + ", ".join(f"{a} / {b}: {n}" for (a, b), n in pairs.most_common()))
        for mine, dts, doc in rows[:show]:
            head = " ".join((doc.text or "").split())[:120]
            print(f"  ours={mine or 'keep'} datatrove={dts or 'keep'}  {head}")


def speed(docs: list[Document], repeats: int) -> None:
    pages = [d for d in docs if d.lang in SPACED and (d.text or "").strip()]
    chars = sum(len(d.text or "") for d in pages)
    print(f"\n## Speed: {len(pages)} pages ({chars / len(pages):,.0f} characters on average), "
          f"languages {', '.join(SPACED)}; median of {repeats} interleaved rounds, one process\n")
    by_lang = {lang: list(_datatrove_filters(lang).values()) for lang in SPACED}

    def datatrove_chain() -> int:
        from datatrove.data import Document as DtDocument

        kept = 0
        for doc in pages:
            dt_doc = DtDocument(text=doc.text or "", id=doc.id)
            if all(flt.filter(dt_doc) is True for flt in by_lang[doc.lang or "en"]):  # type: ignore[attr-defined]
                kept += 1
        return kept

    def stage_runner(config: HeuristicsConfig) -> Callable[[], int]:
        stage = HeuristicsStage(config)

        def run() -> int:
            return sum(isinstance(stage.process(doc), Document) for doc in pages)

        return run

    contenders = {
        "datatrove GopherRepetition+GopherQuality+C4Quality+FineWebQuality": datatrove_chain,
        "ours: heuristics stage, defaults (C4 off)": stage_runner(HeuristicsConfig()),
        "ours: heuristics stage, C4 on": stage_runner(HeuristicsConfig(c4=C4Config(enabled=True))),
    }
    for run in contenders.values():  # warm up: tokenizers, references, segmenters
        run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    kept: dict[str, int] = {}
    for _ in range(repeats):
        for name, run in contenders.items():
            start = time.perf_counter()
            kept[name] = run()
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times[next(iter(contenders))])
    print("| what | seconds | docs/s | kept | vs datatrove |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {len(pages) / median:,.0f} | {kept[name]} | "
              f"{baseline / median:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--show", type=int, default=3, help="disagreements printed per rule set")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    docs = _load(args.cache)
    parity(copy.deepcopy(docs), args.show)
    if not args.skip_speed:
        speed(docs, args.repeats)


if __name__ == "__main__":
    main()
