"""Everything the run report shows, read from one run's output directory, with bounded memory.

Sources (the layout in pipelines/write.py and pipelines/run.py):
- `stats.json`: every stage's seen, kept, dropped.<reason> and error.<type> counters (the funnel
  and the drop reasons are exact, from the run's own counters);
- `manifest.json`: documents and bytes per category, and, when the mix stage ran (issue 8), its
  `mix` section; the resolved config (for thresholds) and provenance;
- `shards/index.json` and the Parquet shards: per-document values for the distributions;
- `dropped/<stage>/<reason>.jsonl`: the audit sample (already bounded by the run);
- `errors/<stage>/part-*.jsonl`: dead letters.

Distributions come from a deterministic sample, never the whole output: at most `max_docs`
documents, the first rows of each shard (shards are sorted by document id, so that is the
documents with the smallest ids, a hash-like order), and when there are more shards than
`max_docs`, the shards whose path hashes smallest (blake2b). The report says how many documents
of how many it read. Paths are fsspec paths, so a gs:// or s3:// output works the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import fsspec
import pyarrow.parquet as pq

DEFAULT_MAX_DOCS = 20_000
# WARC records that describe a crawl rather than hold a page (WARC 1.1 sections 6.4, 6.5, 6.7): the
# read stage drops them by type, but they are bookkeeping, not quality drops, so the report shows
# them apart and its funnel starts from the records that are pages.
BOOKKEEPING = ("read", ("record_request", "record_metadata", "record_warcinfo"))
FUNNEL_LABELS = {
    "read": "pages read (HTTP 200 HTML)", "url_safety": "URL safety passed",
    "extract": "text extracted", "langid": "language identified", "pii": "PII redacted",
    "url_dedup": "unique URL", "minhash_dedup": "not a near duplicate (MinHash)",
    "line_dedup": "left after line dedup", "heuristics": "quality rules passed",
    "classify": "classified", "tokenize": "tokenized, in a mix category",
    "mix": "written by the mix", "write": "written",
}
_ERROR_RECORDS = 20
_BATCH_ROWS = 1_024


@dataclasses.dataclass(frozen=True)
class DroppedSample:
    stage: str
    reason: str
    detail: str
    evidence: tuple[str, ...]
    doc: dict[str, Any]


@dataclasses.dataclass
class ShardSample:
    """Per-document values of the sampled kept documents."""

    docs_total: int = 0
    shards_total: int = 0
    shards_read: int = 0
    rows_per_shard: int = 0
    chars: list[int] = dataclasses.field(default_factory=list)
    words: list[int] = dataclasses.field(default_factory=list)
    langs: Counter[str] = dataclasses.field(default_factory=Counter)
    lang_scores: list[float] = dataclasses.field(default_factory=list)
    categories: Counter[str] = dataclasses.field(default_factory=Counter)
    scores: dict[str, list[float]] = dataclasses.field(default_factory=dict)

    @property
    def docs(self) -> int:
        return len(self.chars)


@dataclasses.dataclass
class ReportData:
    out_dir: str
    stats: dict[str, Any]
    manifest: dict[str, Any]
    sample: ShardSample
    dropped: dict[tuple[str, str], list[DroppedSample]]
    errors: list[dict[str, Any]]

    def funnel(self) -> list[tuple[str, int]]:
        """(readable label, documents) left after each stage, starting with the input records
        that are not WARC bookkeeping (`bookkeeping()`)."""
        stages = self.stats.get("stages", {})
        order = self.stats.get("order", [])
        if not order:
            return []
        first = int(stages.get(order[0], {}).get("seen", 0))
        first -= sum(count for _, count in self.bookkeeping())
        rows = [("input records, less WARC bookkeeping", first)]
        rows += [(FUNNEL_LABELS.get(name, name), int(stages.get(name, {}).get("kept", 0)))
                 for name in order]
        return rows

    def bookkeeping(self) -> list[tuple[str, int]]:
        """(reason, records) of the WARC request, metadata and warcinfo records read."""
        stage, reasons = BOOKKEEPING
        dropped = self.stats.get("stages", {}).get(stage, {}).get("dropped", {})
        return [(reason, int(dropped[reason])) for reason in reasons if dropped.get(reason)]

    def drop_reasons(self, include_bookkeeping: bool = False) -> list[tuple[str, str, int]]:
        """(stage, reason, count) for every reason that removed a document, in stage order;
        the WARC bookkeeping records only with `include_bookkeeping`."""
        stage_of_bookkeeping, bookkeeping = BOOKKEEPING
        rows = []
        for name in self.stats.get("order", []):
            stage = self.stats["stages"].get(name, {})
            rows += [(name, reason, count) for reason, count in stage.get("dropped", {}).items()
                     if include_bookkeeping or name != stage_of_bookkeeping
                     or reason not in bookkeeping]
        return rows

    def error_counts(self) -> list[tuple[str, str, int]]:
        rows = []
        for name in self.stats.get("order", []):
            stage = self.stats["stages"].get(name, {})
            rows += [(name, kind, count) for kind, count in stage.get("errors", {}).items()]
        return rows

    def mix(self) -> dict[str, Any] | None:
        """The mix section as `{"target": {category: share}, "achieved": {...}, "basis", ...}`.

        The mixer (pipelines/mix.py) writes per-category `target_share` and `achieved_share`
        under `categories`; that shape is flattened here, and its other keys (warnings, the
        category that limited the mix, repeats) are kept for the report to show."""
        mix = self.manifest.get("mix")
        if not isinstance(mix, dict):
            return None
        categories = mix.get("categories")
        if isinstance(categories, dict) and "achieved" not in mix:
            flat = {k: v for k, v in mix.items() if k not in ("categories", "config")}
            flat["target"] = {n: c.get("target_share", 0.0) for n, c in categories.items()}
            flat["achieved"] = {n: c.get("achieved_share", 0.0) for n, c in categories.items()}
            flat["basis"] = "tokens"
            flat["per_category"] = {
                n: {k: c.get(k) for k in ("reachable", "share_shortfall_pp", "tokens_short",
                                          "achieved_tokens", "docs_written", "repeats_used")}
                for n, c in categories.items()
            }
            # per topic, before (available) and after (planned, achieved) the topic rates
            flat["topics"] = {
                n: {t: {k: v.get(k) for k in ("downsample_rate", "available_tokens",
                                              "planned_tokens", "achieved_tokens")}
                    for t, v in (c.get("topics") or {}).items()}
                for n, c in categories.items() if c.get("topics")
            }
            return flat
        return mix

    def tokens_written(self) -> int | None:
        """Tokens written, where a stage counted them (the mixer, issue 8); else None."""
        mix = self.manifest.get("mix")
        if isinstance(mix, dict):
            for key in ("tokens_written", "achieved_tokens"):
                if isinstance(mix.get(key), int | float):
                    return int(mix[key])
        tokens = [c.get("tokens") for c in self.manifest.get("categories", {}).values()]
        if tokens and all(isinstance(t, int | float) for t in tokens):
            return int(sum(tokens))
        return None


class ReportInputError(ValueError):
    """The directory is not a finished run's output (no stats.json)."""


