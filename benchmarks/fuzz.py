"""The long fuzz run (issue 11): the properties of tests/test_fuzz.py with many more examples and
a random seed, one row per property (examples, failures, seconds). Any failure is a bug to fix
and a case to add to tests/test_hostile_inputs.py; hypothesis prints the shrunk input.

    .venv/bin/python -m benchmarks.fuzz --examples 2000      # or: make fuzz
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

PROPERTIES = (
    "test_mutated_warc_files_never_crash_the_reader",
    "test_the_extractor_keeps_or_drops_any_html",
    "test_pii_redaction_keeps_every_document",
    "test_heuristics_keep_or_drop_any_text",
    "test_line_normalisation_is_stable",
    "test_line_dedup_accounts_for_every_document",
    "test_ngram_counts_stay_within_the_text",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per property")
    args = parser.parse_args()
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples), "FUZZ_RANDOM": "1"}
    print(f"{'property':<50} {'examples':>8} {'result':>8} {'seconds':>8}")
    failed = 0
    for name in PROPERTIES:
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 f"tests/test_fuzz.py::{name}"],
                env=env, capture_output=True, text=True, timeout=args.timeout)
            result = "ok" if completed.returncode == 0 else "FAILED"
        except subprocess.TimeoutExpired:
            completed, result = None, "HANG"
        failed += result != "ok"
        print(f"{name:<50} {args.examples:>8} {result:>8} {time.perf_counter() - started:>8.1f}")
        if completed is not None and completed.returncode != 0:
            print(completed.stdout[-4000:])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
