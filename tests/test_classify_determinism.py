"""The transformer students' probabilities for a document must not depend on how a runner batched
it: alone, among short or long neighbours, or under another torch thread count, the bundled
quality and topic heads give it bit-identical probabilities (issue 20: one document's topic
probability was 0.8040 with 1 Beam worker and 0.8041 with 2). Before `row_logits`, the head's
BLAS product over the batch moved one document's quality probability from 0.84771067 (alone)
to 0.84771073 (one neighbour) and 0.84771079 (six), and 6 of these 7 cases failed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from classifiers.handlers import TransformerHeadsHandler
from classifiers.transformer_student import row_logits
from tests.conftest import evaldata_path

SHORT = "Pass the salt."


@pytest.fixture(scope="module")
def heads():
    handler = TransformerHeadsHandler({"quality_transformer": "bundled", "topic": "bundled"}, 64)
    return handler.load_model()


@pytest.fixture(scope="module")
def speeches() -> list[str]:
    folder = evaldata_path("text_corpora", "nltk", "inaugural")
    return [path.read_text(errors="replace")[:3000] for path in sorted(folder.glob("*.txt"))[:12]]


def _neighbours(speeches: list[str], kind: str) -> list[str]:
    if kind == "alone":
        return []
    if kind == "one_short":
        return [SHORT]
    if kind == "one_long":
        return [speeches[5]]
    return [*random.Random(7).sample(speeches[1:], 7), SHORT]


@pytest.mark.parametrize(("kind", "position", "threads"), [
    ("one_short", 0, 1),
    ("one_long", 0, 1),
    ("one_long", 1, 1),
    ("eight_mixed", 3, 1),
    ("eight_mixed", 8, 1),
    ("alone", 0, 2),
    ("eight_mixed", 3, 2),
])
def test_probabilities_do_not_depend_on_the_batch(heads, speeches, kind, position, threads):
    import torch

    document = speeches[0]
    torch.set_num_threads(1)
    alone = TransformerHeadsHandler.probabilities(heads, [document])
    batch = _neighbours(speeches, kind)
    batch.insert(position, document)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        batched = TransformerHeadsHandler.probabilities(heads, batch)
    finally:
        torch.set_num_threads(previous)
    assert sorted(batched) == ["quality_transformer", "topic"]
    for role, probs in alone.items():
        assert batched[role][position] == probs[0], role


def test_row_logits_match_the_matrix_product():
    rng = np.random.default_rng(0)
    embeddings = rng.standard_normal((5, 384)).astype(np.float32)
    weight = rng.standard_normal((20, 384)).astype(np.float32)
    bias = rng.standard_normal(20).astype(np.float32)
    logits = row_logits(embeddings, weight, bias)
    np.testing.assert_allclose(logits, embeddings @ weight.T + bias, rtol=1e-5, atol=1e-4)
    for i in range(5):
        assert np.array_equal(row_logits(embeddings[i:i + 1], weight, bias)[0], logits[i])
