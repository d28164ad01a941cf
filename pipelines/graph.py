"""The pipeline graph, top to bottom in the order of Llama 3 section 3.1.1 (cheap stages first).

    read        input files -> Documents            # Output: pages with html (or text)
    url_safety  adult/blocked domains, URL words    # Output: pages from acceptable sources
    extract     html -> main text (our extractor)   # Output: documents with text, html cleared
    langid      fastText lid.176 -> lang, score     # Output: documents with a confident language
    pii         emails, phones, IPs, ... -> <TYPE>  # Output: text with PII replaced
    url_dedup   newest fetch per normalised URL     # Output: one document per URL
    minhash_dedup  global near-duplicate clusters    # Output: one document per cluster
    line_dedup  lines seen > 6 times per bucket     # Output: documents without boilerplate lines
    heuristics  Gopher, C4 and FineWeb rules         # Output: documents that pass the rules
    classify    fastText + transformer students     # Output: quality, domain and topic scores
    tokenize    token count, mix category and topic # Output: documents with scores["tokens"]
    mix         token-exact 50/25/17/8 selection    # Output: shards/<category>/part-*.parquet, mix.json
    (write      Parquet shards per category, instead of tokenize and mix when the mix is disabled)

URL dedup is the first stage that shuffles documents, so it runs after extraction, on text (a few
KB a page) rather than on HTML (tens to hundreds of KB): with the HTML in the shuffle, Beam's local
runner ran out of memory (16.8 GB) at 20,000 pages (benchmarks/README.md, `pipeline.py`). The
cost is extracting the older fetches of re-crawled URLs, a few percent of a crawl; Llama 3
(section 3.1.1) also lists URL dedup after text extraction.

Every stage's dropped documents feed a bounded audit sample and its failures feed the dead-letter
files. Stages that later issues add (heuristics, classify, mix) slot into `per_document_stages`
or `corpus_stages` in the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import apache_beam as beam

from curation.config import Config
from curation.extract.stage import ExtractStage
from curation.heuristics.stage import HeuristicsStage
from curation.langid.stage import LangIdStage
from curation.pii.stage import PiiStage
from curation.safety.url_filter import UrlSafetyStage
from curation.stage import Stage
from pipelines.classify import Classify
from pipelines.line_dedup import LineDedup
from pipelines.minhash_dedup import MinHashDedup
from pipelines.mix import Mix
from pipelines.read import ReadDocuments
from pipelines.stage_transform import ApplyStage
from pipelines.url_dedup import UrlDedup
from pipelines.write import WriteDeadLetters, WriteDroppedSamples, WriteShards


def pre_dedup_stages(config: Config) -> list[Stage]:
    """Per-document stages that run first: cheap URL-only checks, before any parsing."""
    stages: list[Stage] = []
    if config.stages.url_safety.enabled:
        stages.append(UrlSafetyStage(config.stages.url_safety))
    return stages


def per_document_stages(config: Config) -> list[Stage]:
    """Per-document stages after the URL checks and before URL dedup, in order."""
    stages: list[Stage] = []
    if config.stages.extract.enabled:
        stages.append(ExtractStage(config.stages.extract))
    if config.stages.langid.enabled:
        stages.append(LangIdStage(config.stages.langid))
    if config.stages.pii.enabled:
        stages.append(PiiStage(config.stages.pii))
    return stages


def post_dedup_stages(config: Config) -> list[Stage]:
    """Per-document stages that run after the corpus-wide dedup stages."""
    stages: list[Stage] = []
    if config.stages.heuristics.enabled:
        stages.append(HeuristicsStage(config.stages.heuristics))
    return stages


def corpus_stages(config: Config) -> list[tuple[str, beam.PTransform]]:
    """Stages after the per-document ones whose decisions need other documents: (name, transform)."""
    stages: list[tuple[str, beam.PTransform]] = []
    if config.stages.minhash_dedup.enabled:
        stages.append(("minhash_dedup", MinHashDedup(config.stages.minhash_dedup)))
    if config.stages.line_dedup.enabled:
        stages.append(("line_dedup", LineDedup(config.stages.line_dedup)))
    return stages


def stage_order(config: Config) -> list[str]:
    """The stages a run with `config` passes documents through, in order (for stats)."""
    names = ["read", *(stage.name for stage in pre_dedup_stages(config))]
    names += [stage.name for stage in per_document_stages(config)]
    if config.stages.url_dedup.enabled:
        names.append("url_dedup")
    names += [name for name, _ in corpus_stages(config)]
    names += [stage.name for stage in post_dedup_stages(config)]
    if config.stages.classify.enabled:
        names.append("classify")
    return [*names, *(("tokenize", "mix") if config.stages.mix.enabled else ("write",))]


def build_pipeline(pipeline: beam.Pipeline, config: Config, inputs: Sequence[str]) -> None:
    out = config.output.dir
    head = config.output.error_text_head_chars
    read = pipeline | ReadDocuments(
        inputs, config.input.format, config.input.max_record_bytes, head, config.input.limit
    )
    docs, dropped, errors = read.kept, [read.dropped], [read.errors]

    docs = _apply_all(docs, pre_dedup_stages(config), head, dropped, errors)

    docs = _apply_all(docs, per_document_stages(config), head, dropped, errors)

    if config.stages.url_dedup.enabled:
        deduped = docs | UrlDedup()
        docs = deduped.kept
        dropped.append(deduped.dropped)

    for _, transform in corpus_stages(config):
        result = docs | transform
        docs = result.kept
        dropped.append(result.dropped)

    docs = _apply_all(docs, post_dedup_stages(config), head, dropped, errors)

    if config.stages.classify.enabled:
        classified = docs | Classify(config.stages.classify, head)
        docs = classified.kept
        dropped.append(classified.dropped)
        errors.append(classified.errors)

    if config.stages.mix.enabled:
        for result in docs | Mix(config.stages.mix, out, head):
            dropped.append(result.dropped)
            errors.append(result.errors)
    else:
        _ = docs | WriteShards(out, config.output.docs_per_shard)
    _ = (
        dropped
        | "AllDropped" >> beam.Flatten()
        | WriteDroppedSamples(out, config.output.dropped_samples_per_reason)
    )
    _ = errors | "AllErrors" >> beam.Flatten() | WriteDeadLetters(out)


def _apply_all(
    docs: beam.PCollection, stages: Sequence[Stage], head: int,
    dropped: list[beam.PCollection], errors: list[beam.PCollection],
) -> beam.PCollection:
    """Chain `stages` over `docs`, collecting each one's dropped and errors outputs."""
    for stage in stages:
        result = docs | ApplyStage(stage, head)
        docs = result.kept
        dropped.append(result.dropped)
        errors.append(result.errors)
    return docs
