"""Agglomeration on a heap, for stories (articles into stories, average linkage) and claim
groups (claims into facts, best-match linkage: compare/grouping.py).

Clusters start as given; the closest pair of neighbours merges while their score is at least
the threshold, and the merged cluster is scored again against its neighbours. The caller keeps
the clusters and says how two of them score (`score`, None when they may never merge: two
existing stories, two claims of one article) and how one absorbs another (`merge`). A lone
member joins by its average under both linkages, so neither chains one member at a time: a
member that resembles one member of a cluster, but not the cluster as a whole, stays out.

Ties are broken by the pair's indexes, so the same input always merges the same way; the
lower index absorbs the higher (the older story keeps its id).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

__all__ = ["agglomerate"]


def agglomerate(count: int, neighbours: Iterable[tuple[int, int]], threshold: float,
                score: Callable[[int, int], float | None], merge: Callable[[int, int], None]) -> set[int]:
    """Merge clusters 0..count-1 along `neighbours` (pairs that may be compared) while the best
    pair's `score(i, j)` (i < j) is at least `threshold`; `merge(i, j)` folds j into i. A merged
    cluster's neighbours are both clusters' neighbours. Returns the clusters left."""
    links: list[set[int]] = [set() for _ in range(count)]
    for i, j in neighbours:
        if i != j:
            links[i].add(j)
            links[j].add(i)
    version = [0] * count
    alive = set(range(count))
    heap: list[tuple[float, int, int, int, int]] = []

    def push(i: int, j: int) -> None:
        a, b = min(i, j), max(i, j)
        value = score(a, b)
        if value is not None and value >= threshold:
            heapq.heappush(heap, (-value, a, b, version[a], version[b]))

    for i in range(count):
        for j in links[i]:
            if i < j:
                push(i, j)
    while heap:
        _neg, i, j, vi, vj = heapq.heappop(heap)
        if i not in alive or j not in alive or version[i] != vi or version[j] != vj:
            continue
        merge(i, j)
        version[i] += 1
        alive.discard(j)
        for n in links[j]:
            links[n].discard(j)
            links[n].add(i)
        links[i] = (links[i] | links[j]) - {i, j}
        for n in links[i]:
            if n in alive:
                push(i, n)
    return alive
