"""`LineRemovals`: the Llama 3 / ccNet line rule on compact records (rules in
curation/dedup/lines.py).

    ((bucket, line hash), 1) per line of every survivor    -> CombinePerKey(sum) -> counts > max
    ((bucket, line hash), address) per distinct line         \\
                                                  CoGroupByKey -> (address, hash to remove)

The records are made in the staging shards (pipelines/decisions.py, `_LineKeysFn`), and the
removals go back there to be applied: only hashes, counts and addresses cross the shuffle, never
text. A key's values are streamed: a common line's list of addresses is read once and never held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam

from curation.config import LineDedupConfig
from curation.dedup.lines import STAGE

LINES = "lines"


def _removals(item: tuple[Any, dict[str, Iterable[Any]]]) -> Iterator[tuple[Any, bytes]]:
    (_, line), grouped = item
    if next(iter(grouped["frequent"]), None) is None:
        return
    for address in grouped["addresses"]:
        yield address, line


class LineRemovals(beam.PTransform):
    """(occurrences, distinct lines per address) -> (address, line hash to remove)."""

    def __init__(self, config: LineDedupConfig) -> None:
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, inputs: tuple[beam.PCollection, beam.PCollection]) -> beam.PCollection:
        occurrences, lines = inputs
        max_occurrences = self._config.max_occurrences
        frequent = (
            occurrences
            | "CountLines" >> beam.CombinePerKey(sum)
            | "MoreThanMax" >> beam.Filter(lambda item: item[1] > max_occurrences)
        )
        return (
            {"frequent": frequent, "addresses": lines}
            | "JoinFrequent" >> beam.CoGroupByKey()
            | "Removals" >> beam.FlatMap(_removals)
        )
