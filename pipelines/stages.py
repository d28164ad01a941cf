"""Every stage of a run by name, for `curate stage NAME`, without importing Apache Beam.

`curate stage extract` used to import `pipelines.graph` to find its stage, and with it Beam and,
through the classify module's RunInference, `apache_beam.ml` and torch: 3.1 of the 5 CPU seconds
it spent before its first page (issue 22, "Start-up"; `benchmarks/startup.py`). Here each name
maps to the module and class that implement it, and only the one asked for is imported.

Per-document stages are `curation.stage.Stage`s; corpus stages (`CorpusStage`) are the exact
in-memory references of the Beam dedup and mix transforms. `classify` runs through its Beam
ModelHandlers in this process (`pipelines.classify.classify_in_memory`), so it is neither.
"""

from __future__ import annotations

import importlib

from curation.config import Config, with_overrides
from curation.stage import CorpusStage, Stage

# name -> (module, class, the config section under `stages` it takes)
PER_DOCUMENT: dict[str, tuple[str, str, str]] = {
    "url_safety": ("curation.safety.url_filter", "UrlSafetyStage", "url_safety"),
    "extract": ("curation.extract.stage", "ExtractStage", "extract"),
    "langid": ("curation.langid.stage", "LangIdStage", "langid"),
    "pii": ("curation.pii.stage", "PiiStage", "pii"),
    "heuristics": ("curation.heuristics.stage", "HeuristicsStage", "heuristics"),
    "tokenize": ("curation.mix.mixer", "TokenizeStage", "mix"),
}
CORPUS: dict[str, tuple[str, str, str | None]] = {
    "url_dedup": ("curation.dedup.url", "UrlDedup", None),
    "minhash_dedup": ("curation.dedup.near_dup", "MinHashDedup", "minhash_dedup"),
    "line_dedup": ("curation.dedup.lines", "LineDedup", "line_dedup"),
    "mix": ("curation.mix.mixer", "Mixer", "mix"),
}
# in the order a run passes documents through them (pipelines/graph.py)
STAGE_NAMES = ("url_safety", "extract", "langid", "pii", "url_dedup", "minhash_dedup", "line_dedup",
               "heuristics", "classify", "tokenize", "mix")


def per_document_stage(name: str, config: Config) -> Stage:
    """The per-document stage `name`, enabled whatever the config says (it was asked for)."""
    module, cls, section = PER_DOCUMENT[name]
    config = with_overrides(config, {f"stages.{section}.enabled": True})
    return getattr(importlib.import_module(module), cls)(getattr(config.stages, section))


def corpus_stage(name: str, config: Config) -> CorpusStage | None:
    """The in-memory reference of corpus stage `name`, or None if `name` is not one."""
    if name not in CORPUS:
        return None
    module, cls, section = CORPUS[name]
    stage_class = getattr(importlib.import_module(module), cls)
    return stage_class() if section is None else stage_class(getattr(config.stages, section))
