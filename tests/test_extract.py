import gzip
import json
import re

import pytest

from curation.config import ExtractConfig
from curation.document import Document
from curation.extract.stage import ExtractStage
from curation.readers import read_path
from curation.sample_data import SAMPLE_DIR
from curation.stage import Drop
from tests.conftest import evaldata_path

MARKDOWN_LINE = re.compile(r"^\s*(?:#{1,6}\s|[-*+\u2022]\s|>\s|\|.*\|\s*$)|\*\*\S|^\s*```")


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


def test_deeply_nested_html_is_dropped_before_parsing(stage):
    html = "<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "</body></html>"
    result = stage.process(Document(id="deep", url="https://a.org", html=html))
    assert isinstance(result, Drop) and result.reason == "html_too_deep"
    assert isinstance(stage.process(sample_page()), Document)


@pytest.mark.parametrize(
    ("html", "too_deep"),
    [
        ("<div>" * 2001 + "x", True),
        ("<div>" * 1999 + "x" + "</div>" * 1999, False),
        ("<p>x" * 50_000, False),  # implicitly closed paragraphs do not nest
        ("<div></div>" * 50_000, False),
        ("<span><br/></span>" * 50_000, False),
        ("<DIV class='a/'>" * 2001, True),  # case and a slash inside an attribute
        ("<div/>" * 50_000, False),  # self-closing
        ("</div>" * 10_000 + "<div>" * 1999, False),  # stray closing tags do not go below 0
        ("<svg>" + "<g>" * 2001, True),
        ("<paragraph>" * 2001, True),  # a name that starts like `p` is not `p`
        ("<td>" * 50_000 + "<br>" * 10_000, False),
    ],
)
def test_nesting_guard(html, too_deep):
    from curation.extract.guards import exceeds_nesting

    assert exceeds_nesting(html, 2000) is too_deep


def _nesting_by_loop(html: str, max_depth: int) -> bool:
    """The tag-by-tag loop the vectorised guard replaced: its reference."""
    from curation.extract.guards import NOT_NESTING

    depth = 0
    for closing, name, self_closing in re.findall(
            r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})[^<>]*?(/?)>", html):
        if self_closing or name.lower() in NOT_NESTING:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > max_depth:
            return True
    return False


def test_nesting_guard_equals_the_tag_loop_on_random_tag_soup():
    import random

    from curation.extract.guards import exceeds_nesting

    rng = random.Random(7)
    pieces = ["<div>", "</div>", "<p>", "</p>", "<br/>", "<span class='x'>", "</span>", "<LI>",
              "<td/>", "</ul>", "<ul>", "text", "<a href='/x/'>", "</a>", "<img src=x>", "< div>",
              "<svg><path d='M0'/></svg>", "<div", ">", "<!-- c -->", "<sectionx>"]
    for _ in range(300):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9000)))
        for limit in (5, 50, 2000):
            assert exceeds_nesting(html, limit) is _nesting_by_loop(html, limit), html[:200]


def test_nesting_guard_equals_the_tag_loop_on_real_pages():
    from curation.extract.guards import exceeds_nesting

    folder = evaldata_path("trafilatura_eval")
    pages = sorted(folder.glob("html/*"))[:300] if folder.is_dir() else []
    if not pages:
        pytest.skip("no trafilatura_eval pages")
    for page in pages:
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        for limit in (10, 20, 40):
            assert exceeds_nesting(html, limit) is _nesting_by_loop(html, limit), page.name


def test_known_snippets_of_real_pages_survive_extraction(stage):
    folder = evaldata_path("trafilatura_eval")
    truth = json.loads((folder / "evaldata.json").read_text())
    hits = total = 0
    markdown: list[str] = []
    for url, entry in sorted(truth.items())[:40]:
        raw = gzip.decompress((folder / "html" / f"{entry['file']}.gz").read_bytes())
        result = stage.process(Document(id=url, url=url, html=raw.decode("utf-8", "replace")))
        raw_text = result.text if isinstance(result, Document) else ""
        markdown.extend(line for line in raw_text.splitlines() if MARKDOWN_LINE.search(line))
        text = " ".join(raw_text.split())
        for snippet in entry["with"]:
            total += 1
            hits += " ".join(snippet.split()) in text
    assert total > 50
    assert hits / total > 0.8, f"{hits}/{total} expected snippets found"
    assert markdown == [], "markdown markers in the output"


HOSTILE_PAGES = {
    "binary_body": "".join(chr(b) for b in range(256)) * 2000,
    "nul_and_controls": "<html><body><p>" + "\x00\x01\x02 text " * 5000 + "</p></body></html>",
    "lone_surrogates": "<html><body><p>" + "caf\udce9 " * 2000 + "</p></body></html>",
    "mojibake": "<html><body><p>" + "Ã©tÃ© Ã  la plage â€” " * 3000 + "</p></body></html>",
    "unclosed_tags": "<html><body>" + "<p><b><i><span>text " * 20_000,
    "wide_page": "<html><body>" + "<div><a href='/x'>link</a></div>" * 100_000 + "</body></html>",
    "huge_attribute": "<html><body><div class='" + "x" * 3_000_000 + "'><p>text</p></div></body></html>",
    "svg_flood": "<html><body><svg>" + "<path d='M0 0'/>" * 100_000 + "</svg><p>ok</p></body></html>",
    "math_flood": "<html><body><p>" + "<math><mi>x</mi></math>" * 20_000 + "</p></body></html>",
    "only_scripts": "<html><body>" + "<script>var a = 1;</script>" * 10_000 + "</body></html>",
    "not_html": "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" * 1000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_pages_end_in_a_result_or_a_drop_and_the_worker_survives(stage, name):
    doc = Document(id=name, url="https://a.org", html=HOSTILE_PAGES[name])
    result = stage.process(doc)
    assert isinstance(result, (Document, Drop))
    if isinstance(result, Drop):
        assert result.reason in {"no_content", "html_too_large", "html_too_deep", "extract_timeout"}
    assert isinstance(stage.process(sample_page()), Document)
