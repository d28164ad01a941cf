"""Per-document logic of the `classify` stage: probabilities -> document fields -> keep or drop.

Llama 3 (arXiv:2407.21783, section 3.1.1) scores every document with its fastText and
DistilRoBERTa students and uses the scores to filter for quality, to route code and
math/reasoning pages, and to downsample over-represented topics. Following Dolma's split of
taggers and rules, the models only write scores here (`classifiers/handlers.py` runs them) and
these pure functions decide, with the thresholds of `ClassifyConfig`:

- `quality_fasttext` / `quality_transformer`: the positive label's probability (`1` for the
  reference-text model, `high` for a teacher-quality model);
- `domain_code`, `domain_math`, `domain_other`: the domain model's probabilities; the mix reads
  `domain_code` and `domain_math` against its own thresholds (`stages.mix.rules`);
- `metadata["topic"]` and `topic_score`: the most likely topic and its probability, which the mix
  caps per topic.

Which quality model scores a document is chosen by its language (`quality_model_for`), with the
documented fallback of `ClassifyConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping

from curation.config import ClassifyConfig
from curation.document import Document
from curation.stage import Drop

POSITIVE_LABELS = ("1", "high", "positive")
DOMAIN_SCORES = {"code": "domain_code", "math_reasoning": "domain_math", "other": "domain_other"}


def quality_model_for(lang: str | None, config: ClassifyConfig) -> str | None:
    """The language key of the quality model for `lang`: its own (or its base language's, `pt`
    for `pt-BR`), else `quality_fallback`, else None (no quality score)."""
    if lang:
        for key in (lang, lang.split("-")[0].split("_")[0]):
            if key in config.quality_models:
                return key
    return config.quality_fallback


def in_model_languages(lang: str | None, languages: tuple[str, ...]) -> bool:
    """Whether a language-bound student (domain, topic, transformer) scores a `lang` document."""
    if not languages:
        return True
    return bool(lang) and (lang in languages or lang.split("-")[0].split("_")[0] in languages)


def positive_probability(probs: Mapping[str, float]) -> float:
    """The probability of the positive label of a binary quality model."""
    for label in POSITIVE_LABELS:
        if label in probs:
            return float(probs[label])
    raise ValueError(f"no positive label ({', '.join(POSITIVE_LABELS)}) among {sorted(probs)}")


def domain_scores(probs: Mapping[str, float]) -> dict[str, float]:
    unknown = set(probs) - set(DOMAIN_SCORES)
    if unknown:
        raise ValueError(f"domain model has labels {sorted(unknown)}; expected {sorted(DOMAIN_SCORES)}")
    return {DOMAIN_SCORES[label]: round(float(p), 6) for label, p in probs.items()}


def topic_fields(probs: Mapping[str, float]) -> tuple[str, float]:
    """The most likely topic (ties to the alphabetically first) and its probability, to 2
    decimals. A probability moved by about 1e-6 between runs (0.8040 against 0.8041 with 2
    worker processes) because the head's BLAS product summed a row differently by batch size;
    `transformer_student.row_logits` makes it bit-identical whatever the batch
    (tests/test_classify_determinism.py). The 2 decimals stay as a margin: a cap per topic
    needs no finer score, and a coarse score cannot carry a last-bit difference of another
    encoder build into the shards."""
    topic = min(probs, key=lambda label: (-probs[label], label))
    return topic, round(float(probs[topic]), 2)


def decide(doc: Document, config: ClassifyConfig) -> Document | Drop:
    """Drop a document whose quality score is below a configured minimum; keep it otherwise.
    A missing score (no model for the language, classifier off) never drops."""
    if not (doc.text or "").strip():
        return Drop("no_text")
    for name, minimum in (("quality_fasttext", config.min_quality_fasttext),
                          ("quality_transformer", config.min_quality_transformer)):
        score = doc.scores.get(name)
        if score is not None and minimum > 0 and score < minimum:
            return Drop(f"low_{name}", f"{score:.3f}<{minimum:g}")
    return doc
