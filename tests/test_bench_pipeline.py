"""benchmarks/pipeline.py: the heuristics stage with one rule family on, as the per-stage loop
times it beside datatrove's separate Gopher, C4 and FineWeb steps."""

from __future__ import annotations

import pytest

from benchmarks.pipeline import HEURISTIC_EXTRAS, HEURISTIC_FAMILIES, heuristics_alone
from curation.config import Config
from curation.document import Document
from curation.stage import Dropped, run_stage

REPEATED = "\n".join(["This line is repeated many times over and over here."] * 30)
SHORT = "Hello there, friend."
UNPUNCTUATED = "\n".join(
    f"item number {i} in a list of things that goes on and on with words" for i in range(40))
PROSE = "\n".join(
    f"Paragraph {i}: the people of the town went to the market and bought bread, and they were "
    "happy with it. Then the rain came." for i in range(20))


@pytest.mark.parametrize(("family", "text", "reason"), [
    ("fineweb", PROSE, None),
    ("gopher_repetition", REPEATED, "gopher_dup_line_frac"),
    ("gopher_quality", REPEATED, None),
    ("gopher_quality", SHORT, "gopher_too_few_words"),
    ("c4", REPEATED, None),
    ("c4", UNPUNCTUATED, "c4_too_few_sentences"),
    ("fineweb", UNPUNCTUATED, "fineweb_line_punct_ratio"),
])
def test_one_family_alone_decides(family: str, text: str, reason: str | None) -> None:
    stage = heuristics_alone(Config().stages.heuristics, family)
    stage.setup()
    result = run_stage(stage, Document(id="d", url="http://example.com/d", text=text, lang="en"))
    stage.teardown()
    if reason is None:
        assert isinstance(result, Document)
    else:
        assert isinstance(result, Dropped)
        assert result.drop.reason == reason


@pytest.mark.parametrize("family", HEURISTIC_FAMILIES)
def test_only_that_family_is_on(family: str) -> None:
    config = heuristics_alone(Config().stages.heuristics, family).config
    for name in (*HEURISTIC_FAMILIES, *HEURISTIC_EXTRAS):
        assert getattr(config, name).enabled == (name == family)
