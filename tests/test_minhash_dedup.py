import random

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to
from datasketch import MinHash

from curation.config import MinHashDedupConfig
from curation.dedup.components import star_components, union_find_components
from curation.dedup.minhash import MinHasher, lsh_bands
from curation.dedup.near_dup import MinHashDedup as ReferenceDedup
from curation.dedup.shingles import normalize, shingle_hashes
from curation.document import Document
from curation.stage import Dropped
from pipelines.decisions import DedupStaged
from tests.staged import dedup_only, staged_shards

VOCABULARY = [f"{a}{b}{c}" for a in "bcdfg" for b in "aeiou" for c in "klmnprst"]


def story(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def edited(text: str, edits: int, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = "zzz"
    return " ".join(words)


def test_normalisation_lowercases_and_maps_digits_and_punctuation():
    assert normalize("Hello, World! It\u2019s 2023 \u2014 \u201cOK\u201d.") == "hello world it s 0000 ok"
    assert normalize("東京タワー") == "東 京 タ ワ ー"


@pytest.mark.parametrize("text", ["", "one", "a b c d", story(1), "東京タワーは高い。" * 20])
def test_signatures_equal_datasketch_with_the_same_permutations(text):
    hasher = MinHasher(num_perm=128, seed=7, ngram=5)
    reference = MinHash(num_perm=128, seed=7, hashfunc=lambda value: value)
    reference.update_batch([int(h) for h in shingle_hashes(text, 5)])
    assert np.array_equal(hasher.signature(text), reference.hashvalues)


def test_batched_signatures_equal_one_at_a_time():
    hasher = MinHasher()
    texts = [story(i, 50 + 40 * i) for i in range(40)] + ["", "short text"]
    batched = hasher.signatures(texts)
    assert all(np.array_equal(batched[i], hasher.signature(t)) for i, t in enumerate(texts))


def test_bands_come_from_datasketch():
    assert lsh_bands(0.8, 128) == (9, 13)
    assert lsh_bands(0.8, 128, 0.98) == (17, 7)


GRAPHS = {
    "chain": [(f"n{i:04d}", f"n{i + 1:04d}") for i in range(300)],
    "reversed chain": [(f"n{i + 1:04d}", f"n{i:04d}") for i in range(300)],
    "star": [("n9999", f"n{i:04d}") for i in range(200)],
    "two cliques": [(f"a{i}", f"a{j}") for i in range(8) for j in range(8)] + [
        (f"b{i}", f"b{j}") for i in range(5) for j in range(5)],
}


def random_graph(seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    nodes = [f"d{rng.randrange(10**6):06d}" for _ in range(rng.randint(2, 120))]
    return [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(1, 200))]


@pytest.mark.parametrize("edges", [*GRAPHS.values(), *(random_graph(s) for s in range(20))])
def test_star_rounds_equal_union_find(edges):
    nodes = sorted({n for edge in edges for n in edge})
    labels, rounds = star_components(nodes, edges)
    assert labels == union_find_components(nodes, edges)
    assert rounds <= 20


def corpus() -> list[Document]:
    docs = []
    for i in range(40):
        base = story(i)
        docs.append(Document(id=f"a{i:03d}", url=f"https://a.org/{i}", text=base, lang="en"))
        for j in range(i % 4):  # copies with 1, 2, 3 edited words, chained through each other
            base = edited(base, 1, seed=100 * i + j)
            docs.append(Document(id=f"c{i:03d}{j}", url=f"https://c.org/{i}/{j}", text=base, lang="en"))
    docs.append(Document(id="de1", url="https://d.org/1", text=story(5), lang="de"))  # other language
    docs.append(Document(id="empty", url="https://e.org/", text="", lang="en"))
    return docs


def test_reference_keeps_one_per_cluster():
    results = list(ReferenceDedup(MinHashDedupConfig(keep="first_id")).run_in_memory(corpus()))
    kept = {r.id: r for r in results if isinstance(r, Document)}
    dropped = {r.doc.id: r.drop for r in results if isinstance(r, Dropped)}
    assert kept["a003"].scores["minhash_cluster_size"] == 4.0
    assert {dropped[f"c003{j}"].detail for j in range(3)} == {"a003"}
    assert {d.reason for d in dropped.values()} == {"near_duplicate"}
    assert "de1" in kept and "empty" in kept and "a005" in kept  # per language; no words
    assert len(dropped) == sum(i % 4 for i in range(40))


@pytest.mark.parametrize(("keep", "survivor"), [("first_id", "p0"), ("newest", "p1"), ("longest", "p2")])
def test_keep_rule_picks_the_survivor(keep, survivor):
    import datetime as dt

    text = story(7)
    year = [dt.datetime(y, 1, 1, tzinfo=dt.UTC) for y in (2021, 2022)]
    docs = [
        Document(id="p0", url="https://p.org/0", text=text, fetch_time=year[0]),
        Document(id="p1", url="https://p.org/1", text=text, fetch_time=year[1]),
        Document(id="p2", url="https://p.org/2", text=text + " and more", fetch_time=None),
    ]
    results = list(ReferenceDedup(MinHashDedupConfig(keep=keep)).run_in_memory(docs))
    assert [r.id for r in results if isinstance(r, Document)] == [survivor]


def test_distinct_documents_are_kept():
    docs = [Document(id=f"x{i}", url=f"https://x.org/{i}", text=story(1000 + i)) for i in range(30)]
    assert all(isinstance(r, Document) for r in ReferenceDedup(MinHashDedupConfig()).run_in_memory(docs))


def run_beam(docs, config, workers, folder):
    options = PipelineOptions([f"--direct_num_workers={workers}", "--direct_running_mode=multi_threading"])
    reference = list(ReferenceDedup(config).run_in_memory(docs))
    kept = sorted((r.id, r.scores["minhash_cluster_size"]) for r in reference if isinstance(r, Document))
    dropped = sorted((r.doc.id, r.drop.detail) for r in reference if isinstance(r, Dropped))
    with beam.Pipeline(options=options) as pipeline:
        shards = staged_shards(folder, docs)
        result = pipeline | beam.Create(shards) | DedupStaged(dedup_only("minhash_dedup", config))
        assert_that(result.docs | beam.Map(lambda d: (d.id, d.scores["minhash_cluster_size"])),
                    equal_to(kept), label="kept")
        assert_that(result.dropped | beam.Map(lambda item: (item[1].doc.id, item[1].drop.detail)),
                    equal_to(dropped), label="dropped")


@pytest.mark.parametrize(
    ("config", "workers"),
    [(MinHashDedupConfig(max_rounds=8), 1), (MinHashDedupConfig(max_rounds=8), 2),
     (MinHashDedupConfig(max_rounds=8, verify="exact", keep="first_id"), 2),
     (MinHashDedupConfig(max_rounds=8, verify="none", per_language=False), 1)],
)
def test_beam_pipeline_equals_the_reference(config, workers, tmp_path):
    run_beam(corpus(), config, workers, tmp_path)
