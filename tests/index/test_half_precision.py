"""serve's query processes scan a large exact vector index in half precision first
(index/vectors.py `VectorIndex._through_half`): the hits must be the exact scan's, on real faiss
files. faiss sums a scan of a few vectors and one of many in different orders, so a score may differ
in its last float32 bit, and hits whose scores tie to that bit may come in another order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosscheck.index import vectors as vector_module
from crosscheck.index.vectors import HALF_FROM, VectorIndex

DIMENSION = 64


TIE = 1e-6  # scores this close are one score, rounded two ways


def assert_same_hits(got: list[tuple[int, float]], want: list[tuple[int, float]]) -> None:
    """The same scores to within TIE, and the same hits but for the order of tied ones (and which
    of a tie at the k-th place are in)."""
    assert len(got) == len(want)
    assert all(abs(g - w) < TIE for (_, g), (_, w) in zip(got, want)), (got, want)
    last = want[-1][1]
    assert {i for i, s in got if s > last + TIE} == {i for i, s in want if s > last + TIE}
    for (i, score), (j, _) in zip(got, want):
        assert i == j or any(abs(score - s) < TIE for r, s in want if r == i) or abs(score - last) < TIE, (got, want)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """A saved exact index past HALF_FROM: vectors around 300 topics, as sentences of a few stories
    are, with exact copies (wire copies: ties), and 40 copies of one vector (a crowd of ties larger
    than the half-precision pool); rowids not in position order."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(300, DIMENSION))
    rows = unit(centres[rng.integers(0, 300, HALF_FROM + 2000)] + 0.6 * rng.normal(size=(HALF_FROM + 2000, DIMENSION)))
    rows = np.vstack([rows, rows[:500], np.repeat(rows[600:601], 40, axis=0)])
    ids = rng.permutation(len(rows)) * 3 + 11
    path = tmp_path_factory.mktemp("vectors") / "sentences.faiss"
    index = VectorIndex(path, DIMENSION)
    index.add(ids, rows)
    index.save()
    return path, rows


def test_the_half_precision_scan_finds_the_exact_scans_hits(saved: tuple[Path, np.ndarray],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path, rows = saved
    rng = np.random.default_rng(8)
    queries = np.vstack([unit(rows[rng.integers(0, len(rows), 300)] + 0.3 * rng.normal(size=(300, DIMENSION))),
                         rows[:20], rows[600:601]])  # copies of stored vectors, the crowd's vector
    exact = VectorIndex(path, DIMENSION, readonly=True)
    mapped = VectorIndex(path, DIMENSION, readonly=True, mapped=True)
    decided: list[bool] = []  # by the half-precision pool, or (False) by the whole index
    real = VectorIndex._through_half
    monkeypatch.setattr(VectorIndex, "_through_half",
                        lambda self, *a: (found := real(self, *a), decided.append(found is not None))[0])
    for k in (1, 10, 30):
        for query in queries:
            assert_same_hits(mapped.search(query, k), exact.search(query, k))
    assert len(decided) == 3 * len(queries) and sum(decided) > 0.9 * len(decided)
    # the crowd: 40 equal scores where the pool holds 30: the whole index is searched
    decided.clear()
    assert [s for _, s in mapped.search(rows[600], 10)] == [pytest.approx(1.0, abs=1e-5)] * 10
    assert decided == [False]


def test_only_a_mapped_exact_index_past_half_from_keeps_a_half_precision_copy(saved: tuple[Path, np.ndarray],
                                                                              tmp_path: Path) -> None:
    path, rows = saved
    assert VectorIndex(path, DIMENSION, readonly=True)._half() is None  # a command's one search: no copy
    assert VectorIndex(path, DIMENSION, readonly=True, mapped=True)._half() is not None
    small = VectorIndex(tmp_path / "small.faiss", DIMENSION)
    small.add(list(range(HALF_FROM - 1)), rows[:HALF_FROM - 1])
    small.save()
    assert VectorIndex(tmp_path / "small.faiss", DIMENSION, readonly=True, mapped=True)._half() is None
    assert vector_module.HALF_POOL * 30 < len(rows)


def test_a_batch_mixing_decided_and_undecided_queries_gets_the_exact_hits(saved: tuple[Path, np.ndarray]) -> None:
    """search_many with one query the pool decides and one it cannot (the crowd of ties): each gets
    the exact scan's hits, and the query of another length than 1 too (the error bound scales)."""
    path, rows = saved
    exact = VectorIndex(path, DIMENSION, readonly=True)
    mapped = VectorIndex(path, DIMENSION, readonly=True, mapped=True)
    mapped.prepare()
    queries = np.vstack([rows[3], rows[600], 3.0 * rows[7]])
    for got, want in zip(mapped.search_many(queries, 10), exact.search_many(queries, 10)):
        assert_same_hits(got, want)
