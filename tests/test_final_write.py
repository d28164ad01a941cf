"""The mix's final write on compact records (issue 21): copies assigned to shards without their
text, each level-2 file read once into per-shard parts, each shard written from its parts with the
same bytes the row-grouping writer gives, and a missing or broken level-2 file a dead letter."""

from __future__ import annotations

import json

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam import pvalue
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from curation.document import ARROW_SCHEMA, Document, to_row
from curation.mix.assign import COPY, CopyAssignment, PartBuffer, ShardKey, copy_ids, part_name
from curation.mix.mixer import copies_of_doc, copy_id
from pipelines.mix_staging import PARTS_DIR, WriteShardFromPartsFn, _WritePartsFn, write_from_staging
from pipelines.stage_transform import DROPPED, ERRORS
from pipelines.write import SHARD_SCHEMA, WriteShardFileFn, WriteShardIndexFn, shard_of, shard_row


def _doc(n: int, category: str = "general") -> Document:
    return Document(id=f"doc-{n:03d}", url=f"https://a.org/{n}", text=f"text of page {n}\nline two",
                    lang="en", scores={"tokens": 7.0 + n}, metadata={"category": category})


def _level2(folder, name: str, docs: list[Document]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([to_row(d) for d in docs], schema=ARROW_SCHEMA),
                   folder / f"{name}.parquet")


def _run(fn: beam.DoFn, element) -> dict[str, list]:
    fn.setup()
    out: dict[str, list] = {"main": [], DROPPED: [], ERRORS: []}
    for result in fn.process(element):
        if isinstance(result, pvalue.TaggedOutput):
            out[result.tag].append(result.value)
        else:
            out["main"].append(result)
    return out


GENERAL_0 = ("general", 0, 1)
CODE_0, CODE_1 = ("code", 0, 2), ("code", 1, 2)


@pytest.mark.parametrize(("case", "decisions", "parts", "dropped", "errors"), [
    # keep: one copy of row 1 goes to the general shard's part
    ("keep", [(1, (COPY, 0, "doc-001", GENERAL_0))], {GENERAL_0: ["doc-001"]}, [], []),
    # copies > 1: the document and its #r1 copy, each to its own shard
    ("copies", [(0, (COPY, 0, "doc-000", CODE_0)), (0, (COPY, 1, copy_id("doc-000", 1), CODE_1))],
     {CODE_0: ["doc-000"], CODE_1: [copy_id("doc-000", 1)]}, [], []),
    # dropped by the mix: to the audit sample, no part
    ("drop", [(2, ("drop", "downsampled"))], {}, [("doc-002", "downsampled")], []),
    # a row the file does not have: a dead letter, the other rows still written
    ("missing row", [(1, (COPY, 0, "doc-001", GENERAL_0)), (9, (COPY, 0, "doc-009", GENERAL_0))],
     {GENERAL_0: ["doc-001"]}, [], [("doc-009", "missing_row")]),
])
def test_a_level2_file_becomes_per_shard_parts(tmp_path, case, decisions, parts, dropped, errors):
    folder = tmp_path / "staging" / "mix"
    _level2(folder, "f1", [_doc(0, "code"), _doc(1), _doc(2)])
    out = _run(_WritePartsFn(str(folder), "mix"), ("f1", decisions))
    got: dict[tuple, list[str]] = {}
    for shard, name in out["main"]:
        rows = pq.read_table(folder / PARTS_DIR / name).to_pylist()
        got.setdefault(tuple(shard), []).extend(row["id"] for row in rows)
        assert name == part_name("f1", ShardKey(*shard), 0)
    assert got == parts, case
    assert [(d.doc.id, d.drop.reason) for _, d in out[DROPPED]] == dropped
    assert [(e["doc_id"], e["error_type"]) for e in out[ERRORS]] == errors


def test_a_copy_row_names_the_document_it_repeats(tmp_path):
    folder = tmp_path / "staging" / "mix"
    _level2(folder, "f1", [_doc(0)])
    out = _run(_WritePartsFn(str(folder), "mix"), ("f1", [(0, (COPY, 1, "x", GENERAL_0))]))
    [(_, name)] = out["main"]
    [row] = pq.read_table(folder / PARTS_DIR / name).to_pylist()
    assert row == shard_row(copies_of_doc(_doc(0), 2)[1])


@pytest.mark.parametrize("problem", ["missing", "not parquet"])
def test_a_missing_or_broken_level2_file_is_a_dead_letter_per_copy(tmp_path, problem):
    folder = tmp_path / "staging" / "mix"
    folder.mkdir(parents=True)
    if problem == "not parquet":
        (folder / "f1.parquet").write_bytes(b"this is not a parquet file")
    decisions = [(0, (COPY, 0, "doc-000", GENERAL_0)), (0, (COPY, 1, "doc-000#r1", GENERAL_0)),
                 (1, ("drop", "downsampled"))]
    out = _run(_WritePartsFn(str(folder), "mix"), ("f1", decisions))
    assert out["main"] == [] and out[DROPPED] == []
    assert sorted(e["doc_id"] for e in out[ERRORS]) == ["doc-000", "doc-000#r1"]
    assert all(e["stage"] == "mix" and e["source"]["file"].endswith("f1.parquet")
               for e in out[ERRORS])


