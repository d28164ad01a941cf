"""Retries, reruns and input order never change what a run writes.

- A fault injected into the pipeline's DoFns (the staging step that reads each file and runs the
  per-document stages before dedup, the stages after dedup, the steps that read the staging
  shards to apply decisions, the mix's level-2 staging writer and reader, line dedup's
  and the mix's side-input DoFns, and the shard writer after its file is already written) fails
  the first attempt of every bundle. Beam's local `BundleBasedDirectRunner` retries a
  failed bundle (up to 4 attempts, `apache_beam/runners/direct/executor.py`), as Dataflow does;
  the portable in-memory runner does not retry at all, so the faults run there. The retried run's
  shards, index, mix report, dead letters and dropped samples are byte-identical to a clean run
  on the default runner.
- A rerun into the same directory, with the input files listed in reverse order, writes the same
  bytes, including `stats.json`, and leaves nothing of the first run behind.
- A crash in the middle of writing a file leaves the previous file whole and no half-written
  file under an output name (`pipelines.write.write_bytes`).

Stats of the retried run are not compared: the legacy runner keeps one metrics container across
the attempts of a bundle and loses the counters of DoFns that wait for side inputs (seen on line
dedup and the mix), so only the default runner's counters are used for accounting.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest

import pipelines.write
from curation.config import Config, with_overrides
from curation.document import Document
from curation.sample_data import SAMPLE_DIR
from pipelines import decisions, mix, mix_staging, stage_transform, staging
from pipelines.graph import build_pipeline
from pipelines.run import beam_options, resolve_inputs, run
from pipelines.write import write_bytes

COMPARED = ("shards", "anneal", "dropped", "errors", "mix.json")


class InjectedFaultError(RuntimeError):
    """Raised by the fault injector; a retried bundle must not see it again."""


def outputs(out: Path, names: tuple[str, ...] = COMPARED) -> dict[str, bytes]:
    files = [p for name in names for p in sorted((out / name).rglob("*")) if p.is_file()]
    files += [out / name for name in names if (out / name).is_file()]
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(files)}


def element_key(element: Any) -> str:
    if isinstance(element, Document):
        return element.id
    if isinstance(element, tuple):
        return repr(element[0])
    return repr(element)


def inject_faults(monkeypatch: pytest.MonkeyPatch, fn_class: type, markers: Path,
                  after_output: bool = False) -> None:
    """Make `fn_class` fail the first attempt of every bundle, at its first element: before
    processing it, or with `after_output` once its outputs (a written file) exist. The marker
    files in `markers` remember which (step, element) already failed, across DoFn instances."""
    original_start = getattr(fn_class, "start_bundle", None)
    original_process: Callable[..., Iterator[Any]] = fn_class.process

    def start_bundle(self: Any) -> None:
        self._first_in_bundle = True
        if original_start is not None:
            original_start(self)

    @functools.wraps(original_process)  # Beam reads the original signature (side inputs, hints)
    def process(self: Any, element: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        first, self._first_in_bundle = getattr(self, "_first_in_bundle", False), False
        stage = getattr(getattr(self, "_stage", None), "name", getattr(self, "_stage", ""))
        key = f"{fn_class.__name__}:{stage}:{element_key(element)}"
        marker = markers / hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
        fail = first and not marker.exists()
        if fail and not after_output:
            marker.write_text(key)
            raise InjectedFaultError(key)
        results = list(original_process(self, element, *args, **kwargs))
        if fail:
            marker.write_text(key)
            raise InjectedFaultError(key)
        yield from results

    monkeypatch.setattr(fn_class, "start_bundle", start_bundle)
    monkeypatch.setattr(fn_class, "process", process)


def sample_config(out: Path, inputs: list[str]) -> Config:
    return with_overrides(Config(), {"input.paths": inputs, "output.dir": str(out),
                                     "output.report": False})


@pytest.fixture(scope="module")
def sample_files() -> list[str]:
    files = sorted(str(p) for p in SAMPLE_DIR.glob("*.warc.gz"))
    assert len(files) >= 3
    return files


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, sample_files) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    summary = run(sample_config(out, sample_files))
    assert summary.stats["reconciled"] and summary.manifest["docs_written"] > 0
    return out


def test_retried_bundles_write_the_same_bytes_as_a_clean_run(clean_run, sample_files, tmp_path,
                                                             monkeypatch):
    markers = tmp_path / "faults"
    markers.mkdir()
    for fn_class in (staging._StageFilesFn, stage_transform._StageFn, decisions._LineKeysFn,
                     decisions._ApplyDecisionsFn, mix._SelectFn, mix_staging._StageItemsFn,
                     mix_staging._WritePartsFn):
        inject_faults(monkeypatch, fn_class, markers)
    inject_faults(monkeypatch, mix_staging.WriteShardFromPartsFn, markers, after_output=True)
    out = tmp_path / "out"
    config = sample_config(out, sample_files)
    pipeline = beam.Pipeline(options=beam_options(config, ["--runner=BundleBasedDirectRunner"]))
    build_pipeline(pipeline, config, resolve_inputs(config))  # the sources, as run() reads them
    pipeline.run().wait_until_finish()

    failed_steps = {":".join(path.read_text().split(":")[:2]) for path in markers.iterdir()}
    assert failed_steps == {
        "_StageFilesFn:", "_LineKeysFn:", "_ApplyDecisionsFn:", "_SelectFn:mix",
        "_StageItemsFn:", "_WritePartsFn:mix", "WriteShardFromPartsFn:mix",
        *(f"_StageFn:{name}" for name in ("heuristics", "tokenize")),
    }
    reference = outputs(clean_run)
    assert any(name.startswith("shards/") for name in reference)
    assert outputs(out) == reference


def test_a_rerun_into_the_same_directory_in_reverse_file_order_is_identical(clean_run,
                                                                            sample_files):
    before = outputs(clean_run, (*COMPARED, "manifest.json"))
    stats_before = json.loads((clean_run / "stats.json").read_text())
    summary = run(sample_config(clean_run, sample_files[::-1]))
    after = outputs(clean_run, (*COMPARED, "manifest.json"))
    manifest_before = json.loads(before.pop("manifest.json"))
    manifest_after = json.loads(after.pop("manifest.json"))
    assert after == before
    assert manifest_after["inputs"] == manifest_before["inputs"][::-1]
    for key in ("docs_written", "shards", "categories", "mix", "records_read"):
        assert manifest_after[key] == manifest_before[key], key
    stats_after = dict(summary.stats, elapsed_s=None)
    assert stats_after == dict(stats_before, elapsed_s=None)
    assert not [p for p in clean_run.rglob("*") if p.name.endswith(".tmp")]


class _DiskFullError(OSError):
    pass


def test_a_crash_mid_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "shards" / "general" / "part-00000-of-00001.parquet"
    write_bytes(str(target), b"first run")

    class BreakingFile:
        def __init__(self, path: str, mode: str) -> None:
            self._handle = open(path, mode)  # noqa: SIM115 - closed in __exit__

        def __enter__(self) -> BreakingFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()

        def write(self, data: bytes) -> None:
            self._handle.write(data[: len(data) // 2])
            raise _DiskFullError("no space left on device")

    monkeypatch.setattr(pipelines.write, "open", BreakingFile, raising=False)
    with pytest.raises(_DiskFullError):
        write_bytes(str(target), b"second run, much longer than the first")
    assert target.read_bytes() == b"first run"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_writes_create_folders_and_replace_files(tmp_path):
    target = tmp_path / "a" / "b" / "index.json"
    write_bytes(str(target), b"one")
    write_bytes(f"file://{target}", b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["index.json"]
