"""The live progress side channel: counts reach the monitor while a local run is going, in-process
and with two worker processes, and the run's output is the same with or without it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from curation.config import Config, with_overrides
from pipelines import progress
from pipelines.graph import stage_order
from pipelines.progress import PROGRESS_DIR_ENV, ProgressMonitor, dataflow_console_url, read_progress
from pipelines.run import run

RUN_LIMIT_S = 600
RECORDS_IN_SAMPLE = 230


def test_record_is_a_no_op_without_a_progress_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(PROGRESS_DIR_ENV, raising=False)
    progress.record("read", "seen", 5)
    monkeypatch.setenv(PROGRESS_DIR_ENV, str(tmp_path))
    for name, value in (("seen", 3), ("kept", 2), ("dropped.x", 1), ("redacted.email", 9)):
        progress.record("read", name, value)
    progress.flush_this_process()
    assert read_progress(str(tmp_path)) == {"read": {"seen": 3, "kept": 2, "dropped.x": 1}}


def shards(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("shards/*/*.parquet"))}


def test_the_display_updates_during_an_in_process_run_and_changes_no_output(tmp_path):
    config = with_overrides(Config(), {"output.dir": str(tmp_path / "with")})
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ProgressMonitor(stage_order(config), console=console, poll_s=0.1, flush_s=0.1) as monitor:
        summary = run(config)
    read = [records for _, records, _ in monitor.history]
    assert read == sorted(read) and read[-1] == summary.stats["stages"]["read"]["seen"]
    assert len(monitor.history) >= 3, monitor.history  # several distinct states, not one at the end
    assert screen.getvalue().count("records read") >= 3
    assert os.environ.get(PROGRESS_DIR_ENV) is None
    run(with_overrides(config, {"output.dir": str(tmp_path / "without")}))
    assert shards(tmp_path / "with") == shards(tmp_path / "without")


MULTI_PROCESS_RUN = """
import io, json, sys
from rich.console import Console
from curation.config import Config, with_overrides
from pipelines.graph import stage_order
from pipelines.progress import ProgressMonitor
from pipelines.run import run
config = with_overrides(Config(), {"output.dir": sys.argv[1], "output.report": False,
                                   "runner.direct.num_workers": 2,
                                   "runner.direct.running_mode": "multi_processing"})
console = Console(file=io.StringIO(), force_terminal=True)
with ProgressMonitor(stage_order(config), console=console, poll_s=0.1, flush_s=0.1) as monitor:
    run(config)
print(json.dumps({"history": monitor.history, "counts": monitor.counts}))
"""


def test_worker_processes_report_through_the_side_channel(tmp_path):
    completed = subprocess.run([sys.executable, "-c", MULTI_PROCESS_RUN, str(tmp_path / "out")],
                               capture_output=True, text=True, timeout=RUN_LIMIT_S)
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    history = result["history"]
    assert history[-1][1] == RECORDS_IN_SAMPLE
    assert len(history) >= 2 and any(0 < dropped < history[-1][2] for *_, dropped in history[:-1]), history
    assert result["counts"]["extract"]["seen"] > 0  # counted in the workers, not in this process


def test_dataflow_progress_is_the_job_page():
    assert dataflow_console_url("my-project", "europe-west4", "2026-11-23_01") == (
        "https://console.cloud.google.com/dataflow/jobs/europe-west4/2026-11-23_01?project=my-project")
