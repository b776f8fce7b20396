"""The vector files of an index: faiss indexes over unit vectors keyed by SQLite rowids, and
the sink that adds vectors and saves them at checkpoints."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import IndexDamaged, IndexWriteFailed

__all__ = ["DEFAULT_VECTOR_INDEX", "APPROXIMATE_FROM", "NPROBE", "CHECKPOINT_SECONDS", "VectorIndex",
           "VectorSink", "approximate_factory"]

log = logging.getLogger("crosscheck")

DEFAULT_VECTOR_INDEX = "IDMap2,Flat"  # exact inner product; see VectorIndex


# Exact search up to this many vectors, an approximate index past it (docs/performance.md).
APPROXIMATE_FROM = 100_000


NPROBE = 64  # inverted lists visited per query by the approximate index

# A mapped exact index of at least this many vectors (serve's query processes) is scanned first in
# half precision, at half the memory traffic, and only the nearest HALF_POOL times k are then scored
# exactly (`VectorIndex._through_half`): the exact scan's hits, in less time.
HALF_FROM = 8192
HALF_POOL = 3
# At most how far a half-precision inner product of two unit vectors can be from the exact one: each
# component rounded to 11 bits (2**-11 of it at most, so 2**-11 in all by Cauchy-Schwarz), doubled
# for float32 sums and stored vectors a little longer than 1; scaled by a query's own length. The
# copy costs each process that keeps it 2 bytes a dimension and 8 for the id of each vector (17,195
# sentences of 512 dimensions: 17.8 MB; 100,000, where the approximate index takes over: 103 MB).
HALF_ERROR = 1e-3


def _faiss_reason(error: BaseException) -> str:
    """The useful end of a faiss error ("... No space left on device"), on one line."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = " ".join(str(error).split())
    for known in ("No space left on device", "Permission denied", "Read-only file system"):
        if known in text:
            return known
    return text[-160:] or type(error).__name__


def _faiss() -> Any:
    """faiss, imported when first needed (it is slow to import); typed loosely, since its
    bundled stubs miss much of its SWIG API."""
    import faiss

    return faiss


def approximate_factory(n: int) -> str:
    """The faiss type for a collection of `n` vectors that has outgrown exact search:
    an inverted file of about 4·√n lists, vectors stored as 8-bit scalars (a quarter of
    the memory of float32)."""
    nlist = 1 << max(6, round(math.log2(4 * math.sqrt(max(n, 1)))))
    return f"IVF{nlist},SQ8"


