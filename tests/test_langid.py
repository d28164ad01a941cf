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
