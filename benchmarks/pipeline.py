"""The whole pipeline on a corpus of N real-page documents, side by side with datatrove.

    .venv/bin/python -m benchmarks.pipeline --docs 20000 [--workers 1 2] [--datatrove-python PATH] \
        [--json RUN.json]
    .venv/bin/python -m benchmarks.pipeline --scaling RUN2k.json RUN20k.json   # growth exponents
    .venv/bin/python -m benchmarks.pipeline --docs 20000 --workers 2 --runner dask   # + Dask rows

1. Builds (or reuses) the corpus of `benchmarks/corpus.py` for (N, seed) under /tmp.
2. Runs `curate run` on it (a subprocess, the DirectRunner, multi-processing) at each worker
   count, and measures from outside: wall time, CPU seconds of the whole process tree
   (`getrusage(RUSAGE_CHILDREN)`, which counts every descendant that was waited for) and peak RSS
   of the tree (psutil, the sum over the tree's processes polled every 0.2 s), and of its largest
   process (a worker; for Dask, the worker process without its extraction child).
   With `--runner dask`, each worker count also runs `curate run --runner dask --dask-workers N`
   (a LocalCluster of N one-thread worker processes that the run starts), right after the local
   run, and checks that its shards equal the local run's.
3. Runs every stage in a plain loop in one process (no Beam): the per-document stages one
   document at a time, the corpus stages through their in-memory references (which the Beam
   transforms are tested equal to). This gives each stage's own docs/s on one core and the share
   of the Beam run's time spent outside extraction and classification (langid): Beam overhead.
   The heuristics stage is also timed with each rule family alone (Gopher repetition, Gopher
   quality, C4, FineWeb), for the ratios to datatrove's separate steps. Per-stage figures are
   intensive, so for N above `--loop-docs` the loop runs on the corpus of
   that size with the same seed. The loop also checks the corpus's ground truth (recrawls: the
   newest fetch kept; exact and near copies: one per family survives minhash_dedup).
4. When a datatrove venv is given (default /tmp/dtvenv, skipped if missing) runs
   `benchmarks/datatrove_pipeline.py` there on the same corpus, and prints its per-step rates
   next to ours and the end-to-end ratio. Our runs and datatrove's alternate in one command, so
   load from other jobs on a shared machine falls on both.

End to end "docs/s per core" is records read / CPU seconds of the process tree: it charges each
system for every core it used (Beam's workers, our extraction worker, datatrove's extraction
sandbox). Wall-clock docs/s is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import corpus

if TYPE_CHECKING:
    from curation.config import HeuristicsConfig
    from curation.heuristics.stage import HeuristicsStage

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATATROVE = Path("/tmp/dtvenv/bin/python")
# CURATION_BENCH_RUNS: another folder for the runs' outputs (two benchmarks at once on one machine)
RUNS_DIR = Path(os.environ.get("CURATION_BENCH_RUNS", corpus.DEFAULT_ROOT / "runs"))
# Stages whose cost is the work itself, not the machinery around it.
WORK_STAGES = ("extract", "langid", "classify")
# Our stage -> datatrove's steps doing the same job (parts of the step names in its stats.json);
# its MinHash is timed by the wall time of its four executor runs (see datatrove_pipeline.py).
DATATROVE_STEPS = {
    "read": ("Warc",),
    "url_safety": ("Url-filter",),
    "extract": ("Trafilatura",),
    "langid": ("Language ID",),
    "heuristics": ("Gopher Repetition", "Gopher Quality", "C4 Quality", "FineWeb Quality"),
}
# The rule families of our heuristics stage that datatrove has as separate steps (family -> its
# step); each is timed alone (the others, dirty words and token KL off) on the documents the
# whole stage saw, so each row pays our word split once, as each datatrove step pays its own
# tokenizer.
HEURISTIC_FAMILY_STEPS = {"gopher_repetition": "Gopher Repetition",
                          "gopher_quality": "Gopher Quality", "c4": "C4 Quality",
                          "fineweb": "FineWeb Quality"}
HEURISTIC_FAMILIES = tuple(HEURISTIC_FAMILY_STEPS)
HEURISTIC_EXTRAS = ("dirty_words", "token_kl")


def alone_label(family: str) -> str:
    """The per-stage row of the heuristics stage with only `family` on."""
    return f"heuristics, {family} alone"


DATATROVE_STEPS.update({alone_label(f): (step,) for f, step in HEURISTIC_FAMILY_STEPS.items()})
DATATROVE_MINHASH_RUNS = ("minhash_1_signatures", "minhash_2_buckets", "minhash_3_clusters",
                          "minhash_4_filter")


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    reaped_cpu_s: float = 0.0
    polled_cpu_s: float = 0.0
    peak_process_mb: float = 0.0


def _poll_tree(root: Any, cpu: dict[int, float], rss: dict[int, int] | None = None) -> int:
    """The tree's RSS now; records each process's CPU seconds so far in `cpu` (by pid), and its
    peak RSS in `rss`."""
    import psutil

    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            with proc.oneshot():
                now = proc.memory_info().rss
                total += now
                if rss is not None:
                    rss[proc.pid] = max(rss.get(proc.pid, 0), now)
                times = proc.cpu_times()
                cpu[proc.pid] = max(cpu.get(proc.pid, 0.0), times.user + times.system)
        except psutil.Error:
            continue
    return total


def measure(cmd: list[str], timeout: float, env: dict[str, str] | None = None,
            cwd: Path = REPO_ROOT, kill_when: Any = None) -> Measured:
    """Run `cmd` to completion; wall, tree CPU and polled peak tree RSS. Fails loudly on error.
    With `kill_when` (a callable polled every 0.2 s), the process tree is SIGKILLed once it
    returns True, and the run counts as done."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True, env=env, start_new_session=kill_when is not None)
    peak = 0
    polled_cpu: dict[int, float] = {}
    process_rss: dict[int, int] = {}
    stop = threading.Event()

    killed = False

    def poll() -> None:
        nonlocal peak, killed
        while not stop.is_set():
            peak = max(peak, _poll_tree(proc, polled_cpu, process_rss))
            if kill_when is not None and not killed and kill_when():
                killed = True
                os.killpg(proc.pid, signal.SIGKILL)
            stop.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        sys.exit(f"timed out after {timeout} s: {' '.join(cmd)}\n{stderr[-3000:]}")
    finally:
        stop.set()
        poller.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 and not killed:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # getrusage counts descendants that were waited for; the poll also sees any that were not
    # (it misses the last 0.2 s of each process). The larger of the two is charged.
    cpu = max(reaped, sum(polled_cpu.values()))
    return Measured(wall, cpu, peak / 1e6, stdout, stderr, reaped, sum(polled_cpu.values()),
                    max(process_rss.values(), default=0) / 1e6)


