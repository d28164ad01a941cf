"""Token-exact, seeded selection inside one (category, topic) cell.

Per-document coin flips (datatrove's sampler, a Bernoulli draw per document) hit a token budget
only on average; on a few thousand documents the achieved share wanders by whole points. Here
every document gets a rank, a 64-bit blake2b hash of `seed` and its id (never Python's `hash()`,
so the rank is the same on every runner and worker), and a cell's partial pass takes documents
in rank order until its token budget is met: a bottom-k by hash, weighted by tokens. The cut is
the first (rank, id) left out, so a document is taken when `(rank, id) < cut`.

The rule for the last document is the nearest total: a document is taken when its tokens still
fit (`sum + tokens <= need`) or when taking it overshoots the budget by less than leaving it out
falls short; the first document that fails the rule ends the prefix. Documents that share both
rank and id are one unit, taken or left together.

Finding the cut needs the cell's documents in rank order, which at web scale is a global sort.
`boundary_bucket` avoids it: with the cell's tokens summed per rank bucket (the top
`histogram_bits` bits of the rank, a combiner's output), every bucket before the first one that
would overflow the budget is taken whole, the buckets after it are left out, and only the
documents of that one bucket (about 1 / 2^bits of the cell, ranks, ids and token counts only)
are sorted. The rule above is invariant under that split, so the distributed cut equals
`exact_cut` over the whole cell; tests check that they agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

RANK_BITS = 64
Cut = tuple[int, str]
TAKE_NONE: Cut = (0, "")
TAKE_ALL: Cut = (1 << RANK_BITS, "")


def rank_of(doc_id: str, seed: int) -> int:
    """A uniform 64-bit rank of `doc_id`, the same on every machine for the same `seed`."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8,
                             key=str(seed).encode("ascii"))
    return int.from_bytes(digest.digest(), "big")


def bucket_of(rank: int, bits: int) -> int:
    return rank >> (RANK_BITS - bits)


def bucket_start(bucket: int, bits: int) -> Cut:
    return (bucket << (RANK_BITS - bits), "")


def is_taken(rank: int, doc_id: str, cut: Cut) -> bool:
    return (rank, doc_id) < cut


def take_prefix(units: Iterable[tuple[int, str, int]], need: int) -> Cut | None:
    """The cut for `need` tokens over (rank, id, tokens) sorted by (rank, id); None if every
    unit is taken. Units with equal (rank, id) must be adjacent and are taken together."""
    taken = 0
    grouped: list[tuple[int, str, int]] = []
    for rank, doc_id, tokens in units:
        if grouped and grouped[-1][:2] == (rank, doc_id):
            grouped[-1] = (rank, doc_id, grouped[-1][2] + tokens)
        else:
            grouped.append((rank, doc_id, tokens))
    for rank, doc_id, tokens in grouped:
        after = taken + tokens
        if after <= need or after - need < need - taken:
            taken = after
        else:
            return (rank, doc_id)
    return None


def exact_cut(units: Iterable[tuple[int, str, int]], need: int) -> Cut:
    """The reference: sort the whole cell and take the prefix (for tests and `curate stage`)."""
    if need <= 0:
        return TAKE_NONE
    cut = take_prefix(sorted(units), need)
    return TAKE_ALL if cut is None else cut


def boundary_bucket(histogram: Mapping[int, int], need: int) -> tuple[int, int] | Cut:
    """From tokens per rank bucket: the cut itself when no bucket straddles the budget, else
    (bucket, tokens still needed inside it)."""
    if need <= 0:
        return TAKE_NONE
    taken = 0
    for bucket in sorted(histogram):
        if taken + histogram[bucket] > need:
            return bucket, need - taken
        taken += histogram[bucket]
    return TAKE_ALL


def cut_in_bucket(units: Iterable[tuple[int, str, int]], bucket: int, need: int, bits: int) -> Cut:
    """The cut among the documents of the straddling `bucket` (unsorted) for `need` tokens."""
    cut = take_prefix(sorted(units), need)
    return bucket_start(bucket + 1, bits) if cut is None else cut


def copy_id(doc_id: str, copy: int) -> str:
    """The id of the `copy`-th use of a document: the id itself, then `<id>#r1`, `<id>#r2`, ..."""
    return doc_id if copy == 0 else f"{doc_id}#r{copy}"