class VectorIndex:
    """A faiss index over unit vectors (inner product = cosine), keyed by SQLite rowids.

    Exact search (`IDMap2,Flat`) while the collection is small; `convert_if_large` switches
    to an approximate inverted-file index (`approximate_factory`), trained on the vectors
    already there, once it holds APPROXIMATE_FROM vectors. Callers see the same methods.

    The inverted file keeps the rowids itself (IVF indexes take ids natively) with a hash
    table from id to entry, for `reconstruct` and `remove`. It is not wrapped in `IDMap2`:
    that wrapper assumes the index under it renumbers its entries after a removal, which an
    inverted file does not, and in faiss 1.15 its first add left the hash table empty.
    """

    def __init__(self, path: Path, dimension: int, factory: str = DEFAULT_VECTOR_INDEX,
                 readonly: bool = False, mapped: bool = False) -> None:
        """`mapped` (read-only only): the file mapped into memory, not read, so that processes that
        read one index share one copy of its vectors in the page cache (serve's query processes).
        A writer replaces the file by renaming (`save`), so a mapping keeps the file it mapped; a
        file rewritten in place under it would crash the process (SIGBUS), which is why only
        processes that are replaced when they die map (web/embedding.py)."""
        if mapped and not readonly:
            raise ValueError("only a read-only VectorIndex may be mapped")
        faiss = _faiss()
        self.path = path
        self.dimension = dimension
        self.readonly = readonly
        self._index: Any = None
        self._ivf_of: Any = None  # the index `_ivf_found` was found for
        self._ivf_found: Any = None
        self.mapped = mapped
        self._half_of: Any = None  # the index `_half_found` was made for
        self._half_found: tuple[Any, np.ndarray, np.ndarray] | None = None
        if path.exists():
            try:
                self._index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mapped else 0)
            except RuntimeError as e:  # not a faiss file, or a truncated one
                if readonly:
                    raise IndexDamaged(path, f"unreadable vector file: {_faiss_reason(e)}") from None
                aside = path.with_name(path.name + ".damaged")
                os.replace(path, aside)
                log.warning("%s was unreadable (%s): moved to %s; its vectors are made again",
                            path, _faiss_reason(e), aside.name)
        if self._index is None:
            self._index = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        self._prepare_ivf()

    def _ivf(self):  # type: ignore[no-untyped-def]
        """The inverted file of an approximate index, None for an exact one; found once for each
        index (faiss answers an exact one with an exception, which took 1% of a server's searches)."""
        if self._ivf_of is not self._index:
            faiss = _faiss()
            try:
                self._ivf_found = faiss.extract_index_ivf(self._index)
            except RuntimeError:
                self._ivf_found = None
            self._ivf_of = self._index
        return self._ivf_found

    def _prepare_ivf(self) -> None:
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return
        outer = faiss.downcast_index(self._index)
        if isinstance(outer, faiss.IndexIDMap2):
            # written by earlier versions of crosscheck: IDMap2 around the inverted file, whose
            # entries are numbered 0..n-1 in the order of the wrapper's id_map
            ids = faiss.vector_to_array(outer.id_map).astype(np.int64)
            ivf.set_direct_map_type(faiss.DirectMap.NoMap)
            ivf.set_direct_map_type(faiss.DirectMap.Array)  # rebuilt from the inverted lists
            vectors = ivf.reconstruct_n(0, ivf.ntotal)
            upgraded = faiss.clone_index(ivf)
            upgraded.reset()
            upgraded.set_direct_map_type(faiss.DirectMap.Hashtable)
            for start in range(0, len(ids), 100_000):
                upgraded.add_with_ids(vectors[start:start + 100_000], ids[start:start + 100_000])
            log.info("%s: approximate index re-keyed by rowid (%d vectors)", self.path.name, len(ids))
            self._index = upgraded
            ivf = faiss.extract_index_ivf(upgraded)
            if not self.readonly:
                self.save()  # once
        ivf.nprobe = NPROBE
        if ivf.direct_map.type != faiss.DirectMap.Hashtable:
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id

    @property
    def description(self) -> str:
        ivf = self._ivf()
        if ivf is None:
            return "exact (Flat)"
        return f"approximate (IVF{ivf.nlist},SQ8, nprobe {ivf.nprobe})"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None
               ) -> list[tuple[int, float]]:
        found = self.search_many(vector.reshape(1, -1), k, allowed)
        return found[0] if found else []

    def search_many(self, vectors: np.ndarray, k: int, allowed: Sequence[int] | None = None
                    ) -> list[list[tuple[int, float]]]:
        """The k nearest (id, score) for each row of `vectors`, optionally only among `allowed` ids."""
        faiss = _faiss()
        if len(self) == 0 or k <= 0 or (allowed is not None and not len(allowed)):
            return [[] for _ in range(len(vectors))]
        selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if self._ivf() is not None:
            params = faiss.SearchParametersIVF(sel=selector, nprobe=NPROBE)
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if selector is None and (half := self._half()) is not None and HALF_POOL * k < len(self):
            through = [self._through_half(half, vector, k) for vector in vectors]
            return [hits if hits is not None else self._exact(vector[None], k, None)[0]
                    for hits, vector in zip(through, vectors)]
        return self._exact(vectors, k, params)

    def _exact(self, vectors: np.ndarray, k: int, params: Any) -> list[list[tuple[int, float]]]:
        """The index's own search of `vectors` (float32, contiguous)."""
        scores, ids = self._index.search(vectors, min(k, len(self)), params=params)
        return [[(int(i), float(s)) for i, s in zip(row_ids, row_scores) if i >= 0]
                for row_ids, row_scores in zip(ids, scores)]

    def prepare(self) -> None:
        """Make now what a mapped index keeps for its searches (its half-precision copy), rather than
        in the first search: 37 ms for 20,000 vectors of 512 dimensions, about 190 ms for 100,000."""
        self._half()

    def _half(self) -> tuple[Any, np.ndarray, np.ndarray] | None:
        """For a mapped exact index of HALF_FROM vectors or more: its vectors in half precision (a
        faiss scalar quantizer), the exact vectors (the mapped file's, not a copy) and the id of
        each position; made once, None for any other."""
        if not self.mapped or len(self) < HALF_FROM or self._ivf() is not None:
            return None
        if self._half_of is not self._index:
            faiss = _faiss()
            outer = faiss.downcast_index(self._index)
            flat = faiss.downcast_index(outer.index) if isinstance(outer, faiss.IndexIDMap2) else None
            if not isinstance(flat, faiss.IndexFlatIP):  # another factory's index: searched as it is
                return None
            n = int(flat.ntotal)
            vectors = faiss.rev_swig_ptr(flat.get_xb(), n * self.dimension).reshape(n, self.dimension)
            half = faiss.IndexScalarQuantizer(self.dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
            for start in range(0, n, 100_000):
                half.add(vectors[start:start + 100_000])
            self._half_found = (half, vectors, faiss.vector_to_array(outer.id_map).astype(np.int64))
            self._half_of = self._index
        return self._half_found

    def _through_half(self, half: tuple[Any, np.ndarray, np.ndarray], vector: np.ndarray, k: int
                      ) -> list[tuple[int, float]] | None:
        """The exact k nearest of `vector`: the half-precision copy's HALF_POOL * k nearest, then an
        exact scan of those alone, in the order they are stored. Whatever the copy left out scored
        at most its last score there, so at most HALF_ERROR more exactly: when that is below the
        k-th exact score, nothing left out could be among the k; otherwise (a crowd of near ties)
        None, and the caller searches the whole index. faiss sums a scan of a few vectors in
        another order than one of many, so a score may differ from the whole index's in its last
        float32 bit (and hits that tie to that bit may come in another order)."""
        faiss = _faiss()
        index, stored, ids = half
        error = HALF_ERROR * float(np.linalg.norm(vector))
        near, positions = index.search(vector[None], HALF_POOL * k)
        pool = np.sort(positions[0][positions[0] >= 0])
        exact = faiss.IndexFlatIP(self.dimension)
        exact.add(stored[pool])
        scores, found = exact.search(vector[None], k)
        if not float(near[0][-1]) + error < float(scores[0][-1]):
            return None
        return [(int(ids[pool[i]]), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]

    def reconstruct(self, ids: Sequence[int]) -> np.ndarray:
        return np.vstack([self._index.reconstruct(int(i)) for i in ids]) if len(ids) else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def convert_if_large(self, threshold: int) -> bool:
        """Switch from exact to approximate search once the index holds `threshold` vectors."""
        faiss = _faiss()
        n = len(self)
        if n < threshold or self._ivf() is not None:
            return False
        ids = faiss.vector_to_array(faiss.downcast_index(self._index).id_map).astype(np.int64)
        flat = faiss.downcast_index(faiss.downcast_index(self._index).index)
        vectors = faiss.vector_to_array(flat.codes).view(np.float32).reshape(n, self.dimension)
        factory = approximate_factory(n)
        index = faiss.index_factory(self.dimension, factory, faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.extract_index_ivf(index)
        sample = np.random.default_rng(0).choice(n, size=min(n, 64 * ivf.nlist), replace=False)
        log.info("switching %s to %s (%d vectors)", self.path.name, factory, n)
        index.train(vectors[np.sort(sample)])
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        for start in range(0, n, 100_000):
            index.add_with_ids(vectors[start:start + 100_000], ids[start:start + 100_000])
        self._index = index
        self._prepare_ivf()
        return True

    def reset(self) -> None:
        self._index.reset()

    def ids(self) -> np.ndarray:
        """Every id stored, once per entry (a duplicate shows twice)."""
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return faiss.vector_to_array(faiss.downcast_index(self._index).id_map).astype(np.int64)
        parts = []
        for number in range(ivf.nlist):
            size = ivf.invlists.list_size(number)
            if size:
                parts.append(faiss.rev_swig_ptr(ivf.invlists.get_ids(number), size).astype(np.int64))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def save(self) -> None:
        """Write the file through a temp file of its own, then rename it over the old one: a
        reader opens either the old file or the new one, never half of one.

        The temp file is created exclusively under a random name (mkstemp: O_EXCL and
        O_NOFOLLOW, so no existing name, a planted symlink included, is ever opened) and kept
        open while faiss writes it; it is renamed into place only if its name still holds that
        same file. A symlink put in its place is removed (the link, not its target), never
        installed as the vector file."""
        faiss = _faiss()
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            faiss.write_index(self._index, tmp)
            if not _holds(tmp, fd):
                raise OSError(f"its temp file {Path(tmp).name} was replaced while it was written")
            os.replace(tmp, self.path)
        except BaseException as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # the name only: a symlink there is removed, not followed
            if isinstance(e, (RuntimeError, OSError)):
                raise IndexWriteFailed(self.path, _faiss_reason(e)) from None
            raise
        finally:
            os.close(fd)


def _holds(name: str, fd: int) -> bool:
    """True when the directory entry `name` is still the regular file open as `fd`."""
    try:
        entry = os.lstat(name)
    except OSError:
        return False
    return os.path.samestat(entry, os.fstat(fd))


# Long runs save their vectors and mark the rows done every CHECKPOINT_SECONDS, or every ten
# times as long as the last save took when the files are large, so that an interrupted run
# loses little work and saving never takes more than about a tenth of the time (less once the
# sentence index is approximate: see Index.checkpoint).
CHECKPOINT_SECONDS = 60.0


class _Checkpointing(Protocol):
    """What a VectorSink adds to and saves: an index folder (`Index`)."""

    @property
    def article_vectors(self) -> VectorIndex: ...

    @property
    def sentence_vectors(self) -> VectorIndex: ...

    def checkpoint(self, rowids: list[int]) -> float: ...


class VectorSink:
    """Adds vectors to the index's faiss indexes and saves them, with the rows marked embedded, every
    CHECKPOINT_SECONDS (or ten times as long as the last save took): a stopped run loses little."""

    def __init__(self, index: _Checkpointing) -> None:
        self.index = index
        self.unsaved: list[int] = []
        self.added = 0
        self.started = time.monotonic()
        self.interval = CHECKPOINT_SECONDS

    def add(self, article_ids: Sequence[int], article_vectors: np.ndarray, sentence_ids: Sequence[int],
            sentence_vectors: np.ndarray | None) -> None:
        index = self.index
        index.article_vectors.add(article_ids, article_vectors)
        if len(sentence_ids) and sentence_vectors is not None:
            index.sentence_vectors.add(sentence_ids, sentence_vectors)
        self.unsaved.extend(article_ids)
        self.added += len(article_ids)
        if time.monotonic() - self.started >= self.interval:
            took = index.checkpoint(self.unsaved)
            self.unsaved, self.started, self.interval = [], time.monotonic(), max(CHECKPOINT_SECONDS, 10 * took)

    def finish(self) -> None:
        """Save what is left (switching to approximate search if the collection passed
        APPROXIMATE_FROM since the last checkpoint: Index.checkpoint)."""
        if not self.added:
            return
        self.index.checkpoint(self.unsaved)
        self.unsaved = []
