"""Shared fixtures. Third-party evaluation data is read from ../shared/evaldata (or
$CURATION_EVALDATA); tests that need it skip with a clear message when it is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CURATE = [sys.executable, "-m", "pipelines.cli"]
RUN_LIMIT_S = 600
# small shards and few dropped samples, so that the sample writes several files of each kind
SMALL_SHARDS = ("output:\n  docs_per_shard: 10\n  dropped_samples_per_reason: 3\n"
                "stages:\n  mix:\n    tokens_per_shard: 3000\n")
EVALDATA = Path(os.environ.get("CURATION_EVALDATA", REPO_ROOT.parent / "shared" / "evaldata"))


def evaldata_path(*parts: str) -> Path:
    path = EVALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"evaluation data not found at {path} (set CURATION_EVALDATA to its folder)")
    return path


@pytest.fixture
def warc_dir() -> Path:
    return evaldata_path("web_crawl_warc")


@pytest.fixture(scope="module")
def pii_stage():
    """The PII stage with its default config, set up once per module."""
    from curation.config import PiiConfig
    from curation.pii.stage import PiiStage

    stage = PiiStage(PiiConfig())
    stage.setup()
    return stage


@pytest.fixture(scope="module")
def stages():
    """The text stages with their default config, set up once per module (fuzz and hostile inputs)."""
    from curation.config import Config
    from curation.extract.stage import ExtractStage
    from curation.heuristics.stage import HeuristicsStage
    from curation.pii.stage import PiiStage

    config = Config().stages
    built = {"extract": ExtractStage(config.extract), "pii": PiiStage(config.pii),
             "heuristics": HeuristicsStage(config.heuristics)}
    for stage in built.values():
        stage.setup()
    yield built
    for stage in built.values():
        stage.teardown()


def curate_run(out: Path, config: Path, *flags: str) -> None:
    """`curate run` in a subprocess with a time limit (a hang of a runner fails the test instead
    of stalling the suite); it must exit 0 with its accounting reconciled."""
    completed = subprocess.run(
        [*CURATE, "run", "--config", str(config), "--output", str(out), *flags],
        capture_output=True, text=True, timeout=RUN_LIMIT_S,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "accounting reconciled: True" in completed.stdout


@pytest.fixture(scope="session")
def small_shards_config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small_shards") / "small_shards.yaml"
    path.write_text(SMALL_SHARDS)
    return path


@pytest.fixture(scope="session")
def sample_run_one_worker(tmp_path_factory, small_shards_config) -> Path:
    """The bundled sample run once with one worker and SMALL_SHARDS, the reference that the
    worker-count, rerun and Dask tests compare with (one run for all of them: a run of the sample
    costs 20-40 s). Tests read it and never write into it."""
    out = tmp_path_factory.mktemp("sample_one_worker") / "out"
    curate_run(out, small_shards_config, "--workers", "1")
    return out
