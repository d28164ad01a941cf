"""Staging shards: the per-document phase's kept documents, one Parquet file per input file,
and what makes a completed one safe to reuse (issue 21; docs/ARCHITECTURE.md, "Staged
execution").

A staging shard is named by a stable hash of its input task (path, format, source, category), so
a rerun finds it again; a document's address is (shard id, row). Beside each shard sits a JSON
sidecar, written after the shard itself, holding:

- `fingerprint`: a hash of everything the shard's contents depend on: the input file's size and
  modification stamp, the per-document stages' configuration, the package version and git SHA,
  and, for `--limit` runs, the limit and how many records earlier files used. A rerun with a
  different config, different code or a changed input file gets a different fingerprint and
  recomputes the shard.
- `parquet_bytes` and `parquet_blake2b`: the shard's size and checksum, so a shard cut short or
  changed on disk is never reused.
- the counters, the bounded dropped-document sample and the dead letters the shard's file
  produced, so a reused shard re-emits them and `stats.json`, `dropped/` and `errors/` come out
  as if the file had been read again.

The dropped sample kept per shard is the `per_reason` smallest entries by the same key the
run-wide sample (`pipelines.write.WriteSampleEntries`, `Top.SmallestPerKey`) orders by, so the
run-wide sample over the shards' samples equals the one over every dropped document.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Mapping
from typing import Any

SIDECAR_VERSION = 1
SUFFIX = ".parquet"
SIDECAR_SUFFIX = ".json"

SampleKey = tuple[str, str]  # (stage, reason)
SampleEntry = tuple[str, str]  # (ordering id, JSON record)


def shard_id(path: str, fmt: str, source: str | None, category: str | None) -> str:
    """The staging shard of one input task: 20 hex digits of a hash of what names the task."""
    digest = hashlib.blake2b(digest_size=10)
    for part in (path, fmt, source or "", category or ""):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


def fingerprint(parts: Mapping[str, Any]) -> str:
    """A hash of `parts` (JSON-serialisable), independent of key order."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.blake2b(text.encode("ascii"), digest_size=16).hexdigest()


def checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SampleKeeper:
    """The `per_reason` smallest sample entries of each (stage, reason) seen so far.

    At least one entry is kept per key even when `per_reason` is 0, so the run-wide sample still
    learns that the key exists (it then writes an empty file for it, as a run without staging
    does)."""

    def __init__(self, per_reason: int) -> None:
        self._limit = max(1, per_reason)
        self._heaps: dict[SampleKey, list[tuple[str, str]]] = {}

    def add(self, key: SampleKey, entry: SampleEntry) -> None:
        heap = self._heaps.setdefault(key, [])
        # a max-heap of the smallest entries, by negating order: keep (inverted) tuples
        item = _Inverted(entry)
        if len(heap) < self._limit:
            heapq.heappush(heap, item)  # type: ignore[arg-type]
        elif entry < heap[0].entry:  # type: ignore[attr-defined]
            heapq.heapreplace(heap, item)  # type: ignore[arg-type]

    def entries(self) -> list[tuple[str, str, str, str]]:
        """[(stage, reason, ordering id, record)], sorted."""
        return sorted((key[0], key[1], *item.entry)  # type: ignore[attr-defined]
                      for key, heap in self._heaps.items() for item in heap)


class _Inverted:
    """Orders entries largest first, so heapq's min-heap holds the largest kept entry on top."""

    __slots__ = ("entry",)

    def __init__(self, entry: SampleEntry) -> None:
        self.entry = entry

    def __lt__(self, other: _Inverted) -> bool:
        return self.entry > other.entry


def sidecar_is_valid(sidecar: Any, expected_fingerprint: str, data: bytes | None) -> bool:
    """Whether a shard with `sidecar` (parsed JSON) and contents `data` (None: missing) may be
    reused by a run whose fingerprint is `expected_fingerprint`."""
    if not isinstance(sidecar, dict) or data is None:
        return False
    return (sidecar.get("version") == SIDECAR_VERSION
            and sidecar.get("fingerprint") == expected_fingerprint
            and sidecar.get("parquet_bytes") == len(data)
            and sidecar.get("parquet_blake2b") == checksum(data))
