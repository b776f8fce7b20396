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

Starting and stopping (`run`): the port is taken first (`listen`), so that a port in use is
said in one line before the seconds of loading the model; then the model loads in the query
processes (web/embedding.py), and uvicorn serves on the socket. A stop asked for at any time,
Ctrl-C (KeyboardInterrupt) or `kill` (SIGTERM, raised as `Terminated`), stops the query processes
before the server exits: uvicorn handles both signals while it serves, `run` before and after.
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import logging
import os
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from types import FrameType
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import ArticleNotFound, CannotListen, CrosscheckError, InvalidInput, PortInUse, StoryNotFound
from ..index.embed import Embedder
from ..stories.clustering import update_stories
from .address import DEFAULT_HOST, DEFAULT_PORT
from .pages import render_error
from .reader import IndexReader, open_for_writing
from .views import ROUTES, Handler, html_response, json_response

if TYPE_CHECKING:
    import uvicorn

__all__ = ["StoryUpdater", "Terminated", "create_app", "listen", "run", "server_config"]

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


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill PID`) while `run` runs, raised in the main thread as Ctrl-C raises
    KeyboardInterrupt, so that what stops for one stops for the other: the query processes are
    ended on the way out. (SIGTERM's default, ending the process at once, left them running
    under PID 1 with the index open when it came while the model loaded.)"""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread meanwhile (the previous handler after). In
    another thread, signals cannot be handled: nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to `host`'s addresses (one for an IP address, two for a name such as localhost
    with IPv4 and IPv6) and `port`, listening: connections wait in the queue until the server
    accepts them. PortInUse if another program listens there, CannotListen for any other reason."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise CannotListen(host, port, e.strerror or str(e)) from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            # as uvicorn and asyncio do: a port left in TIME_WAIT by a server just stopped can be
            # taken again; one another program listens on cannot (on Linux and macOS)
            if os.name != "nt":  # on Windows it would let a second server take a port in use
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
                sock.listen()
            except OSError as e:
                if e.errno == errno.EADDRNOTAVAIL and len(found) > 1:  # IPv6 turned off, say: the others do
                    sockets.pop().close()
                    continue
                raise
        if not sockets:
            raise OSError(errno.EADDRNOTAVAIL, os.strerror(errno.EADDRNOTAVAIL))
    except OSError as e:
        for sock in sockets:
            sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PortInUse(host, port) from None
        raise CannotListen(host, port, e.strerror or str(e)) from None
    return sockets


def run(path: str | os.PathLike[str] | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
        update_every: float | None = None, on_ready: Callable[[IndexReader, int], None] | None = None,
        on_loading: Callable[[], None] | None = None) -> None:
    """Serve the index until interrupted: KeyboardInterrupt (Ctrl-C) or Terminated (SIGTERM) once
    the server and its query processes have stopped. The port is taken first (PortInUse,
    CannotListen); `on_loading()` is called then, before the model and the index load (seconds),
    and `on_ready(reader, port)` once they have, as the server starts answering: `port` is the one
    listened on, which the system chose when `port` was 0."""
    import uvicorn

    with _sigterm_raises():
        sockets = listen(host, port)
        reader: IndexReader | None = None
        serving = False
        try:
            if on_loading is not None:
                on_loading()
            reader = IndexReader(path)
            reader.warm()
            if on_ready is not None:
                on_ready(reader, sockets[0].getsockname()[1])
            app = create_app(reader=reader, update_every=update_every)
            serving = True
            # uvicorn handles SIGINT and SIGTERM while it serves, and raises the signal again once
            # it has stopped (its lifespan shut the reader down): KeyboardInterrupt or Terminated
            uvicorn.Server(server_config(app, host, port)).run(sockets=sockets)
        finally:
            if reader is not None:
                reader.shutdown(now=not serving)  # stopped while starting: no model load waited for
            for sock in sockets:
                sock.close()


def server_config(app: Callable[..., object], host: str, port: int) -> uvicorn.Config:
    """How `run` serves: uvicorn, quiet, with the fast HTTP parser and event loop it picks itself
    when httptools and uvloop are installed (pyproject.toml; docs/performance.md "Searches in
    parallel")."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
