"""PII redaction quality and speed, side by side with Presidio.

Three measurements, each printed as a table:

1. Presidio's own recognizer test cases (../shared/evaldata/pii/presidio_recognizer_fixtures.jsonl,
   554 cases): span-level precision and recall per type (a found span counts only when its start
   and end equal the expected ones; cases that give a count but no spans are scored by count),
   the share of cases passed whole, and the share of must-find-nothing cases left untouched by
   the tested type and by every type together. Turkish phone cases are scored with
   `phone_regions: [TR]` (Presidio tests them with a Turkish-only recognizer), phone cases with a
   non-default `leniency` are skipped, and URL cases are skipped (URLs are not redacted).
2. Real Common Crawl documents from Dolma's PII test data (10 documents; the gold emails are
   Dolma's spans scored 0.8, its 0.1-scored `@handle` span is not an email). Every other span we
   redact there is printed for inspection.
3. Optionally (`--synthetic FILE`), a labelled synthetic set made by `pii_synthetic.py` (Faker):
   exact-span precision and recall per type, a found span with other boundaries counting against
   both, and the share of PII-free sentences left untouched.
4. Throughput in documents per second on one core, on main text extracted with trafilatura from
   the first `--pages` pages of the trafilatura evaluation set.

With `--presidio-python /tmp/pvenv/bin/python` the same cases and documents also go through
Presidio's recognizers (benchmarks/presidio_runner.py explains the setup and what differs from
its AnalyzerEngine) and both are printed side by side.

    .venv/bin/python -m benchmarks.pii_eval [--presidio-python /tmp/pvenv/bin/python] [--pages 300] \
        [--synthetic /tmp/pii_synthetic.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from benchmarks.pii_fixtures import Case, load_cases
from curation.config import PiiConfig
from curation.pii.detect import PiiDetector
from curation.pii.spans import Span

EVALDATA = Path(os.environ.get("CURATION_EVALDATA",
                               Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"))
FIXTURES = EVALDATA / "pii" / "presidio_recognizer_fixtures.jsonl"
DOLMA = EVALDATA / "pii" / "dolma_cc_pii_example"
PAGES = EVALDATA / "trafilatura_eval" / "html"
TYPE_TO_PRESIDIO = {"email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "ip": "IP_ADDRESS",
                    "credit_card": "CREDIT_CARD", "iban": "IBAN_CODE", "us_ssn": "US_SSN",
                    "crypto_wallet": "CRYPTO", "tr_phone": "PHONE_NUMBER"}
PRESIDIO_TO_TYPE = {v: k for k, v in TYPE_TO_PRESIDIO.items() if k != "tr_phone"}

Finder = Callable[[str, str], tuple[list[tuple[int, int]], bool]]
"""(text, type) -> (spans of that type, whether any type found anything)."""


def score_fixtures(cases: list[Case], finder: Finder) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for case in cases:
        row = table.setdefault(case.kind, Counter())
        found, touched = finder(case.text, case.kind)
        expected = set(case.spans)
        if expected:
            hits = len(set(found) & expected)
            row["tp"] += hits
            row["fp"] += len(set(found)) - hits
            row["fn"] += len(expected) - hits
        else:
            row["tp"] += min(len(found), case.expected_count)
            row["fp"] += max(0, len(found) - case.expected_count)
            row["fn"] += max(0, case.expected_count - len(found))
        whole = len(found) == case.expected_count and (not expected or set(found) == expected)
        row["cases"] += 1
        row["passed"] += whole
        if case.expected_count == 0:
            row["negatives"] += 1
            row["negatives_untouched_type"] += not found
            row["negatives_untouched_all"] += not touched
    return table


def ours() -> Finder:
    default = PiiDetector(PiiConfig())
    turkish = PiiDetector(PiiConfig(phone_regions=("TR",)))

    def find(text: str, kind: str) -> tuple[list[tuple[int, int]], bool]:
        detector = turkish if kind == "tr_phone" else default
        spans = detector.find(text)
        wanted = "phone" if kind == "tr_phone" else kind
        return [(s.start, s.end) for s in spans if s.kind == wanted], bool(spans)

    return find


def run_presidio(python: str, requests: list[dict[str, str]]) -> list[list[dict[str, object]]]:
    runner = Path(__file__).with_name("presidio_runner.py")
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    done = subprocess.run([python, str(runner)], input=lines, capture_output=True, text=True,
                          check=True, timeout=3600)
    return [json.loads(line)["spans"] for line in done.stdout.splitlines()]


def presidio(python: str, cases: list[Case]) -> Finder:
    requests = []
    for i, case in enumerate(cases):
        requests.append({"id": f"{i}-type", "text": case.text, "entity": TYPE_TO_PRESIDIO[case.kind]})
        requests.append({"id": f"{i}-all", "text": case.text, "entity": "ALL"})
    answers = iter(run_presidio(python, requests))
    results = {}
    for case in cases:
        typed, every = next(answers), next(answers)
        results[(case.text, case.kind)] = (
            sorted({(int(s["start"]), int(s["end"])) for s in typed}), bool(every))  # type: ignore[call-overload]

    def find(text: str, kind: str) -> tuple[list[tuple[int, int]], bool]:
        return results[(text, kind)]

    return find


def print_fixture_table(tables: dict[str, dict[str, Counter[str]]]) -> None:
    systems = list(tables)
    header = "| type | cases | " + " | ".join(
        f"{s} P | {s} R | {s} cases passed | {s} negatives untouched (type / all)" for s in systems) + " |"
    print(header)
    print("|" + "---|" * (2 + 4 * len(systems)))
    kinds = list(next(iter(tables.values())))
    totals = {s: Counter() for s in systems}
    for kind in [*kinds, "total (supported types)"]:
        cells = []
        for system in systems:
            if kind.startswith("total"):
                row = totals[system]
            else:
                row = tables[system][kind]
                if kind != "tr_phone":
                    totals[system].update(row)
            cells.append(_fixture_cells(row))
        cases = (totals[systems[0]] if kind.startswith("total") else tables[systems[0]][kind])["cases"]
        print(f"| {kind} | {cases} | " + " | ".join(cells) + " |")


def _fixture_cells(row: Counter[str]) -> str:
    precision = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
    recall = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
    negatives = row["negatives"]
    untouched = (f"{row['negatives_untouched_type']}/{negatives} / "
                 f"{row['negatives_untouched_all']}/{negatives}" if negatives else "-")
    return f"{precision:.3f} | {recall:.3f} | {row['passed']}/{row['cases']} | {untouched}"


def dolma_documents() -> tuple[list[tuple[str, str]], dict[str, set[tuple[int, int]]]]:
    docs = [(r["id"], r["text"]) for r in _jsonl_gz(DOLMA / "documents-000.json.gz")]
    gold: dict[str, set[tuple[int, int]]] = {}
    for row in _jsonl_gz(DOLMA / "attributes-pii-000.json.gz"):
        spans = row["attributes"].get("pii", {}).get("email", [])
        gold[row["id"]] = {(s[0], s[1]) for s in spans if s[2] >= 0.5}
    return docs, gold


def _jsonl_gz(path: Path) -> Iterable[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def print_dolma(presidio_python: str | None) -> None:
    docs, gold = dolma_documents()
    detector = PiiDetector(PiiConfig())
    found = {doc_id: detector.find(text) for doc_id, text in docs}
    systems = {"ours": {d: {(s.start, s.end) for s in spans if s.kind == "email"}
                        for d, spans in found.items()}}
    if presidio_python:
        requests = [{"id": d, "text": t, "entity": "EMAIL_ADDRESS"} for d, t in docs]
        answers = run_presidio(presidio_python, requests)
        systems["presidio"] = {d: {(int(s["start"]), int(s["end"])) for s in a}  # type: ignore[call-overload]
                               for (d, _), a in zip(docs, answers, strict=True)}
    print("\n| system | gold emails | found | exact matches | precision | recall |")
    print("|---|---|---|---|---|---|")
    total_gold = sum(len(g) for g in gold.values())
    for name, spans in systems.items():
        hits = sum(len(spans[d] & gold[d]) for d in spans)
        count = sum(len(s) for s in spans.values())
        print(f"| {name} | {total_gold} | {count} | {hits} | {hits / count if count else 1:.3f} | "
              f"{hits / total_gold:.3f} |")
    print("\nEvery other span we redact in these documents (for inspection):")
    texts = dict(docs)
    for doc_id, spans in found.items():
        for span in spans:
            if span.kind != "email":
                print(f"  {span.kind:13} {texts[doc_id][span.start:span.end]!r}")


SpanSet = set[tuple[int, int, str]]


def score_synthetic(rows: list[dict], found: list[SpanSet]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for row, got in zip(rows, found, strict=True):
        gold = {(g["start"], g["end"], g["type"]) for g in row["spans"]}
        if not gold:
            table.setdefault("(no PII)", Counter())["lines"] += 1
            table["(no PII)"]["untouched"] += not got
        for span in gold:
            counts = table.setdefault(span[2], Counter())
            if span in got:
                counts["tp"] += 1
            elif any(_overlap(span, other) for other in got):
                counts["partial"] += 1
            else:
                counts["fn"] += 1
        for span in got - gold:
            if not any(_overlap(span, other) for other in gold):
                table.setdefault(span[2], Counter())["fp"] += 1
    return table


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def print_synthetic(path: Path, presidio_python: str | None, halves: bool = False,
                    show_errors: str | None = None) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    detector = PiiDetector(PiiConfig())
    ours_found = [{(s.start, s.end, s.kind) for s in detector.find(r["text"])} for r in rows]
    found_by = {"ours": ours_found}
    if presidio_python:
        answers = run_presidio(presidio_python, [{"id": str(i), "text": r["text"], "entity": "ALL"}
                                                 for i, r in enumerate(rows)])
        found_by["presidio"] = [
            {(int(a["start"]), int(a["end"]), PRESIDIO_TO_TYPE[str(a["entity"])])  # type: ignore[call-overload]
             for a in spans} for spans in answers]
    parts = [("all", None)]
    if halves:
        parts = [("test half", "test"), ("tune half", "tune"), ("whole set", None)]
    for title, half in parts:
        chosen = [i for i, r in enumerate(rows) if half is None or r.get("half") == half]
        systems = {name: score_synthetic([rows[i] for i in chosen], [found[i] for i in chosen])
                   for name, found in found_by.items()}
        print(f"\nSynthetic set {path.name}, {title}: {len(chosen)} lines")
        _print_synthetic_table(systems)
    if show_errors:
        _print_errors(rows, ours_found, show_errors)


def _print_synthetic_table(systems: dict[str, dict[str, Counter[str]]]) -> None:
    print("\n| type | gold | " + " | ".join(f"{name} P | {name} R" for name in systems) + " |")
    print("|---|---|" + "---|---|" * len(systems))
    ours = systems["ours"]
    for kind in sorted(k for k in ours if k != "(no PII)"):
        gold = ours[kind]["tp"] + ours[kind]["partial"] + ours[kind]["fn"]
        cells = []
        for table in systems.values():
            row = table.get(kind, Counter())
            wrong = row["fp"] + row["partial"]
            cells.append(f"{row['tp'] / (row['tp'] + wrong) if row['tp'] + wrong else 1:.3f} | "
                         f"{row['tp'] / gold if gold else 1:.3f}")
        print(f"| {kind} | {gold} | " + " | ".join(cells) + " |")
    clean = [t.get("(no PII)", Counter()) for t in systems.values()]
    print("| sentences without PII changed | " + str(clean[0]["lines"]) + " | " + " | ".join(
        f"{c['lines'] - c['untouched']} ({(c['lines'] - c['untouched']) / max(1, c['lines']):.2%}) | "
        for c in clean))


def _print_errors(rows: list[dict], found: list[SpanSet], half: str) -> None:
    """Misses, wrong boundaries and false positives of one half (`tune` when developing rules)."""
    print(f"\nErrors on the {half} half:")
    for row, got in zip(rows, found, strict=True):
        if half != "all" and row.get("half") != half:
            continue
        gold = {(g["start"], g["end"], g["type"]) for g in row["spans"]}
        if gold == got:
            continue
        text = row["text"]
        missed = [f"{k}:{text[a:b]!r}" for a, b, k in sorted(gold - got)]
        extra = [f"{k}:{text[a:b]!r}" for a, b, k in sorted(got - gold)]
        print(f"  {row.get('template', '')}: missed {missed} extra {extra} | {text[:140]!r}")


def extracted_pages(count: int) -> list[str]:
    from curation.extract.trafilatura_text import extract_text

    texts = []
    for path in sorted(PAGES.glob("*.html.gz"))[:count]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        text = extract_text(html, None, include_tables=True)
        if text:
            texts.append(text)
    return texts


def print_throughput(pages: int, presidio_python: str | None) -> None:
    texts = extracted_pages(pages)
    detector = PiiDetector(PiiConfig())
    started = time.perf_counter()
    spans: Counter[str] = Counter()
    for text in texts:
        spans.update(_kinds(detector.find(text)))
    ours_s = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    print(f"\n{len(texts)} extracted pages, {chars / len(texts):,.0f} characters on average; "
          f"spans found: {dict(sorted(spans.items()))}")
    print("\n| system | seconds | docs/s (one core) | MB/s |")
    print("|---|---|---|---|")
    print(f"| ours (all 8 types) | {ours_s:.2f} | {len(texts) / ours_s:,.0f} | {chars / ours_s / 1e6:.2f} |")
    if presidio_python:
        requests = [{"id": str(i), "text": t, "entity": "ALL"} for i, t in enumerate(texts)]
        started = time.perf_counter()
        run_presidio(presidio_python, requests[:1])
        startup = time.perf_counter() - started
        started = time.perf_counter()
        run_presidio(presidio_python, requests)
        presidio_s = time.perf_counter() - started - startup
        print(f"| presidio recognizers (7 types, start-up of {startup:.1f} s excluded) | {presidio_s:.2f} | "
              f"{len(texts) / presidio_s:,.0f} | {chars / presidio_s / 1e6:.2f} |")


# Run in a child process with PYTHONPATH set to one checkout. A first pass loads what a worker loads
# once (libphonenumber's per-country metadata, compiled patterns); the timed pass, in process CPU
# seconds, uses a fresh detector, so no phone-validation cache carries over.
_TIMED_PASS = """
import json, sys, time
from curation.config import PiiConfig
from curation.pii.detect import PiiDetector
texts = json.load(open(sys.argv[1], encoding="utf-8"))
warm = PiiDetector(PiiConfig())
for text in texts:
    warm.find(text)
