"""`crosscheck serve`: the index in a browser, with a JSON API.

One more reader of the index (docs/architecture.md): the pages are the static report's
templates and CSS (crosscheck/present/), the API answers with the same JSON as the command
line (present/shapes.py). The routes are web/views.py, the index as many threads read it
web/reader.py; this module builds the application and runs it.

Starlette on uvicorn, not FastAPI: the API is five GET routes whose parameters one small
function checks, so FastAPI's additions (pydantic models, dependency injection, OpenAPI pages)
would be weight without use, and its validation errors answer 422 where the API promises 400.
Starlette is the toolkit FastAPI is built on: routing, responses, lifespan, and a thread pool
for plain functions, which is what crosscheck's synchronous library needs.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import ArticleNotFound, CrosscheckError, InvalidInput, StoryNotFound
from ..index.embed import Embedder
from ..stories.clustering import update_stories
from .address import DEFAULT_HOST, DEFAULT_PORT
from .pages import render_error
from .reader import IndexReader, open_for_writing
from .views import ROUTES, Handler, html_response, json_response

if TYPE_CHECKING:
    import uvicorn

__all__ = ["StoryUpdater", "create_app", "run", "server_config"]

log = logging.getLogger("crosscheck")

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
            with open_for_writing(self.path, self.embedder) as ix:
                ix.embed_pending()  # articles a stopped ingest left without vectors join stories too
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


_HEADINGS = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 500: "Something went wrong"}


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return json_response({"error": message, "status": status}, status)
    return html_response(render_error(status, _HEADINGS.get(status, "Error"), message), status)


def _status_of(exc: CrosscheckError) -> int:
    if isinstance(exc, InvalidInput):  # a language no article is in, an empty query: the asker's to fix
        return 400
    return 404 if isinstance(exc, (StoryNotFound, ArticleNotFound)) else 500


def _failed(request: Request, e: Exception) -> Response:
    """What a handler's failure answers: an error page or JSON with its status code, never a traceback."""
    if isinstance(e, HTTPException):
        return _error(request, e.status_code, str(e.detail))
    if isinstance(e, CrosscheckError):
        return _error(request, _status_of(e), str(e))
    log.exception("serve: %s failed", request.url.path, exc_info=e)
    return _error(request, 500, "internal error: the server's log has the details")


def _guard(reader: IndexReader, handler: Handler, name: str) -> Callable[[Request], Any]:
    """The route's endpoint: `handler` for `reader`, every failure answered by `_failed`. Starlette
    runs a plain handler in its thread pool and awaits a coroutine in the event loop."""
    if inspect.iscoroutinefunction(handler):
        async def coroutine(request: Request) -> Response:
            try:
                return await handler(reader, request)  # type: ignore[misc]
            except Exception as e:
                return _failed(request, e)
        coroutine.__name__ = name
        return coroutine

    def endpoint(request: Request) -> Response:
        try:
            return handler(reader, request)  # type: ignore[return-value]
        except Exception as e:
            return _failed(request, e)
    endpoint.__name__ = name
    return endpoint


def create_app(path: str | os.PathLike[str] | None = None, embedder: Embedder | None = None,
               update_every: float | None = None, reader: IndexReader | None = None) -> Starlette:
    """The ASGI application for the index at `path` (see paths.index_dir). `update_every`
    seconds: form stories for new articles that often, in a background thread."""
    reader = reader or IndexReader(path, embedder)
    updater = StoryUpdater(reader.path, update_every, reader.embedder) if update_every else None

    routes = [Route(path, _guard(reader, handler, handler.__name__)) for path, handler in ROUTES]

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
            reader.shutdown()

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
    uvicorn.Server(server_config(app, host, port)).run()


def server_config(app: Callable[..., object], host: str, port: int) -> uvicorn.Config:
    """How `run` serves: uvicorn, quiet, with the fast HTTP parser and event loop it picks itself
    when httptools and uvloop are installed (pyproject.toml; docs/performance.md "Searches in
    parallel")."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
