import random

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from curation.config import LineDedupConfig
from curation.dedup.lines import LineDedup as ReferenceLineDedup
from curation.dedup.lines import bucket_count, bucket_of, normalize_line
from curation.document import Document
from curation.stage import Dropped
from pipelines.decisions import DedupStaged
from tests.staged import dedup_only, staged_shards

BOILERPLATE = ["Accept all cookies", "Home | About | Contact", "(c) 2024 Example Inc.", "Subscribe now!"]
WORDS = ["river", "mountain", "library", "garden", "harbour", "engine", "violin", "orchard", "castle"]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + "."


def corpus(seed: int = 0, size: int = 60) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(size):
        lines = [sentence(rng) for _ in range(rng.randint(0, 4))] + rng.sample(BOILERPLATE, rng.randint(0, 4))
        rng.shuffle(lines)
        docs.append(Document(id=f"d{i:03d}", url=f"https://x.org/{i}", text="\n".join(lines)))
    return docs


def test_line_normalisation_follows_ccnet():
    assert normalize_line("  Café au LAIT, 2 €!  ") == "cafe au lait 0"
    assert normalize_line("Copyright 2023") == normalize_line("copyright 1999")


@pytest.mark.parametrize(
    ("texts", "config", "expected"),
    [
        # keep: nothing repeated more than the threshold
        (["a line\nother"] * 3, LineDedupConfig(max_occurrences=3), [("kept", "a line\nother")] * 3),
        # frequent lines go, unique ones stay
        (["menu\nstory one", "menu\nstory two", "menu\nstory three"], LineDedupConfig(max_occurrences=2),
         [("kept", "story one"), ("kept", "story two"), ("kept", "story three")]),
        # every occurrence counts, also inside one document
        (["menu\nmenu\nmenu\nreal text"], LineDedupConfig(max_occurrences=2), [("kept", "real text")]),
        # drop: nothing left
        (["menu", "menu", "menu\nkeep me"], LineDedupConfig(max_occurrences=2),
         [("all_lines_removed", None), ("all_lines_removed", None), ("kept", "keep me")]),
        # drop: too short after removal
        (["menu\nhi", "menu\nlong enough text", "menu"], LineDedupConfig(max_occurrences=2, min_chars=5),
         [("too_short_after_line_dedup", None), ("kept", "long enough text"), ("all_lines_removed", None)]),
    ],
)
def test_reference_rules(texts, config, expected):
    docs = [Document(id=f"d{i}", url=f"https://x.org/{i}", text=t) for i, t in enumerate(texts)]
    results = list(ReferenceLineDedup(config).run_in_memory(docs))
    got = [("kept", r.text) if isinstance(r, Document) else (r.drop.reason, None) for r in results]
    assert got == expected


def test_buckets_split_the_count():
    assert bucket_count(10, 30_000_000) == 1 and bucket_count(61, 20) == 4
    assert {bucket_of(f"d{i}", 1) for i in range(50)} == {0}
    assert len({bucket_of(f"d{i}", 4) for i in range(50)}) == 4
    # the same line in six documents: removed in one bucket, kept where a bucket sees it twice or less
    docs = [Document(id=f"d{i}", url=f"https://x.org/{i}", text=f"menu\nstory {chr(97 + i)}")
            for i in range(6)]
    one = list(ReferenceLineDedup(LineDedupConfig(max_occurrences=2)).run_in_memory(docs))
    many = list(ReferenceLineDedup(LineDedupConfig(max_occurrences=2, bucket_size=1)).run_in_memory(docs))
    buckets = [bucket_of(d.id, 6) for d in docs]
    expected = [buckets.count(b) <= 2 for b in buckets]
    assert all("menu" not in r.text for r in one)
    assert any(expected) and [("menu" in r.text) for r in many] == expected


def reference_rows(docs, config):
    results = list(ReferenceLineDedup(config).run_in_memory(docs))
    kept = sorted((r.id, r.text, r.scores["line_dedup_removed"]) for r in results if isinstance(r, Document))
    dropped = sorted((r.doc.id, r.drop.reason) for r in results if isinstance(r, Dropped))
    return kept, dropped


@pytest.mark.parametrize(
    ("config", "workers", "seed"),
    [(LineDedupConfig(), 1, 0), (LineDedupConfig(), 2, 1),
     (LineDedupConfig(bucket_size=15, min_chars=40), 2, 2)],
)
def test_beam_pipeline_equals_the_reference(config, workers, seed, tmp_path):
    docs = corpus(seed)
    kept, dropped = reference_rows(docs, config)
    assert kept and dropped
    options = PipelineOptions([f"--direct_num_workers={workers}", "--direct_running_mode=multi_threading"])
    with beam.Pipeline(options=options) as pipeline:
        shards = staged_shards(tmp_path, docs)
        result = pipeline | beam.Create(shards) | DedupStaged(dedup_only("line_dedup", config))
        assert_that(result.docs | beam.Map(lambda d: (d.id, d.text, d.scores["line_dedup_removed"])),
                    equal_to(kept), label="kept")
        assert_that(result.dropped | beam.Map(lambda item: (item[1].doc.id, item[1].drop.reason)),
                    equal_to(dropped), label="dropped")
