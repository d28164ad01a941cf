"""`curate run` with only the mix stage, on the realistic mix corpus (benchmarks/mix_corpus.py): two runs
with one worker and one with two give byte-identical shards, annealing shards and reports, and
the achieved token shares are within half a point of 50/25/17/8. Runs go through the real CLI in
a subprocess with a time limit, so a hang of the multi-process runner fails the test."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.mix_corpus import SOURCES
from benchmarks.mix_corpus import realistic_corpus as build_corpus
from curation.document import to_json_dict
from tests.conftest import evaldata_path


def realistic_corpus():
    for parts in SOURCES:
        evaldata_path(*parts)  # skips the test when the evaluation data is absent
    return build_corpus()


CURATE = [sys.executable, "-m", "pipelines.cli"]
RUN_LIMIT_S = 600
CONFIG = """\
stages:
  url_safety: {enabled: false}
  url_dedup: {enabled: false}
  extract: {enabled: false}
  langid: {enabled: false}
  pii: {enabled: false}
  minhash_dedup: {enabled: false}
  line_dedup: {enabled: false}
  heuristics: {enabled: false}
  classify: {enabled: false}
  mix:
    max_topic_share: 0.4
    histogram_bits: 4
    tokens_per_shard: 40000
    anneal: {enabled: true, min_quality: 0.5}
"""


def quality(doc_id: str) -> float:
    """A stand-in quality score in [0, 1), fixed per document (the quality classifier is issue 7)."""
    return int(hashlib.blake2b(doc_id.encode(), digest_size=2).hexdigest(), 16) / 65536


def outputs(out: Path) -> dict[str, bytes]:
    files = [*out.glob("shards/*/*.parquet"), *out.glob("anneal/*/*.parquet"), out / "mix.json",
             out / "anneal" / "mix.json", out / "shards" / "index.json"]
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(files)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("mix_runs")
    rows = []
    for doc in realistic_corpus():
        row = to_json_dict(doc)
        row["scores"]["quality_fasttext"] = quality(doc.id)
        rows.append(json.dumps(row))
    (root / "corpus.jsonl").write_text("\n".join(rows) + "\n")
    (root / "mix.yaml").write_text(CONFIG)
    outs = {}
    for name, workers in (("one_a", 1), ("one_b", 1), ("two", 2)):
        outs[name] = root / name
        completed = subprocess.run(
            [*CURATE, "run", "--config", str(root / "mix.yaml"), "--input", str(root / "corpus.jsonl"),
             "--output", str(outs[name]), "--workers", str(workers)],
            capture_output=True, text=True, timeout=RUN_LIMIT_S)
        assert completed.returncode == 0, completed.stderr[-3000:]
        assert "accounting reconciled: True" in completed.stdout
    return outs


def test_reruns_and_worker_counts_give_byte_identical_mixes(runs):
    reference = outputs(runs["one_a"])
    assert sum(name.startswith("shards/") for name in reference) > 8
    assert any(name.startswith("anneal/") and name.endswith(".parquet") for name in reference)
    assert outputs(runs["one_b"]) == reference
    assert outputs(runs["two"]) == reference


def test_the_pipeline_reaches_the_llama3_shares(runs):
    manifest = json.loads((runs["two"] / "manifest.json").read_text())
    mix = manifest["mix"]
    assert mix["warnings"] == []
    for category, row in mix["categories"].items():
        assert abs(row["achieved_share"] - row["target_share"]) <= 0.005, category
    stats = json.loads((runs["two"] / "stats.json").read_text())
    assert stats["order"] == ["read", "tokenize", "mix"] and stats["reconciled"]
    assert stats["stages"]["mix"]["dropped"]["downsampled"] > 0


def test_the_annealing_subset_has_its_own_shares(runs):
    anneal = json.loads((runs["one_a"] / "manifest.json").read_text())["anneal"]
    shares = {c: row["achieved_share"] for c, row in anneal["categories"].items() if row["achieved_tokens"]}
    assert set(shares) == {"math_reasoning", "code"}
    assert all(abs(share - 0.5) <= 0.02 for share in shares.values()), shares
