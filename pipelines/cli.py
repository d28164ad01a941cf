"""`curate`: the command line.

    curate run   [--config FILE] [--input PATHS...] [--output DIR] [--runner direct|dataflow|dask]
                 [--workers N] [--limit N] [--allow-empty] [--overwrite]
                 [--dask-address tcp://HOST:8786] [--dask-workers N]
                 [--dry-run --job-json FILE] [Dataflow and Beam flags...]
    curate stage NAME --input IN.jsonl --output OUT.jsonl [--keep-dropped] [--config FILE]
    curate report OUT_DIR [--output FILE] [--sample-docs N]
    curate inspect OUT_DIR [--stage S] [--reason R] [--limit N] [--chars N]
    curate label --input DOCS... --output LABELS.jsonl [--sample N] [--teacher T | --endpoint URL]
    curate train fasttext|transformer --labels LABELS.jsonl --field F --output MODEL

`run` with no arguments processes the bundled sample into ./out. Flags that `curate` does not know
are passed to Beam's PipelineOptions unchanged. `stage` runs one stage in this process over JSONL
rows of Document fields, for debugging and evaluation. `report` writes `report.html` for a finished
run (`run` writes it too); `inspect` prints its dropped-document samples and dead letters.

Exit codes: 0 done; 1 the run finished but read no document (`--allow-empty` accepts that);
2 a usage or config mistake, reported in one line before anything runs.

Nothing heavy is imported at module level: Beam, torch and the stages load only in the command
that needs them, so `curate --help` and `curate stage extract` start in well under 1.5 CPU
seconds (issue 22; `benchmarks/startup.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import curation
from curation.config import Config, ConfigError, load_config, with_overrides
from curation.document import Document, to_json_dict
from curation.stage import CorpusStage, Dropped, Failure, run_stage
from pipelines.stages import STAGE_NAMES, corpus_stage, per_document_stage

if TYPE_CHECKING:
    from curation.mix.mixer import Mixer

# flag -> (metavar, what it is); the first four are what a Dataflow job cannot start without
DATAFLOW_FLAGS = {
    "project": ("ID", "Google Cloud project id that runs and pays for the job (required)"),
    "region": ("REGION", "Dataflow region, e.g. us-central1; workers start there (required)"),
    "temp_location": ("GS_PATH", "gs:// folder for Beam's temporary files, e.g. gs://BUCKET/tmp "
                                 "(required)"),
    "sdk_container_image": ("IMAGE", "the worker image built from this repository's Dockerfile "
                                     "and pushed where the job can pull it, e.g. "
                                     "us-docker.pkg.dev/PROJECT/curation/worker:0.1.0 (required)"),
    "staging_location": ("GS_PATH", "gs:// folder for the staged pipeline (default: temp_location)"),
    "job_name": ("NAME", "name of the job in the console (default: Beam's generated name)"),
    "machine_type": ("TYPE", "worker machine type, e.g. n2-standard-4 (default: Dataflow's)"),
    "max_num_workers": ("N", "upper bound for autoscaling (default: Dataflow's)"),
}
REQUIRED_DATAFLOW_FLAGS = ("project", "region", "temp_location", "sdk_container_image")
INPUT_ERRORS_SHOWN = 10
_RUN_EPILOG = """\
Dataflow: `--runner dataflow` (or runner.name in the config) submits the same pipeline to Google
Cloud Dataflow; --project, --region, --temp_location and --sdk_container_image are required, on
the command line or under runner.dataflow in the config (configs/dataflow.yaml). --dry-run builds
the whole job description offline, without credentials. Any other flag is passed to Beam's
PipelineOptions unchanged (e.g. --num_workers, --service_account_email).

examples:
  curate run                                  # the bundled sample into ./out
  curate run --input 'crawl/*.warc.gz' --output out --workers 2 --limit 1000
  curate run --runner dask --dask-workers 2    # the sample on a 2-process LocalCluster
  curate run --runner dask --dask-address tcp://scheduler:8786 --input 'crawl/*.warc.gz' \\
             --output /shared/out               # an existing cluster (Slurm, Kubernetes): README
  curate run --runner dataflow --project P --region us-central1 --temp_location gs://B/tmp \\
             --sdk_container_image IMAGE --input 'gs://B/warc/*.warc.gz' --output gs://B/out
