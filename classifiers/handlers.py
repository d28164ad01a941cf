"""Beam RunInference `ModelHandler`s for the classify stage's students.

Llama 3 (section 3.1.1) runs a fastText and a DistilRoBERTa classifier over web documents; Beam's
RunInference (apache_beam.ml.inference) is the idiomatic way to run a model over a PCollection:
the handler's `load_model` runs once per worker (the model is shared by the DoFn instances of a
process through Beam's `Shared` handle), `run_inference` gets batches of `batch_size` documents
(`batch_elements_kwargs`), and `RunInference(...).with_exception_handling()` sends a batch that
raised to the dead-letter output. Beam's own `huggingface_inference` module needs TensorFlow
(RESOURCES.md), so the transformer handler is our own.

Each handler maps documents to `PredictionResult(example=doc, inference=Fields)`, where `Fields`
holds the scores and metadata to add to the document; `pipelines/classify.py` merges them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from apache_beam.ml.inference.base import ModelHandler, PredictionResult

from classifiers import fasttext_student
from classifiers.bundled import resolve
from classifiers.text_views import apply_view
from curation.classify.decide import (
    domain_scores,
    in_model_languages,
    positive_probability,
    quality_model_for,
    topic_fields,
)
from curation.config import ClassifyConfig
from curation.document import Document


@dataclasses.dataclass(frozen=True)
class Fields:
    """What one classifier adds to a document."""

    scores: Mapping[str, float] = dataclasses.field(default_factory=dict)
    metadata: Mapping[str, str] = dataclasses.field(default_factory=dict)


def merge(result: PredictionResult) -> Document:
    doc: Document = result.example
    fields: Fields = result.inference
    if fields.metadata:
        doc = doc.with_metadata(**fields.metadata)
    return doc.with_scores(**fields.scores) if fields.scores else doc


class _DocumentHandler(ModelHandler[Document, PredictionResult, Any]):
    """Shared batching for our handlers: `batch_size` documents per `run_inference` call.
    Handlers bound to `languages` leave documents in other languages unscored."""

    name: str

    def __init__(self, batch_size: int, languages: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._batch_size = batch_size
        self._languages = languages

    def run_inference(self, batch: Sequence[Document], model: Any,
                      inference_args: Mapping[str, Any] | None = None) -> Iterable[PredictionResult]:
        chosen = [i for i, doc in enumerate(batch) if in_model_languages(doc.lang, self._languages)]
        fields = [Fields() for _ in batch]
        if chosen:
            for i, f in zip(chosen, self.score(model, [batch[i] for i in chosen]), strict=True):
                fields[i] = f
        return [PredictionResult(doc, f, self.name) for doc, f in zip(batch, fields, strict=True)]

    def score(self, model: Any, docs: Sequence[Document]) -> list[Fields]:
        raise NotImplementedError

    def batch_elements_kwargs(self) -> Mapping[str, Any]:
        return {"min_batch_size": 1, "max_batch_size": self._batch_size}

    def get_metrics_namespace(self) -> str:
        return f"curation.classify.{self.name}"

    def get_num_bytes(self, batch: Sequence[Document]) -> int:
        return sum(len(doc.text or "") for doc in batch)


class LanguageModels(dict[str, Any]):
    """Loaded quality models by language; a class (not a plain dict) because Beam's `Shared`
    keeps a weak reference to the loaded model."""


class FastTextQualityHandler(_DocumentHandler):
    """Per-language fastText quality models, chosen by `doc.lang` (`quality_model_for`); every
    model of `ClassifyConfig.quality_models` is loaded once. Writes `quality_fasttext`."""

    name = "quality_fasttext"

    def __init__(self, config: ClassifyConfig) -> None:
        super().__init__(config.batch_size)
        self._config = config

    def load_model(self) -> LanguageModels:
        paths = {lang: resolve(value, f"quality_{lang}")
                 for lang, value in self._config.quality_models.items()}
        return LanguageModels({lang: fasttext_student.load(path) for lang, path in paths.items()})

    def score(self, model: LanguageModels, docs: Sequence[Document]) -> list[Fields]:
        keys = [quality_model_for(doc.lang, self._config) for doc in docs]
        fields: list[Fields] = [Fields() for _ in docs]
        for key in sorted({k for k in keys if k is not None}):
            index = [i for i, k in enumerate(keys) if k == key]
            probs = fasttext_student.predict_probs(model[key], [docs[i].text or "" for i in index])
            for i, p in zip(index, probs, strict=True):
                fields[i] = Fields(scores={"quality_fasttext": round(positive_probability(p), 6)},
                                   metadata={"quality_model": key})
        return fields


class FastTextDomainHandler(_DocumentHandler):
    """The fastText domain model (code / math_reasoning / other). Writes `domain_*` scores."""

    name = "domain"

    def __init__(self, path: str, batch_size: int, languages: tuple[str, ...] = (),
                 view: str = "domain") -> None:
        super().__init__(batch_size, languages)
        self._path = path
        self._view = view

    def load_model(self) -> Any:
        return fasttext_student.load(resolve(self._path, "domain"))

    def score(self, model: Any, docs: Sequence[Document]) -> list[Fields]:
        texts = [apply_view(self._view, doc.text or "") for doc in docs]
        probs = fasttext_student.predict_probs(model, texts)
        return [Fields(scores=domain_scores(p)) for p in probs]


class FastTextTopicHandler(_DocumentHandler):
    """The fastText topic model. Writes `metadata["topic"]` and `topic_score`."""

    name = "topic"

    def __init__(self, path: str, batch_size: int, languages: tuple[str, ...] = ()) -> None:
        super().__init__(batch_size, languages)
        self._path = path

    def load_model(self) -> Any:
        return fasttext_student.load(resolve(self._path, "topic"))

    def score(self, model: Any, docs: Sequence[Document]) -> list[Fields]:
        fields = []
        for p in fasttext_student.predict_probs(model, [doc.text or "" for doc in docs]):
            topic, score = topic_fields(p)
            fields.append(Fields(scores={"topic_score": score}, metadata={"topic": topic}))
        return fields


class HeadModels(dict[str, Any]):
    """Loaded transformer students by role (`quality_transformer`, `topic`); a class, not a plain
    dict, because Beam's `Shared` keeps a weak reference to the loaded model."""


