"""Feeds: follow RSS/Atom feeds and fetch article pages, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import FeedError, FeedNotFound, IndexLocked, NothingFetched
from crosscheck.ingest.follow import MAX_ITEM_ATTEMPTS, add_feed, fetch_feeds, import_feeds, list_feeds, parse_interval, remove_feed, watch
from crosscheck.sources.feeds import canonical_link, parse_feed, read_feed_list
from crosscheck.sources.http import USER_AGENT, Fetcher, FetchPolicy, FetchResult, decode_body
from crosscheck.index.lock import WriteLock
from crosscheck.records import Outlet
from crosscheck.sources.outlets import OutletDirectory
from crosscheck.stories.clustering import update_stories

from ..conftest import ROOT
from ..feedserver import Route, Site, serve

runner = CliRunner()

# Short limits, so that the bad cases cost little time: the slow page sleeps 1.5 s, the
# client gives up after 0.4 s; one retry 10 ms later.
FAST = FetchPolicy(timeout=0.4, total_timeout=2.0, max_redirects=3, max_bytes=200_000, retries=1,
                   backoff=0.01, max_retry_after=1.0, host_delay=0.0)


# -- the articles ------------------------------------------------------------------------------
@dataclass
class Page:
    path: str
    outlet: str
    language: str
    title: str
    paragraphs: list[str]
    page_date: str | None      # article:published_time on the page (a day, or a time with offset)
    feed_date: str             # the feed item's date, as the feed writes it
    expected: str              # the published date crosscheck should store
    charset: str = "utf-8"
    charset_in_header: bool = True

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def html(self, canonical: str | None = None) -> bytes:
        meta = f'<meta property="article:published_time" content="{self.page_date}">' if self.page_date else ""
        link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
        paras = "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        return (f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="{self.charset}">'
                f"<title>{escape(self.title)}</title>{meta}{link}</head><body>"
                f'<nav><a href="/">Home</a></nav><article>{paras}</article><footer>© {escape(self.outlet)}</footer>'
                "</body></html>").encode(self.charset)

    def route(self, canonical: str | None = None) -> Route:
        kind = f"text/html; charset={self.charset}" if self.charset_in_header else "text/html"
        return Route(self.html(canonical), headers={"Content-Type": kind})


RU_A = Page(
    "/ru/grain-talks", "TASS", "ru", "Россия и Турция возобновят переговоры о зерновом коридоре",
    ["Министр иностранных дел России Сергей Лавров и министр иностранных дел Турции Хакан Фидан "
     "договорились 20 ноября в Стамбуле возобновить переговоры о зерновом коридоре в Черном море.",
     "По словам Лаврова, первая встреча экспертов двух стран пройдет в Анкаре в начале декабря. "
     "Фидан заявил, что Турция готова гарантировать безопасность судов с зерном."],
    "2026-11-20T10:15:00+03:00", "Fri, 20 Nov 2026 10:20:00 +0300", "2026-11-20T10:15:00+03:00",
    charset="windows-1251", charset_in_header=False)
RU_B = Page(
    "/ru/malatya-quake", "TASS", "ru", "Землетрясение магнитудой 5,8 произошло в турецкой провинции Малатья",
    ["Землетрясение магнитудой 5,8 произошло 21 ноября в провинции Малатья на востоке Турции, "
     "сообщило турецкое управление по чрезвычайным ситуациям AFAD.",
     "По данным AFAD, 12 человек получили ранения, несколько старых зданий в Малатье обрушились. "
     "Спасатели продолжают обследовать пострадавшие районы."],
    None, "Sat, 21 Nov 2026 08:40:00 +0300", "2026-11-21T08:40:00+03:00")
TR_A = Page(
    "/tr/tahil-koridoru", "Hürriyet", "tr", "Türkiye ve Rusya tahıl koridoru görüşmelerine yeniden başlıyor",
    ["Dışişleri Bakanı Hakan Fidan ve Rusya Dışişleri Bakanı Sergey Lavrov, 20 Kasım'da İstanbul'da "
     "Karadeniz tahıl koridoru görüşmelerine yeniden başlama konusunda anlaştı.",
     "Fidan, Türkiye'nin tahıl taşıyan gemilerin güvenliğini garanti etmeye hazır olduğunu söyledi. "
     "İki ülkenin uzmanları aralık başında Ankara'da bir araya gelecek."],
    "2026-11-20", "2026-11-20T11:02:00+03:00", "2026-11-20T11:02:00+03:00", charset="iso-8859-9")
TR_B = Page(
    "/tr/malatya-deprem", "Hürriyet", "tr", "Malatya'da 5,8 büyüklüğünde deprem: 12 yaralı",
    ["AFAD, 21 Kasım'da Malatya'da 5,8 büyüklüğünde bir deprem meydana geldiğini duyurdu.",
     "Depremde 12 kişi yaralandı, Malatya'da bazı eski binalar çöktü. Arama kurtarma ekipleri "
     "bölgedeki çalışmalarını sürdürüyor."],
    "2026-11-21T09:05:00+03:00", "2026-11-21T09:07:00+03:00", "2026-11-21T09:05:00+03:00")
EN_A = Page(
    "/en/grain-corridor", "Reuters", "en", "Russia and Turkey to resume Black Sea grain corridor talks",
    ["Russian Foreign Minister Sergei Lavrov and Turkish Foreign Minister Hakan Fidan agreed in Istanbul "
     "on November 20 to resume talks on the Black Sea grain corridor.",
     "Experts from both countries will meet in Ankara in early December, Lavrov said. Fidan said "
     "Turkey was ready to guarantee the safety of ships carrying grain."],
    None, "2026-11-20T08:30:00Z", "2026-11-20T08:30:00+00:00")
EN_B = Page(
    "/en/malatya-earthquake", "Reuters", "en", "Magnitude 5.8 earthquake hits Turkey's Malatya, 12 injured",
    ["A magnitude 5.8 earthquake struck Malatya province in eastern Turkey on November 21, the "
     "disaster agency AFAD said.",
     "Twelve people were injured and several old buildings collapsed in Malatya, AFAD said. "
     "Rescue teams are still searching the affected areas."],
    "2026-11-21T06:10:00+00:00", "2026-11-21T06:12:00Z", "2026-11-21T06:10:00+00:00")
PAGES = [RU_A, RU_B, TR_A, TR_B, EN_A, EN_B]


# -- feeds in three formats --------------------------------------------------------------------
def rss2(site: Site, title: str, pages: list[Page], extra: list[tuple[str, str]] = ()) -> bytes:  # type: ignore[assignment]
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{site.url(p.path)}?utm_source=rss&amp;from=rss</link>"
        f"<pubDate>{p.feed_date}</pubDate></item>" for p in pages)
    items += "".join(f"<item><title>{escape(t)}</title><link>{site.url(path)}</link>"
                     "<pubDate>Fri, 20 Nov 2026 12:00:00 +0000</pubDate></item>" for path, t in extra)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{site.base}</link><description>news</description>{items}</channel></rss>").encode()


def atom(site: Site, title: str, pages: list[Page]) -> bytes:
    entries = "".join(
        f'<entry><title>{escape(p.title)}</title><link rel="alternate" href="{site.url(p.path)}"/>'
        f"<id>{site.url(p.path)}</id><published>{p.feed_date}</published><updated>{p.feed_date}</updated></entry>"
        for p in pages)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>{site.base}/tr</id><updated>2026-11-21T10:00:00Z</updated>"
            f"{entries}</feed>").encode()


def rss1(site: Site, title: str, pages: list[Page]) -> bytes:
    items = "".join(
        f'<item rdf:about="{site.url(p.path)}"><title>{escape(p.title)}</title><link>{site.url(p.path)}</link>'
        f"<dc:date>{p.feed_date}</dc:date></item>" for p in pages)
    seq = "".join(f'<rdf:li resource="{site.url(p.path)}"/>' for p in pages)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{site.base}/en"><title>{escape(title)}</title><link>{site.base}</link>'
            f"<description>news</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{items}</rdf:RDF>"
            ).encode()


XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def news_site() -> Site:
    """Three outlets' feeds (RSS 2.0, Atom, RSS 1.0) and their six article pages."""
    site = Site()
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    return site


