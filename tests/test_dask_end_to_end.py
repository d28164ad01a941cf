"""`curate run --runner dask` on the bundled sample, on a LocalCluster of 2 worker processes that
the test starts and stops: its output equals the DirectRunner's byte for byte (shards, dropped
samples, dead letters, mix report) and its stats.json equals the DirectRunner's; and a worker
process killed mid-run (SIGKILL while it executes a task) loses and duplicates no document.

Runs go through the real CLI in a subprocess with a time limit, so a hang fails the test.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed
import pytest

from tests.conftest import RUN_LIMIT_S, curate_run
from tests.dask_cluster import two_process_cluster

# every file a run writes whose bytes must not depend on the runner
COMPARED = ("shards/*/*.parquet", "shards/index.json", "dropped/*/*.jsonl", "errors/*/*.jsonl",
            "mix.json")


def written(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes()
            for pattern in COMPARED for p in sorted(out.glob(pattern))}


def stats_without_time(out: Path) -> dict[str, Any]:
    stats = json.loads((out / "stats.json").read_text())
    del stats["elapsed_s"]
    return stats


@pytest.fixture(scope="module")
def config_file(small_shards_config) -> Path:
    return small_shards_config


@pytest.fixture(scope="module")
def local_run(sample_run_one_worker) -> Path:
    """The DirectRunner's run of the sample with the same config (shared with test_end_to_end)."""
    return sample_run_one_worker


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """One cluster for both tests (the kill test's nanny replaces the worker it loses)."""
    with two_process_cluster() as local:
        yield local


def assert_same_output(dask_out: Path, local_out: Path) -> None:
    expected = written(local_out)
    assert any(name.startswith("shards/") and name.endswith(".parquet") for name in expected)
    assert any(name.startswith("dropped/") for name in expected)
    got = written(dask_out)
    assert sorted(got) == sorted(expected)
    for name, data in expected.items():
        assert got[name] == data, name
    assert stats_without_time(dask_out) == stats_without_time(local_out)
    manifest = json.loads((dask_out / "manifest.json").read_text())
    reference = json.loads((local_out / "manifest.json").read_text())
    assert manifest["config"]["runner"]["name"] == "dask"
    for key in ("records_read", "docs_written", "categories", "shards", "mix", "files"):
        assert manifest[key] == reference[key], key
    assert (dask_out / "report.html").is_file()


def test_the_sample_on_two_dask_workers_equals_the_local_runner(cluster, local_run, config_file,
                                                                tmp_path):
    out = tmp_path / "dask"
    curate_run(out, config_file, "--runner", "dask", "--dask-address", cluster.scheduler_address)
    assert_same_output(out, local_run)


class _KillOneBusyWorker(threading.Thread):
    """Once the first staging shard is complete, SIGKILLs a worker process that is executing a
    task at that moment (its in-memory results go with it, so Dask must recompute them)."""

    def __init__(self, address: str, out: Path) -> None:
        super().__init__(daemon=True)
        self._address = address
        self._out = out
        self.killed_pid: int | None = None
        self.run_was_finished = False
        self.task: str | None = None
        self.done = threading.Event()

    def run(self) -> None:
        with distributed.Client(self._address) as client:
            deadline = time.monotonic() + RUN_LIMIT_S
            while time.monotonic() < deadline and not self._first_shard_done():
                time.sleep(0.1)
            while time.monotonic() < deadline and self.killed_pid is None:
                busy = {worker: keys for worker, keys in client.processing().items() if keys}
                if busy:
                    worker, keys = sorted(busy.items())[0]
                    self.task = str(sorted(map(str, keys))[0])
                    self.killed_pid = client.run(os.getpid, workers=[worker])[worker]
                    self.run_was_finished = (self._out / "manifest.json").exists()
                    os.kill(self.killed_pid, signal.SIGKILL)
                time.sleep(0.05)
        self.done.set()

    def _first_shard_done(self) -> bool:
        staging = self._out / "staging"
        return staging.is_dir() and any(p.name != "_run.json" for p in staging.glob("*.json"))


def test_a_worker_killed_mid_run_loses_and_duplicates_no_document(cluster, local_run, config_file,
                                                                  tmp_path):
    out = tmp_path / "dask_killed"
    killer = _KillOneBusyWorker(cluster.scheduler_address, out)
    killer.start()
    curate_run(out, config_file, "--runner", "dask", "--dask-address", cluster.scheduler_address)
    assert killer.done.wait(60)
    assert killer.killed_pid is not None, "no worker was busy to kill"
    assert not killer.run_was_finished
    with distributed.Client(cluster.scheduler_address) as client:
        pids = set(client.run(os.getpid).values())
    assert killer.killed_pid not in pids  # the nanny started a new worker process
    # the shards hold exactly the local run's documents (none lost, none twice), and the
    # counters reconcile with the same numbers
    assert_same_output(out, local_run)