# --- ours through Beam ---------------------------------------------------------------------------


def run_ours(folder: Path, workers: int, timeout: float, root: Path = REPO_ROOT,
             name: str = "ours", config: Path | None = None, kill_when: Any = None,
             out: Path | None = None, fresh: bool = True, runner: str = "direct") -> dict[str, Any]:
    """`curate run` of the code under `root` (this tree, or `--baseline-root`'s) on `folder`;
    `runner="dask"`: on a LocalCluster of `workers` processes."""
    out = out or RUNS_DIR / f"{folder.name}-{name}-{workers}w"
    if fresh and out.exists():
        shutil.rmtree(out)
    placement = (["--runner", "dask", "--dask-workers", str(workers)] if runner == "dask"
                 else ["--workers", str(workers)])
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--input", str(folder / "*.warc.gz"),
           "--output", str(out), *placement, *(["--config", str(config)] if config else [])]
    env = {**os.environ, "PYTHONPATH": str(root)}
    m = measure(cmd, timeout, env=env, cwd=root, kill_when=kill_when)
    result = {"workers": workers, "name": name, "runner": runner, "wall_s": m.wall_s,
              "cpu_s": m.cpu_s, "peak_rss_mb": m.peak_rss_mb,
              "peak_process_mb": m.peak_process_mb, "reaped_cpu_s": m.reaped_cpu_s,
              "polled_cpu_s": m.polled_cpu_s, "out": str(out)}
    if kill_when is not None and not (out / "stats.json").exists():
        return {**result, "killed": True}
    stats = json.loads((out / "stats.json").read_text())
    return {**result, "elapsed_s": stats["elapsed_s"], "stats": stats, "written": _written(out)}


