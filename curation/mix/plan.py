"""The mix plan: from token totals per (category, topic) to a token budget for every cell.

Llama 3 (section 3.1.2) fixes its final mix by tokens, about 50% general knowledge, 25% math and
reasoning, 17% code and 8% multilingual, after a knowledge classifier let it "downsample data
categories that are over-represented on the web (e.g., arts and entertainment)". The paper gives
the shares, not the procedure; this module is ours, and every step is a pure function of the
integer totals, so every worker that computes the plan computes the same one.

1. Topic rates and caps. Inside each capped category, a topic listed in `topic_rates` keeps that
   fraction of its tokens first (Llama 3's "downsample data categories that are over-represented
   on the web (e.g., arts and entertainment)"; the paper gives no rate, so the default is ours,
   in `MixConfig`). Then (general by default) no topic keeps more than
   `max_topic_share` of the category's tokens after capping. The cap level x is the largest with
   x <= share * (tokens of the unknown topic + sum over topics of min(tokens, x)): a water
   level, found by bisection on integers (the feasible levels form an interval from 0). Topics
   above it are cut to x; the unknown topic (no classifier output) is never capped. When no level
   above 0 works (fewer than 1/share known topics and nothing unknown) the cap is reported as
   unreachable and not applied.
2. Category budgets. Without `target_tokens`, the mix is the largest one with exactly the
   target shares in which no category is used more than its `max_repeats` times: total =
   min over categories of max_repeats * usable / share; the binding category is `limited_by`.
   A category with no tokens at all cannot be reached: it is reported, and the other shares are
   renormalised among themselves. With `target_tokens`, each category aims at share * target,
   capped at max_repeats * usable; what a short category lacks is reported, not filled by others.
3. Cell budgets. A category's rate (budget / usable tokens) applies to each of its (capped) topic
   cells, rounded to whole tokens. A cell's budget is `full_copies` whole passes over its documents
   plus `partial_tokens` taken from one more pass in hash order (curation/mix/sampling.py).

Shortfalls are reported in percentage points of share and in tokens: at this mix's total, how
many more tokens the category would need to have its target share.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from curation.categories import CATEGORIES

Cell = tuple[str, str]  # (category, topic)
# An achieved share further than this from the planned one is reported (the bar: +-0.5 pp).
SHARE_TOLERANCE_PP = 0.5


@dataclasses.dataclass(frozen=True)
class CellTotal:
    docs: int
    tokens: int


@dataclasses.dataclass(frozen=True)
class MixTargets:
    """What the plan aims at (built from `MixConfig` or `AnnealConfig`)."""

    proportions: Mapping[str, float]
    max_repeats: Mapping[str, float]
    target_tokens: int | None = None
    max_topic_share: float = 1.0
    topic_capped_categories: tuple[str, ...] = ()
    topic_rates: Mapping[str, float] = dataclasses.field(default_factory=dict)
    unknown_topic: str = "unknown"
    min_capacity_ratio: float = 0.0


@dataclasses.dataclass(frozen=True)
class CellPlan:
    docs: int
    tokens: int
    usable_tokens: int
    budget_tokens: int
    full_copies: int
    partial_tokens: int


@dataclasses.dataclass(frozen=True)
class TopicCap:
    level: int | None
    reachable: bool
    capped_topics: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CategoryPlan:
    target_share: float
    docs: int
    tokens: int
    usable_tokens: int
    budget_tokens: int
    max_repeats: float
    reachable: bool


@dataclasses.dataclass(frozen=True)
class MixPlan:
    cells: Mapping[Cell, CellPlan]
    categories: Mapping[str, CategoryPlan]
    topic_caps: Mapping[str, TopicCap]
    target_tokens: int | None
    limited_by: str | None
    warnings: tuple[str, ...]
    topic_rates: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def budget_tokens(self) -> int:
        return sum(c.budget_tokens for c in self.categories.values())

    def cell(self, cell: Cell) -> CellPlan:
        return self.cells[cell]

    def shards(self, category: str, tokens_per_shard: int) -> int:
        """How many shards `category` is written to: its budget over the target shard size."""
        plan = self.categories.get(category)
        budget = 0 if plan is None else plan.budget_tokens
        return max(1, math.ceil(budget / tokens_per_shard))

    def report(self, achieved: Mapping[Cell, tuple[int, int, int]]) -> dict[str, Any]:
        """The manifest's view: target against planned and achieved, per category and topic.
        `achieved` maps a cell to (documents written, distinct documents, tokens written)."""
        achieved_total = sum(tokens for _, _, tokens in achieved.values())
        budget_total = self.budget_tokens
        categories: dict[str, Any] = {}
        warnings = list(self.warnings)
        for name, plan in self.categories.items():
            cells = {topic: cell for (category, topic), cell in self.cells.items() if category == name}
            written = [achieved.get((name, topic), (0, 0, 0)) for topic in cells]
            tokens = sum(w[2] for w in written)
            share = tokens / achieved_total if achieved_total else 0.0
            short = max(0.0, plan.target_share - share)
            planned_share = _share(plan.budget_tokens, budget_total)
            if plan.budget_tokens and abs(share - planned_share) * 100 > SHARE_TOLERANCE_PP:
                warnings.append(
                    f"{name}: achieved {100 * share:.2f}% of tokens against {100 * planned_share:.2f}% "
                    f"planned; its documents are too few or too long to cut closer")
            categories[name] = {
                "target_share": plan.target_share,
                "planned_share": planned_share,
                "achieved_share": round(share, 6),
                "reachable": plan.reachable,
                "share_shortfall_pp": round(100 * short, 3),
                "tokens_short": max(0, round(plan.target_share * achieved_total) - tokens),
                "available_docs": plan.docs,
                "available_tokens": plan.tokens,
                "usable_tokens": plan.usable_tokens,
                "planned_tokens": plan.budget_tokens,
                "achieved_tokens": tokens,
                "docs_written": sum(w[0] for w in written),
                "distinct_docs": sum(w[1] for w in written),
                "max_repeats": plan.max_repeats,
                "repeats_used": round(tokens / plan.usable_tokens, 6) if plan.usable_tokens else 0.0,
                "topics": {
                    topic: {
                        "downsample_rate": self.topic_rates.get(topic, 1.0)
                        if name in self.topic_caps else 1.0,
                        "available_docs": cell.docs,
                        "available_tokens": cell.tokens,
                        "usable_tokens": cell.usable_tokens,
                        "planned_tokens": cell.budget_tokens,
                        "achieved_tokens": achieved.get((name, topic), (0, 0, 0))[2],
                        "docs_written": achieved.get((name, topic), (0, 0, 0))[0],
                        "distinct_docs": achieved.get((name, topic), (0, 0, 0))[1],
                    }
                    for topic, cell in sorted(cells.items())
                },
            }
        return {
            "mode": "largest_exact_mix" if self.target_tokens is None else "target_tokens",
            "target_tokens": self.target_tokens,
            "planned_tokens": budget_total,
            "achieved_tokens": achieved_total,
            "limited_by": self.limited_by,
            "categories": categories,
            "topic_rates": dict(sorted(self.topic_rates.items())),
            "topic_caps": {name: {"level": cap.level, "reachable": cap.reachable,
                                  "capped_topics": list(cap.capped_topics)}
                           for name, cap in self.topic_caps.items()},
            "warnings": warnings,
        }


def _rated(tokens: int, rate: float) -> int:
    """The whole tokens a topic keeps at downsampling `rate` (floor: never more than the rate)."""
    return tokens if rate >= 1.0 else math.floor(rate * tokens)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def topic_cap_level(tokens: Mapping[str, int], max_share: float, exempt: str) -> TopicCap:
    """The water level that keeps every topic but `exempt` at or under `max_share` of the total."""
    capped = {topic: n for topic, n in tokens.items() if topic != exempt and n > 0}
    exempt_tokens = tokens.get(exempt, 0)
    if max_share >= 1.0 or not capped:
        return TopicCap(None, True, ())

    def feasible(level: int) -> bool:
        return level <= max_share * (exempt_tokens + sum(min(n, level) for n in capped.values()))

    top = max(capped.values())
    if feasible(top):
        return TopicCap(None, True, ())
    low, high = 0, top  # feasible(low), not feasible(high)
    while high - low > 1:
        middle = (low + high) // 2
        if feasible(middle):
            low = middle
        else:
            high = middle
    if low == 0:
        return TopicCap(None, False, ())
    return TopicCap(low, True, tuple(sorted(t for t, n in capped.items() if n > low)))


def plan_mix(totals: Mapping[Cell, CellTotal], targets: MixTargets) -> MixPlan:
    """The budget of every cell in `totals` (cells of categories outside the mix get 0)."""
    warnings: list[str] = []
    by_category: dict[str, dict[str, CellTotal]] = {name: {} for name in CATEGORIES}
    for (category, topic), total in sorted(totals.items()):
        by_category.setdefault(category, {})[topic] = total

    caps: dict[str, TopicCap] = {}
    usable: dict[Cell, int] = {}
    for category, topics in by_category.items():
        cap = TopicCap(None, True, ())
        capped = category in targets.topic_capped_categories
        rated = {t: _rated(c.tokens, targets.topic_rates.get(t, 1.0) if capped else 1.0)
                 for t, c in topics.items()}
        if capped and topics:
            cap = topic_cap_level(rated, targets.max_topic_share, targets.unknown_topic)
            caps[category] = cap
            if not cap.reachable:
                warnings.append(
                    f"{category}: no topic cap keeps every topic under {targets.max_topic_share:g} "
                    f"of the tokens ({len(topics)} topic(s)); topics are not capped")
        for topic in topics:
            level = cap.level if topic != targets.unknown_topic else None
            usable[(category, topic)] = rated[topic] if level is None else min(rated[topic], level)

    usable_by_category = {c: sum(usable[(c, t)] for t in topics) for c, topics in by_category.items()}
    shares = {c: float(s) for c, s in targets.proportions.items() if s > 0}
    empty = [c for c in shares if usable_by_category.get(c, 0) == 0]
    for category in empty:
        warnings.append(f"{category}: target share {shares[category]:g} unreachable, no tokens")
    # A category that could carry only a sliver of the mix the others could (a stray page the
    # domain classifier called math) would shrink the whole mix to its size: it is reported as
    # unreachable instead, like an empty one.
    capacity = {c: usable_by_category[c] * float(targets.max_repeats.get(c, 1.0)) / shares[c]
                for c in shares if c not in empty}
    largest = max(capacity.values(), default=0.0)
    for category, size in sorted(capacity.items()):
        if size < targets.min_capacity_ratio * largest:
            empty.append(category)
            warnings.append(
                f"{category}: target share {shares[category]:g} unreachable, its "
                f"{usable_by_category[category]} tokens could carry {size / largest:.2%} of the mix "
                f"the other categories could (under min_capacity_ratio {targets.min_capacity_ratio:g})")
    present = [c for c in shares if c not in empty]

    budgets, limited_by = _category_budgets(shares, present, usable_by_category, targets)
    for category in present:
        if targets.target_tokens is not None and budgets[category] < shares[category] * targets.target_tokens:
            short = shares[category] * targets.target_tokens - budgets[category]
            warnings.append(f"{category}: {short:.0f} tokens short of its share of target_tokens, "
                            f"even at {targets.max_repeats[category]:g} repeats")

    cells: dict[Cell, CellPlan] = {}
    for category, topics in by_category.items():
        available = usable_by_category[category]
        rate = budgets.get(category, 0.0) / available if available else 0.0
        limit = float(targets.max_repeats.get(category, 1.0))
        for topic, total in topics.items():
            cell_usable = usable[(category, topic)]
            budget = min(round(rate * cell_usable), math.floor(limit * cell_usable))
            full, partial = divmod(budget, total.tokens) if total.tokens else (0, 0)
            cells[(category, topic)] = CellPlan(total.docs, total.tokens, cell_usable, budget,
                                                full, partial)

    categories: dict[str, CategoryPlan] = {}
    for category, topics in by_category.items():
        categories[category] = CategoryPlan(
            target_share=float(targets.proportions.get(category, 0.0)),
            docs=sum(c.docs for c in topics.values()),
            tokens=sum(c.tokens for c in topics.values()),
            usable_tokens=usable_by_category[category],
            budget_tokens=sum(cells[(category, t)].budget_tokens for t in topics),
            max_repeats=float(targets.max_repeats.get(category, 1.0)),
            reachable=category not in empty and not (
                targets.target_tokens is not None and category in shares
                and budgets[category] < shares[category] * targets.target_tokens - 0.5),
        )
    rates = {t: float(r) for t, r in targets.topic_rates.items() if r < 1.0}
    return MixPlan(cells, categories, caps, targets.target_tokens, limited_by, tuple(warnings),
                   rates)


def _category_budgets(
    shares: Mapping[str, float], present: list[str], usable: Mapping[str, int], targets: MixTargets
) -> tuple[dict[str, float], str | None]:
    """Token budget per category (float) and, for the largest exact mix, the binding category."""
    if not present:
        return {}, None
    ceilings = {c: float(targets.max_repeats[c]) * usable[c] for c in present}
    if targets.target_tokens is not None:
        return {c: min(shares[c] * targets.target_tokens, ceilings[c]) for c in present}, None
    weight = sum(shares[c] for c in present)
    normalised = {c: shares[c] / weight for c in present}
    limited_by = min(present, key=lambda c: (ceilings[c] / normalised[c], c))
    total = ceilings[limited_by] / normalised[limited_by]
    return {c: min(normalised[c] * total, ceilings[c]) for c in present}, limited_by
