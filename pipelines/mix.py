"""`Mix`: the token-exact mixer as a Beam composite (rules in curation/mix/).

    docs --ApplyStage(tokenize)--> documents with scores["tokens"] and metadata["category"]
      -> staging/<stage>/*.parquet, and light items (no text)      pipelines/mix_staging.py
      -> ((category, topic), (1, tokens))  CombinePerKey -> ToList (one row per cell) -> plan
      -> (((category, topic), rank bucket), tokens)  CombinePerKey -> per cell -> straddling bucket
      -> documents of overflowing buckets only: (cell, (rank, id, tokens)) GroupByKey -> cut, deficit
      -> documents after the cut that fit the deficit: Top.SmallestPerKey(64) by rank -> fill
      -> select (plan, cuts and fills as side inputs): copies / dropped, as (file, (row, decision))
      -> each staged file read once: the written copies with their text, the dropped documents
      -> shards/<category>/part-XXXXX-of-YYYYY.parquet, ~tokens_per_shard tokens each
      -> per-cell tallies -> mix.json (target against planned and achieved)

No step holds the corpus: the side inputs are the plan (one entry per cell), the overflowing
bucket of each cell, one cut per cell and at most 64 fill ids per cell; the only grouping of
documents is a shard, and the only grouping of (rank, id, tokens) triples is one hash bucket of
one cell, about 1/2^bits of it. The documents' text waits in the level-2 staging files while the
light items are planned and selected, and moves once, in the final write. The selection equals
the one `curation.mix.sampling.exact_selection` finds by sorting the whole cell, so the output
equals the in-memory `Mixer`'s on any runner and worker count.

With `anneal.enabled`, high-quality documents of the annealing categories go through the same
selection with their own plan, into `anneal/<category>/...` and `anneal/mix.json`; its counters
live in the `mix_anneal` namespace, outside the main funnel.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam import pvalue

from curation.config import MixConfig
from curation.mix.assign import CopyAssignment, copy_ids
from curation.mix.mixer import (
    STAGE,
    TOKENS,
    TokenizeStage,
    anneal_eligible,
    anneal_targets,
    mix_outputs,
    mix_targets,
    prepared,
)
from curation.mix.plan import Cell, CellTotal, MixPlan, MixTargets, plan_mix
from curation.mix.sampling import (
    FILL_CANDIDATES,
    TAKE_NONE,
    Cut,
    Selection,
    boundary_bucket,
    bucket_of,
    choose_fill,
    cut_in_bucket,
    is_fill_candidate,
)
from curation.mix.tokens import describe_tokenizer
from curation.stage import Drop
from pipelines.counters import StageCounters
from pipelines.mix_staging import StagedItem, decision_by_file, stage_items, write_from_staging
from pipelines.read import SOURCE_FIELD
from pipelines.stage_transform import ApplyStage, StageResult
from pipelines.staging import STAGING_DIR
from pipelines.write import WriteShardIndexFn, join_path, shard_of, write_bytes

ANNEAL_STAGE = "mix_anneal"
REPORT = "mix.json"
_TALLY = "tally"
_DECISION = "decision"
_ASSIGN = "assign"
DROP = "drop"

UNNAMED_SOURCE = "input"  # documents read from plain patterns carry no source name
logger = logging.getLogger(__name__)


def _add_pairs(values: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    total: tuple[int, ...] = ()
    for value in values:
        total = value if not total else tuple(a + b for a, b in zip(total, value, strict=True))
    return total


def _plan_from(rows: list[tuple[Cell, tuple[int, int]]], targets: MixTargets) -> MixPlan:
    return plan_mix({cell: CellTotal(docs, tokens) for cell, (docs, tokens) in rows}, targets)


class _BoundaryFn(beam.DoFn):
    """Per cell: (cut, deficit 0) when no bucket overflows the budget, else the overflowing
    bucket and the tokens still needed when it starts."""

    def process(self, item: tuple[Cell, Iterable[tuple[int, int]]], plan: MixPlan) -> Iterator[Any]:
        cell, buckets = item
        found = boundary_bucket(dict(buckets), plan.cell(cell).partial_tokens)
        if isinstance(found[1], str):
            yield pvalue.TaggedOutput("cuts", (cell, (found, 0)))
        else:
            yield cell, found


def _fill_candidates(staged: StagedItem, cuts: dict[Cell, tuple[Cut, int]]
                     ) -> Iterator[tuple[Cell, tuple[int, str, int]]]:
    item = staged.item
    cut, deficit = cuts.get(item.cell, (TAKE_NONE, 0))
    if is_fill_candidate(item.rank, item.doc.id, item.tokens, cut, deficit):
        yield item.cell, (item.rank, item.doc.id, item.tokens)


def _boundary_units(staged: StagedItem, boundaries: dict[Cell, tuple[int, int]], bits: int
                    ) -> Iterator[tuple[Cell, tuple[int, str, int]]]:
    item = staged.item
    boundary = boundaries.get(item.cell)
    if boundary is not None and bucket_of(item.rank, bits) == boundary[0]:
        yield item.cell, (item.rank, item.doc.id, item.tokens)


class _SelectFn(beam.DoFn):
    """Each light item's fate: dropped (a decision for its level-2 file), or kept with its copies,
    each assigned its output shard's hash bucket on compact records (curation/mix/assign.py)."""

    def __init__(self, stage: str, emit_dropped: bool, tokens_per_shard: int) -> None:
        self._stage = stage
        self._emit_dropped = emit_dropped
        self._tokens_per_shard = tokens_per_shard

    def setup(self) -> None:
        self._counters = StageCounters(self._stage)

    def process(self, staged: StagedItem, plan: MixPlan, cuts: dict[Cell, tuple[Cut, int]],
                fills: dict[Cell, frozenset[tuple[int, str, int]]]) -> Iterator[Any]:
        item = staged.item
        self._counters.seen()
        cut, _ = cuts.get(item.cell, (TAKE_NONE, 0))
        outputs = mix_outputs(item, plan, Selection(cut, fills.get(item.cell, frozenset())))
        if isinstance(outputs, Drop):
            self._counters.dropped(outputs.reason)
            if self._emit_dropped:
                yield pvalue.TaggedOutput(_DECISION, decision_by_file(staged, (DROP, outputs.reason)))
            return
        self._counters.kept()
        self._counters.inc(f"repeats.{item.cell[0]}", len(outputs) - 1)
        yield pvalue.TaggedOutput(_TALLY, (item.cell, (len(outputs), 1, len(outputs) * item.tokens)))
        category = item.doc.metadata["category"]
        shards = plan.shards(category, self._tokens_per_shard)
        for copy, copy_id in enumerate(copy_ids(item.doc.id, len(outputs))):
            yield pvalue.TaggedOutput(_ASSIGN, (
                (category, shard_of(copy_id, shards), shards),
                CopyAssignment(staged.file, staged.row, copy, copy_id)))
        yield from outputs  # the copies without text, for the per-source tally


