"""`Classify`: the classify stage as Beam RunInference steps, and its in-memory reference.

Llama 3 section 3.1.1 scores every page with its fastText and DistilRoBERTa students. Here each
student is one `RunInference` over the documents (classifiers/handlers.py): one model load per
worker, batches of `stages.classify.batch_size`, and `with_exception_handling`, whose dead-letter
batches become one error record per document. After the last model the pure `decide`
(curation/classify/decide.py) keeps or drops each document. Counts follow every other stage:
`seen` on the way in, `error.<Type>` for documents in failed batches, then `kept` and
`dropped.<reason>`, so seen = kept + dropped + errors.

    docs -> CountSeen -> [RunInference(handler) -> Merge scores]* -> Decide -> kept | dropped
                                 \\-> failed batches -> dead letters (errors)

`classify_in_memory` runs the same handlers and decision in this process, batch by batch, for
`curate stage classify`, benchmarks and tests.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.ml.inference.base import RunInference

from classifiers.handlers import handlers_for, merge
from curation.audit import dead_letter
from curation.classify.decide import decide
from curation.config import ClassifyConfig
from curation.document import Document
from curation.stage import Dropped, Failure
from pipelines.counters import StageCounters
from pipelines.stage_transform import StageResult, route

STAGE = "classify"


class _CountSeen(beam.DoFn):
    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, doc: Document) -> Iterator[Document]:
        self._counters.seen()
        yield doc


class _Decide(beam.DoFn):
    def __init__(self, config: ClassifyConfig, text_head_chars: int) -> None:
        self._config = config
        self._head = text_head_chars

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, doc: Document) -> Iterator[Any]:
        yield from route(STAGE, _outcome(doc, self._config), self._counters, self._head)


class _FailedBatch(beam.DoFn):
    """A batch RunInference could not score: one dead letter (and one error count) per document."""

    def __init__(self, text_head_chars: int) -> None:
        self._head = text_head_chars

    def setup(self) -> None:
        self._counters = StageCounters(STAGE)

    def process(self, failed: tuple[Any, Any]) -> Iterator[dict[str, Any]]:
        batch, info = failed
        error_type, message, tb = _describe(info)
        for doc in batch:
            self._counters.error(error_type)
            yield dead_letter(STAGE, Failure(doc, error_type, message, tb), self._head)


def _describe(info: Any) -> tuple[str, str, str]:
    """(type name, message, traceback tail) from Beam's (type, repr, traceback lines) tuple."""
    if isinstance(info, tuple) and len(info) == 3:
        exc_type, message, lines = info
        name = getattr(exc_type, "__name__", str(exc_type))
        return name, str(message)[:1000], "".join(lines)[-4000:]
    if isinstance(info, BaseException):
        return type(info).__name__, str(info)[:1000], ""
    return "Exception", str(info)[:1000], ""


def _outcome(doc: Document, config: ClassifyConfig) -> Document | Dropped:
    result = decide(doc, config)
    return result if isinstance(result, Document) else Dropped(doc, result)


class Classify(beam.PTransform):
    """Scores documents with every configured student, then keeps or drops them."""

    def __init__(self, config: ClassifyConfig, text_head_chars: int = 500) -> None:
        super().__init__(label=STAGE)
        self._config = config
        self._head = text_head_chars

    def expand(self, docs: beam.PCollection) -> StageResult:
        scored = docs | "CountSeen" >> beam.ParDo(_CountSeen())
        failures = []
        for handler in handlers_for(self._config):
            results, dead = scored | f"Infer_{handler.name}" >> RunInference(
                handler).with_exception_handling()
            failures.append(dead.failed_inferences)
            scored = results | f"Merge_{handler.name}" >> beam.Map(merge)
        decided = scored | "Decide" >> beam.ParDo(_Decide(self._config, self._head)).with_outputs(
            "dropped", "errors", main="kept")
        errors = [decided.errors] + [
            failed | f"DeadLetters_{i}" >> beam.ParDo(_FailedBatch(self._head))
            for i, failed in enumerate(failures)]
        return StageResult(decided.kept, decided.dropped,
                           errors | "AllErrors" >> beam.Flatten())


def classify_in_memory(docs: Iterable[Document], config: ClassifyConfig,
                       ) -> Iterator[Document | Dropped | Failure]:
    """The stage without Beam: the same handlers, batch by batch, and the same decision; a batch
    whose model raised yields one Failure per document."""
    handlers = handlers_for(config)
    models = [handler.load_model() for handler in handlers]
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == config.batch_size:
            yield from _classify_batch(batch, handlers, models, config)
            batch = []
    if batch:
        yield from _classify_batch(batch, handlers, models, config)


def _classify_batch(batch: Sequence[Document], handlers: Sequence[Any], models: Sequence[Any],
                    config: ClassifyConfig) -> Iterator[Document | Dropped | Failure]:
    current = list(batch)
    for handler, model in zip(handlers, models, strict=True):
        try:
            current = [merge(r) for r in handler.run_inference(current, model)]
        except Exception as exc:
            tail = "".join(traceback.format_exception(exc, limit=-4))[-4000:]
            for doc in batch:
                yield Failure(doc, type(exc).__name__, str(exc)[:1000], tail)
            return
    for doc in current:
        yield _outcome(doc, config)
