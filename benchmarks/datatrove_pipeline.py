"""datatrove's FineWeb-style pipeline on a benchmark corpus, for `benchmarks/pipeline.py`.

Runs in datatrove's own venv (never the main one; see benchmarks/README.md for the pip command):

    /tmp/dtvenv/bin/python benchmarks/datatrove_pipeline.py CORPUS_DIR WORK_DIR --lid-model PATH

The steps follow datatrove's `examples/fineweb.py` (the FineWeb recipe, datatrove 0.10.1), one
task and one worker: WarcReader -> URLFilter -> Trafilatura(favour_precision=True) ->
LanguageFilter -> GopherRepetitionFilter -> GopherQualityFilter -> C4QualityFilter ->
FineWebQualityFilter -> JsonlWriter; then its four MinHash stages (signatures, buckets, clusters,
filter) on what the filters kept, each a separate executor run, as in the example. Three changes,
all to compare like with like: Trafilatura's per-page timeout is 10 s, not 1 s (see
`TRAFILATURA_TIMEOUT_S`); LanguageFilter keeps every language above its threshold
(`languages=None`), as our langid stage does, where FineWeb keeps English only; and it is given
the lid.176 model our pipeline uses (the quantised `lid.176.ftz`), because its default downloads
`lid.176.bin` and this machine is offline.

Prints one JSON object: per step, its name, seconds and the number of timed calls (datatrove's
own timer, one call per document it handled), and its counters; and the wall time of each
executor run (MinHash stages 2 and 3 handle buckets, not documents, and time nothing themselves).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

# datatrove's default is 1 s per page. On a shared 2-core machine whole runs of pages then time
# out (a loaded sandbox restart misses its own 1 s warm-up), are skipped unextracted, and make
# datatrove look faster than it is; 10 s lets every page be extracted. Timeouts are reported.
TRAFILATURA_TIMEOUT_S = 10.0


def _steps_stats(logging_dir: Path) -> list[dict[str, Any]]:
    stats = json.loads((logging_dir / "stats.json").read_text())
    steps = []
    for step in stats:
        time_stats = step.get("time_stats", {})
        steps.append({"name": step.get("name", ""), "seconds": float(time_stats.get("total", 0.0)),
                      "timed": int(time_stats.get("n", 0)),
                      "stats": {k: (v if isinstance(v, int | float) else v.get("total", v))
                                for k, v in step.get("stats", {}).items()}})
    return steps


def main() -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (  # not the package: it imports `tokenizers`
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
        LanguageFilter,
        URLFilter,
    )
    from datatrove.pipeline.readers import JsonlReader, WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from tldextract import TLDExtract

    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--lid-model", type=Path, required=True)
    args = parser.parse_args()
    work: Path = args.work
    if work.exists():
        shutil.rmtree(work)
    language = LanguageFilter(languages=None)
    # Offline: datatrove copies our lid.176 into its asset cache instead of downloading its own.
    language.model.MODEL_URL = f"file://{args.lid_model.resolve()}"
    url_filter = URLFilter()
    # Offline: the bundled public-suffix snapshot, not a 10 s failed fetch on the first URL.
    url_filter.tldextractor = TLDExtract(suffix_list_urls=())
    filtered = work / "filtered"
    main_steps = [
        WarcReader(str(args.corpus), glob_pattern="*.warc.gz", default_metadata={}),
        url_filter,
        Trafilatura(favour_precision=True, timeout=TRAFILATURA_TIMEOUT_S),
        language,
        GopherRepetitionFilter(),
        GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False),
        FineWebQualityFilter(),
        JsonlWriter(str(filtered)),
    ]
    config = MinhashConfig()
    minhash_runs = {
        "minhash_1_signatures": [JsonlReader(str(filtered)),
                                 MinhashDedupSignature(str(work / "sigs"), config=config)],
        "minhash_2_buckets": [MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"),
                                                  config=config)],
        "minhash_3_clusters": [MinhashDedupCluster(str(work / "buckets"), str(work / "remove"),
                                                   config=config)],
        "minhash_4_filter": [JsonlReader(str(filtered)), MinhashDedupFilter(str(work / "remove")),
                             JsonlWriter(str(work / "deduped"))],
    }
    result: dict[str, Any] = {"runs": {}}
    for name, steps in {"filters": main_steps, **minhash_runs}.items():
        logs = work / "logs" / name
        tasks = config.num_buckets if name == "minhash_2_buckets" else 1
        started = time.perf_counter()
        LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=1, logging_dir=str(logs)).run()
        result["runs"][name] = {"wall_s": time.perf_counter() - started, "steps": _steps_stats(logs)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
