import datetime as dt

import pyarrow as pa
import pytest

from curation.document import (
    ARROW_SCHEMA,
    Document,
    DocumentFieldError,
    Source,
    from_dict,
    to_json_dict,
    to_row,
)

DOC = Document(
    id="a1",
    url="https://example.org/x",
    fetch_time=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC),
    source=Source("crawl.warc.gz", 1234),
    html=None,
    text="Hello",
    lang="en",
    lang_score=0.9,
    scores={"q": 1.5, "a": 0.5},
    metadata={"z": "1", "b": "2"},
)


def test_arrow_row_round_trips_through_the_schema():
    table = pa.Table.from_pylist([to_row(DOC)], schema=ARROW_SCHEMA)
    assert from_dict(table.to_pylist()[0]) == DOC
    assert [item["key"] for item in table.to_pylist()[0]["metadata"]] == ["b", "z"]


def test_json_dict_round_trips():
    assert from_dict(to_json_dict(DOC)) == DOC


def test_dolma_rows_take_url_from_id_and_time_from_created():
    row = {"id": "http://a.org/p", "text": "t", "source": "common-crawl",
           "created": "2020-03-29T09:04:10Z", "metadata": {"nlines": 5}}
    doc = from_dict(row)
    assert doc.url == "http://a.org/p"
    assert doc.fetch_time == dt.datetime(2020, 3, 29, 9, 4, 10, tzinfo=dt.UTC)
    assert doc.metadata == {"nlines": "5", "source_name": "common-crawl", "created": "2020-03-29T09:04:10Z"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "no url"}, "field 'url'"),
        ({"url": "http://a.org", "html": 3}, "field 'html' must be a string"),
        ({"url": "http://a.org", "fetch_time": "yesterday"}, "not ISO 8601"),
        ({"url": "http://a.org", "scores": "high"}, "field 'scores' must be an object"),
    ],
)
def test_bad_rows_name_the_field(row, message):
    with pytest.raises(DocumentFieldError, match=message):
        from_dict(row)
