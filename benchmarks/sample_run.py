"""Time `curate run` on the bundled sample at 1 and 2 local workers, against a named baseline:
the same pages read and extracted in one plain Python loop (warcio + trafilatura + lid.176, no
Beam, no isolation). The difference is what the pipeline machinery costs on top of the work.

    .venv/bin/python benchmarks/sample_run.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from curation.config import LangIdConfig
from curation.document import Document
from curation.extract.trafilatura_text import extract_text
from curation.langid.stage import LangIdStage
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR


def baseline_seconds() -> tuple[float, int]:
    """Read, extract and identify the language of every sample page in one loop."""
    langid = LangIdStage(LangIdConfig())
    langid.setup()
    started = time.perf_counter()
    pages = 0
    for path in sorted(SAMPLE_DIR.glob("*.warc.gz")):
        for result in read_path(str(path)):
            if isinstance(result, Document) and result.html:
                pages += 1
                text = extract_text(result.html, result.url, include_tables=True)
                if text:
                    langid.predict(text)
    return time.perf_counter() - started, pages


def pipeline_seconds(workers: int) -> tuple[float, float]:
    """(wall time of the whole command, elapsed time the run itself reports)."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--output", out,
                        "--workers", str(workers)], check=True, capture_output=True, timeout=900)
        wall = time.perf_counter() - started
        return wall, json.loads((Path(out) / "stats.json").read_text())["elapsed_s"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    base = [baseline_seconds() for _ in range(args.repeats)]
    pages = base[0][1]
    base_s = statistics.median(t for t, _ in base)
    print(f"bundled sample: {pages} HTML pages; median of {args.repeats} runs")
    print(f"{'what':<38}{'seconds':>9}{'pages/s':>9}{'vs baseline':>13}")
    print(f"{'baseline: plain loop (no Beam)':<38}{base_s:>9.2f}{pages / base_s:>9.1f}{1.0:>12.2f}x")
    for workers in (1, 2):
        runs = [pipeline_seconds(workers) for _ in range(args.repeats)]
        for label, values in (("command", [w for w, _ in runs]), ("pipeline", [e for _, e in runs])):
            seconds = statistics.median(values)
            name = f"curate run, {workers} worker(s), {label}"
            print(f"{name:<38}{seconds:>9.2f}{pages / seconds:>9.1f}{seconds / base_s:>12.2f}x")


if __name__ == "__main__":
    main()
