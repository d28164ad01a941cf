"""The generic wrapper's routing and counters, with a small rule-based stage as the subject."""

import re

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from curation.document import Document
from curation.stage import Drop, Stage
from pipelines.stage_transform import ApplyStage
from pipelines.stats import (
    AccountingError,
    build_stats,
    check_accounting,
    check_written_rows,
    counters_from_result,
)


class RuleStage(Stage):
    """Keeps, changes, drops, raises or misbehaves depending on the document's text."""

    name = "rules"

    def process(self, doc):
        if doc.text == "raise":
            raise KeyError("boom")
        if doc.text == "wrong type":
            return "not an outcome"
        if doc.text.startswith("drop "):
            return Drop(doc.text.removeprefix("drop "))
        return doc.replace(text=doc.text.upper())


DOCS = [Document(id=str(i), url=f"https://a.org/{i}", text=t) for i, t in enumerate(
    ["keep me", "also keep", "drop too_short", "drop too_short", "drop spam", "raise", "wrong type"]
)]


def test_routes_keep_drop_and_error_and_counts_each_once():
    pipeline = TestPipeline()
    result = pipeline | beam.Create(DOCS) | ApplyStage(RuleStage(), text_head_chars=4)
    assert_that(result.kept | "KeptText" >> beam.Map(lambda d: d.text),
                equal_to(["KEEP ME", "ALSO KEEP"]), label="kept")
    assert_that(result.dropped | "Reasons" >> beam.Map(lambda item: (item[0], item[1].drop.reason)),
                equal_to([("rules", "too_short"), ("rules", "too_short"), ("rules", "spam")]),
                label="dropped")
    assert_that(result.errors | "Errors" >> beam.Map(
        lambda e: (e["stage"], e["doc_id"], e["error_type"], e["text_head"])),
        equal_to([("rules", "5", "KeyError", "rais"), ("rules", "6", "TypeError", "wron")]),
        label="errors")
    run = pipeline.run()
    run.wait_until_finish()
    counters = counters_from_result(run)["rules"]
    assert counters == {"seen": 7, "kept": 2, "dropped.too_short": 2, "dropped.spam": 1,
                        "error.KeyError": 1, "error.TypeError": 1}
    stats = build_stats({"rules": counters}, ["rules"])
    assert stats["reconciled"] and stats["stages"]["rules"]["balanced"]


@pytest.mark.parametrize(
    ("counters", "problem"),
    [
        ({"a": {"seen": 3, "kept": 1, "dropped.x": 1}}, "a: seen 3 != kept 1 + dropped 1 + errors 0"),
        ({"a": {"seen": 3, "kept": 3}, "b": {"seen": 2, "kept": 2}}, "a kept 3 but b saw 2"),
        ({"read": {"seen": 4, "kept": 3, "dropped.x": 1},
          "mix": {"seen": 3, "kept": 3, "repeats.code": 1, "docs.general": 3}},
         "run: 3 rows written != 3 kept by mix + 1 repeats"),
        ({"read": {"seen": 4, "kept": 3, "error.E": 1}, "write": {"seen": 3, "kept": 3}},
         "run: 0 rows written != 3 kept by write + 0 repeats"),
    ],
)
def test_accounting_failures_are_loud(counters, problem):
    stats = build_stats(counters, list(counters))
    assert problem in stats["problems"]
    with pytest.raises(AccountingError, match=re.escape(problem)):
        check_accounting(stats)


def test_the_whole_run_is_totalled_and_checked_against_the_shard_files():
    counters = {"read": {"seen": 5, "kept": 3, "dropped.x": 1, "error.E": 1},
                "mix": {"seen": 3, "kept": 2, "dropped.downsampled": 1, "repeats.code": 2,
                        "docs.general": 2, "docs.code": 2}}
    stats = build_stats(counters, list(counters))
    assert stats["reconciled"], stats["problems"]
    assert stats["run"] == {"records_read": 5, "kept": 2, "dropped": 2, "errors": 1,
                            "repeats": 2, "rows_written": 4}
    check_written_rows(stats, 4)
    check_accounting(stats)
    check_written_rows(stats, 3)
    with pytest.raises(AccountingError, match="the shard index lists 3 rows, the counters 4"):
        check_accounting(stats)


def test_drop_reasons_must_be_snake_case():
    with pytest.raises(ValueError, match="snake_case"):
        Drop("Too Short")
