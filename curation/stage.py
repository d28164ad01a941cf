"""The stage contract: every stage keeps a document (maybe changed), drops it with a reason, or raises.

This is datatrove's filter contract ("return False, 'dup_para_frac'") made into a type: a stage
returns either a `Document` or a `Drop`, and never counts anything itself. The Beam wrapper in
`pipelines/stage_transform.py` turns the three outcomes into the `kept`, `dropped.<reason>` and
`error.<ExceptionType>` counters, so a stage cannot lose a document without a count.
"""

from __future__ import annotations

import abc
import dataclasses
import re
import traceback
from collections.abc import Iterable, Iterator, Mapping

from curation.document import Document

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@dataclasses.dataclass(frozen=True)
class Drop:
    """A decision to remove a document; `reason` is snake_case and names the rule that fired.

    `detail` is the measured value (`0.313`, `28<50`); `evidence` holds the pieces of the text that
    made the rule fire, where the stage knows them (the lines line dedup removed, the dirty words
    matched, the duplicated lines), so the audit sample and the report can highlight them."""

    reason: str
    detail: str = ""
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _SNAKE_CASE.match(self.reason):
            raise ValueError(f"drop reason must be snake_case, got {self.reason!r}")


Outcome = Document | Drop


@dataclasses.dataclass(frozen=True)
class Dropped:
    """A document (or a stand-in for a non-page record) and the reason it was removed."""

    doc: Document
    drop: Drop


class Stage(abc.ABC):
    """A per-document stage. Subclasses set `name` and implement `process`.

    Models and other unpicklable state are built in `setup` (called once per worker, from
    `DoFn.setup`), never in `__init__`, so the stage object itself stays cheap to pickle.
    """

    name: str

    def setup(self) -> None:  # noqa: B027 - optional hook, most stages need no setup
        """Load models or start helpers; called once per worker before any `process`."""

    def teardown(self) -> None:  # noqa: B027 - optional hook
        """Release what `setup` acquired."""

    @abc.abstractmethod
    def process(self, doc: Document) -> Outcome:
        """Keep (return a Document) or drop (return a Drop); raise on a real failure."""

    def kept_counters(self, doc: Document) -> Mapping[str, int]:
        """Extra counters for a kept document (e.g. `redacted.email`), added to the stage's
        metrics next to `kept`; most stages have none."""
        return {}


class CorpusStage(abc.ABC):
    """A stage whose decision needs other documents (dedup). Beam runs its own distributed
    composite; `run_in_memory` is the exact reference used by `curate stage` and by tests."""

    name: str

    @abc.abstractmethod
    def run_in_memory(self, docs: Iterable[Document]) -> Iterator[Document | Dropped]:
        """Yield each kept Document and a `Dropped` for each dropped one."""


@dataclasses.dataclass(frozen=True)
class Failure:
    """A stage raised on `doc`: the exception's type, message and the end of its traceback."""

    doc: Document
    error_type: str
    message: str
    traceback: str = ""


def run_stage(stage: Stage, doc: Document) -> Document | Dropped | Failure:
    """Apply `stage` to `doc` and classify the result; nothing escapes as an exception.

    A stage that returns anything but a Document or a Drop is a bug in the stage, and is reported
    as a TypeError failure rather than silently passing the document on.
    """
    try:
        outcome = stage.process(doc)
    except Exception as exc:
        tail = "".join(traceback.format_exception(exc, limit=-4))
        return Failure(doc, type(exc).__name__, str(exc)[:1000], tail[-4000:])
    if isinstance(outcome, Drop):
        return Dropped(doc, outcome)
    if isinstance(outcome, Document):
        return outcome
    message = f"stage {stage.name!r} returned {type(outcome).__name__}, not a Document or a Drop"
    return Failure(doc, "TypeError", message)
