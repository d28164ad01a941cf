"""Helpers for tests of the dedup stages on staging shards (pipelines/decisions.py)."""

from __future__ import annotations

from pathlib import Path

from curation.config import Config
from curation.document import Document
from pipelines.staging import StagedShard, shard_bytes


def staged_shards(folder: Path, docs: list[Document], shards: int = 3) -> list[StagedShard]:
    """Write `docs` round-robin into `shards` real staging shards under `folder`; returns the
    StagedShard refs (the input of pipelines.decisions.DedupStaged)."""
    refs = []
    for index in range(shards):
        data, rows = shard_bytes(docs[index::shards])
        path = folder / f"shard{index}.parquet"
        path.write_bytes(data)
        refs.append(StagedShard(f"shard{index}", str(path), rows))
    return refs


def dedup_only(stage: str, section: object = None) -> Config:
    """A Config in which only the dedup stage `stage` runs (with `section` as its config)."""
    config = Config()
    updates = {name: getattr(config.stages, name).model_copy(update={"enabled": name == stage})
               for name in ("url_dedup", "minhash_dedup", "line_dedup")}
    if section is not None:
        updates[stage] = section
    return config.model_copy(update={"stages": config.stages.model_copy(update=updates)})