def shard_contents(out: Path) -> dict[tuple[str, str], str]:
    """{(category, id): digest of the row's text and scores} over every shard of a run."""
    import hashlib

    import pyarrow.parquet as pq

    contents: dict[tuple[str, str], str] = {}
    for path in sorted((out / "shards").rglob("*.parquet")):
        category = path.parent.name
        for row in pq.read_table(path, columns=["id", "text"]).to_pylist():
            digest = hashlib.blake2b((row["text"] or "").encode("utf-8"), digest_size=8).hexdigest()
            key = (category, row["id"])
            contents[key] = contents.get(key, "") + digest  # a repeated document, once per copy
    return contents


def compare_outputs(ours: Path, baseline: Path) -> dict[str, int]:
    """How the documents and texts two runs wrote differ (0s: the same output)."""
    a, b = shard_contents(ours), shard_contents(baseline)
    files_a = {p.relative_to(ours): p.read_bytes() for p in (ours / "shards").rglob("*.parquet")}
    files_b = {p.relative_to(baseline): p.read_bytes()
               for p in (baseline / "shards").rglob("*.parquet")}
    return {"docs_ours": len(a), "docs_baseline": len(b),
            "only_ours": len(a.keys() - b.keys()), "only_baseline": len(b.keys() - a.keys()),
            "different_text": sum(1 for k in a.keys() & b.keys() if a[k] != b[k]),
            "shard_files_differing": sum(1 for k in files_a.keys() | files_b.keys()
                                         if files_a.get(k) != files_b.get(k))}


def staging_complete(out: Path, files: int) -> Any:
    """A `kill_when` test: every input file has its staging shard and sidecar."""
    def complete() -> bool:
        staging = out / "staging"
        return staging.is_dir() and sum(
            1 for p in staging.glob("*.json") if not p.name.startswith("_")) >= files
    return complete


def run_resume(folder: Path, timeout: float, full: dict[str, Any]) -> dict[str, Any]:
    """A 1-worker run SIGKILLed as soon as staging is complete, then the same command again:
    the rerun's CPU seconds against the full run's, and whether its shards are byte-identical."""
    files = len(list(folder.glob("*.warc.gz")))
    out = RUNS_DIR / f"{folder.name}-resume-1w"
    killed = run_ours(folder, 1, timeout, name="resume", out=out,
                      kill_when=staging_complete(out, files))
    resumed = run_ours(folder, 1, timeout, name="resume", out=out, fresh=False)
    same = compare_outputs(out, Path(full["out"]))
    return {"killed_cpu_s": killed["cpu_s"], "killed": killed.get("killed", False),
            "resumed_cpu_s": resumed["cpu_s"], "resumed_wall_s": resumed["wall_s"],
            "resumed_peak_rss_mb": resumed["peak_rss_mb"], "full_cpu_s": full["cpu_s"],
            "same_as_full": same}


def _written(out: Path) -> list[tuple[str, str]]:
    """(id, url) of every document in the run's shards."""
    import pyarrow.parquet as pq

    rows: list[tuple[str, str]] = []
    for path in sorted((out / "shards").rglob("*.parquet")):
        table = pq.read_table(path, columns=["id", "url"])
        rows += list(zip(table["id"].to_pylist(), table["url"].to_pylist(), strict=True))
    return rows


