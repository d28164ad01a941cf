"""`curate` starts cheaply (issue 22, "Start-up"): the CLI module and `curate stage` on a
per-document stage import neither Beam's ML package nor torch (3.1 of the 5 CPU seconds that
`curate stage extract` used to spend before its first page). Each check runs in a fresh
interpreter, so modules imported by other tests cannot hide an import; `benchmarks/startup.py`
measures the CPU seconds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from curation.document import Document
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR

HEAVY = ("apache_beam", "apache_beam.ml", "torch", "transformers")


def modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               timeout=300, check=True)
    return set(json.loads(completed.stdout.splitlines()[-1]))


def test_importing_the_cli_imports_no_beam_ml_and_no_torch():
    loaded = modules_after("import pipelines.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("stage", ["extract", "langid", "pii", "url_safety", "heuristics", "tokenize"])
def test_a_per_document_stage_runs_without_beam_or_torch(tmp_path, stage):
    page = next(r for r in read_path(str(SAMPLE_DIR / "warcio-example.warc.gz")) if isinstance(r, Document))
    rows = tmp_path / "in.jsonl"
    rows.write_text(json.dumps({"url": page.url, "html": page.html, "text": "Some text."}) + "\n")
    loaded = modules_after(
        "from pipelines.cli import main\n"
        f"assert main(['stage', {stage!r}, '--input', {str(rows)!r}, '--output', "
        f"{str(tmp_path / 'out.jsonl')!r}]) == 0")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert (tmp_path / "out.jsonl").exists()
