"""Token-distribution KL filter (Llama 3 section 3.1.1: "we use a token-distribution
Kullback-Leibler divergence to filter out documents containing excessive numbers of outlier
tokens compared to the training corpus distribution").

A reference is a unigram distribution of lowercased words (`text_stats.words`) over a clean
corpus: the `vocab_size` most frequent words, plus the total count and number of distinct words
outside them, built by `curate build-kl-reference` and stored as gzipped JSON. For a document with
at least `min_words` words, its own word distribution P (maximum likelihood) is compared with the
reference Q, smoothed by add-one, where each out-of-vocabulary word gets an equal share of the
out-of-vocabulary mass (so eighty distinct junk tokens weigh as eighty outliers, not as one):

    Q(w) = (count(w) + 1) / (N + V + 1)                     for the V vocabulary words
    Q(w) = (count(oov) + 1) / (N + V + 1) / types(oov)      for any other word
    KL(P || Q) = sum_w P(w) log(P(w) / Q(w))                (nats)

Shorter documents are not scored (a 20-word P is too noisy to call an outlier). Words come from
`segment.split_words`, so Thai, Chinese and Japanese references and documents are segmented the
same way. A document is dropped as `token_kl` when the divergence exceeds its language's
threshold; every scored document keeps `scores["token_kl"]`, thresholded or not.

The divergence falls with document length (a longer P has more entropy), which the 50-word floor
bounds but does not remove, and it depends on the reference: a small reference (the UDHR ones,
about 2,000 tokens) gives every unseen word a large share, 1 / (N + V + 1), so its values sit
lower than the English reference's. Thresholds are therefore per reference and calibrated on real
pages (curation/config.py, `TokenKlConfig`).
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from curation.config import TokenKlConfig
from curation.heuristics.segment import split_words
from curation.stage import Drop


def build_reference(
    texts: Iterable[str], vocab_size: int, source: str, lang: str | None = None,
    counts: Counter[str] | None = None,
) -> dict[str, object]:
    """The reference of `texts` split into `lang`'s words, plus any ready-made `counts`."""
    counts = Counter() if counts is None else Counter(counts)
    for text in texts:
        counts.update(w.lower() for w in split_words(text, lang))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocab = dict(ranked[:vocab_size])
    return {"vocab_size": len(vocab), "total": sum(counts.values()),
            "unknown": sum(c for _, c in ranked[vocab_size:]),
            "unknown_types": max(0, len(ranked) - vocab_size), "source": source, "counts": vocab}


def read_word_counts(paths: Iterable[Path]) -> Counter[str]:
    """Counts from frequency lists: one word and its count per line, separated by a tab or spaces,
    extra columns ignored (jieba's dict.txt, PyThaiNLP's tnc_freq.txt)."""
    counts: Counter[str] = Counter()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fields = line.split("\t") if "\t" in line else line.split(" ")
            if not line.strip():
                continue
            if len(fields) < 2 or not fields[1].strip().isdigit():
                raise ValueError(f"{path}:{number}: expected 'word count', got {line[:80]!r}")
            counts[fields[0].strip().lower()] += int(fields[1])
    return counts


def write_reference(reference: dict[str, object], path: str | Path) -> None:
    Path(path).write_bytes(gzip.compress(json.dumps(reference, ensure_ascii=False, sort_keys=True)
                                         .encode("utf-8"), mtime=0))


class Reference:
    def __init__(self, data: dict[str, object]) -> None:
        counts: dict[str, int] = data["counts"]  # type: ignore[assignment]
        denominator = int(data["total"]) + len(counts) + 1  # type: ignore[call-overload]
        self.log_q = {w: math.log((c + 1) / denominator) for w, c in counts.items()}
        unknown_types = max(1, int(data.get("unknown_types", 1)))  # type: ignore[call-overload]
        self.log_q_unknown = math.log((int(data["unknown"]) + 1) / denominator / unknown_types)  # type: ignore[call-overload]

    def kl(self, tokens: list[str]) -> float:
        counts = Counter(w.lower() for w in tokens)
        n = len(tokens)
        total = 0.0
        for word, count in counts.items():
            p = count / n
            total += p * (math.log(p) - self.log_q.get(word, self.log_q_unknown))
        return total


def load_reference(path: str | Path) -> Reference:
    return Reference(json.loads(gzip.decompress(Path(path).read_bytes())))


@cache
def bundled_reference(lang: str) -> Reference | None:
    resource = resources.files("curation.heuristics").joinpath("data", "kl", f"{lang}.json.gz")
    if not resource.is_file():
        return None
    return Reference(json.loads(gzip.decompress(resource.read_bytes())))


class TokenKlFilter:
    """References loaded once per worker; `check` scores a document and decides."""

    def __init__(self, config: TokenKlConfig) -> None:
        self.config = config
        self._references: dict[str, Reference | None] = {}

    def reference(self, lang: str) -> Reference | None:
        if lang not in self._references:
            path = self.config.references.get(lang)
            self._references[lang] = load_reference(path) if path else bundled_reference(lang)
        return self._references[lang]

    def check(self, tokens: list[str], lang: str) -> tuple[float | None, Drop | None]:
        """(divergence, or None when `lang` has no reference or the text is too short; a Drop
        when it exceeds `lang`'s threshold, if there is one)."""
        reference = self.reference(lang)
        if reference is None or len(tokens) < self.config.min_words:
            return None, None
        divergence = reference.kl(tokens)
        threshold = self.config.thresholds.get(lang)
        if threshold is not None and divergence > threshold:
            return divergence, Drop("token_kl", f"{divergence:.3f}>{threshold:g}")
        return divergence, None