def gather(out_dir: str, max_docs: int = DEFAULT_MAX_DOCS) -> ReportData:
    fs, root = fsspec.core.url_to_fs(out_dir)
    stats_path = _join(root, "stats.json")
    if not fs.exists(stats_path):
        raise ReportInputError(f"{out_dir} has no stats.json: not the output of a finished `curate run`")
    stats = _read_json(fs, stats_path)
    manifest_path = _join(root, "manifest.json")
    manifest = _read_json(fs, manifest_path) if fs.exists(manifest_path) else {}
    return ReportData(
        out_dir=out_dir,
        stats=stats,
        manifest=manifest,
        sample=sample_shards(fs, root, manifest.get("shards", []), max_docs),
        dropped=read_dropped(fs, root),
        errors=read_errors(fs, root, _ERROR_RECORDS),
    )


def sample_shards(fs: Any, root: str, shards: list[dict[str, Any]], max_docs: int) -> ShardSample:
    sample = ShardSample(docs_total=sum(int(s.get("docs", 0)) for s in shards), shards_total=len(shards))
    if not shards or max_docs <= 0:
        return sample
    chosen = sorted(shards, key=lambda s: hashlib.blake2b(s["path"].encode(), digest_size=8).digest())
    chosen = sorted(chosen[:max_docs], key=lambda s: s["path"])
    sample.rows_per_shard = max(1, math.ceil(max_docs / len(chosen)))
    for shard in chosen:
        path = _join(root, shard["path"])
        if not fs.exists(path):
            continue
        sample.shards_read += 1
        for row in _first_rows(fs, path, sample.rows_per_shard):
            _add_row(sample, row, shard.get("category", ""))
            if sample.docs >= max_docs:
                return sample
    return sample


