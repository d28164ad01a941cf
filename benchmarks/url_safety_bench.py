"""`url_safety` cost: list loading once per worker, then URLs per second on one core, against a
named baseline: an exact-host set lookup alone (no parent domains, no URL words), the cheapest
check a domain blocklist can do.

URLs are every record URL in the evaluation WARC and text files (../shared/evaldata), repeated to
`--urls`; half of the blocklisted sample hosts get a random subdomain, so the parent-domain walk
is exercised. Dropped counts per reason are printed too.

    .venv/bin/python -m benchmarks.url_safety_bench [--urls 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from curation.config import UrlSafetyConfig
from curation.document import Document
from curation.readers import read_path
from curation.safety.lists import bundled_lines, normalize_host, parse_domains
from curation.safety.url_filter import UrlSafetyStage
from curation.stage import Drop

EVALDATA = Path(os.environ.get("CURATION_EVALDATA",
                               Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"))


def real_urls() -> list[str]:
    urls = []
    for path in sorted((EVALDATA / "web_crawl_warc").rglob("*.warc.gz")):
        urls += [d.url for d in read_path(str(path)) if isinstance(d, Document) and d.url]
    for path in sorted((EVALDATA / "web_crawl_warc" / "dolma_cc_text").glob("*.jsonl")):
        urls += [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=200_000)
    args = parser.parse_args()
    started = time.perf_counter()
    stage = UrlSafetyStage(UrlSafetyConfig())
    stage.setup()
    load_s = time.perf_counter() - started
    rng = random.Random(0)
    blocked = sorted(parse_domains(bundled_lines("adult_domains.txt.gz")))
    urls = real_urls()
    adult = [f"https://{f'x{i}.' if i % 2 else ''}{rng.choice(blocked)}/p" for i in range(len(urls))]
    pool = urls + adult
    docs = [Document(id=str(i), url=pool[i % len(pool)]) for i in range(args.urls)]

    started = time.perf_counter()
    reasons: Counter[str] = Counter()
    for doc in docs:
        result = stage.process(doc)
        reasons[result.reason if isinstance(result, Drop) else "kept"] += 1
    ours_s = time.perf_counter() - started

    hosts = frozenset(blocked)
    started = time.perf_counter()
    exact = sum(normalize_host(urlsplit(doc.url).hostname or "") in hosts for doc in docs)
    baseline_s = time.perf_counter() - started

    print(f"{len(urls)} real URLs + {len(adult)} blocklisted-host URLs, cycled to {len(docs):,}; "
          f"lists loaded in {load_s:.2f} s ({len(blocked):,} domains)\n")
    print("| check | seconds | URLs/s (one core) | dropped |")
    print("|---|---|---|---|")
    print(f"| url_safety (parent domains + URL words) | {ours_s:.2f} | {len(docs) / ours_s:,.0f} | "
          f"{len(docs) - reasons['kept']:,} |")
    print(f"| baseline: exact-host set lookup | {baseline_s:.2f} | {len(docs) / baseline_s:,.0f} | "
          f"{exact:,} |")
    print(f"\nreasons: {dict(sorted(reasons.items()))}")


if __name__ == "__main__":
    main()
