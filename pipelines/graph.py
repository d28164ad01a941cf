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

URL dedup runs after extraction, as Llama 3 (section 3.1.1) lists it; the cost is extracting the
older fetches of re-crawled URLs, a few percent of a crawl. No document crosses a shuffle before
the mix: URL dedup shuffles a URL key and a fetch time per document.

Every stage's dropped documents feed a bounded audit sample and its failures feed the dead-letter
files.

Execution is staged (issue 21, docs/ARCHITECTURE.md): read to pii stream file by file into
staging shards (pipelines/staging.py); the dedup stages decide on compact records and their
decisions are applied in the shards (pipelines/decisions.py); heuristics, classify and tokenize
then run on the shards' surviving documents in the same fused step. A killed run resumes from
its complete staging shards (pipelines/run.py).
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
from pipelines.decisions import DedupStaged
from pipelines.mix import Mix
from pipelines.provenance import git_sha
from pipelines.stage_transform import ApplyStage
from pipelines.staging import StageDocuments, per_document_fingerprint
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


def stage_order(config: Config) -> list[str]:
    """The stages a run with `config` passes documents through, in order (for stats)."""
    names = ["read", *(stage.name for stage in pre_dedup_stages(config))]
    names += [stage.name for stage in per_document_stages(config)]
    if config.stages.url_dedup.enabled:
        names.append("url_dedup")
    names += [name for name in ("minhash_dedup", "line_dedup")
              if getattr(config.stages, name).enabled]
    names += [stage.name for stage in post_dedup_stages(config)]
    if config.stages.classify.enabled:
        names.append("classify")
    return [*names, *(("tokenize", "mix") if config.stages.mix.enabled else ("write",))]


def build_pipeline(pipeline: beam.Pipeline, config: Config, inputs: Sequence[str]) -> None:
    out = config.output.dir
    head = config.output.error_text_head_chars
    streamed = [*pre_dedup_stages(config), *per_document_stages(config)]
    run_fingerprint = per_document_fingerprint(
        config, [stage.name for stage in streamed], git_sha())
    staged = pipeline | StageDocuments(inputs, config, streamed, run_fingerprint)
    dropped: list[beam.PCollection] = []
    errors: list[beam.PCollection] = [staged.errors]

    deduped = staged.shards | DedupStaged(config)
    docs = deduped.docs
    dropped.append(deduped.dropped)

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
        (dropped or [pipeline | "NoDropped" >> beam.Create([])])
        | "AllDropped" >> beam.Flatten()
        | WriteDroppedSamples(out, config.output.dropped_samples_per_reason, staged.samples)
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
