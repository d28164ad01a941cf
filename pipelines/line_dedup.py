"""`LineRemovals`: the Llama 3 / ccNet line rule on compact records (rules in
curation/dedup/lines.py).

    ((bucket, line hash), (shard, rows, occurrences)) per distinct line of each staging shard
        -> GroupByKey -> total occurrences > max -> (address, line hash to remove) per row

The records are made in the staging shards (pipelines/decisions.py, `_LineKeysFn`), already
combined there: a line that occurs k times in a shard's survivors is one record naming the rows
it occurs in and k, not k records of ((bucket, hash), 1) plus one address record per row, so one
shuffle carries both the count and the way back (issue 21). The shard id travels as its 10 raw
bytes, not 20 hex digits. The sum and the rows it names are those the two shuffles before gave,
so the removals are the same. A key's values are streamed twice (the sum, then the rows), never
held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam

from curation.config import LineDedupConfig
from curation.dedup.lines import STAGE


def shard_line_records(shard_id: str, lines: dict[tuple[int, bytes], dict[int, int]]
                       ) -> Iterator[tuple[tuple[int, bytes], tuple[bytes | str, tuple[int, ...], int]]]:
    """One shard's {(bucket, line hash): {row: occurrences}} as its line records, in key order."""
    shard = _compact_shard(shard_id)
    for key in sorted(lines):
        rows = lines[key]
        yield key, (shard, tuple(sorted(rows)), sum(rows.values()))


def _compact_shard(shard_id: str) -> bytes | str:
    """A staging shard id (20 hex digits) as its 10 bytes; any other name as it is."""
    try:
        raw = bytes.fromhex(shard_id)
    except ValueError:
        return shard_id
    return raw if raw.hex() == shard_id else shard_id


def _removals(item: tuple[tuple[int, bytes], Iterable[tuple[bytes | str, tuple[int, ...], int]]],
              max_occurrences: int) -> Iterator[tuple[tuple[str, int], bytes]]:
    (_, line), records = item
    if sum(count for _, _, count in records) <= max_occurrences:
        return
    for shard, rows, _ in records:  # GroupByKey values can be re-read
        for row in rows:
            yield (shard.hex() if isinstance(shard, bytes) else shard, row), line


class LineRemovals(beam.PTransform):
    """Per-shard line records -> (address, line hash to remove)."""

    def __init__(self, config: LineDedupConfig) -> None:
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, lines: beam.PCollection) -> beam.PCollection:
        return (
            lines
            | "LinesByKey" >> beam.GroupByKey()
            | "Removals" >> beam.FlatMap(_removals, self._config.max_occurrences)
        )
