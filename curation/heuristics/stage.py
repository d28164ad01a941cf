"""The `heuristics` stage: named rule sets applied in order, each switchable and configurable.

Order: `dirty_words` (LDNOOBW counts in 28 languages, kept on every document; runs for every
language), `gopher_repetition` (Llama 3's "duplicated n-gram coverage ratio", Gopher Table A1),
`token_kl` (Llama 3's token-distribution KL, kept as `scores["token_kl"]`), `gopher_quality`, `c4`
(off by default; it rewrites the text to the lines it keeps) and `fineweb`. The first rule that
fires drops the document with its own reason (`gopher_dup_line_frac`, `token_kl`,
`c4_too_few_sentences`, `fineweb_list_ratio`, ...), the measured value as detail, and the spans
of the text that made it fire as evidence (curation/heuristics/evidence.py).

Scope today: English-style word splitting. Documents in `unspaced_languages` (Chinese, Japanese,
Thai, ...) skip the word-based rules. Gopher's stop-word rule uses the English list, so it only
runs on English documents unless `english_only_stop_words` is false. Not yet here (issue 6): KL
references beyond English, the per-line Gopher modifier and per-language threshold tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from curation.config import HeuristicsConfig
from curation.document import Document
from curation.heuristics.c4 import c4_clean
from curation.heuristics.dirty_words import dirty_words
from curation.heuristics.evidence import with_evidence
from curation.heuristics.fineweb import fineweb_quality
from curation.heuristics.gopher import gopher_quality, gopher_repetition
from curation.heuristics.text_stats import words
from curation.heuristics.token_kl import TokenKlFilter
from curation.stage import Drop, Outcome, Stage

VERSION = "1"


class HeuristicsStage(Stage):
    name = "heuristics"

    def __init__(self, config: HeuristicsConfig) -> None:
        self.config = config
        self._kl = TokenKlFilter(config.token_kl)
        # Gopher's stop words are English: other languages use the same rules without that one.
        self._quality_other_languages = config.gopher_quality.model_copy(update={"min_stop_words": 0})

    def process(self, doc: Document) -> Outcome:
        text = doc.text or ""
        if not text.strip():
            return Drop("no_text")
        config = self.config
        if config.dirty_words.enabled:
            counted = dirty_words(doc, config.dirty_words)
            if isinstance(counted, Drop):
                return with_evidence(counted, text, doc.lang, config)
            doc = counted
        if doc.lang in config.unspaced_languages:
            return doc.with_metadata(heuristics="skipped_unspaced")
        tokens = words(text)  # split once; recomputed only if C4 rewrites the text
        if config.gopher_repetition.enabled:
            drop = gopher_repetition(text, config.gopher_repetition, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        if config.token_kl.enabled:
            divergence, drop = self._kl.check(tokens, doc.lang or "en")
            if drop:
                return drop
            if divergence is not None:
                doc = doc.with_scores(token_kl=round(divergence, 6))
        if config.gopher_quality.enabled:
            quality = config.gopher_quality
            if config.english_only_stop_words and doc.lang not in (None, "en"):
                quality = self._quality_other_languages
            drop = gopher_quality(text, quality, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        if config.c4.enabled:
            cleaned = c4_clean(doc, config.c4)
            if isinstance(cleaned, Drop):
                return with_evidence(cleaned, text, doc.lang, config)
            doc, text = cleaned, cleaned.text or ""
            tokens = words(text)
        if config.fineweb.enabled:
            drop = fineweb_quality(text, config.fineweb, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        return doc.with_metadata(heuristics=f"v{VERSION}")

    def kept_counters(self, doc: Document) -> Mapping[str, int]:
        counts = {}
        if doc.metadata.get("heuristics") == "skipped_unspaced":
            counts["skipped.unspaced"] = 1
        if doc.metadata.get("dirty_words") == "no_list":
            counts["dirty_words.no_list"] = 1
        return counts
