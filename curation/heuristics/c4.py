"""C4's page cleaning (Raffel et al. 2020, section 2.2; TFDS `c4_utils.clean_page`), with C4's own
defaults: a line is kept only if it ends in terminal punctuation (not an ellipsis), has at least
5 words, no word over 1,000 characters, no "javascript" and no policy boilerplate ("terms of use",
"privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"); citation
markers (`[1]`, `[edit]`, `[citation needed]`) are removed first. A kept line containing
"lorem ipsum" or a curly bracket drops the whole page, and so does a page left with fewer than
3 sentences. (datatrove's `C4QualityFilter` defaults to 3 words per line and 5 sentences, the
two values swapped.)

Sentences are counted as runs of text ending in `.`, `!` or `?` (optionally followed by closing
quotes or brackets) before whitespace or the end; C4 used NLTK's punkt tokenizer, which also
splits on those marks but knows abbreviations, so counts here can be slightly higher.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from curation.config import C4Config
from curation.document import Document
from curation.stage import Drop

_END_MARKS = (".", "?", "!", '"')
_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


def c4_clean(
    doc: Document, config: C4Config, split: Callable[[str], list[str]] = str.split
) -> Document | Drop:
    """`split` counts a line's words (a segmenter for languages written without spaces)."""
    kept: list[str] = []
    for raw in (doc.text or "").split("\n"):
        line = raw.strip()
        tokens = line.split()
        if tokens and max(len(t) for t in tokens) > config.max_word_length:
            continue
        line = _CITATION.sub("", line)
        if config.require_end_mark and (not line.endswith(_END_MARKS) or line.endswith("...")):
            continue
        if len(split(line)) < config.min_words_per_line:
            continue
        lower = line.lower()
        if "lorem ipsum" in lower:
            return Drop("c4_lorem_ipsum")
        if "javascript" in lower:
            continue
        if config.drop_curly_bracket and "{" in line:
            return Drop("c4_curly_bracket")
        if any(phrase in lower for phrase in _POLICY):
            continue
        kept.append(line)
    text = "\n".join(kept)
    sentences = len(_SENTENCE_END.findall(text))
    if sentences < config.min_sentences:
        return Drop("c4_too_few_sentences", f"{sentences}<{config.min_sentences}")
    return doc.replace(text=text)
