import gzip
import json

import pytest

from curation.config import ExtractConfig
from curation.document import Document
from curation.extract.stage import ExtractStage
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR
from curation.stage import Drop
from tests.conftest import evaldata_path


def sample_page() -> Document:
    path = SAMPLE_DIR / "warcio-example.warc.gz"
    return next(r for r in read_path(str(path)) if isinstance(r, Document))


@pytest.fixture(scope="module")
def stage():
    stage = ExtractStage(ExtractConfig())
    stage.setup()
    yield stage
    stage.teardown()


def test_keeps_the_main_text_and_clears_html(stage):
    result = stage.process(sample_page())
    assert isinstance(result, Document)
    assert result.html is None
    assert "This domain is established to be used for illustrative examples" in result.text


def test_text_only_documents_pass_through(stage):
    doc = Document(id="t", url="https://a.org", text="already text")
    assert stage.process(doc) is doc


@pytest.mark.parametrize(
    ("config", "doc", "reason"),
    [
        (ExtractConfig(), Document(id="n", url="https://a.org"), "no_html"),
        (ExtractConfig(max_html_bytes=100), None, "html_too_large"),
        (ExtractConfig(timeout_s=0.001), None, "extract_timeout"),
        (ExtractConfig(), Document(id="e", url="https://a.org", html="<html><body></body></html>"),
         "no_content"),
        (ExtractConfig(isolation="none"),
         Document(id="e", url="https://a.org", html="<html><head><title>t</title></head></html>"),
         "no_content"),
    ],
)
def test_drop_reasons(config, doc, reason):
    stage = ExtractStage(config)
    stage.setup()
    try:
        result = stage.process(doc or sample_page())
    finally:
        stage.teardown()
    assert isinstance(result, Drop) and result.reason == reason


def test_deeply_nested_html_finishes_without_crashing_the_worker(stage):
    html = "<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "</body></html>"
    result = stage.process(Document(id="deep", url="https://a.org", html=html))
    assert isinstance(result, (Document, Drop))
    assert isinstance(stage.process(sample_page()), Document)


def test_known_snippets_of_real_pages_survive_extraction(stage):
    folder = evaldata_path("trafilatura_eval")
    truth = json.loads((folder / "evaldata.json").read_text())
    hits = total = 0
    for url, entry in sorted(truth.items())[:40]:
        raw = gzip.decompress((folder / "html" / f"{entry['file']}.gz").read_bytes())
        result = stage.process(Document(id=url, url=url, html=raw.decode("utf-8", "replace")))
        text = " ".join(result.text.split()) if isinstance(result, Document) else ""
        for snippet in entry["with"]:
            total += 1
            hits += " ".join(snippet.split()) in text
    assert total > 50
    assert hits / total > 0.8, f"{hits}/{total} expected snippets found"
