"""Stage counters: `seen`, `kept`, `dropped.<reason>` and `error.<ExceptionType>` per stage.

Every counter lives in the Beam metrics namespace `curation.<stage>`, so `stats.json` can be built
from a finished pipeline's metrics alone, on any runner. On a local run with a progress display
the same increments also go to `pipelines/progress.py`'s side channel (a no-op otherwise).
"""

from __future__ import annotations

from apache_beam.metrics import Metrics

from pipelines import progress

NAMESPACE_PREFIX = "curation."


class StageCounters:
    """Lazily created Beam counters for one stage (create them in a DoFn, not at graph build)."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._counters: dict[str, object] = {}

    def inc(self, name: str, value: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(NAMESPACE_PREFIX + self.stage, name)
        counter.inc(value)  # type: ignore[attr-defined]
        progress.record(self.stage, name, value)

    def observe(self, name: str, value: int) -> None:
        """Record `value` in the distribution `name` (Beam keeps its count, sum, min and max)."""
        distribution = self._counters.get("~" + name)
        if distribution is None:
            distribution = self._counters["~" + name] = Metrics.distribution(
                NAMESPACE_PREFIX + self.stage, name)
        distribution.update(value)  # type: ignore[attr-defined]

    def seen(self, value: int = 1) -> None:
        self.inc("seen", value)

    def kept(self, value: int = 1) -> None:
        self.inc("kept", value)

    def dropped(self, reason: str, value: int = 1) -> None:
        self.inc(f"dropped.{reason}", value)

    def error(self, error_type: str, value: int = 1) -> None:
        self.inc(f"error.{error_type}", value)
