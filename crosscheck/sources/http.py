"""A polite, guarded and bounded HTTP client for feeds and article pages (httpx underneath).

Polite means: it says who it is (`USER_AGENT` names crosscheck and its version), it reads each
host's robots.txt (urllib.robotparser) and obeys it, it waits between two requests to the same
host, it retries 429 and 5xx answers a bounded number of times with growing pauses (honouring
Retry-After), it sends conditional requests when the caller has validators, and it never
reads more than a size cap. Every way a request can go wrong ends in one `FetchFailed` whose
`reason` is one line a user can act on; nothing else escapes.

Guarded means: it connects to public addresses only. Before a request (robots.txt included)
and before each redirect it follows, the host is resolved and every address checked; a
loopback, private, link-local, multicast or reserved one is refused (`AddressRefused`) unless
the URL's origin (scheme, host, port) was opened with `Fetcher.allow_private` (the feeds a user
added with --allow-private). The socket is then connected to the address that was checked, not
to a second answer of the resolver, and the peer's address is checked once more
(`_GuardedBackend`), so that a name that changes its answer in between cannot slip through.
Only http and https URLs are fetched.

Bounded means: each request has one deadline for everything, connect, headers and body
(`FetchPolicy.total_timeout`), enforced on every read of the socket, so that a server sending
one byte at a time cannot hold it; and `get(..., deadline=)` (a run's budget) ends the request,
its retries and its pauses earlier (`OutOfTime`).

    fetcher = Fetcher()
    page = fetcher.get("https://example.org/news/1")
    html = page.text()            # decoded from the header's charset, else the page's <meta>
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from .. import __version__
from ..errors import AddressRefused, FetchFailed, OutOfTime

__all__ = ["USER_AGENT", "ALLOW_PRIVATE_ENV", "FetchPolicy", "FetchResult", "Fetcher", "AddressGuard",
           "UndecodableBody", "decode_body", "charset_of", "address_kind", "origin_of", "allow_private_from_env",
           "not_http_reason", "shown_url", "BUDGET_SPENT"]

log = logging.getLogger("crosscheck")

USER_AGENT = f"crosscheck/{__version__} (news comparison; reads feeds and article pages, obeys robots.txt)"
ROBOTS_AGENT = "crosscheck"  # the name robots.txt rules address (User-agent: crosscheck)

# HTTP answers worth asking again: rate limited, or the server's own trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how polite a Fetcher is. The defaults suit real outlets; tests shrink them."""

    # Seconds to connect and between two reads of the body; a server slower than that is a
    # timeout (news sites answer in well under a second; 20 s leaves room for a slow one).
    timeout: float = 20.0
    # Seconds for one whole request: connecting, the headers and the body together, so that a
    # server trickling bytes (of its headers or of its body) cannot hold a run (the read timeout
    # alone restarts with every byte). A request that runs out of it is not tried again in the
    # same run: a server that slow is not quicker a few seconds later.
    total_timeout: float = 60.0
    # Redirects followed before giving up: feed proxies and http→https→www chains take 2 or 3;
    # a loop never ends on its own.
    max_redirects: int = 5
    # Largest body read. The biggest news pages and feeds are a few hundred KiB; 5 MiB leaves
    # room for inline images and still stops a video or an archive served by mistake.
    max_bytes: int = 5 * 1024 * 1024
    # Retries after the first try for 429/5xx and dropped connections (so 3 tries at most).
    retries: int = 2
    # First pause before a retry, doubled at each retry, when the server gives no Retry-After.
    backoff: float = 2.0
    # The longest pause taken for a Retry-After; a server asking for longer is reported as
    # failing now, and the next run tries again.
    max_retry_after: float = 60.0
    # Seconds between two requests to the same host (a robots.txt Crawl-delay may ask for more,
    # up to max_crawl_delay).
    host_delay: float = 1.0
    max_crawl_delay: float = 30.0
    # How long a host's robots.txt is trusted before it is read again (RFC 9309 asks crawlers
    # not to cache it for more than 24 hours), and how soon a host whose robots.txt could not
    # be read is asked again (a long `watch` must not shut a host out for good).
    robots_ttl: float = 24 * 3600.0
    robots_retry: float = 600.0
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    """One answer: 200 with a body, or 304 (not modified) with none."""

    url: str                      # the final URL, after redirects
    status: int
    headers: Mapping[str, str]    # lower-case names
    content: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self, strict: bool = False) -> str:
        """The body as text (see decode_body). With `strict`, a body that no charset reads raises
        FetchFailed instead of coming back with U+FFFD in place of what could not be read."""
        try:
            return decode_body(self.content, self.headers.get("content-type", ""), strict=strict)
        except UndecodableBody as e:
            raise FetchFailed(self.url, str(e)) from None


