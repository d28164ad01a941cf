"""The live progress side channel: counts reach the monitor while a local run is going, in-process
and with two worker processes, and the run's output is the same with or without it."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from curation.config import Config, with_overrides
from curation.sample_data import SAMPLE_DIR
from pipelines import progress
from pipelines.cli import print_summary
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
    # the crawl WARCs without the documentation pages: math and code are then unreachable, so
    # the mix warns, and the test sees where that warning goes
    crawl = sorted(str(p) for p in SAMPLE_DIR.glob("*.warc.gz") if "debian-docs" not in p.name)
    config = with_overrides(Config(), {"output.dir": str(tmp_path / "with"), "input.paths": crawl})
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ProgressMonitor(stage_order(config), console=console, poll_s=0.1, flush_s=0.1) as monitor:
        summary = run(config)
    read = [records for _, records, _ in monitor.history]
    assert read == sorted(read) and read[-1] == summary.stats["stages"]["read"]["seen"]
    assert len(monitor.history) >= 3, monitor.history  # several distinct states, not one at the end
    assert screen.getvalue().count("records read") >= 3
    # the mix's warning went through the live console (above the table, not through it), once
    warning = "WARNING:pipelines.mix:mix: math_reasoning: target share 0.25 unreachable"
    assert screen.getvalue().count(warning) == 1, screen.getvalue()[-3000:]
    assert os.environ.get(PROGRESS_DIR_ENV) is None
    run(with_overrides(config, {"output.dir": str(tmp_path / "without")}))
    assert shards(tmp_path / "with") == shards(tmp_path / "without")


MULTI_PROCESS_RUN = """
import io, json, sys
import pytest
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


def test_each_log_record_is_printed_once_during_a_run(tmp_path):
    piped = io.StringIO()
    handler = logging.StreamHandler(piped)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with ProgressMonitor(["read"], console=Console(file=io.StringIO()), poll_s=0.1):
            for _ in range(3):
                logging.getLogger("pipelines.mix").warning("mix: %s: unreachable", "code")
            logging.getLogger("pipelines.mix").warning("mix: %s: unreachable", "math")
        logging.getLogger("pipelines.mix").warning("mix: %s: unreachable", "code")  # after the run
    finally:
        root.removeHandler(handler)
    assert piped.getvalue().splitlines() == ["mix: code: unreachable", "mix: math: unreachable",
                                             "mix: code: unreachable"]
    assert not handler.filters


LOADING_BAR = """
import sys
from pipelines.progress import quiet_library_progress
if sys.argv[1] == "before":
    import transformers
with quiet_library_progress():
    from transformers.utils.logging import tqdm
    for _ in tqdm(range(3), desc="Loading weights"):
        pass
print("done")
"""


@pytest.mark.parametrize("imported", ["before", "during"])
def test_library_progress_bars_are_silent_during_a_run(imported):
    completed = subprocess.run([sys.executable, "-c", LOADING_BAR, imported], capture_output=True,
                               text=True, timeout=300, env={**os.environ, "TQDM_DISABLE": ""})
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "done" and "Loading weights" not in completed.stderr


def test_the_summary_columns_line_up_in_a_piped_log(capsys):
    order = stage_order(Config())
    stats = {"order": order, "elapsed_s": 1.0, "reconciled": True,
             "stages": {name: {"seen": 12345, "kept": 123, "dropped": {"x": 12222}, "errors": {}}
                        for name in order}}
    manifest = {"categories": {}, "config": {"output": {"report": False}}}
    print_summary(stats, manifest, "out")
    table = capsys.readouterr().out.splitlines()[:len(order) + 1]
    assert {len(line) for line in table} == {len(table[0])}
    assert {line.index("12345") for line in table[1:]} == {table[0].index("seen") - 1}


def test_dataflow_progress_is_the_job_page():
    assert dataflow_console_url("my-project", "europe-west4", "2026-11-23_01") == (
        "https://console.cloud.google.com/dataflow/jobs/europe-west4/2026-11-23_01?project=my-project")
