"""Training data for the students: (text, label) pairs from a label cache, chosen reproducibly.

Rows come from `curate label` (classifiers/labeling.py). `field` names the label
(`labeling.label_of`); `split` keeps rows whose `metadata["split"]` matches (the corpus builder
holds 30% out by a hash of the id); `max_examples` keeps the rows with the smallest blake2b hash
of their id, so a smaller training set is the same subset every time, and `max_per_label` does
the same per label (a dominant class no longer drowns the others). Rows of several teachers for
one document are taken once, the first in file order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from classifiers.labeling import label_of


def training_pairs(rows: Sequence[dict[str, Any]], field: str, split: str | None = None,
                   max_examples: int | None = None, max_per_label: int | None = None,
                   ) -> tuple[list[str], list[str]]:
    seen: set[str] = set()
    chosen: list[tuple[bytes, str, str]] = []
    for row in rows:
        if row["id"] in seen:
            continue
        label = label_of(row, field)
        if label is None or not row.get("text"):
            continue
        if split is not None and (row.get("metadata") or {}).get("split") != split:
            continue
        seen.add(row["id"])
        key = hashlib.blake2b(row["id"].encode(), digest_size=8).digest()
        chosen.append((key, row["text"], label))
    if max_per_label is not None:
        taken: Counter[str] = Counter()
        capped = []
        for key, text, label in sorted(chosen):
            if taken[label] < max_per_label:
                taken[label] += 1
                capped.append((key, text, label))
        chosen = capped
    if max_examples is not None:
        chosen = sorted(chosen)[:max_examples]
    return [text for _, text, _ in chosen], [label for _, _, label in chosen]


def repeated(texts: Sequence[str], labels: Sequence[str], repeats: dict[str, int],
             ) -> tuple[list[str], list[str]]:
    """Each example of a label in `repeats` shown that many times (a rare class weighs more in
    fastText's softmax loss, which has no class weights), each copy next to its original."""
    out_texts: list[str] = []
    out_labels: list[str] = []
    for text, label in zip(texts, labels, strict=True):
        count = repeats.get(label, 1)
        out_texts += [text] * count
        out_labels += [label] * count
    return out_texts, out_labels


def describe(labels: Sequence[str]) -> str:
    counts = Counter(labels)
    return ", ".join(f"{label} {count}" for label, count in sorted(counts.items()))
