"""The fetcher cannot be aimed inward, ends each request by one deadline, reads a page whose
charset lies, and names links that are no web pages (issue 24, items 1, 2, 9, 10). Every case
runs against real servers on 127.0.0.1: a feed's origin, which the test opens as a user opens
an intranet feed with --allow-private, and another port standing for the internal service."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from crosscheck.errors import AddressRefused, FetchFailed, OutOfTime
from crosscheck.sources.feeds import FeedItem, page_record, parse_feed
from crosscheck.sources.http import Fetcher, FetchPolicy, decode_body

from ..feedserver import Dribble, RawSite, Route, Site, serve, serve_raw

# Short limits: each slow case costs about one second.
POLICY = FetchPolicy(timeout=0.5, total_timeout=1.0, max_redirects=3, retries=2, backoff=0.01, host_delay=0.0)

RUSSIAN = ("Министр иностранных дел России Сергей Лавров и министр иностранных дел Турции Хакан Фидан "
           "договорились 20 ноября в Стамбуле возобновить переговоры о зерновом коридоре в Черном море. "
           "Первая встреча экспертов двух стран пройдет в Анкаре в начале декабря.")


def article(text: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Переговоры</title></head>'
            f"<body><article><p>{text}</p></article></body></html>")


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    """The feed's origin (opened) and an internal service on another port (never opened)."""
    feed, internal = Site(), Site()
    with serve(feed), serve(internal):
        internal.routes["/secret"] = Route(article("secret " * 40).encode(), headers={"Content-Type": "text/html"})
        internal.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow:\n")
        feed.routes["/page"] = Route(article(RUSSIAN).encode(), headers={"Content-Type": "text/html; charset=utf-8"})
        feed.routes["/inward"] = Route(b"", status=302, headers={"Location": internal.url("/secret")})
        port = internal.base.rsplit(":", 1)[1]
        feed.routes["/inward-by-name"] = Route(b"", status=302, headers={"Location": f"http://localhost:{port}/x"})
        feed.routes["/to-ftp"] = Route(b"", status=301, headers={"Location": "ftp://files.example.org/a"})
        yield feed, internal


