"""The mix stage's per-document steps and its exact in-memory reference.

`TokenizeStage` counts a document's tokens and assigns its category (stage `tokenize`), the
corpus' token totals per (category, topic) give the plan (curation/mix/plan.py), each cell's
partial pass gets a selection (a hash-order cut and a fill, curation/mix/sampling.py), and then
each document is written `full_copies` times plus once more when the selection takes it. Copies
after the first get the id `<id>#r<n>` and `metadata["repeat_of"]`, so shard rows stay unique.

The token count is kept on the document as `scores["tokens"]`, and the category as
`metadata["category"]`, which category rules read first, so rerunning the mixer on its own output
keeps every document in its category.

Drop reasons of `tokenize`:
- `no_text`: nothing to count.
- `language_not_in_mix`: a language that `rules.multilingual_languages` does not list.

Drop reasons of `mix`:
- `category_not_in_mix`: the category's target share is 0.
- `downsampled`: the cell's budget was met before this document's rank (a topic cap or the
  category's rate).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from curation.config import AnnealConfig, MixConfig
from curation.document import Document
from curation.mix.categories import category_and_topic
from curation.mix.plan import Cell, CellTotal, MixPlan, MixTargets, plan_mix
from curation.mix.sampling import TAKE_NOTHING, Selection, copy_id, exact_selection, rank_of
from curation.mix.tokens import TokenCounter, load_token_counter
from curation.stage import CorpusStage, Drop, Dropped, Outcome, Stage

STAGE = "mix"
TOKENIZE_STAGE = "tokenize"
TOKENS = "tokens"


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A document ready to be mixed: its cell, rank and token count."""

    cell: Cell
    rank: int
    tokens: int
    doc: Document


def mix_targets(config: MixConfig) -> MixTargets:
    return MixTargets(
        proportions=dict(config.proportions),
        max_repeats=config.max_repeats.model_dump(),
        target_tokens=config.target_tokens,
        max_topic_share=config.max_topic_share,
        topic_rates=dict(config.topic_rates),
        topic_capped_categories=tuple(config.topic_capped_categories),
        unknown_topic=config.rules.unknown_topic,
        min_capacity_ratio=config.min_capacity_ratio,
    )


def anneal_targets(config: MixConfig) -> MixTargets:
    anneal: AnnealConfig = config.anneal
    return MixTargets(
        proportions=dict(anneal.proportions),
        max_repeats=anneal.max_repeats.model_dump(),
        target_tokens=anneal.target_tokens,
        unknown_topic=config.rules.unknown_topic,
    )


class TokenizeStage(Stage):
    """Counts tokens (`scores["tokens"]`) and sets `metadata["category"]`; the mix's first step."""

    name = TOKENIZE_STAGE

    def __init__(self, config: MixConfig) -> None:
        self.config = config
        self._counter: TokenCounter | None = None

    def setup(self) -> None:
        if self._counter is None:
            self._counter = load_token_counter(self.config.tokenizer)

    def process(self, doc: Document) -> Outcome:
        self.setup()
        assert self._counter is not None
        if not doc.text or not doc.text.strip():
            return Drop("no_text")
        placed = category_and_topic(doc, self.config.rules)
        if isinstance(placed, Drop):
            return placed
        tokens = self._counter.count(doc.text)
        return doc.replace(scores={**doc.scores, TOKENS: float(tokens)},
                           metadata={**doc.metadata, "category": placed[0]})

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_counter": None}


ALL_TOPICS = "all"  # the one cell of a category whose topics the mix neither rates nor caps


def prepared(doc: Document, config: MixConfig) -> Prepared:
    """The cell, rank and tokens of a document that `TokenizeStage` kept. Only the
    `topic_capped_categories` are split by topic: the others are cut as one cell, since each
    cell is cut on its own and smaller cells land further from their budget (a 485-token topic
    of 18 code pages got none of its 276-token budget and put code 0.6 points under its share)."""
    category = doc.metadata["category"]
    topic = (doc.metadata.get(config.rules.topic_field) or config.rules.unknown_topic
             if category in config.topic_capped_categories else ALL_TOPICS)
    return Prepared((category, topic), rank_of(doc.id, config.seed), int(doc.scores[TOKENS]), doc)


