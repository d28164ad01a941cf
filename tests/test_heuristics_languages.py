# ruff: noqa: RUF001 - Chinese and Japanese punctuation is the point
"""Per-language heuristics: segmentation, per-language tables, stop words, the Gopher line
modifier and the bundled KL references."""

import gzip
import json

import pytest

from curation.config import (
    GOPHER_STOP_WORDS,
    ConfigError,
    FineWebConfig,
    GopherQualityConfig,
    GopherRepetitionConfig,
    HeuristicsConfig,
    TokenKlConfig,
    config_from_mapping,
)
from curation.document import Document
from curation.heuristics.segment import split_words
from curation.heuristics.stage import HeuristicsStage
from curation.heuristics.token_kl import TokenKlFilter, bundled_reference
from curation.stage import Drop

ZH = ("我们的城市在河的东边，每天早上都有很多人在公园里散步和跑步。"
      "老人们喜欢在树下下棋，孩子们在草地上玩游戏。\n"
      "这个公园是二十年前建成的，当时这里只是一片空地。"
      "现在公园里有一个小湖，湖边种了很多柳树，春天的时候非常漂亮。\n"
      "周末的时候，很多家庭会带着食物来这里野餐，大家一起聊天、唱歌，度过愉快的时光。")
JA = ("私たちの町は川の東側にあり、毎朝多くの人が公園で散歩やジョギングをしています。"
      "お年寄りは木の下で将棋を指し、子どもたちは芝生の上で遊んでいます。\n"
      "この公園は二十年前に作られましたが、当時ここはただの空き地でした。"
      "今では公園の中に小さな池があり、池のまわりには桜の木がたくさん植えられています。\n"
      "週末になると、多くの家族が弁当を持ってきて、みんなで話をしたり歌を歌ったりして楽しい時間を過ごします。")
TH = ("เมืองของเราอยู่ทางฝั่งตะวันออกของแม่น้ำ ทุกเช้ามีคนจำนวนมากมาเดินเล่นและวิ่งในสวนสาธารณะ\n"
      "ผู้สูงอายุชอบนั่งเล่นหมากรุกใต้ต้นไม้ ส่วนเด็กๆ ก็เล่นเกมกันบนสนามหญ้า\n"
      "สวนแห่งนี้สร้างขึ้นเมื่อยี่สิบปีก่อน ในตอนนั้นที่นี่เป็นเพียงที่ดินว่างเปล่า\n"
      "ปัจจุบันในสวนมีทะเลสาบเล็กๆ และมีต้นไม้ใหญ่ปลูกอยู่รอบทะเลสาบ ซึ่งสวยงามมากในฤดูฝน\n"
      "ในวันหยุดสุดสัปดาห์ ครอบครัวจำนวนมากจะนำอาหารมาปิกนิกที่นี่ และใช้เวลาร่วมกันอย่างมีความสุข")
DE = ("Die kleine Stadt liegt an einem breiten Fluss, und jeden Morgen gehen viele Menschen in den "
      "Park, um dort mit ihren Hunden spazieren zu gehen.\n"
      "Die älteren Leute spielen unter den Bäumen Schach, während die Kinder auf der Wiese laufen "
      "und sich mit ihren Freunden treffen.\n"
      "Der Park wurde vor zwanzig Jahren angelegt, als das Gelände noch eine leere Brache war, und "
      "seitdem ist er zu einem Ort geworden, an dem sich die ganze Nachbarschaft trifft.")
EN = ("The old harbour town sits where the river meets a cold grey sea. Fishing boats leave before "
      "dawn and return with the tide, while gulls circle over the market square.\n"
      "In winter the streets grow quiet, and most visitors stay away until the spring festival brings "
      "music, lanterns and long tables of food to the waterfront.\n"
      "Local historians say the first stone bridge was built by monks who needed a safe crossing to "
      "reach their orchards on the far bank. Parts of that bridge still stand today.")
LOG = ("ERROR 2024-01-01 worker-3 connection refused retrying in 5 seconds "
       "ERROR 2024-01-01 worker-3 connection refused retrying in 5 seconds "
       "ERROR 2024-01-01 worker-3 connection refused retrying in 5 seconds")

DE_NOUNS = "\n".join(" ".join(f"{a}{b}" for b in ("haus", "tor", "weg", "see", "berg", "feld", "dorf",
                                                  "tal", "bach", "hof")) + "."
                     for a in ("Rot", "Neu", "Alt", "Hoch", "Tief", "Groß"))


