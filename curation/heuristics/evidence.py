"""What in the text made a heuristic rule fire, for the audit sample and the report.

Each rule's evidence is taken with the same helpers and definitions the rule measures with
(curation/heuristics/gopher.py, fineweb.py, dirty_words.py; Gopher Table A1, FineWeb section 3.5):
the duplicated lines or paragraphs behind a `gopher_dup_*_frac`, the most frequent n-gram behind
`gopher_top_<n>gram`, the repeated n-grams behind `gopher_dup_<n>gram`, the lines without terminal
punctuation behind `fineweb_line_punct_ratio`, the listed words behind `dirty_words`, and so on.
It is computed only for dropped documents, so kept documents cost nothing. Rules about the page as
a whole (too few words, stop words, token KL) have no span to point at and get none.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

from curation.config import HeuristicsConfig
from curation.heuristics.dirty_words import matcher
from curation.heuristics.fineweb import TERMINAL
from curation.heuristics.gopher import _BULLETS
from curation.heuristics.text_stats import lines, paragraphs, words
from curation.stage import Drop

MAX_ITEMS = 50


def with_evidence(drop: Drop, text: str, lang: str | None, config: HeuristicsConfig) -> Drop:
    """`drop` with the spans of `text` that triggered it (unchanged if the rule has none)."""
    found = evidence(drop.reason, text, lang, config)
    return dataclasses.replace(drop, evidence=found) if found else drop


def evidence(reason: str, text: str, lang: str | None, config: HeuristicsConfig) -> tuple[str, ...]:
    if reason == "dirty_words":
        pattern = matcher(lang or "en")
        found = [] if pattern is None else pattern.findall(text)
        return _first_distinct(found, key=str.lower)
    for prefix, size in (("gopher_top_", "gram"), ("gopher_dup_", "gram")):
        if reason.startswith(prefix) and reason.endswith(size) and reason[len(prefix):-len(size)].isdigit():
            n = int(reason[len(prefix):-len(size)])
            grams = _ngrams(words(text), n)
            if prefix == "gopher_top_":
                return (grams.most_common(1)[0][0],) if grams else ()
            return tuple(gram for gram, count in grams.most_common(MAX_ITEMS) if count > 1)
    rule = _LINE_RULES.get(reason)
    if rule is None:
        return ()
    return _first_distinct(rule(text, config))


def _ngrams(tokens: list[str], n: int) -> Counter[str]:
    return Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _repeats(elements: list[str]) -> list[str]:
    """Elements that repeat an earlier one (Gopher's `find_duplicates` counts exactly these)."""
    seen: set[str] = set()
    repeats = []
    for element in elements:
        if element in seen:
            repeats.append(element)
        seen.add(element)
    return repeats


def _nonblank(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


_LINE_RULES: dict[str, Callable[[str, HeuristicsConfig], list[str]]] = {
    "gopher_dup_para_frac": lambda text, _: _repeats(paragraphs(text)),
    "gopher_dup_para_char_frac": lambda text, _: _repeats(paragraphs(text)),
    "gopher_dup_line_frac": lambda text, _: _repeats(_nonblank(text)),
    "gopher_dup_line_char_frac": lambda text, _: _repeats(_nonblank(text)),
    "gopher_symbol_ratio": lambda text, _: [s for s in ("#", "...", "…") if s in text],
    "gopher_bullet_lines": lambda text, _: [line for line in lines(text) if line.startswith(_BULLETS)],
    "gopher_ellipsis_lines": lambda text, _: [line for line in lines(text)
                                              if line.endswith(("...", "…"))],
    "gopher_alpha_words": lambda text, _: [w for w in words(text) if not any(c.isalpha() for c in w)],
    "fineweb_line_punct_ratio": lambda text, _: [line for line in _nonblank(text)
                                                 if TERMINAL.search(line.rstrip()) is None],
    "fineweb_short_line_ratio": lambda text, config: [
        line for line in _nonblank(text) if len(line) <= config.fineweb.short_line_length],
    "fineweb_char_dup_ratio": lambda text, _: _repeats(_nonblank(text)),
    "c4_lorem_ipsum": lambda text, _: [line for line in lines(text) if "lorem ipsum" in line.lower()],
    "c4_curly_bracket": lambda text, _: [line for line in lines(text) if "{" in line],
}


def _first_distinct(items: list[str], key: Callable[[str], str] = str) -> tuple[str, ...]:
    distinct: dict[str, str] = {}
    for item in items:
        if item.strip() and key(item) not in distinct:
            distinct[key(item)] = item
            if len(distinct) == MAX_ITEMS:
                break
    return tuple(distinct.values())
