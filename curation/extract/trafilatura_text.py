"""Main-content extraction with trafilatura (Barbaresi 2021, ACL demo), the extractor FineWeb uses.

Settings: comments are excluded (Llama 3 removes boilerplate; comments are mostly short and
repetitive), tables are kept as text, and trafilatura's own deduplication is off because dedup is
our own later stage and must be deterministic across workers (trafilatura's cache is per process).
"""

from __future__ import annotations

import trafilatura


def extract_text(html: str, url: str, include_tables: bool, fast: bool = False) -> str | None:
    """The main text of `html`, or None when trafilatura finds no content. `fast` skips
    trafilatura's readability and jusText fallbacks."""
    return trafilatura.extract(
        html,
        url=url or None,
        fast=fast,
        include_comments=False,
        include_tables=include_tables,
        deduplicate=False,
        output_format="txt",
    )
