"""Near-duplicate detection quality against known ground truth, and MinHash signature speed.

Corpus: real texts from ../shared/evaldata/text_corpora/nltk (2,000 movie reviews, ABC news
stories, presidential speeches cut into ~500-word pieces) as distinct originals. A sample of
originals gets copies: exact ones and edited ones at controlled rates (each word replaced,
deleted or followed by an inserted word with probability `rate`). Every copy's true Jaccard with
its original is computed exactly on the same 5-word shingles the detector uses.

Quality (the in-memory reference, which the Beam pipeline is tested equal to):
- recall by true-Jaccard bin: the share of (original, copy) pairs that end in one cluster;
- false-positive rate: documents dropped for a survivor from another family whose true Jaccard
  with them is below the threshold, over all documents.

Speed (one core, documents of about 3 KB, 128 permutations), against datasketch 2.0 on the same
documents and shingles: `update` per shingle, `update_batch`, and `MinHash.bulk`, with datasketch's
default SHA-1 hashing of shingle strings, and `update_batch` given our 32-bit shingle hashes.

    .venv/bin/python -m benchmarks.dedup_eval [--originals 2000] [--copies-per-rate 150]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from datasketch import MinHash

from curation.config import MinHashDedupConfig
from curation.dedup.minhash import MinHasher
from curation.dedup.near_dup import MinHashDedup
from curation.dedup.shingles import normalized_words, shingle_hashes
from curation.document import Document
from curation.stage import Dropped

EVALDATA = Path(os.environ.get("CURATION_EVALDATA",
                               Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"))
NLTK = EVALDATA / "text_corpora" / "nltk"
RATES = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3)
BINS = (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)


def originals(limit: int) -> list[str]:
    """Distinct real texts of roughly 200-600 words, in a fixed order."""
    texts = [p.read_text(errors="replace") for p in sorted((NLTK / "movie_reviews").rglob("cv*.txt"))]
    for name in ("abc/rural.txt", "abc/science.txt"):
        texts += [t for t in re.split(r"\n\s*\n", (NLTK / name).read_text(errors="replace"))
                  if len(t.split()) >= 120]
    for folder in ("inaugural", "state_union"):
        for path in sorted((NLTK / folder).glob("*.txt")):
            words = path.read_text(errors="replace").split()
            texts += [" ".join(words[i:i + 500]) for i in range(0, len(words) - 200, 500)]
    return texts[:limit]


def edit(text: str, rate: float, rng: random.Random, vocabulary: list[str]) -> str:
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < rate / 3:
            out.append(rng.choice(vocabulary))
        elif roll < 2 * rate / 3:
            continue
        elif roll < rate:
            out += [word, rng.choice(vocabulary)]
        else:
            out.append(word)
    return " ".join(out)


def jaccard(first: str, second: str) -> float:
    a, b = set(shingle_hashes(first).tolist()), set(shingle_hashes(second).tolist())
    return len(a & b) / len(a | b) if a | b else 1.0


def build_corpus(
    count: int, copies_per_rate: int, seed: int = 0
) -> tuple[list[Document], dict[str, str]]:
    rng = random.Random(seed)
    texts = originals(count)
    vocabulary = sorted({w for t in texts[:200] for w in t.split()})
    docs = [Document(id=f"o{i:05d}", url=f"https://o.example/{i}", text=t) for i, t in enumerate(texts)]
    family = {d.id: d.id for d in docs}
    sources = rng.sample(range(len(texts)), min(len(texts), copies_per_rate * len(RATES)))
    for k, index in enumerate(sources):
        rate = RATES[k % len(RATES)]
        copy_id = f"c{k:05d}"
        copy = edit(texts[index], rate, rng, vocabulary)
        docs.append(Document(id=copy_id, url=f"https://c.example/{k}", text=copy))
        family[copy_id] = f"o{index:05d}"
    return docs, family


def quality(docs: list[Document], family: dict[str, str], config: MinHashDedupConfig) -> None:
    text = {d.id: d.text or "" for d in docs}
    started = time.perf_counter()
    results = list(MinHashDedup(config).run_in_memory(docs))
    elapsed = time.perf_counter() - started
    survivor = {d.id: d.id for d in docs}
    for result in results:
        if isinstance(result, Dropped):
            survivor[result.doc.id] = result.drop.detail
    cluster = {doc_id: survivor[doc_id] for doc_id in survivor}
    pairs: dict[int, Counter[str]] = defaultdict(Counter)
    for doc_id, origin in family.items():
        if doc_id == origin:
            continue
        true_j = jaccard(text[doc_id], text[origin])
        index = max(i for i, edge in enumerate(BINS) if true_j >= edge)
        pairs[index]["pairs"] += 1
        pairs[index]["found"] += cluster[doc_id] == cluster[origin]
    false_drops = sum(
        1 for doc_id, kept in survivor.items()
        if kept != doc_id and family[kept] != family[doc_id]
        and jaccard(text[doc_id], text[kept]) < config.threshold)
    print(f"{len(docs)} documents ({sum(1 for d in family if d.startswith('o'))} originals), "
          f"threshold {config.threshold}, {config.num_perm} permutations, verify={config.verify}; "
          f"reference run {elapsed:.1f} s\n")
    print("| true Jaccard | pairs | found in one cluster |")
    print("|---|---:|---:|")
    high = Counter()
    for index in sorted(pairs):
        low = BINS[index]
        label = "1.0 (exact)" if low == 1.0 else f"[{low:.2f}, {BINS[index + 1]:.2f})"
        row = pairs[index]
        print(f"| {label} | {row['pairs']} | {row['found'] / row['pairs']:.3f} |")
        if low >= config.threshold:
            high.update(row)
    print(f"\nrecall for pairs with true Jaccard >= {config.threshold}: "
          f"{high['found']}/{high['pairs']} = {high['found'] / max(1, high['pairs']):.3f}")
    print(f"false positives (dropped for another family's survivor, true Jaccard < {config.threshold}): "
          f"{false_drops}/{len(docs)} = {false_drops / len(docs):.4%}")


def speed(texts: list[str], repeats: int = 1) -> None:
    hasher = MinHasher()
    shingles = [[b" ".join(w[i:i + 5]) for i in range(max(1, len(w) - 4))]
                for w in (normalized_words(t) for t in texts)]
    hashes = [shingle_hashes(t) for t in texts]
    rows = []

    def timed(label: str, fn) -> None:
        started = time.perf_counter()
        for _ in range(repeats):
            fn()
        rows.append((label, len(texts) * repeats / (time.perf_counter() - started)))

    timed("ours: text -> signature, batched", lambda: hasher.signatures(texts))
    timed("ours: text -> signature, one at a time", lambda: [hasher.signature(t) for t in texts])
    subset = shingles[: max(1, len(shingles) // 10)]

    def per_shingle() -> None:
        for doc in subset:
            m = MinHash(num_perm=128)
            for s in doc:
                m.update(s)

    started = time.perf_counter()
    per_shingle()
    rows.append(("datasketch: update per shingle (SHA-1), shingles given",
                 len(subset) / (time.perf_counter() - started)))
    timed("datasketch: update_batch (SHA-1), shingles given",
          lambda: [MinHash(num_perm=128).update_batch(doc) for doc in shingles])
    timed("datasketch: MinHash.bulk (SHA-1), shingles given", lambda: MinHash.bulk(shingles, num_perm=128))
    timed("datasketch: update_batch of our 32-bit hashes", lambda: [
        MinHash(num_perm=128, hashfunc=int).update_batch(h.tolist()) for h in hashes])
    ours = rows[0][1]
    print(f"\n{len(texts)} documents, {np.mean([len(t) for t in texts]):,.0f} characters on average, "
          "128 permutations, one core\n")
    print("| method | docs/s | ours (batched) is |")
    print("|---|---:|---:|")
    for label, rate in rows:
        print(f"| {label} | {rate:,.0f} | {ours / rate:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--originals", type=int, default=2000)
    parser.add_argument("--copies-per-rate", type=int, default=150)
    parser.add_argument("--speed-docs", type=int, default=2000)
    args = parser.parse_args()
    docs, family = build_corpus(args.originals, args.copies_per_rate)
    quality(docs, family, MinHashDedupConfig())
    texts = [t[:3000] for t in originals(args.speed_docs) if len(t) >= 2500]
    speed(texts)


if __name__ == "__main__":
    main()
