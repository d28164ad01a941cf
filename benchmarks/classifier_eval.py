"""Classifier benchmark: held-out metrics, teacher strength, fastText/transformer agreement,
speed, and sanity checks on third-party data.

    .venv/bin/python -m benchmarks.classifier_eval [--corpus /tmp/classifiers/corpus.jsonl]
        [--teacher-labels /tmp/classifiers/teacher_labels.jsonl] [--speed-docs 300]

Prints Markdown tables (copied into benchmarks/README.md):
1. every bundled student on the held-out 30% of benchmarks/classifier_corpus.py against the labels
   it learned from (weak labels; see the model cards), beside the majority-class baseline:
   accuracy, macro-F1, AUC (binary; one-vs-rest macro AUC for several classes);
2. the SmolLM2-135M teacher: its label distribution and its agreement with the weak labels (how
   weak it is), and fastText students trained on its labels against the majority baseline;
3. fastText against transformer quality: agreement at 0.5 and rank correlation;
4. docs/s per core (one thread) of each student on the held-out documents;
5. sanity: quality_fasttext AUC for clean reference text against boilerplate-heavy pages
   (full-page text of held-out crawl pages; the bar is 0.9) and against extracted crawl pages;
   news against clickbait headlines, and normal against spam SMS (quality_sanity, MIT / CC BY 4.0).
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.classifier_corpus import load as load_corpus
from benchmarks.real_pages import EVALDATA
from classifiers import fasttext_student
from classifiers.bundled import resolve
from classifiers.labeling import read_labels
from classifiers.text_views import domain_view
from classifiers.train import training_pairs
from curation.document import Document


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Area under the ROC curve (Mann-Whitney U with tied ranks averaged)."""
    s, y = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in sorted(set(truth)):
        tp = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(p == label != t for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label != p for t, p in zip(truth, predicted, strict=True))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def classification_row(name: str, truth: Sequence[str], probs: Sequence[dict[str, float]]) -> str:
    predicted = [max(p, key=p.get) for p in probs]
    labels = sorted(set(truth))
    aucs = [auc([p.get(label, 0.0) for p in probs], [t == label for t in truth]) for label in labels]
    majority = Counter(truth).most_common(1)[0][0]
    accuracy = np.mean([t == p for t, p in zip(truth, predicted, strict=True)])
    base_acc = np.mean([t == majority for t in truth])
    value = aucs[-1] if len(labels) == 2 else float(np.nanmean(aucs))
    return (f"| {name} | {len(truth)} | {accuracy:.3f} | {macro_f1(truth, predicted):.3f} | "
            f"{value:.3f} | {base_acc:.3f} | {macro_f1(truth, [majority] * len(truth)):.3f} |")


HEADER = ("| student | held-out docs | accuracy | macro-F1 | AUC | majority accuracy | majority macro-F1 |\n"
          "|---|---|---|---|---|---|---|")


def students_table(heldout: list[Document], quality_ft: object, transformer: object) -> list[str]:
    rows = [HEADER]
    ref = [d for d in heldout if "reference" in d.metadata]
    texts, truth = [d.text or "" for d in ref], [d.metadata["reference"] for d in ref]
    rows.append(classification_row("quality_en fastText (weak.reference)", truth,
                                   fasttext_student.predict_probs(quality_ft, texts)))
    rows.append(classification_row("quality transformer head (weak.reference)", truth,
                                   transformer.predict_probs(texts)))  # type: ignore[attr-defined]
    # The domain and topic students learn from real pages (benchmarks/page_corpus.py) and are
    # measured on that corpus's held-out half by benchmarks/domain_topic_eval.py.
    return rows


