"""The Dataflow job is built offline (Beam's dry run) and names our container and every stage."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from curation.config import load_config
from pipelines.dataflow import DataflowConfigError, job_description

REPO = Path(__file__).resolve().parent.parent
IMAGE = "us-docker.pkg.dev/my-project/curation/worker:0.1.0"
STAGES = ("stage_documents", "dedup", "dedup/url_dedup", "dedup/minhash_dedup", "dedup/line_dedup",
          "heuristics", "classify", "mix_stage", "WriteDroppedSamples", "WriteDeadLetters")


def test_cli_dry_run_writes_the_job_without_network(tmp_path):
    job_path = tmp_path / "job.json"
    completed = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--config", str(REPO / "configs" / "dataflow.yaml"),
         "--dry-run", "--job-json", str(job_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    description = json.loads(job_path.read_text())
    pool = description["job"]["environment"]["workerPools"][0]
    assert pool["workerHarnessContainerImage"] == IMAGE
    options = description["job"]["environment"]["sdkPipelineOptions"]["options"]
    assert options["sdk_container_image"] == IMAGE
    assert options["project"] == "my-project" and options["region"] == "us-central1"
    labels = {t["uniqueName"] for t in description["pipeline"]["components"]["transforms"].values()}
    for stage in STAGES:
        assert stage in labels, f"{stage} missing from the job graph"
    assert "stage_documents/StageFiles" in labels
    assert "dedup/url_dedup/KeepNewestFetch" in labels and "dedup/ApplyDecisions" in labels


def test_flags_override_the_config_file():
    config = load_config(REPO / "configs" / "dataflow.yaml")
    description = job_description(config, ["--sdk_container_image=example.com/other:2"])
    assert description["job"]["environment"]["workerPools"][0]["workerHarnessContainerImage"] == (
        "example.com/other:2")


def test_missing_dataflow_settings_are_named():
    config = load_config(REPO / "configs" / "default.yaml")
    with pytest.raises(DataflowConfigError, match=re.escape("--project, --region")):
        job_description(config)
