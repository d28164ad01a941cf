"""The run report (issue 9): `report.html` from a run's output directory, and the terminal view of
its dropped samples. `gather` reads (bounded), `render` draws, `write_report` does both."""

from __future__ import annotations

import fsspec

from curation.report.gather import DEFAULT_MAX_DOCS, ReportData, ReportInputError, gather
from curation.report.render import render

REPORT_NAME = "report.html"

__all__ = ["DEFAULT_MAX_DOCS", "REPORT_NAME", "ReportData", "ReportInputError", "gather", "render",
           "write_report"]


def write_report(out_dir: str, output: str | None = None, max_docs: int = DEFAULT_MAX_DOCS) -> str:
    """Write the report of the run in `out_dir` to `output` (default `out_dir/report.html`)."""
    page = render(gather(out_dir, max_docs))
    target = output or out_dir.rstrip("/") + "/" + REPORT_NAME
    with fsspec.open(target, "w", encoding="utf-8") as handle:
        handle.write(page)
    return target
