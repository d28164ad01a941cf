"""Token-exact, seeded selection inside one (category, topic) cell.

Per-document coin flips (datatrove's `SamplerFilter`, a Bernoulli draw per document) hit a token
budget only on average: on the 1,300-document mix corpus the worst category lands 2.2 points
from its share on average over seeds (benchmarks/mix_bench.py). Here every document gets a rank,
a 64-bit blake2b hash of `seed` and its id (never Python's `hash()`, so the rank is the same on
every runner and worker), and a cell's partial pass takes documents in two steps:

1. Prefix: documents in rank order while they fit (`taken + tokens <= need`); the first one that
   does not fit is the cut, and every document ranked before it is taken: a bottom-k by hash,
   weighted by tokens.
2. Fill: what is still missing (the deficit, less than the document at the cut) is filled from the
   `FILL_CANDIDATES` lowest-ranked documents after the cut that are shorter than twice the
   deficit, each taken in rank order when it still fits. This brings a cell to within a few
   tokens of its budget where a prefix alone can miss by up to a whole document. When a deficit
   is still left, the one candidate that overshoots the budget by less than the deficit (the
   least overshoot, then the lowest rank) is taken too: the cell lands on whichever side of its
   budget is nearer. A corpus of a few long documents per cell (the bundled sample's math and
   code pages) otherwise falls short by most of a document, and every other category's share
   moves with it.

Documents that share both rank and id are one unit of the prefix, taken or left together (in the
fill, one unit is a (rank, id, tokens) triple).

Finding the cut needs the cell in rank order, which at web scale is a global sort.
`boundary_bucket` avoids it: with the cell's tokens summed per rank bucket (the top
`histogram_bits` bits of the rank, a combiner's output), every bucket before the first one that
overflows the budget fits whole, and only the documents of that bucket (about 1 / 2^bits of the
cell: ranks, ids and token counts) are sorted. The fill candidates are a `Top.Smallest` per cell,
another combiner. `exact_selection` does the same by sorting the whole cell; tests check that both
agree, so the Beam mix equals the in-memory one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping

RANK_BITS = 64
FILL_CANDIDATES = 64
Cut = tuple[int, str]
Unit = tuple[int, str, int]  # (rank, id, tokens)
TAKE_NONE: Cut = (0, "")
TAKE_ALL: Cut = (1 << RANK_BITS, "")


@dataclasses.dataclass(frozen=True)
class Selection:
    """A cell's partial pass: everything ranked under `cut`, plus the units in `fill`."""

    cut: Cut
    fill: frozenset[Unit] = frozenset()

    def takes(self, rank: int, doc_id: str, tokens: int) -> bool:
        return (rank, doc_id) < self.cut or (rank, doc_id, tokens) in self.fill


TAKE_NOTHING = Selection(TAKE_NONE)


def rank_of(doc_id: str, seed: int) -> int:
    """A uniform 64-bit rank of `doc_id`, the same on every machine for the same `seed`."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8,
                             key=str(seed).encode("ascii"))
    return int.from_bytes(digest.digest(), "big")


def bucket_of(rank: int, bits: int) -> int:
    return rank >> (RANK_BITS - bits)


def _grouped(units: Iterable[Unit]) -> list[Unit]:
    """Sorted units with equal (rank, id) merged into one."""
    merged: list[Unit] = []
    for rank, doc_id, tokens in sorted(units):
        if merged and merged[-1][:2] == (rank, doc_id):
            merged[-1] = (rank, doc_id, merged[-1][2] + tokens)
        else:
            merged.append((rank, doc_id, tokens))
    return merged


def take_prefix(units: Iterable[Unit], need: int) -> tuple[Cut | None, int]:
    """(the first unit that does not fit, or None if all fit; the tokens taken before it)."""
    taken = 0
    for rank, doc_id, tokens in _grouped(units):
        if taken + tokens > need:
            return (rank, doc_id), taken
        taken += tokens
    return None, taken


def is_fill_candidate(rank: int, doc_id: str, tokens: int, cut: Cut, deficit: int) -> bool:
    return deficit > 0 and tokens < 2 * deficit and (rank, doc_id) >= cut


def choose_fill(candidates: Iterable[Unit], deficit: int) -> frozenset[Unit]:
    """From the lowest-ranked candidates, those taken in rank order while they fit the deficit,
    then the one whose overshoot is smaller than the deficit still left, if any. Here a unit is
    (rank, id, tokens): identical ones are taken together; two documents that share rank and id
    but not length are told apart."""
    chosen: set[Unit] = set()
    lowest = sorted(candidates)[:FILL_CANDIDATES]
    sizes = {unit: unit[2] * lowest.count(unit) for unit in set(lowest)}
    for unit in sorted(sizes):
        if sizes[unit] <= deficit:
            chosen.add(unit)
            deficit -= sizes[unit]
    over = [(sizes[u] - deficit, u) for u in sorted(sizes) if u not in chosen]
    nearer = [(excess, u) for excess, u in over if excess < deficit]
    if nearer:
        chosen.add(min(nearer)[1])
    return frozenset(chosen)


def exact_selection(units: Iterable[Unit], need: int) -> Selection:
    """The reference: sort the whole cell, take the prefix, fill the deficit."""
    if need <= 0:
        return TAKE_NOTHING
    units = list(units)
    cut, taken = take_prefix(units, need)
    if cut is None:
        return Selection(TAKE_ALL)
    deficit = need - taken
    return Selection(cut, choose_fill(
        [u for u in units if is_fill_candidate(u[0], u[1], u[2], cut, deficit)], deficit))


def boundary_bucket(histogram: Mapping[int, int], need: int) -> tuple[int, int] | Cut:
    """From tokens per rank bucket: a final cut (take none or all) when no bucket overflows the
    budget, else (the overflowing bucket, tokens still needed when it starts)."""
    if need <= 0:
        return TAKE_NONE
    taken = 0
    for bucket in sorted(histogram):
        if taken + histogram[bucket] > need:
            return bucket, need - taken
        taken += histogram[bucket]
    return TAKE_ALL


def cut_in_bucket(units: Iterable[Unit], need: int) -> tuple[Cut, int]:
    """The cut among the documents of the overflowing bucket, for the `need` tokens still
    missing when it starts, and the deficit left for the fill."""
    cut, taken = take_prefix(units, need)
    assert cut is not None, "an overflowing bucket always has a unit that does not fit"
    return cut, need - taken


def copy_id(doc_id: str, copy: int) -> str:
    """The id of the `copy`-th use of a document: the id itself, then `<id>#r1`, `<id>#r2`, ..."""
    return doc_id if copy == 0 else f"{doc_id}#r{copy}"