class _WriteReportFn(beam.DoFn):
    def __init__(self, output_dir: str, subdir: str, config: MixConfig) -> None:
        self._output_dir = output_dir
        self._subdir = subdir
        self._config = config

    def process(self, tallies: list[tuple[Cell, tuple[int, int, int]]], plan: MixPlan,
                sources: list[tuple[tuple[str, str], tuple[int, int]]]) -> Iterator[str]:
        by_source: dict[str, dict[str, dict[str, int]]] = {}
        for (source, category), (docs, tokens) in sorted(sources):
            by_source.setdefault(source, {})[category] = {"docs_written": docs, "tokens": tokens}
        report = {
            "tokenizer": {"name": self._config.tokenizer,
                          "source": describe_tokenizer(self._config.tokenizer)},
            "seed": self._config.seed,
            **plan.report(dict(tallies)),
            "sources": by_source,
            "config": self._config.model_dump(mode="json"),
        }
        for warning in report["warnings"]:
            logger.warning("%s: %s", self._subdir or "mix", warning)
        path = join_path(self._output_dir, *([self._subdir] if self._subdir else []), REPORT)
        write_bytes(path, (json.dumps(report, indent=2, sort_keys=False) + "\n").encode("utf-8"))
        yield path


class MixOutputs(NamedTuple):
    dropped: beam.PCollection  # (stage, Dropped)
    errors: beam.PCollection  # dead letters of copies the final write could not read back
    index: beam.PCollection  # the path of the shard index
    report: beam.PCollection  # the path of mix.json


