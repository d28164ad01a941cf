"""Property-based fuzzing (hypothesis) of the readers, the extractor, PII redaction, line
normalisation and the n-gram code: whatever the input, each returns a result of its contract
(a Document, a drop or a read error) and never raises or hangs.

Reader inputs are real WARC files mutated byte-wise (flips, cuts, insertions, splices): the seed
corpus in tests/fuzz_corpus/ (warcio's fixtures, Apache-2.0), the hostile inputs, and the real
crawl files in ../shared/evaldata/web_crawl_warc when present. The run here is bounded and
derandomized (`FUZZ_EXAMPLES`, default 25 per property), so the suite stays fast and repeatable;
`benchmarks/fuzz.py` (or `make fuzz`) runs the same properties longer with a random seed.
"""

from __future__ import annotations

import gzip
import os
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.config import Config
from curation.dedup.lines import LineDedup, line_hashes, normalize_line
from curation.dedup.shingles import shingle_hashes
from curation.document import Document
from curation.heuristics.text_stats import WordSequence, duplicated_ngram_chars, top_ngram_chars
from curation.readers import Dropped, ReadError, read_path
from curation.stage import Drop, Failure, run_stage
from tests import hostile_inputs
from tests.conftest import EVALDATA

CORPUS = Path(__file__).parent / "fuzz_corpus"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=os.environ.get("FUZZ_RANDOM") != "1",
                deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def seed_files() -> list[bytes]:
    """Uncompressed WARC bytes to mutate: compressed seeds are also mutated as they are."""
    seeds = [(CORPUS / "example-iana.org-chunked.warc").read_bytes(),
             gzip.decompress((CORPUS / "example.warc.gz").read_bytes()),
             (CORPUS / "example.warc.gz").read_bytes()]
    seeds += [data for _, data in sorted(hostile_inputs.warc_cases().items())]
    real = EVALDATA / "web_crawl_warc"
    for name in ("whirlwind_python/whirlwind.warc.gz", "resiliparse/warcfile.warc.gz"):
        if (real / name).exists():
            seeds.append(gzip.decompress((real / name).read_bytes())[:200_000])
    return seeds


SEEDS = seed_files()


@st.composite
def mutated_warc(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "splice", "digits"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at: at + draw(st.integers(1, 4096))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "splice":
            other = draw(st.sampled_from(SEEDS))
            start = draw(st.integers(0, max(0, len(other) - 1)))
            data[at:at] = other[start: start + draw(st.integers(1, 2048))]
        else:  # a header length that lies
            data[at:at] = str(draw(st.integers(0, 10**12))).encode()
    return bytes(data)


@FUZZ
@given(data=mutated_warc(), suffix=st.sampled_from([".warc", ".warc.gz", ".arc.gz"]))
def test_mutated_warc_files_never_crash_the_reader(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    results = list(read_path(str(path), max_body_bytes=1_000_000))
    for result in results:
        assert isinstance(result, Document | Dropped | ReadError)
        if isinstance(result, Document):
            assert result.html is not None or result.text is not None


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    tags = ["div", "p", "span", "table", "tr", "td", "a", "b", "script", "style", "math",
            "svg", "pre", "code", "article", "main", "nav", "li", "ul", "h1", "!--", "![CDATA["]
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        choice = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(tags))
        if choice == 0:
            parts.append(f"<{tag} class='{draw(st.text(max_size=10))}'>")
        elif choice == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.text(max_size=200)))
    return "<html><body>" + "".join(parts)


@FUZZ
@given(html=st.one_of(html_pages(), st.text(max_size=3000)))
def test_the_extractor_keeps_or_drops_any_html(stages, html):
    result = run_stage(stages["extract"], Document(id="f", url="https://example.org/", html=html))
    assert not isinstance(result, Failure), result
    if isinstance(result, Document):
        assert result.html is None and result.text


PII_ALPHABET = string.digits + "@.-+()/: _xX\n" + "abcdeIPv" + "ééß€"
pii_texts = st.one_of(st.text(max_size=2000), st.text(alphabet=PII_ALPHABET, max_size=2000))


@FUZZ
@given(text=pii_texts)
def test_pii_redaction_keeps_every_document(stages, text):
    result = run_stage(stages["pii"], Document(id="f", url="https://example.org/", text=text))
    assert isinstance(result, Document), result
    assert result.scores["pii_total"] >= 0


@FUZZ
@given(text=st.text(max_size=3000), lang=st.sampled_from(["en", "de", "zh", "ja", "th", "xx"]))
def test_heuristics_keep_or_drop_any_text(stages, text, lang):
    doc = Document(id="f", url="https://example.org/", text=text, lang=lang, lang_score=0.9)
    result = run_stage(stages["heuristics"], doc)
    assert not isinstance(result, Failure), result


@FUZZ
@given(line=st.text(max_size=300))
def test_line_normalisation_is_stable(line):
    normalized = normalize_line(line)
    assert normalize_line(normalized) == normalized
    assert "\n" not in normalized and normalized == normalized.strip()


@FUZZ
@given(lines=st.lists(st.text(alphabet=st.characters(exclude_characters="\n"), max_size=40),
                      max_size=30), repeats=st.integers(1, 9))
def test_line_dedup_accounts_for_every_document(lines, repeats):
    text = "\n".join(lines)
    assert len(line_hashes(text)) == len(text.split("\n"))
    docs = [Document(id=f"d{i}", url=f"https://example.org/{i}", text=text) for i in range(repeats)]
    results = list(LineDedup(Config().stages.line_dedup).run_in_memory(docs))
    assert len(results) == repeats
    assert all(isinstance(r, Document) or isinstance(r.drop, Drop) for r in results)


@FUZZ
@given(words=st.lists(st.sampled_from(["a", "bb", "ccc", "the", "of", "é", "日本"]), max_size=300),
       n=st.integers(1, 10))
def test_ngram_counts_stay_within_the_text(words, n):
    sequence = WordSequence(words)
    total = sum(len(w) for w in words)
    assert 0 <= duplicated_ngram_chars(sequence, n) <= total
    assert top_ngram_chars(sequence, n) >= 0
    assert len(shingle_hashes(" ".join(words), n)) >= 0
