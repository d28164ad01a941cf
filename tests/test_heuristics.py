import pytest

from curation.config import (
    C4Config,
    DirtyWordsConfig,
    FineWebConfig,
    GopherQualityConfig,
    GopherRepetitionConfig,
    HeuristicsConfig,
)
from curation.document import Document
from curation.heuristics.c4 import c4_clean
from curation.heuristics.dirty_words import dirty_words, list_names
from curation.heuristics.fineweb import fineweb_quality
from curation.heuristics.gopher import gopher_quality, gopher_repetition
from curation.heuristics.stage import HeuristicsStage
from curation.heuristics.text_stats import duplicated_ngram_chars, top_ngram_chars
from curation.stage import Drop

VOCAB = [
    "river", "mountain", "library", "garden", "harbour", "engine", "violin", "orchard", "castle", "window",
    "market", "bridge", "forest", "island", "lantern", "meadow", "valley", "canyon", "desert", "glacier",
]
SENTENCES = [
    f"The {VOCAB[i % 20]} and the {VOCAB[(i * 7 + 3) % 20]} have {i + 2} stories to tell "
    f"with {VOCAB[(i * 3) % 20]}." for i in range(12)
]
GOOD = (
    "The old harbour town sits where the river meets a cold grey sea. Fishing boats leave before dawn "
    "and return with the tide, while gulls circle over the market square.\n"
    "In winter the streets grow quiet, and most visitors stay away until the spring festival brings "
    "music, lanterns and long tables of food to the waterfront.\n"
    "Local historians say the first stone bridge was built by monks who needed a safe crossing to "
    "reach their orchards on the far bank. Parts of that bridge still stand today.\n"
    "A small museum near the church keeps maps, letters and tools that tell how families lived "
    "and worked here across five centuries of storms, trade and slow change."
)


def doc(text, lang="en"):
    return Document(id="d", url="https://a.org", text=text, lang=lang)


def test_good_text_passes_every_rule():
    result = HeuristicsStage(HeuristicsConfig(c4=C4Config(enabled=True))).process(doc(GOOD))
    assert isinstance(result, Document) and result.metadata["heuristics"] == "v2"


@pytest.mark.parametrize(
    ("text", "config", "reason"),
    [
        ("the cat\n\n" * 30 + GOOD, GopherRepetitionConfig(), "gopher_dup_para_frac"),
        (GOOD + "\n\n" + GOOD, GopherRepetitionConfig(dup_para_frac=0.9), "gopher_dup_para_char_frac"),
        ("\n".join([SENTENCES[0]] * 4 + SENTENCES[1:4]), GopherRepetitionConfig(), "gopher_dup_line_frac"),
        ("\n".join([SENTENCES[0] * 3, SENTENCES[0] * 3, *SENTENCES[1:5]]),
         GopherRepetitionConfig(dup_line_frac=0.9), "gopher_dup_line_char_frac"),
        ("buy now " * 40 + GOOD, GopherRepetitionConfig(), "gopher_top_2gram"),
        (GOOD + " " + GOOD.split("\n")[0], GopherRepetitionConfig(top_ngram_char_frac={}),
         "gopher_dup_5gram"),
    ],
)
def test_gopher_repetition_reasons(text, config, reason):
    drop = gopher_repetition(text, config)
    assert isinstance(drop, Drop) and drop.reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("too short to be a page", "gopher_too_few_words"),
        (" ".join(["x"] * 60), "gopher_mean_word_length"),
        (GOOD + " #tag" * 30, "gopher_symbol_ratio"),
        ("\n".join(f"- {s}" for s in SENTENCES), "gopher_bullet_lines"),
        ("\n".join(s[:-1] + "..." for s in SENTENCES), "gopher_ellipsis_lines"),
        (GOOD + " 123 456 789 1011" * 40, "gopher_alpha_words"),
        (" ".join(VOCAB * 4), "gopher_stop_words"),
    ],
)
def test_gopher_quality_reasons(text, reason):
    drop = gopher_quality(text, GopherQualityConfig())
    assert isinstance(drop, Drop) and drop.reason == reason
    assert gopher_quality(GOOD, GopherQualityConfig()) is None


def test_gopher_too_many_words():
    assert gopher_quality(GOOD, GopherQualityConfig(max_words=10)).reason == "gopher_too_many_words"


@pytest.mark.parametrize(
    ("text", "reason", "kept"),
    [
        (GOOD + "\nMenu\nShare this page\nWe use cookies to improve your experience, read more.", None,
         GOOD),
        (GOOD + "\nLorem ipsum dolor sit amet, consectetur.", "c4_lorem_ipsum", None),
        (GOOD + "\nfunction f() { return 1; } is a fine line.", "c4_curly_bracket", None),
        ("One short line.\nAnother one here, still short.", "c4_too_few_sentences", None),
    ],
)
def test_c4_rules(text, reason, kept):
    result = c4_clean(doc(text), C4Config(enabled=True))
    if reason is None:
        assert result.text == kept
    else:
        assert isinstance(result, Drop) and result.reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("\n".join(s.rstrip(".") for s in SENTENCES), "fineweb_line_punct_ratio"),
        ("\n".join(["Short line."] * 3 + ["Another."] * 3 + SENTENCES[:2]), "fineweb_short_line_ratio"),
        ("\n".join(SENTENCES + SENTENCES[:1]), "fineweb_char_dup_ratio"),
        ("\n".join(f"{w}." for w in VOCAB[:9]) + "\n" + SENTENCES[0], "fineweb_list_ratio"),
    ],
)
def test_fineweb_reasons(text, reason):
    config = FineWebConfig(short_line_thr=0.67 if reason != "fineweb_list_ratio" else 1.0)
    drop = fineweb_quality(text, config)
    assert isinstance(drop, Drop) and drop.reason == reason
    assert fineweb_quality(GOOD, FineWebConfig()) is None


