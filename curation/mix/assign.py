"""The final write's compact plan: which output shard each written copy goes to, decided on
small records, so that no text crosses a shuffle on its way to a shard (issue 21).

The mix's selection knows, for each kept document, its category and how many copies it writes
(`curation.mix.mixer.copies_of_doc`: the document, then `<id>#r<n>` copies). A copy goes to hash
bucket `shard_of(copy id, shards)` of its category, exactly as the graph that grouped whole rows by
shard placed it (pipelines/write.py, `shard_of`), and a shard's rows are sorted by id when it is
written. So the assignment (level-2 file, row, copy n) -> (category, bucket) is made here, the
assignments are grouped by level-2 file, each file is read once and its rows go into per-shard
part files, and each shard is the id-sorted concatenation of its parts. Nothing here imports Beam.

`PartBuffer` bounds what one file's reader holds: rows wait per shard until the buffered text
passes `max_bytes` (32 MB by default: a few hundred pages, far below one shard of 50M tokens), and
then every shard's waiting rows become one part each. A level-2 file of R selected rows and T
text bytes spread over S shards makes at most S x (ceil(T / max_bytes) + 1) parts; each part is
read once, by its shard's writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from curation.mix.mixer import copy_id

COPY = "copy"
DEFAULT_PART_BYTES = 32 * 1024 * 1024


class ShardKey(NamedTuple):
    category: str
    index: int  # the bucket, or after numbering the filled buckets, the shard's index
    shards: int


class CopyAssignment(NamedTuple):
    """One copy to write: where its row sits and which copy of the document it is."""

    file: str
    row: int
    copy: int
    id: str  # the copy's id, for the dead letter if its row cannot be read


def copy_ids(doc_id: str, copies: int) -> list[str]:
    """The ids `copies_of_doc` gives: the document's own, then `<id>#r<n>`."""
    return [doc_id if n == 0 else copy_id(doc_id, n) for n in range(copies)]


def part_name(file: str, shard: ShardKey, sequence: int) -> str:
    """A part's path under the parts folder: stable for a (file, shard, flush), so a retried
    bundle rewrites the same part with the same rows."""
    return f"{shard.category}/{shard.index:05d}-of-{shard.shards:05d}/{file}-{sequence:04d}.parquet"


class PartBuffer:
    """Rows waiting per shard; `add` returns the parts to write once the budget is passed."""

    def __init__(self, max_bytes: int = DEFAULT_PART_BYTES) -> None:
        self._max_bytes = max_bytes
        self._rows: dict[ShardKey, list[dict[str, Any]]] = {}
        self._bytes = 0
        self._flushes: dict[ShardKey, int] = {}

    def add(self, shard: ShardKey, row: dict[str, Any]) -> Iterator[tuple[ShardKey, int, list]]:
        self._rows.setdefault(shard, []).append(row)
        self._bytes += len((row.get("text") or "").encode("utf-8")) + 256
        if self._bytes >= self._max_bytes:
            yield from self.drain()

    def drain(self) -> Iterator[tuple[ShardKey, int, list[dict[str, Any]]]]:
        """(shard, flush number of that shard, rows) for every shard with rows waiting, in order."""
        for shard in sorted(self._rows):
            sequence = self._flushes.get(shard, 0)
            self._flushes[shard] = sequence + 1
            yield shard, sequence, self._rows[shard]
        self._rows = {}
        self._bytes = 0
