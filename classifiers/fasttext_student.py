"""fastText students (Joulin et al. 2017, "Bag of Tricks for Efficient Text Classification").

Llama 3 (section 3.1.1) runs a fastText classifier over every document because it is cheap; it
is the first of its two students. We train supervised fastText on labelled rows (`curate label`
output), with word bigrams hashed into 200,000 buckets (the default 2M buckets cost 256 MB of
memory and most of the training time for no gain on a few thousand documents), and quantize
the result (`.ftz`, product quantization with a pruned vocabulary) so a bundled model is a few
hundred KB. Text is normalised the same way for training
and inference (`normalize`): lower case, one line, at most `MAX_CHARS` characters.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MAX_CHARS = 10_000
NAN_ATTEMPTS = 4
LABEL_PREFIX = "__label__"


def normalize(text: str, max_chars: int = MAX_CHARS) -> str:
    """One lower-case line of whitespace-separated tokens (fastText reads one example a line)."""
    return " ".join(text[:max_chars].lower().split())


def train(texts: Sequence[str], labels: Sequence[str], output: str | os.PathLike[str], *,
          epoch: int = 25, lr: float = 0.1, word_ngrams: int = 2, dim: int = 32,
          min_count: int = 2, bucket: int = 200_000, quantize: bool = True, cutoff: int = 20_000,
          seed: int = 0) -> Any:
    """Train on (text, label) pairs and save to `output` (quantized when `quantize`); returns
    the model. One thread, so a training run gives the same model every time."""
    if len(texts) != len(labels) or not texts:
        raise ValueError("need the same, non-zero number of texts and labels")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for text, label in zip(texts, labels, strict=True):
            f.write(f"{LABEL_PREFIX}{label} {normalize(text)}\n")
        train_path = f.name
    params = {"epoch": epoch, "lr": lr, "wordNgrams": word_ngrams, "dim": dim,
              "minCount": min_count, "bucket": bucket, "loss": "softmax", "thread": 1,
              "seed": seed, "verbose": 0}
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    try:
        for attempt in range(1, NAN_ATTEMPTS + 1):
            # Each attempt in a fresh process: fasttext-numpy2-wheel 0.9.2 now and then reports
            # "Encountered NaN" on a training that the same command, run again, finishes (seen
            # here with the same data, seed and settings), and once a process has hit it, later
            # trainings in it tend to fail too (the third of three models in one process did).
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                try:
                    pool.apply(_train_file, (train_path, str(output), params, quantize, cutoff))
                    break
                except RuntimeError as exc:
                    if "NaN" not in str(exc) or attempt == NAN_ATTEMPTS:
                        raise
    finally:
        Path(train_path).unlink(missing_ok=True)
    return load(output)


def _train_file(train_path: str, output: str, params: dict[str, Any], quantize: bool,
                cutoff: int) -> None:
    import fasttext

    model = fasttext.train_supervised(input=train_path, **params)
    if quantize:
        model.quantize(input=train_path, qnorm=True, retrain=False, cutoff=cutoff, thread=1,
                       verbose=0)
    model.save_model(output)


def load(path: str | os.PathLike[str]) -> Any:
    import fasttext

    return fasttext.load_model(str(path))


def label_names(model: Any) -> list[str]:
    return [label.removeprefix(LABEL_PREFIX) for label in model.get_labels()]


def predict_probs(model: Any, texts: Sequence[str]) -> list[dict[str, float]]:
    """Every label's probability for each text (an empty text gets the model's prior guess).
    fastText adds 1e-5 inside its softmax output, so a sure label can read 1.00001: clipped."""
    names = model.get_labels()
    lines = [normalize(text) for text in texts]
    labels, probs = model.predict(lines, k=len(names))
    return [{label.removeprefix(LABEL_PREFIX): min(1.0, float(p)) for label, p in zip(ls, ps, strict=True)}
            for ls, ps in zip(labels, probs, strict=True)]
