"""Connected components of the near-duplicate graph, two ways.

- `union_find_components`: the exact in-memory reference (union by rank, path compression).
- Large-star / small-star (Kiveris, Lattanzi, Mirrokni, Rastogi and Vassilvitskii, "Connected
  Components in MapReduce and Beyond", SoCC 2014): the distributed algorithm the Beam pipeline
  runs. Each node sees only its own neighbour list, read twice as a stream (once for the minimum,
  once to emit), so no worker holds more than one key's values and none holds the graph. The
  rounds converge to one star per component, centred on its smallest node, in O(log^2 n) rounds;
  a round that changes no edge is a fixed point. `star_components` runs the same node functions
  in memory, so tests can check them against union-find (`curate stage` uses union-find).

Nodes are strings (document ids); a component's label is its smallest node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

Edge = tuple[str, str]


def union_find_components(nodes: Iterable[str], edges: Iterable[Edge]) -> dict[str, str]:
    parent: dict[str, str] = {node: node for node in nodes}

    def find(node: str) -> str:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for u, v in edges:
        parent.setdefault(u, u)
        parent.setdefault(v, v)
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    return {node: find(node) for node in parent}


def large_star(node: str, neighbours: Callable[[], Iterable[str]]) -> Iterator[tuple[Edge, bool]]:
    """Connect every larger neighbour of `node` to the smallest of `node` and its neighbours.
    `neighbours` is called twice (a re-iterable stream). Yields (edge, changed)."""
    smallest = min(neighbours(), default=node)
    smallest = min(smallest, node)
    for other in neighbours():
        if other > node:
            yield (other, smallest), smallest != node


def small_star(node: str, smaller: Callable[[], Iterable[str]]) -> Iterator[Edge]:
    """`smaller` are the neighbours of `node` smaller than it: connect them and `node` to the
    smallest of them."""
    smallest = min(smaller(), default=node)
    for other in smaller():
        if other != smallest:
            yield (other, smallest)
    if node != smallest:
        yield (node, smallest)


def star_components(
    nodes: Iterable[str], edges: Iterable[Edge], max_rounds: int = 64
) -> tuple[dict[str, str], int]:
    """(node -> label, rounds used) by large-star/small-star rounds in memory."""
    current = {_ordered(u, v) for u, v in edges if u != v}
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - the count is returned
        adjacency: dict[str, set[str]] = defaultdict(set)
        for u, v in current:
            adjacency[u].add(v)
            adjacency[v].add(u)
        after_large: set[Edge] = set()
        changed = False
        for node, neigh in adjacency.items():
            for edge, moved in large_star(node, lambda neigh=neigh: neigh):
                after_large.add(_ordered(*edge))
                changed |= moved
        smaller: dict[str, set[str]] = defaultdict(set)
        for u, v in after_large:
            smaller[max(u, v)].add(min(u, v))
        after_small = {_ordered(*edge) for node, low in smaller.items()
                       for edge in small_star(node, lambda low=low: low)}
        if not changed and after_small == current:
            break
        current = after_small
    labels = {node: node for node in nodes}
    for u, v in current:
        low, high = _ordered(u, v)
        labels[high] = min(labels.get(high, high), low)
        labels.setdefault(low, low)
    return labels, rounds


def _ordered(u: str, v: str) -> Edge:
    return (u, v) if u <= v else (v, u)
