"""`stats.json` from a finished pipeline's metrics, and the accounting check.

Three invariants must hold, or the run fails loudly (`AccountingError`):
- within a stage: seen = kept + sum(dropped.*) + sum(error.*);
- between stages: what one stage kept is what the next one saw;
- across the run: the records read equal the documents the last stage kept plus every drop and
  error of every stage, and the rows written to shards (the last stage's `docs.<category>`
  counters) equal what it kept plus its repeats (`repeats.<category>`, the mix's copies). The run
  also checks those rows against the shard files' own index (`check_written_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apache_beam.metrics.metric import MetricsFilter

from pipelines.counters import NAMESPACE_PREFIX

WRITING_STAGES = ("mix", "write")


class AccountingError(RuntimeError):
    """Documents were lost or invented between counters: the run's output cannot be trusted."""


def counters_from_result(result: Any) -> dict[str, dict[str, int]]:
    """{stage: {counter name: value}} from a PipelineResult's committed (else attempted) metrics.
    Distributions (`StageCounters.observe`) are reported by their maximum, as `<name>.max`."""
    counters: dict[str, dict[str, int]] = {}
    queried = result.metrics().query(MetricsFilter())
    for metric in queried.get("distributions", []):
        namespace = metric.key.metric.namespace
        if not namespace.startswith(NAMESPACE_PREFIX):
            continue
        value = metric.committed if metric.committed is not None else metric.attempted
        if value is None or not value.count:
            continue
        stage = counters.setdefault(namespace.removeprefix(NAMESPACE_PREFIX), {})
        name = f"{metric.key.metric.name}.max"
        stage[name] = max(stage.get(name, 0), int(value.max))
    for metric in queried["counters"]:
        namespace = metric.key.metric.namespace
        if not namespace.startswith(NAMESPACE_PREFIX):
            continue
        value = metric.committed if metric.committed is not None else metric.attempted
        stage = counters.setdefault(namespace.removeprefix(NAMESPACE_PREFIX), {})
        name = metric.key.metric.name
        stage[name] = stage.get(name, 0) + int(value or 0)
    return counters


def build_stats(counters: Mapping[str, Mapping[str, int]], order: Sequence[str]) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    problems: list[str] = []
    previous_kept: int | None = None
    previous_name = ""
    for name in order:
        raw = counters.get(name, {})
        dropped = {k.removeprefix("dropped."): v for k, v in sorted(raw.items())
                   if k.startswith("dropped.")}
        errors = {k.removeprefix("error."): v for k, v in sorted(raw.items())
                  if k.startswith("error.")}
        seen, kept = raw.get("seen", 0), raw.get("kept", 0)
        balanced = seen == kept + sum(dropped.values()) + sum(errors.values())
        if not balanced:
            problems.append(f"{name}: seen {seen} != kept {kept} + dropped "
                            f"{sum(dropped.values())} + errors {sum(errors.values())}")
        if previous_kept is not None and previous_kept != seen:
            problems.append(f"{previous_name} kept {previous_kept} but {name} saw {seen}")
        other = {k: v for k, v in sorted(raw.items())
                 if k not in {"seen", "kept"} and not k.startswith(("dropped.", "error."))}
        stages[name] = {"seen": seen, "kept": kept, "dropped": dropped, "errors": errors,
                        "balanced": balanced, **({"other": other} if other else {})}
        previous_kept, previous_name = kept, name
    totals = _run_totals(stages, counters, order)
    problems += totals.pop("problems")
    return {"order": list(order), "stages": stages, "run": totals, "reconciled": not problems,
            "problems": problems}


def _run_totals(stages: Mapping[str, Any], counters: Mapping[str, Mapping[str, int]],
                order: Sequence[str]) -> dict[str, Any]:
    """Records read against documents kept, dropped and errored over the whole run, and rows
    written against the last stage's kept documents and repeats."""
    if not order:
        return {"problems": []}
    read, last = stages[order[0]], stages[order[-1]]
    dropped = sum(sum(stage["dropped"].values()) for stage in stages.values())
    errors = sum(sum(stage["errors"].values()) for stage in stages.values())
    raw = counters.get(order[-1], {})
    repeats = sum(v for k, v in raw.items() if k.startswith("repeats."))
    rows = sum(v for k, v in raw.items() if k.startswith("docs."))
    problems = []
    if read["seen"] != last["kept"] + dropped + errors:
        problems.append(f"run: {read['seen']} records read != {last['kept']} kept by "
                        f"{order[-1]} + {dropped} dropped + {errors} errors over all stages")
    if order[-1] in WRITING_STAGES and rows != last["kept"] + repeats:
        problems.append(f"run: {rows} rows written != {last['kept']} kept by {order[-1]} "
                        f"+ {repeats} repeats")
    return {"records_read": read["seen"], "kept": last["kept"], "dropped": dropped,
            "errors": errors, "repeats": repeats, "rows_written": rows, "problems": problems}


def check_written_rows(stats: dict[str, Any], rows_in_shards: int) -> None:
    """Record a problem if the shard files hold another number of rows than the counters say."""
    counted = stats.get("run", {}).get("rows_written")
    if counted is not None and counted != rows_in_shards:
        stats["problems"].append(f"run: the shard index lists {rows_in_shards} rows, the "
                                 f"counters {counted}")
        stats["reconciled"] = False


def check_accounting(stats: Mapping[str, Any]) -> None:
    if not stats["reconciled"]:
        raise AccountingError("document accounting does not reconcile:\n  "
                              + "\n  ".join(stats["problems"]))
