"""Rebuild the bundled classifiers in classifiers/models/ from one command, with `curate` itself.

    .venv/bin/python -m benchmarks.build_classifiers [--work /tmp/classifiers] [--teacher-sample 60]

Steps (each is a `curate` command a user can run alone; they are printed as they run):
1. the corpus of benchmarks/classifier_corpus.py (real text from ../shared/evaldata, the standard
   library and BSD math docstrings), 70% train / 30% held out by a hash of the id;
2. `curate label --teacher none`: weak labels for every document (classifiers/weak_labels.py);
3. `curate label` with the default teacher (SmolLM2-135M-Instruct) on a `--teacher-sample` sample:
   teacher labels, used by benchmarks/classifier_eval.py to measure the teacher and the students
   trained on it (the bundled students learn from the weak labels, because this teacher's labels
   are nearly constant; see the model cards);
4. the real pages of benchmarks/page_corpus.py (Debian documentation packages fetched with apt,
   trafilatura's news pages, the WARC captures, NLTK corpora; 70/30 by a hash of the page) and
   their weak labels from page structure, URL sections and topic words (`curate label --teacher none`);
5. `curate train fasttext` for quality (weak.reference, step 1's corpus) and domain
   (weak.domain, step 4's pages), and `curate train transformer` for topic (weak.topic, step 4's
   pages: a head on the quality student's MiniLM encoder);
6. `curate train transformer --precision int8 --max-tokens 128` for quality (weak.reference) on
   the MiniLM encoder with int8 linear layers, reading the first 128 tokens (3x the documents per
   CPU second of fp32 at 256 tokens; the trade-off table is in its model card).
Training is single-threaded and seeded, so the fastText models come out the same on a rerun.
Each command runs in its own process, as a user would run it: fastText trainings run one after
another in one process hit "Encountered NaN" on the third model (fasttext-numpy2-wheel 0.9.2),
while the same training alone converges.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benchmarks.classifier_corpus import build as build_corpus
from benchmarks.page_corpus import build as build_pages
from classifiers.bundled import MODELS_DIR, ROLES

TRANSFORMER_EXAMPLES = 600
# Chosen on a tune fifth of the pages' train half (never the held-out half): the domain view,
# math pages shown twice (they are the rarest class) and 50 epochs gave the best balance of code
# and math precision and recall there (benchmarks/README.md, "Domain and topic students").
DOMAIN_REPEATS = {"math_reasoning": 2}
DOMAIN_EPOCHS = 50
# The topic student is a head on the quality student's own encoder (MiniLM, int8, the first 128
# tokens: title and lead of a news page), so it adds no encoder pass to a run. On the same tune
# fifth its accuracy on web pages with a URL label was 0.366 against 0.244 for the best fastText
# (words, 150 pages per topic at most, lr 1.0), both trained with the content-word topics
# (benchmarks/README.md); the head's class-balanced loss keeps documentation from swamping it.
TOPIC_MAX_TOKENS = 128
TOPIC_PRECISION = "int8"


def commands(work: Path, teacher_sample: int) -> list[list[str]]:
    corpus, labels = str(work / "corpus.jsonl"), str(work / "labels.jsonl")
    pages, page_labels = str(work / "pages.jsonl"), str(work / "page_labels.jsonl")
    models = {role: str(MODELS_DIR / name) for role, name in ROLES.items()}
    steps = [["label", "--input", corpus, "--output", labels, "--teacher", "none", "--min-chars", "1"],
             ["label", "--input", pages, "--output", page_labels, "--teacher", "none",
              "--min-chars", "1"]]
    if teacher_sample:
        steps.append(["label", "--input", corpus, "--output", labels, "--sample", str(teacher_sample),
                      "--max-chars", "800"])
    return [
        *steps,
        ["train", "fasttext", "--labels", labels, "--field", "weak.reference", "--split", "train",
         "--output", models["quality_en"]],
        ["train", "fasttext", "--labels", page_labels, "--field", "weak.domain", "--split", "train",
         "--view", "domain", "--epoch", str(DOMAIN_EPOCHS),
         *(f"--repeat={label}={n}" for label, n in DOMAIN_REPEATS.items()),
         "--output", models["domain"]],
        ["train", "transformer", "--labels", page_labels, "--field", "weak.topic", "--split", "train",
         "--precision", TOPIC_PRECISION, "--max-tokens", str(TOPIC_MAX_TOKENS),
         "--output", models["topic"]],
        ["train", "transformer", "--labels", labels, "--field", "weak.reference", "--split", "train",
         "--max-examples", str(TRANSFORMER_EXAMPLES), "--precision", "int8",
         "--max-tokens", "128", "--output", models["quality_transformer"]],
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/classifiers"))
    parser.add_argument("--teacher-sample", type=int, default=60,
                        help="documents the SmolLM2 teacher labels (0: skip; ~20 s each on 2 cores)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(args.work / "corpus.jsonl")
    print(f"corpus: {len(corpus)} documents in {args.work / 'corpus.jsonl'}", file=sys.stderr)
    pages = build_pages(args.work / "pages.jsonl")
    print(f"pages: {len(pages)} documents in {args.work / 'pages.jsonl'}", file=sys.stderr)
    for argv in commands(args.work, args.teacher_sample):
        print("$ curate " + " ".join(argv), file=sys.stderr)
        status = subprocess.run([sys.executable, "-m", "pipelines.cli", *argv], check=False).returncode
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