class TransformerHeadsHandler(_DocumentHandler):
    """Transformer students by role: `quality_transformer` (writes `quality_transformer`) and
    `topic` (writes `metadata["topic"]` and `topic_score`). Heads on the same frozen encoder
    share one forward pass per document, so the bundled topic head costs a matrix product on
    the embedding the quality head already needs."""

    def __init__(self, heads: Mapping[str, str], batch_size: int, languages: tuple[str, ...] = (),
                 torch_threads: int = 1) -> None:
        super().__init__(batch_size, languages)
        unknown = set(heads) - {"quality_transformer", "topic"}
        if unknown or not heads:
            raise ValueError(f"transformer heads are quality_transformer and topic, got {sorted(heads)}")
        self._heads = dict(heads)
        self._threads = torch_threads
        self.name = next(iter(heads)) if len(heads) == 1 else "transformer"

    def load_model(self) -> HeadModels:
        from classifiers.transformer_student import TransformerClassifier, set_torch_threads

        if self._threads:
            set_torch_threads(self._threads)
        encoders: dict[tuple[str, int, str], Any] = {}
        return HeadModels({role: TransformerClassifier(resolve(path, role), encoders=encoders)
                           for role, path in self._heads.items()})

    @staticmethod
    def probabilities(model: HeadModels, texts: Sequence[str]) -> dict[str, list[dict[str, float]]]:
        """Each head's label probabilities for `texts`, by role, bit-identical for a text whatever
        its neighbours in `texts` and the torch thread count: the encoder runs on one document at
        a time (padding a batch to its longest text changes the shapes of the int8 matrix
        products, and dynamic quantization scales activations per tensor, so per batch), and the
        head computes each row on its own (`transformer_student.row_logits`)."""
        embedded: dict[int, Any] = {}
        probs: dict[str, list[dict[str, float]]] = {}
        for role in sorted(model):
            student = model[role]
            encoder = student.encoder
            if encoder is None:
                probs[role] = student.predict_probs(texts, batch_size=1)
                continue
            if id(encoder) not in embedded:
                embedded[id(encoder)] = encoder.embed(texts, batch_size=1)
            probs[role] = student.probs_from_embeddings(embedded[id(encoder)])
        return probs

    def score(self, model: HeadModels, docs: Sequence[Document]) -> list[Fields]:
        scores: list[dict[str, float]] = [{} for _ in docs]
        metadata: list[dict[str, str]] = [{} for _ in docs]
        for role, probs in self.probabilities(model, [doc.text or "" for doc in docs]).items():
            for i, p in enumerate(probs):
                if role == "topic":
                    topic, score = topic_fields(p)
                    scores[i]["topic_score"] = score
                    metadata[i]["topic"] = topic
                else:
                    scores[i]["quality_transformer"] = round(positive_probability(p), 4)
        return [Fields(scores=s, metadata=m) for s, m in zip(scores, metadata, strict=True)]


class TransformerQualityHandler(TransformerHeadsHandler):
    """The transformer quality student alone (MiniLM encoder + head, or a fine-tuned RoBERTa)."""

    def __init__(self, path: str, batch_size: int, languages: tuple[str, ...] = (),
                 torch_threads: int = 1) -> None:
        super().__init__({"quality_transformer": path}, batch_size, languages, torch_threads)


FASTTEXT_SUFFIXES = (".ftz", ".bin")


def is_fasttext_topic_model(value: str) -> bool:
    """Whether a `topic_model` value names a fastText model; `bundled` is the MiniLM topic
    head (classifiers/models/topic_head.md), any other path is a transformer student."""
    return value != "bundled" and value.endswith(FASTTEXT_SUFFIXES)


def handlers_for(config: ClassifyConfig) -> list[_DocumentHandler]:
    """The handlers the config turns on, in a fixed order (fastText first: cheapest); the
    transformer students come last, in one handler, so they share the encoder's pass."""
    handlers: list[_DocumentHandler] = []
    langs = config.model_languages
    if config.quality_models:
        handlers.append(FastTextQualityHandler(config))
    if config.domain_model:
        handlers.append(FastTextDomainHandler(config.domain_model, config.batch_size, langs,
                                              config.domain_view))
    heads: dict[str, str] = {}
    if config.quality_transformer:
        heads["quality_transformer"] = config.quality_transformer
    if config.topic_model and is_fasttext_topic_model(config.topic_model):
        handlers.append(FastTextTopicHandler(config.topic_model, config.batch_size, langs))
    elif config.topic_model:
        heads["topic"] = config.topic_model
    if heads:
        handlers.append(TransformerHeadsHandler(heads, config.batch_size, langs,
                                                config.torch_threads))
    return handlers
