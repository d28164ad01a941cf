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


class WordSequence:
    """Words as integer ids, with prefix sums of their lengths: n-grams become tuples of ints
    (built in C by `zip`) and an n-gram's length a subtraction. Built once per text and shared by
    every n; on real pages this made the repetition rules 3x faster than joining strings. An
    n-gram is its words, so "ab c" and "a bc" are different 5-grams (datatrove joins the words
    without a separator, which merges them)."""

    def __init__(self, tokens: list[str]) -> None:
        index: dict[str, int] = {}
        self.ids = [index.setdefault(token, len(index)) for token in tokens]
        self.lengths = [0] * len(index)
        for token, number in index.items():
            self.lengths[number] = len(token)
        self.prefix = [0]
        for token in tokens:
            self.prefix.append(self.prefix[-1] + len(token))

    def ngrams(self, n: int) -> list[tuple[int, ...]]:
        return list(zip(*(self.ids[k:] for k in range(n)), strict=False))


def _sequence(tokens: list[str] | WordSequence) -> WordSequence:
    return tokens if isinstance(tokens, WordSequence) else WordSequence(tokens)


def top_ngram_chars(tokens: list[str] | WordSequence, n: int) -> int:
    """Characters in all occurrences of the most frequent word n-gram (joined by spaces), the
    quantity Gopher's "top n-gram character fraction" divides by the text length."""
    sequence = _sequence(tokens)
    grams = Counter(sequence.ngrams(n))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    return (sum(sequence.lengths[word] for word in gram) + n - 1) * count


def duplicated_ngram_chars(tokens: list[str] | WordSequence, n: int) -> int:
    """Characters in word n-grams that repeat an earlier n-gram, scanning left to right and
    jumping past each repeat so no word is counted twice (Gopher, as datatrove implements it)."""
    sequence = _sequence(tokens)
    grams = sequence.ngrams(n)
    if len(set(grams)) == len(grams):
        return 0  # no n-gram repeats: most prose, decided at C speed
    seen: set[tuple[int, ...]] = set()
    prefix = sequence.prefix
    chars = index = 0
    while index < len(grams):
        gram = grams[index]
        if gram in seen:
            chars += prefix[index + n] - prefix[index]
            index += n
        else:
            seen.add(gram)
            index += 1
    return chars
