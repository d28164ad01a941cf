"""The report's charts, drawn with plotly (MIT; plotly.js is inlined once by the page, so the file
works with no network). Each function returns an HTML fragment: a `div` with a fixed id (so the
same run gives the same file) and the script that draws into it, or None when there is nothing
to draw, in which case the page shows a "not in this run" note instead.

Readability (issue 25): the modebar is off (it sat on top of the titles; zoom by dragging and
double-click to reset still work), log axes label only the powers of ten (plotly's minor labels
2, 5, 20, 50... crowded a short axis), a distribution whose sampled values are all equal becomes
one sentence instead of a single bar, and the funnel's rows carry words, not stage ids.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "template": "plotly_white", "height": 360}


def to_fragment(figure: go.Figure, div_id: str) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=_CONFIG)


def funnel(rows: Sequence[tuple[str, int]]) -> str | None:
    """`rows` are (readable label, documents) from the first to the last stage."""
    if not rows:
        return None
    figure = go.Figure(go.Funnel(y=[label for label, _ in rows], x=[count for _, count in rows],
                                 textinfo="value+percent initial"))
    margin = {**_LAYOUT["margin"], "l": 12 + 7 * max(len(label) for label, _ in rows)}
    figure.update_layout(**{**_LAYOUT, "height": 70 + 36 * len(rows), "margin": margin},
                         title="Documents left after each stage")
    return to_fragment(figure, "chart-funnel")


def drop_reasons(rows: Sequence[tuple[str, str, int]]) -> str | None:
    if not rows:
        return None
    labels = [f"{stage} / {reason}" for stage, reason, _ in rows]
    stages = list(dict.fromkeys(stage for stage, *_ in rows))
    colours = [_PALETTE[stages.index(stage) % len(_PALETTE)] for stage, *_ in rows]
    figure = go.Figure(go.Bar(x=[count for *_, count in rows], y=labels, orientation="h",
                              marker_color=colours))
    margin = {**_LAYOUT["margin"], "l": 260}
    figure.update_layout(**{**_LAYOUT, "height": 80 + 24 * len(rows), "margin": margin},
                         title="Documents dropped, per stage and reason", xaxis_title="documents",
                         yaxis={"autorange": "reversed"})
    return to_fragment(figure, "chart-drop-reasons")


def histogram(values: Sequence[float], div_id: str, title: str, x_title: str,
              threshold: float | None = None, log_y: bool = False) -> str | None:
    if not values:
        return None
    if len(set(values)) == 1:
        return constant_note(div_id, title, len(values), values[0])
    figure = go.Figure(go.Histogram(x=list(values), nbinsx=min(50, max(5, len(values) // 2))))
    if threshold is not None:
        figure.add_vline(x=threshold, line_dash="dash", line_color="crimson",
                         annotation_text=f"threshold {threshold:g}")
    figure.update_layout(**_LAYOUT, title=title, xaxis_title=x_title, yaxis_title="documents")
    if log_y:
        figure.update_yaxes(type="log", dtick=1)  # 1, 10, 100, ...: no minor labels
    return to_fragment(figure, div_id)


def constant_note(div_id: str, title: str, count: int, value: float) -> str:
    """What a one-bar histogram would say, as a sentence (with the chart's id, for links)."""
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return (f'<p class="constant" id="{html.escape(div_id)}"><b>{html.escape(title)}</b>: '
            f"all {count:,} sampled documents have the value {html.escape(shown)} "
            "(one value, no chart).</p>")


def counts_bar(counts: Counter[str], div_id: str, title: str, top: int = 30) -> str | None:
    if not counts:
        return None
    items = counts.most_common(top)
    figure = go.Figure(go.Bar(x=[k for k, _ in items], y=[v for _, v in items]))
    figure.update_layout(**_LAYOUT, title=title, yaxis_title="documents")
    return to_fragment(figure, div_id)


def mix(achieved: Mapping[str, float], target: Mapping[str, float] | None, basis: str) -> str | None:
    if not achieved and not target:
        return None
    names = list(dict.fromkeys([*(target or {}), *achieved]))
    figure = go.Figure()
    if target:
        figure.add_bar(name="target", x=names, y=[target.get(n, 0.0) for n in names])
    figure.add_bar(name=f"achieved ({basis})", x=names, y=[achieved.get(n, 0.0) for n in names])
    figure.update_layout(**_LAYOUT, title="Mix: share per category", barmode="group",
                         yaxis={"tickformat": ".0%"})
    return to_fragment(figure, "chart-mix")


def topic_mix(category: str, topics: Mapping[str, Mapping[str, float]], div_id: str) -> str | None:
    """Tokens per topic of one category: before the topic rates (available), the plan's target
    and what was written."""
    if not topics:
        return None
    names = sorted(topics, key=lambda t: -float(topics[t].get("available_tokens") or 0))
    figure = go.Figure()
    for key, label in (("available_tokens", "before (available)"),
                       ("planned_tokens", "target (planned)"), ("achieved_tokens", "achieved")):
        figure.add_bar(name=label, x=names, y=[float(topics[t].get(key) or 0) for t in names])
    figure.update_layout(**_LAYOUT, title=f"Mix: tokens per topic in {category}", barmode="group",
                         yaxis_title="tokens")
    return to_fragment(figure, div_id)


_PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6",
            "#9D755D", "#BAB0AC")