def _first_rows(fs: Any, path: str, limit: int) -> Iterator[dict[str, Any]]:
    columns = ["text", "lang", "lang_score", "scores"]
    with fs.open(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        names = set(parquet.schema_arrow.names)
        read = 0
        for batch in parquet.iter_batches(batch_size=min(limit, _BATCH_ROWS),
                                          columns=[c for c in columns if c in names]):
            for row in batch.to_pylist():
                yield row
                read += 1
                if read >= limit:
                    return


def _add_row(sample: ShardSample, row: dict[str, Any], category: str) -> None:
    text = row.get("text") or ""
    sample.chars.append(len(text))
    sample.words.append(len(text.split()))
    sample.langs[row.get("lang") or "unknown"] += 1
    if row.get("lang_score") is not None:
        sample.lang_scores.append(float(row["lang_score"]))
    sample.categories[category] += 1
    for item in row.get("scores") or []:
        sample.scores.setdefault(item["key"], []).append(float(item["value"]))


def read_dropped(fs: Any, root: str) -> dict[tuple[str, str], list[DroppedSample]]:
    dropped: dict[tuple[str, str], list[DroppedSample]] = {}
    for path in sorted(fs.glob(_join(root, "dropped", "*", "*.jsonl"))):
        parts = path.rstrip("/").split("/")
        stage, reason = parts[-2], parts[-1].removesuffix(".jsonl")
        samples = dropped.setdefault((stage, reason), [])
        with fs.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    samples.append(_dropped_sample(json.loads(line), stage, reason))
    return dropped


def _dropped_sample(record: dict[str, Any], stage: str, reason: str) -> DroppedSample:
    return DroppedSample(
        stage=str(record.get("stage") or stage),
        reason=str(record.get("reason") or reason),
        detail=str(record.get("detail") or ""),
        evidence=tuple(str(item) for item in record.get("evidence") or ()),
        doc=dict(record.get("doc") or {}),
    )


def read_errors(fs: Any, root: str, limit: int, stage: str = "*") -> list[dict[str, Any]]:
    """At most `limit` dead letters under `root`, of every stage or of `stage` alone."""
    records: list[dict[str, Any]] = []
    for path in sorted(fs.glob(_join(root, "errors", stage, "*.jsonl"))):
        with fs.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    records.append(json.loads(line))
                    if len(records) >= limit:
                        return records
    return records


def read_stage_errors(out_dir: str, stage: str, limit: int) -> list[dict[str, Any]]:
    """At most `limit` dead letters of one stage of the run in `out_dir` (none if it has none)."""
    fs, root = fsspec.core.url_to_fs(out_dir)
    return read_errors(fs, root, limit, stage)


def dead_letter_origin(record: dict[str, Any]) -> str:
    """Where a dead letter comes from: `file line N` (JSONL), `file at byte N` (WARC), else the URL."""
    source = record.get("source")
    if isinstance(source, dict) and source.get("file"):
        if source.get("line") is not None:
            return f"{source['file']} line {source['line']}"
        offset = source.get("offset")
        return f"{source['file']} at byte {offset}" if offset else str(source["file"])
    return str(record.get("url") or record.get("doc_id") or "?")


def _read_json(fs: Any, path: str) -> dict[str, Any]:
    with fs.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])
