"""Gopher's duplicated n-gram coverage applied to single lines, as a line-removal modifier.

Llama 3 (section 3.1.1, "Heuristic filtering"): "We use duplicated n-gram coverage ratio (Rae et
al., 2021) to remove lines that consist of repeated content such as logging or error messages.
Those lines could be very long and unique, hence cannot be filtered by line-dedup." So the rule
is Gopher's (Table A1: duplicated 5- to 10-grams covering more than 0.15 ... 0.10 of the
characters), measured inside each line instead of over the document. Only lines of at least
`line_min_words` words are judged: a shorter line has too few n-grams for a fraction to mean
anything (a 10-word line holds a single 10-gram), and an ordinary sentence almost never repeats
five words in a row.

The document keeps the other lines, in order; `scores["gopher_lines_removed"]` counts what went,
and a document left with no line is dropped as `gopher_all_lines_removed`.
"""

from __future__ import annotations

from collections.abc import Callable

from curation.heuristics.text_stats import WordSequence, duplicated_ngram_chars


def repeated_line(tokens: list[str], line: str, limits: dict[int, float], min_words: int) -> bool:
    """Whether a line (with its words `tokens`) is mostly repeated n-grams."""
    if len(tokens) < min_words or not line:
        return False
    if limits:
        # Any repeated n-gram starts with a repeated n-gram of the smallest n, so when those are
        # all distinct (most lines, checked in C) every fraction is 0 and no WordSequence is built.
        smallest = min(limits)
        grams = list(zip(*(tokens[k:] for k in range(smallest)), strict=False))
        if len(set(grams)) == len(grams):
            return any(limit < 0.0 for limit in limits.values())
    length = len(line)
    sequence = WordSequence(tokens)
    return any(duplicated_ngram_chars(sequence, n) / length > limit for n, limit in limits.items())


def remove_repeated_lines(
    raw_lines: list[str], split: Callable[[str], list[str]], limits: dict[int, float], min_words: int
) -> tuple[list[str], list[list[str]], int]:
    """(kept lines, blank ones included so paragraphs survive; the words of each kept line;
    number of lines removed). `split` gives a line's words."""
    kept: list[str] = []
    kept_tokens: list[list[str]] = []
    removed = 0
    for line in raw_lines:
        tokens = split(line) if line.strip() else []
        if repeated_line(tokens, line.strip(), limits, min_words):
            removed += 1
        else:
            kept.append(line)
            kept_tokens.append(tokens)
    return kept, kept_tokens, removed
