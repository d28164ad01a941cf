"""Teacher labelling for `curate label`: sample documents, ask a teacher, cache the answers.

Llama 3 (section 3.1.1) labels a sample of web documents with Llama 2 and trains students on the
labels. Here a sample is drawn from JSONL or Parquet files of Documents (the kept shards of a run,
or any text corpus): the `n` documents with the smallest blake2b hash of `seed` and their id, so
the sample is the same on every machine and reading order does not matter, with only `n` held in
memory. Every document gets the teacher's answer to the three prompts of
`classifiers/prompts.py` plus the weak labels of `classifiers/weak_labels.py`.

The teacher's probabilities are calibrated against its answers for a content-free extract
(`calibrate`): SmolLM2-135M answers "A" to nearly every multiple-choice prompt whatever the text
(measured in benchmarks/README.md), and dividing out that prior is the cheapest known remedy.

The cache is a JSONL file, one row per labelled document, appended and flushed as each document
is done. A row is keyed by (document id, teacher name, prompt version): rerunning the command
skips what is already there, so an interrupted labelling run resumes where it stopped, and a new
prompt version or teacher labels everything again next to the old rows.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from classifiers.prompts import PROMPT_VERSION, TASKS, render, task_choices
from classifiers.teacher import Teacher
from classifiers.weak_labels import code_line_fraction, math_density, weak_domain
from curation.document import Document

DEFAULT_MAX_CHARS = 1_500
CONTENT_FREE = "N/A"
PRIOR_FLOOR = 1e-4
WEAK_ONLY = "none"  # the teacher name of rows that carry weak labels only (`--teacher none`)


def _rank(seed: int, doc_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest()


def sample_documents(docs: Iterable[Document], n: int, seed: int = 0,
                     min_chars: int = 1) -> list[Document]:
    """The `n` documents with text of at least `min_chars` characters whose seeded hash of the id
    is smallest, in hash order (a bounded heap: memory holds `n` documents, not the input)."""
    heap: list[tuple[bytes, str, Document]] = []
    for doc in docs:
        if not doc.text or len(doc.text) < min_chars:
            continue
        key = _rank(seed, doc.id)
        item = (_invert(key), doc.id, doc)
        if len(heap) < n:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)
    return [doc for _, _, doc in sorted(heap, key=lambda item: item[:2], reverse=True)]


def _invert(key: bytes) -> bytes:
    """Largest-first heap key: the heap's root is the largest hash, evicted first."""
    return bytes(255 - b for b in key)


def read_documents(paths: Sequence[str]) -> Iterator[Document]:
    """Documents from JSONL or Parquet files; rows that are not Documents are skipped and counted
    by the caller's reader (`curate label` reports them)."""
    from curation.readers import read_path

    for path in paths:
        for item in read_path(path, "auto"):
            if isinstance(item, Document):
                yield item


def weak_labels(doc: Document) -> dict[str, Any]:
    """The rule and source labels of `classifiers/weak_labels.py` for `doc`."""
    text = doc.text or ""
    labels: dict[str, Any] = {
        # a page-structure label (benchmarks/page_corpus.py) beats the text rules; an empty one
        # marks a page too ambiguous to label, which no student learns from
        "domain": (doc.metadata["domain"] or None) if "domain" in doc.metadata else weak_domain(text),
        "code_line_fraction": round(code_line_fraction(text), 4),
        "math_density": round(math_density(text), 4),
    }
    for key in ("topic", "reference"):
        if key in doc.metadata:
            labels[key] = doc.metadata[key]
    return labels


