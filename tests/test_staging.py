"""Staging shards (pipelines/staging.py, curation/staging.py) and resuming a killed run.

- The pure parts: the per-shard dropped sample keeps what the run-wide sample would, and a
  sidecar is valid only with the run's fingerprint, the shard's size and its checksum.
- A staging shard holds exactly the documents the per-document stages keep from its file, in
  record order, and reads back as the same Documents.
- A run killed with SIGKILL (the process kills itself at a chosen point, so the point is exact),
  in the per-document phase or after staging, and started again with the same config, writes
  the same bytes as a run that was never killed, and the rerun reuses the staging shards that
  were complete (their files are not rewritten).
- A config change or a changed input file invalidates the shards it affects.
"""

from __future__ import annotations

import heapq
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from curation.config import Config, with_overrides
from curation.document import Document
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR
from curation.stage import run_stage
from curation.staging import SIDECAR_VERSION, SampleKeeper, checksum, sidecar_is_valid
from pipelines.graph import per_document_stages, pre_dedup_stages
from pipelines.run import run
from pipelines.staging import StagedShard, read_staged
from tests.test_reruns_and_faults import COMPARED, outputs

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("per_reason", "entries"), [
    (2, [("b", "x"), ("a", "y"), ("c", "z"), ("a", "w")]),
    (1, [("z", "1"), ("y", "2")]),
    (5, [("k", "1")]),
])
def test_sample_keeper_keeps_the_smallest_entries_per_reason(per_reason, entries):
    keeper = SampleKeeper(per_reason)
    for entry in entries:
        keeper.add(("read", "too_big"), entry)
        keeper.add(("pii", "other"), entry[::-1])
    expected = sorted([("pii", "other", *e) for e in heapq.nsmallest(per_reason,
                                                                    [e[::-1] for e in entries])]
                      + [("read", "too_big", *e) for e in heapq.nsmallest(per_reason, entries)])
    assert keeper.entries() == expected


def test_sample_keeper_with_no_samples_still_names_the_reason():
    keeper = SampleKeeper(0)
    keeper.add(("read", "too_big"), ("b", "x"))
    keeper.add(("read", "too_big"), ("a", "y"))
    assert keeper.entries() == [("read", "too_big", "a", "y")]


_DATA = b"parquet bytes"
_GOOD = {"version": SIDECAR_VERSION, "fingerprint": "f1", "parquet_bytes": len(_DATA),
         "parquet_blake2b": checksum(_DATA)}


@pytest.mark.parametrize(("sidecar", "data", "valid"), [
    (_GOOD, _DATA, True),
    ({**_GOOD, "fingerprint": "f2"}, _DATA, False),  # config, code or input file changed
    (_GOOD, _DATA[:-1], False),  # shard cut short
    (_GOOD, _DATA.replace(b"q", b"Q"), False),  # same size, other bytes
    (_GOOD, None, False),  # shard missing
    ({**_GOOD, "version": SIDECAR_VERSION + 1}, _DATA, False),
    ([], _DATA, False),  # not a sidecar at all
])
def test_a_sidecar_is_valid_only_for_the_same_fingerprint_and_bytes(sidecar, data, valid):
    assert sidecar_is_valid(sidecar, "f1", data) is valid


def _config(out: Path, inputs: list[str], **overrides: object) -> Config:
    return with_overrides(Config(), {"input.paths": inputs, "output.dir": str(out),
                                     "output.report": False, "output.keep_staging": True,
                                     **overrides})


@pytest.fixture(scope="module")
def sample_files() -> list[str]:
    return sorted(str(p) for p in SAMPLE_DIR.glob("*.warc.gz"))


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, sample_files) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    assert run(_config(out, sample_files)).stats["reconciled"]
    return out


def _sidecars(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted((out / "staging").glob("*.json"))
            if not p.name.startswith("_")}


