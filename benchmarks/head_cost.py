"""CPU cost of bit-stable transformer heads: the bundled topic head applied to 64 embeddings by
one BLAS product against `transformer_student.row_logits` (each row alone, float64), next to the
CPU time of the whole transformer pass of the classify stage on the same documents (the first
3,000 characters of NLTK's inaugural addresses, ../shared/evaldata/text_corpora).

    PYTHONPATH=. .venv/bin/python -m benchmarks.head_cost
"""

from __future__ import annotations

import time

from benchmarks.real_pages import EVALDATA
from classifiers.handlers import TransformerHeadsHandler
from classifiers.transformer_student import row_logits, set_torch_threads
from curation.document import Document

DOCUMENTS = 64  # the inaugural corpus has 59
REPEATS = 200


def main() -> None:
    set_torch_threads(1)
    folder = EVALDATA / "text_corpora" / "nltk" / "inaugural"
    texts = [p.read_text(errors="replace")[:3000] for p in sorted(folder.glob("*.txt"))][:DOCUMENTS]
    handler = TransformerHeadsHandler({"quality_transformer": "bundled", "topic": "bundled"},
                                      DOCUMENTS)
    model = handler.load_model()
    docs = [Document(id=str(i), url=f"https://example.invalid/{i}", text=t)
            for i, t in enumerate(texts)]
    handler.score(model, docs[:2])  # first call pays one-off allocations
    start = time.process_time()
    handler.score(model, docs)
    stage = time.process_time() - start
    topic = model["topic"]
    embeddings = topic.encoder.embed(texts, batch_size=1)
    weight, bias = topic._weight, topic._bias
    for name, run in (("BLAS product", lambda: embeddings @ weight.T + bias),
                      ("row_logits", lambda: row_logits(embeddings, weight, bias))):
        start = time.process_time()
        for _ in range(REPEATS):
            run()
        print(f"topic head, {name}: {(time.process_time() - start) / REPEATS * 1e3:.3f} ms CPU "
              f"per {len(texts)}-document batch")
    print(f"transformer pass (quality + topic), {len(texts)} documents: {stage:.2f} s CPU "
          f"({stage / len(texts) * 1e3:.1f} ms a document)")


if __name__ == "__main__":
    main()