class LabelCache:
    """The append-only JSONL of labelled documents, keyed by (id, teacher, prompt version)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.done: set[tuple[str, str, str]] = set()
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").split("\n"):
                if line.strip():
                    row = json.loads(line)
                    self.done.add((row["id"], row["teacher"], row["prompt_version"]))

    def has(self, doc_id: str, teacher: str) -> bool:
        return (doc_id, teacher, PROMPT_VERSION) in self.done

    def append(self, row: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.done.add((row["id"], row["teacher"], row["prompt_version"]))


def content_free_priors(teacher: Teacher, tasks: Sequence[str] = TASKS) -> dict[str, list[float]]:
    """The teacher's answer probabilities for each prompt with the content-free extract "N/A":
    its bias towards answers regardless of the text (Zhao et al. 2021, "Calibrate Before Use")."""
    return {task: teacher.answer_probs(render(task, CONTENT_FREE), task_choices(task)[0])
            for task in tasks}


def calibrate(probs: Sequence[float], prior: Sequence[float]) -> list[float]:
    """Contextual calibration: divide by the content-free prior and renormalise, so a small
    teacher's preference for answer "A" or "1" whatever the text is taken out."""
    scaled = [p / max(q, PRIOR_FLOOR) for p, q in zip(probs, prior, strict=True)]
    total = sum(scaled)
    return [s / total for s in scaled] if total > 0 else list(probs)


def label_document(doc: Document, teacher: Teacher | None, tasks: Sequence[str] = TASKS,
                   max_chars: int = DEFAULT_MAX_CHARS,
                   priors: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """One cache row: the teacher's calibrated label and probabilities per task (`probs`), its
    raw probabilities (`probs_raw`), and the weak labels."""
    text = (doc.text or "")[:max_chars]
    labels: dict[str, str] = {}
    probs: dict[str, dict[str, float]] = {}
    raw: dict[str, dict[str, float]] = {}
    for task in tasks if teacher is not None else ():
        answers, names = task_choices(task)
        p_raw = teacher.answer_probs(render(task, text), answers)
        p = calibrate(p_raw, priors[task]) if priors and task in priors else p_raw
        probs[task] = {name: round(value, 5) for name, value in zip(names, p, strict=True)}
        raw[task] = {name: round(value, 5) for name, value in zip(names, p_raw, strict=True)}
        labels[task] = names[max(range(len(p)), key=lambda i: (p[i], -i))]
    row: dict[str, Any] = {
        "id": doc.id, "url": doc.url, "lang": doc.lang, "text": doc.text,
        "metadata": dict(doc.metadata), "teacher": WEAK_ONLY if teacher is None else teacher.name,
        "prompt_version": PROMPT_VERSION,
        "labels": labels, "probs": probs, "probs_raw": raw, "weak": weak_labels(doc),
    }
    if "quality" in probs:
        row["quality_expected"] = round(sum(int(k) * v for k, v in probs["quality"].items()), 4)
    return row


def label_all(docs: Iterable[Document], teacher: Teacher | None, cache: LabelCache,
              tasks: Sequence[str] = TASKS, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[int, int]:
    """Label every document not yet in `cache`; returns (newly labelled, skipped as cached)."""
    labelled = skipped = 0
    priors: dict[str, list[float]] | None = None
    for doc in docs:
        if cache.has(doc.id, WEAK_ONLY if teacher is None else teacher.name):
            skipped += 1
            continue
        if teacher is not None and priors is None:
            priors = content_free_priors(teacher, tasks)
        cache.append(label_document(doc, teacher, tasks, max_chars, priors))
        labelled += 1
    return labelled, skipped


def read_labels(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").split("\n")
            if line.strip()]


def label_of(row: dict[str, Any], field: str) -> str | None:
    """The label a student learns: `quality`, `domain` or `topic` read the teacher's labels;
    `weak.<name>` reads a weak label (`weak.domain`, `weak.topic`, `weak.reference`);
    `quality_binary` is the teacher's quality score thresholded at 3 (FineWeb-Edu keeps >= 3)."""
    if field == "quality_binary":
        score = row.get("labels", {}).get("quality")
        return None if score is None else ("high" if int(score) >= 3 else "low")
    section, _, key = field.rpartition(".")
    value = row.get(section or "labels", {}).get(key)
    return None if value is None else str(value)