def publish(site: Site) -> None:
    site.routes["/feeds/ru.xml"] = Route(rss2(site, "ТАСС", [RU_A, RU_B]), headers=XML, etag='"ru-1"')
    site.routes["/feeds/tr.atom"] = Route(atom(site, "Hürriyet", [TR_A, TR_B]),
                                          headers={"Content-Type": "application/atom+xml"},
                                          last_modified="Sat, 21 Nov 2026 10:00:00 GMT")
    site.routes["/feeds/en.rdf"] = Route(rss1(site, "Reuters World", [EN_A, EN_B]), headers=XML, etag='"en-1"')
    for p in PAGES:
        site.routes[p.path] = p.route()


@pytest.fixture
def site() -> Iterator[Site]:
    s = news_site()
    with serve(s):
        publish(s)
        yield s


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- end to end, with the real model -------------------------------------------------------------
def test_feeds_add_fetch_stories_and_a_second_fetch_costs_one_304_per_feed(site: Site, tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    for path, outlet in (("/feeds/ru.xml", "TASS"), ("/feeds/tr.atom", "Hürriyet"), ("/feeds/en.rdf", "Reuters")):
        code, out, err = invoke("feeds", "add", site.url(path), "--outlet", outlet, "--index", ix, "--allow-private")
        assert code == 0, err
    assert "following" in out and "camp west" in out
    code, out, err = invoke("fetch", "--index", ix, "--json", "--quiet", "--delay", "0", "--timeout", "5",
                            "--allow-private")
    assert code == 0, err
    summary = json.loads(out)
    assert summary == {"feeds": 3, "items": 6, "new": 6, "unchanged": 0, "not_modified": 0, "duplicates": 0,
                       "older": 0, "failed": [], "failing_feeds": []}
    assert all(r.headers["user-agent"] == USER_AGENT for r in site.log)

    with Index.open(ix) as index:
        stored = {a.url: a for a in index.store.iter_articles()}
    camps = {"TASS": "ru", "Hürriyet": "tr", "Reuters": "west"}
    for p in PAGES:
        a = stored[site.url(p.path)]  # tracking parameters gone from the feed's links
        assert (a.outlet, a.camp, a.language, a.published) == (p.outlet, camps[p.outlet], p.language, p.expected), p.path
        assert a.title == p.title and a.text == p.text, p.path  # windows-1251 and ISO-8859-9 decoded

    # stories group them as ingest of the same articles does
    jsonl = tmp_path / "same.jsonl"
    jsonl.write_text("\n".join(json.dumps({"url": site.url(p.path), "outlet": p.outlet, "title": p.title,
                                           "text": p.text, "published": p.expected}, ensure_ascii=False)
                               for p in PAGES), encoding="utf-8")
    other = str(tmp_path / "other")
    assert invoke("ingest", str(jsonl), "--index", other, "-q")[0] == 0

    def partition(index_path: str) -> set[frozenset[str]]:
        code, out, err = invoke("stories", "--index", index_path, "--json")
        assert code == 0, err
        return {frozenset(a["url"] for a in s["articles"]) for s in json.loads(out)}

    fetched = partition(ix)
    assert fetched == partition(other)
    assert frozenset(site.url(p.path) for p in (RU_A, TR_A, EN_A)) in fetched  # one story, three camps
    assert frozenset(site.url(p.path) for p in (RU_B, TR_B, EN_B)) in fetched

    before = len(site.log)
    code, out, err = invoke("fetch", "--index", ix, "--json", "--quiet", "--delay", "0", "--allow-private")
    assert code == 0, err
    again = json.loads(out)
    assert (again["new"], again["not_modified"], again["failed"]) == (0, 3, [])
    second = site.log[before:]
    assert [(r.path, r.conditional, r.status) for r in second if r.path != "/robots.txt"] == [
        ("/feeds/ru.xml", True, 304), ("/feeds/tr.atom", True, 304), ("/feeds/en.rdf", True, 304)]

    code, out, err = invoke("feeds", "list", "--index", ix, "--json")
    listed = {f["url"]: f for f in json.loads(out)}
    ru = listed[site.url("/feeds/ru.xml")]
    assert (ru["outlet"], ru["camp"], ru["articles"], ru["errors"], ru["last_status"], ru["etag"]) == \
        ("TASS", "ru", 2, 0, "304", '"ru-1"')
    assert listed[site.url("/feeds/tr.atom")]["last_modified"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    code, out, err = invoke("feeds", "list", "--index", ix)
    assert "Hürriyet" in out and "304" in out


# -- every bad case, with the fake embedder --------------------------------------------------------
def bad_site(site: Site) -> None:
    """One good feed whose items include every bad page, and one feed for each bad feed case."""
    big = b"<html><body><p>" + b"x" * 300_000 + b"</p></body></html>"
    pages = {
        "/bad/404": None,                                                     # no route: 404
        "/bad/500": Route(b"oops", status=500),
        "/bad/slow": Route(RU_B.html(), headers={"Content-Type": "text/html"}, delay=1.5),
        "/bad/loop": Route(b"", status=302, headers={"Location": "/bad/loop2"}),
        "/bad/loop2": Route(b"", status=302, headers={"Location": "/bad/loop"}),
        "/bad/big": Route(big, headers={"Content-Type": "text/html"}),
        "/bad/pdf": Route(b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"}),
        "/bad/empty": Route(b"<html><head><title>Video</title></head><body><nav><a href='/'>Home</a></nav>"
                            b"<div>We use cookies.</div><video src='/v.mp4'></video></body></html>",
                            headers={"Content-Type": "text/html"}),
        "/private/secret": Route(EN_A.html(), headers={"Content-Type": "text/html"}),
    }
    for path, route in pages.items():
        if route is not None:
            site.routes[path] = route
    extra = [(path, path.rsplit("/", 1)[1]) for path in pages if path != "/bad/loop2"]
    site.routes["/feeds/good.xml"] = Route(rss2(site, "Good", [RU_A, EN_A], extra), headers=XML, etag='"g"')
    site.routes[RU_A.path] = RU_A.route()
    site.routes[EN_A.path] = EN_A.route()
    # a feed cut off in the middle of its third item: the two before it are kept
    whole = rss2(site, "Cut", [TR_A, TR_B, EN_B]).decode()
    site.routes["/feeds/cut.xml"] = Route(whole[:whole.index(EN_B.path) + 5].encode(), headers=XML, etag='"cut"')
    site.routes[TR_A.path] = TR_A.route()
    site.routes[TR_B.path] = TR_B.route()
    site.routes["/feeds/500.xml"] = Route(b"down", status=500)
    site.routes["/feeds/slow.xml"] = Route(rss2(site, "Slow", [RU_B]), headers=XML, delay=1.5)
    site.routes["/feeds/html.xml"] = Route(b"<html><body><p>Not a feed</p></body></html>",
                                           headers={"Content-Type": "text/html"})
    site.routes["/feeds/garbage.xml"] = Route(b"\x00\x01 this is not xml <<<", headers=XML)


def test_each_bad_case_is_one_line_in_failed_and_the_good_articles_are_kept(tmp_path: Path) -> None:
    site = news_site()
    with serve(site), Index.open(tmp_path / "ix", model="hash-test", create=True) as ix, Fetcher(FAST) as fetcher:
        bad_site(site)
        feeds = ["/feeds/good.xml", "/feeds/cut.xml", "/feeds/missing.xml", "/feeds/500.xml", "/feeds/slow.xml",
                 "/feeds/html.xml", "/feeds/garbage.xml"]
        for path in feeds:
            add_feed(ix, site.url(path), outlet="TASS", allow_private=True)
        report = fetch_feeds(ix, fetcher=fetcher, allow_private=True)

        reasons = {f.url.replace(site.base, ""): f.reason for f in report.failed}
        assert len(report.failed) == len(reasons), "one line per bad case"
        expected = {
            "/bad/404": "HTTP 404 Not Found",
            "/bad/500": "HTTP 500 Internal Server Error after 2 tries",
            "/bad/slow": "timed out",
            "/bad/loop": "more than 3 redirects",
            "/bad/big": "larger than 200,000 bytes",
            "/bad/pdf": "not an HTML page (application/pdf)",
            "/bad/empty": "no article text found",
            "/private/secret": "disallowed by",
            "/feeds/cut.xml": "broken feed XML",
            "/feeds/missing.xml": "HTTP 404 Not Found",
            "/feeds/500.xml": "HTTP 500 Internal Server Error after 2 tries",
            "/feeds/slow.xml": "timed out",
            "/feeds/html.xml": "not a",
            "/feeds/garbage.xml": "not a",
        }
        assert set(reasons) == set(expected), reasons
        for url, words in expected.items():
            assert words in reasons[url], (url, reasons[url])
        assert "kept the 2 items that parsed" in reasons["/feeds/cut.xml"]
        assert not site.requests_to("/private/secret"), "robots.txt disallow was not obeyed"
        # the good feed's two articles and the cut feed's two are all kept
        urls = {a.url for a in ix.store.iter_articles()}
        assert urls == {site.url(p.path) for p in (RU_A, EN_A, TR_A, TR_B)}
        assert (report.new, report.feeds, report.feeds_failed, report.all_failed) == (4, 7, 5, False)
        states = {f.url.replace(site.base, ""): f for f in list_feeds(ix)}
        assert states["/feeds/missing.xml"].errors == 1 and states["/feeds/missing.xml"].last_status == "failed"
        assert states["/feeds/good.xml"].articles == 2 and states["/feeds/good.xml"].failing_items == 8
        assert states["/feeds/cut.xml"].articles == 2 and states["/feeds/cut.xml"].last_error
        assert states["/feeds/cut.xml"].etag is None  # read whole next time, not answered 304
        assert states["/feeds/good.xml"].etag == '"g"'

    # through the command line: exit 0 since something was fetched; 1 when every feed fails
    code, out, err = invoke("fetch", "--index", str(tmp_path / "ix"), "--quiet", "--timeout", "0.3", "--delay", "0",
                            "--allow-private")
    assert code == 1 and "every feed failed" in err  # the server is gone now
    assert "connection failed" in out and "Traceback" not in out + err


def test_a_failed_page_is_tried_again_while_its_feed_is_unchanged_then_given_up(site: Site, tmp_path: Path) -> None:
    site.routes["/feeds/ru.xml"] = Route(rss2(site, "ТАСС", [RU_A], [("/flaky", "Flaky")]), headers=XML, etag='"1"')
    site.routes["/flaky"] = Route(b"busy", status=503, headers={"Retry-After": "0"})
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix, Fetcher(FAST) as fetcher:
        add_feed(ix, site.url("/feeds/ru.xml"), allow_private=True)
        first = fetch_feeds(ix, fetcher=fetcher, allow_private=True)
        assert first.new == 1 and [f.url for f in first.failed] == [site.url("/flaky")]
        assert "HTTP 503 Service Unavailable after 2 tries" in first.failed[0].reason
        assert first.failed[0].as_dict()["feed"] == site.url("/feeds/ru.xml")
        site.routes["/flaky"] = RU_B.route()
        second = fetch_feeds(ix, fetcher=fetcher, allow_private=True)
        assert (second.not_modified, second.new, second.failed) == (1, 1, [])
        assert site.url(RU_A.path) not in [r.path for r in site.log[-3:]]
        # a page that keeps failing is given up after MAX_ITEM_ATTEMPTS, and says so
        # (the feed has no validators now, so it is read whole every time and lists the page again)
        site.routes["/feeds/ru.xml"] = Route(rss2(site, "ТАСС", [], [("/gone", "Gone")]), headers=XML)
        reasons = [fetch_feeds(ix, fetcher=fetcher, allow_private=True).failed for _ in range(MAX_ITEM_ATTEMPTS + 1)]
        assert [len(r) for r in reasons] == [1] * MAX_ITEM_ATTEMPTS + [0]
        assert "not tried again" in reasons[MAX_ITEM_ATTEMPTS - 1][0].reason
        assert len(site.requests_to("/gone")) == MAX_ITEM_ATTEMPTS
        assert list_feeds(ix)[0].failing_items == 1


def test_since_max_per_feed_and_canonical_duplicates(site: Site, tmp_path: Path) -> None:
    # the same article under a second address whose page names the first as canonical
    site.routes["/ru/grain-talks-amp"] = RU_A.route(canonical=site.url(RU_A.path))
    # and the same text at a third address that names no canonical URL: kept, linked as a duplicate
    site.routes["/ru/reprint"] = RU_A.route()
    site.routes["/feeds/ru.xml"] = Route(rss2(site, "ТАСС", [RU_A, RU_B], [("/ru/grain-talks-amp", "AMP"),
                                                                          ("/ru/reprint", "Reprint")]),
                                         headers=XML)
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix, Fetcher(FAST) as fetcher:
        add_feed(ix, site.url("/feeds/ru.xml"), language="ru", allow_private=True)
        add_feed(ix, site.url("/feeds/en.rdf"), outlet="Reuters", allow_private=True)
        report = fetch_feeds(ix, since="2026-11-21", max_per_feed=1, fetcher=fetcher, allow_private=True)
        assert report.new == 2 and report.older == 4
        assert {a.url for a in ix.store.iter_articles()} == {site.url(RU_B.path), site.url(EN_B.path)}
        report = fetch_feeds(ix, fetcher=fetcher, allow_private=True)  # ru.xml has no validators: read again
        assert (report.new, report.not_modified, report.duplicates) == (2, 1, 1)
        assert report.unchanged == 2  # RU_B already in, and the AMP copy is RU_A by its canonical URL
        stored = {a.url: a for a in ix.store.iter_articles()}
        assert sum(1 for a in stored.values() if a.text == RU_A.text) == 2
        assert stored[site.url("/ru/reprint")].duplicate_of == stored[site.url(RU_A.path)].id
        with pytest.raises(FeedError):
            fetch_feeds(ix, since="last week", fetcher=fetcher, allow_private=True)


def test_fetch_reads_the_network_without_the_write_lock_and_stores_under_it(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Index.open(path, model="hash-test", create=True) as ix:
        add_feed(ix, site.url("/feeds/ru.xml"), outlet="TASS", allow_private=True)
    other_writer = WriteLock(path)
    other_writer.acquire()
    try:
        with Index.open(path, wait=False) as ix, Fetcher(FAST) as fetcher, pytest.raises(IndexLocked):
            fetch_feeds(ix, fetcher=fetcher, allow_private=True)
        assert site.requests_to(RU_A.path) and site.requests_to(RU_B.path)  # read while the lock was taken
        code, out, err = invoke("fetch", "--index", str(path), "--no-wait", "--delay", "0", "-q", "--allow-private")
        assert code == 1 and "is writing to the index" in err
    finally:
        other_writer.release()
    with Index.open(path) as ix, Fetcher(FAST) as fetcher:
        assert ix.store.totals()["articles"] == 0 and list_feeds(ix)[0].last_fetch is None  # nothing half-stored
        assert fetch_feeds(ix, fetcher=fetcher, allow_private=True).new == 2


def test_feeds_add_list_remove_import(site: Site, tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    code, out, err = invoke("feeds", "add", site.url("/feeds/en.rdf"), "--index", ix, "--allow-private")
    assert code == 0 and "warning:" in err and "camp is 'unknown'" in err
    code, out, err = invoke("feeds", "add", site.url("/feeds/ru.xml"), "--outlet", "Local RU", "--camp", "ru",
                            "--language", "ru", "--index", ix, "--allow-private")
    assert code == 0 and "camp ru" in out and not err
    assert invoke("feeds", "add", "ftp://x/feed", "--index", ix)[0] == 2  # usage errors
    assert invoke("feeds", "add", site.url("/x"), "--camp", "blue", "--index", ix)[0] == 2
    opml = tmp_path / "feeds.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
        <outline text="news"><outline text="Hürriyet" type="rss" xmlUrl="{site.url('/feeds/tr.atom')}" outlet="Hürriyet"/>
        <outline text="bad" type="rss" xmlUrl="mailto:someone"/></outline></body></opml>""", encoding="utf-8")
    code, out, err = invoke("feeds", "import", str(opml), "--index", ix, "--allow-private")
    assert code == 0 and "Hürriyet, camp tr" in out and "mailto:someone" in err
    plain = tmp_path / "feeds.txt"
    plain.write_text(f"# my feeds\n{site.url('/feeds/ru.xml')}\n\n", encoding="utf-8")
    assert invoke("feeds", "import", str(plain), "--index", ix, "--allow-private")[0] == 0
    code, out, err = invoke("feeds", "list", "--index", ix, "--json")
    listed = [(f["outlet"], f["camp"], f["language"]) for f in json.loads(out)]
    assert listed == [("127.0.0.1", "unknown", None), ("Local RU", "ru", "ru"), ("Hürriyet", "tr", None)]
    assert invoke("feeds", "remove", site.url("/feeds/en.rdf"), "--index", ix)[0] == 0
    code, out, err = invoke("feeds", "remove", site.url("/feeds/en.rdf"), "--index", ix)
    assert code == 1 and "no feed" in err
    code, out, err = invoke("feeds", "list", "--index", ix)
    assert "Local RU" in out and "never fetched" in out and "en.rdf" not in out


def test_outlet_from_the_feed_domain_and_library_errors(tmp_index: Index) -> None:
    directory = OutletDirectory([Outlet("Local TR", "tr", "TR", ("127.0.0.1",))])
    added = add_feed(tmp_index, "http://127.0.0.1:9/rss", outlets=directory, allow_private=True)
    assert (added.feed.outlet, added.feed.camp, added.warning) == ("Local TR", "tr", None)
    assert add_feed(tmp_index, "https://tass.ru/rss/v2.xml").feed.outlet == "TASS"
    with pytest.raises(FeedNotFound):
        remove_feed(tmp_index, "http://nowhere/rss")
    remove_feed(tmp_index, "https://tass.ru/rss/v2.xml")
    remove_feed(tmp_index, "http://127.0.0.1:9/rss")
    with pytest.raises(NothingFetched):
        fetch_feeds(tmp_index)


def test_ingest_url_and_watch(site: Site, tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    assert Index.open(ix, model="hash-test", create=True).close() is None
    code, out, err = invoke("ingest", site.url(TR_B.path), site.url("/nothing"), "--index", ix, "-q", "--allow-private")
    assert code == 0 and "ingested 1 new article " in out
    assert "/nothing: HTTP 404 Not Found" in err
    assert invoke("feeds", "add", site.url("/feeds/en.rdf"), "--outlet", "Reuters", "--index", ix, "--allow-private")[0] == 0
    code, out, err = invoke("watch", "--every", "0.05s", "--rounds", "2", "--delay", "0", "--index", ix,
                            "--budget", "30s", "--allow-private")
    assert code == 0, err
    rounds = out.strip().splitlines()
    assert len(rounds) == 2 and "2 new articles" in rounds[0] and "1 feeds not modified" in rounds[1]
    assert "stories:" in rounds[0]
    assert invoke("watch", "--every", "soon", "--index", ix)[0] == 2


def test_ingest_url_gives_outlet_to_a_page_that_names_no_site(site: Site, tmp_path: Path) -> None:
    # the test pages carry no site name: the outlet was the server's host and port, --outlet ignored
    ix = str(tmp_path / "ix")
    code, out, err = invoke("ingest", site.url(TR_B.path), "--outlet", "Hürriyet", "--index", ix, "--model", "hash-test",
                            "-q", "--allow-private")
    assert code == 0, err
    with Index.open(ix, readonly=True) as index:
        stored = list(index.store.iter_articles())
    assert [(a.outlet, a.camp) for a in stored] == [("Hürriyet", "tr")]


def test_watch_goes_on_when_every_feed_fails(tmp_index: Index) -> None:
    add_feed(tmp_index, "http://127.0.0.1:9/rss", outlet="TASS", allow_private=True)  # nothing listens on port 9
    slept: list[float] = []
    with Fetcher(FAST) as fetcher:
        rounds = list(watch(tmp_index, 60, update_stories, rounds=3, fetcher=fetcher, sleep=slept.append,
                            allow_private=True))
    assert [r.all_failed for r, _ in rounds] == [True] * 3 and len(slept) == 2 and slept[0] > 59
    assert "connection failed" in rounds[0][0].failed[0].reason
    # a feed that keeps failing is reported, never dropped
    assert [r.failing_feeds for r, _ in rounds] == [[], [], ["http://127.0.0.1:9/rss"]]
    assert list_feeds(tmp_index)[0].errors == 3


# -- the fetcher's manners ----------------------------------------------------------------------
def test_retry_after_host_delay_and_crawl_delay_are_honoured() -> None:
    site = Site()
    site.routes["/robots.txt"] = Route(b"User-agent: crosscheck\nCrawl-delay: 3\nDisallow: /no\n")
    site.routes["/busy"] = Route(dynamic=lambda n: (429, {"Retry-After": "7"}, b"") if n == 0 else
                                 (200, {"Content-Type": "text/plain"}, b"ok"))
    site.routes["/forever"] = Route(b"", status=503, headers={"Retry-After": "3600"})
    slept: list[float] = []
    with serve(site), Fetcher(FetchPolicy(host_delay=0.5, max_retry_after=10, retries=2), sleep=slept.append) as f:
        f.allow_private([site.base])
        assert f.get(site.url("/busy")).content == b"ok"
        assert 7 in slept
        assert all(2.5 < s <= 3 for s in slept if s != 7), slept  # Crawl-delay 3 beats host_delay 0.5
        with pytest.raises(Exception, match="Retry-After 3600 s"):
            f.get(site.url("/forever"))
        assert not f.allowed(site.url("/no/1")) and f.allowed(site.url("/yes"))


def test_requests_to_one_host_are_spaced_by_the_host_delay() -> None:
    site = Site()
    site.routes["/a"] = Route(b"a")
    slept: list[float] = []
    with serve(site), Fetcher(FetchPolicy(host_delay=5), sleep=slept.append) as f:
        f.allow_private([site.base])
        f.get(site.url("/a"))  # robots.txt (404: everything allowed), then /a
        f.get(site.url("/a"))
    assert len(slept) == 2 and all(4.5 < s <= 5 for s in slept), slept


def test_robots_unreachable_or_forbidden_stops_the_host() -> None:
    for status, words in ((500, "unreachable"), (403, "forbids robots")):
        site = Site()
        site.routes["/robots.txt"] = Route(b"", status=status)
        site.routes["/page"] = Route(b"<p>x</p>", headers={"Content-Type": "text/html"})
        with serve(site), Fetcher(FAST) as f, pytest.raises(Exception, match=words):
            f.allow_private([site.base])
            f.get(site.url("/page"))
        assert not site.requests_to("/page")


def test_robots_txt_is_read_again_after_its_time() -> None:
    site = Site()
    site.routes["/robots.txt"] = Route(b"", status=503)
    site.routes["/page"] = Route(b"ok")
    with serve(site), Fetcher(replace(FAST, robots_retry=0.2)) as f:
        f.allow_private([site.base])
        assert not f.allowed(site.url("/page")) and not f.allowed(site.url("/page"))
        assert len(site.requests_to("/robots.txt")) == 2  # one try and one retry, then remembered
        site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow:\n")
        time.sleep(0.3)
        assert f.get(site.url("/page")).content == b"ok"


def test_charsets_from_header_or_page() -> None:
    ru = "Россия и Турция".encode("windows-1251")
    assert decode_body(b'<meta charset="windows-1251">' + ru) .endswith("Россия и Турция")
    assert decode_body(ru, "text/html; charset=windows-1251") == "Россия и Турция"
    tr = "Şırnak'ta ağır yağış, İstanbul'da güneş".encode("iso-8859-9")
    assert decode_body(tr, "text/html; charset=ISO-8859-9") == "Şırnak'ta ağır yağış, İstanbul'da güneş"
    assert decode_body("héllo".encode()) == "héllo"
    page = FetchResult("http://x/", 200, {"content-type": "text/html"}, b"<meta http-equiv='Content-Type' "
                       b"content='text/html; charset=windows-1251'>" + ru)
    assert page.text().endswith("Россия и Турция")


def test_feed_parsing_and_links() -> None:
    assert canonical_link("HTTPS://Tass.RU/a/1?utm_source=rss&id=3&fbclid=x#top") == "https://tass.ru/a/1?id=3"
    parsed = parse_feed(b"<rss version='2.0'><channel><title>T</title><item><title>A</title>"
                        b"<link>https://x.org/1</link><pubDate>Mon, 12 Sep 2016 14:30:00 +0300</pubDate></item>"
                        b"<item><title>no link</title></item></channel></rss>", "https://x.org/rss")
    assert parsed.error is None and [(i.link, i.published) for i in parsed.items] == [
        ("https://x.org/1", "2016-09-12T14:30:00+03:00")]
    assert parse_interval("15m") == 900 and parse_interval("1h30m") == 5400 and parse_interval("90s") == 90
    with pytest.raises(FeedError):
        parse_interval("15 minutes")


def test_the_sample_opml_in_docs_names_outlets_of_the_default_list() -> None:
    opml = (ROOT / "docs" / "feeds.md").read_text(encoding="utf-8").split("```xml\n")[1].split("```")[0]
    path = ROOT / "docs" / "default-feeds.opml"
    assert path.read_text(encoding="utf-8") == opml, "docs/feeds.md and docs/default-feeds.opml differ"
    entries = read_feed_list(path)
    directory = OutletDirectory()
    outlets = [directory.lookup(e.get("outlet"), e["url"]) for e in entries]
    assert len(entries) >= 10 and all(outlets), [e["url"] for e, o in zip(entries, outlets) if o is None]
    assert {o.camp for o in outlets if o} >= {"ru", "tr", "west"}
