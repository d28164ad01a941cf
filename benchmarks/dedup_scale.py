"""How the cost of the two corpus-wide dedup stages grows with the number of documents.

For each corpus size N this runs `MinHashDedup` and then `LineDedup` (pipelines/minhash_dedup.py,
pipelines/line_dedup.py, default configs) as one Beam pipeline on the DirectRunner, in memory with
one worker, and reports wall time, documents per second and the peak resident memory of the
process. Every run is a fresh interpreter, so peak RSS belongs to that run alone.

A second Beam row runs only the input step (`beam.Create(docs)` and a count): Create pickles and
bz2-compresses the whole document list into the pipeline graph, which on the DirectRunner costs
more than half of the full run, so the difference between the two Beam rows is the dedup itself.

Baseline: the in-memory references (`curation.dedup.near_dup.MinHashDedup.run_in_memory`, then
`curation.dedup.lines.LineDedup.run_in_memory` over what it kept) called in a plain loop, in
their own fresh interpreter, on the same documents. They hold every signature, bucket, edge and
line count in dicts, so they are the floor for time and the reference for what gets dropped.

The corpus is synthetic but made of real English (nltk's State of the Union and inaugural
speeches, movie reviews, ABC news and webtext from ../shared/evaldata/text_corpora, or
$CURATION_EVALDATA/text_corpora). Text is cut into ~500-word chunks (about 3 KB); when N needs
more originals than the text gives, more are made from randomly drawn sentences of at most 60
words, which are distinct as documents and as lines. Then 10% of the documents are near copies of
an original (1-5% of words replaced), 2% are exact copies, and 30% get two to four web boilerplate
lines ("Accept cookies", "Home | About | Contact", ...) that line dedup should remove. Same seed,
same corpus. The table also gives the size of the input text and the RSS once the corpus is built, so
the runner's own in-memory copies can be told apart from what our transforms hold.

    .venv/bin/python -m benchmarks.dedup_scale --docs 20000 200000

Measured 2026-11-23 on the 2-core, 24 GB development machine: the whole command takes 20 minutes,
almost all of it for 200,000 documents (reference 2 min, Create-only floor 6 min, full Beam run
10 min with a peak RSS of 14-16 GB across repeated runs); 20,000 documents alone take under 2
minutes. Do not run 200,000 documents on a machine with less than about 20 GB of memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.document import Document

REPO_ROOT = Path(__file__).resolve().parents[1]
EVALDATA = Path(os.environ.get("CURATION_EVALDATA", REPO_ROOT.parent / "shared" / "evaldata"))
TEXT_CORPORA = EVALDATA / "text_corpora"

CHUNK_WORDS = 500
MAX_POOL_WORDS = 60
NEAR_COPY_SHARE = 0.10
EXACT_COPY_SHARE = 0.02
BOILERPLATE_SHARE = 0.30
BOILERPLATE = (
    "Accept cookies",
    "Home | About | Contact",
    "Skip to main content",
    "Subscribe to our newsletter",
    "Share on Facebook | Twitter | Email",
    "Privacy Policy | Terms of Use | Sitemap",
    "Copyright 2024 All rights reserved.",
    "Log in | Register",
    "Back to top",
    "Advertisement",
    "Related articles",
    "This website uses cookies to improve your experience.",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


# --- the corpus ---------------------------------------------------------------------------------


@dataclass
class Corpus:
    docs: list[Document]
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def text_mb(self) -> float:
        return sum(len((d.text or "").encode("utf-8")) for d in self.docs) / 1e6


def _source_files() -> list[Path]:
    if not TEXT_CORPORA.is_dir():
        sys.exit(f"no text corpora at {TEXT_CORPORA} (set CURATION_EVALDATA to the evaldata folder)")
    return sorted(p for p in TEXT_CORPORA.rglob("*") if p.is_file()
                  and p.suffix in {".txt", ""} and p.name not in {"README", "SOURCE.txt"})


def _sentences_by_file() -> list[list[str]]:
    """Each source file as a list of sentences (one per source line, split at . ! ?)."""
    files = []
    for path in _source_files():
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r", "\n").replace("\x85", "\n")
        sentences = [s for line in text.split("\n") for s in _SENTENCE_END.split(line.strip())
                     if len(s.split()) >= 3]
        if sentences:
            files.append(sentences)
    return files


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences joined two to six to a line, as paragraphs."""
    lines = []
    i = 0
    while i < len(sentences):
        step = rng.randint(2, 6)
        lines.append(" ".join(sentences[i:i + step]))
        i += step
    return "\n".join(lines)


