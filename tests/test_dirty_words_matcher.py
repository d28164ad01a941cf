"""The prefix-merged dirty-word pattern (curation/heuristics/dirty_words.py) finds exactly what
the plain longest-first alternation it replaced finds, on every bundled list."""

from __future__ import annotations

import re

import pytest

from curation.heuristics.dirty_words import (
    SUBSTRING_LANGUAGES,
    count_dirty_words,
    list_names,
    matcher,
    prefix_alternation,
)


def _longest_first(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@pytest.mark.parametrize(("words", "text", "expected"), [
    (["ass", "asshole"], "you asshole, ass", ["asshole", "ass"]),  # longest first
    (["ass", "asshole"], "assholes and class", []),  # whole words only
    (["ab", "abc", "abcd"], "abc abcd ab abcde", ["abc", "abcd", "ab"]),
    (["a b", "a"], "a b a", ["a b", "a"]),  # phrases
    (["x.y", "x"], "x.y xzy", ["x.y"]),  # regex characters are literal
    (["straße"], "STRASSE Straße", ["Straße"]),  # case-insensitive, no folding of ß
])
def test_prefix_alternation_matches_as_longest_first(words, text, expected):
    pattern = re.compile(rf"(?<!\w)(?:{prefix_alternation(words)})(?!\w)", re.IGNORECASE)
    plain = re.compile(rf"(?<!\w)(?:{_longest_first(words)})(?!\w)", re.IGNORECASE)
    assert pattern.findall(text) == expected
    assert plain.findall(text) == expected


def _entries(lang: str) -> list[str]:
    from importlib import resources

    folder = resources.files("curation.heuristics").joinpath("data", "ldnoobw")
    lines = folder.joinpath(f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return sorted({w.strip().lower() for w in lines if w.strip()})


@pytest.mark.parametrize("name", list_names())
def test_every_bundled_list_counts_as_the_plain_alternation(name):
    words = _entries(name)
    if name in SUBSTRING_LANGUAGES:
        words = [w for w in words if len(w) > 1]
        wrap = "(?:{})"
    else:
        wrap = r"(?<!\w)(?:{})(?!\w)"
    merged = re.compile(wrap.format(prefix_alternation(words)), re.IGNORECASE)
    plain = re.compile(wrap.format(_longest_first(words)), re.IGNORECASE)
    texts = [
        " ".join(words),  # every entry as a word
        "".join(words),  # run together: prefixes, overlaps and backtracking
        " ".join(w.upper() + "s" for w in words),  # case, and extensions that are not entries
        " | ".join(w[:-1] for w in words),  # every entry cut short
        ", ".join(a + b for a, b in zip(words, reversed(words), strict=True)),
    ]
    for text in texts:
        assert merged.findall(text) == plain.findall(text)


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("a clean sentence about gardens and tea", "en", 0),  # keep
    ("this is porn, pure porn", "en", 2),  # drop-worthy
    ("Scunthorpe is a town", "en", 0),  # whole words: no match inside a word
    ("text in a language without a list", "xx", None),  # no list: not counted
])
def test_count_dirty_words(text, lang, expected):
    measured = count_dirty_words(text, lang)
    assert (None if measured is None else measured[0]) == expected


def test_matcher_is_the_merged_pattern():
    pattern = matcher("en")
    assert pattern is not None
    assert "porn" not in pattern.pattern.split("|")  # merged by prefixes, not a flat word list
