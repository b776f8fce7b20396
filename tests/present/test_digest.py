"""The digest (present/digest.py, `crosscheck digest`, `watch --digest`, serve's /digest): an index
fed twice by `fetch` from a real feed server on 127.0.0.1, with the real model. The second digest
lists exactly what the second fetch added: the one new story (the Malatya earthquake, not the
grain talks of the first fetch), claims whose every mention is new, and the conflict its new
figures start (12 injured in three camps, 15 in Deutsche Welle)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app as cli_app
from crosscheck.compare.figures import CONFLICT
from crosscheck.errors import InvalidInput
from crosscheck.ingest.follow import add_feed, fetch_feeds
from crosscheck.present.digest import DailyDigests, make_digest, parse_since_instant, render_digest, report_href
from crosscheck.sources.http import Fetcher
from crosscheck.stories.clustering import update_stories
from crosscheck.web.server import create_app

from ..conftest import Tab
from ..feedserver import Route, Site, serve
from ..ingest.test_feeds import EN_A, EN_B, FAST, RU_A, RU_B, TR_A, TR_B, Page, rss2
from ..web.test_serve import running

runner = CliRunner()

DE_B = Page(
    "/de/malatya-beben", "Deutsche Welle", "de", "Erdbeben der Stärke 5,8 in Malatya: 15 Verletzte",
    ["Ein Erdbeben der Stärke 5,8 hat am 21. November die Provinz Malatya im Osten der Türkei erschüttert, "
     "teilte die Katastrophenschutzbehörde AFAD mit.",
     "Fünfzehn Menschen wurden verletzt, mehrere alte Gebäude in Malatya stürzten ein, so AFAD. "
     "Rettungsteams suchen weiter in den betroffenen Gebieten."],
    "2026-11-21T09:30:00+01:00", "2026-11-21T09:31:00+01:00", "2026-11-21T09:30:00+01:00")
FEEDS = {"/feeds/ru.xml": ("TASS", "ru"), "/feeds/tr.xml": ("Hürriyet", "tr"), "/feeds/en.xml": ("Reuters", "west"),
         "/feeds/de.xml": ("Deutsche Welle", "west")}
FIRST = {"/feeds/ru.xml": [RU_A], "/feeds/tr.xml": [TR_A], "/feeds/en.xml": [EN_A], "/feeds/de.xml": []}
SECOND = {"/feeds/ru.xml": [RU_A, RU_B], "/feeds/tr.xml": [TR_A, TR_B], "/feeds/en.xml": [EN_A, EN_B],
          "/feeds/de.xml": [DE_B]}


def publish(site: Site, feeds: dict[str, list[Page]]) -> None:
    for path, pages in feeds.items():
        site.routes[path] = Route(rss2(site, FEEDS[path][0], pages), headers={"Content-Type": "application/rss+xml"})
        for p in pages:
            site.routes[p.path] = p.route()


def _fetch(ix: Index, fetcher: Fetcher) -> set[str]:
    before = {a.id for a in ix.store.iter_articles()}
    report = fetch_feeds(ix, fetcher=fetcher, allow_private=True)
    assert not report.failed, report.failed
    update_stories(ix)
    return {a.id for a in ix.store.iter_articles()} - before


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The index after two fetches, and the instants around them."""
    path = tmp_path_factory.mktemp("digest") / "ix"
    site = Site()
    with serve(site), Index.open(path, create=True) as ix, Fetcher(FAST) as fetcher:
        publish(site, FIRST)
        for feed, (outlet, camp) in FEEDS.items():
            add_feed(ix, site.url(feed), outlet=outlet, camp=camp, allow_private=True)
        t0 = datetime.now(UTC)
        first = _fetch(ix, fetcher)
        time.sleep(1.1)  # ingested_at is kept to the second: the cut-off lies in the next one
        t1 = datetime.now(UTC)
        publish(site, SECOND)
        second = _fetch(ix, fetcher)
    return {"path": path, "t0": t0, "t1": t1, "first": first, "second": second}


def test_the_second_digest_lists_exactly_what_the_second_fetch_added(fed: dict[str, object]) -> None:
    path, t0, t1 = fed["path"], fed["t0"], fed["t1"]
    first, second = fed["first"], fed["second"]
    assert len(first) == 3 and len(second) == 4, (first, second)
    with Index.open(path, readonly=True) as ix:  # type: ignore[arg-type]
        d1 = make_digest(ix, t0 - timedelta(seconds=1), report_href, until=t1)  # type: ignore[operator]
        d2 = make_digest(ix, t1, report_href)  # type: ignore[arg-type]
        members = {s.id: {a.id for a in ix.store.story_members(s.id)} for s in d2.stories}
    assert set(d2.new_articles) == second and set(d1.new_articles) == first
    # the one new story is the earthquake, every article of it from the second fetch; the grain talks are not new
    assert len(d2.stories) == 1 and members[d2.stories[0].id] == second
    assert d2.stories[0].camps == {"ru": 1, "tr": 1, "west": 2} and not d2.stories[0].blindspot
    assert {s.id for s in d2.stories}.isdisjoint({s.id for s in d1.stories})
    # every claim listed is new: each of its mentions came with the second fetch
    assert all(set(c.article_ids) <= second for c in d2.claims)
    assert all(c.status in ("single_source", "camp_only") for c in d2.claims)
    assert [len(c.outlets) for c in d2.claims] == sorted((len(c.outlets) for c in d2.claims), reverse=True)
    # the new conflict: 15 injured (Deutsche Welle) against 12 (TASS, Hürriyet, Reuters), hours apart
    injured = [f for f in d2.figures if f.kind == "injured"]
    assert injured and injured[0].role == CONFLICT
    values = {v["value"] for v in injured[0].values}
    assert values == {12, 15} and all(v["new"] for v in injured[0].values)
    assert all(f.href.endswith(f"#claim-{f.claim_id}") and f.href.startswith(report_href(f.story)) for f in d2.figures)
    # nothing of the first fetch reappears
    assert not any(set(c.article_ids) & first for c in d2.claims)  # type: ignore[operator]


