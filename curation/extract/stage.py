"""The `extract` stage: size guard, hard time limit, our extractor (trafilatura as fallback).

The engine (`engine.py`) runs in a long-lived child process killed and restarted when a page
runs past `timeout_s` (`curation/isolation.py`), so no parser can hang a Beam worker. Kept
documents carry `extract_engine` in metadata and `formulas` (LaTeX formulas restored) in scores.

Drop reasons:
- `no_html`: neither html nor text on the document (text-only inputs such as WET pass through).
- `html_too_large`: the UTF-8 html exceeds `max_html_bytes`.
- `html_too_deep`: elements nest deeper than `max_nesting_depth` (`guards.py`).
- `extract_timeout`: the extractor ran past `timeout_s` and its worker process was killed.
- `no_content`: the extractor found less than `min_text_chars` of main text.
"""

from __future__ import annotations

from curation.config import ExtractConfig
from curation.document import Document
from curation.extract.engine import extract
from curation.extract.guards import exceeds_nesting
from curation.isolation import CallTimeoutError, IsolatedFunction
from curation.stage import Drop, Outcome, Stage

_TARGET = "curation.extract.engine:extract"


class ExtractStage(Stage):
    name = "extract"

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self._isolated: IsolatedFunction | None = None

    def setup(self) -> None:
        if self.config.isolation == "subprocess" and self._isolated is None:
            self._isolated = IsolatedFunction(
                _TARGET, self.config.timeout_s, self.config.memory_limit_mb)

    def teardown(self) -> None:
        if self._isolated is not None:
            self._isolated.close()
            self._isolated = None

    def process(self, doc: Document) -> Outcome:
        if doc.html is None:
            return doc if doc.text else Drop("no_html")
        size = len(doc.html.encode("utf-8", "surrogatepass"))
        if size > self.config.max_html_bytes:
            return Drop("html_too_large", f"{size} bytes")
        if exceeds_nesting(doc.html, self.config.max_nesting_depth):
            return Drop("html_too_deep", f">{self.config.max_nesting_depth} levels")
        try:
            text, engine, formulas = self._extract(doc.html, doc.url)
        except CallTimeoutError:
            return Drop("extract_timeout", f">{self.config.timeout_s:g}s")
        text = text.strip()
        if len(text) < self.config.min_text_chars:
            return Drop("no_content", engine)
        return doc.replace(html=None, text=text).with_metadata(extract_engine=engine).with_scores(
            formulas=float(formulas)
        )

    def kept_counters(self, doc: Document) -> dict[str, int]:
        engine = doc.metadata.get("extract_engine", "none")
        return {f"engine.{engine}": 1, "docs_with_formulas": int(doc.scores.get("formulas", 0) > 0)}

    def _extract(self, html: str, url: str) -> tuple[str, str, int]:
        args = (html, url, self.config.engine, self.config.include_tables,
                self.config.fallback_below_chars)
        if self.config.isolation == "subprocess":
            self.setup()
            assert self._isolated is not None
            return self._isolated(*args)  # type: ignore[no-any-return]
        return extract(*args)

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_isolated": None}
