"""How the transformer student's serving options change its speed and its scores, on real pages.

    .venv/bin/python -m benchmarks.transformer_options [--head HEAD.npz] [--docs 240]

Baseline: the given head (default: the bundled one) as the classify stage serves it, one thread,
one document per forward pass. Rows change one thing each:
- two torch threads instead of one (what a worker got before `stages.classify.torch_threads`);
- batches of 16 documents sorted by length (fewer padded positions) instead of one at a time;
- the encoder quantized to the other precision while the head stays the same: how far the scores
  move when a head meets embeddings it was not trained on (why `curate train transformer
  --precision` trains the head on the encoder it is served with).
Speed is documents per CPU second of this process (`time.process_time`), so two threads are
charged for both cores. Score agreement is against the baseline's scores: Spearman rank
correlation, the share of documents on the same side of 0.5, and the largest difference.
Pages: the English pages of benchmarks/real_pages.py (real pages extracted with our settings).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from benchmarks.real_pages import DEFAULT_CACHE, load
from classifiers.bundled import resolve
from classifiers.transformer_student import TransformerClassifier, set_torch_threads


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.argsort().argsort(), b.argsort().argsort())[0, 1])


def _positive(probs: Sequence[dict[str, float]]) -> np.ndarray:
    return np.array([p.get("1", 0.0) for p in probs])


def _timed(run: Callable[[], list[dict[str, float]]]) -> tuple[float, np.ndarray]:
    started = time.process_time()
    probs = run()
    return time.process_time() - started, _positive(probs)


def _length_sorted_batches(model: TransformerClassifier, texts: list[str],
                           size: int) -> list[dict[str, float]]:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    probs: list[dict[str, float]] = [{} for _ in texts]
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        for i, p in zip(chunk, model.predict_probs([texts[i] for i in chunk], batch_size=size),
                        strict=True):
            probs[i] = p
    return probs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--head", default="bundled")
    parser.add_argument("--docs", type=int, default=240)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))
    args = parser.parse_args()
    from pathlib import Path

    texts = [d.text or "" for d in load(Path(args.cache)) if d.lang == "en"][:args.docs]
    model = TransformerClassifier(resolve(args.head, "quality_transformer"))
    set_torch_threads(1)
    model.predict_probs(texts[:4], batch_size=1)  # warm-up
    base_s, base = _timed(lambda: model.predict_probs(texts, batch_size=1))
    rows = [(f"baseline: {model.max_tokens_label()}, 1 thread, 1 document per pass", base_s, base)]
    set_torch_threads(2)
    seconds, scores = _timed(lambda: model.predict_probs(texts, batch_size=1))
    rows.append(("2 torch threads", seconds, scores))
    set_torch_threads(1)
    seconds, scores = _timed(lambda: _length_sorted_batches(model, texts, 16))
    rows.append(("length-sorted batches of 16", seconds, scores))
    if model.kind == "head":
        other = "fp32" if model.precision == "int8" else "int8"
        swapped = TransformerClassifier(resolve(args.head, "quality_transformer"), precision=other)
        seconds, scores = _timed(lambda: swapped.predict_probs(texts, batch_size=1))
        rows.append((f"same head on the {other} encoder (not trained on it)", seconds, scores))
    print(f"{len(texts)} English real pages, {int(np.mean([len(t) for t in texts]))} characters on "
          f"average; head {resolve(args.head, 'quality_transformer').name}\n")
    print("| variant | docs per CPU second | vs baseline | Spearman with baseline | same side of 0.5 "
          "| largest difference |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds, scores in rows:
        rate = len(texts) / seconds
        print(f"| {name} | {rate:.1f} | {rate * base_s / len(texts):.2f}x | "
              f"{_spearman(base, scores):.3f} | {np.mean((base >= 0.5) == (scores >= 0.5)):.3f} | "
              f"{np.abs(base - scores).max():.4f} |")


if __name__ == "__main__":
    main()