def test_a_small_budget_splits_a_file_into_more_parts_and_the_shard_is_the_same(tmp_path):
    docs = [_doc(n) for n in range(40)]
    folder = tmp_path / "staging" / "mix"
    _level2(folder, "f1", docs)
    decisions = [(n, (COPY, 0, d.id, GENERAL_0)) for n, d in enumerate(docs)]
    out = _run(_WritePartsFn(str(folder), "mix", part_bytes=2_000), ("f1", decisions))
    assert len(out["main"]) > 1
    written = _run(WriteShardFromPartsFn(str(folder / PARTS_DIR), str(tmp_path / "a"), "shards",
                                         "mix", "tokens"), (GENERAL_0, [n for _, n in out["main"]]))
    direct = _run(WriteShardFileFn(str(tmp_path / "b"), "shards", "mix", count_kept=False,
                                   tokens_score="tokens"),
                  (GENERAL_0, [shard_row(d) for d in reversed(docs)]))
    assert written["main"] == direct["main"]
    name = "shards/general/part-00000-of-00001.parquet"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_part_buffer_flushes_every_shard_when_the_budget_is_passed():
    buffer = PartBuffer(max_bytes=600)
    a, b = ShardKey("general", 0, 2), ShardKey("general", 1, 2)
    assert list(buffer.add(a, {"id": "1", "text": "x"})) == []
    flushed = list(buffer.add(b, {"id": "2", "text": "y" * 200}))
    assert [(shard, sequence, len(rows)) for shard, sequence, rows in flushed] == [(a, 0, 1), (b, 0, 1)]
    assert list(buffer.drain()) == []
    assert list(buffer.add(a, {"id": "3", "text": ""})) == []
    assert [(shard, sequence) for shard, sequence, _ in buffer.drain()] == [(a, 1)]


@pytest.mark.parametrize(("copies", "ids"), [
    (1, ["d"]), (3, ["d", copy_id("d", 1), copy_id("d", 2)]), (0, []),
])
def test_copy_ids_are_the_ids_copies_of_doc_writes(copies, ids):
    assert copy_ids("d", copies) == ids
    assert [d.id for d in copies_of_doc(Document(id="d", url="u"), copies)] == ids


def test_the_final_write_writes_only_categories_with_copies_and_moves_no_text(tmp_path):
    """An empty category (every document dropped) gets no shard; the kept ones are numbered and
    sorted as the row-grouping writer numbers and sorts them."""
    folder = tmp_path / "staging" / "mix"
    docs = [_doc(n, "code" if n % 3 else "math") for n in range(30)]
    _level2(folder, "f1", docs[:15])
    _level2(folder, "f2", docs[15:])
    assignments, drops = [], []
    for n, doc in enumerate(docs):
        file, row = ("f1", n) if n < 15 else ("f2", n - 15)
        if doc.metadata["category"] == "math":
            drops.append((file, (row, ("drop", "downsampled"))))
            continue
        for copy, cid in enumerate(copy_ids(doc.id, 1 + n % 2)):
            assignments.append((("code", shard_of(cid, 4), 4), CopyAssignment(file, row, copy, cid)))
    with TestPipeline() as pipeline:
        summaries, dropped, errors = write_from_staging(
            pipeline | "A" >> beam.Create(assignments), pipeline | "D" >> beam.Create(drops),
            str(folder), str(tmp_path), "shards", "mix", "tokens")
        _ = summaries | beam.combiners.ToList() | beam.ParDo(WriteShardIndexFn(str(tmp_path)))
        assert_that(dropped | beam.Map(lambda item: item[1].drop.reason),
                    equal_to(["downsampled"] * 10), label="Dropped")
        assert_that(errors, equal_to([]), label="NoDeadLetters")
    index = json.loads((tmp_path / "shards" / "index.json").read_text())
    assert {s["category"] for s in index} == {"code"}
    files = sorted((tmp_path / "shards" / "code").glob("*.parquet"))
    ids = [pq.read_table(f, columns=["id"]).column("id").to_pylist() for f in files]
    assert all(part == sorted(part) for part in ids)
    expected = sorted(cid for _, a in assignments for cid in [a.id])
    assert sorted(i for part in ids for i in part) == expected
    assert [f.name for f in files] == [f"part-{i:05d}-of-{len(files):05d}.parquet"
                                       for i in range(len(files))]
    assert not (tmp_path / "shards" / "math").exists()
    assert pq.read_schema(files[0]).equals(SHARD_SCHEMA)