def test_digest_cli_json_and_html_and_bad_since(fed: dict[str, object], tmp_path: Path) -> None:
    path, t1 = fed["path"], fed["t1"]
    since = t1.isoformat()  # type: ignore[attr-defined]
    result = runner.invoke(cli_app, ["digest", "--since", since, "--index", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["new_articles"]) == fed["second"] and len(data["stories"]) == 1
    # without --json a terminal gets lines, not JSON (it printed JSON before): the new story by its id, the
    # new conflict of injured with each figure and its outlet
    lines = runner.invoke(cli_app, ["digest", "--since", since, "--index", str(path)])
    assert lines.exit_code == 0, lines.output
    assert not lines.stdout.lstrip().startswith("{") and "new stories (1)" in lines.stdout
    assert data["stories"][0]["id"] in lines.stdout
    conflict = next(line for line in lines.stdout.splitlines() if "conflict (" in line)
    assert "Fünfzehn (Deutsche Welle, new)" in conflict and "12 (TASS, new)" in conflict  # as each outlet wrote it
    page = tmp_path / "digest.html"
    written = runner.invoke(cli_app, ["digest", "--since", since, "--index", str(path), "--out", str(page)])
    assert written.exit_code == 0, written.output
    html = page.read_text(encoding="utf-8")
    assert f'href="{report_href(data["stories"][0]["id"])}"' in html and "<script" not in html
    bad = runner.invoke(cli_app, ["digest", "--since", "yesterday", "--index", str(path)])
    assert bad.exit_code == 2 and "24h" in bad.output
    with pytest.raises(InvalidInput):
        parse_since_instant("soon")
    assert parse_since_instant("1h30m", datetime(2026, 1, 1, 12, tzinfo=UTC)) == datetime(2026, 1, 1, 10, 30, tzinfo=UTC)


def test_watch_writes_one_digest_a_day_with_its_story_pages(fed: dict[str, object], tmp_path: Path) -> None:
    """The first round writes the day's digest (the last 24 hours), a later round that day none, the
    first round of the next day the next one (what arrived since the last)."""
    daily = DailyDigests(tmp_path / "digests")
    now = fed["t1"] + timedelta(days=1)  # type: ignore[operator]
    with Index.open(fed["path"], readonly=True) as ix:  # type: ignore[arg-type]
        first = daily.maybe_write(ix, now)
        again = daily.maybe_write(ix, now + timedelta(minutes=1))
        next_day = daily.maybe_write(ix, now + timedelta(days=1))
    assert first is not None and first.name == f"digest-{now:%Y-%m-%d}.html" and again is None
    assert next_day is not None and next_day.name == f"digest-{now + timedelta(days=1):%Y-%m-%d}.html"
    data = json.loads(first.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(data["new_articles"]) == fed["second"]  # the 24 hours before `now`: the second fetch
    assert json.loads(next_day.with_suffix(".json").read_text(encoding="utf-8"))["new_articles"] == []
    for story in data["stories"]:
        assert (tmp_path / "digests" / report_href(story["id"])).exists()  # its link leads somewhere


def test_serve_shows_the_latest_digest(fed: dict[str, object], tab: Tab) -> None:
    with running(create_app(fed["path"])) as base:  # type: ignore[arg-type]
        api = httpx.get(f"{base}/api/digest", timeout=120)
        bad = httpx.get(f"{base}/api/digest?since=soon", timeout=60)
        tab.page.goto(f"{base}/digest")
        stories = tab.page.eval_on_selector_all("#digest-stories li a", "as => as.map(a => a.getAttribute('href'))")
        assert tab.errors == []
    assert api.status_code == 200 and set(api.json()["new_articles"]) >= fed["second"]  # type: ignore[operator]
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    assert stories and all(h.startswith("/stories/") for h in stories)


def test_render_digest_escapes_untrusted_titles() -> None:
    from crosscheck.present.digest import Digest, StoryItem

    evil = '<script>window.__pwned=1</script>'
    d = Digest(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC),
               stories=[StoryItem("s", evil, "s.html", 1, {"ru": 1}, True)])
    html = render_digest(d)
    assert "&lt;script&gt;" in html and html.count("<script") == 0
