"""The shard writer numbers only the hash buckets that hold documents: no gaps, no empty files."""

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline

from curation.document import Document
from pipelines.write import WriteShards, shard_of


def test_shards_are_numbered_without_gaps_or_empty_files(tmp_path):
    docs = [Document(id=f"doc-{i}", url=f"https://a.org/{i}", text=f"text {i}", lang="en")
            for i in range(12)]
    # with one document per shard, 12 hash buckets: some receive two documents, some none
    buckets = {shard_of(doc.id, 12) for doc in docs}
    assert len(buckets) < 12
    with TestPipeline() as pipeline:
        _ = pipeline | beam.Create(docs) | WriteShards(str(tmp_path), docs_per_shard=1)
    files = sorted((tmp_path / "shards" / "general").glob("*.parquet"))
    assert [f.name for f in files] == [
        f"part-{i:05d}-of-{len(buckets):05d}.parquet" for i in range(len(buckets))]
    rows = [pq.read_table(f).num_rows for f in files]
    assert min(rows) > 0 and sum(rows) == len(docs)
