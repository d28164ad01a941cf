"""Word splitting per language: whitespace for languages written with spaces, a dictionary
segmenter for Thai, Chinese and Japanese, which are not (RESOURCES.md lists what works offline).

- Thai: PyThaiNLP's `newmm` (maximal matching over its bundled CC0 dictionary; Apache-2.0 code).
- Chinese: jieba's default mode (its bundled MIT dictionary and HMM for unknown words).
- Japanese: SudachiPy with sudachidict-small, split mode C (Apache-2.0). Sudachi was 17x faster than
  janome on the UDHR text here (700k vs 40k characters per second, one core) and its input is
  capped at 49,149 bytes, so text is fed to it line by line (lines longer than the cap in pieces).

Every segmenter is imported on first use and built once per process (a Beam worker's first
document pays about a second; the rest share it). Tokens are stripped of punctuation and dropped
when nothing is left, exactly like the whitespace splitter, so every rule counts words the same
way in every language. `segmented_languages()` is the set this module can split.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from functools import cache

_PUNCTUATION = (string.punctuation + "“”‘’«»…–—"  # noqa: RUF001 - typographic marks are the point
                + "、。，．・：；！？「」『』（）【】〔〕《》〈〉～ー〜｡｢｣､"  # noqa: RUF001 - CJK marks
                + "ฯ๚๛")
_SUDACHI_MAX_BYTES = 49_000


def whitespace_words(text: str) -> list[str]:
    return [w for w in (token.strip(_PUNCTUATION) for token in text.split()) if w]


def _clean(tokens: list[str]) -> list[str]:
    return [w for w in (token.strip().strip(_PUNCTUATION) for token in tokens) if w]


@cache
def _thai() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    def split(text: str) -> list[str]:
        return _clean(word_tokenize(text, engine="newmm", keep_whitespace=False))

    return split


@cache
def _chinese() -> Callable[[str], list[str]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()

    def split(text: str) -> list[str]:
        return _clean(list(tokenizer.cut(text)))

    return split


@cache
def _japanese() -> Callable[[str], list[str]]:
    import warnings

    from sudachipy import SplitMode, dictionary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sudachipy warns that `dict=` will be renamed
        tokenizer = dictionary.Dictionary(dict="small").create(SplitMode.C)

    def split(text: str) -> list[str]:
        tokens: list[str] = []
        for line in text.split("\n"):
            for piece in _pieces(line):
                tokens.extend(m.surface() for m in tokenizer.tokenize(piece))
        return _clean(tokens)

    return split


def _pieces(line: str) -> list[str]:
    """`line` in pieces of at most _SUDACHI_MAX_BYTES UTF-8 bytes (4 bytes per character at most)."""
    if len(line.encode("utf-8")) <= _SUDACHI_MAX_BYTES:
        return [line] if line.strip() else []
    step = _SUDACHI_MAX_BYTES // 4
    return [line[i:i + step] for i in range(0, len(line), step)]


_SEGMENTERS: dict[str, Callable[[], Callable[[str], list[str]]]] = {
    "th": _thai, "zh": _chinese, "ja": _japanese,
}


def segmented_languages() -> frozenset[str]:
    return frozenset(_SEGMENTERS)


def split_words(text: str, lang: str | None) -> list[str]:
    """The words of `text` in language `lang` (lid.176 codes; None and unknown codes use spaces)."""
    loader = _SEGMENTERS.get(lang or "")
    if loader is None:
        return whitespace_words(text)
    return loader()(text)
