"""`curate`: the command line.

    curate run   [--config FILE] [--input PATHS...] [--output DIR] [--runner direct|dataflow]
                 [--workers N] [--dry-run --job-json FILE] [Dataflow and Beam flags...]
    curate stage NAME --input IN.jsonl --output OUT.jsonl [--keep-dropped] [--config FILE]
    curate report OUT_DIR [--output FILE] [--sample-docs N]
    curate inspect OUT_DIR [--stage S] [--reason R] [--limit N] [--chars N]
    curate label --input DOCS... --output LABELS.jsonl [--sample N] [--teacher T | --endpoint URL]
    curate train fasttext|transformer --labels LABELS.jsonl --field F --output MODEL

`run` with no arguments processes the bundled sample into ./out. Flags that `curate` does not know
are passed to Beam's PipelineOptions unchanged. `stage` runs one stage in this process over JSONL
rows of Document fields, for debugging and evaluation. `report` writes `report.html` for a finished
run (`run` writes it too); `inspect` prints its dropped-document samples in the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from curation.config import Config, ConfigError, load_config, with_overrides
from curation.document import Document, to_json_dict
from curation.mix.mixer import Mixer
from curation.mix.tokens import describe_tokenizer
from curation.stage import CorpusStage, Dropped, Failure, run_stage

STAGE_NAMES = ("url_safety", "url_dedup", "extract", "langid", "pii", "minhash_dedup",
               "line_dedup", "heuristics", "classify", "mix")
_DATAFLOW_FLAGS = ("project", "region", "temp_location", "staging_location",
                   "sdk_container_image", "job_name", "machine_type", "max_num_workers")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command in ("stage", "build-kl-reference", "report", "inspect", "label", "train") and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command in ("label", "train"):
        from pipelines import classifier_cli

        return classifier_cli.run(args)
    if args.command == "build-kl-reference":
        return _build_kl_reference(args)
    if args.command in ("report", "inspect"):
        return _report_or_inspect(args)
    try:
        config = _config(args)
        if args.command == "run":
            return _run(args, config, extra)
        return _stage(args, config)
    except ConfigError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curate", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the pipeline (default: bundled sample into ./out)")
    run.add_argument("--config", help="YAML config file (default: built-in defaults)")
    run.add_argument("--input", nargs="+", help="input files, directories or globs")
    run.add_argument("--output", help="output directory (local, gs:// or s3://)")
    run.add_argument("--runner", choices=("direct", "dataflow"))
    run.add_argument("--workers", type=int, help="local worker processes (multi_processing mode)")
    run.add_argument("--dry-run", action="store_true",
                     help="Dataflow only: build the job description offline, do not submit")
    run.add_argument("--job-json", default="dataflow_job.json",
                     help="where --dry-run writes the job description (default: %(default)s)")
    for flag in _DATAFLOW_FLAGS:
        run.add_argument(f"--{flag}", help=argparse.SUPPRESS)

    stage = commands.add_parser("stage", help="run one stage over a JSONL file of documents")
    stage.add_argument("name", choices=STAGE_NAMES)
    stage.add_argument("--input", required=True, help="JSONL rows with Document fields")
    stage.add_argument("--output", required=True, help="JSONL of kept (and dropped) rows")
    stage.add_argument("--keep-dropped", action="store_true",
                       help="also write dropped rows, with dropped_reason and dropped_detail")
    stage.add_argument("--config", help="YAML config file (its stages section is used)")

    report = commands.add_parser("report", help="write report.html for a finished run's output")
    report.add_argument("out_dir", help="the output directory of a finished `curate run`")
    report.add_argument("--output", help="where to write the page (default: OUT_DIR/report.html)")
    report.add_argument("--sample-docs", type=int, default=None,
                        help="kept documents read for the distributions (default: 20000)")

    inspect = commands.add_parser("inspect", help="print dropped-document samples of a finished run")
    inspect.add_argument("out_dir", help="the output directory of a finished `curate run`")
    inspect.add_argument("--stage", help="stage name; without it, list every stage and reason")
    inspect.add_argument("--reason", help="drop reason; without it, list the stage's reasons")
    inspect.add_argument("--limit", type=int, default=5, help="samples to print (default: %(default)s)")
    inspect.add_argument("--chars", type=int, default=2000,
                         help="characters of text per sample (default: %(default)s)")

    from pipelines.classifier_cli import add_parsers

    add_parsers(commands)

    kl = commands.add_parser("build-kl-reference",
                             help="build a unigram reference for the token_kl filter from clean text")
    kl.add_argument("inputs", nargs="+", help="plain-text files, or JSONL files with a 'text' field")
    kl.add_argument("--output", required=True, help="where to write the reference (.json.gz)")
    kl.add_argument("--vocab-size", type=int, default=20_000)
    kl.add_argument("--source", default="", help="what the text is and its license, stored in the file")
    kl.add_argument("--lang", default=None,
                    help="language of the text, for word segmentation (th, zh, ja); default: spaces")
    kl.add_argument("--word-counts", action="store_true",
                    help="inputs are frequency lists, one 'word count' per line (tab or space)")
    return parser


def _build_kl_reference(args: argparse.Namespace) -> int:
    from curation.heuristics.token_kl import build_reference, read_word_counts, write_reference

    for name in args.inputs:
        if not Path(name).is_file():
            print(f"curate: no such file: {name}", file=sys.stderr)
            return 2

    def texts() -> Iterator[str]:
        for name in args.inputs:
            path = Path(name)
            if path.suffix == ".jsonl":
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.strip():
                        yield str(json.loads(line).get("text") or "")
            else:
                yield path.read_text(encoding="utf-8", errors="replace")

    source = args.source or ", ".join(args.inputs)
    if args.word_counts:
        try:
            counts = read_word_counts(Path(name) for name in args.inputs)
        except ValueError as exc:
            print(f"curate: {exc}", file=sys.stderr)
            return 2
        reference = build_reference((), args.vocab_size, source, counts=counts)
    else:
        reference = build_reference(texts(), args.vocab_size, source, lang=args.lang)
    write_reference(reference, args.output)
    print(f"wrote {args.output}: {reference['vocab_size']} words, {reference['total']} tokens",
          file=sys.stderr)
    return 0


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    overrides: dict[str, Any] = {}
    if args.command == "run":
        if args.input:
            overrides["input.paths"] = list(args.input)
        if args.output:
            overrides["output.dir"] = args.output
        if args.runner:
            overrides["runner.name"] = args.runner
        if args.workers:
            overrides["runner.direct.num_workers"] = args.workers
            overrides["runner.direct.running_mode"] = (
                "multi_processing" if args.workers > 1 else "in_memory")
        for flag in _DATAFLOW_FLAGS:
            if getattr(args, flag) is not None:
                overrides[f"runner.dataflow.{flag}"] = getattr(args, flag)
    return with_overrides(config, overrides) if overrides else config


def _run(args: argparse.Namespace, config: Config, extra: list[str]) -> int:
    from pipelines.run import InputError, run

    if args.dry_run:
        if config.runner.name != "dataflow":
            print("curate: --dry-run builds a Dataflow job; add --runner dataflow", file=sys.stderr)
            return 2
        from pipelines.dataflow import write_job_description

        path = write_job_description(config, extra, args.job_json)
        print(f"wrote the Dataflow job description to {path}")
        return 0
    try:
        summary = run(config, extra, progress=True)
    except InputError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 2
    _print_summary(summary.stats, summary.manifest, summary.output_dir)
    return 0


def _print_summary(stats: dict[str, Any], manifest: dict[str, Any], output_dir: str) -> None:
    print(f"{'stage':<12}{'seen':>9}{'kept':>9}{'dropped':>9}{'errors':>8}")
    for name in stats["order"]:
        s = stats["stages"][name]
        print(f"{name:<12}{s['seen']:>9}{s['kept']:>9}{sum(s['dropped'].values()):>9}"
              f"{sum(s['errors'].values()):>8}")
    reasons = sorted(((count, f"{name}/{reason}") for name in stats["order"]
                      for reason, count in stats["stages"][name]["dropped"].items()), reverse=True)
    if reasons:
        print("most dropped: " + ", ".join(f"{label} {count}" for count, label in reasons[:5]))
    for category, totals in manifest["categories"].items():
        tokens = f", {totals['tokens']} tokens" if "tokens" in totals else ""
        print(f"  {category}: {totals['docs']} docs{tokens}, {totals['text_bytes']} text bytes, "
              f"{totals['shards']} shard(s)")
    for name in ("mix", "anneal"):
        if name in manifest:
            _print_mix(name, manifest[name])
    print(f"wrote {output_dir} in {stats['elapsed_s']}s; accounting reconciled: "
          f"{stats['reconciled']}")
    if manifest["config"]["output"]["report"]:
        print(f"report: {output_dir.rstrip('/')}/report.html; dropped samples: "
              f"curate inspect {output_dir} --stage STAGE --reason REASON")


def _report_or_inspect(args: argparse.Namespace) -> int:
    from curation.report import DEFAULT_MAX_DOCS, ReportInputError, write_report
    from curation.report.inspect import inspect_dir

    try:
        if args.command == "report":
            path = write_report(args.out_dir, args.output, args.sample_docs or DEFAULT_MAX_DOCS)
            print(f"wrote {path}")
            return 0
        return inspect_dir(args.out_dir, args.stage, args.reason, args.limit, args.chars)
    except ReportInputError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 2


def _print_mix(name: str, report: dict[str, Any], file: TextIO = sys.stdout) -> None:
    """Target against achieved share per category, and every warning, of a mix report."""
    print(f"{name} ({report['tokenizer']['name']} tokens): {report['achieved_tokens']} written"
          + (f", limited by {report['limited_by']}" if report.get("limited_by") else ""), file=file)
    for category, row in report["categories"].items():
        if row["target_share"] or row["achieved_tokens"]:
            print(f"  {category:<15} target {100 * row['target_share']:6.2f}%  achieved "
                  f"{100 * row['achieved_share']:6.2f}%  repeats {row['repeats_used']:.2f}",
                  file=file)
    for warning in report["warnings"]:
        print(f"  warning: {warning}", file=file)


def _stage(args: argparse.Namespace, config: Config) -> int:
    from curation.readers import ReadError, read_path

    docs: list[Document] = []
    failures: list[dict[str, Any]] = []
    for item in read_path(args.input, "jsonl"):
        if isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, ReadError):
            failures.append({"line": item.offset, "error_type": item.error_type,
                             "message": item.message})
    rows_read = len(docs) + len(failures)
    counts: Counter[str] = Counter()
    corpus = _corpus_stage(args.name, config)
    with open(args.output, "w", encoding="utf-8") as out:
        for result in _stage_results(args.name, config, docs, counts, corpus):
            row = _stage_row(result, args.keep_dropped, counts, failures)
            if row is not None:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if isinstance(corpus, Mixer) and corpus.result is not None:
        _finish_mix_stage(corpus, args.output, counts)
    if failures:
        errors_path = Path(args.output).with_suffix(".errors.jsonl")
        errors_path.write_text("".join(json.dumps(f) + "\n" for f in failures), encoding="utf-8")
        print(f"{len(failures)} error(s) written to {errors_path}", file=sys.stderr)
    summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    print(f"{args.name}: read {rows_read} rows; "
          f"{summary}; errors={len(failures)}", file=sys.stderr)
    return 0


def _finish_mix_stage(mixer: Mixer, output: str, counts: Counter[str]) -> None:
    """Writes the mix report beside the output and prints it; copies after a document's first
    use are counted as `repeats`, not `kept`."""
    assert mixer.result is not None
    report = {"tokenizer": {"name": mixer.config.tokenizer,
                            "source": describe_tokenizer(mixer.config.tokenizer)},
              **mixer.result.report, "config": mixer.config.model_dump(mode="json")}
    repeats = sum(c["docs_written"] - c["distinct_docs"] for c in report["categories"].values())
    counts["kept"] -= repeats
    counts["repeats"] = repeats
    path = Path(output).with_suffix(".mix.json")
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"mix report written to {path}", file=sys.stderr)
    _print_mix("mix", report, sys.stderr)


def _stage_results(
    name: str, config: Config, docs: list[Document], counts: Counter[str],
    corpus: CorpusStage | None,
) -> Iterator[Any]:
    if corpus is not None:
        yield from corpus.run_in_memory(docs)
        return
    if name == "classify":
        from pipelines.classify import classify_in_memory

        yield from classify_in_memory(docs, config.stages.classify)
        return
    from pipelines.graph import per_document_stages, post_dedup_stages, pre_dedup_stages

    enabled = _enabled(config, name)
    stages = pre_dedup_stages(enabled) + per_document_stages(enabled) + post_dedup_stages(enabled)
    stage = next(s for s in stages if s.name == name)
    stage.setup()
    try:
        for doc in docs:
            result = run_stage(stage, doc)
            if isinstance(result, Document):
                counts.update(stage.kept_counters(result))
            yield result
    finally:
        stage.teardown()


def _corpus_stage(name: str, config: Config) -> CorpusStage | None:
    """The exact in-memory reference of a stage that needs the whole corpus, if `name` is one."""
    from curation.dedup.lines import LineDedup
    from curation.dedup.near_dup import MinHashDedup
    from curation.dedup.url import UrlDedup

    if name == "url_dedup":
        return UrlDedup()
    if name == "minhash_dedup":
        return MinHashDedup(config.stages.minhash_dedup)
    if name == "line_dedup":
        return LineDedup(config.stages.line_dedup)
    if name == "mix":
        return Mixer(config.stages.mix)
    return None


def _enabled(config: Config, name: str) -> Config:
    return with_overrides(config, {f"stages.{name}.enabled": True})


def _stage_row(
    result: Document | Dropped | Failure, keep_dropped: bool, counts: Counter[str],
    failures: list[dict[str, Any]],
) -> dict[str, Any] | None:
    if isinstance(result, Document):
        counts["kept"] += 1
        return to_json_dict(result)
    if isinstance(result, Dropped):
        counts[f"dropped.{result.drop.reason}"] += 1
        if not keep_dropped:
            return None
        return {**to_json_dict(result.doc), "dropped_reason": result.drop.reason,
                "dropped_detail": result.drop.detail}
    failures.append({"id": result.doc.id, "url": result.doc.url, "error_type": result.error_type,
                     "message": result.message})
    return None




if __name__ == "__main__":
    sys.exit(main())