def _chunks(files: list[list[str]]) -> list[list[str]]:
    """Consecutive sentences of each file, about CHUNK_WORDS words a chunk."""
    chunks = []
    for sentences in files:
        current: list[str] = []
        words = 0
        for sentence in sentences:
            current.append(sentence)
            words += len(sentence.split())
            if words >= CHUNK_WORDS:
                chunks.append(current)
                current, words = [], 0
        if words >= CHUNK_WORDS // 2:
            chunks.append(current)
    return chunks


def _recombined(pool: list[str], rng: random.Random) -> list[str]:
    picked: list[str] = []
    words = 0
    target = rng.randint(CHUNK_WORDS - 60, CHUNK_WORDS + 60)
    while words < target:
        sentence = pool[rng.randrange(len(pool))]
        picked.append(sentence)
        words += len(sentence.split())
    return picked


def _near_copy(text: str, vocabulary: list[str], rng: random.Random) -> str:
    rate = rng.uniform(0.01, 0.05)
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        lines.append(" ".join(rng.choice(vocabulary) if rng.random() < rate else w for w in words))
    return "\n".join(lines)


def _with_boilerplate(text: str, rng: random.Random) -> str:
    lines = rng.sample(BOILERPLATE, rng.randint(2, 4))
    head = rng.randint(0, len(lines))
    return "\n".join([*lines[:head], text, *lines[head:]])


def build_corpus(n: int, seed: int = 0) -> Corpus:
    """`n` documents: real chunks first, recombined sentences when those run out, then near and
    exact copies; boilerplate on about 30%. Deterministic for a given (`n`, `seed`)."""
    rng = random.Random(seed)
    files = _sentences_by_file()
    chunks = _chunks(files)
    rng.shuffle(chunks)
    # Recombined documents draw only ordinary sentences: one 700-word sentence drawn into twenty
    # documents would make them near duplicates of each other.
    pool = sorted({s for sentences in files for s in sentences if len(s.split()) <= MAX_POOL_WORDS})
    vocabulary = sorted({w for s in pool for w in s.split() if w.isalpha()})
    exact = round(n * EXACT_COPY_SHARE)
    near = round(n * NEAR_COPY_SHARE)
    originals = n - exact - near
    real = min(originals, len(chunks))
    bodies = [_paragraphs(c, rng) for c in chunks[:real]]
    bodies += [_paragraphs(_recombined(pool, rng), rng) for _ in range(originals - real)]
    bodies += [_near_copy(bodies[rng.randrange(originals)], vocabulary, rng) for _ in range(near)]
    texts = [_with_boilerplate(b, rng) if rng.random() < BOILERPLATE_SHARE else b for b in bodies]
    texts += [texts[rng.randrange(len(texts))] for _ in range(exact)]
    boilerplate = sum(1 for t in texts if any(line in BOILERPLATE for line in t.split("\n")))
    order = list(range(n))
    rng.shuffle(order)
    docs = [Document(id=f"doc{i:07d}", url=f"https://site{k % 997}.example/{k}", text=texts[k], lang="en")
            for i, k in enumerate(order)]
    kinds = {"real chunks": real, "recombined": originals - real, "near copies": near,
             "exact copies": exact, "with boilerplate": boilerplate}
    return Corpus(docs, kinds)


# --- one run, in a child process ----------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _last_changed_round(counters: dict[str, int]) -> int | None:
    rounds = [int(k.rsplit("_", 1)[1]) for k, v in counters.items()
              if k.startswith("components.changed.round_") and v > 0]
    return max(rounds) if rounds else None


def _direct_options() -> Any:
    from apache_beam.options.pipeline_options import PipelineOptions

    return PipelineOptions(["--runner=DirectRunner", "--direct_num_workers=1",
                            "--direct_running_mode=in_memory"], save_main_session=False)