# -- charsets --------------------------------------------------------------------------------
# Labels browsers read as a larger code page (the WHATWG Encoding Standard): pages labelled
# ISO-8859-9 or Latin-1 are written with Windows code pages in practice, and the extra
# characters (curly quotes, dashes) only exist there.
_CHARSET_ALIASES = {"iso-8859-9": "windows-1254", "latin5": "windows-1254", "iso-8859-1": "windows-1252",
                    "latin1": "windows-1252", "latin-1": "windows-1252", "us-ascii": "windows-1252",
                    "ascii": "windows-1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
SNIFF_BYTES = 4096  # how far into a page its <meta charset> is looked for (browsers use 1024)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        "".encode(label)
    except LookupError:
        return None
    return label


def charset_of(content: bytes, content_type: str = "") -> str | None:
    """The charset a page declares: the Content-Type header's, else a BOM, else its own
    `<meta charset>` / `<?xml encoding?>`; None when it declares none we know."""
    match = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
    if match and _codec(match.group(1)):
        return _codec(match.group(1))
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    head = content[:SNIFF_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found and _codec(found.group(1).decode("ascii", "replace")):
            return _codec(found.group(1).decode("ascii", "replace"))
    return None


# A declared charset under which at most this share of the characters cannot be read is kept
# (those few become U+FFFD): a UTF-8 page with a string cut in the middle of a character has a
# stray byte or two, and reading its thousands of other characters in another charset would
# garble them all. More than that, and the declaration is wrong (a windows-1251 page labelled
# utf-8 has one unreadable byte in every second character).
MAX_STRAY_SHARE = 0.001


class UndecodableBody(ValueError):
    """A body that neither its declared charset nor any likely one reads."""


def _detected(content: bytes) -> str | None:
    """The body in the charset charset_normalizer finds most likely, or None when none is."""
    from charset_normalizer import from_bytes  # a dependency of trafilatura

    best = from_bytes(content).best()
    return str(best) if best is not None else None


def _declared_text(content: bytes, declared: str) -> str | None:
    """The body in its declared charset, or None when the declaration lies: too many bytes that
    the charset cannot read, or a single-byte charset declared for bytes that are UTF-8 (a
    server's ISO-8859-1 default in front of a UTF-8 page)."""
    try:
        text = content.decode(declared)
    except UnicodeDecodeError:
        lenient = content.decode(declared, errors="replace")
        stray = lenient.count("\ufffd") - content.count("\ufffd".encode())
        if stray <= len(lenient) * MAX_STRAY_SHARE:
            return lenient
        log.info("the body is not %s as declared (%d characters unreadable): detecting its charset", declared, stray)
        return None
    if len(text) == len(content) and not content.isascii():  # a single-byte charset
        try:
            utf8 = content.decode("utf-8")
        except UnicodeDecodeError:
            return text
        log.info("the body is declared %s but its bytes are UTF-8: read as UTF-8", declared)
        return utf8
    return text


def decode_body(content: bytes, content_type: str = "", strict: bool = False) -> str:
    """Text of a body in the charset it declares (unless the declaration lies, see
    _declared_text); else UTF-8 if it is valid UTF-8; else the charset charset_normalizer finds
    most likely (windows-1251 and -1254 pages exist). When none reads it, `strict` raises
    UndecodableBody; otherwise the body comes back as UTF-8 with U+FFFD for what is unreadable."""
    declared = charset_of(content, content_type)
    if declared:
        text = _declared_text(content, declared)
        if text is not None:
            return text
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _detected(content)
    if found is not None:
        return found
    if strict:
        said = f"says it is {declared} but is not" if declared else "declares no charset"
        raise UndecodableBody(f"the page {said}, and no charset reads its bytes: not stored (the text would "
                              "be garbage)")
    return content.decode(declared or "utf-8", errors="replace")


# -- addresses -------------------------------------------------------------------------------
ALLOW_PRIVATE_ENV = "CROSSCHECK_ALLOW_PRIVATE"  # set to 1: as --allow-private on every command
DEFAULT_PORTS = {"http": 80, "https": 443}
# How long a host's checked addresses are used before it is resolved again. The check and the
# connection are seconds apart, so the connection goes to the address checked (a name that
# answers a public address to the check and 127.0.0.1 to the connection gets nowhere); a long
# `watch` still follows a site that moves.
RESOLVED_FOR = 60.0
# Longest link shown in a reason or in `failed` (a data: link can be a whole page).
SHOWN_URL_CHARS = 160


def allow_private_from_env() -> bool:
    """Whether CROSSCHECK_ALLOW_PRIVATE asks for --allow-private (1, true, yes or on)."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def shown_url(url: str) -> str:
    """A URL as a reason shows it: cut after SHOWN_URL_CHARS characters."""
    return url if len(url) <= SHOWN_URL_CHARS else url[:SHOWN_URL_CHARS] + "..."


def not_http_reason(scheme: str) -> str:
    """Why a link that is not http(s) is not fetched (javascript:, file:, data:, ftp: ...)."""
    if not scheme:
        return "not an http(s) URL"
    return f"not fetched: {scheme.lower()}: links are not web pages (crosscheck fetches http and https links only)"


def address_kind(address: str) -> str | None:
    """What keeps `address` from being a public one ('loopback', 'private', 'link-local',
    'multicast', 'reserved', ...), or None when it is public."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for kind, flag in (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL as the connection sees them: the host lower-case (in IDNA
    for names in other scripts), the scheme's default port filled in. Raises httpx.InvalidURL."""
    u = httpx.URL(url)
    return u.scheme, u.raw_host.decode("ascii").lower(), u.port or DEFAULT_PORTS.get(u.scheme, 0)


def _resolve(host: str, port: int, timeout: float, url: str) -> list[str]:
    """The addresses of `host` (an IP literal is its own), asked of the resolver in a helper
    thread, so that a resolver that does not answer costs at most `timeout` seconds."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    answer: list[Any] = []

    def ask() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as e:
            answer.append(e)

    thread = threading.Thread(target=ask, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(None if timeout == math.inf else max(timeout, 0.0))
    if not answer:
        raise FetchFailed(url, f"timed out resolving {host} (limit {timeout:.3g} s)", retryable=True)
    if isinstance(answer[0], Exception):
        detail = getattr(answer[0], "strerror", None) or str(answer[0])
        raise FetchFailed(url, f"connection failed: cannot resolve {host} ({detail})")
    return list(dict.fromkeys(str(info[4][0]) for info in answer[0]))


@dataclass
class AddressGuard:
    """Which addresses a Fetcher may connect to: public ones, and private ones only on the
    origins opened (`open`): the feeds a user added with --allow-private, the URLs given to
    `ingest`. A host is resolved once (for RESOLVED_FOR seconds) and the connection goes to the
    addresses checked."""

    open_origins: set[tuple[str, str, int]] = field(default_factory=set)
    _resolved: dict[tuple[str, int], tuple[float, list[str]]] = field(default_factory=dict, init=False, repr=False)

    def open(self, urls: Iterable[str]) -> None:
        """Let the origins of `urls` be on private addresses (URLs that do not parse are skipped)."""
        for url in urls:
            try:
                self.open_origins.add(origin_of(url))
            except httpx.InvalidURL:
                log.info("%s: not a URL, no origin opened", url)

    def is_open(self, url: str) -> bool:
        """Whether `url`'s origin was opened."""
        try:
            return origin_of(url) in self.open_origins
        except httpx.InvalidURL:
            return False

    def endpoint_open(self, host: str, port: int) -> bool:
        """Whether some opened origin is on this host and port (the socket's view, without the scheme)."""
        return any(h == host.lower() and p == port for _, h, p in self.open_origins)

    def check(self, url: str, timeout: float) -> list[str]:
        """The addresses `url` may be connected at; raises AddressRefused when one of them is not
        public and the URL's origin is not open, FetchFailed when its host does not resolve."""
        scheme, host, port = origin_of(url)
        return self.addresses(host, port, timeout, (scheme, host, port) in self.open_origins, url)

    def addresses(self, host: str, port: int, timeout: float, opened: bool, url: str) -> list[str]:
        """The host's addresses (resolved once for RESOLVED_FOR seconds), all public unless `opened`."""
        cached = self._resolved.get((host, port))
        if cached is not None and time.monotonic() - cached[0] < RESOLVED_FOR:
            found = cached[1]
        else:
            found = _resolve(host, port, timeout, url)
            self._resolved[(host, port)] = (time.monotonic(), found)
        if not opened:
            for address in found:
                self.refuse_unless_public(url, host, address)
        return found

    @staticmethod
    def refuse_unless_public(url: str, host: str, address: str) -> None:
        kind = address_kind(address)
        if kind is not None:
            where = address if host.strip("[]") == address else f"{host} ({address})"
            raise AddressRefused(url, f"refused: {where} is a {kind} address (crosscheck fetches from public "
                                      "addresses only; --allow-private opens the feeds you added, no other address)")


# -- deadlines -------------------------------------------------------------------------------
@dataclass
class _Clock:
    """When the request under way must be over (a time.monotonic() value), shared by a Fetcher
    and its connections: every connect, read and write of the socket waits at most until then."""

    end: float = math.inf
    cut: bool = False  # whether the last wait was shortened to `end` (so its timeout is the deadline's)

    def limit(self, timeout: float | None, error: type[Exception]) -> float | None:
        """`timeout`, shortened to the time left; raises `error` when none is left."""
        if self.end == math.inf:
            self.cut = False
            return timeout
        left = self.end - time.monotonic()
        self.cut = timeout is None or left <= timeout
        if left <= 0:
            raise error("the request's deadline has passed")
        return left if self.cut else timeout


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the clock's end."""

    def __init__(self, inner: httpcore.NetworkStream, clock: _Clock) -> None:
        self.inner, self.clock = inner, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.clock.limit(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.clock.limit(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, self.clock.limit(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self.clock)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sockets with the guard between a name and its socket: it connects to the
    addresses AddressGuard checked (never to a second answer of the resolver), checks the peer's
    address once connected, and bounds every connect, read and write by the clock."""

    def __init__(self, guard: AddressGuard, clock: _Clock) -> None:
        self.guard, self.clock, self.sockets = guard, clock, httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        opened = self.guard.endpoint_open(host, port)
        where = f"{host}:{port}"
        wait = self.clock.limit(timeout, httpcore.ConnectTimeout)
        addresses = self.guard.addresses(host, port, wait if wait is not None else math.inf, opened, where)
        failure: Exception = httpcore.ConnectError(f"{host}: no address to connect to")
        for address in addresses:
            try:
                stream = self.sockets.connect_tcp(address, port, self.clock.limit(timeout, httpcore.ConnectTimeout),
                                                  local_address, socket_options)
            except httpcore.ConnectError as e:
                failure = e
                continue
            peer = stream.get_extra_info("server_addr")
            if not opened and isinstance(peer, tuple) and peer:
                try:
                    AddressGuard.refuse_unless_public(where, host, str(peer[0]))
                except AddressRefused:
                    stream.close()
                    raise
            return _DeadlineStream(stream, self.clock)
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("crosscheck connects to TCP addresses only")


# The pool's limits, httpx's own defaults: a connection is kept open 5 s for the next request
# to the same host (the host delay is usually 1 s), and a run, which reads one URL at a time,
# needs few.
KEEP_CONNECTIONS = 10
KEEPALIVE_SECONDS = 5.0


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (HTTP/1.1, TLS, keep-alive), over _GuardedBackend's sockets."""

    def __init__(self, guard: AddressGuard, clock: _Clock) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=KEEP_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_SECONDS, network_backend=_GuardedBackend(guard, clock))



# -- the client ------------------------------------------------------------------------------
def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _reason_for_status(status: int) -> str:
    try:
        from http import HTTPStatus

        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


@dataclass
class _Robots:
    parser: RobotFileParser | None   # None: no rules (no robots.txt), everything allowed
    refused: str | None = None       # why every path is off limits (robots.txt unreachable)
    read_at: float = field(default_factory=time.monotonic)


# Why a URL was not fetched when a run's budget was spent before it (OutOfTime's reason).
BUDGET_SPENT = "not fetched: the run's time budget ran out first (the next run tries it again; --budget gives more)"


@dataclass
class Fetcher:
    """GETs with the manners described in the module's docstring. One per run, used from one
    thread: it remembers each host's robots.txt and when it last asked that host. Close it (or
    use `with`). A `transport` (a test double) replaces the guarded sockets: the guard then
    checks the names only, and the deadline holds between chunks of the body only."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None      # a test double, if any
    sleep: Callable[[float], None] = time.sleep
    guard: AddressGuard = field(default_factory=AddressGuard)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _robots: dict[str, _Robots] = field(default_factory=dict, init=False, repr=False)
    _last_request: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _clock: _Clock = field(default_factory=_Clock, init=False, repr=False)

    # -- lifecycle --
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            p = self.policy
            self._client = httpx.Client(
                headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
                timeout=httpx.Timeout(p.timeout), follow_redirects=False,  # followed by _follow, each one checked
                transport=self.transport or _GuardedTransport(self.guard, self._clock), trust_env=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- public --
    def allow_private(self, urls: Iterable[str]) -> None:
        """Let the origins (scheme, host, port) of `urls` be on loopback or private addresses:
        the feeds a user added with --allow-private, the pages given to `ingest URL`. Every other
        origin stays public-only, redirects and links from these included."""
        self.guard.open(urls)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None, deadline: float | None = None) -> FetchResult:
        """GET `url` (conditionally, given `etag` / `last_modified`). Returns a 200 (its body read
        up to the size cap) or a 304; raises FetchFailed with the reason for anything else:
        AddressRefused for a URL on a non-public address that was not opened (nothing is sent
        to it, not even for robots.txt), OutOfTime when `deadline` (a time.monotonic() value:
        the end of a run's budget) comes before the answer."""
        self._check_url(url, deadline)
        self._check_robots(url, deadline)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        return self._request(url, headers, deadline)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets crosscheck fetch `url` (reads robots.txt when first needed)."""
        try:
            self._check_robots(url, None)
        except FetchFailed:
            return False
        return True

    # -- guard and budget --
    def _time_left(self, url: str, deadline: float | None) -> float:
        """Seconds until `deadline` (inf without one); OutOfTime when it has passed."""
        if deadline is None:
            return math.inf
        left = deadline - time.monotonic()
        if left <= 0:
            raise OutOfTime(url, BUDGET_SPENT)
        return left

    def _check_url(self, url: str, deadline: float | None) -> None:
        """Refuse a URL that is not http(s), or whose host is not public (unless opened)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise FetchFailed(url, not_http_reason(parts.scheme))
        try:
            self.guard.check(url, min(self.policy.timeout, self._time_left(url, deadline)))
        except httpx.InvalidURL as e:
            raise FetchFailed(url, f"invalid URL: {e}") from None

    def _pause(self, url: str, seconds: float, deadline: float | None, why: str) -> None:
        if seconds <= 0:
            return
        if seconds >= self._time_left(url, deadline):
            raise OutOfTime(url, f"not fetched: {why} ({seconds:.1f} s) would pass the end of the run's time "
                                 "budget (the next run tries it again)")
        self.sleep(seconds)

    # -- politeness --
    def _wait_for_host(self, url: str, deadline: float | None) -> None:
        origin = _origin(url)
        delay = self.policy.host_delay
        robots = self._robots.get(origin)
        if robots is not None and robots.parser is not None:
            crawl_delay = robots.parser.crawl_delay(ROBOTS_AGENT)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), self.policy.max_crawl_delay))
        last = self._last_request.get(origin)
        if last is not None:
            self._pause(url, last + delay - time.monotonic(), deadline, f"the pause between two requests to {origin}")
        self._last_request[origin] = time.monotonic()

    def _check_robots(self, url: str, deadline: float | None) -> None:
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is not None:
            age = time.monotonic() - robots.read_at
            if age > (self.policy.robots_retry if robots.refused else self.policy.robots_ttl):
                robots = None
        if robots is None:
            robots = self._robots[origin] = self._read_robots(origin, deadline)
        if robots.refused:
            raise FetchFailed(url, robots.refused)
        if robots.parser is not None and not robots.parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchFailed(url, f"disallowed by {origin}/robots.txt")

    def _read_robots(self, origin: str, deadline: float | None) -> _Robots:
        """The rules at origin/robots.txt, read as urllib.robotparser reads them: a missing file
        (404 and other 4xx) allows everything, 401/403 forbids everything, and a server error or
        no answer forbids everything until it is asked again (RFC 9309: the site may be in
        trouble). A robots.txt that redirects to a refused address forbids everything too; one
        not read because the run's budget ran out is not remembered."""
        url = f"{origin}/robots.txt"
        try:
            result = self._request(url, {}, deadline)
        except OutOfTime:
            raise
        except AddressRefused as e:
            return _Robots(None, f"{url}: {e.reason}")
        except FetchFailed as e:
            if e.status is not None and 400 <= e.status < 500 and e.status not in (401, 403):
                return _Robots(None)
            if e.status in (401, 403):
                return _Robots(None, f"{origin}/robots.txt answers {e.status}: the site forbids robots")
            return _Robots(None, f"{origin}/robots.txt unreachable ({e.reason}): nothing fetched from "
                                 "that host until it answers")
        parser = RobotFileParser(url)
        parser.parse(result.text().splitlines())
        return _Robots(parser)

    # -- the request loop --
    def _request(self, url: str, headers: dict[str, str], deadline: float | None) -> FetchResult:
        p = self.policy
        attempt = 0
        while True:
            self._wait_for_host(url, deadline)
            try:
                result = self._once(url, headers, deadline)
            except FetchFailed as e:
                if not e.retryable or attempt >= p.retries:
                    raise
                pause = p.backoff * 2 ** attempt
                log.info("%s: %s; retrying in %.1f s", url, e.reason, pause)
            else:
                if result.status not in RETRY_STATUSES:
                    return result
                reason = _reason_for_status(result.status)
                asked = _retry_after(result.headers.get("retry-after"))
                if attempt >= p.retries:
                    raise FetchFailed(url, f"{reason} after {attempt + 1} tries", status=result.status)
                if asked is not None and asked > p.max_retry_after:
                    raise FetchFailed(url, f"{reason}, Retry-After {asked:.0f} s (longer than the "
                                      f"{p.max_retry_after:.0f} s crosscheck waits; try later)", status=result.status)
                pause = asked if asked is not None else p.backoff * 2 ** attempt
                log.info("%s: %s; retrying in %.1f s", url, reason, pause)
            attempt += 1
            self._pause(url, pause, deadline, "the pause before trying again")

    def _once(self, url: str, headers: dict[str, str], deadline: float | None) -> FetchResult:
        """One request (redirects followed) within one deadline: the policy's total_timeout, or
        `deadline` when it comes first. 200, 304 and retryable statuses come back, other statuses
        and transport errors raise FetchFailed."""
        p = self.policy
        own_end = time.monotonic() + p.total_timeout
        budget_first = deadline is not None and deadline < own_end
        self._clock.end = min(own_end, deadline) if deadline is not None else own_end
        try:
            return self._follow(url, headers)
        except httpx.TimeoutException as e:
            raise self._timed_out(url, e, budget_first) from None
        except httpx.DecodingError as e:
            raise FetchFailed(url, f"body cannot be decoded: {e}") from None
        except httpx.ConnectError as e:
            # refused or unresolvable: the server is down or the name is wrong, which a retry
            # seconds later rarely changes (the next run tries again)
            raise FetchFailed(url, f"connection failed: {e or type(e).__name__}") from None
        except httpx.TransportError as e:
            raise FetchFailed(url, f"connection failed: {e or type(e).__name__}", retryable=True) from None
        except httpx.InvalidURL as e:
            raise FetchFailed(url, f"invalid URL: {e}") from None
        finally:
            self._clock.end = math.inf

    def _timed_out(self, url: str, error: Exception, budget_first: bool) -> FetchFailed:
        """The failure for a timeout: the request's deadline (not retried), the run's budget
        (OutOfTime), or one slow step (connect, or a read, within --timeout: retried)."""
        if self._clock.cut or time.monotonic() >= self._clock.end:
            if budget_first:
                return OutOfTime(url, "stopped: the run's time budget ran out before the answer was complete "
                                      "(the next run tries it again; --budget gives more)")
            return FetchFailed(url, f"timed out: no complete answer within {self.policy.total_timeout:g} s "
                                    "(connect, headers and body together)")
        return FetchFailed(url, f"timed out ({type(error).__name__}, limit {self.policy.timeout:g} s)", retryable=True)

    def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        """GET `url` and follow up to max_redirects redirects, each target checked as `get`
        checks the URL it is given (http or https, a public address unless opened)."""
        hop = url
        for _ in range(self.policy.max_redirects + 1):
            try:
                with self.client.stream("GET", hop, headers=headers) as response:
                    location = response.headers.get("location", "").strip()
                    if not (response.is_redirect and location):
                        return self._read(url, response)
                    target = urljoin(str(response.url), location)
            except FetchFailed as e:  # from the guarded sockets: the resolver answered otherwise
                raise type(e)(url, _via(url, hop, e.reason), e.status, e.retryable) from None
            hop = self._redirect(url, target)
        raise FetchFailed(url, f"more than {self.policy.max_redirects} redirects (a redirect loop?)")

    def _redirect(self, url: str, target: str) -> str:
        """`target` if a redirect from `url` may go there; else the FetchFailed that says why not."""
        scheme = urlsplit(target).scheme
        if scheme.lower() not in ("http", "https"):
            raise FetchFailed(url, _via(url, target, not_http_reason(scheme)))
        try:
            self.guard.check(target, max(0.0, min(self.policy.timeout, self._clock.end - time.monotonic())))
        except httpx.InvalidURL as e:
            raise FetchFailed(url, _via(url, target, f"invalid URL: {e}")) from None
        except FetchFailed as e:
            raise type(e)(url, _via(url, target, e.reason), e.status, e.retryable) from None
        return target

    def _read(self, url: str, response: httpx.Response) -> FetchResult:
        """The answer's status, headers and body (up to the size cap, by the deadline)."""
        p = self.policy
        final = str(response.url)
        status = response.status_code
        answer_headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304 or status in RETRY_STATUSES:
            return FetchResult(final, status, answer_headers)
        if status != 200:
            raise FetchFailed(url, _reason_for_status(status), status=status)
        declared = answer_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > p.max_bytes:
            raise FetchFailed(url, f"larger than {p.max_bytes:,} bytes ({int(declared):,} declared)")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > p.max_bytes:
                raise FetchFailed(url, f"larger than {p.max_bytes:,} bytes")
            if time.monotonic() >= self._clock.end:  # the guarded sockets stop sooner; a test transport here
                raise httpx.ReadTimeout("the request's deadline has passed")
            chunks.append(chunk)
        return FetchResult(final, status, answer_headers, b"".join(chunks))


def _via(url: str, hop: str, reason: str) -> str:
    """A reason about `hop`, said of `url` (a redirect's target, or the URL itself)."""
    return reason if hop == url else f"redirected to {shown_url(hop)}: {reason}"
