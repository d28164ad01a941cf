"""`curate inspect OUT_DIR [--stage S] [--reason R]`: dropped samples and dead letters in a terminal.

Without `--stage` it lists every stage and reason with how many documents it dropped and how
many are sampled in `dropped/`, then the dead letters (`errors/`) by stage and error type; with
`--stage` alone, the same for that stage, and its first `--limit` dead letters with where they
come from (file and line or byte offset, or the URL) and the message; with `--stage` and
`--reason` it prints the dropped samples, the URL, the measured detail and the text with the
evidence the stage recorded highlighted (the same spans as `report.html`,
curation/report/highlight.py), rendered with rich.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from curation.report.gather import (
    DroppedSample,
    ReportData,
    dead_letter_origin,
    gather,
    read_stage_errors,
)
from curation.report.highlight import clip, find_spans, url_evidence

_MARK = "bold black on yellow"


def inspect(data: ReportData, stage: str | None, reason: str | None, limit: int, chars: int,
            console: Console) -> int:
    """Print; returns a process exit code (2 when the run has no such stage, or the reason no
    sample)."""
    if stage is None:
        console.print(_overview(data, None))
        _print_error_counts(console, data, None)
        return 0
    order = list(data.stats.get("order", []))
    if stage not in order:
        console.print(f"no stage {stage!r} in this run; its stages: {', '.join(order) or 'none'}",
                      markup=False)
        return 2
    available = sorted(r for s, r in data.dropped if s == stage)
    if reason is None:
        console.print(_overview(data, stage))
        _print_error_counts(console, data, stage)
        _print_dead_letters(console, data.out_dir, stage, limit)
        return 0
    samples = data.dropped.get((stage, reason))
    if not samples:
        choices = ", ".join(available) or "none"
        console.print(f"no dropped samples for stage {stage!r} and reason {reason!r}; "
                      f"sampled reasons of {stage!r}: {choices}", markup=False)
        return 2
    total = data.stats.get("stages", {}).get(stage, {}).get("dropped", {}).get(reason, len(samples))
    console.print(f"{stage} / {reason}: {total} dropped, {len(samples)} sampled, showing "
                  f"{min(limit, len(samples))}", style="bold", markup=False)
    for number, sample in enumerate(samples[:limit], 1):
        _print_sample(console, number, sample, chars)
    return 0


def inspect_dir(out_dir: str, stage: str | None, reason: str | None, limit: int, chars: int,
                console: Console | None = None) -> int:
    return inspect(gather(out_dir, max_docs=0), stage, reason, limit, chars, console or Console())


def _overview(data: ReportData, only_stage: str | None) -> Table | Text:
    if not any(only_stage in (None, stage) for stage, _, _ in data.drop_reasons(True)):
        where = f"by stage {only_stage!r}" if only_stage else "in this run"
        return Text(f"no document was dropped {where}", style="dim")
    table = Table(title=f"dropped documents in {data.out_dir}")
    for column in ("stage", "reason", "dropped", "sampled"):
        table.add_column(column, justify="right" if column in ("dropped", "sampled") else "left")
    for stage, reason, count in data.drop_reasons(include_bookkeeping=True):
        if only_stage in (None, stage):
            table.add_row(stage, reason, str(count), str(len(data.dropped.get((stage, reason), []))))
    return table


def _print_error_counts(console: Console, data: ReportData, only_stage: str | None) -> None:
    rows = [row for row in data.error_counts() if only_stage in (None, row[0])]
    if not rows:
        where = f"stage {only_stage!r}" if only_stage else "any stage"
        console.print(f"no dead letters from {where}", style="dim", markup=False)
        return
    table = Table(title=f"dead letters in {data.out_dir.rstrip('/')}/errors/")
    for column in ("stage", "error", "records"):
        table.add_column(column, justify="right" if column == "records" else "left")
    for stage, kind, count in rows:
        table.add_row(stage, kind, str(count))
    console.print(table)


def _print_dead_letters(console: Console, out_dir: str, stage: str, limit: int) -> None:
    for record in read_stage_errors(out_dir, stage, limit):
        console.print(f"{dead_letter_origin(record)}: {record.get('error_type')}: "
                      f"{record.get('message')}", markup=False, highlight=False, soft_wrap=True)


def _print_sample(console: Console, number: int, sample: DroppedSample, chars: int) -> None:
    doc = sample.doc
    url = str(doc.get("url") or "")
    console.rule(f"#{number}", align="left")
    url_marks = url_evidence(sample.stage, sample.reason, sample.detail)
    console.print(_marked(url, find_spans(url, url_marks, whole_words=False)))
    meta = [f"id {doc.get('id', '')}"]
    if doc.get("lang"):
        meta.append(f"lang {doc['lang']}")
    if sample.detail:
        meta.append(f"detail {sample.detail}")
    console.print(" | ".join(meta), style="dim", markup=False)
    text = doc.get("text") or doc.get("html") or ""
    if not text:
        console.print("(no text: not a page record)", style="dim", markup=False)
        return
    shown = text[:chars]
    console.print(_marked(shown, clip(find_spans(text, sample.evidence), len(shown))))
    if len(text) > len(shown):
        console.print(f"... {len(text) - len(shown)} more characters", style="dim", markup=False)


def _marked(text: str, spans: list[tuple[int, int]]) -> Text:
    rendered = Text(text)
    for start, end in spans:
        rendered.stylize(_MARK, start, end)
    return rendered
