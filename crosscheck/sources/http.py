"""A polite HTTP client for feeds and article pages (httpx underneath).

Polite means: it says who it is (`USER_AGENT` names crosscheck and its version), it reads each
host's robots.txt (urllib.robotparser) and obeys it, it waits between two requests to the same
host, it retries 429 and 5xx answers a bounded number of times with growing pauses (honouring
Retry-After), it sends conditional requests when the caller has validators, and it never
reads more than a size cap. Every way a request can go wrong ends in one `FetchFailed` whose
`reason` is one line a user can act on; nothing else escapes.

    fetcher = Fetcher()
    page = fetcher.get("https://example.org/news/1")
    html = page.text()            # decoded from the header's charset, else the page's <meta>
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .. import __version__
from ..errors import FetchFailed

__all__ = ["USER_AGENT", "FetchPolicy", "FetchResult", "Fetcher", "decode_body", "charset_of"]

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
    # Seconds for one whole request, body included, so that a server trickling bytes cannot
    # hold a run forever (the read timeout alone restarts with every chunk).
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

    def text(self) -> str:
        return decode_body(self.content, self.headers.get("content-type", ""))


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


def decode_body(content: bytes, content_type: str = "") -> str:
    """Text of a body in the charset it declares; undeclared, UTF-8 if it is valid UTF-8, else
    the charset charset_normalizer finds most likely (windows-1251 and -1254 pages exist)."""
    declared = charset_of(content, content_type)
    if declared:
        return content.decode(declared, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # a dependency of trafilatura

    best = from_bytes(content).best()
    return str(best) if best is not None else content.decode("utf-8", errors="replace")


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


@dataclass
class Fetcher:
    """GETs with the manners described in the module's docstring. One per run: it remembers
    each host's robots.txt and when it last asked that host. Close it (or use `with`)."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None      # a test double, if any
    sleep: Callable[[float], None] = time.sleep
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _robots: dict[str, _Robots] = field(default_factory=dict, init=False, repr=False)
    _last_request: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    # -- lifecycle --
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            p = self.policy
            self._client = httpx.Client(
                headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
                timeout=httpx.Timeout(p.timeout), follow_redirects=True, max_redirects=p.max_redirects,
                transport=self.transport, trust_env=False)
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
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None) -> FetchResult:
        """GET `url` (conditionally, given `etag` / `last_modified`). Returns a 200 (its body read
        up to the size cap) or a 304; raises FetchFailed with the reason for anything else."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchFailed(url, "not an http(s) URL")
        self._check_robots(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        return self._request(url, headers)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets crosscheck fetch `url` (reads robots.txt when first needed)."""
        try:
            self._check_robots(url)
        except FetchFailed:
            return False
        return True

    # -- politeness --
    def _wait_for_host(self, url: str) -> None:
        origin = _origin(url)
        delay = self.policy.host_delay
        robots = self._robots.get(origin)
        if robots is not None and robots.parser is not None:
            crawl_delay = robots.parser.crawl_delay(ROBOTS_AGENT)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), self.policy.max_crawl_delay))
        last = self._last_request.get(origin)
        if last is not None:
            pause = last + delay - time.monotonic()
            if pause > 0:
                self.sleep(pause)
        self._last_request[origin] = time.monotonic()

    def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is not None:
            age = time.monotonic() - robots.read_at
            if age > (self.policy.robots_retry if robots.refused else self.policy.robots_ttl):
                robots = None
        if robots is None:
            robots = self._robots[origin] = self._read_robots(origin)
        if robots.refused:
            raise FetchFailed(url, robots.refused)
        if robots.parser is not None and not robots.parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchFailed(url, f"disallowed by {origin}/robots.txt")

    def _read_robots(self, origin: str) -> _Robots:
        """The rules at origin/robots.txt, read as urllib.robotparser reads them: a missing file
        (404 and other 4xx) allows everything, 401/403 forbids everything, and a server error or
        no answer forbids everything until it is asked again (RFC 9309: the site may be in
        trouble)."""
        url = f"{origin}/robots.txt"
        try:
            result = self._request(url, {})
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
    def _request(self, url: str, headers: dict[str, str]) -> FetchResult:
        p = self.policy
        attempt = 0
        while True:
            self._wait_for_host(url)
            try:
                result = self._once(url, headers)
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
            if pause > 0:
                self.sleep(pause)

    def _once(self, url: str, headers: dict[str, str]) -> FetchResult:
        """One request (redirects followed); 200, 304 and retryable statuses come back, other
        statuses and transport errors raise FetchFailed."""
        p = self.policy
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers) as response:
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
                    if time.monotonic() - started > p.total_timeout:
                        raise FetchFailed(url, f"timed out: body not read within {p.total_timeout:g} s",
                                          retryable=True)
                    chunks.append(chunk)
                return FetchResult(final, status, answer_headers, b"".join(chunks))
        except httpx.TooManyRedirects:
            raise FetchFailed(url, f"more than {p.max_redirects} redirects (a redirect loop?)") from None
        except httpx.TimeoutException as e:
            raise FetchFailed(url, f"timed out ({type(e).__name__}, limit {p.timeout:g} s)", retryable=True) from None
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
