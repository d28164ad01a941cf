"""Gopher's quality and repetition rules (Rae et al. 2021, "Scaling Language Models: Methods,
Analysis & Insights from Training Gopher", appendix A, Table A1), with the paper's thresholds.

Quality: 50 to 100,000 words; mean word length 3 to 10 characters; at most 0.1 symbols (`#`,
`...`) per word; at most 90% of lines starting with a bullet and 30% ending with an ellipsis; at
least 80% of words containing a letter; at least 2 of the stop words "the, be, to, of, and,
that, have, with".

Repetition: duplicate lines over lines > 0.30, duplicate paragraphs over paragraphs > 0.30,
characters in duplicate lines > 0.20 and in duplicate paragraphs > 0.20 of the text; the most
frequent 2-, 3- and 4-gram covering more than 0.20, 0.18, 0.16 of the characters; duplicated
5- to 10-grams covering more than 0.15, 0.14, 0.13, 0.12, 0.11, 0.10. Fractions are over the
text's characters, as in datatrove's `GopherRepetitionFilter`.
"""

from __future__ import annotations

from curation.config import GopherQualityConfig, GopherRepetitionConfig
from curation.heuristics.text_stats import (
    WordSequence,
    duplicate_stats,
    duplicated_ngram_chars,
    lines,
    paragraphs,
    top_ngram_chars,
    words,
)
from curation.stage import Drop

_BULLETS = ("•", "‣", "⁃", "◦", "▪", "●", "○", "-", "*", "·")  # noqa: RUF001 - bullet glyphs


def gopher_quality(
    text: str, config: GopherQualityConfig, tokens: list[str] | None = None
) -> Drop | None:
    """`tokens` are `words(text)` when the caller has them already."""
    tokens = words(text) if tokens is None else tokens
    n = len(tokens)
    if n < config.min_words:
        return Drop("gopher_too_few_words", f"{n}<{config.min_words}")
    if n > config.max_words:
        return Drop("gopher_too_many_words", f"{n}>{config.max_words}")
    mean = sum(len(w) for w in tokens) / n
    if not config.min_mean_word_length <= mean <= config.max_mean_word_length:
        return Drop("gopher_mean_word_length", f"{mean:.2f}")
    symbols = text.count("#") + text.count("...") + text.count("…")
    if symbols / n > config.max_symbol_word_ratio:
        return Drop("gopher_symbol_ratio", f"{symbols / n:.3f}")
    text_lines = lines(text)
    if text_lines:
        bullets = sum(line.startswith(_BULLETS) for line in text_lines) / len(text_lines)
        if bullets > config.max_bullet_line_ratio:
            return Drop("gopher_bullet_lines", f"{bullets:.3f}")
        ellipsis = sum(line.endswith(("...", "…")) for line in text_lines) / len(text_lines)
        if ellipsis > config.max_ellipsis_line_ratio:
            return Drop("gopher_ellipsis_lines", f"{ellipsis:.3f}")
    alpha = sum(any(c.isalpha() for c in w) for w in tokens) / n
    if alpha < config.min_alpha_word_ratio:
        return Drop("gopher_alpha_words", f"{alpha:.3f}")
    stop_words = set(config.stop_words)
    stop = sum(w.lower() in stop_words for w in tokens)
    if stop < config.min_stop_words:
        return Drop("gopher_stop_words", f"{stop}<{config.min_stop_words}")
    return None


def gopher_repetition(
    text: str, config: GopherRepetitionConfig, tokens: list[str] | None = None
) -> Drop | None:
    """`tokens` are `words(text)` when the caller has them already."""
    length = len(text)
    if length == 0:
        return None
    paras = paragraphs(text)
    dup, chars = duplicate_stats(paras)
    if paras and dup / len(paras) > config.dup_para_frac:
        return Drop("gopher_dup_para_frac", f"{dup / len(paras):.3f}")
    if chars / length > config.dup_para_char_frac:
        return Drop("gopher_dup_para_char_frac", f"{chars / length:.3f}")
    text_lines = [line for line in text.split("\n") if line.strip()]
    dup, chars = duplicate_stats(text_lines)
    if text_lines and dup / len(text_lines) > config.dup_line_frac:
        return Drop("gopher_dup_line_frac", f"{dup / len(text_lines):.3f}")
    if chars / length > config.dup_line_char_frac:
        return Drop("gopher_dup_line_char_frac", f"{chars / length:.3f}")
    sequence = WordSequence(words(text) if tokens is None else tokens)
    for n, limit in config.top_ngram_char_frac.items():
        share = top_ngram_chars(sequence, n) / length
        if share > limit:
            return Drop(f"gopher_top_{n}gram", f"{share:.3f}")
    for n, limit in config.dup_ngram_char_frac.items():
        share = duplicated_ngram_chars(sequence, n) / length
        if share > limit:
            return Drop(f"gopher_dup_{n}gram", f"{share:.3f}")
    return None
