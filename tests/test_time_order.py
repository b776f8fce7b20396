"""Times are compared as instants, never as text (issue 23). A stored date keeps its outlet's own
offset, and as text "2025-03-03T09:20:00-05:00" (AP, 14:20 UTC) < "…T13:45:00Z" (Reuters) <
"…T14:10:00+03:00" (TASS, 11:10 UTC): the story of tests/data/grain_corridor.jsonl, told in three
zones, must start with TASS and list its articles in true order in the terminal, the JSON, the
HTML report and the served page, each time shown with its zone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.stories.catalog import get_story, list_stories
from crosscheck.web.server import create_app

from .conftest import GRAIN_CORRIDOR, Tab
from .web.test_serve import running

runner = CliRunner()
# the three outlets in three zones, in true order, and their times as the pages show them
THREE_ZONES = [("TASS", "3 Mar 2025, 14:10 UTC+03:00"), ("Reuters", "3 Mar 2025, 13:45 UTC"),
               ("AP", "3 Mar 2025, 09:20 UTC-05:00")]


def _instant(published: str) -> datetime:
    return datetime.fromisoformat(published).astimezone(UTC)


@pytest.fixture(scope="module")
def grain_story(grain_index_path: Path) -> tuple[str, list[str]]:
    """The story that holds TASS's report: its id and its article ids in true time order, as the
    corpus file gives their dates (read here, not through crosscheck)."""
    published = {r["id"]: r["published"] for r in map(json.loads, GRAIN_CORRIDOR.read_text(encoding="utf-8").splitlines())}
    with Index.open(grain_index_path, readonly=True) as ix:
        story = next(s for s in list_stories(ix) if "tass-grain-ru" in {a.id for a in s.articles})
    members = [a.id for a in story.articles]
    assert {"tass-grain-ru", "reuters-grain-en", "ap-grain-en"} <= set(members), members
    return story.id, sorted(members, key=lambda i: _instant(published[i]))


def _in_order(names: list[str], wanted: list[str]) -> bool:
    """`wanted` appear in `names` (each once at least), in that order of first appearance."""
    positions = [names.index(w) for w in wanted]
    return positions == sorted(positions)


def test_a_story_starts_with_its_earliest_instant_in_the_library_and_the_json(
        grain_index_path: Path, grain_story: tuple[str, list[str]]) -> None:
    story_id, in_time = grain_story
    assert in_time[0] == "tass-grain-ru"  # 11:10 UTC, the earliest, though last as text of the three
    with Index.open(grain_index_path, readonly=True) as ix:
        story = get_story(ix, story_id)
    assert [a.id for a in story.articles] == in_time
    assert story.start == "2025-03-03T14:10:00+03:00"  # TASS's, in its own zone
    listed = json.loads(runner.invoke(app, ["stories", "--json", "--index", str(grain_index_path)]).stdout)
    entry = next(s for s in listed if s["id"] == story_id)
    assert entry["start"] == "2025-03-03T14:10:00+03:00"
    assert [a["article_id"] for a in entry["articles"]] == in_time
    compared = json.loads(runner.invoke(app, ["compare", story_id, "--json", "--index", str(grain_index_path)]).stdout)
    assert [a["article_id"] for a in compared["story"]["articles"]] == in_time
    # a claim's mentions, earliest first: TASS (11:10 UTC), Reuters (13:45 UTC), AP (14:20 UTC)
    shared = next(c for c in compared["claims"] if {"TASS", "Reuters", "AP"} <= {m["outlet"] for m in c["mentions"]})
    assert _in_order([m["outlet"] for m in shared["mentions"]], ["TASS", "Reuters", "AP"])


def test_the_terminal_lists_a_claims_outlets_in_true_order(grain_index_path: Path,
                                                           grain_story: tuple[str, list[str]]) -> None:
    result = runner.invoke(app, ["compare", grain_story[0], "--index", str(grain_index_path)])
    assert result.exit_code == 0, result.output
    blocks = re.split(r"\n  c\d+ ", result.stdout)
    block = next(b for b in blocks if all(f"\n    {o} (" in b for o in ("TASS", "Reuters", "AP")))
    outlets = re.findall(r"^    ([^\n(]+?) \(\w\w\): ", block, flags=re.M)
    assert _in_order(outlets, ["TASS", "Reuters", "AP"]), outlets


def _page_order(tab: Tab) -> tuple[list[str], dict[str, str], list[str], list[str]]:
    """From the story page open in `tab`: the outlets of its articles in page order, each outlet's
    time as shown, the outlets of the timeline's dots in order, and the timeline's hour labels."""
    page = tab.page
    metas = page.eval_on_selector_all(
        "p.doc-meta", "ps => ps.map(p => [p.querySelector('.outlet-name').textContent, p.querySelector('time').textContent])")
    dots = page.eval_on_selector_all("svg.timeline .dot-label", "ts => ts.map(t => t.textContent)")
    ticks = page.eval_on_selector_all("svg.timeline .tick-label", "ts => ts.map(t => t.textContent)")
    return [m[0] for m in metas], {m[0]: m[1] for m in metas}, dots, ticks


def _check_story_page(tab: Tab, expected_outlets: list[str]) -> None:
    outlets, times, dots, ticks = _page_order(tab)
    assert outlets == expected_outlets
    assert dots == expected_outlets  # the timeline too: one dot per article, earliest left
    for outlet, shown in THREE_ZONES:  # each time in its outlet's zone, which it names
        assert times[outlet] == shown
    assert ticks and ticks[0].endswith(" UTC"), ticks  # the axis is in UTC, and its first label says so


def test_the_html_report_lists_articles_in_true_order_with_their_zones(
        grain_index_path: Path, grain_story: tuple[str, list[str]], tmp_path: Path, tab: Tab) -> None:
    story_id, in_time = grain_story
    page = tmp_path / "story.html"
    result = runner.invoke(app, ["compare", story_id, "--html", str(page), "--no-translate",
                                 "--index", str(grain_index_path)])
    assert result.exit_code == 0, result.output
    with Index.open(grain_index_path, readonly=True) as ix:
        outlet_of = {a.id: a.outlet for a in get_story(ix, story_id).articles}
    tab.open(page)
    _check_story_page(tab, [outlet_of[i] for i in in_time])
    assert tab.errors == []


def test_the_served_story_page_and_api_list_articles_in_true_order(
        grain_index_path: Path, grain_story: tuple[str, list[str]], tab: Tab) -> None:
    story_id, in_time = grain_story
    with Index.open(grain_index_path, readonly=True) as ix:
        outlet_of = {a.id: a.outlet for a in get_story(ix, story_id).articles}
    with running(create_app(grain_index_path)) as url:
        story = httpx.get(f"{url}/api/stories/{story_id}", timeout=120).json()
        assert story["start"] == "2025-03-03T14:10:00+03:00"
        assert [a["article_id"] for a in story["articles"]] == in_time
        tab.page.goto(f"{url}/stories/{story_id}", timeout=120_000)
        _check_story_page(tab, [outlet_of[i] for i in in_time])
        # the search of issue 23 on the same server: the story's RIA article above the storm
        tab.page.goto(f"{url}/search?q=" + "зерновой коридор", timeout=120_000)
        found = tab.page.eval_on_selector_all("a[href^='/articles/']", "as => as.map(a => a.getAttribute('href'))")
        ids = [h.removeprefix("/articles/") for h in found]
        assert "ria-grain-ru" in ids and ("dw-storm-de" not in ids or ids.index("ria-grain-ru") < ids.index("dw-storm-de"))
    assert tab.errors == []


def test_an_index_made_before_the_sort_key_gets_it_when_upgraded(tmp_path: Path) -> None:
    """Migration 0010_published_utc: an older index's articles get their UTC sort key on the next
    writing open (a reading one asks for the upgrade), and SQL orders them as instants."""
    import sqlite3

    from crosscheck.errors import IndexNeedsUpgrade
    from crosscheck.index.paths import DB_NAME
    from crosscheck.ingest.writer import add_records

    path = tmp_path / "ix"
    texts = {"ap": "Grain ships will sail from Odesa.", "reuters": "Inspections resume in Istanbul.",
             "tass": "Moscow wants sanctions on fertilisers lifted."}
    dates = {"ap": "2025-03-03T09:20:00-05:00", "reuters": "2025-03-03T13:45:00Z", "tass": "2025-03-03T14:10:00+03:00"}
    with Index.open(path, model="hash-test", create=True) as ix:
        add_records(ix, [{"id": i, "title": i, "text": texts[i], "published": dates[i]} for i in texts])
    db = sqlite3.connect(path / DB_NAME)
    with db:  # as an index made before the upgrade left it
        db.execute("UPDATE articles SET published_utc = NULL")
        db.execute("DELETE FROM migrations WHERE name = '0010_published_utc'")
    db.close()
    with pytest.raises(IndexNeedsUpgrade):
        Index.open(path, readonly=True)
    with Index.open(path) as ix:
        assert [a.id for a in ix.store.unassigned_articles()] == ["tass", "reuters", "ap"]