def output_truth(written: list[tuple[str, str]], truth: dict[str, Any]) -> dict[str, int]:
    """Ground truth on what a run wrote: no family twice, no stale recrawl."""
    ids = {doc_id for doc_id, _ in written}
    families: dict[str, int] = {}
    stale = 0
    for copy_id, copy in truth["copies"].items():
        if copy["kind"] == "recrawl":
            stale += copy["original"] in ids  # the older fetch was written
            continue
        family = copy["original"]
        families.setdefault(family, int(family in ids))
        families[family] += copy_id in ids
    return {"families_written_twice": sum(1 for n in families.values() if n > 1),
            "families_written": sum(1 for n in families.values() if n >= 1),
            "families": len(families), "stale_recrawls_written": stale}


# --- the plain loop -----------------------------------------------------------------------------


def _timed(label: str, costs: dict[str, dict[str, float]], seen: int,
           outcomes: Iterator[Any]) -> list[Any]:
    from curation.document import Document

    started = time.perf_counter()
    results = list(outcomes)
    seconds = time.perf_counter() - started
    kept = [r for r in results if isinstance(r, Document)]
    costs[label] = {"seen": seen, "kept": len(kept), "seconds": seconds}
    return results


def stage_loop(folder: Path) -> dict[str, Any]:
    """Every stage over the corpus in one process, in pipeline order; per-stage seconds, and
    the ground-truth checks on each document's fate."""
    from curation.config import Config
    from curation.dedup.lines import LineDedup
    from curation.dedup.near_dup import MinHashDedup
    from curation.dedup.url import UrlDedup
    from curation.document import Document
    from curation.mix.mixer import TokenizeStage
    from curation.readers import read_path
    from curation.stage import run_stage
    from pipelines.graph import per_document_stages, post_dedup_stages, pre_dedup_stages

    config = Config()
    costs: dict[str, dict[str, float]] = {}
    files = sorted(folder.glob("*.warc.gz"))
    records = _timed("read", costs, 0, (r for f in files for r in read_path(str(f))))
    costs["read"]["seen"] = len(records)
    docs = [r for r in records if isinstance(r, Document)]

    def time_stage(label: str, stage: Any, docs: list[Document]) -> list[Document]:
        stage.setup()
        results = _timed(label, costs, len(docs), (run_stage(stage, d) for d in docs))
        stage.teardown()
        return [r for r in results if isinstance(r, Document)]

    def per_doc(stages: list[Any], docs: list[Document]) -> list[Document]:
        for stage in stages:
            docs = time_stage(stage.name, stage, docs)
        return docs

    docs = per_doc(pre_dedup_stages(config), docs)
    before_url = {d.id for d in docs}
    results = _timed("url_dedup", costs, len(docs), UrlDedup().run_in_memory(docs))
    docs = [r for r in results if isinstance(r, Document)]
    after_url = {d.id for d in docs}
    docs = per_doc(per_document_stages(config), docs)
    before_near = {d.id for d in docs}
    results = _timed("minhash_dedup", costs, len(docs),
                     MinHashDedup(config.stages.minhash_dedup).run_in_memory(docs))
    docs = [r for r in results if isinstance(r, Document)]
    after_near = {d.id for d in docs}
    results = _timed("line_dedup", costs, len(docs),
                     LineDedup(config.stages.line_dedup).run_in_memory(docs))
    docs = [r for r in results if isinstance(r, Document)]
    heuristics_seen = list(docs)
    docs = per_doc(post_dedup_stages(config), docs)
    for family in HEURISTIC_FAMILIES:
        time_stage(alone_label(family), heuristics_alone(config.stages.heuristics, family),
                   heuristics_seen)
    if config.stages.classify.enabled:
        from pipelines.classify import classify_in_memory

        classify_config = config.stages.classify
        if classify_config.torch_threads:
            from classifiers.transformer_student import set_torch_threads

            set_torch_threads(classify_config.torch_threads)
        results = _timed("classify", costs, len(docs), classify_in_memory(docs, classify_config))
        docs = [r for r in results if isinstance(r, Document)]
    docs = per_doc([TokenizeStage(config.stages.mix)], docs)
    truth = corpus.load_truth(folder)
    return {"costs": costs, "truth": loop_truth(truth, before_url, after_url, before_near,
                                                after_near)}