"""


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


def version_line() -> str:
    """`curate --version`: this package's version and the Beam it runs on (metadata only)."""
    from importlib import metadata

    try:
        beam = metadata.version("apache-beam")
    except metadata.PackageNotFoundError:
        beam = "not installed"
    return (f"curate {curation.__version__} (llama3-curation; apache-beam {beam}; "
            f"Python {sys.version.split()[0]})")


class _VersionAction(argparse.Action):
    """Like argparse's "version" action, but builds the line only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(version_line())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="run the pipeline (default: bundled sample into ./out)",
        description="Run the whole pipeline: read, filter, dedup, classify, mix, write shards, "
                    "stats.json, manifest.json and report.html.",
        epilog=_RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--config", help="YAML config file (default: built-in defaults)")
    run.add_argument("--input", nargs="+", help="input files, directories or globs")
    run.add_argument("--output", help="output directory (local, gs:// or s3://)")
    run.add_argument("--runner", choices=("direct", "dataflow", "dask"))
    run.add_argument("--workers", type=int, help="local worker processes (multi_processing mode)")
    run.add_argument("--limit", type=int, metavar="N",
                     help="stop after the first N records (files in name order): a first look")
    run.add_argument("--allow-empty", action="store_true",
                     help="exit 0 even when no document was read (default: exit 1)")
    run.add_argument("--overwrite", action="store_true",
                     help="write into a non-empty output directory that holds no manifest of an "
                          "earlier run (nothing in it is deleted; same-named files are replaced)")
    run.add_argument("--dry-run", action="store_true",
                     help="Dataflow only: build the job description offline, do not submit")
    run.add_argument("--job-json", default="dataflow_job.json",
                     help="where --dry-run writes the job description (default: %(default)s)")
    dask = run.add_argument_group(
        "Dask (with --runner dask; also under runner.dask in the config)")
    dask.add_argument("--dask-address", metavar="ADDRESS",
                      help="scheduler of a running dask.distributed cluster, e.g. tcp://host:8786 "
                           "(default: start a LocalCluster for the run and close it at the end)")
    dask.add_argument("--dask-workers", type=int, metavar="N",
                      help="worker processes of that LocalCluster (default: 2)")
    dataflow = run.add_argument_group(
        "Google Cloud Dataflow (with --runner dataflow; each can also be set under runner.dataflow "
        "in the config)")
    for flag, (metavar, meaning) in DATAFLOW_FLAGS.items():
        dataflow.add_argument(f"--{flag}", type=int if flag == "max_num_workers" else None,
                              metavar=metavar, help=meaning)

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
    if args.config is not None and not Path(args.config).is_file():
        raise ConfigError(f"no such config file: {args.config}")
    config = load_config(args.config)
    overrides: dict[str, Any] = {}
    if args.command == "run":
        if args.input:
            overrides["input.paths"] = list(args.input)
        if args.limit is not None:
            overrides["input.limit"] = args.limit
        if args.output:
            overrides["output.dir"] = args.output
        if args.runner:
            overrides["runner.name"] = args.runner
        if args.dask_address:
            overrides["runner.dask.address"] = args.dask_address
        if args.dask_workers:
            overrides["runner.dask.workers"] = args.dask_workers
        if args.workers:
            overrides["runner.direct.num_workers"] = args.workers
            overrides["runner.direct.running_mode"] = (
                "multi_processing" if args.workers > 1 else "in_memory")
        for flag in DATAFLOW_FLAGS:
            if getattr(args, flag) is not None:
                overrides[f"runner.dataflow.{flag}"] = getattr(args, flag)
    return with_overrides(config, overrides) if overrides else config


def _run(args: argparse.Namespace, config: Config, extra: list[str]) -> int:
    if config.runner.name == "dataflow":
        missing = [f"--{flag}" for flag in REQUIRED_DATAFLOW_FLAGS
                   if getattr(config.runner.dataflow, flag) is None]
        if missing:
            print(f"curate: a Dataflow run needs {', '.join(missing)} (flags, or runner.dataflow.* "
                  "in the config; `curate run --help` explains each)", file=sys.stderr)
            return 2
    if args.dry_run:
        if config.runner.name != "dataflow":
            print("curate: --dry-run builds a Dataflow job; add --runner dataflow", file=sys.stderr)
            return 2
        from pipelines.dataflow import write_job_description

        path = write_job_description(config, extra, args.job_json)
        print(f"wrote the Dataflow job description to {path}")
        return 0
    from pipelines.progress import quiet_library_progress

    with quiet_library_progress():
        from pipelines.run import InputError, OutputDirError, run

        try:
            summary = run(config, extra, progress=True, overwrite=args.overwrite)
        except (InputError, OutputDirError) as exc:
            print(f"curate: {exc}", file=sys.stderr)
            return 2
    print_summary(summary.stats, summary.manifest, summary.output_dir)
    read = summary.stats["stages"]["read"]
    problems = input_problems(summary.output_dir, summary.stats)
    if read["kept"] == 0 and not args.allow_empty:
        print(f"curate: no document was read ({read['seen']} record(s): "
              f"{sum(read['dropped'].values())} not pages, {sum(read['errors'].values())} "
              "unreadable); --allow-empty accepts an empty run", file=sys.stderr)
        _print_lines(problems, sys.stderr)
        return 1
    _print_lines(problems, sys.stderr)
    return 0


def _print_lines(lines: Sequence[str], stream: TextIO) -> None:
    for line in lines:
        print(line, file=stream)


def input_problems(output_dir: str, stats: dict[str, Any], shown: int = INPUT_ERRORS_SHOWN) -> list[str]:
    """Lines naming the first `shown` input files or records the read stage could not read, with
    the error type and message (from its dead letters), then how many more there are."""
    errors = stats["stages"]["read"]["errors"]
    total = sum(errors.values())
    if not total:
        return []
    from curation.report.gather import dead_letter_origin, read_stage_errors

    records = read_stage_errors(output_dir, "read", limit=max(shown, 1000))
    records.sort(key=lambda r: ((r.get("source") or {}).get("file") or "",
                                (r.get("source") or {}).get("offset") or 0))
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(errors.items()))
    lines = [f"curate: {total} input record(s) or file(s) could not be read ({kinds}); "
             f"dead letters in {output_dir.rstrip('/')}/errors/read/"]
    for record in records[:shown]:
        lines.append(f"  {dead_letter_origin(record)}: {record.get('error_type')}: "
                     f"{record.get('message')}")
    if total > min(shown, len(records)):
        lines.append(f"  ... and {total - min(shown, len(records))} more "
                     f"(curate inspect {output_dir} --stage read)")
    return lines


def print_summary(stats: dict[str, Any], manifest: dict[str, Any], output_dir: str) -> None:
    width = max([len("stage"), *(len(name) for name in stats["order"])]) + 2
    print(f"{'stage':<{width}}{'seen':>9}{'kept':>9}{'dropped':>9}{'errors':>8}")
    for name in stats["order"]:
        s = stats["stages"][name]
        print(f"{name:<{width}}{s['seen']:>9}{s['kept']:>9}{sum(s['dropped'].values()):>9}"
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
        print(f"report: {output_dir.rstrip('/')}/report.html; dropped samples and dead letters: "
              f"curate inspect {output_dir}")


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
            failures.append({"line": item.line, "error_type": item.error_type,
                             "message": item.message})
    rows_read = len(docs) + len(failures)
    counts: Counter[str] = Counter()
    corpus = corpus_stage(args.name, config)
    with open(args.output, "w", encoding="utf-8") as out:
        for result in _stage_results(args.name, config, docs, counts, corpus):
            row = _stage_row(result, args.keep_dropped, counts, failures)
            if row is not None:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.name == "mix" and getattr(corpus, "result", None) is not None:
        _finish_mix_stage(corpus, args.output, counts)  # type: ignore[arg-type]
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
    from curation.mix.tokens import describe_tokenizer

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
    stage = per_document_stage(name, config)
    stage.setup()
    try:
        for doc in docs:
            result = run_stage(stage, doc)
            if isinstance(result, Document):
                counts.update(stage.kept_counters(result))
            yield result
    finally:
        stage.teardown()


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