def doc(text, lang):
    return Document(id="d", url="https://a.org", text=text, lang=lang)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("我们今天去北京大学看看，好吗？", "zh", ["我们", "今天", "去", "北京大学", "看看", "好", "吗"]),
        ("今日は東京に行きました。", "ja", ["今日", "は", "東京", "に", "行き", "まし", "た"]),
        ("ฉันไปตลาด วันนี้", "th", ["ฉัน", "ไป", "ตลาด", "วันนี้"]),
        ("Hello, world! (yes)", "en", ["Hello", "world", "yes"]),
        ("Hello, world!", None, ["Hello", "world"]),
    ],
)
def test_split_words_segments_thai_chinese_and_japanese(text, lang, expected):
    assert split_words(text, lang) == expected


def test_japanese_lines_over_the_segmenter_input_cap_are_split_not_failed():
    assert len(split_words("東京" * 20_000, "ja")) > 1000  # 120,000 bytes on one line


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (JA, "ja"), (TH, "th"), (DE, "de"), (EN, "en")])
def test_prose_in_each_segmented_language_passes_every_rule(text, lang):
    result = HeuristicsStage(HeuristicsConfig()).process(doc(text, lang))
    assert isinstance(result, Document), result
    assert result.metadata["heuristics"] == "v2" and "gopher_stop_words" not in result.metadata
    assert "token_kl" in result.scores


@pytest.mark.parametrize(
    ("text", "lang", "config", "reason"),
    [
        # Gopher's English 3-10 character window would drop Chinese prose; zh's table allows 1.0.
        (ZH, "zh", HeuristicsConfig(gopher_quality=GopherQualityConfig(per_language={})),
         "gopher_mean_word_length"),
        # German nouns with no German function word: the German stop-word list decides.
        (DE_NOUNS, "de", HeuristicsConfig(fineweb=FineWebConfig(enabled=False),
                                          token_kl=TokenKlConfig(enabled=False)), "gopher_stop_words"),
        (DE, "de", HeuristicsConfig(gopher_quality=GopherQualityConfig(
            per_language={"de": {"stop_words": ["und"], "min_stop_words": 5}})), "gopher_stop_words"),
        (ZH, "zh", HeuristicsConfig(token_kl=TokenKlConfig(thresholds={"zh": 1.0})), "token_kl"),
        ("\n".join([LOG] * 3), "en", HeuristicsConfig(), "gopher_all_lines_removed"),
    ],
)
def test_per_language_rules_drop_with_the_exact_reason(text, lang, config, reason):
    result = HeuristicsStage(config).process(doc(text, lang))
    assert isinstance(result, Drop) and result.reason == reason


def test_a_language_without_a_stop_word_list_skips_that_rule_and_is_counted():
    nouns = "\n".join(" ".join(f"{a}{b}" for b in ("talo", "tie", "joki", "puisto", "silta",
                                                       "katu", "metsä", "vuori", "kylä", "ranta")) + "."
                      for a in ("kesä", "talvi", "kevät", "syksy", "aamu", "ilta"))
    stage = HeuristicsStage(HeuristicsConfig(fineweb=FineWebConfig(enabled=False)))
    kept = stage.process(doc(nouns, "fi"))
    assert isinstance(kept, Document) and kept.metadata["gopher_stop_words"] == "no_list"
    assert stage.kept_counters(kept)["gopher_quality.no_stop_words"] == 1
    everywhere = HeuristicsConfig(fineweb=FineWebConfig(enabled=False),
                                  gopher_quality=GopherQualityConfig(english_stop_words_everywhere=True))
    assert HeuristicsStage(everywhere).process(doc(nouns, "fi")).reason == "gopher_stop_words"


def test_gopher_stop_words_come_from_stopwords_iso():
    stopwordsiso = pytest.importorskip("stopwordsiso")
    for lang, words in GOPHER_STOP_WORDS.items():
        missing = [w for w in words if w not in stopwordsiso.stopwords(lang)]
        assert not missing, (lang, missing)


