"""The mixer's two measurable choices: the token counter, and cutting by hash order instead of
flipping a coin per document.

1. Token counting speed on the mix corpus (benchmarks/mix_corpus.py: news, reviews, speeches,
   Python code and 130 UDHR translations). Baseline: OpenAI's `tiktoken` (Rust) with the same
   cl100k_base ranks; the table also says whether each counter's totals equal the baseline's.
2. Share accuracy. Both samplers use the same plan (curation/mix/plan.py) on the same corpus;
   they differ only in how a cell's fractional pass picks documents. Baseline: a seeded coin
   per document that keeps it with probability = the cell's fractional rate (datatrove's
   `SamplerFilter` rule, with whole repeats added the same way as ours). Ours: documents in
   seeded hash order while they fit the budget, then the deficit filled from the next small
   documents (curation/mix/sampling.py). For each of `--seeds`
   seeds: the largest distance, in percentage points, between a category's achieved token share
   and its target; the table gives the mean and the worst over seeds.

3. Scale (`--beam-docs N`): the corpus cycled to N documents (copies get new ids, so new
   ranks), mixed by the Beam composite (pipelines/mix.py, DirectRunner in memory, one worker) and
   by the in-memory reference; the table gives both times, whether the written ids are equal,
   and, per cell, the most (rank, id, tokens) triples that one worker has to sort (the
   overflowing hash bucket) against the cell's size.

    .venv/bin/python -m benchmarks.mix_bench --seeds 20 --beam-docs 20000
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

from benchmarks.mix_corpus import realistic_corpus, rust_cl100k
from curation.config import MixConfig
from curation.mix.mixer import (
    Prepared,
    TokenizeStage,
    cell_totals,
    copies_of,
    exact_selections,
    mix_targets,
    prepared,
)
from curation.mix.plan import MixPlan, plan_mix
from curation.mix.sampling import RANK_BITS
from curation.mix.tokens import load_token_counter


def _counters() -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    try:
        rust = rust_cl100k()
        rows.append(("baseline: tiktoken 0.14 (Rust) cl100k_base", lambda t: len(rust.encode_ordinary(t))))
    except ImportError:
        pass
    for name in ("cl100k_base", "o200k_base", "llama3"):
        try:
            counter = load_token_counter(name)
        except ValueError:
            continue
        rows.append((f"ours: {name} ({counter.source})", counter.count))
    return rows


def token_speed(texts: list[str]) -> None:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"\nToken counting, {len(texts)} documents, {megabytes:.2f} MB of UTF-8 text, one core")
    print("| counter | seconds | MB/s | tokens | tokens/s | equals baseline |")
    print("|---|---:|---:|---:|---:|---|")
    baseline_total = None
    for name, count in _counters():
        started = time.perf_counter()
        total = sum(count(t) for t in texts)  # type: ignore[operator]
        seconds = time.perf_counter() - started
        if baseline_total is None and name.startswith("baseline"):
            baseline_total = total
        same = "-" if name.startswith("baseline") or "cl100k" not in name else str(total == baseline_total)
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.1f} | {total} | "
              f"{total / seconds:,.0f} | {same} |")


def _coin_copies(item: Prepared, plan: MixPlan) -> int:
    cell = plan.cell(item.cell)
    fraction = cell.partial_tokens / cell.tokens if cell.tokens else 0.0
    return cell.full_copies + (1 if item.rank / 2**RANK_BITS < fraction else 0)


def _worst_pp(items: list[Prepared], copies: list[int], proportions: dict[str, float]) -> float:
    tokens: dict[str, int] = defaultdict(int)
    for item, n in zip(items, copies, strict=True):
        tokens[item.cell[0]] += n * item.tokens
    total = sum(tokens.values())
    return max(abs(tokens[c] / total - share) * 100 for c, share in proportions.items())


def share_accuracy(docs: list, seeds: int) -> None:
    base = MixConfig(max_topic_share=0.4)
    stage = TokenizeStage(base)
    tokenized = [stage.process(d) for d in docs]
    coin, ours = [], []
    for seed in range(seeds):
        config = base.model_copy(update={"seed": seed})
        items = [prepared(d, config) for d in tokenized]
        plan = plan_mix(cell_totals(items), mix_targets(config))
        selections = exact_selections(items, plan)
        coin.append(_worst_pp(items, [_coin_copies(i, plan) for i in items], config.proportions))
        ours.append(_worst_pp(items, [copies_of(i, plan, selections[i.cell]) for i in items],
                              config.proportions))
    print(f"\nShare accuracy on {len(docs)} documents, {seeds} seeds: the largest |achieved - target| "
          "over the four categories, in percentage points")
    print("| sampler | mean over seeds | worst seed | seeds within 0.5 pp |")
    print("|---|---:|---:|---:|")
    for name, values in (("baseline: coin per document", coin), ("ours: hash-order cut and fill", ours)):
        within = sum(v <= 0.5 for v in values)
        print(f"| {name} | {statistics.mean(values):.3f} | {max(values):.3f} | {within}/{seeds} |")


def beam_scale(docs: list, size: int) -> None:
    import tempfile
    from pathlib import Path

    import apache_beam as beam
    import pyarrow.parquet as pq

    from curation.mix.mixer import Mixer
    from curation.mix.sampling import boundary_bucket, bucket_of
    from pipelines.mix import MixPrepared

    config = MixConfig(max_topic_share=0.4)
    cycled = [docs[i % len(docs)] for i in range(size)]
    cycled = [d.replace(id=f"{d.id}-{i // len(docs)}") for i, d in enumerate(cycled)]
    started = time.perf_counter()
    mixer = Mixer(config)
    expected = sorted(d.id for d in mixer.run_in_memory(cycled) if not hasattr(d, "drop"))
    reference_s = time.perf_counter() - started
    stage = TokenizeStage(config)
    items = [prepared(stage.process(d), config) for d in cycled]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        with beam.Pipeline() as pipeline:
            _ = (pipeline | beam.Create(items)
                 | MixPrepared(config, mix_targets(config), out, "mix", "shards", ""))
        beam_s = time.perf_counter() - started
        got = [i for path in sorted(Path(out).glob("shards/*/*.parquet"))
               for i in pq.read_table(path, columns=["id"]).column("id").to_pylist()]
    assert mixer.result is not None
    plan = mixer.result.plan
    by_cell: dict = defaultdict(list)
    for item in items:
        by_cell[item.cell].append(item)
    widest = 0
    for cell, members in by_cell.items():
        histogram: dict[int, int] = defaultdict(int)
        for item in members:
            histogram[bucket_of(item.rank, config.histogram_bits)] += item.tokens
        found = boundary_bucket(histogram, plan.cell(cell).partial_tokens)
        if not isinstance(found[1], str):
            widest = max(widest, sum(bucket_of(i.rank, config.histogram_bits) == found[0] for i in members))
    largest = max(len(m) for m in by_cell.values())
    print(f"\nScale: {size} documents, {len(by_cell)} cells, histogram_bits {config.histogram_bits}")
    print("| run | seconds | written | equal to reference | most triples sorted together | largest cell |")
    print("|---|---:|---:|---|---:|---:|")
    print(f"| reference (in memory, sorts whole cells) | {reference_s:.1f} | {len(expected)} | - | "
          f"{largest} | {largest} |")
    print(f"| Beam composite, DirectRunner | {beam_s:.1f} | {len(got)} | {sorted(got) == expected} | "
          f"{widest} | {largest} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--beam-docs", type=int, default=0)
    args = parser.parse_args()
    docs = realistic_corpus()
    token_speed([d.text for d in docs])
    share_accuracy(docs, args.seeds)
    if args.beam_docs:
        beam_scale(docs, args.beam_docs)


if __name__ == "__main__":
    main()
