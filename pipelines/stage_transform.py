"""`ApplyStage`: the one Beam wrapper every per-document stage runs in.

It gives each input document exactly one of three fates, counted as it happens:
kept (main output), dropped (the `dropped` output, with the reason) or failed (the `errors`
output, as a dead-letter record). Because the counting is here and not in the stages,
`seen == kept + sum(dropped.*) + sum(error.*)` holds for every stage by construction, and
`pipelines/stats.py` checks it again on the finished run.

The stage is built once per worker in `DoFn.setup` (models load there, never per element).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam import pvalue

from curation.audit import dead_letter
from curation.document import Document
from curation.readers.base import ReadError
from curation.stage import Dropped, Failure, Stage, run_stage
from pipelines.counters import StageCounters

DROPPED = "dropped"
ERRORS = "errors"


class StageResult(NamedTuple):
    kept: beam.PCollection
    dropped: beam.PCollection  # of (stage name, Dropped)
    errors: beam.PCollection  # of dead-letter dicts


def route(
    stage: str, result: Document | Dropped | Failure | ReadError, counters: StageCounters,
    text_head_chars: int,
) -> Iterator[Any]:
    """Count one outcome and send it to the kept, dropped or errors output."""
    if isinstance(result, Document):
        counters.kept()
        yield result
    elif isinstance(result, Dropped):
        counters.dropped(result.drop.reason)
        yield pvalue.TaggedOutput(DROPPED, (stage, result))
    else:
        counters.error(result.error_type)
        yield pvalue.TaggedOutput(ERRORS, dead_letter(stage, result, text_head_chars))


class _StageFn(beam.DoFn):
    def __init__(self, stage: Stage, text_head_chars: int) -> None:
        self._stage = stage
        self._text_head_chars = text_head_chars
        self._counters: StageCounters | None = None

    def setup(self) -> None:
        self._counters = StageCounters(self._stage.name)
        self._stage.setup()

    def teardown(self) -> None:
        self._stage.teardown()

    def process(self, doc: Document) -> Any:
        counters = self._counters
        assert counters is not None
        counters.seen()
        result = run_stage(self._stage, doc)
        if isinstance(result, Document):
            for name, value in self._stage.kept_counters(result).items():
                counters.inc(name, value)
        yield from route(self._stage.name, result, counters, self._text_head_chars)


class ApplyStage(beam.PTransform):
    """Runs `stage` over a PCollection of Documents; returns a `StageResult`."""

    def __init__(self, stage: Stage, text_head_chars: int = 500) -> None:
        super().__init__(label=stage.name)
        self._stage = stage
        self._text_head_chars = text_head_chars

    def expand(self, docs: beam.PCollection) -> StageResult:
        outputs = docs | "Apply" >> beam.ParDo(
            _StageFn(self._stage, self._text_head_chars)
        ).with_outputs(DROPPED, ERRORS, main="kept")
        return StageResult(outputs.kept, outputs[DROPPED], outputs[ERRORS])
