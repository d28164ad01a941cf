import json
import subprocess
import sys

import pytest

from curation.document import Document, to_json_dict
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR
from pipelines.cli import main


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def page_rows():
    docs = [r for r in read_path(str(SAMPLE_DIR / "warcio-example.warc.gz")) if isinstance(r, Document)]
    return [{"url": d.url, "html": d.html} for d in docs] + [
        {"url": "https://a.org/empty", "html": "<html><body></body></html>"}]


def test_stage_extract_on_url_and_html_rows(tmp_path, page_rows):
    write_jsonl(tmp_path / "in.jsonl", page_rows)
    code = main(["stage", "extract", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "out.jsonl")])
    assert code == 0
    (row,) = read_jsonl(tmp_path / "out.jsonl")
    assert row["url"] == "http://example.com/" and row["html"] is None and "illustrative" in row["text"]


def test_stage_keep_dropped_writes_the_reason(tmp_path, page_rows):
    write_jsonl(tmp_path / "in.jsonl", page_rows)
    main(["stage", "extract", "--input", str(tmp_path / "in.jsonl"),
          "--output", str(tmp_path / "out.jsonl"), "--keep-dropped"])
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row.get("dropped_reason") for row in rows] == [None, "no_content"]


def test_stage_url_dedup_and_langid(tmp_path):
    rows = [to_json_dict(Document(id=i, url=u, text=t, fetch_time=None)) for i, u, t in [
        ("a", "https://x.org/p", "The cat sat on the mat and looked out of the window."),
        ("b", "https://www.x.org/p", "Die Katze saß auf der Matte und schaute aus dem Fenster.")]]
    write_jsonl(tmp_path / "in.jsonl", rows)
    assert main(["stage", "url_dedup", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "dedup.jsonl"), "--keep-dropped"]) == 0
    assert [(r["id"], r.get("dropped_reason")) for r in read_jsonl(tmp_path / "dedup.jsonl")] == [
        ("a", "duplicate_url"), ("b", None)]
    assert main(["stage", "langid", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "lang.jsonl")]) == 0
    assert [r["lang"] for r in read_jsonl(tmp_path / "lang.jsonl")] == ["en", "de"]


def test_stage_url_safety_and_pii(tmp_path, capsys):
    rows = [
        {"id": "ok", "url": "https://example.org/a",
         "text": "Mail jane.doe@example.org or call +44 20 7946 0958."},
        {"id": "adult", "url": "https://sub.007angels.com/", "text": "x"},
    ]
    write_jsonl(tmp_path / "in.jsonl", rows)
    assert main(["stage", "url_safety", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "safe.jsonl"), "--keep-dropped"]) == 0
    assert [(r["id"], r.get("dropped_reason")) for r in read_jsonl(tmp_path / "safe.jsonl")] == [
        ("ok", None), ("adult", "blocked_domain")]
    assert main(["stage", "pii", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "pii.jsonl")]) == 0
    first = read_jsonl(tmp_path / "pii.jsonl")[0]
    assert first["text"] == "Mail <EMAIL> or call <PHONE>."
    assert first["scores"] == {"pii_email": 1.0, "pii_phone": 1.0, "pii_total": 2.0}
    assert "redacted.email=1" in capsys.readouterr().err


def test_stage_minhash_and_line_dedup(tmp_path):
    story = " ".join(f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(300))
    rows = [
        {"id": "a", "url": "https://a.org/1", "text": story + "\nCookie settings"},
        {"id": "b", "url": "https://b.org/1", "text": story + " extra\nCookie settings"},
        {"id": "c", "url": "https://c.org/1", "text": "A different page entirely.\nCookie settings"},
    ]
    write_jsonl(tmp_path / "in.jsonl", rows)
    assert main(["stage", "minhash_dedup", "--input", str(tmp_path / "in.jsonl"),
                 "--output", str(tmp_path / "mh.jsonl"), "--keep-dropped"]) == 0
    out = {r["id"]: r for r in read_jsonl(tmp_path / "mh.jsonl")}
    assert out["a"]["dropped_reason"] == "near_duplicate" and out["a"]["dropped_detail"] == "b"
    assert out["b"]["scores"]["minhash_cluster_size"] == 2.0
    config = tmp_path / "c.yaml"
    config.write_text("stages:\n  line_dedup:\n    max_occurrences: 2\n")
    assert main(["stage", "line_dedup", "--input", str(tmp_path / "in.jsonl"), "--config", str(config),
                 "--output", str(tmp_path / "ld.jsonl")]) == 0
    texts = {r["id"]: r["text"] for r in read_jsonl(tmp_path / "ld.jsonl")}
    assert texts["c"] == "A different page entirely." and "Cookie" not in texts["a"]


def test_stage_mix_writes_the_mix_and_its_report(tmp_path, capsys):
    rows = [{"id": f"en{i}", "url": f"https://a.org/{i}", "text": f"English page number {i}. " * 20,
             "lang": "en"} for i in range(30)]
    rows += [{"id": f"code{i}", "url": f"https://c.org/{i}", "text": f"def f{i}(x):\n    return x\n" * 5,
              "lang": "en", "scores": {"domain_code": 0.9}} for i in range(3)]
    rows.append({"id": "empty", "url": "https://a.org/empty", "text": " ", "lang": "en"})
    write_jsonl(tmp_path / "in.jsonl", rows)
    config = tmp_path / "mix.yaml"
    config.write_text("stages:\n  mix:\n    proportions: {general: 0.8, code: 0.2}\n")
    assert main(["stage", "mix", "--input", str(tmp_path / "in.jsonl"), "--output",
                 str(tmp_path / "out.jsonl"), "--config", str(config), "--keep-dropped"]) == 0
    err = capsys.readouterr().err
    out = read_jsonl(tmp_path / "out.jsonl")
    written = [r for r in out if "dropped_reason" not in r]
    report = json.loads((tmp_path / "out.mix.json").read_text())
    code = report["categories"]["code"]
    assert code["distinct_docs"] == 3 and code["docs_written"] > 3  # code is short: repeated
    assert {r["dropped_reason"] for r in out if "dropped_reason" in r} == {"no_text", "downsampled"}
    repeats = code["docs_written"] - code["distinct_docs"]
    kept = len(written) - repeats
    assert f"kept={kept}" in err and f"repeats={repeats}" in err
    assert report["tokenizer"]["name"] == "cl100k_base"


def test_config_errors_exit_2_before_running(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages:\n  extract:\n    timeout_seconds: 3\n")
    assert main(["run", "--config", str(bad), "--output", str(tmp_path / "out")]) == 2
    assert "stages.extract.timeout_seconds: unknown key" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["run", "--input", str(tmp_path / "nothing*.warc.gz"),
                 "--output", str(tmp_path / "out")]) == 2
    assert "no input files match" in capsys.readouterr().err


def test_dry_run_needs_the_dataflow_runner(tmp_path, capsys):
    assert main(["run", "--dry-run"]) == 2
    assert "--runner dataflow" in capsys.readouterr().err


def test_curate_entry_point_is_installed():
    completed = subprocess.run([sys.executable, "-m", "pipelines.cli", "--help"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0 and "stage" in completed.stdout
