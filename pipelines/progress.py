"""Live progress of a local run: records read, documents kept and dropped per stage, rate, elapsed.

Beam's local runner only reports metrics once the pipeline has finished, and a long run with no
sign of life is what users of TFDS C4 complained about most (tensorflow/datasets#1931). So the
counters also travel through a side channel: every process that counts (`StageCounters.inc`)
adds to an in-process tally, and a background thread writes that tally, whole, to its own small
JSON file in the directory named by `$CURATION_PROGRESS_DIR` every `FLUSH_S` seconds (written
to a temporary name and renamed, so a reader never sees half a file). The main process sets the
variable before the pipeline starts, so the DirectRunner's worker processes
(`multi_processing`) inherit it, and `ProgressMonitor` sums the files and draws them with rich.

The channel is approximate by design (a worker may die before its last write, a retried bundle
counts twice); the end-of-run summary and `stats.json` use the run's exact Beam metrics. It
never touches the output directory, so outputs are byte-identical with or without it. Where the
variable is unset (Dataflow workers, tests) `record` returns at once. Dataflow shows the same
counters in its console: `dataflow_console_url` gives the job's page.

A clean display (issue 25): during a run, library progress bars are off (`quiet_library_progress`:
transformers' "Loading weights" tqdm bar tore the live table), each distinct log record is
printed once (the mix's unreachable-share warnings came twice in piped logs), and on a terminal
log records go through the live display's console, so they print above the table instead of
through it; the table is transient, so nothing of it stays above the final summary.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

PROGRESS_DIR_ENV = "CURATION_PROGRESS_DIR"
# read by huggingface_hub (and through it transformers) and by tqdm >= 4.66 (`TQDM_<ARG>` defaults);
# worker processes inherit them
QUIET_PROGRESS_ENV = {"HF_HUB_DISABLE_PROGRESS_BARS": "1", "TQDM_DISABLE": "1"}
FLUSH_S = 0.5
_COUNTED = ("seen", "kept", "dropped.", "error.")


class _Tally:
    """This process's counters, written to `<directory>/<pid>-<random>.json` by a daemon thread."""

    def __init__(self, directory: str, flush_s: float) -> None:
        self.directory = directory
        self.pid = os.getpid()
        self._path = Path(directory) / f"{self.pid}-{uuid.uuid4().hex}.json"
        self._counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._lock = threading.Lock()
        self._dirty = False
        self._flush_s = flush_s
        threading.Thread(target=self._loop, name="curation-progress", daemon=True).start()

    def add(self, stage: str, name: str, value: int) -> None:
        with self._lock:
            self._counts[stage][name] += value
            self._dirty = True

    def flush(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            data = json.dumps(self._counts)
            self._dirty = False
        if not Path(self.directory).is_dir():
            return  # the run is over and its monitor has cleaned up
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(data, encoding="utf-8")
        os.replace(temporary, self._path)

    def _loop(self) -> None:
        while True:
            time.sleep(self._flush_s)
            try:
                self.flush()
            except OSError:
                return


_tally: _Tally | None = None
_tally_lock = threading.Lock()


def record(stage: str, name: str, value: int) -> None:
    """Add to this process's tally if a local run asked for progress; otherwise do nothing."""
    directory = os.environ.get(PROGRESS_DIR_ENV)
    if not directory or not name.startswith(_COUNTED):
        return
    global _tally
    tally = _tally
    if tally is None or tally.directory != directory or tally.pid != os.getpid():
        with _tally_lock:
            if _tally is None or _tally.directory != directory or _tally.pid != os.getpid():
                _tally = _Tally(directory, float(os.environ.get(PROGRESS_DIR_ENV + "_FLUSH_S", FLUSH_S)))
            tally = _tally
    tally.add(stage, name, value)


def flush_this_process() -> None:
    if _tally is not None and _tally.pid == os.getpid():
        _tally.flush()


def read_progress(directory: str) -> dict[str, dict[str, int]]:
    """The sum of every process's tally in `directory`."""
    total: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # replaced or removed while we read; the next poll sees it
        for stage, counters in data.items():
            for name, value in counters.items():
                total[stage][name] += int(value)
    return {stage: dict(counters) for stage, counters in total.items()}


@contextlib.contextmanager
def quiet_library_progress() -> Iterator[None]:
    """Turn library progress bars off for the block: set the environment for modules and worker
    processes still to come, and switch off the bars of those already imported."""
    saved = {key: os.environ.get(key) for key in QUIET_PROGRESS_ENV}
    os.environ.update(QUIET_PROGRESS_ENV)
    if "huggingface_hub" in sys.modules:
        sys.modules["huggingface_hub"].utils.disable_progress_bars()
    if "transformers" in sys.modules:
        sys.modules["transformers"].utils.logging.disable_progress_bar()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class LogOnceFilter(logging.Filter):
    """Passes the first record of each (logger, level, message) and drops its repeats."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, int, str]] = set()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        with self._lock:
            if key in self._seen:
                return False
            self._seen.add(key)
        return True


class _ConsoleHandler(logging.Handler):
    """Prints log records through a rich console, so they land above its live display."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.WARNING)
        self.console = console
        self.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # a log line must never end the run
            self.handleError(record)


class ProgressMonitor:
    """A context manager around a local run: sets up the side channel, polls it every `poll_s`
    seconds and draws a live table on a terminal (a plain line every `log_s` seconds elsewhere);
    the table goes away when the run ends, and the caller prints the exact summary.
    `history` keeps (elapsed seconds, records read, documents dropped) of every poll that changed."""

    def __init__(self, order: Sequence[str], console: Console | None = None, poll_s: float = 0.5,
                 log_s: float = 10.0, flush_s: float = FLUSH_S) -> None:
        self.order = list(order)
        self.console = console or Console(stderr=True)
        self.poll_s, self.log_s, self.flush_s = poll_s, log_s, flush_s
        self.history: list[tuple[float, int, int]] = []
        self.counts: dict[str, dict[str, int]] = {}
        self._stop = threading.Event()
        self._directory = ""
        self._saved_env: dict[str, str | None] = {}
        self._started = 0.0
        self._live: Live | None = None
        self._thread: threading.Thread | None = None
        self._once: list[tuple[logging.Handler, LogOnceFilter]] = []
        self._added_handler: logging.Handler | None = None
        self._removed_handlers: list[logging.Handler] = []

    def __enter__(self) -> ProgressMonitor:
        self._directory = tempfile.mkdtemp(prefix="curation-progress-")
        for key, value in ((PROGRESS_DIR_ENV, self._directory),
                           (PROGRESS_DIR_ENV + "_FLUSH_S", str(self.flush_s))):
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value
        self._started = time.monotonic()
        if self.console.is_terminal:
            self._live = Live(self.render(), console=self.console, auto_refresh=False, transient=True)
            self._live.start()
        self._route_logging()
        self._thread = threading.Thread(target=self._loop, name="curation-progress-monitor", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        flush_this_process()
        self.poll()
        if self._live is not None:
            self._live.stop()
        self._restore_logging()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self._directory, ignore_errors=True)

    def _route_logging(self) -> None:
        """Every root handler drops the records it has already printed. On a terminal, handlers
        that write to it are swapped for one that prints through the live console; with no
        handler at all, Python's last-resort handler would write around the display, so one is
        added."""
        root = logging.getLogger()
        if self._live is not None:
            self._removed_handlers = [h for h in root.handlers if _writes_to_terminal(h)]
            for handler in self._removed_handlers:
                root.removeHandler(handler)
        if self._live is not None or not root.handlers:
            self._added_handler = (_ConsoleHandler(self.console) if self._live is not None
                                   else logging.StreamHandler(sys.stderr))
            self._added_handler.setLevel(logging.WARNING)
            root.addHandler(self._added_handler)
        for handler in root.handlers:  # one filter each: a record passes every handler once
            once = LogOnceFilter()
            handler.addFilter(once)
            self._once.append((handler, once))

    def _restore_logging(self) -> None:
        root = logging.getLogger()
        for handler, once in self._once:
            handler.removeFilter(once)
        self._once = []
        if self._added_handler is not None:
            root.removeHandler(self._added_handler)
            self._added_handler = None
        for handler in self._removed_handlers:
            root.addHandler(handler)
        self._removed_handlers = []

    def poll(self) -> None:
        self.counts = read_progress(self._directory)
        point = (round(time.monotonic() - self._started, 2), self.records_read, self.dropped)
        if not self.history or self.history[-1][1:] != point[1:]:
            self.history.append(point)

    @property
    def records_read(self) -> int:
        return self.counts.get(self.order[0], {}).get("seen", 0) if self.order else 0

    @property
    def dropped(self) -> int:
        return sum(v for c in self.counts.values() for k, v in c.items() if k.startswith("dropped."))

    def _loop(self) -> None:
        last_log = time.monotonic()
        while not self._stop.wait(self.poll_s):
            self.poll()
            if self._live is not None:
                self._live.update(self.render(), refresh=True)
            elif time.monotonic() - last_log >= self.log_s:
                last_log = time.monotonic()
                self.console.print(self.headline(), markup=False, highlight=False)

    def headline(self) -> str:
        elapsed = time.monotonic() - self._started
        rate = self.records_read / elapsed if elapsed > 0 else 0.0
        furthest = next(((name, self.counts[name].get("kept", 0)) for name in reversed(self.order)
                         if self.counts.get(name, {}).get("seen")), None)
        kept = f"{furthest[1]:,} kept by {furthest[0]}" if furthest else "0 kept"
        return (f"{self.records_read:,} records read, {kept}, {self.dropped:,} dropped, "
                f"{rate:,.1f} records/s, elapsed {_clock(elapsed)}")

    def render(self) -> Group:
        table = Table(box=None, pad_edge=False)
        for column in ("stage", "seen", "kept", "dropped", "errors"):
            table.add_column(column, justify="left" if column == "stage" else "right")
        for name in self.order:
            counters = self.counts.get(name, {})
            dropped = sum(v for k, v in counters.items() if k.startswith("dropped."))
            errors = sum(v for k, v in counters.items() if k.startswith("error."))
            table.add_row(name, f"{counters.get('seen', 0):,}", f"{counters.get('kept', 0):,}",
                          f"{dropped:,}", f"{errors:,}")
        return Group(Text(f"running: {self.headline()}", style="bold"), table)


def _writes_to_terminal(handler: logging.Handler) -> bool:
    stream = getattr(handler, "stream", None)
    try:
        return isinstance(handler, logging.StreamHandler) and bool(stream and stream.isatty())
    except (ValueError, OSError):
        return False


def dataflow_console_url(project: str | None, region: str | None, job_id: str) -> str:
    return f"https://console.cloud.google.com/dataflow/jobs/{region}/{job_id}?project={project}"


def print_dataflow_progress(url: str, order: Sequence[str], stream: Any = None) -> None:
    """On Dataflow the job page is the progress display: where to look for our counters."""
    out = stream or sys.stderr
    print(f"Dataflow job: {url}", file=out)
    print("Progress: the job page's 'Job metrics' tab, 'Custom counters' section: "
          f"namespace curation.<stage> (stages: {', '.join(order)}), counters seen, kept, "
          "dropped.<reason>, error.<type>. stats.json and report.html are written when it ends.",
          file=out)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}"

