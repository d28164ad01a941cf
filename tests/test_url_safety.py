import pytest

from curation.config import UrlSafetyConfig
from curation.document import Document
from curation.safety.url_filter import UrlSafetyStage
from curation.stage import Drop

# 007angels.com is on the bundled Sinfonietta list and contains no banned URL word.
BLOCKED = "007angels.com"


@pytest.fixture(scope="module")
def stage():
    stage = UrlSafetyStage(UrlSafetyConfig())
    stage.setup()
    return stage


def doc(url):
    return Document(id="d", url=url, html="<p>x</p>")


@pytest.mark.parametrize(
    "url",
    [
        "https://en.wikipedia.org/wiki/Sex_education",
        f"https://my{BLOCKED}/",  # only contains a blocked name
        f"https://{BLOCKED}.example.org/",  # a blocked name as a subdomain of another site
        "https://www.bbc.co.uk/news/articles/c1",
        "http://192.0.2.7/index.html",
        "https://example.com/essex-county-news",  # 'sex' inside a word is not a banned word
    ],
)
def test_keeps_safe_urls(stage, url):
    assert isinstance(stage.process(doc(url)), Document)


@pytest.mark.parametrize(
    ("url", "reason", "detail"),
    [
        ("", "no_url", ""),
        ("http://[::1/broken", "invalid_url", None),
        ("file:///etc/passwd", "invalid_url", None),
        (f"https://{BLOCKED}/gallery", "blocked_domain", BLOCKED),
        (f"https://WWW.{BLOCKED.upper()}./", "blocked_domain", BLOCKED),
        (f"https://a.b.{BLOCKED}/", "blocked_domain", BLOCKED),
        ("https://example.com/free-porn-videos", "banned_url_word", "porn"),
        ("https://example.com/hot-sexy-babes", "soft_banned_url_words", None),
        ("https://example.com/watch?v=BigTits2", "banned_url_subword", "bigtits"),
    ],
)
def test_drop_reasons(stage, url, reason, detail):
    result = stage.process(doc(url))
    assert isinstance(result, Drop) and result.reason == reason
    if detail is not None:
        assert result.detail == detail


def test_allow_and_block_lists(tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("# my list\n0.0.0.0 bad.example\nworse.example.co.uk\n")
    stage = UrlSafetyStage(UrlSafetyConfig(
        block_domains=("blocked.test",), allow_domains=(BLOCKED,), extra_blocklists=(str(extra),)))
    assert stage.process(doc("https://x.blocked.test/")).reason == "blocked_domain"
    assert stage.process(doc("https://www.bad.example/a")).reason == "blocked_domain"
    assert stage.process(doc("https://shop.worse.example.co.uk/")).reason == "blocked_domain"
    assert isinstance(stage.process(doc(f"https://sub.{BLOCKED}/")), Document)
    assert isinstance(stage.process(doc("https://example.co.uk/")), Document)  # never the suffix


def test_domain_chain_stops_at_the_registered_domain(stage):
    assert stage.domain_chain("a.b.example.co.uk") == [
        "a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]
    assert stage.domain_chain("192.0.2.7") == ["192.0.2.7"]


def test_word_rules_can_be_switched_off():
    stage = UrlSafetyStage(UrlSafetyConfig(url_words=False, bundled_lists=False))
    assert isinstance(stage.process(doc("https://example.com/free-porn-videos")), Document)
