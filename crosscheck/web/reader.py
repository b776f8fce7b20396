"""The index as the server reads it, from many threads: a SQLite connection per thread, the
vectors and the model loaded once, and caches that last until the index changes.

Concurrency: uvicorn runs one event loop; Starlette runs each endpoint in its thread pool, but
/api/query, a coroutine that awaits the query processes (`query_async`).
- Each worker thread opens its own `Index` (its own SQLite connection: sqlite3 connections
  stay in the thread that made them); SQLite's WAL lets `crosscheck ingest` write meanwhile.
- The faiss indexes are loaded once and shared by all threads (`Index.share_vectors`); when
  an ingest saves new ones, the next request loads them again.
- With the default model, searches run in web/embedding.py's query processes (`QueryEmbedder`,
  one per core): the queries that arrive together are embedded there as one batch, and each is
  searched right after in the same process, which has the index open too (the query processes
  map its vector files and share one copy). The server's own process speaks HTTP and renders.
  Before, it searched, one search at a time (docs/performance.md, "Searches in the query
  processes").
- With any other model, the queries are embedded in this process, batched the same way, and then
  searched one at a time (`IndexReader.query`): the search is Python under one GIL, and eight
  threads searching at once spent about as much CPU handing the GIL to each other as searching
  (docs/performance.md, "Searches one at a time"). faiss searches with one OpenMP thread. What
  re-ranking reads of each candidate (its row, anchors, vector and anchor weights) is kept
  between searches until the vector files change (`query.ArticleFacts`).
- Comparisons run in parallel.
- Reads never write: stories change only in the `--update-every` thread (or other commands).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..compare.diff import compare_articles
from ..compare.results import Comparison
from ..index.embed import Embedder, UseMultilingual, get_embedder
from ..index.folder import Index
from ..index.paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, file_state, index_dir, vector_files_state
from ..index.query import ArticleFacts, search
from ..index.vectors import DEFAULT_VECTOR_INDEX, VectorIndex
from ..records import Hit, Story
from ..errors import CrosscheckError
from ..stories.catalog import filter_stories, get_story, story_listing, with_titles
from .embedding import QUERY_THREADS, QueryEmbedder, SearchRequest
from .pages import MIN_ARTICLES_SHOWN, STORIES_PER_PAGE

__all__ = ["IndexReader", "ComparisonFailed", "DEFAULT_K", "QUERY_THREADS", "open_for_reading", "open_for_writing"]

log = logging.getLogger("crosscheck")

DEFAULT_K = 10         # results of /api/query, as `crosscheck query`
CACHE_ENTRIES = 512    # comparisons and story listings kept in memory (a comparison is ~100 KB)

T = TypeVar("T")


def _query_embedder(path: Path, model: str, embedder: Embedder | None) -> QueryEmbedder:
    """The model for answering queries: the default one in worker processes that also search the
    index at `path` (web/embedding.py), any other (or the caller's own `embedder`) in this process."""
    if embedder is None and model != UseMultilingual.model_id:
        embedder = get_embedder(model)
    return QueryEmbedder(model, embedder, index=path)


def open_for_reading(path: Path, embedder: Embedder | None = None) -> Index:
    """The one place the server opens the index to read it."""
    return Index.open(path, embedder=embedder, readonly=True)


def open_for_writing(path: Path, embedder: Embedder | None = None) -> Index:
    """The one place the server opens the index to change it (the --update-every thread). It
    does not wait for another writer (an ingest running): IndexLocked, and the next round tries."""
    return Index.open(path, embedder=embedder, wait=False)


class IndexReader:
    """An index folder opened for reading by many threads: a SQLite connection per thread,
    the vectors and the model loaded once, and caches that last until the index changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None, embedder: Embedder | None = None) -> None:
        self.path = index_dir(path)
        with open_for_reading(self.path, embedder) as ix:  # IndexNotFound, IndexModelMismatch
            self.model = ix.model
        self.embedder = _query_embedder(self.path, self.model, embedder)
        self._local = threading.local()
        self._vectors_lock = threading.Lock()
        # the vector files' state, their indexes, and what searches read of their articles meanwhile
        self._vectors: tuple[tuple[tuple[int, int, int], ...], VectorIndex, VectorIndex, ArticleFacts] | None = None
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._computing: dict[Any, threading.Event] = {}  # values a thread is computing now
        self._comparer = _Comparer(self)
        self._searching = threading.Lock()  # one search at a time (the module docstring)
        self._shut = False

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        ix = getattr(self._local, "index", None)
        if ix is not None:
            ix.close()
            self._local.index = None

    # -- state -----------------------------------------------------------------------------
    def _vector_files(self) -> tuple[tuple[int, int, int], ...]:
        return vector_files_state(self.path)

    def data_version(self, ix: Index) -> tuple[Any, ...]:
        """Changes whenever anything writes to the index: the files' state, and what the rows
        say. File times alone can miss a commit: two writes within the file system's clock tick
        leave the WAL's size and time unchanged, and a listing would stay stale."""
        return (file_state(self.path / DB_NAME), file_state(self.path / f"{DB_NAME}-wal"), *self._vector_files(),
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
                articles = VectorIndex(self.path / ARTICLE_VECTORS, dimension, factory, readonly=True)
                sentences = VectorIndex(self.path / SENTENCE_VECTORS, dimension, factory, readonly=True)
                self._vectors = current = (state, articles, sentences, ArticleFacts())
                log.info("serve: loaded %d article and %d sentence vectors in %.2f s",
                         len(articles), len(sentences), time.perf_counter() - started)
            return current[1], current[2]
        finally:
            self._vectors_lock.release()

    def index(self) -> Index:
        """This thread's `Index`, with the shared model and the newest vectors."""
        ix: Index | None = getattr(self._local, "index", None)
        if ix is None:
            import faiss

            # for faiss's searches in this thread (see QUERY_THREADS): OpenMP's thread count is each
            # thread's own, so it is set in every thread that reads, not once for the process
            faiss.omp_set_num_threads(QUERY_THREADS)
            ix = open_for_reading(self.path, self.embedder)
            self._local.index = ix
        ix.share_vectors(*self._shared_vectors(ix))
        return ix

    def warm(self) -> None:
        """Load the model and the vectors now, list the stories and compare the newest, so that
        the first requests answer at once; the rest of the index page's first page is compared
        in the background. (The first comparison in a process also loads what comparing needs:
        seconds on a busy machine.)"""
        self.embedder.start()
        ix = self.index()
        self.query(ix, "warm up", k=1)
        first_page = [s for s in self.listing(ix) if len(s.articles) >= MIN_ARTICLES_SHOWN][:STORIES_PER_PAGE]
        if not first_page:
            return
        newest, *rest = self.titled(ix, first_page)
        try:
            self.comparison(ix, get_story(ix, newest.id))
        except (ComparisonFailed, CrosscheckError):
            pass  # its page says so when asked
        for story in rest:
            self.compared(story)  # in the background

    def shutdown(self, now: bool = False) -> None:
        """Stop the background comparisons and the query model's worker processes (the server
        stops); again, nothing more. `now`: without waiting for the comparison or the model loads
        under way (the server stopped while it started: web/server.py `run`)."""
        if self._shut:
            return
        self._shut = True
        self._comparer.stop(wait=not now)
        self.embedder.close(now=now)

    # -- reads -----------------------------------------------------------------------------
    def cached(self, key: Any, compute: Callable[[], T], version: Any = None) -> T:
        """`compute()`, kept until `version` changes (None: kept until pushed out). One thread
        computes a value at a time: another that asks for it meanwhile (a story page while the
        index page's comparisons run in the background) waits for it instead of computing it too."""
        full = (key, version)
        while True:
            with self._cache_lock:
                if full in self._cache:
                    self._cache.move_to_end(full)
                    return self._cache[full]  # type: ignore[no-any-return]
                running = self._computing.get(full)
                if running is None:
                    running = self._computing[full] = threading.Event()
                    break
            running.wait()  # then look again: computed, or failed and ours to try
        try:
            value = compute()
            with self._cache_lock:
                self._cache[full] = value
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
            return value
        finally:
            with self._cache_lock:
                del self._computing[full]
            running.set()

    def query(self, ix: Index, text: str, k: int = DEFAULT_K, language: str | None = None,
              camp: str | None = None, sentences: bool = False) -> list[Hit]:
        """`search`, in a query-model worker process with the default model (web/embedding.py: the
        hits' articles then come without their text, which no page shows); with any other, here,
        with what earlier searches read of the same vectors' articles (ArticleFacts): the text
        embedded while other searches run, then searched when no other search is."""
        if self.embedder.searches:
            return self.embedder.search(SearchRequest(text, k, language, camp, sentences))
        vector = ix.embedder.embed([text])[0] if text.strip() else None  # an empty text: search says so
        with self._searching:
            return search(ix, text, k=k, language=language, camp=camp, sentences=sentences,
                          facts=self._facts(ix), vector=vector)

    async def query_async(self, text: str, k: int = DEFAULT_K, language: str | None = None,
                          camp: str | None = None, sentences: bool = False) -> list[Hit]:
        """`query` for an asynchronous handler: with the default model awaited in the event loop
        while a query process searches (no thread waits for it); with any other, `query` in a
        worker thread."""
        if self.embedder.searches:
            return await self.embedder.search_async(SearchRequest(text, k, language, camp, sentences))
        import anyio.to_thread

        return await anyio.to_thread.run_sync(lambda: self.query(self.index(), text, k, language, camp, sentences))

    def _facts(self, ix: Index) -> ArticleFacts | None:
        """The ArticleFacts of the vectors `ix` searches (None if newer ones came meanwhile)."""
        current = self._vectors
        return current[3] if current is not None and current[1] is ix.article_vectors else None

    def comparison(self, ix: Index, story: Story) -> Comparison:
        """The story's comparison, computed once for the same articles (a failure too: it is
        raised again from the cache, not computed again on every request)."""
        key = _comparison_key(story)

        def compute() -> Comparison | str:
            try:
                return compare_articles(ix, story)
            except Exception as e:
                log.exception("serve: comparing story %s failed", story.id)
                return f"{type(e).__name__}: {e}"

        return _compared(story, self.cached(key, compute))

    def compared(self, story: Story) -> Comparison | None:
        """The story's comparison if it is cached (ComparisonFailed if it failed), else None and
        it is compared in the background (`_Comparer`): a page that lists stories waits for none."""
        with self._cache_lock:
            found = self._cache.get((_comparison_key(story), None))
        if found is None:
            self._comparer.ask(story)
            return None
        return _compared(story, found)

    def listing(self, ix: Index, since: str | None = None, camp: str | None = None) -> list[Story]:
        """The stories (filtered by `since` and `camp`), newest first, untitled and without the
        articles' texts (catalog.story_listing): the index's stories are read once until the index
        changes, and each filter keeps its share of those (the same Story objects); `titled`
        gives a page of them its titles."""
        version = self.data_version(ix)
        everything = self.cached("listing", lambda: story_listing(ix, with_text=False), version)
        if since is None and camp is None:
            return everything
        return self.cached(("listing", since, camp), lambda: filter_stories(everything, since, camp), version)

    def titled(self, ix: Index, stories: list[Story]) -> list[Story]:
        """`stories` of the listing with their titles (kept in the listing for the next request)."""
        return with_titles(ix, stories)

    def stories(self, ix: Index, since: str | None = None, camp: str | None = None,
                min_articles: int = 1) -> list[Story]:
        """The listing with titles, as `crosscheck stories --json` gives it."""
        return self.titled(ix, [s for s in self.listing(ix, since, camp) if len(s.articles) >= min_articles])

    def languages(self, ix: Index) -> list[str]:
        return self.cached("languages", ix.store.languages, self.data_version(ix))


def _comparison_key(story: Story) -> tuple[Any, ...]:
    return ("compare", story.id, tuple(a.rowid for a in story.articles))


def _compared(story: Story, found: Comparison | str) -> Comparison:
    """A cached comparison, or ComparisonFailed for a failure cached as its message."""
    if isinstance(found, str):
        raise ComparisonFailed(f"comparing story {story.id} failed ({found})")
    return found


class _Comparer:
    """Compares stories in a thread of its own, one at a time, for the index page: comparing its
    20 stories took 6.3 s on the first load of a 10,000-article index (docs/performance.md), so
    the page shows the claims of the stories already compared and asks for the others here. One
    thread, so that a core stays free for the requests."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self._queue: queue.Queue[Story | None] = queue.Queue()
        self._asked: set[tuple[Any, ...]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def ask(self, story: Story) -> None:
        key = _comparison_key(story)
        with self._lock:
            if key in self._asked:
                return
            self._asked.add(key)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="crosscheck-comparer", daemon=True)
                self._thread.start()
        self._queue.put(story)

    def stop(self, wait: bool = True) -> None:
        """No more comparisons; `wait`: for the one under way to end (else it ends with the process)."""
        self._stopped = True
        if self._thread is not None:
            self._queue.put(None)
            if wait:
                self._thread.join(timeout=30)

    def _run(self) -> None:
        while (story := self._queue.get()) is not None and not self._stopped:
            try:
                ix = self.reader.index()
                self.reader.comparison(ix, get_story(ix, story.id))  # the whole articles, with their texts
            except (ComparisonFailed, CrosscheckError):
                pass  # logged by comparison(), or the story is gone: the page says so when asked again
            except Exception:
                log.exception("serve: comparing story %s in the background failed", story.id)
            finally:
                with self._lock:
                    self._asked.discard(_comparison_key(story))


class ComparisonFailed(RuntimeError):
    """A story whose claims could not be compared (a bug, logged once with its traceback)."""