def run_create_only(docs: list[Document]) -> dict[str, Any]:
    """The same input step with nothing after it but a count: what the runner costs to carry the
    documents at all (Create pickles and bz2-compresses the whole list into the pipeline)."""
    import apache_beam as beam

    pipeline = beam.Pipeline(options=_direct_options())
    pipeline | "Docs" >> beam.Create(docs) | beam.combiners.Count.Globally()
    pipeline.run().wait_until_finish()
    return {"reconciled": True, "problems": [], **dict.fromkeys(
        ["near_kept", "near_dropped", "edges_verified", "last_round", "unsettled", "line_kept",
         "line_dropped", "lines_removed", "bucket_max", "degree_max", "removal_max"])}


def run_beam(docs: list[Document]) -> dict[str, Any]:
    import apache_beam as beam

    from curation.config import LineDedupConfig, MinHashDedupConfig
    from pipelines.line_dedup import LineDedup
    from pipelines.minhash_dedup import MinHashDedup
    from pipelines.stats import build_stats, counters_from_result

    pipeline = beam.Pipeline(options=_direct_options())
    near = pipeline | "Docs" >> beam.Create(docs) | MinHashDedup(MinHashDedupConfig())
    near.kept | LineDedup(LineDedupConfig())
    result = pipeline.run()
    result.wait_until_finish()
    counters = counters_from_result(result)
    stats = build_stats(counters, ["minhash_dedup", "line_dedup"])
    near_c, line_c = counters.get("minhash_dedup", {}), counters.get("line_dedup", {})
    return {
        "reconciled": stats["reconciled"], "problems": stats["problems"],
        "near_kept": near_c.get("kept", 0), "near_dropped": near_c.get("dropped.near_duplicate", 0),
        "edges_verified": near_c.get("edges.verified", 0),
        "last_round": _last_changed_round(near_c), "unsettled": near_c.get("components.unsettled", 0),
        "line_kept": line_c.get("kept", 0),
        "line_dropped": sum(v for k, v in line_c.items() if k.startswith("dropped.")),
        "lines_removed": line_c.get("lines.removed", 0),
        "bucket_max": near_c.get("bucket.members.max"),
        "degree_max": near_c.get("node.larger_neighbours.max"),
        "removal_max": line_c.get("doc.lines_to_remove.max"),
    }


def run_reference(docs: list[Document]) -> dict[str, Any]:
    from curation.config import LineDedupConfig, MinHashDedupConfig
    from curation.dedup.lines import REMOVED, LineDedup
    from curation.dedup.near_dup import MinHashDedup

    kept: list[Document] = []
    near_dropped = 0
    for outcome in MinHashDedup(MinHashDedupConfig()).run_in_memory(docs):
        if isinstance(outcome, Document):
            kept.append(outcome)
        else:
            near_dropped += 1
    line_kept = line_dropped = lines_removed = 0
    for outcome in LineDedup(LineDedupConfig()).run_in_memory(kept):
        if isinstance(outcome, Document):
            line_kept += 1
            lines_removed += int(outcome.scores[REMOVED])
        else:
            line_dropped += 1
            lines_removed += len((outcome.doc.text or "").split("\n"))
    return {"reconciled": True, "problems": [], "near_kept": len(kept), "near_dropped": near_dropped,
            "edges_verified": None, "last_round": None, "unsettled": None, "line_kept": line_kept,
            "line_dropped": line_dropped, "lines_removed": lines_removed,
            "bucket_max": None, "degree_max": None, "removal_max": None}


def child(n: int, system: str, seed: int) -> None:
    started = time.perf_counter()
    corpus = build_corpus(n, seed)
    build_s = time.perf_counter() - started
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    runs = {"beam": run_beam, "create_only": run_create_only, "reference": run_reference}
    measured = runs[system](corpus.docs)
    wall = time.perf_counter() - started
    print(json.dumps({"n": n, "system": system, "wall_s": wall, "build_s": build_s,
                      "rss_before_mb": rss_before, "peak_rss_mb": _peak_rss_mb(),
                      "text_mb": corpus.text_mb, "kinds": corpus.kinds, **measured}))


# --- the parent: run the children, print the table ----------------------------------------------

