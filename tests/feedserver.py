"""A real HTTP server on 127.0.0.1 for the feed tests: routes with status, headers, body and
delay, ETag/Last-Modified answered with 304, and a log of every request it got; and a raw socket
server (`RawSite`, `serve_raw`) that writes its headers or its body one byte at a time."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0            # seconds before answering
    etag: str | None = None       # answer 304 to a matching If-None-Match
    last_modified: str | None = None
    # called with the number of earlier requests to this path; returns (status, headers, body)
    dynamic: Callable[[int], tuple[int, dict[str, str], bytes]] | None = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.base = ""
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        headers = {k.lower(): v for k, v in handler.headers.items()}
        route = self.routes.get(path) or self.routes.get(path.split("?")[0])
        with self._lock:
            earlier = sum(1 for r in self.log if r.path == path)
        if route is None:
            status, extra, body = 404, {"Content-Type": "text/plain"}, b"not found"
        elif route.dynamic is not None:
            status, extra, body = route.dynamic(earlier)
        elif (route.etag and headers.get("if-none-match") == route.etag) or (
                route.last_modified and not route.etag and headers.get("if-modified-since") == route.last_modified):
            status, extra, body = 304, {}, b""
        else:
            status, extra, body = route.status, dict(route.headers), route.body
            if route.etag:
                extra["ETag"] = route.etag
            if route.last_modified:
                extra["Last-Modified"] = route.last_modified
        with self._lock:
            self.log.append(Request(path, headers, status))
        if route is not None and route.delay:
            threading.Event().wait(route.delay)
        try:
            handler.send_response(status)
            for k, v in extra.items():
                handler.send_header(k, v)
            if "content-length" not in {k.lower() for k in extra}:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if status != 304:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.answer(self)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gave up (the timeout tests) is no error of the server's

    server = Server(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


# -- a raw server that answers a byte at a time --------------------------------------------------
@dataclass
class Dribble:
    """A raw answer: `head` (status line and headers, without the blank line) and `body`, each
    written whole or one byte every `pause` seconds."""

    head: bytes = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8"
    body: bytes = b""
    slow_head: bool = True
    slow_body: bool = False
    pause: float = 0.05

    def parts(self) -> list[tuple[bytes, bool]]:
        head = self.head + f"\r\nContent-Length: {len(self.body)}\r\nConnection: close\r\n\r\n".encode()
        return [(head, self.slow_head), (self.body, self.slow_body)]


class RawSite:
    """Routes of a raw socket server on 127.0.0.1: a server slow in its headers or its body (one
    byte at a time, each within any read timeout), which http.server cannot be. Paths without a
    route answer 404 at once; `log` holds every path asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Dribble] = {}
        self.log: list[str] = []
        self.base = ""
        self.stop = threading.Event()

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, conn: socket.socket) -> None:
        request = b""
        conn.settimeout(5)
        try:
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode("latin-1")
            self.log.append(path)
            route = self.routes.get(path) or Dribble(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain",
                                                      b"not found", slow_head=False)
            for data, slow in route.parts():
                if not slow:
                    conn.sendall(data)
                    continue
                for i in range(len(data)):
                    if self.stop.wait(route.pause):
                        return
                    conn.sendall(data[i:i + 1])
        except OSError:
            pass  # the client gave up: what the slow routes are for
        finally:
            conn.close()


@contextmanager
def serve_raw(site: RawSite) -> Iterator[RawSite]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    site.base = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def accept() -> None:
        while not site.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=site.answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        thread.join(2)
        listener.close()