def heuristics_alone(config: HeuristicsConfig, family: str) -> HeuristicsStage:
    """The heuristics stage with one rule family on (`c4` is off by default, so on here) and
    every other family, dirty words and token KL off."""
    from curation.heuristics.stage import HeuristicsStage

    update: dict[str, Any] = {}
    for name in (*HEURISTIC_FAMILIES, *HEURISTIC_EXTRAS):
        update[name] = getattr(config, name).model_copy(update={"enabled": name == family})
    return HeuristicsStage(config.model_copy(update=update))


def loop_truth(truth: dict[str, Any], before_url: set[str], after_url: set[str],
               before_near: set[str], after_near: set[str]) -> dict[str, list[int]]:
    """[right, judged, both removed] per copy kind. Recrawls are judged where both fetches reached
    url_dedup (right: only the newer one left it). Copies are judged where both reached
    minhash_dedup (right: not both left it; "both removed" counts pairs whose cluster kept a
    third document, e.g. another page of the same site with the same text)."""
    checks = {"recrawl": [0, 0, 0], "exact_copy": [0, 0, 0], "near_copy": [0, 0, 0]}
    for copy_id, copy in truth["copies"].items():
        kind, original = copy["kind"], copy["original"]
        if kind == "recrawl":
            if copy_id in before_url and original in before_url:
                checks[kind][1] += 1
                checks[kind][0] += copy_id in after_url and original not in after_url
        elif copy_id in before_near and original in before_near:
            survivors = (copy_id in after_near) + (original in after_near)
            checks[kind][1] += 1
            checks[kind][0] += survivors <= 1
            checks[kind][2] += survivors == 0
    return checks


def run_loop(folder: Path, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.pipeline", "--loop-child", str(folder)]
    m = measure(cmd, timeout)
    result: dict[str, Any] = json.loads(m.stdout.strip().splitlines()[-1])
    result.update(wall_s=m.wall_s, cpu_s=m.cpu_s, peak_rss_mb=m.peak_rss_mb)
    return result


# --- datatrove ----------------------------------------------------------------------------------


def run_datatrove(folder: Path, python: Path, timeout: float) -> dict[str, Any]:
    from classifiers.lid_model import lid176_path

    work = RUNS_DIR / f"{folder.name}-datatrove"
    cmd = [str(python), str(REPO_ROOT / "benchmarks" / "datatrove_pipeline.py"), str(folder),
           str(work), "--lid-model", str(lid176_path(None))]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}
    m = measure(cmd, timeout, env)
    result: dict[str, Any] = json.loads(m.stdout.strip().splitlines()[-1])
    result.update(wall_s=m.wall_s, cpu_s=m.cpu_s, peak_rss_mb=m.peak_rss_mb,
                  reaped_cpu_s=m.reaped_cpu_s, polled_cpu_s=m.polled_cpu_s)
    steps: dict[str, dict[str, float]] = {}
    for run in result["runs"].values():
        for step in run["steps"]:
            entry = steps.setdefault(step["name"], {"seconds": 0.0, "seen": 0, "kept": 0})
            entry["seconds"] += step["seconds"]
            entry["seen"] += int(step.get("timed", 0) or step["stats"].get("total", 0) or 0)
            entry["kept"] += int(step["stats"].get("forwarded", 0) or 0)
    result["steps"] = steps
    return result


def _datatrove_rate(dt: dict[str, Any], ours: str) -> tuple[str, float, float] | None:
    """(which steps, seconds, docs the first of them handled) for datatrove's part doing `ours`."""
    if ours == "minhash_dedup":
        first = next((s for name, s in dt["steps"].items() if "MinHash stage 1" in name), None)
        if first is None:
            return None
        seconds = sum(dt["runs"][run]["wall_s"] for run in DATATROVE_MINHASH_RUNS)
        return "MinHash stages 1-4 (wall of the 4 runs)", seconds, first["seen"]
    parts = DATATROVE_STEPS.get(ours, ())
    matched = [(next(i for i, part in enumerate(parts) if part in name), s)
               for name, s in dt["steps"].items() if any(part in name for part in parts)]
    if not matched:
        return None
    seconds = sum(s["seconds"] for _, s in matched)
    return " + ".join(parts), seconds, min(matched, key=lambda m: m[0])[1]["seen"]


