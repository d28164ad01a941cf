import datetime as dt

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from curation.dedup.url import UrlDedup, newest, url_key
from curation.document import Document
from curation.stage import Dropped
from pipelines.decisions import DedupStaged
from tests.staged import dedup_only, staged_shards


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Example.org/a", "http://example.org/a"),
        ("https://www.example.org/a#top", "https://example.org/a"),
        ("https://example.org:443/a?utm_source=x&id=3", "https://example.org/a?id=3"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/a?fbclid=1", "https://example.org/a"),
    ],
)
def test_spellings_of_one_page_share_a_key(a, b):
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a", "https://example.org/A"),
        ("https://example.org/a?id=3", "https://example.org/a?id=4"),
        ("https://example.org:8080/a", "https://example.org/a"),
        ("https://example.org/a?x=1&y=2", "https://example.org/a?y=2&x=1"),
    ],
)
def test_different_pages_keep_different_keys(a, b):
    assert url_key(a) != url_key(b)


def _doc(doc_id, url, day):
    time = None if day is None else dt.datetime(2024, 1, day, tzinfo=dt.UTC)
    return Document(id=doc_id, url=url, fetch_time=time, text=doc_id)


def test_newest_prefers_later_fetch_then_larger_id_and_ignores_order():
    old, new, undated = _doc("a", "u", 1), _doc("b", "u", 2), _doc("z", "u", None)
    tie = _doc("c", "u", 2)
    assert newest(old, new) is new and newest(new, old) is new
    assert newest(undated, old) is old
    assert newest(new, tie) is tie and newest(tie, new) is tie


DOCS = [
    _doc("a", "https://x.org/p", 1),
    _doc("b", "http://www.x.org/p", 3),
    _doc("c", "https://x.org/p#frag", 2),
    _doc("d", "https://x.org/q", 1),
]


def test_in_memory_reference_keeps_the_newest_per_url():
    results = list(UrlDedup().run_in_memory(DOCS))
    assert [r.id for r in results if isinstance(r, Document)] == ["b", "d"]
    assert {r.doc.id: r.drop.detail for r in results if isinstance(r, Dropped)} == {"a": "b", "c": "b"}


def test_beam_decisions_on_staging_shards_match_the_in_memory_reference(tmp_path):
    shards = staged_shards(tmp_path, DOCS)
    with TestPipeline() as p:
        result = p | beam.Create(shards) | DedupStaged(dedup_only("url_dedup"))
        assert_that(result.docs | beam.Map(lambda d: d.id), equal_to(["b", "d"]), label="kept")
        assert_that(result.dropped | beam.Map(lambda item: (item[1].doc.id, item[1].drop.detail,
                                                            item[1].doc.text)),
                    equal_to([("a", "b", None), ("c", "b", None)]), label="dropped")
