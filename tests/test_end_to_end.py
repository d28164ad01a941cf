"""`curate run` on the bundled sample: shards load, stats reconcile, output is byte-identical
across reruns and worker counts. Runs go through the real CLI in a subprocess with a time limit,
so a hang of the multi-process runner fails the test instead of stalling the suite."""

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.categories import CATEGORIES
from tests.conftest import curate_run


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("shards/*/*.parquet"))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, sample_run_one_worker, small_shards_config):
    """One worker (shared with the Dask test) and two workers; the rerun is
    test_a_second_run_replaces_its_own_files_and_keeps_the_users."""
    two = tmp_path_factory.mktemp("e2e") / "two_a"
    curate_run(two, small_shards_config, "--workers", "2")
    return {"one_a": sample_run_one_worker, "two_a": two, "config": small_shards_config}


def test_worker_counts_give_byte_identical_shards(runs):
    reference = shard_bytes(runs["one_a"])
    assert len(reference) > 2
    assert shard_bytes(runs["two_a"]) == reference


def test_stats_reconcile_for_every_stage(runs):
    stats = json.loads((runs["one_a"] / "stats.json").read_text())
    assert stats["order"] == ["read", "url_safety", "extract", "langid", "pii", "url_dedup",
                              "minhash_dedup", "line_dedup", "heuristics", "classify", "tokenize", "mix"]
    assert stats["reconciled"] and stats["problems"] == []
    for name in stats["order"]:
        s = stats["stages"][name]
        assert s["seen"] == s["kept"] + sum(s["dropped"].values()) + sum(s["errors"].values())
    read = stats["stages"]["read"]
    assert read["seen"] == 230 and read["kept"] == 142
    assert read["dropped"]["record_revisit"] == 1
    assert stats["stages"]["url_dedup"]["dropped"] == {"duplicate_url": 2}


def test_the_sample_reaches_every_share_of_the_llama3_mix(runs):
    """The bundled sample holds real math and code pages (debian-docs-*.warc.gz): all four
    categories are written, each within half a point of 50/25/17/8 by tokens, with no warning."""
    manifest = json.loads((runs["one_a"] / "manifest.json").read_text())
    mix = manifest["mix"]
    assert mix["warnings"] == []
    for category, target in (("general", 0.50), ("math_reasoning", 0.25), ("code", 0.17),
                             ("multilingual", 0.08)):
        shares = mix["categories"][category]
        assert shares["reachable"] and shares["achieved_tokens"] > 0, category
        assert abs(shares["achieved_share"] - target) * 100 <= 0.5, (category, shares["achieved_share"])
        assert manifest["categories"][category]["tokens"] == shares["achieved_tokens"]
    assert mix["topic_rates"] == {"arts_entertainment": 0.5}
    assert set(manifest["sources"]) == {"sample"}
    written = manifest["sources"]["sample"]["written"]
    assert {c: w["tokens"] for c, w in written.items()} == {
        c: v["achieved_tokens"] for c, v in mix["categories"].items()}
    assert (runs["one_a"] / "mix.json").exists()


def test_shards_load_with_pyarrow_and_match_the_manifest(runs):
    out = runs["one_a"]
    manifest = json.loads((out / "manifest.json").read_text())
    stats = json.loads((out / "stats.json").read_text())
    total = 0
    for shard in manifest["shards"]:
        table = pq.read_table(out / shard["path"])
        assert table.num_rows == shard["docs"]
        assert table.column("id").to_pylist() == sorted(table.column("id").to_pylist())
        assert shard["category"] in CATEGORIES
        total += table.num_rows
    mix = manifest["mix"]["categories"]
    assert total == manifest["docs_written"] == sum(c["docs_written"] for c in mix.values())
    assert stats["stages"]["mix"]["kept"] == sum(c["distinct_docs"] for c in mix.values())
    assert manifest["mix"]["tokenizer"]["name"] == "cl100k_base"
    assert sum(c["tokens"] for c in manifest["categories"].values()) == manifest["mix"]["achieved_tokens"]
    assert manifest["records_read"] == 230
    assert manifest["config"]["output"]["docs_per_shard"] == 10
    assert set(manifest["provenance"]) >= {"version", "git_sha", "libraries"}
    names = sorted(p.name for p in (out / "shards" / "general").glob("*.parquet"))
    assert names[0] == f"part-00000-of-{len(names):05d}.parquet"