def refused(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(AddressRefused) as caught:
        fetcher.get(url)
    return caught.value.reason


def test_links_and_redirects_to_internal_addresses_are_refused_before_anything_is_sent(
        sites: tuple[Site, Site]) -> None:
    feed, internal = sites
    port = internal.base.rsplit(":", 1)[1]
    with Fetcher(POLICY) as fetcher:
        # without --allow-private, the feed's own server on 127.0.0.1 is refused too, saying how to allow it
        assert "127.0.0.1 is a loopback address" in refused(fetcher, feed.url("/page"))
        assert "--allow-private" in refused(fetcher, feed.url("/page"))
        assert feed.log == []
        fetcher.allow_private([feed.url("/feed.xml")])
        assert RUSSIAN in fetcher.get(feed.url("/page")).text()
        # the internal service on another port, by address, by name, and with credentials in the link
        for url in (internal.url("/secret"), f"http://localhost:{port}/secret", f"http://evil@127.0.0.1:{port}/secret",
                    f"http://[::ffff:127.0.0.1]:{port}/secret", f"http://0.0.0.0:{port}/secret"):
            reason = refused(fetcher, url)
            assert reason.startswith("refused:") and "address" in reason, (url, reason)
        assert "localhost (127.0.0.1) is a loopback address" in refused(fetcher, f"http://localhost:{port}/secret")
        # redirects from the opened origin to the internal one, by address and by name
        assert refused(fetcher, feed.url("/inward")).startswith(f"redirected to {internal.url('/secret')}: refused:")
        assert "localhost (127.0.0.1) is a loopback" in refused(fetcher, feed.url("/inward-by-name"))
        # the same host on another scheme is another origin
        with pytest.raises(AddressRefused):
            fetcher.get(feed.base.replace("http://", "https://") + "/page")
        with pytest.raises(FetchFailed, match="redirected to ftp://files.example.org/a: not fetched: ftp: links"):
            fetcher.get(feed.url("/to-ftp"))
    assert internal.log == [], "the internal service was asked (robots.txt included)"


def test_the_socket_is_checked_not_only_the_name(sites: tuple[Site, Site]) -> None:
    """The connection itself refuses an internal address, even when the check before the request
    is skipped, as a redirect that httpx followed on its own would skip it."""
    feed, internal = sites
    with Fetcher(POLICY) as fetcher:
        fetcher.allow_private([feed.base])
        with pytest.raises(AddressRefused, match="127.0.0.1 is a loopback address"):
            fetcher.client.get(internal.url("/secret"))  # straight to httpx: no check before the request
        assert fetcher.client.get(feed.url("/page")).status_code == 200
    assert internal.log == []


def test_the_connection_goes_to_the_address_that_was_checked(sites: tuple[Site, Site],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that answers one address to the check and another to the connection (DNS
    rebinding) is connected at the first: the socket is pinned to what was checked."""
    feed, _ = sites
    port = int(feed.base.rsplit(":", 1)[1])
    asked: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "news.rebind.test":
            return real(host, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else "127.0.0.2"  # nothing listens on 127.0.0.2
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Fetcher(POLICY) as fetcher:
        fetcher.allow_private([f"http://news.rebind.test:{port}/feed.xml"])
        assert RUSSIAN in fetcher.get(f"http://news.rebind.test:{port}/page").text()
    assert asked == ["news.rebind.test"], "resolved again for the connection"


def test_slow_headers_and_slow_body_end_by_the_request_deadline() -> None:
    """One byte every 50 ms keeps every read within its 0.5 s timeout; the 1 s deadline for the
    whole request still ends it, and it is not tried again."""
    raw = RawSite()
    padding = b"\r\nX-Padding: " + b"x" * 400          # 20 s of headers at one byte per 50 ms
    raw.routes["/slow-head"] = Dribble(b"HTTP/1.1 200 OK\r\nContent-Type: text/html" + padding, b"<p>late</p>")
    raw.routes["/slow-body"] = Dribble(body=article(RUSSIAN).encode(), slow_head=False, slow_body=True)
    with serve_raw(raw), Fetcher(POLICY) as fetcher:
        fetcher.allow_private([raw.base])
        for path in ("/slow-head", "/slow-body"):
            started = time.monotonic()
            with pytest.raises(FetchFailed, match=r"timed out: no complete answer within 1 s \(connect, headers and body"):
                fetcher.get(raw.url(path))
            assert time.monotonic() - started < 2.0, path
            assert raw.log.count(path) == 1, "a request that ran out of its deadline was tried again"
        # a run's budget that ends first ends the request sooner, as OutOfTime (not a failure of the page)
        started = time.monotonic()
        with pytest.raises(OutOfTime, match="time budget ran out"):
            fetcher.get(raw.url("/slow-head"), deadline=time.monotonic() + 0.4)
        assert time.monotonic() - started < 1.2
        with pytest.raises(OutOfTime, match="not fetched"):
            fetcher.get(raw.url("/slow-head"), deadline=time.monotonic() - 1)
        assert raw.log.count("/slow-head") == 2


def test_a_charset_lie_is_read_right_and_an_unreadable_page_is_named(sites: tuple[Site, Site]) -> None:
    feed, _ = sites
    lying = article(RUSSIAN, charset="utf-8").encode("windows-1251")     # says utf-8 twice, is windows-1251
    feed.routes["/lie"] = Route(lying, headers={"Content-Type": "text/html; charset=utf-8"})
    feed.routes["/noise"] = Route(b"<html><body><p>" + bytes(range(128, 256)) * 8 + os.urandom(2000) + b"</p></body></html>",
                                  headers={"Content-Type": "text/html; charset=utf-8"})
    with Fetcher(POLICY) as fetcher:
        fetcher.allow_private([feed.base])
        record = page_record(fetcher.get(feed.url("/lie")), FeedItem(feed.url("/lie")))
        assert record.text == RUSSIAN and "\ufffd" not in record.text + (record.title or "")
        with pytest.raises(FetchFailed, match="says it is utf-8 but is not, and no charset reads its bytes"):
            page_record(fetcher.get(feed.url("/noise")))
    # the other way round: UTF-8 bytes behind a server's ISO-8859-1 default
    assert decode_body(RUSSIAN.encode(), "text/html; charset=ISO-8859-1") == RUSSIAN
    # and a UTF-8 page with one stray byte keeps its charset (one U+FFFD, not a garbled page)
    long_text = RUSSIAN * 20
    stray = decode_body(long_text.encode() + b"\xff", "text/html; charset=utf-8")
    assert stray == long_text + "\ufffd"


def test_links_that_are_not_web_pages_are_named_with_their_reason() -> None:
    rss = (b"<rss version='2.0'><channel><title>T</title>"
           b"<item><title>ok</title><link>https://x.org/1</link></item>"
           b"<item><title>js</title><link>javascript:alert(1)</link></item>"
           b"<item><title>file</title><link>file:///etc/passwd</link></item>"
           b"<item><title>data</title><link>data:text/html,&lt;p&gt;" + b"x" * 400 + b"</link></item>"
           b"<item><title>ftp</title><link>ftp://files.example.org/a</link></item>"
           b"</channel></rss>")
    parsed = parse_feed(rss, "https://x.org/rss")
    assert [i.link for i in parsed.items] == ["https://x.org/1"]
    reasons = dict(parsed.refused)
    assert [link.split(":")[0] for link in reasons] == ["javascript", "file", "data", "ftp"]
    for link, reason in reasons.items():
        scheme = link.split(":")[0]
        assert reason == f"not fetched: {scheme}: links are not web pages (crosscheck fetches http and https links only)"
    assert max(len(link) for link in reasons) < 200  # a data: link is shown cut
    with Fetcher(POLICY) as fetcher:
        with pytest.raises(FetchFailed, match="not fetched: javascript: links are not web pages"):
            fetcher.get("javascript:alert(1)")
