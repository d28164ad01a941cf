"""Drops carry the spans of text that made them fire (heuristics, line dedup), bounded in the audit
sample, and the report's highlighter finds them in the text."""

import pytest

from curation.audit import dropped_sample
from curation.config import (
    FineWebConfig,
    GopherQualityConfig,
    GopherRepetitionConfig,
    HeuristicsConfig,
    LineDedupConfig,
)
from curation.dedup.lines import LineDedup
from curation.document import Document
from curation.heuristics.stage import HeuristicsStage
from curation.report.highlight import find_spans, marked_html, url_evidence
from curation.stage import Drop, Dropped
from tests.test_heuristics import GOOD, SENTENCES


def doc(text, lang="en"):
    return Document(id="d", url="https://a.org", text=text, lang=lang)


QUALITY_ONLY = HeuristicsConfig(fineweb=FineWebConfig(enabled=False),
                                gopher_repetition=GopherRepetitionConfig(enabled=False))
FINEWEB_ONLY = HeuristicsConfig(gopher_quality=GopherQualityConfig(enabled=False),
                                gopher_repetition=GopherRepetitionConfig(enabled=False))


@pytest.mark.parametrize(
    ("text", "config", "reason", "evidence"),
    [
        (GOOD, HeuristicsConfig(), None, None),
        (GOOD + " porn PORN xxx" * 3, HeuristicsConfig(), "dirty_words", ("porn", "xxx")),
        ("\n".join([SENTENCES[0]] * 4 + SENTENCES[1:4]), HeuristicsConfig(), "gopher_dup_line_frac",
         (SENTENCES[0],)),
        ("buy now " * 40 + GOOD,
         HeuristicsConfig(gopher_repetition=GopherRepetitionConfig(line_removal=False)),
         "gopher_top_2gram", ("buy now",)),
        ("\n".join(s[:-1] + "..." for s in SENTENCES), QUALITY_ONLY, "gopher_ellipsis_lines",
         tuple(s[:-1] + "..." for s in SENTENCES)),
        ("\n".join(s.rstrip(".") for s in SENTENCES) + "\n" + GOOD.replace(".", ""),
         FINEWEB_ONLY, "fineweb_line_punct_ratio", None),
        ("too short to be a page", QUALITY_ONLY, "gopher_too_few_words", ()),
    ],
)
def test_heuristic_drops_carry_their_evidence(text, config, reason, evidence):
    result = HeuristicsStage(config).process(doc(text))
    if reason is None:
        assert isinstance(result, Document)
        return
    assert isinstance(result, Drop) and result.reason == reason
    if evidence is None:  # every line without terminal punctuation, and nothing else
        lines = [line for line in text.split("\n") if line.strip()]
        assert result.evidence == tuple(line for line in lines if not line.endswith((".", "!", "?")))
    else:
        assert result.evidence == evidence


def test_line_dedup_drops_carry_the_removed_lines():
    docs = [Document(id=f"d{i}", url=f"https://x.org/{i}", text=t)
            for i, t in enumerate(["menu\nfooter", "menu\nfooter", "menu\nfooter\nkeep me"])]
    results = list(LineDedup(LineDedupConfig(max_occurrences=2)).run_in_memory(docs))
    assert [r.drop.evidence for r in results if isinstance(r, Dropped)] == [("menu", "footer")] * 2
    assert results[2].text == "keep me"


def test_dropped_sample_bounds_the_evidence():
    drop = Drop("gopher_dup_line_frac", "0.9", tuple(f"line {i} " + "x" * 900 for i in range(80)))
    record = dropped_sample("heuristics", Dropped(doc("text"), drop))
    assert len(record["evidence"]) == 50 and all(len(item) == 500 for item in record["evidence"])


@pytest.mark.parametrize(
    ("text", "evidence", "marked"),
    [
        ("a class of its own", ["ass"], []),  # never inside a longer word
        ("kiss my ass, now", ["ass"], ["ass"]),
        ("Buy, now! Buy now.", ["buy now"], ["Buy, now", "Buy now"]),  # n-grams across punctuation
        ("Home |  About\nstory\nHome | About", ["Home | About"], ["Home |  About", "Home | About"]),
        ("欢迎来到成人电影网站", ["成人电影"], ["成人电影"]),  # no word boundaries: substring
        ("nothing here", ["absent"], []),
        ("a-b\n-\nc-d\n -", ["-"], ["-", "-"]),  # a punctuation line, not every hyphen
        ("tag #one #two", ["#"], ["#", "#"]),
        ("anything", [], []),
    ],
)
def test_highlighter_finds_the_evidence(text, evidence, marked):
    assert [text[start:end] for start, end in find_spans(text, evidence)] == marked


def test_marked_html_escapes_and_marks():
    text = "<b>menu</b> & more"
    assert marked_html(text, find_spans(text, ["menu"])) == "&lt;b&gt;<mark>menu</mark>&lt;/b&gt; &amp; more"
    assert url_evidence("url_safety", "banned_url_word", "porn,xxx") == ("porn", "xxx")
    url = "https://pornhub.example.com/x"
    assert find_spans(url, ["porn"], whole_words=False) == [(8, 12)]
    assert url_evidence("heuristics", "dirty_words", "3 words") == ()
