"""CPU seconds that `curate` spends before it does any work (issue 22, item "Start-up").

Each command runs in a fresh interpreter, `--repeats` times; the table gives the median of the
child process's user + system CPU seconds (`os.wait4`'s rusage), which, unlike wall time, does not
grow when other processes share the machine. The commands:

- `curate --help` and `curate --version`: the parser and nothing else;
- `curate stage extract` on one real page (the first HTML page of the bundled
  `warcio-example.warc.gz`), which includes loading the extractor and extracting that page.

`--tree DIR` (repeatable) measures another checkout side by side, e.g. the code before a change:

    .venv/bin/python -m benchmarks.startup --tree /path/to/old/checkout --tree .

The bar (issue 22): `curate stage` and `curate --help` start in under 1.5 CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from curation.document import Document
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR

BAR_CPU_S = 1.5


def cpu_seconds(argv: list[str], env: dict[str, str], cwd: str) -> float:
    """User + system CPU seconds of one run of `argv` (the child and anything it waited for)."""
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def one_page_input(folder: Path) -> Path:
    page = next(r for r in read_path(str(SAMPLE_DIR / "warcio-example.warc.gz")) if isinstance(r, Document))
    path = folder / "one_page.jsonl"
    path.write_text(json.dumps({"url": page.url, "html": page.html}) + "\n", encoding="utf-8")
    return path


def commands(folder: Path) -> dict[str, list[str]]:
    page = one_page_input(folder)
    cli = [sys.executable, "-m", "pipelines.cli"]
    return {
        "curate --help": [*cli, "--help"],
        "curate --version": [*cli, "--version"],
        "curate stage extract (1 page)": [*cli, "stage", "extract", "--input", str(page),
                                          "--output", str(folder / "out.jsonl")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=None,
                        help="checkout whose code is measured (PYTHONPATH); default: this one")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    trees = [str(Path(t).resolve()) for t in (args.tree or [Path(__file__).resolve().parents[1]])]
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        runs = commands(Path(tmp))
        print(f"median CPU seconds (user+sys) of {args.repeats} runs; bar {BAR_CPU_S}")
        print(f"{'command':<32}" + "".join(f"{Path(t).name:>14}" for t in trees))
        for label, argv in runs.items():
            cells = []
            for tree in trees:
                env = {**os.environ, "PYTHONPATH": tree}
                if label.endswith("--version") and _lacks_version(tree, env):
                    cells.append(f"{'n/a':>14}")
                    continue
                times = [cpu_seconds(argv, env, tree) for _ in range(args.repeats)]
                cells.append(f"{statistics.median(times):>14.2f}")
            print(f"{label:<32}" + "".join(cells))


def _lacks_version(tree: str, env: dict[str, str]) -> bool:
    """An older checkout may have no `--version` flag."""
    completed = subprocess.run([sys.executable, "-m", "pipelines.cli", "--version"], env=env, cwd=tree,
                               capture_output=True, timeout=120)
    return completed.returncode != 0


if __name__ == "__main__":
    main()
