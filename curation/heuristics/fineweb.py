"""FineWeb's own quality rules (Penedo et al. 2024, "The FineWeb Datasets", section 3.5; datatrove
`FineWebQualityFilter` defaults): drop a document when at most 12% of its lines end in terminal
punctuation, when at least 67% of its lines are 30 characters or shorter, when characters in
duplicated lines are 1% or more of its characters (newlines excluded), or when it has more than
0.3 newlines per word (lists).
"""

from __future__ import annotations

import re

from curation.config import FineWebConfig
from curation.heuristics.text_stats import duplicate_stats, words
from curation.stage import Drop

# A sentence-final mark of the Llama 3 languages' scripts (plus Arabic and Urdu), optionally
# followed by closing quotes or brackets: `He said "yes."` ends a sentence. datatrove's list has
# the marks (and those of many more scripts) but counts a line ending in a quote as unpunctuated;
# colons, semicolons and ellipses end no sentence in either.
TERMINAL = re.compile(r"[.!?。！？｡।॥ฯ؟۔][\"'”’»)\]]*$")  # noqa: RUF001


def fineweb_quality(text: str, config: FineWebConfig, tokens: list[str] | None = None) -> Drop | None:
    """`tokens` are `words(text)` when the caller has them already."""
    text_lines = [line for line in text.split("\n") if line.strip()]
    if not text_lines:
        return Drop("fineweb_empty")
    ratio = sum(TERMINAL.search(line.rstrip()) is not None for line in text_lines) / len(text_lines)
    if ratio <= config.line_punct_thr and not (ratio == 0 and config.line_punct_exclude_zero):
        return Drop("fineweb_line_punct_ratio", f"{ratio:.3f}")
    ratio = sum(len(line) <= config.short_line_length for line in text_lines) / len(text_lines)
    if ratio >= config.short_line_thr:
        return Drop("fineweb_short_line_ratio", f"{ratio:.3f}")
    chars = len(text.replace("\n", ""))
    ratio = duplicate_stats(text_lines)[1] / chars if chars else 0.0
    if ratio >= config.char_duplicates_ratio:
        return Drop("fineweb_char_dup_ratio", f"{ratio:.3f}")
    tokens = words(text) if tokens is None else tokens
    ratio = text.count("\n") / len(tokens) if tokens else float("inf")
    if ratio > config.new_line_ratio:
        return Drop("fineweb_list_ratio", f"{ratio:.3f}")
    return None