@pytest.mark.parametrize(
    ("lines", "config", "removed"),
    [
        ([EN, LOG, EN.upper()], GopherRepetitionConfig(), 1),  # the log line goes, prose stays
        ([EN, "error error error error error", EN.upper()], GopherRepetitionConfig(), 0),  # < 10 words
        ([EN, LOG, EN.upper()], GopherRepetitionConfig(line_removal=False), 0),
        ([EN, LOG, EN.upper()], GopherRepetitionConfig(line_dup_ngram_char_frac={5: 0.95}), 0),
    ],
)
def test_gopher_line_modifier_removes_repeated_lines_and_counts_them(lines, config, removed):
    text = "\n\n".join(lines)
    stage = HeuristicsStage(HeuristicsConfig(gopher_repetition=config, fineweb=FineWebConfig(enabled=False)))
    result = stage.process(doc(text, "en"))
    assert isinstance(result, Document), result
    assert result.scores.get("gopher_lines_removed", 0) == removed
    assert (LOG in (result.text or "")) == (removed == 0 and LOG in text)
    if removed:
        assert stage.kept_counters(result)["gopher_lines.removed"] == removed
        assert "\n\n" in (result.text or "")  # paragraph breaks survive for the paragraph rules


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"fineweb": {"per_language": {"th": {"bogus": 1}}}}, "cannot override ['bogus']"),
        ({"fineweb": {"per_language": {"th": {"enabled": False}}}}, "cannot override ['enabled']"),
        ({"gopher_quality": {"per_language": {"de": {"min_words": -1}}}}, "per_language.de: min_words"),
        ({"gopher_repetition": {"per_language": {"not a code": {}}}}, "ISO 639"),
    ],
)
def test_bad_per_language_overrides_fail_when_the_config_loads(mapping, message):
    with pytest.raises(ConfigError, match=r"stages\.heuristics") as error:
        config_from_mapping({"stages": {"heuristics": mapping}})
    assert message in str(error.value)


def test_per_language_overrides_apply_only_to_their_language():
    config = FineWebConfig(per_language={"th": {"short_line_thr": 0.9}})
    assert config.for_language("th").short_line_thr == 0.9
    assert config.for_language("de") is config and config.short_line_thr == 0.67


@pytest.mark.parametrize("lang", ["en", "de", "fr", "it", "pt", "es", "hi", "th", "zh", "ja"])
def test_every_llama3_language_has_a_bundled_kl_reference(lang):
    reference = bundled_reference(lang)
    assert reference is not None and len(reference.log_q) > 500


def test_german_menu_scores_above_the_threshold_and_german_prose_below():
    kl = TokenKlFilter(TokenKlConfig())
    prose, drop = kl.check(split_words(DE, "de"), "de")
    assert drop is None and prose is not None and prose < 3.5
    menu = ("Startseite Impressum Kontakt Datenschutz Login Registrieren Archiv 2006 Archiv 2007 "
            "Archiv 2008 Forum Tippspiel Spielregeln Statistik Newsletter Galerie Shop Warenkorb "
            "Hilfe FAQ Presse Jobs Partner Sponsoren Downloads Links Sitemap Suche RSS Facebook "
            "Twitter Instagram YouTube Podcast Termine Tabelle Ergebnisse Kader Trainer Stadion "
            "Tickets Fanclub Mitglied werden Spenden Mediathek Videos Fotos Blog Kommentare")
    score, drop = kl.check(split_words(menu, "de"), "de")
    assert drop is not None and drop.reason == "token_kl" and score > 3.5


def test_build_kl_reference_from_word_counts_and_segmented_text(tmp_path):
    from pipelines.cli import main

    counts = tmp_path / "freq.txt"
    counts.write_text("的\t100\n城市 40 n\n公园\t30\n", encoding="utf-8")
    out = tmp_path / "zh.json.gz"
    assert main(["build-kl-reference", str(counts), "--word-counts", "--output", str(out)]) == 0
    data = json.loads(gzip.decompress(out.read_bytes()))
    assert data["counts"] == {"的": 100, "城市": 40, "公园": 30} and data["total"] == 170

    text = tmp_path / "ja.txt"
    text.write_text(JA, encoding="utf-8")
    out = tmp_path / "ja.json.gz"
    assert main(["build-kl-reference", str(text), "--lang", "ja", "--output", str(out)]) == 0
    assert "公園" in json.loads(gzip.decompress(out.read_bytes()))["counts"]

    bad = tmp_path / "bad.txt"
    bad.write_text("word notanumber\n", encoding="utf-8")
    assert main(["build-kl-reference", str(bad), "--word-counts", "--output", str(out)]) == 2
    assert main(["build-kl-reference", str(tmp_path / "missing.txt"), "--output", str(out)]) == 2