# --- tables -------------------------------------------------------------------------------------


def _rate(docs: float, seconds: float) -> float:
    return docs / seconds if seconds > 0 else float("nan")


def print_report(n: int, ours: list[dict[str, Any]], loop: dict[str, Any] | None,
                 dt: dict[str, Any] | None, truth: dict[str, Any],
                 baseline: list[dict[str, Any]] | None = None, resume: dict[str, Any] | None = None,
                 shuffle: dict[str, Any] | None = None,
                 dask: list[dict[str, Any]] | None = None) -> None:
    records = ours[0]["stats"]["stages"]["read"]["seen"]
    print(f"\ncorpus: {n} documents ({truth['kinds']}), {records} records read")
    print("\nEnd to end (records read / seconds):")
    print("| system | wall s | CPU s (reaped / polled) | docs/s wall | docs/s per core (CPU) | peak RSS MB "
          "| largest process MB | vs datatrove per core |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    dt_per_core = _rate(records, dt["cpu_s"]) if dt else None
    rows = [(f"ours, curate run, {r['workers']} worker(s)", r) for r in ours]
    rows += [(f"ours, curate run --runner dask, LocalCluster of {r['workers']} worker(s)", r)
             for r in dask or []]
    rows += [(f"before (baseline tree), {r['workers']} worker(s)", r) for r in baseline or []]
    if dt:
        rows.append(("datatrove 0.10.1, FineWeb steps + MinHash 1-4, 1 task", dt))
    for label, r in rows:
        per_core = _rate(records, r["cpu_s"])
        ratio = f"{per_core / dt_per_core:.2f}x" if dt_per_core else "-"
        print(f"| {label} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} ({r.get('reaped_cpu_s', 0):.1f} / "
              f"{r.get('polled_cpu_s', 0):.1f}) | {_rate(records, r['wall_s']):.1f} "
              f"| {per_core:.1f} | {r['peak_rss_mb']:,.0f} | {r.get('peak_process_mb', 0):,.0f} "
              f"| {ratio} |")
    for r in dask or []:
        print(f"dask {r['workers']}w: stats reconciled: {r['stats']['reconciled']}; stats equal "
              f"to the local run's: {r['stats_equal']}; shards against the local run: "
              f"{r['same_as_local']}")
    for r in ours:
        print(f"ours {r['workers']}w output check: {output_truth(r['written'], truth)}; "
              f"stats reconciled: {r['stats']['reconciled']}")
    for r in baseline or []:
        print(f"ours against the baseline, {r['workers']}w: {r['same_as_ours']}")
    if resume:
        print(f"\nkilled once staging was complete (killed: {resume['killed']}, "
              f"{resume['killed_cpu_s']:.1f} CPU s), then run again: {resume['resumed_cpu_s']:.1f} "
              f"CPU s ({resume['resumed_peak_rss_mb']:,.0f} MB peak) against "
              f"{resume['full_cpu_s']:.1f} for a full run "
              f"({resume['resumed_cpu_s'] / resume['full_cpu_s']:.0%}); output against the full "
              f"run: {resume['same_as_full']}")
    if shuffle:
        from benchmarks.shuffle_bytes import print_shuffle

        print_shuffle(shuffle)
    if loop is None:
        return
    costs = loop["costs"]
    print(f"\nPer stage, one core, plain loop without Beam ({costs['read']['seen']} records"
          f"{'' if loop['folder'] == ours[0]['folder'] else ', the ' + loop['folder'] + ' corpus'}):")
    print("| stage | seen | kept | seconds | docs/s | datatrove steps | datatrove docs/s "
          "| ours / datatrove |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for stage, c in costs.items():
        rate = _rate(c["seen"], c["seconds"])
        dt_cells = "| - | - | -"
        if dt:
            found = _datatrove_rate(dt, stage)
            if found and found[1] > 0 and found[2] > 0:
                dt_rate = _rate(found[2], found[1])
                dt_cells = f"| {found[0]} | {dt_rate:.1f} | {rate / dt_rate:.2f}x"
        print(f"| {stage} | {c['seen']:.0f} | {c['kept']:.0f} | {c['seconds']:.1f} | {rate:.1f} {dt_cells} |")
    alone = {alone_label(f) for f in HEURISTIC_FAMILIES}
    loop_total = sum(c["seconds"] for stage, c in costs.items() if stage not in alone)
    work = sum(costs[s]["seconds"] for s in WORK_STAGES if s in costs)
    scale = records / max(costs["read"]["seen"], 1)
    loop_rate = _rate(costs["read"]["seen"], loop_total)
    print(f"| all stages, plain loop | | | {loop_total:.1f} | {loop_rate:.1f} | | | |")
    for r in ours:
        share_work = work * scale / r["cpu_s"]
        share_loop = loop_total * scale / r["cpu_s"]
        print(f"ours {r['workers']}w: extraction, langid and classify are {share_work:.0%} of the run's CPU "
              f"seconds, all stage work {share_loop:.0%}; outside extraction and classification "
              f"(Beam overhead and the other stages): {1 - share_work:.0%}; Beam alone: "
              f"{1 - share_loop:.0%}")
    print(f"ground truth in the plain loop [right, judged, both removed]: {loop['truth']}")
    if dt:
        print("\ndatatrove steps (its own timers):")
        for name, s in dt["steps"].items():
            print(f"  {name}: {s['seen']} seen, {s['kept']} forwarded, {s['seconds']:.1f} s")


def print_scaling(paths: list[Path]) -> None:
    """Wall time and peak RSS per system across the sizes of saved runs (`--json`), with the
    growth exponent k of t ~ N^k between consecutive sizes."""
    import math

    runs = sorted((json.loads(p.read_text()) for p in paths),
                  key=lambda r: r["ours"][0]["stats"]["stages"]["read"]["seen"])
    series: dict[str, list[tuple[int, float, float]]] = {}
    for run in runs:
        n = run["ours"][0]["stats"]["stages"]["read"]["seen"]
        for r in run["ours"]:
            series.setdefault(f"ours, {r['workers']} worker(s)", []).append(
                (n, r["wall_s"], r["peak_rss_mb"]))
        for r in run.get("baseline") or []:
            series.setdefault(f"before, {r['workers']} worker(s)", []).append(
                (n, r["wall_s"], r["peak_rss_mb"]))
        if run.get("datatrove"):
            dt = run["datatrove"]
            series.setdefault("datatrove", []).append((n, dt["wall_s"], dt["peak_rss_mb"]))
    print("| system | records | wall s | peak RSS MB | wall exponent | RSS exponent |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, points in series.items():
        previous = None
        for n, wall, rss in points:
            if previous and previous[0] != n:
                scale = math.log(n / previous[0])
                k_wall = f"{math.log(wall / previous[1]) / scale:.2f}"
                k_rss = f"{math.log(rss / previous[2]) / scale:.2f}"
            else:
                k_wall = k_rss = "-"
            print(f"| {name} | {n:,} | {wall:.1f} | {rss:,.0f} | {k_wall} | {k_rss} |")
            previous = (n, wall, rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--loop-docs", type=int, default=2000,
                        help="corpus size for the per-stage plain loop (0: skip it)")
    parser.add_argument("--datatrove-python", type=Path, default=DEFAULT_DATATROVE)
    parser.add_argument("--no-datatrove", action="store_true")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--scaling", type=Path, nargs="+",
                        help="print the scaling table of these saved --json runs, and nothing else")
    parser.add_argument("--report", type=Path, help="print the tables of a saved --json run again")
    parser.add_argument("--baseline-root", type=Path,
                        help="also run `curate run` of the code in this tree (e.g. `git worktree add "
                             "/tmp/base COMMIT`) at each worker count, right after ours, and "
                             "compare the documents and texts both wrote")
    parser.add_argument("--resume", action="store_true",
                        help="also kill a 1-worker run once staging is complete and run it again")
    parser.add_argument("--runner", choices=("direct", "dask"), default="direct",
                        help="dask: also run on a Dask LocalCluster at each worker count, right "
                             "after the local run, and compare")
    parser.add_argument("--no-shuffle-bytes", action="store_true",
                        help="skip counting the shuffled bytes per document")
    parser.add_argument("--loop-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop_child:
        print(json.dumps(stage_loop(args.loop_child)))
        return
    if args.scaling:
        print_scaling(args.scaling)
        return
    if args.report:
        saved = json.loads(args.report.read_text())
        print_report(saved["docs"], saved["ours"], saved["loop"], saved["datatrove"], saved["truth"],
                     saved.get("baseline", []), saved.get("resume"), saved.get("shuffle"),
                     saved.get("dask"))
        return
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    folder = corpus.build(args.docs, args.seed)
    truth = corpus.load_truth(folder)
    use_dt = not args.no_datatrove and args.datatrove_python.is_file()
    ours: list[dict[str, Any]] = []
    baseline: list[dict[str, Any]] = []
    dask: list[dict[str, Any]] = []
    dt: dict[str, Any] | None = None
    keep_staging = RUNS_DIR / "keep_staging.yaml"
    keep_staging.write_text("output:\n  keep_staging: true\n")
    # Alternate: ours at the first worker count, the baseline, datatrove, then the others.
    for i, workers in enumerate(args.workers):
        print(f"ours, {workers} worker(s) ...", file=sys.stderr, flush=True)
        ours.append({**run_ours(folder, workers, args.timeout, config=keep_staging),
                     "folder": folder.name})
        if args.baseline_root:
            print(f"baseline {args.baseline_root}, {workers} worker(s) ...", file=sys.stderr,
                  flush=True)
            base = run_ours(folder, workers, args.timeout, root=args.baseline_root,
                            name="baseline")
            base["same_as_ours"] = compare_outputs(Path(ours[-1]["out"]), Path(base["out"]))
            baseline.append({**base, "folder": folder.name})
        if args.runner == "dask":
            print(f"dask, {workers} worker(s) ...", file=sys.stderr, flush=True)
            run = run_ours(folder, workers, args.timeout, name="dask", config=keep_staging,
                           runner="dask")
            run["same_as_local"] = compare_outputs(Path(run["out"]), Path(ours[-1]["out"]))
            run["stats_equal"] = _without_elapsed(run["stats"]) == _without_elapsed(
                ours[-1]["stats"])
            dask.append({**run, "folder": folder.name})
        if i == 0 and use_dt:
            print("datatrove ...", file=sys.stderr, flush=True)
            dt = run_datatrove(folder, args.datatrove_python, args.timeout)
    resume = None
    if args.resume:
        print("killed and resumed run, 1 worker ...", file=sys.stderr, flush=True)
        full = next((r for r in ours if r["workers"] == 1), ours[0])
        resume = run_resume(folder, args.timeout, full)
    shuffle = None
    if not args.no_shuffle_bytes:
        from benchmarks.shuffle_bytes import shuffle_bytes

        print("shuffled bytes ...", file=sys.stderr, flush=True)
        shuffle = shuffle_bytes(Path(ours[0]["out"]))
    loop = None
    if args.loop_docs:
        loop_folder = corpus.build(min(args.docs, args.loop_docs), args.seed)
        print(f"plain loop on {loop_folder.name} ...", file=sys.stderr, flush=True)
        loop = {**run_loop(loop_folder, args.timeout), "folder": loop_folder.name}
    if args.json:  # before printing, so a run is never lost; `--report` prints it again
        args.json.write_text(json.dumps({"docs": args.docs, "ours": ours, "loop": loop,
                                         "datatrove": dt, "truth": truth, "baseline": baseline,
                                         "resume": resume, "shuffle": shuffle, "dask": dask},
                                        default=str))
    print_report(args.docs, ours, loop, dt, truth, baseline, resume, shuffle, dask)


def _without_elapsed(stats: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stats.items() if key != "elapsed_s"}


if __name__ == "__main__":
    main()
