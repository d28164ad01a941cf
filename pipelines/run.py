"""Run the pipeline: resolve inputs and options, execute, then write `stats.json`,
`manifest.json` and `report.html` and check that every document is accounted for.

Local runs use Beam's DirectRunner (`in_memory`, or `multi_processing` with one process per core).
Dataflow runs use the same graph; `dry_run=True` builds the full job description offline instead.
Dask runs (`runner.name: dask`) use the same graph on a dask.distributed cluster, a LocalCluster
the run starts and closes or a scheduler at `runner.dask.address` (pipelines/dask_runner.py).
With `progress=True` a local run draws live counters (pipelines/progress.py) and a Dataflow run
prints its job page, where the same counters show.

Reruns never delete what the tool did not write: `manifest.json` lists every file the run wrote
(`files`, paths relative to the output directory), and a rerun removes exactly those before it
starts. A non-empty directory without such a manifest is refused (`OutputDirError`) unless
`overwrite=True` (`curate run --overwrite`), which writes into it and deletes nothing. What the
run wrote is found by comparing the directory's listing (size and modification time of each
file) before and after the pipeline, so a user's own file beside the shards is never listed.

Resume: a run writes `staging/_run.json` (the listing it started from) before the pipeline, and
removes `staging/` when it finishes (unless `output.keep_staging`). A directory with that marker
and no manifest is a run that was killed: a rerun removes what the killed run wrote outside the
staging shards (the mix's level-2 files under `staging/<stage>/` included), keeps the files that
were there before it, and reuses every staging shard whose sidecar matches (pipelines/staging.py),
so it skips reading and extracting those files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import posixpath
import time
from collections.abc import Mapping, Sequence
from typing import Any

import apache_beam as beam
import fsspec
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from curation.config import Config, SourceConfig
from curation.report import REPORT_NAME, write_report
from curation.sample_data import SAMPLE_DIR
from pipelines.graph import build_pipeline, stage_order
from pipelines.progress import ProgressMonitor, dataflow_console_url, print_dataflow_progress
from pipelines.provenance import provenance
from pipelines.read import expand_pattern
from pipelines.staging import STAGING_DIR
from pipelines.stats import (
    build_stats,
    check_accounting,
    check_written_rows,
    counters_from_result,
)
from pipelines.write import join_path, write_bytes

MANIFEST = "manifest.json"
RUN_MARKER = f"{STAGING_DIR}/_run.json"
_BOOKKEEPING = ("stats.json", MANIFEST)


class InputError(ValueError):
    pass


class OutputDirError(ValueError):
    """The output directory holds files that no earlier run's manifest accounts for."""


@dataclasses.dataclass(frozen=True)
class RunSummary:
    output_dir: str
    stats: dict[str, Any]
    manifest: dict[str, Any]


def resolve_inputs(config: Config) -> list[SourceConfig]:
    """The input sources: `input.paths` (as the source `input`) and `input.sources`, or the
    bundled sample. Local patterns must match."""
    sources = list(config.input.resolved_sources(str(SAMPLE_DIR)))
    for source in sources:
        for pattern in source.paths:
            if "://" not in pattern and not expand_pattern(pattern):
                raise InputError(f"no input files match {pattern!r} (source {source.name})")
    return sources


def input_patterns(inputs: Sequence[str] | Sequence[SourceConfig]) -> list[str]:
    return [p for item in inputs for p in (item.paths if isinstance(item, SourceConfig) else [item])]


def beam_options(config: Config, extra_args: Sequence[str] = ()) -> PipelineOptions:
    runner = config.runner
    if runner.name == "direct":
        args = [
            "--runner=DirectRunner",
            f"--direct_num_workers={runner.direct.num_workers}",
            f"--direct_running_mode={runner.direct.running_mode}",
        ]
    elif runner.name == "dask":
        from pipelines.dask_runner import dask_args

        dask = runner.dask
        args = dask_args(dask.address, dask.workers, dask.threads_per_worker, dask.partitions)
    else:
        args = ["--runner=DataflowRunner", "--sdk_location=container"]
        for field, value in runner.dataflow.model_dump().items():
            if value is not None:
                args.append(f"--{field}={value}")
    return PipelineOptions([*args, *extra_args], save_main_session=False)


Listing = dict[str, tuple[int, str]]