def teacher_tables(path: Path, corpus: dict[str, Document]) -> list[str]:
    rows = [r for r in read_labels(path) if r.get("labels")]
    versions = sorted({r["prompt_version"] for r in rows})
    rows = [r for r in rows if r["prompt_version"] == versions[-1]] if versions else rows
    if not rows:
        return [f"(no teacher labels in {path})"]
    teacher = rows[0]["teacher"]
    out = [f"Teacher {teacher}, {len(rows)} documents (prompt version {versions[-1]}); raw: "
           "argmax of its answer probabilities; calibrated: divided by its answers for a "
           "content-free extract (classifiers/labeling.py).", "",
           "| task | raw labels | calibrated labels | raw agreement with weak label | "
           "calibrated agreement | weak-label docs |", "|---|---|---|---|---|---|"]
    for task in ("quality", "domain", "topic"):
        raw = [_argmax(r.get("probs_raw", r["probs"]).get(task, {})) for r in rows]
        cal = [r["labels"].get(task) for r in rows]
        weak = [r["weak"].get(task) for r in rows]
        cells = []
        for labels in (raw, cal):
            pairs = [(a, b) for a, b in zip(labels, weak, strict=True) if b]
            cells.append(f"{np.mean([a == b for a, b in pairs]):.3f}" if pairs else "n/a")
        out.append(f"| {task} | {_dist(raw)} | {_dist(cal)} | {cells[0]} | {cells[1]} | "
                   f"{sum(1 for w in weak if w)} |")
    refs = [(r, r["weak"]["reference"] == "1") for r in rows if "reference" in r["weak"]]
    if refs:
        aucs = [auc([_expected(r[key]["quality"]) for r, _ in refs], [y for _, y in refs])
                for key in ("probs_raw", "probs")]
        out += ["", f"Teacher expected quality (sum of score x probability) as a reference-vs-crawl "
                f"detector on {len(refs)} documents: AUC {aucs[0]:.3f} raw, {aucs[1]:.3f} calibrated."]
    for row in rows:
        row.setdefault("metadata", dict(corpus[row["id"]].metadata) if row["id"] in corpus else {})
    out += ["", "fastText students trained on the teacher's labels (train split), on its held-out "
            "labels:", "", HEADER]
    for field in ("quality_binary", "domain", "topic"):
        texts, labels = training_pairs(rows, field, "train")
        held_texts, held = training_pairs(rows, field, "heldout")
        if len(set(labels)) < 2 or len(set(held)) < 2:
            out.append(f"| teacher {field} | {len(held)} | - | - | - | - | - | (one label only: "
                       f"train {dict(Counter(labels))}, held out {dict(Counter(held))}) |")
            continue
        model = fasttext_student.train(texts, labels, "/tmp/teacher_student.ftz", quantize=False)
        out.append(classification_row(f"teacher {field}", held,
                                       fasttext_student.predict_probs(model, held_texts)))
    return out


def _argmax(probs: dict[str, float]) -> str | None:
    return max(probs, key=probs.get) if probs else None  # type: ignore[arg-type]


def _dist(labels: Sequence[str | None]) -> str:
    return ", ".join(f"{k} {v}" for k, v in Counter(labels).most_common(5))


def _expected(probs: dict[str, float]) -> float:
    return sum(int(k) * v for k, v in probs.items())


def agreement(heldout: list[Document], quality_ft: object, transformer: object) -> list[str]:
    texts = [d.text or "" for d in heldout]
    ft = np.array([p["1"] for p in fasttext_student.predict_probs(quality_ft, texts)])
    tr = np.array([p["1"] for p in transformer.predict_probs(texts)])  # type: ignore[attr-defined]
    ranks = np.corrcoef(ft.argsort().argsort(), tr.argsort().argsort())[0, 1]
    return [f"fastText vs transformer quality on {len(texts)} held-out documents: agree at 0.5 on "
            f"{np.mean((ft >= 0.5) == (tr >= 0.5)):.3f}, Spearman rank correlation {ranks:.3f}."]