def test_shards_load_with_hugging_face_datasets(runs):
    datasets = pytest.importorskip("datasets")
    files = sorted(str(p) for p in runs["one_a"].glob("shards/*/*.parquet"))
    loaded = datasets.load_dataset("parquet", data_files=files, split="train")
    assert loaded.num_rows == json.loads((runs["one_a"] / "manifest.json").read_text())["docs_written"]
    assert {"id", "url", "text", "lang", "lang_score", "scores", "metadata"} <= set(loaded.column_names)
    assert all(text for text in loaded["text"])


def test_dropped_samples_are_bounded_and_name_their_reason(runs):
    files = sorted((runs["one_a"] / "dropped").glob("*/*.jsonl"))
    assert {f"{p.parent.name}/{p.stem}" for p in files} >= {"read/record_request", "url_dedup/duplicate_url"}
    for path in files:
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        assert 1 <= len(lines) <= 3
        assert all(line["stage"] == path.parent.name and line["reason"] == path.stem for line in lines)


def test_a_second_run_replaces_its_own_files_and_keeps_the_users(runs, tmp_path):
    """A rerun into a finished run's directory (here the two-worker run's, rerun with one worker)
    writes the same bytes over its own files and leaves a file it did not write."""
    out = tmp_path / "rerun"
    shutil.copytree(runs["two_a"], out)
    before = sorted(p.name for p in (out / "shards").rglob("*.parquet"))
    foreign = out / "shards" / "general" / "part-09999-of-09999.parquet"
    foreign.write_bytes(b"not written by curate")  # not in the manifest: a rerun must not delete it
    curate_run(out, runs["config"], "--workers", "1")
    assert foreign.read_bytes() == b"not written by curate"
    foreign.unlink()
    after = sorted(p.name for p in (out / "shards").rglob("*.parquet"))
    assert after == before
    assert shard_bytes(out) == shard_bytes(runs["one_a"])  # a rerun gives the same bytes


def test_broken_input_becomes_dead_letters_and_still_reconciles(tmp_path):
    from curation.config import Config, with_overrides
    from curation.sample_data import SAMPLE_DIR
    from pipelines.run import run

    data = (SAMPLE_DIR / "dolma-sample-0000.warc.gz").read_bytes()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "truncated.warc.gz").write_bytes(data[: len(data) * 2 // 3])
    (tmp_path / "in" / "garbage.warc.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip" * 10)
    (tmp_path / "in" / "rows.jsonl").write_text('{"url": "https://a.org/x", "text": "Hello there, '
                                                'this is an English sentence."}\n{oops\n')
    config = with_overrides(Config(), {"input.paths": [str(tmp_path / "in")],
                                       "output.dir": str(tmp_path / "out")})
    summary = run(config)
    read = summary.stats["stages"]["read"]
    assert summary.stats["reconciled"]
    assert read["errors"] == {"JSONDecodeError": 1, "NotAnArchiveRecord": 1, "TruncatedRecord": 1}
    error_files = sorted((tmp_path / "out" / "errors" / "read").glob("*.jsonl"))
    letters = [json.loads(line) for path in error_files for line in path.read_text().splitlines()]
    assert len(letters) == sum(read["errors"].values())
    assert {Path(letter["source"]["file"]).name for letter in letters} == {
        "truncated.warc.gz", "garbage.warc.gz", "rows.jsonl"}
    # rows written = documents the mix kept + its repeat copies (a short category is repeated)
    assert summary.stats["stages"]["mix"]["kept"] > 0
    assert summary.manifest["docs_written"] == (summary.stats["stages"]["mix"]["kept"]
                                                + summary.stats["run"]["repeats"])