def list_output_dir(output_dir: str) -> Listing:
    """{path relative to `output_dir`: (size, modification stamp)} of every file under it."""
    fs, root = fsspec.core.url_to_fs(output_dir)
    if not fs.exists(root):
        return {}
    root = root.rstrip("/")
    listing: Listing = {}
    for path, info in fs.find(root, detail=True).items():
        stamp = next((info[key] for key in ("mtime", "updated", "LastModified", "generation", "ETag")
                      if info.get(key) is not None), "")
        listing[path[len(root) + 1:]] = (int(info.get("size") or 0), str(stamp))
    return listing


def prepare_output_dir(output_dir: str, overwrite: bool = False) -> Listing:
    """Remove the files the previous run's manifest lists, refuse a directory with other files
    and no manifest unless `overwrite`, and return the listing left (to tell what this run adds)."""
    listing = list_output_dir(output_dir)
    if not listing:
        return listing
    previous = _previous_files(output_dir, listing)
    if previous is None and RUN_MARKER in listing:
        return _resume_killed_run(output_dir, listing)
    if previous is None:
        if not overwrite:
            raise OutputDirError(
                f"{output_dir} is not empty and holds no manifest.json of an earlier `curate run` "
                f"({len(listing)} file(s), e.g. {sorted(listing)[0]}); choose an empty or new "
                "directory, or pass --overwrite to write into it (nothing in it is deleted)")
        return listing
    fs, root = fsspec.core.url_to_fs(output_dir)
    root = root.rstrip("/")
    doomed = sorted(name for name in previous if name in listing)
    if doomed:
        fs.rm([f"{root}/{name}" for name in doomed])
    _remove_empty_folders(output_dir, doomed)
    return {name: entry for name, entry in listing.items() if name not in previous}