class MixPrepared(beam.PTransform):
    """Selects and writes an already tokenized PCollection of `Prepared` by `targets`."""

    def __init__(self, config: MixConfig, targets: MixTargets, output_dir: str, stage: str,
                 shard_dir: str, report_dir: str, anneal: bool = False) -> None:
        super().__init__(label=f"{stage}_select")
        self._config = config
        self._targets = targets
        self._output_dir = output_dir
        self._stage = stage
        self._shard_dir = shard_dir
        self._report_dir = report_dir
        self._anneal = anneal

    def expand(self, documents: beam.PCollection) -> MixOutputs:
        config, targets, bits = self._config, self._targets, self._config.histogram_bits
        folder = join_path(self._output_dir, STAGING_DIR, self._stage)
        items = stage_items(documents, folder)
        plan = (
            items
            | "CellTokens" >> beam.Map(lambda s: (s.item.cell, (1, s.item.tokens)))
            | "SumCells" >> beam.CombinePerKey(_add_pairs)
            | "AllCells" >> beam.combiners.ToList()
            | "Plan" >> beam.Map(_plan_from, targets)
        )
        plan_side = pvalue.AsSingleton(plan)
        boundaries = (
            items
            | "BucketTokens" >> beam.Map(
                lambda s: ((s.item.cell, bucket_of(s.item.rank, bits)), s.item.tokens))
            | "SumBuckets" >> beam.CombinePerKey(sum)
            | "ByCell" >> beam.Map(lambda kv: (kv[0][0], (kv[0][1], kv[1])))
            | "CellHistogram" >> beam.GroupByKey()
            | "Boundary" >> beam.ParDo(_BoundaryFn(), plan=plan_side).with_outputs("cuts", main="open")
        )
        # the pass-through step keeps the view to the main output: Beam's BundleBasedDirectRunner
        # (the local runner that retries bundles) otherwise hands a side input made from one
        # output of a multi-output ParDo the elements of its other outputs too
        open_side = pvalue.AsDict(boundaries.open | "OpenCells" >> beam.Map(lambda kv: kv))
        boundary_cuts = (
            items
            | "StraddlingDocs" >> beam.FlatMap(_boundary_units, boundaries=open_side, bits=bits)
            | "GroupStraddling" >> beam.GroupByKey()
            | "CutInBucket" >> beam.Map(
                lambda kv, open_: (kv[0], cut_in_bucket(kv[1], open_[kv[0]][1])), open_=open_side)
        )
        cuts = pvalue.AsDict((boundaries.cuts, boundary_cuts) | "AllCuts" >> beam.Flatten())
        fills = (
            items
            | "FillCandidates" >> beam.FlatMap(_fill_candidates, cuts=cuts)
            | "LowestRanked" >> beam.combiners.Top.SmallestPerKey(FILL_CANDIDATES)
            | "ChooseFill" >> beam.Map(
                lambda kv, cuts_: (kv[0], choose_fill(kv[1], cuts_[kv[0]][1])), cuts_=cuts)
        )
        selected = items | "Select" >> beam.ParDo(
            _SelectFn(self._stage, emit_dropped=not self._anneal,
                      tokens_per_shard=config.tokens_per_shard),
            plan=plan_side, cuts=cuts, fills=pvalue.AsDict(fills),
        ).with_outputs(_DECISION, _ASSIGN, _TALLY, main="docs")
        summaries, dropped, errors = write_from_staging(
            selected[_ASSIGN], selected[_DECISION], folder, self._output_dir, self._shard_dir,
            self._stage, TOKENS)
        index = (
            summaries
            | "AllShards" >> beam.combiners.ToList()
            | "WriteIndex" >> beam.ParDo(WriteShardIndexFn(self._output_dir, self._shard_dir))
        )
        sources = (
            selected.docs
            | "SourceTokens" >> beam.Map(_source_tally)
            | "SumSources" >> beam.CombinePerKey(_add_pairs)
            | "AllSources" >> beam.combiners.ToList()
        )
        report = (
            selected[_TALLY]
            | "SumTallies" >> beam.CombinePerKey(_add_pairs)
            | "AllTallies" >> beam.combiners.ToList()
            | "WriteReport" >> beam.ParDo(
                _WriteReportFn(self._output_dir, self._report_dir, config),
                plan=plan_side, sources=pvalue.AsSingleton(sources))
        )
        return MixOutputs(dropped, errors, index, report)


def _source_tally(doc: Any) -> tuple[tuple[str, str], tuple[int, int]]:
    """((input source, category), (1 document, its tokens)) of one written document or copy."""
    source = doc.metadata.get(SOURCE_FIELD) or UNNAMED_SOURCE
    return (source, doc.metadata["category"]), (1, int(doc.scores[TOKENS]))


class Mix(beam.PTransform):
    """Documents in, the mix written: returns the `tokenize` and `mix` stages' outputs."""

    def __init__(self, config: MixConfig, output_dir: str, text_head_chars: int = 500) -> None:
        super().__init__(label="mix_stage")
        self._config = config
        self._output_dir = output_dir
        self._head = text_head_chars

    def expand(self, docs: beam.PCollection) -> tuple[StageResult, StageResult]:
        config = self._config
        tokenized = docs | ApplyStage(TokenizeStage(config), self._head)
        items = tokenized.kept | "Prepare" >> beam.Map(prepared, config)
        mixed = items | MixPrepared(
            config, mix_targets(config), self._output_dir, STAGE, "shards", "")
        if config.anneal.enabled:
            _ = (
                items
                | "AnnealEligible" >> beam.Filter(anneal_eligible, config)
                | MixPrepared(config, anneal_targets(config), self._output_dir, ANNEAL_STAGE,
                              "anneal", "anneal", anneal=True)
            )
        nothing_kept = docs.pipeline | "MixKeepsNoDocuments" >> beam.Create([])
        return tokenized, StageResult(nothing_kept, mixed.dropped, mixed.errors)

