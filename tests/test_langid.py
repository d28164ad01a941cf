import json

import pytest

from curation.config import LangIdConfig
from curation.document import Document
from curation.langid.stage import LangIdStage
from curation.stage import Drop
from tests.conftest import evaldata_path

ENGLISH = "The quick brown fox jumps over the lazy dog near the river bank.\nA second line follows."
GERMAN = "Der schnelle braune Fuchs springt über den faulen Hund am Ufer des Flusses."


def doc(text):
    return Document(id="d", url="https://a.org", text=text)


@pytest.fixture(scope="module")
def stage():
    stage = LangIdStage(LangIdConfig())
    stage.setup()
    return stage


@pytest.mark.parametrize(("text", "lang"), [(ENGLISH, "en"), (GERMAN, "de")])
def test_keeps_confident_text_with_its_language(stage, text, lang):
    result = stage.process(doc(text))
    assert isinstance(result, Document)
    assert result.lang == lang and 0.5 <= result.lang_score <= 1.0


@pytest.mark.parametrize(
    ("config", "text", "reason"),
    [
        (LangIdConfig(), "", "no_text"),
        (LangIdConfig(), "   \n ", "no_text"),
        (LangIdConfig(), "12345 67890 !!!", "low_lang_score"),
        (LangIdConfig(thresholds={"en": 0.999}), ENGLISH, "low_lang_score"),
    ],
)
def test_drop_reasons(config, text, reason):
    stage = LangIdStage(config)
    result = stage.process(doc(text))
    assert isinstance(result, Drop) and result.reason == reason


def test_newlines_do_not_change_the_prediction(stage):
    assert stage.predict(ENGLISH) == stage.predict(ENGLISH.replace("\n", " "))


FRANC_TO_LID = {"eng": "en", "deu": "de", "fra": "fr", "spa": "es", "rus": "ru", "cmn": "zh",
                "jpn": "ja", "arb": "ar", "por": "pt", "ita": "it", "nld": "nl", "pol": "pl"}


def test_udhr_preambles_in_major_languages(stage):
    fixtures = json.loads(evaldata_path("langid", "franc", "fixtures.json").read_text())
    checked = correct = 0
    for entry in fixtures.values():
        expected = FRANC_TO_LID.get(entry["iso6393"])
        if expected is None:
            continue
        checked += 1
        correct += stage.predict(entry["fixture"])[0] == expected
    assert checked >= 12
    assert correct == checked


@pytest.mark.parametrize(
    ("config", "text", "expected"),
    [
        # Keep: a capitalised Italian heading is Catalan to lid.176 unless lowercased.
        (LangIdConfig(), "L'ASSEMBLEA GENERALE", "it"),
        (LangIdConfig(lowercase=False, min_score=0.2), "L'ASSEMBLEA GENERALE", "ca"),
        # A per-language threshold applies to its language only.
        (LangIdConfig(thresholds={"de": 0.999}), ENGLISH, "en"),
        (LangIdConfig(thresholds={"de": 0.999}), GERMAN, "low_lang_score"),
        # Below the shipped 0.3 floor: text in no language.
        (LangIdConfig(), "12345 67890 !!!", "low_lang_score"),
    ],
)
def test_lowercasing_and_per_language_thresholds(config, text, expected):
    stage = LangIdStage(config)
    result = stage.process(doc(text))
    outcome = result.lang if isinstance(result, Document) else result.reason
    assert outcome == expected


def test_default_thresholds_cover_the_llama3_languages():
    assert set(LangIdConfig().thresholds) == {"en", "de", "fr", "it", "pt", "hi", "es", "th"}


def test_shipped_thresholds_hold_the_bar_on_held_out_udhr_sentences(stage):
    from benchmarks.langid_eval import LLAMA3_LANGUAGES, half_of, rows, sentence_items

    evaldata_path("langid", "udhr2")
    items = [i for i in sentence_items(stage, LLAMA3_LANGUAGES, franc=True)
             if half_of(i.text) == "test"]
    overall = rows(items, stage.config, list(LLAMA3_LANGUAGES.values()))[-1]
    assert overall.items > 200
    assert overall.kept_correct >= 0.992
    assert overall.correct_dropped <= 0.005 and overall.mislabelled_kept <= 0.005


def test_calibration_raises_a_threshold_above_a_mislabelled_score():
    from benchmarks.langid_eval import FLOOR, Item, calibrate

    right = [Item("pt", f"s{i}", "pt", 0.9) for i in range(50)]
    wrong = Item("es", "x", "pt", 0.6)  # Spanish sentence labelled pt at 0.6
    table = calibrate([*right, wrong], ["pt", "th"])
    assert 0.6 < table["pt"] <= 0.9
    assert table["th"] == FLOOR  # no sentence labelled th: the floor