def _resume_killed_run(output_dir: str, listing: Listing) -> Listing:
    """Remove what a killed run wrote outside `staging/`; return the listing it started from."""
    try:
        marker = _read_json(join_path(output_dir, RUN_MARKER))
        before = {name: (int(entry[0]), str(entry[1])) for name, entry in marker["before"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        raise OutputDirError(f"{output_dir} holds an unreadable {RUN_MARKER}; remove the directory "
                             "or pass --overwrite") from None
    # staging shards and their sidecars sit at the top of staging/; the mix's level-2 files in
    # its subfolders are named per bundle and never reused
    doomed = sorted(name for name in listing if name not in before
                    and not (name.startswith(STAGING_DIR + "/") and name.count("/") == 1))
    if doomed:
        fs, root = fsspec.core.url_to_fs(output_dir)
        fs.rm([f"{root.rstrip('/')}/{name}" for name in doomed])
    _remove_empty_folders(output_dir, doomed)
    return {name: entry for name, entry in before.items() if name in listing}


def _remove_staging(output_dir: str) -> None:
    fs, root = fsspec.core.url_to_fs(join_path(output_dir, STAGING_DIR))
    if fs.exists(root):
        fs.rm(root, recursive=True)


def _previous_files(output_dir: str, listing: Listing) -> set[str] | None:
    """The files the previous run wrote, from its manifest; None if there is no such manifest."""
    if MANIFEST not in listing:
        return None
    try:
        manifest = _read_json(join_path(output_dir, MANIFEST))
    except (OSError, ValueError):
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        return None
    # only plain relative paths inside the directory: a manifest is data, never a way out of it
    return {name for name in files if isinstance(name, str) and name
            and not name.startswith("/") and ".." not in posixpath.normpath(name).split("/")}


def _remove_empty_folders(output_dir: str, removed: Sequence[str]) -> None:
    """Local directories only: folders that removing `removed` left empty (object stores have
    no folders to leave behind)."""
    if "://" in output_dir and not output_dir.startswith("file://"):
        return
    root = os.path.abspath(output_dir.removeprefix("file://"))
    folders = {os.path.dirname(os.path.join(root, name)) for name in removed}
    for folder in sorted(folders, key=len, reverse=True):
        while folder.startswith(root + os.sep) and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def files_written(output_dir: str, before: Mapping[str, tuple[int, str]]) -> list[str]:
    """Files under `output_dir` that are new or changed since `before` was listed."""
    after = list_output_dir(output_dir)
    return sorted(name for name, entry in after.items() if before.get(name) != entry)


def run(config: Config, extra_args: Sequence[str] = (), progress: bool = False,
        overwrite: bool = False) -> RunSummary:
    """Run to completion and write stats, manifest and (if `output.report`) the report; raises
    AccountingError if the counts disagree, after writing them all so the report shows where."""
    inputs = resolve_inputs(config)
    output_dir = config.output.dir
    before = prepare_output_dir(output_dir, overwrite)
    write_bytes(join_path(output_dir, RUN_MARKER), _json({"before": before}))
    started = time.time()
    pipeline = beam.Pipeline(options=beam_options(config, extra_args))
    build_pipeline(pipeline, config, inputs)
    with _progress(config, progress):
        result = pipeline.run()
        if progress and config.runner.name == "dataflow":
            dataflow = config.runner.dataflow
            print_dataflow_progress(dataflow_console_url(dataflow.project, dataflow.region,
                                                         result.job_id()), stage_order(config))
        result.wait_until_finish()
    stats = build_stats(counters_from_result(result), stage_order(config))
    stats["elapsed_s"] = round(time.time() - started, 2)
    manifest = build_manifest(config, inputs, output_dir, stats)
    check_written_rows(stats, manifest["docs_written"])
    manifest["reconciled"] = stats["reconciled"]
    if not config.output.keep_staging:
        _remove_staging(output_dir)
    written = files_written(output_dir, before)
    manifest["files"] = sorted({*written, *_BOOKKEEPING,
                                *((REPORT_NAME,) if config.output.report else ())})
    write_bytes(join_path(output_dir, "stats.json"), _json(stats))
    write_bytes(join_path(output_dir, MANIFEST), _json(manifest))
    if config.output.report:
        write_report(output_dir)
    check_accounting(stats)
    return RunSummary(output_dir, stats, manifest)


def _progress(config: Config, progress: bool) -> contextlib.AbstractContextManager[object]:
    """The live display for a local run, or nothing (Dataflow shows its own, see run())."""
    if progress and config.runner.name == "direct":
        return ProgressMonitor(stage_order(config))
    return contextlib.nullcontext()


def build_manifest(
    config: Config, inputs: Sequence[str] | Sequence[SourceConfig], output_dir: str,
    stats: dict[str, Any]
) -> dict[str, Any]:
    index_path = join_path(output_dir, "shards", "index.json")
    shards: list[dict[str, Any]] = _read_json(index_path) if FileSystems.exists(index_path) else []
    categories: dict[str, dict[str, int]] = {}
    for shard in shards:
        totals = categories.setdefault(shard["category"], {"docs": 0, "text_bytes": 0,
                                                           "file_bytes": 0, "shards": 0})
        totals["docs"] += shard["docs"]
        totals["text_bytes"] += shard["text_bytes"]
        totals["file_bytes"] += shard["file_bytes"]
        totals["shards"] += 1
        if "tokens" in shard:
            totals["tokens"] = totals.get("tokens", 0) + shard["tokens"]
    reports = {"mix": join_path(output_dir, "mix.json"),
               "anneal": join_path(output_dir, "anneal", "mix.json")}
    mix = {name: _read_json(path) for name, path in reports.items() if FileSystems.exists(path)}
    return {
        "inputs": input_patterns(inputs),
        "sources": _sources(inputs, mix.get("mix", {})),
        "records_read": stats["stages"]["read"]["seen"],
        "docs_written": sum(c["docs"] for c in categories.values()),
        "text_bytes_written": sum(c["text_bytes"] for c in categories.values()),
        "categories": dict(sorted(categories.items())),
        "shards": shards,
        **mix,
        "reconciled": stats["reconciled"],
        "config": config.model_dump(mode="json"),
        "provenance": provenance(),
    }


def _sources(inputs: Sequence[str] | Sequence[SourceConfig], mix: dict[str, Any]
             ) -> dict[str, Any]:
    """Each source's paths, format and fixed category, with the tokens and documents it has
    written per category (from mix.json's `sources`)."""
    written = mix.get("sources", {})
    return {item.name: {"paths": list(item.paths), "format": item.format,
                        "category": item.category, "written": written.get(item.name, {})}
            for item in inputs if isinstance(item, SourceConfig)}


def _read_json(path: str) -> Any:
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n").encode("utf-8")
