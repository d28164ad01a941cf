"""`repeated_line` (curation/heuristics/gopher_lines.py) skips the n-gram counting when no n-gram
of the smallest n repeats; these check it decides as the full count does."""

from __future__ import annotations

import random

import pytest

from curation.config import GopherRepetitionConfig
from curation.heuristics.gopher_lines import repeated_line
from curation.heuristics.text_stats import WordSequence, duplicated_ngram_chars

LIMITS = GopherRepetitionConfig().line_dup_ngram_char_frac


def _full_count(tokens: list[str], line: str, limits: dict[int, float], min_words: int) -> bool:
    if len(tokens) < min_words or not line:
        return False
    sequence = WordSequence(tokens)
    return any(duplicated_ngram_chars(sequence, n) / len(line) > limit for n, limit in limits.items())


@pytest.mark.parametrize(("line", "removed"), [
    ("The committee met on Tuesday to discuss the budget for the coming year in detail.", False),
    ("Mon Tue Wed Thu Fri Mon Tue Wed Thu Fri Mon Tue Wed Thu Fri Mon Tue Wed Thu Fri", True),
    ("error: disk full error: disk full error: disk full error: disk full error: disk full", True),
    ("short line short line short line", False),  # under line_min_words
])
def test_repeated_line(line, removed):
    tokens = line.split()
    assert repeated_line(tokens, line, LIMITS, 10) is removed
    assert _full_count(tokens, line, LIMITS, 10) is removed


@pytest.mark.parametrize("limits", [LIMITS, {7: 0.1, 9: 0.05}, {5: 0.0}, {6: -0.1}])
def test_fast_path_decides_as_the_full_count(limits):
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(3000):
        tokens = [rng.choice(vocabulary) for _ in range(rng.randint(8, 40))]
        if rng.random() < 0.5:  # splice in a repeat of some span
            start = rng.randrange(len(tokens))
            span = tokens[start:start + rng.randint(1, 12)]
            at = rng.randrange(len(tokens) + 1)
            tokens[at:at] = span
        line = " ".join(tokens)
        assert repeated_line(tokens, line, limits, 10) == _full_count(tokens, line, limits, 10)