best = float("inf")
for _ in range(int(sys.argv[2])):
    detector = PiiDetector(PiiConfig())
    started = time.process_time()
    for text in texts:
        detector.find(text)
    best = min(best, time.process_time() - started)
print(best)
"""


def print_speed_against(baseline_root: Path, pages: int, rounds: int = 4, passes: int = 5) -> None:
    """CPU seconds of the baseline checkout and of this one on the same pages, in alternating child
    processes of one run so both see the same machine load; the fastest of `rounds` x `passes`
    timed passes of each is reported (the minimum is the estimate least disturbed by other load)."""
    import sys
    import tempfile

    texts = extracted_pages(pages)
    here = Path(__file__).resolve().parents[1]
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        json.dump(texts, handle)
    seconds: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(rounds):
        for label, root in (("before", baseline_root), ("after", here)):
            command = [sys.executable, "-c", _TIMED_PASS, handle.name, str(passes)]
            done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600,
                                  env={**os.environ, "PYTHONPATH": str(root)}, cwd=root)
            seconds[label].append(float(done.stdout.strip()))
    os.unlink(handle.name)
    print(f"\nPII detection, {len(texts)} extracted pages, fastest of {rounds} alternating rounds x "
          f"{passes} passes (process CPU seconds after a warm-up pass, fresh detector per timed pass):")
    print("\n| checkout | CPU s | docs/s per core |\n|---|---:|---:|")
    for label, root in (("before", baseline_root), ("after", here)):
        best = min(seconds[label])
        print(f"| {label} ({root}) | {best:.2f} | {len(texts) / best:,.0f} |")
    print(f"after / before docs/s: {min(seconds['before']) / min(seconds['after']):.3f}")


def _kinds(spans: list[Span]) -> Iterable[str]:
    return (s.kind for s in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presidio-python", help="python of a venv with presidio-analyzer")
    parser.add_argument("--pages", type=int, default=300, help="extracted pages for throughput")
    parser.add_argument("--synthetic", type=Path, help="a set written by benchmarks/pii_synthetic.py")
    parser.add_argument("--halves", action="store_true",
                        help="score the test half, the tune half and the whole set (`half` field)")
    parser.add_argument("--show-errors", choices=("tune", "test", "all"),
                        help="print each wrong line of that half of the synthetic set")
    parser.add_argument("--baseline-root", type=Path,
                        help="a checkout of an earlier curation/ to time against, in the same run")
    parser.add_argument("--skip-fixtures", action="store_true", help="only the synthetic set and speed")
    args = parser.parse_args()
    if not args.skip_fixtures:
        print_fixtures_and_dolma(args.presidio_python)
    if args.synthetic:
        print_synthetic(args.synthetic, args.presidio_python, args.halves, args.show_errors)
    if args.pages:
        print_throughput(args.pages, args.presidio_python)
        if args.baseline_root:
            print_speed_against(args.baseline_root, args.pages)


def print_fixtures_and_dolma(presidio_python: str | None) -> None:
    cases = [c for c in load_cases(FIXTURES) if not c.skip_reason]
    skipped = Counter(c.skip_reason for c in load_cases(FIXTURES) if c.skip_reason)
    print(f"Presidio recognizer fixtures: {len(cases)} cases scored; skipped: {dict(skipped)}\n")
    tables = {"ours": score_fixtures(cases, ours())}
    if presidio_python:
        tables["presidio"] = score_fixtures(cases, presidio(presidio_python, cases))
    print_fixture_table(tables)
    every = list(load_cases(FIXTURES))
    detector = PiiDetector(PiiConfig())
    negatives = [c for c in every if c.expected_count == 0]
    untouched = sum(not detector.find(c.text) for c in negatives)
    print(f"\nAll {len(negatives)} must-find-nothing cases (URL, leniency and Turkish ones included), "
          f"default config, any type: {untouched}/{len(negatives)} untouched "
          f"({untouched / len(negatives):.1%})")
    print_dolma(presidio_python)


if __name__ == "__main__":
    main()