def speed(heldout: list[Document], quality_ft: object, transformer: object, n: int) -> list[str]:
    import torch

    torch.set_num_threads(1)
    texts = [d.text or "" for d in heldout][:n]
    out = ["| student | docs | mean chars | docs/s (1 core) |", "|---|---|---|---|"]
    mean_chars = int(np.mean([len(t) for t in texts]))
    for name, fn in (
        ("fastText quality", lambda: fasttext_student.predict_probs(quality_ft, texts)),
        ("fastText domain (domain view)", lambda: fasttext_student.predict_probs(
            fasttext_student.load(resolve("bundled", "domain")), [domain_view(t) for t in texts])),
        (f"transformer head (MiniLM, {transformer.max_tokens_label()})",  # type: ignore[attr-defined]
         lambda: transformer.predict_probs(texts, batch_size=1)),  # type: ignore[attr-defined]
    ):
        started = time.perf_counter()
        fn()
        rate = len(texts) / (time.perf_counter() - started)
        out.append(f"| {name} | {len(texts)} | {mean_chars} | {rate:.0f} |")
    return out


def sanity(heldout: list[Document], quality_ft: object) -> list[str]:
    def scores(texts: Sequence[str]) -> list[float]:
        return [p["1"] for p in fasttext_student.predict_probs(quality_ft, texts)]

    clean = [d.text or "" for d in heldout if d.metadata.get("reference") == "1"]
    out = ["| positive (should score higher) | negative | n+ | n- | quality_fasttext AUC |",
           "|---|---|---|---|---|"]
    for group, label in (("crawl_boilerplate", "boilerplate-heavy full pages (held out)"),
                         ("crawl_extracted", "extracted crawl pages (held out)")):
        neg = [d.text or "" for d in heldout if d.metadata.get("group") == group]
        out.append(f"| clean reference text (held out) | {label} | {len(clean)} | {len(neg)} | "
                   f"{auc(scores(clean) + scores(neg), [True] * len(clean) + [False] * len(neg)):.3f} |")
    folder = EVALDATA / "quality_sanity"
    clickbait = folder / "clickbait"
    if clickbait.is_dir():
        news = gzip.decompress((clickbait / "non_clickbait_data.gz").read_bytes()).decode().split("\n")
        bait = gzip.decompress((clickbait / "clickbait_data.gz").read_bytes()).decode().split("\n")
        news, bait = [t for t in news if t.strip()][:2000], [t for t in bait if t.strip()][:2000]
        out.append(f"| news headlines | clickbait headlines | {len(news)} | {len(bait)} | "
                   f"{auc(scores(news) + scores(bait), [True] * len(news) + [False] * len(bait)):.3f} |")
    sms = folder / "sms_spam" / "SMSSpamCollection.tsv"
    if sms.is_file():
        lines = [line.split("\t", 1) for line in sms.read_text(encoding="utf-8").splitlines()[1:]]
        ham = [t for label, t in lines if label == "ham"]
        spam = [t for label, t in lines if label == "spam"]
        out.append(f"| normal SMS | spam SMS | {len(ham)} | {len(spam)} | "
                   f"{auc(scores(ham) + scores(spam), [True] * len(ham) + [False] * len(spam)):.3f} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/classifiers/corpus.jsonl"))
    parser.add_argument("--teacher-labels", type=Path, default=Path("/tmp/classifiers/labels.jsonl"))
    parser.add_argument("--speed-docs", type=int, default=300)
    parser.add_argument("--transformer", default="bundled",
                        help="transformer student to evaluate (default: the bundled head)")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from classifiers.transformer_student import TransformerClassifier

    docs = load_corpus(args.corpus)
    heldout = [d for d in docs if d.metadata["split"] == "heldout"]
    quality_ft = fasttext_student.load(resolve("bundled", "quality_en"))
    transformer = TransformerClassifier(resolve(args.transformer, "quality_transformer"))
    sections = [
        ("Students on held-out weak labels", students_table(heldout, quality_ft, transformer)),
        ("Teacher (SmolLM2-135M-Instruct)", teacher_tables(args.teacher_labels,
                                                           {d.id: d for d in docs})
         if args.teacher_labels.is_file() else [f"(no {args.teacher_labels})"]),
        ("fastText vs transformer", agreement(heldout, quality_ft, transformer)),
        ("Speed", speed(heldout, quality_ft, transformer, args.speed_docs)),
        ("Sanity checks", sanity(heldout, quality_ft)),
    ]
    for title, lines in sections:
        print(f"\n### {title}\n")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
