"""The `heuristics` stage: named rule sets applied in order, each switchable and configurable.

Order: `dirty_words` (LDNOOBW counts in 28 languages, kept on every document; runs for every
language), the `gopher_repetition` line modifier (Llama 3 applies duplicated n-gram coverage to
lines: curation/heuristics/gopher_lines.py), `gopher_repetition` over the document (Gopher Table
A1), `token_kl` (Llama 3's token-distribution KL, kept as `scores["token_kl"]`), `gopher_quality`,
`c4` (off by default; it rewrites the text to the lines it keeps) and `fineweb` (not on pages the
weak code/math rules flag, `skip_on_code_and_math`: its line rules are prose rules). The first rule
that fires drops the document with its own reason (`gopher_dup_line_frac`, `token_kl`,
`c4_too_few_sentences`, `fineweb_list_ratio`, ...), the measured value as detail, and the spans
of the text that made it fire as evidence (curation/heuristics/evidence.py).

Languages: words come from `segment.split_words` (a segmenter for th, zh and ja, spaces
elsewhere), split once per line and reused by every rule. Each rule set's `per_language` table is
resolved once per language per worker. Gopher's stop-word rule uses the language's own list
(`GOPHER_STOP_WORDS` in curation/config.py); a language without one skips that rule (counted as
`gopher_quality.no_stop_words`). Documents in `unspaced_languages` (no spaces, no segmenter)
skip the word-based rules (counted as `skipped.unspaced`).

Versions: `metadata["heuristics"]` is `v2` (v1 had no segmentation, no per-language tables and no
line modifier), so a score never changes meaning under the same name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial

from classifiers.weak_labels import looks_like_code_or_math
from curation.config import (
    C4Config,
    FineWebConfig,
    GopherQualityConfig,
    GopherRepetitionConfig,
    HeuristicsConfig,
)
from curation.document import Document
from curation.heuristics.c4 import c4_clean
from curation.heuristics.dirty_words import dirty_words
from curation.heuristics.evidence import with_evidence
from curation.heuristics.fineweb import fineweb_quality
from curation.heuristics.gopher import gopher_quality, gopher_repetition
from curation.heuristics.gopher_lines import remove_repeated_lines
from curation.heuristics.segment import split_words
from curation.heuristics.token_kl import TokenKlFilter
from curation.stage import Drop, Outcome, Stage

VERSION = "2"


@dataclasses.dataclass(frozen=True)
class LanguageRules:
    """Every rule set with one language's overrides applied."""

    repetition: GopherRepetitionConfig
    quality: GopherQualityConfig
    c4: C4Config
    fineweb: FineWebConfig
    has_stop_words: bool


class HeuristicsStage(Stage):
    name = "heuristics"

    def __init__(self, config: HeuristicsConfig) -> None:
        self.config = config
        self._kl = TokenKlFilter(config.token_kl)
        self._rules: dict[str, LanguageRules] = {}

    def rules(self, lang: str) -> LanguageRules:
        if lang not in self._rules:
            config = self.config
            quality = config.gopher_quality.for_language(lang)
            has_stop_words = (lang == "en" or quality.english_stop_words_everywhere
                              or "stop_words" in config.gopher_quality.per_language.get(lang, {}))
            if not has_stop_words:
                quality = quality.model_copy(update={"min_stop_words": 0})
            self._rules[lang] = LanguageRules(
                config.gopher_repetition.for_language(lang), quality,
                config.c4.for_language(lang), config.fineweb.for_language(lang), has_stop_words)
        return self._rules[lang]

    def process(self, doc: Document) -> Outcome:
        text = doc.text or ""
        if not text.strip():
            return Drop("no_text")
        config = self.config
        lang = doc.lang or "en"
        if config.dirty_words.enabled:
            counted = dirty_words(doc, config.dirty_words)
            if isinstance(counted, Drop):
                return with_evidence(counted, text, doc.lang, config)
            doc = counted
        if lang in config.unspaced_languages:
            return doc.with_metadata(heuristics="skipped_unspaced")
        rules = self.rules(lang)
        split = partial(split_words, lang=lang)
        raw_lines = text.split("\n")
        if config.gopher_repetition.enabled and rules.repetition.line_removal:
            raw_lines, line_tokens, removed = remove_repeated_lines(
                raw_lines, split, rules.repetition.line_dup_ngram_char_frac,
                rules.repetition.line_min_words)
            if removed and not any(line.strip() for line in raw_lines):
                return Drop("gopher_all_lines_removed", f"{removed} lines")
            if removed:
                text = "\n".join(raw_lines)
                doc = doc.replace(text=text).with_scores(gopher_lines_removed=float(removed))
        else:
            line_tokens = [split(line) for line in raw_lines if line.strip()]
        tokens = [w for words in line_tokens for w in words]  # split once; again only after C4
        if config.gopher_repetition.enabled:
            drop = gopher_repetition(text, rules.repetition, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        if config.token_kl.enabled:
            divergence, drop = self._kl.check(tokens, lang)
            if drop:
                return drop
            if divergence is not None:
                doc = doc.with_scores(token_kl=round(divergence, 6))
        if config.gopher_quality.enabled:
            drop = gopher_quality(text, rules.quality, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        if config.c4.enabled:
            cleaned = c4_clean(doc, rules.c4, split)
            if isinstance(cleaned, Drop):
                return with_evidence(cleaned, text, doc.lang, config)
            doc, text = cleaned, cleaned.text or ""
            tokens = split(text)
        if config.fineweb.enabled and not ("fineweb" in config.skip_on_code_and_math
                                           and looks_like_code_or_math(text)):
            drop = fineweb_quality(text, rules.fineweb, tokens)
            if drop:
                return with_evidence(drop, text, doc.lang, config)
        metadata = {"heuristics": f"v{VERSION}"}
        if config.gopher_quality.enabled and not rules.has_stop_words:
            metadata["gopher_stop_words"] = "no_list"
        return doc.with_metadata(**metadata)

    def kept_counters(self, doc: Document) -> Mapping[str, int]:
        counts = {}
        if doc.metadata.get("heuristics") == "skipped_unspaced":
            counts["skipped.unspaced"] = 1
        if doc.metadata.get("dirty_words") == "no_list":
            counts["dirty_words.no_list"] = 1
        if doc.metadata.get("gopher_stop_words") == "no_list":
            counts["gopher_quality.no_stop_words"] = 1
        removed = int(doc.scores.get("gopher_lines_removed", 0))
        if removed:
            counts["gopher_lines.removed"] = removed
            counts["gopher_lines.docs_changed"] = 1
        return counts
