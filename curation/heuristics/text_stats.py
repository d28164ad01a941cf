"""Word, line and paragraph splitting shared by the heuristic filters.

Words are whitespace-separated tokens with surrounding punctuation stripped (Gopher counts words
this way; datatrove does the same with its default word tokenizer for space-separated languages).
"""

from __future__ import annotations

import re
from collections import Counter

from curation.heuristics.segment import whitespace_words

_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def words(text: str) -> list[str]:
    """Whitespace words; `segment.split_words` handles languages written without spaces."""
    return whitespace_words(text)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def duplicate_stats(elements: list[str]) -> tuple[int, int]:
    """(number of elements that repeat an earlier one, characters in those repeats), as Gopher's
    `find_duplicates`: every occurrence after the first counts."""
    seen: set[str] = set()
    count = chars = 0
    for element in elements:
        if element in seen:
            count += 1
            chars += len(element)
        else:
            seen.add(element)
    return count, chars


def top_ngram_chars(tokens: list[str], n: int) -> int:
    """Characters in all occurrences of the most frequent word n-gram (joined by spaces), the
    quantity Gopher's "top n-gram character fraction" divides by the text length."""
    grams = Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    return len(gram) * count


def duplicated_ngram_chars(tokens: list[str], n: int) -> int:
    """Characters in word n-grams that repeat an earlier n-gram, scanning left to right and
    jumping past each repeat so no word is counted twice (Gopher, as datatrove implements it)."""
    seen: set[str] = set()
    chars = index = 0
    while index < len(tokens) - n + 1:
        gram = "".join(tokens[index:index + n])
        if gram in seen:
            chars += len(gram)
            index += n
        else:
            seen.add(gram)
            index += 1
    return chars
