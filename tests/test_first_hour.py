"""A new user's first hour (issue 25): every mistake a new user makes gets an exit code and a
one-line message that says what went wrong, and a rerun never deletes a file the tool did not write.

Each case runs the real `curate` entry point (`pipelines.cli.main`) on real inputs: the bundled
sample WARCs, and broken files made the way a user makes them (a PNG renamed `.warc.gz`, an empty
`.warc.gz`, a gzipped README, a JSONL file with one broken line, an empty JSONL file). The runs
switch off the stages that only cost time here (classify, dedup, heuristics, the report): what is
tested is what the read stage and the CLI do with the input.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from curation.sample_data import SAMPLE_DIR
from pipelines.cli import main

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
README = b"# My project\n\nA README, gzipped by mistake.\n"
GOOD = {"url": "https://example.org/a", "text": "A page of text about cats and their habits. " * 5}
NOTHING_READ = "curate: no document was read ("
LIGHT_STAGES = {"classify": False, "minhash_dedup": False, "line_dedup": False, "heuristics": False}


def light_config(tmp_path: Path, report: bool = False) -> str:
    lines = ["stages:"] + [f"  {name}: {{enabled: {str(on).lower()}}}" for name, on in LIGHT_STAGES.items()]
    lines.append(f"output: {{report: {str(report).lower()}}}")
    path = tmp_path / "light.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def curate_lines(text: str) -> list[str]:
    """The lines of `curate`'s own messages: "curate: ..." and the indented lines under them
    (progress lines and library logs are not its message)."""
    return [line for line in text.splitlines() if line.startswith(("curate", "  "))]


def write_input(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def jsonl(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


# name, file name, bytes, exit code, first line, a line naming the input and what is wrong with it
BAD_INPUTS = [
    ("png_renamed", "image.warc.gz", PNG, 1,
     NOTHING_READ + "1 record(s): 0 not pages, 1 unreadable); --allow-empty accepts an empty run",
     "image.warc.gz: ArchiveLoadFailed: Unknown archive format"),
    ("empty_warc", "empty.warc.gz", b"", 1,
     NOTHING_READ + "1 record(s): 0 not pages, 1 unreadable); --allow-empty accepts an empty run",
     "empty.warc.gz: EmptyFile: the file is empty (0 bytes)"),
    ("gzipped_readme", "readme.warc.gz", gzip.compress(README, mtime=0), 1,
     NOTHING_READ + "1 record(s): 0 not pages, 1 unreadable); --allow-empty accepts an empty run",
     "readme.warc.gz: ArchiveLoadFailed: Unknown archive format, first line: ['#', 'My', 'project']"),
    ("jsonl_one_broken_line", "pages.jsonl",
     jsonl(json.dumps(GOOD), '{"url": "https://example.org/b", "text": ', json.dumps(GOOD)), 0,
     "curate: 1 input record(s) or file(s) could not be read (1 JSONDecodeError); dead letters in",
     "pages.jsonl line 2: JSONDecodeError: Expecting value at character 43 of the line"),
    ("empty_jsonl", "empty.jsonl", b"", 1,
     NOTHING_READ + "1 record(s): 0 not pages, 1 unreadable); --allow-empty accepts an empty run",
     "empty.jsonl: EmptyFile: the file holds no records"),
]


@pytest.mark.parametrize(("name", "file_name", "data", "code", "first_line", "named"), BAD_INPUTS,
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_named_in_the_summary(tmp_path, capsys, name, file_name, data, code, first_line,
                                           named):
    path = write_input(tmp_path, file_name, data)
    out = tmp_path / "out"
    assert main(["run", "--config", light_config(tmp_path), "--input", path,
                 "--output", str(out)]) == code
    lines = curate_lines(capsys.readouterr().err)
    assert lines[0].startswith(first_line), lines
    assert lines[-1].startswith(f"  {path}{named.removeprefix(file_name)}"), lines
    stats = json.loads((out / "stats.json").read_text())
    assert sum(stats["stages"]["read"]["errors"].values()) == 1  # counted, and now also named


def test_allow_empty_accepts_a_run_that_reads_nothing_and_inspect_lists_its_dead_letters(
        tmp_path, capsys):
    path = write_input(tmp_path, "image.warc.gz", PNG)
    out = tmp_path / "out"
    assert main(["run", "--config", light_config(tmp_path), "--input", path,
                 "--output", str(out), "--allow-empty"]) == 0
    lines = curate_lines(capsys.readouterr().err)
    assert lines[0].startswith("curate: 1 input record(s) or file(s) could not be read"), lines
    assert not any(line.startswith(NOTHING_READ) for line in lines)
    assert main(["inspect", str(out)]) == 0  # by stage and type
    listing = " ".join(capsys.readouterr().out.split())
    assert "no document was dropped in this run" in listing
    assert "│ read │ ArchiveLoadFailed │ 1 │" in listing
    assert main(["inspect", str(out), "--stage", "read"]) == 0  # and each one, with where
    assert f"{path}: ArchiveLoadFailed: Unknown archive format" in capsys.readouterr().out
    assert main(["inspect", str(out), "--stage", "classify"]) == 2  # switched off in this run
    assert "no stage 'classify' in this run; its stages: read," in capsys.readouterr().out


def test_the_summary_shows_the_first_errors_then_a_count(tmp_path, capsys):
    broken = [f'{{"url": "https://example.org/{i}", "text": ' for i in range(13)]
    path = write_input(tmp_path, "many.jsonl", jsonl(json.dumps(GOOD), *broken))
    out = tmp_path / "out"
    assert main(["run", "--config", light_config(tmp_path), "--input", path,
                 "--output", str(out)]) == 0
    lines = curate_lines(capsys.readouterr().err)
    assert lines[0].startswith("curate: 13 input record(s) or file(s) could not be read"), lines
    assert [line.split(": ")[0] for line in lines[1:11]] == [
        f"  {path} line {n}" for n in range(2, 12)]
    assert lines[11] == f"  ... and 3 more (curate inspect {out} --stage read)"


# mistakes on the command line: argv, exit code, the first line of stderr
USAGE_MISTAKES = [
    ("missing_config", ["run", "--config", "{tmp}/nope.yaml"], 2,
     "curate: no such config file: {tmp}/nope.yaml"),
    ("dataflow_without_image", ["run", "--runner", "dataflow", "--project", "my-project", "--region",
                                "us-central1", "--temp_location", "gs://my-bucket/tmp"], 2,
     "curate: a Dataflow run needs --sdk_container_image (flags, or runner.dataflow.* in the config; "
     "`curate run --help` explains each)"),
    ("dry_run_without_image", ["run", "--runner", "dataflow", "--project", "my-project", "--region",
                               "us-central1", "--temp_location", "gs://my-bucket/tmp", "--dry-run"], 2,
     "curate: a Dataflow run needs --sdk_container_image"),
    ("dataflow_without_anything", ["run", "--runner", "dataflow"], 2,
     "curate: a Dataflow run needs --project, --region, --temp_location, --sdk_container_image"),
]


@pytest.mark.parametrize(("name", "argv", "code", "first_line"), USAGE_MISTAKES,
                         ids=[case[0] for case in USAGE_MISTAKES])
def test_usage_mistakes_get_one_line_and_exit_2(tmp_path, capsys, name, argv, code, first_line):
    assert main([arg.format(tmp=tmp_path) for arg in argv]) == code
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(first_line.format(tmp=tmp_path)), err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("curate 0.")


def test_run_help_explains_the_dataflow_flags(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--limit N" in text and "--allow-empty" in text and "--overwrite" in text
    text = text[text.index("Google Cloud Dataflow (with --runner dataflow"):]
    for flag in ("--project", "--region", "--temp_location", "--sdk_container_image"):
        help_line = text[text.index(f"{flag} "):][:300]
        assert "(required)" in help_line, flag
    assert "--staging_location GS_PATH" in text and "Dockerfile" in text


def test_stage_tokenize(tmp_path, capsys):
    rows = [{"id": "en", "url": "https://a.org/1", "text": "English page about cats.", "lang": "en"},
            {"id": "empty", "url": "https://a.org/2", "text": " ", "lang": "en"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["stage", "tokenize", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "out.jsonl"), "--keep-dropped"]) == 0
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert out[0]["scores"]["tokens"] == 5.0 and out[0]["metadata"]["category"] == "general"
    assert out[1]["dropped_reason"] == "no_text"
    assert "tokenize: read 2 rows; dropped.no_text=1, kept=1; errors=0" in capsys.readouterr().err


def test_stage_errors_carry_the_jsonl_line(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(jsonl(json.dumps(GOOD), "", "{not json"))
    assert main(["stage", "pii", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "out.jsonl")]) == 0
    (error,) = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert error["line"] == 3 and error["error_type"] == "JSONDecodeError"


def test_limit_stops_after_n_records(tmp_path):
    out = tmp_path / "out"
    assert main(["run", "--config", light_config(tmp_path), "--output", str(out), "--limit", "7"]) == 0
    stats = json.loads((out / "stats.json").read_text())
    assert stats["stages"]["read"]["seen"] == 7 and stats["reconciled"]
    first = sorted(SAMPLE_DIR.glob("*.warc.gz"))[0]
    assert stats["stages"]["read"]["other"]["files"] == 1  # 7 records fit in the first file
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["input"]["limit"] == 7 and first.stat().st_size > 0


def test_a_rerun_removes_only_what_the_previous_run_wrote(tmp_path, capsys):
    out = tmp_path / "out"
    config = light_config(tmp_path, report=True)
    assert main(["run", "--config", config, "--output", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == written and "report.html" in written
    shard = next(name for name in written if name.startswith("shards/") and name.endswith(".parquet"))
    users = out / "shards" / "mydata.parquet"
    users.write_bytes(b"the user's own data")
    stale = out / shard
    # a file only the first run wrote: the second one, limited to 3 records, writes fewer shards
    assert main(["run", "--config", config, "--output", str(out), "--limit", "3",
                 "--allow-empty"]) == 0
    assert users.read_bytes() == b"the user's own data"
    second = json.loads((out / "manifest.json").read_text())
    assert "shards/mydata.parquet" not in second["files"]
    left = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert left == set(second["files"]) | {"shards/mydata.parquet"}
    assert stale.exists() == (shard in second["files"])
    # and the third run, from the second's manifest, still leaves the user's file alone
    assert main(["run", "--config", config, "--output", str(out), "--limit", "3",
                 "--allow-empty"]) == 0
    assert users.read_bytes() == b"the user's own data"
    capsys.readouterr()


def test_a_directory_without_a_manifest_is_refused_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    mine = out / "notes" / "todo.txt"
    mine.write_text("mine")
    argv = ["run", "--config", light_config(tmp_path), "--output", str(out), "--limit", "3",
            "--allow-empty"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(f"curate: {out} is not empty and holds no manifest.json")
    assert not (out / "stats.json").exists()
    assert main([*argv, "--overwrite"]) == 0
    assert mine.read_text() == "mine"
    assert "notes/todo.txt" not in json.loads((out / "manifest.json").read_text())["files"]
