"""Build the Google Dataflow job description offline (`curate run --runner dataflow --dry-run`).

Beam's `--dry_run` test option makes the DataflowRunner stop before submission and return the
job; `DataflowApplicationClient.create_job_description` then fills in the environment (worker
pools, the SDK container image, experiments) and stages the pipeline proto. `_LocalStagingClient`
writes those staged files to a local directory instead of uploading them (Beam rewrites a local
`--staging_location` to the gs:// temp location, and the upload would hang retrying without
network). With `--no_auth` and `--sdk_location=container` nothing needs credentials or network,
so CI can check that the job names our container and every stage of the graph.

The transform labels are not in the v1b3 job (its `steps` are empty under portable job
submission); they are in the pipeline proto, written beside it under `pipeline`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.runners.dataflow.internal import apiclient
from google.protobuf import json_format

from curation.config import Config, with_overrides
from pipelines.graph import build_pipeline
from pipelines.run import beam_options, resolve_inputs

_REQUIRED = ("project", "region", "temp_location", "sdk_container_image")


class DataflowConfigError(ValueError):
    pass


class _LocalStagingClient(apiclient.DataflowApplicationClient):
    """Stages files into `local_dir`; the job still records the gs:// paths it would use."""

    def __init__(self, options: Any, local_dir: str) -> None:
        super().__init__(options)
        self._local_dir = Path(local_dir)

    def stage_file_with_retry(  # type: ignore[override]
        self, gcs_or_local_path: str, file_name: str, stream_or_path: Any, *args: Any,
        **kwargs: Any,
    ) -> None:
        data = Path(stream_or_path).read_bytes() if isinstance(stream_or_path, str) else stream_or_path.read()
        (self._local_dir / file_name).write_bytes(data)


def job_description(config: Config, extra_args: Sequence[str] = ()) -> dict[str, Any]:
    """{'job': the v1b3 Job as JSON, 'pipeline': the Beam pipeline proto as JSON}."""
    missing = [name for name in _REQUIRED if getattr(config.runner.dataflow, name) is None]
    if missing:
        flags = ", ".join(f"--{name}" for name in missing)
        raise DataflowConfigError(f"a Dataflow job needs {flags} (or runner.dataflow.* in config)")
    config = with_overrides(config, {"runner.name": "dataflow"})
    args = [
        *extra_args,
        "--no_auth",
        "--dry_run=True",
        "--experiments=disable_logging_submission_environment",
    ]
    if config.runner.dataflow.job_name is None:
        args.append("--job_name=curation-dry-run")
    options = beam_options(config, args)
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, config, resolve_inputs(config))
    job = pipeline.run().job
    _LocalStagingClient(job.options, tempfile.mkdtemp(prefix="curation-staging-")
                        ).create_job_description(job)
    return {
        "job": json.loads(job.json()),
        "pipeline": json.loads(json_format.MessageToJson(job.proto_pipeline)),
    }


def write_job_description(config: Config, extra_args: Sequence[str], path: str) -> Path:
    description = job_description(config, extra_args)
    target = Path(path)
    target.write_text(json.dumps(description, indent=2, sort_keys=True), encoding="utf-8")
    return target