def test_ngram_helpers_follow_the_gopher_definitions():
    tokens = ["a", "b", "a", "b", "a", "b", "c"]
    assert top_ngram_chars(tokens, 2) == len("a b") * 3
    assert duplicated_ngram_chars(["x", "y", "z", "x", "y", "z", "x", "y", "z"], 3) == 6


def _reference_tops(tokens, n):
    """Every value the top n-gram's characters may take: ties between equally frequent n-grams
    of different lengths may pick either."""
    grams = [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    if not grams:
        return {0}
    most = max(grams.count(g) for g in grams)
    return {len(" ".join(g)) * most for g in grams if grams.count(g) == most}


def _reference_duplicated(tokens, n):
    seen, chars, index = set(), 0, 0
    while index < len(tokens) - n + 1:
        gram = tuple(tokens[index:index + n])
        if gram in seen:
            chars, index = chars + sum(map(len, gram)), index + n
        else:
            seen.add(gram)
            index += 1
    return chars


@pytest.mark.parametrize("seed", range(30))
def test_ngram_helpers_equal_a_plain_string_implementation(seed):
    import random

    rng = random.Random(seed)
    tokens = [rng.choice(["a", "bb", "ccc", "a b", "dd", "e"]) for _ in range(rng.randrange(0, 60))]
    for n in range(2, 11):
        assert duplicated_ngram_chars(tokens, n) == _reference_duplicated(tokens, n)
        if n <= 4:
            assert top_ngram_chars(tokens, n) in _reference_tops(tokens, n)


def test_unspaced_languages_skip_word_rules_and_every_filter_switches_off():
    stage = HeuristicsStage(HeuristicsConfig())
    assert stage.process(doc("ဗမာစာ", lang="my")).metadata["heuristics"] == "skipped_unspaced"
    off = HeuristicsConfig(gopher_repetition=GopherRepetitionConfig(enabled=False),
                           gopher_quality=GopherQualityConfig(enabled=False),
                           fineweb=FineWebConfig(enabled=False))
    assert isinstance(HeuristicsStage(off).process(doc("tiny")), Document)
    assert HeuristicsStage(HeuristicsConfig()).process(doc("  ")).reason == "no_text"


@pytest.mark.parametrize(
    ("text", "lang", "config", "expected"),
    [
        (GOOD, "en", DirtyWordsConfig(), ("kept", 0.0)),
        ("An analysis of bass fishing in Essex, with a sextant.", "en", DirtyWordsConfig(max_count=0),
         ("kept", 0.0)),  # whole words only
        (GOOD + " porn", "en", DirtyWordsConfig(max_count=0), ("dirty_words", None)),
        ("porn " + GOOD, "en", DirtyWordsConfig(), ("kept", 1.0)),  # under the default density
        ("porn " * 5 + "words here", "en", DirtyWordsConfig(), ("dirty_words", None)),
        ("这是三级片网站", "zh", DirtyWordsConfig(max_count=0), ("dirty_words", None)),  # substrings
        ("Ein harmloser Satz über Gärten.", "de", DirtyWordsConfig(max_count=0), ("kept", 0.0)),
        ("Ein Text mit Arschloch darin.", "de", DirtyWordsConfig(max_count=0), ("dirty_words", None)),
    ],
)
def test_dirty_words(text, lang, config, expected):
    result = dirty_words(doc(text, lang), config)
    if expected[0] == "kept":
        assert isinstance(result, Document) and result.scores["dirty_words"] == expected[1]
    else:
        assert isinstance(result, Drop) and result.reason == "dirty_words"


def test_dirty_word_lists_cover_28_languages_and_missing_lists_pass():
    assert len(list_names()) == 28
    result = dirty_words(doc("Kuna maneno mengi hapa.", "sw"), DirtyWordsConfig(max_count=0))
    assert isinstance(result, Document) and result.metadata["dirty_words"] == "no_list"


def test_token_kl_scores_prose_low_and_token_soup_high():
    stage = HeuristicsStage(HeuristicsConfig())
    kept = stage.process(doc(GOOD))
    assert isinstance(kept, Document) and 0.5 < kept.scores["token_kl"] < 6.0
    soup = " ".join(f"xq{i}z" for i in range(100))  # a hundred tokens no reference word matches
    dropped = stage.process(doc(soup))
    assert isinstance(dropped, Drop) and dropped.reason == "token_kl"
    assert "token_kl" not in stage.process(doc(GOOD, lang="sw")).scores  # no Swahili reference


def test_build_kl_reference_cli_round_trips(tmp_path):
    from curation.config import TokenKlConfig
    from curation.heuristics.text_stats import words
    from curation.heuristics.token_kl import TokenKlFilter
    from pipelines.cli import main

    corpus = tmp_path / "clean.txt"
    corpus.write_text(GOOD * 20)
    out = tmp_path / "xx.json.gz"
    assert main(["build-kl-reference", str(corpus), "--output", str(out), "--vocab-size", "50"]) == 0
    kl = TokenKlFilter(TokenKlConfig(thresholds={"xx": 3.0}, references={"xx": str(out)}, min_words=10))
    low, drop = kl.check(words(GOOD), "xx")
    assert drop is None and low is not None and low < 1.0
    high, drop = kl.check(words("zebra quantum " * 30), "xx")
    assert drop is not None and drop.reason == "token_kl" and high > 3.0