SYSTEMS = {
    "reference": "baseline: in-memory references, plain loop",
    "create_only": "Beam, Create(docs) + Count only (runner floor)",
    "beam": "Beam DirectRunner, 1 worker: MinHashDedup + LineDedup",
}


def spawn(n: int, system: str, seed: int, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.dedup_scale", "--child", str(n), "--system", system,
         "--seed", str(seed)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        sys.exit(f"{system} run on {n} documents failed ({done.returncode}):\n{done.stderr[-4000:]}")
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    row["process_s"] = time.perf_counter() - started
    print(f"  {n} docs, {system}: {row['wall_s']:.1f} s run, {row['process_s']:.1f} s with corpus build "
          f"and start-up, peak RSS {row['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("N", lambda r: r["n"]), ("system", lambda r: SYSTEMS[r["system"]]),
        ("wall s", lambda r: r["wall_s"]), ("docs/s", lambda r: round(r["n"] / r["wall_s"])),
        ("peak RSS MB", lambda r: round(r["peak_rss_mb"])),
        ("RSS with corpus built MB", lambda r: round(r["rss_before_mb"])),
        ("input text MB", lambda r: r["text_mb"]),
        ("near-dups dropped", lambda r: r["near_dropped"]), ("edges verified", lambda r: r["edges_verified"]),
        ("last round changed", lambda r: r["last_round"]),
        ("line-dedup dropped", lambda r: r["line_dropped"]), ("lines removed", lambda r: r["lines_removed"]),
        ("docs kept", lambda r: r["line_kept"]),
        ("largest bucket (members)", lambda r: r["bucket_max"]),
        ("largest node degree", lambda r: r["degree_max"]),
        ("largest per-document removal set", lambda r: r["removal_max"]),
    ]
    numeric = {name for name, _ in columns} - {"system"}
    print("| " + " | ".join(name for name, _ in columns) + " |")
    print("|" + "|".join("---:" if name in numeric else "---" for name, _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(_cell(get(row)) for _, get in columns) + " |")


EXPLANATION = """\
The DirectRunner keeps every PCollection of the run in memory (the input documents, each bucket
key with its signature, every line hash and every shuffle), so its peak RSS grows with the corpus
whatever the transforms do; "RSS with corpus built" and "input text MB" are the share that is just
the input. Create itself pickles and bz2-compresses the whole document list into the pipeline
graph and the worker decompresses it again; the "runner floor" row is that input step alone, so
the difference between it and the full row is what the two dedup stages cost. Our own per-key
state is bounded by configuration, not by N: a bucket is read as a stream holding only its minimum
member and that member's payload, a node holds only its smallest neighbour, a cluster's combiner
holds one winner and a count, and a document holds only its own removal set. The last three
columns (Beam distributions reported as '.max') give the longest stream each of those read: the
largest bucket, the most larger neighbours of one node, and the most lines removed from one
document. "last round changed" is the last large-star/small-star round that re-parented an edge
(the rounds after it are no-ops). On a distributed runner the shuffles live on disk and in the
shuffle service instead of in one process."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[20_000, 200_000],
                        help="corpus sizes to measure, one fresh process per size and system")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed per run")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--system", choices=sorted(SYSTEMS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.system, args.seed)
        return
    rows = []
    for n in args.docs:
        for system in SYSTEMS:
            rows.append(spawn(n, system, args.seed, args.timeout))
    first = rows[0]
    print(f"Corpus of {first['n']:,} (seed {args.seed}): "
          + ", ".join(f"{v:,} {k}" for k, v in first["kinds"].items()))
    for row in rows:
        if not row["reconciled"]:
            print(f"accounting did not reconcile for {row['n']} {row['system']}: {row['problems']}")
    print()
    print_table(rows)
    print()
    by_key = {(r["n"], r["system"]): r for r in rows}
    for n in args.docs:
        full, floor = by_key[(n, "beam")], by_key[(n, "create_only")]
        print(f"{n:,} documents: the dedup stages add {full['wall_s'] - floor['wall_s']:,.1f} s and "
              f"{full['peak_rss_mb'] - floor['peak_rss_mb']:,.0f} MB of peak RSS to the runner floor.")
    print()
    print(EXPLANATION)


if __name__ == "__main__":
    main()