def anneal_eligible(item: Prepared, config: MixConfig) -> bool:
    """High-quality documents of the annealing categories (a missing quality score is not)."""
    anneal = config.anneal
    quality = item.doc.scores.get(anneal.quality_score)
    return (anneal.proportions.get(item.cell[0], 0.0) > 0 and quality is not None
            and quality >= anneal.min_quality)


def copies_of(item: Prepared, plan: MixPlan, selection: Selection) -> int:
    cell = plan.cell(item.cell)
    partial = cell.partial_tokens > 0 and selection.takes(item.rank, item.doc.id, item.tokens)
    return cell.full_copies + (1 if partial else 0)


def mix_outputs(item: Prepared, plan: MixPlan, selection: Selection) -> list[Document] | Drop:
    """The copies of `item` the plan writes, or why it writes none."""
    copies = copies_of(item, plan, selection)
    if copies == 0:
        share = plan.categories[item.cell[0]].target_share
        return Drop("category_not_in_mix" if share <= 0 else "downsampled")
    return copies_of_doc(item.doc, copies)


def copies_of_doc(doc: Document, copies: int) -> list[Document]:
    """`doc` written `copies` times: itself, then `<id>#r<n>` copies that name it `repeat_of`."""
    return [copy_of_doc(doc, n) for n in range(copies)]


def copy_of_doc(doc: Document, n: int) -> Document:
    """Copy `n` of `doc`: the document itself for 0, else `<id>#r<n>` naming it `repeat_of`."""
    if n == 0:
        return doc
    return doc.replace(id=copy_id(doc.id, n), metadata={**doc.metadata, "repeat_of": doc.id})


def cell_totals(items: Iterable[Prepared]) -> dict[Cell, CellTotal]:
    docs: dict[Cell, int] = defaultdict(int)
    tokens: dict[Cell, int] = defaultdict(int)
    for item in items:
        docs[item.cell] += 1
        tokens[item.cell] += item.tokens
    return {cell: CellTotal(docs[cell], tokens[cell]) for cell in sorted(docs)}


def exact_selections(items: Iterable[Prepared], plan: MixPlan) -> dict[Cell, Selection]:
    units: dict[Cell, list[tuple[int, str, int]]] = defaultdict(list)
    for item in items:
        units[item.cell].append((item.rank, item.doc.id, item.tokens))
    return {cell: exact_selection(units[cell], plan.cell(cell).partial_tokens)
            for cell in sorted(units)}


@dataclasses.dataclass
class MixResult:
    plan: MixPlan
    report: dict[str, Any]


class Mixer(CorpusStage):
    """The exact in-memory mixer (`curate stage mix` and the reference for the Beam composite).
    After `run_in_memory` has been consumed, `result` holds the plan and its report."""

    name = STAGE

    def __init__(self, config: MixConfig, targets: MixTargets | None = None) -> None:
        self.config = config
        self.targets = targets or mix_targets(config)
        self.result: MixResult | None = None

    def run_in_memory(self, docs: Iterable[Document]) -> Iterator[Document | Dropped]:
        stage = TokenizeStage(self.config)
        items: list[Prepared] = []
        for doc in docs:
            outcome = stage.process(doc)
            if isinstance(outcome, Drop):
                yield Dropped(doc, outcome)
            else:
                items.append(prepared(outcome, self.config))
        yield from self.mix_prepared(items)

    def mix_prepared(self, items: list[Prepared]) -> Iterator[Document | Dropped]:
        """Mix documents `TokenizeStage` kept (the annealing subset reuses this)."""
        plan = plan_mix(cell_totals(items), self.targets)
        selections = exact_selections(items, plan)
        written: dict[Cell, list[int]] = defaultdict(lambda: [0, 0, 0])
        for item in items:
            outputs = mix_outputs(item, plan, selections.get(item.cell, TAKE_NOTHING))
            if isinstance(outputs, Drop):
                yield Dropped(item.doc, outputs)
                continue
            tally = written[item.cell]
            tally[0] += len(outputs)
            tally[1] += 1
            tally[2] += len(outputs) * item.tokens
            yield from outputs
        self.result = MixResult(plan, plan.report(_as_tuples(written)))


def _as_tuples(written: Mapping[Cell, list[int]]) -> dict[Cell, tuple[int, int, int]]:
    return {cell: (w[0], w[1], w[2]) for cell, w in written.items()}
