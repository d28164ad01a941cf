"""Where the CPU of a `curate run` goes: a py-spy sampling profile of the whole process tree
(Beam's workers and the extraction worker included), summed by stage and by function.

py-spy is a standalone binary, not a dependency of this project; fetch it outside the venv:

    pip download py-spy==0.4.1 --no-deps -d /tmp/pyspy && cd /tmp/pyspy && \\
        python3 -m zipfile -e py_spy-*.whl x && chmod +x x/py_spy-0.4.1.data/scripts/py-spy
    .venv/bin/python -m benchmarks.profile_run --docs 2000 \\
        --py-spy /tmp/pyspy/x/py_spy-0.4.1.data/scripts/py-spy

It samples only running threads (not idle waits), 100 times a second, so a stage's share of the
samples is its share of the CPU the run used. A sample belongs to the innermost of our packages
on its stack (`curation/<package>` or `pipelines/<module>`); samples with none of ours on the
stack are Beam, pickling, interpreter start-up and imports: the machinery. `--raw` keeps the
collapsed stacks for a flame graph.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks import corpus

REPO_ROOT = Path(__file__).resolve().parents[1]
_OURS = re.compile(r"\((?:[^()]*/)?(curation/[a-z_]+|pipelines/[a-z_]+|classifiers/[a-z_]+)[/.]")
_FRAME = re.compile(r"^(.*) \((.*):\d+\)$")


def owner(stack: list[str]) -> str:
    """The innermost of our packages on a stack (frames outermost first), or 'beam and runtime'."""
    for frame in reversed(stack):
        found = _OURS.search(frame)
        if found:
            return found.group(1)
    return "beam and runtime (no frame of ours)"


def leaf(frame: str) -> str:
    found = _FRAME.match(frame)
    if not found:
        return frame
    name, path = found.groups()
    short = path.split("site-packages/")[-1].replace(str(REPO_ROOT) + "/", "")
    return f"{name} ({short})"


def summarise(raw: Path, top: int) -> None:
    by_owner: Counter[str] = Counter()
    by_leaf: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        stack = stack_text.split(";")
        total += count
        by_owner[owner(stack)] += count
        by_leaf[leaf(stack[-1])] += count
    print(f"{total} samples")
    print("\n| where (innermost package of ours) | share of CPU samples |\n|---|---:|")
    for name, count in by_owner.most_common():
        print(f"| {name} | {count / total:.1%} |")
    print(f"\n| function (self time, top {top}) | share |\n|---|---:|")
    for name, count in by_leaf.most_common(top):
        print(f"| {name} | {count / total:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--py-spy", default="py-spy")
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--raw", type=Path, help="keep the collapsed stacks here")
    parser.add_argument("--summarise", type=Path, help="only summarise these collapsed stacks")
    args = parser.parse_args()
    if args.summarise:
        summarise(args.summarise, args.top)
        return
    folder = corpus.build(args.docs, args.seed)
    with tempfile.TemporaryDirectory() as out:
        raw = args.raw or Path(out) / "stacks.txt"
        cmd = [args.py_spy, "record", "--subprocesses", "--rate", str(args.rate), "--format", "raw",
               "--output", str(raw), "--", sys.executable, "-m", "pipelines.cli", "run",
               "--input", str(folder / "*.warc.gz"), "--output", str(Path(out) / "run"),
               "--workers", str(args.workers)]
        subprocess.run(cmd, cwd=REPO_ROOT, check=True, capture_output=True, timeout=7200)
        summarise(raw, args.top)


if __name__ == "__main__":
    main()
