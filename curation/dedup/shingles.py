"""Text normalisation and word n-gram shingle hashes for MinHash dedup.

Normalisation follows the MinHash setups of datatrove and FineWeb: lowercase, every digit
replaced by `0`, punctuation replaced by a space, whitespace collapsed (Unicode digits other than
ASCII ones are kept as they are); in Thai, Chinese and Japanese script every character is a word,
so shingles there are character n-grams; the shingles are word
n-grams (n=5 by default, FineWeb's choice). A document shorter than n words is one shingle.

Hashing is built for speed: each word is hashed once with CRC-32 (zlib, in C), and the n word
hashes of a shingle are combined with a polynomial in 64-bit arithmetic in numpy, then folded to
32 bits, the width datasketch's default `affine32` scheme expects. Two different shingles of a
document pair collide with probability about 2^-32, far below MinHash's own estimation error.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

# ASCII punctuation becomes a space and every ASCII digit `0`, in one `bytes.translate`; the rarer
# non-ASCII punctuation (quotes, dashes, CJK marks) is removed by a regex only when present.
_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ASCII_TABLE = bytes.maketrans(
    (_ASCII_PUNCTUATION + "123456789").encode(), (" " * len(_ASCII_PUNCTUATION) + "0" * 9).encode()
)
_NON_ASCII_PUNCTUATION = re.compile(r"[^\w\s\x00-\x7f]+")
# Scripts written without spaces between words: each character is a token, so shingles are
# character n-grams there (as NeMo Curator and FineWeb-2 do for Chinese and Japanese).
_UNSPACED_SCRIPTS = re.compile(r"([\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_POLY = np.uint64(0x100000001B3)  # the 64-bit FNV prime, as a polynomial base
_FOLD = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


def normalized_words(text: str) -> list[bytes]:
    """The words of `text` after normalisation, UTF-8 encoded."""
    text = text.lower()
    if not text.isascii():
        text = _UNSPACED_SCRIPTS.sub(r" \1 ", _NON_ASCII_PUNCTUATION.sub(" ", text))
    return text.encode("utf-8").translate(_ASCII_TABLE).split()


def normalize(text: str) -> str:
    return b" ".join(normalized_words(text)).decode("utf-8")


def word_hashes(text: str) -> np.ndarray:
    """CRC-32 of each normalised word, as uint64."""
    words = normalized_words(text)
    return np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))


def shingle_hashes(text: str, n: int = 5) -> np.ndarray:
    """32-bit hashes (uint32) of the word n-grams of `text`; empty for text without words."""
    return shingles_of_word_hashes(word_hashes(text), n)


def shingles_of_word_hashes(words: np.ndarray, n: int) -> np.ndarray:
    """The n-gram hashes of one word-hash sequence; fewer than n words make one shingle."""
    if len(words) == 0:
        return np.zeros(0, dtype=np.uint32)
    n = min(n, len(words))
    return fold32(polynomial_windows(words, n))


def polynomial_windows(words: np.ndarray, n: int) -> np.ndarray:
    """For each start i, the polynomial sum of words[i:i+n] in wrapping 64-bit arithmetic."""
    count = len(words) - n + 1
    combined = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        combined = combined * _POLY + words[k:k + count]
    return combined


def fold32(values: np.ndarray) -> np.ndarray:
    return ((values ^ (values >> _FOLD)) & _LOW32).astype(np.uint32)