def test_a_staging_shard_holds_the_documents_its_file_keeps(clean_run, sample_files):
    config = Config()
    stages = [*pre_dedup_stages(config), *per_document_stages(config)]
    for stage in stages:
        stage.setup()
    sidecars = _sidecars(clean_run)
    assert len(sidecars) == len(sample_files)
    by_file = {s["task"][0]: (name, s) for name, s in sidecars.items()}
    path = next(p for p in sample_files if "dolma-sample-0000" in p)
    name, sidecar = by_file[path]
    expected = []
    for record in read_path(path, "auto", config.input.max_record_bytes):
        if not isinstance(record, Document):
            continue
        doc = record.with_metadata(input_source="input")
        for stage in stages:
            doc = run_stage(stage, doc)
            if not isinstance(doc, Document):
                break
        if isinstance(doc, Document):
            expected.append(doc)
    for stage in stages:
        stage.teardown()
    shard = StagedShard(name.removesuffix(".json"), str(clean_run / "staging" /
                                                        name.replace(".json", ".parquet")),
                        sidecar["rows"])
    assert list(read_staged(shard)) == expected
    assert len(expected) == sidecar["rows"] > 0
    assert sidecar["counters"]["read"]["seen"] > sidecar["rows"]


_KILLING_RUN = textwrap.dedent("""
    import json, os, signal, sys
    from pathlib import Path
    from curation.config import Config, with_overrides
    import pipelines.decisions as decisions
    import pipelines.staging as staging
    from pipelines.run import run

    point, out, inputs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    if point == "per_document":  # once one shard is complete, as the next file starts
        original = staging._StageFilesFn._stage_file
        def stage_file(self, task, remaining):
            if any(not p.name.startswith("_") for p in (Path(out) / "staging").glob("*.json")):
                die()
            yield from original(self, task, remaining)
        staging._StageFilesFn._stage_file = stage_file
    else:  # after staging: as the first shard is read back for the corpus stages
        original_read = decisions.read_staged
        def read_staged(shard, columns=None):
            die()
            yield from original_read(shard, columns)
        decisions.read_staged = read_staged
    run(with_overrides(Config(), {"input.paths": inputs, "output.dir": out,
                                  "output.report": False, "output.keep_staging": True}))
""")


@pytest.mark.parametrize("point", ["per_document", "after_staging"])
def test_a_killed_run_resumes_to_the_same_bytes_reusing_complete_shards(
        point, clean_run, sample_files, tmp_path):
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", _KILLING_RUN, point, str(out),
                             json.dumps(sample_files)], cwd=REPO, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not (out / "manifest.json").exists()
    complete = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino)
                for p in (out / "staging").glob("*")
                if p.is_file() and not p.name.startswith(("_", "."))}
    shards_done = len([name for name in complete if name.endswith(".json")])
    assert shards_done == (1 if point == "per_document" else len(sample_files))

    summary = run(_config(out, sample_files))

    assert summary.stats["reconciled"]
    assert outputs(out, COMPARED) == outputs(clean_run, COMPARED)
    clean_stats = json.loads((clean_run / "stats.json").read_text())
    assert dict(summary.stats, elapsed_s=None) == dict(clean_stats, elapsed_s=None)
    for name, stamp in complete.items():  # reused, not rewritten
        path = out / "staging" / name
        assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp, name


def test_a_config_change_or_a_changed_file_recomputes_the_shards(clean_run, sample_files,
                                                                  tmp_path):
    out = tmp_path / "out"
    inputs = [str(tmp_path / Path(p).name) for p in sample_files[:2]]
    for source, copy in zip(sample_files, inputs, strict=False):
        Path(copy).write_bytes(Path(source).read_bytes())
    run(_config(out, inputs))
    first = _sidecars(out)
    run(_config(out, inputs))  # a finished run's staging files are its own: rewritten, same bytes
    assert _sidecars(out) == first
    os.utime(inputs[0], ns=(1, 1))  # the same bytes, but a touched file counts as changed
    run(_config(out, inputs))
    touched = _sidecars(out)
    changed = {name for name in first if touched[name]["fingerprint"] != first[name]["fingerprint"]}
    assert len(changed) == 1
    run(_config(out, inputs, **{"stages.pii.enabled": False}))
    assert all(s["fingerprint"] != touched[n]["fingerprint"] for n, s in _sidecars(out).items())
