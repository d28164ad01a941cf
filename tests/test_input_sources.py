"""`input.sources`: named sources with their own format and an optional fixed category.

A run through the real CLI (mix stage only, so it is quick) reads a Parquet source fixed to
`code`, a JSONL source fixed to `math_reasoning` and an unfixed JSONL source of English and
German text: every document of a fixed source lands in its category, the unfixed one's documents
are routed by language, and the manifest and mix.json count tokens per source and category.
The config cases are table-driven: what resolves to which sources, and what is refused."""

import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from curation.config import InputConfig, SourceConfig

CURATE = [sys.executable, "-m", "pipelines.cli"]
RUN_LIMIT_S = 300
CONFIG = """\
input:
  sources:
    - {{name: code_corpus, paths: ["{code}"], format: parquet, category: code}}
    - {{name: math_corpus, paths: ["{math}"], format: jsonl, category: math_reasoning}}
    - {{name: web, paths: ["{web}"], format: jsonl}}
stages:
  url_safety: {{enabled: false}}
  url_dedup: {{enabled: false}}
  extract: {{enabled: false}}
  langid: {{enabled: false}}
  pii: {{enabled: false}}
  minhash_dedup: {{enabled: false}}
  line_dedup: {{enabled: false}}
  heuristics: {{enabled: false}}
  classify: {{enabled: false}}
  mix: {{histogram_bits: 4}}
"""
ENGLISH = "The committee met on Tuesday to discuss the new budget for the city's schools. "
GERMAN = "Der Ausschuss traf sich am Dienstag, um den neuen Haushalt der Schulen zu besprechen. "
PROOF = "Let $n$ be even, so $n = 2k$ and $n^2 = 4k^2$, which is divisible by four. "
CODE = "def area(radius):\n    return math.pi * radius ** 2\n"


def _rows(prefix: str, text: str, n: int, lang: str | None = None) -> list[dict]:
    return [{"id": f"{prefix}-{i}", "url": f"https://{prefix}.example.org/{i}",
             "text": text * (3 + i % 5), **({"lang": lang} if lang else {})} for i in range(n)]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("sources")
    pq.write_table(pa.Table.from_pylist(_rows("code", CODE, 40)), root / "code.parquet")
    (root / "math.jsonl").write_text("".join(json.dumps(r) + "\n" for r in _rows("math", PROOF, 40)))
    web = _rows("en", ENGLISH, 60, "en") + _rows("de", GERMAN, 30, "de")
    (root / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in web))
    (root / "run.yaml").write_text(CONFIG.format(code=root / "code.parquet", math=root / "math.jsonl",
                                                 web=root / "web.jsonl"))
    out = root / "out"
    completed = subprocess.run([*CURATE, "run", "--config", str(root / "run.yaml"), "--output", str(out)],
                               capture_output=True, text=True, timeout=RUN_LIMIT_S)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out


def test_a_fixed_category_source_lands_in_its_category(run):
    for category, source in (("code", "code_corpus"), ("math_reasoning", "math_corpus")):
        table = pq.read_table(sorted((run / "shards" / category).glob("*.parquet")))
        metadata = table.column("metadata").to_pylist()
        sources = {next(kv["value"] for kv in m if kv["key"] == "input_source") for m in metadata}
        assert metadata and sources == {source}


def test_an_unfixed_source_is_routed_by_language(run):
    manifest = json.loads((run / "manifest.json").read_text())
    web = manifest["sources"]["web"]
    assert web["category"] is None and web["format"] == "jsonl"
    assert set(web["written"]) == {"general", "multilingual"}


def test_manifest_and_mix_report_count_tokens_per_source_and_category(run):
    manifest = json.loads((run / "manifest.json").read_text())
    mix = json.loads((run / "mix.json").read_text())
    assert set(manifest["sources"]) == {"code_corpus", "math_corpus", "web"}
    assert set(mix["sources"]["code_corpus"]) == {"code"}
    assert set(mix["sources"]["math_corpus"]) == {"math_reasoning"}
    for category, achieved in mix["categories"].items():
        by_source = sum(cells.get(category, {}).get("tokens", 0) for cells in mix["sources"].values())
        assert by_source == achieved["achieved_tokens"], category


@pytest.mark.parametrize(("config", "expected"), [
    ({}, [("sample", ("/sample",), None)]),
    ({"paths": ["a.warc.gz"]}, [("input", ("a.warc.gz",), None)]),
    ({"paths": ["a.warc.gz"], "sources": [{"name": "code", "paths": ["c.parquet"], "category": "code"}]},
     [("input", ("a.warc.gz",), None), ("code", ("c.parquet",), "code")]),
    ({"sources": [{"name": "math", "paths": ["m.jsonl"], "format": "jsonl",
                   "category": "math_reasoning"}]}, [("math", ("m.jsonl",), "math_reasoning")]),
])
def test_sources_resolve(config, expected):
    sources = InputConfig(**config).resolved_sources("/sample")
    assert [(s.name, s.paths, s.category) for s in sources] == expected


@pytest.mark.parametrize("config", [
    {"sources": [{"name": "a", "paths": ["x"]}, {"name": "a", "paths": ["y"]}]},  # names repeat
    {"paths": ["x"], "sources": [{"name": "input", "paths": ["y"]}]},  # `input` is taken by paths
    {"sources": [{"name": "a", "paths": []}]},  # no paths
    {"sources": [{"name": "a", "paths": ["x"], "category": "poetry"}]},  # not a mix category
    {"sources": [{"name": "Has Space", "paths": ["x"]}]},  # not a plain name
])
def test_bad_sources_are_refused(config):
    with pytest.raises(ValidationError):
        InputConfig(**config)


def test_a_source_is_a_frozen_record():
    source = SourceConfig(name="a", paths=("x",))
    assert source.format == "auto" and source.category is None
