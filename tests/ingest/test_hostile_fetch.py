"""A fetch among hostile servers (issue 24, items 1, 2, 9, 10), on 127.0.0.1: it ends within
twice its budget, stores none of the internal pages, names every URL it refused or could not
fetch with its reason; without --allow-private it refuses a feed on 127.0.0.1 and says how to
allow it; and what a run had no time for is fetched by the next."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import FeedError
from crosscheck.ingest.follow import DEFAULT_BUDGET, add_feed, fetch_feeds, list_feeds, parse_interval, watch
from crosscheck.sources.http import Fetcher, FetchPolicy
from crosscheck.stories.clustering import update_stories

from ..feedserver import Dribble, RawSite, Route, Site, serve, serve_raw
from .test_feeds import EN_A, RU_A, RU_B, TR_B

runner = CliRunner()

BUDGET = 4.0
# Each request ends within 1.5 s (connect, headers and body); a read may wait 0.5 s.
POLICY = FetchPolicy(timeout=0.5, total_timeout=1.5, max_redirects=3, max_bytes=200_000, retries=2,
                     backoff=0.01, host_delay=0.0)


def rss(title: str, links: list[str]) -> bytes:
    items = "".join(f"<item><title>item {n}</title><link>{escape(link)}</link>"
                    "<pubDate>Sat, 21 Nov 2026 08:40:00 +0300</pubDate></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://example.org/</link><description>news</description>{items}</channel></rss>").encode()


XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def test_a_hostile_feed_ends_within_twice_its_budget_stores_nothing_internal_and_names_every_url(
        tmp_path: Path) -> None:
    feed, internal, raw = Site(), Site(), RawSite()
    with serve(feed), serve(internal), serve_raw(raw), \
            Index.open(tmp_path / "ix", model="hash-test", create=True) as ix, Fetcher(POLICY) as fetcher:
        port = internal.base.rsplit(":", 1)[1]
        internal.routes["/secret"] = EN_A.route()                       # an article: stored if ever fetched
        internal.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow:\n")
        feed.routes["/good"] = RU_B.route()
        lie = RU_A.html().replace(b'charset="windows-1251"', b'charset="utf-8"')  # windows-1251 bytes, says utf-8
        feed.routes["/lie"] = Route(lie, headers={"Content-Type": "text/html; charset=utf-8"})
        feed.routes["/inward"] = Route(b"", status=302, headers={"Location": internal.url("/secret")})
        feed.routes["/inward-by-name"] = Route(b"", status=307, headers={"Location": f"http://localhost:{port}/secret"})
        raw.routes["/feed.xml"] = Dribble(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml", rss("slow", []))
        raw.routes["/slow-head"] = Dribble(body=TR_B.html())
        raw.routes["/slow-body"] = Dribble(body=TR_B.html(), slow_head=False, slow_body=True)
        expected = {  # every link of the feed but the two good ones, with its reason
            internal.url("/secret"): "refused: 127.0.0.1 is a loopback address",
            f"http://localhost:{port}/secret": "refused: localhost (127.0.0.1) is a loopback address",
            f"http://evil@127.0.0.1:{port}/secret": "refused: 127.0.0.1 is a loopback address",
            feed.url("/inward"): f"redirected to {internal.url('/secret')}: refused: 127.0.0.1 is a loopback",
            feed.url("/inward-by-name"): f"redirected to http://localhost:{port}/secret: refused: localhost (127.0.0.1)",
            "javascript:alert(document.cookie)": "not fetched: javascript: links are not web pages",
            "file://etc/passwd": "not fetched: file: links are not web pages",
            "data:text/html,<p>hi</p>": "not fetched: data: links are not web pages",
            "ftp://files.example.org/news.txt": "not fetched: ftp: links are not web pages",
            raw.url("/slow-body"): "timed out: no complete answer within 1.5 s",
            raw.url("/slow-head"): "timed out: no complete answer within 1.5 s",
            raw.url("/feed.xml"): "time budget",   # the slow feed itself: the budget ends it
        }
        links = [feed.url("/good"), feed.url("/lie")] + [u for u in expected if u != raw.url("/feed.xml")]
        links[links.index("file://etc/passwd")] = "file:///etc/passwd"
        feed.routes["/feed.xml"] = Route(rss("hostile", links), headers=XML)
        add_feed(ix, feed.url("/feed.xml"), outlet="TASS", allow_private=True)
        add_feed(ix, raw.url("/feed.xml"), outlet="TASS", allow_private=True)

        started = time.monotonic()
        report = fetch_feeds(ix, fetcher=fetcher, allow_private=True, budget=BUDGET)
        elapsed = time.monotonic() - started

        assert elapsed < 2 * BUDGET, elapsed
        reasons = {f.url: f.reason for f in report.failed}
        assert len(reasons) == len(report.failed), "one line per URL"
        assert set(reasons) == set(expected), reasons
        for url, words in expected.items():
            assert words in reasons[url], (url, reasons[url])
        stored = {a.url: a for a in ix.store.iter_articles()}
        assert set(stored) == {feed.url("/good"), feed.url("/lie")}
        assert stored[feed.url("/lie")].text == RU_A.text and "\ufffd" not in stored[feed.url("/lie")].text
        assert stored[feed.url("/lie")].language == "ru"
        assert internal.log == [], "the internal server was asked (robots.txt included)"
        assert raw.log.count("/slow-head") == raw.log.count("/slow-body") == 1


def test_without_allow_private_a_feed_on_127_0_0_1_is_refused_and_says_how(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROSSCHECK_ALLOW_PRIVATE", raising=False)
    site = Site()
    with serve(site):
        site.routes["/feed.xml"] = Route(rss("local", [site.url(RU_B.path)]), headers=XML)
        site.routes[RU_B.path] = RU_B.route()
        ix = str(tmp_path / "ix")
        with Index.open(ix, model="hash-test", create=True) as index, pytest.raises(FeedError, match="allow-private"):
            add_feed(index, site.url("/feed.xml"))
        result = runner.invoke(app, ["feeds", "add", site.url("/feed.xml"), "--index", ix])
        assert result.exit_code == 2 and "--allow-private" in result.stderr and "loopback" in result.stderr
        assert runner.invoke(app, ["feeds", "add", site.url("/feed.xml"), "--index", ix, "--allow-private"]).exit_code == 0
        # fetch without it: the feed is refused, with the line that says how to allow it
        result = runner.invoke(app, ["fetch", "--index", ix, "--json", "-q", "--delay", "0"])
        assert result.exit_code == 1 and "every feed failed" in result.stderr
        failed = json.loads(result.stdout)["failed"]
        assert [f["url"] for f in failed] == [site.url("/feed.xml")]
        assert "loopback" in failed[0]["reason"] and "`crosscheck fetch --allow-private`" in failed[0]["reason"]
        assert "CROSSCHECK_ALLOW_PRIVATE=1" in failed[0]["reason"]
        assert site.log == [], "something was sent to the refused feed"
        # `ingest URL` the same
        result = runner.invoke(app, ["ingest", site.url(RU_B.path), "--index", ix, "-q"])
        assert result.exit_code == 1 and "ingest URL --allow-private" in result.stdout + result.stderr
        assert site.log == []
        # the variable opens the feeds added, as --allow-private does
        monkeypatch.setenv("CROSSCHECK_ALLOW_PRIVATE", "1")
        result = runner.invoke(app, ["fetch", "--index", ix, "--json", "-q", "--delay", "0"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["new"] == 1


def test_fetch_budget_names_what_it_gave_up_on_and_the_next_run_fetches_it(tmp_path: Path) -> None:
    site = Site()
    with serve(site):
        slow = RU_A.route()
        slow.delay = 5.0  # headers after 5 s: the 2 s budget ends first
        site.routes["/slow"] = slow
        for p in (RU_B, TR_B):
            site.routes[p.path] = p.route()
        site.routes["/feed.xml"] = Route(rss("news", [site.url("/slow"), site.url(RU_B.path), site.url(TR_B.path)]),
                                         headers=XML, etag='"v1"')
        ix = str(tmp_path / "ix")
        assert runner.invoke(app, ["feeds", "add", site.url("/feed.xml"), "--index", ix, "--allow-private"]).exit_code == 0
        started = time.monotonic()
        result = runner.invoke(app, ["fetch", "--index", ix, "--json", "-q", "--delay", "0", "--budget", "2s",
                                     "--allow-private"])
        assert time.monotonic() - started < 2 * 2.0
        assert result.exit_code == 0, result.stderr
        summary = json.loads(result.stdout)
        reasons = {f["url"]: f["reason"] for f in summary["failed"]}
        assert set(reasons) == {site.url("/slow"), site.url(RU_B.path), site.url(TR_B.path)}
        assert "stopped: the run's time budget ran out" in reasons[site.url("/slow")]
        assert all("not fetched: the run's time budget ran out first" in reasons[site.url(p.path)] for p in (RU_B, TR_B))
        assert summary["new"] == 0
        with Index.open(ix) as index:
            state = list_feeds(index)[0]
            assert state.etag is None and state.failing_items == 0  # read whole next time; no failed try counted
        site.routes["/slow"] = RU_A.route()
        result = runner.invoke(app, ["fetch", "--index", ix, "--json", "-q", "--delay", "0", "--allow-private"])
        summary = json.loads(result.stdout)
        assert (summary["new"], summary["failed"]) == (3, [])
        assert runner.invoke(app, ["fetch", "--index", ix, "--budget", "soon"]).exit_code == 2
    help_text = " ".join(runner.invoke(app, ["fetch", "--help"], terminal_width=400).stdout.split())
    shown = re.search(r"--budget DURATION .*?\[default: (\w+)\]", help_text)
    assert shown and parse_interval(shown.group(1)) == DEFAULT_BUDGET, help_text


def test_each_watch_round_ends_within_its_budget(tmp_path: Path) -> None:
    site = Site()
    with serve(site), Index.open(tmp_path / "ix", model="hash-test", create=True) as ix, \
            Fetcher(FetchPolicy(host_delay=0.0)) as fetcher:
        site.routes["/slow"] = Route(b"", delay=5.0)
        site.routes["/feed.xml"] = Route(rss("news", [site.url("/slow")]), headers=XML)
        add_feed(ix, site.url("/feed.xml"), outlet="TASS", allow_private=True)
        slept: list[float] = []
        took: list[float] = []
        started = time.monotonic()
        for report, _ in watch(ix, 1.0, update_stories, rounds=2, fetcher=fetcher, sleep=slept.append,
                               allow_private=True):  # the budget of a round: its interval, 1 s
            took.append(time.monotonic() - started)
            started = time.monotonic()
            assert [f.url for f in report.failed] == [site.url("/slow")]
            assert "time budget ran out" in report.failed[0].reason
        assert len(took) == 2 and all(t < 2.0 for t in took), took
        assert list_feeds(ix)[0].failing_items == 0
