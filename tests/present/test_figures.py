"""Figures over time (compare/figures.py, present/figures.py, present/chart.py): every number of a
story's claims by kind, with outlet, camp, instant and role, in `compare --json`, the API and the
story page's chart and table.

On quake10 (an earthquake told over ten days by six outlets in ru/tr/en/de, written for these
views) with the real model: every annotated figure is listed; the toll rises; Anadolu Ajansı's
update of its own figure and the same-day dispute between RIA Novosti and Reuters are told
apart. The chart is checked in headless Chromium: its marks counted in the DOM against the
JSON, the table read back against the JSON, no script and no inline style in the SVG, and a
screenshot saved (test-artifacts/figures-chart.png). Hostile outlet names and wordings stay
text in the SVG.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from crosscheck.cli import app as cli_app
from crosscheck.compare.figures import CONFLICT, UPDATE, series_label, story_figures
from crosscheck.compare.results import ClaimGroup, Comparison, Conflict, ConflictValue, Mention
from crosscheck.present.chart import chartable, clean_svg, chart_svg, y_ticks
from crosscheck.present.report import render_story
from crosscheck.present.shapes import comparison_json, figures_json
from crosscheck.records import Article, Story
from crosscheck.text.evidence import Quantity
from crosscheck.vocabulary import Status

from ..conftest import ARTIFACTS, ROOT, Tab
from ..views_data import quake_comparison, quake_figures, quake_ids, quake_index_path  # noqa: F401 (fixtures)

runner = CliRunner()


# -- the records, on a story made by hand ---------------------------------------------------------
def _article(aid: str, outlet: str, camp: str, published: str) -> Article:
    return Article(0, aid, None, outlet, camp, None, aid, "", published, "en", None)  # type: ignore[arg-type]


def _mention(article: Article, text: str, value: float, kind: str = "dead", origin: str = "") -> Mention:
    q = Quantity(value, f"{value:g}", 0, 1, kind)
    return Mention(article, 0, 0, text, None, (q,), origin=origin or article.outlet)


def _group(gid: str, mentions: list[Mention], conflicts: list[tuple[float, list[str]]] = (),  # type: ignore[assignment]
           updates: list[tuple[float, list[str]]] = (), kind: str = "dead") -> ClaimGroup:  # type: ignore[assignment]
    def dispute(values: list[tuple[float, list[str]]]) -> list[Conflict]:
        return [Conflict(kind, [ConflictValue(v, f"{v:g}", o, o) for v, o in values])] if values else []
    return ClaimGroup(gid, Status.SHARED, mentions, {m.article.outlet: str(m.article.camp) for m in mentions},
                      dispute(list(conflicts)), dispute(list(updates)))


def test_figures_are_ordered_by_instant_not_by_the_text_of_their_dates() -> None:
    """10:30 in Moscow (07:30 UTC) is before 08:05 in London, whatever the strings say."""
    tass = _article("tass", "TASS", "ru", "2026-03-02T10:30:00+03:00")
    reuters = _article("reuters", "Reuters", "west", "2026-03-02T08:05:00+00:00")
    undated = _article("undated", "AA", "tr", "")
    group = _group("c01", [_mention(reuters, "18 dead", 18), _mention(tass, "18 dead", 18),
                           _mention(undated, "18 dead", 18)])
    series = story_figures(Comparison(Story("s", "s", [tass, reuters, undated]), [group], {}, {}))
    assert [f.article_id for f in series[0].figures] == ["tass", "reuters", "undated"]
    assert series[0].figures[0].instant == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


def test_sums_in_two_currencies_are_two_series() -> None:
    """A story's roubles and liras are two charts, not one line from 9 billion to 130 million;
    a sum of unknown currency in the roubles' fact is one of them."""
    izvestia = _article("iz", "Izvestia", "ru", "2026-03-02T10:30:00+03:00")
    sabah = _article("ds", "Daily Sabah", "tr", "2026-03-02T11:00:00+03:00")
    tass = _article("tass", "TASS", "ru", "2026-03-02T12:00:00+03:00")

    def sum_of(article: Article, value: float, currency: str | None) -> Mention:
        q = Quantity(value, f"{value:g}", 0, 1, "money", thing=currency)
        return Mention(article, 0, 0, "worth", None, (q,), origin=article.outlet)

    roubles = _group("c01", [sum_of(izvestia, 9e9, "RUB"), sum_of(tass, 8e9, None)], kind="money")
    liras = _group("c02", [sum_of(sabah, 130e6, "TRY")], kind="money")
    series = story_figures(Comparison(Story("s", "s", [izvestia, sabah, tass]), [roubles, liras], {}, {}))
    by_key = {s.key: [f.value for f in s.figures] for s in series}
    assert by_key == {"money:RUB": [9e9, 8e9], "money:TRY": [130e6]}
    assert series_label("money", "RUB") == "money, RUB" and series_label("money", None) == "money"


def test_a_toll_rising_is_no_conflict_and_an_outlets_own_revision_is_an_update() -> None:
    """Running totals conflict only when two sources differ within hours; a later figure of the
    same outlet in the same claim is its update; a crew size conflicts whenever it differs."""
    ria = _article("ria", "RIA Novosti", "ru", "2026-03-06T10:00:00+03:00")
    reuters_same_day = _article("r1", "Reuters", "west", "2026-03-06T12:15:00+00:00")
    reuters_earlier = _article("r0", "Reuters", "west", "2026-03-04T13:40:00+00:00")
    toll = _group("c01", [_mention(reuters_earlier, "rose to 96", 96), _mention(ria, "230", 230),
                          _mention(reuters_same_day, "262", 262)],
                  conflicts=[(96, ["Reuters"]), (230, ["RIA Novosti"]), (262, ["Reuters"])])
    crew_a = _article("a", "TASS", "ru", "2026-04-14T10:00:00+03:00")
    crew_b = _article("b", "AA", "tr", "2026-04-16T10:00:00+03:00")
    crew = _group("c02", [_mention(crew_a, "21 crew", 21, "count"), _mention(crew_b, "19 crew", 19, "count")],
                  conflicts=[(19, ["AA"]), (21, ["TASS"])], kind="count")
    series = {s.key: s for s in story_figures(Comparison(Story("s", "s", []), [toll, crew], {}, {}))}
    roles = {f.article_id: f.role for f in series["dead"].figures}
    assert roles == {"r0": None, "ria": CONFLICT, "r1": CONFLICT}
    assert {f.article_id: f.role for f in series["count"].figures} == {"a": CONFLICT, "b": CONFLICT}
    later = _article("b2", "TASS", "ru", "2026-04-16T10:00:00+03:00")
    own = _group("c03", [_mention(crew_a, "212 buildings", 212, "count"), _mention(later, "236", 236, "count")],
                 updates=[(212, ["TASS"]), (236, ["TASS"])], kind="count")
    [buildings] = story_figures(Comparison(Story("s", "s", []), [own], {}, {}))
    assert [(f.value, f.role) for f in buildings.figures] == [(212, None), (236, UPDATE)]


def test_one_mark_per_report() -> None:
    a = _article("a", "TASS", "ru", "2026-03-02T10:30:00+03:00")
    groups = [_group("c01", [_mention(a, "18 dead", 18)]), _group("c02", [_mention(a, "again 18 dead", 18)])]
    [series] = story_figures(Comparison(Story("s", "s", [a]), groups, {}, {}))
    assert len(series.figures) == 1


@pytest.mark.parametrize(("kind", "value"), [("date", 425), ("year", 2022)])
def test_one_report_dating_two_facts_alike_lists_both(kind: str, value: float) -> None:
    """A year or a date is no amount but the time of something: "the ban is lifted from 25 April"
    and "flights resume on 25 April" in one report are two facts, each listed with its wording."""
    a = _article("a", "Interfax", "ru", "2026-04-20T10:30:00+03:00")
    groups = [_group("c01", [_mention(a, "the ban is lifted from then", value, kind)], kind=kind),
              _group("c02", [_mention(a, "flights resume then", value, kind)], kind=kind)]
    [series] = story_figures(Comparison(Story("s", "s", [a]), groups, {}, {}))
    assert [f.wording for f in series.figures] == ["the ban is lifted from then", "flights resume then"]
    assert [f.claim_id for f in series.figures] == ["c01", "c02"]
    [series] = story_figures(Comparison(Story("s", "s", [a]), [groups[1], groups[1]], {}, {}))
    assert len(series.figures) == 1  # one claim listed twice is still one figure


def test_y_ticks_are_round_and_leave_room() -> None:
    assert y_ticks([12, 15]) == [11, 12, 13, 14, 15, 16]
    assert y_ticks([18, 262, 412]) == [0, 100, 200, 300, 400, 500]
    assert y_ticks([0, 3])[0] == 0  # no negative axis under counts


# -- the chart's SVG: drawing elements only, text escaped ------------------------------------------
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">\u202e'


def test_hostile_names_and_wordings_are_text_in_the_svg() -> None:
    a = _article("a", HOSTILE, "ru", "2026-03-02T10:30:00+03:00")
    b = _article("b", "Reuters", "west", "2026-03-03T10:30:00+00:00")
    group = _group("c01", [_mention(a, HOSTILE, 18), _mention(b, HOSTILE, 44)])
    [series] = story_figures(Comparison(Story("s", "s", [a, b]), [group], {}, {}))
    svg = str(chart_svg(series, f"title {HOSTILE}"))
    assert "<script" not in svg and "<img" not in svg and "<style" not in svg
    attributes = {name for node in etree.fromstring(svg).iter() for name in node.attrib}
    assert not {a for a in attributes if a.startswith("on") or "href" in a or a == "style"}, attributes
    assert "&lt;script&gt;" in svg and "\u202e\u202c" in svg  # kept as text, its override closed
    assert len(re.findall(r"<circle ", svg)) == 2


def test_clean_svg_drops_what_is_not_drawing() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="x" onload="a()">'
           '<style>*{}</style><script>b()</script><foreignObject><p>c</p></foreignObject>'
           '<a xlink:href="javascript:d()"><circle cx="1" cy="1" r="2" class="dot color-0" style="fill:red" '
           'onclick="e()"/></a><g class="series color-1"><text x="1" y="2">ok</text></g></svg>')
    out = clean_svg(svg, ["ru", "west"], "t")
    assert "script" not in out and "style" not in out and "foreignObject" not in out and "javascript" not in out
    assert "onload" not in out and "onclick" not in out and 'id="x"' not in out
    assert 'class="series c-west"' in out and "<text" in out and "ok" in out
    assert "<circle" not in out  # inside a link: dropped with it, links are no drawing


# -- quake10 with the real model -------------------------------------------------------------------
def test_every_annotated_quake_figure_is_listed_and_the_toll_rises(quake_comparison: Comparison) -> None:
    series = story_figures(quake_comparison)
    figures = [f for s in series for f in s.figures]
    listed = [g for g in quake_figures()
              if any(f.article_id == g["article"] and f.value == g["value"] and g["words"] in f.wording
                     for f in figures)]
    right = [g for g in listed if any(f.article_id == g["article"] and f.value == g["value"] and f.kind == g["kind"]
                                      and g["words"] in f.wording for f in figures)]
    total = len(quake_figures())
    print(f"quake10 figures listed {len(listed)}/{total}, right kind {len(right)}/{total}")
    assert len(listed) >= 0.95 * total and len(right) >= 0.9 * total
    dead = next(s for s in series if s.key == "dead")
    by_day: dict[str, list[float]] = {}
    for f in dead.figures:
        if f.value < 1000:  # "12.000 Menschen in Zeltstädten" is read as dead (a known misreading, see the README)
            by_day.setdefault(f.instant.date().isoformat() if f.instant else "", []).append(f.value)
    maxima = [max(v) for _, v in sorted(by_day.items())]
    assert maxima == sorted(maxima) and maxima[0] == 29 and maxima[-1] == 412, by_day
    roles = {(f.article_id, f.value): f.role for s in series for f in s.figures}
    assert roles[("q11", 230)] == CONFLICT and roles[("q12", 262)] == CONFLICT   # the same day, two camps
    assert roles[("q08", 236)] == UPDATE and roles[("q05", 212)] is None          # AA revises its own count
    assert roles[("q09", 96)] != CONFLICT and roles[("q04", 29)] != CONFLICT       # the toll rising


def test_compare_json_and_the_api_shape_carry_the_figures(quake_index_path: Path,
                                                          quake_comparison: Comparison) -> None:
    result = runner.invoke(cli_app, ["compare", "--articles", ",".join(quake_ids()), "--index", str(quake_index_path),
                                     "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["figures"] == figures_json(quake_comparison)["figures"] == comparison_json(quake_comparison)["figures"]
    dead = next(s for s in printed["figures"] if s["key"] == "dead")
    first = dead["figures"][0]
    assert set(first) == {"value", "text", "kind", "thing", "outlet", "camp", "article_id", "language", "published",
                          "instant", "claim_id", "wording", "origin_outlet", "role"}
    instants = [f["instant"] for f in dead["figures"]]
    assert instants == sorted(instants) and all(i.endswith("+00:00") for i in instants)


def _quake_page(quake_comparison: Comparison, tmp_path: Path) -> Path:
    page = tmp_path / "quake.html"
    page.write_text(render_story(quake_comparison, {}, None), encoding="utf-8")
    return page


def test_the_chart_in_chromium_marks_match_the_json_and_the_table(quake_comparison: Comparison, tmp_path: Path,
                                                                   tab: Tab) -> None:
    path = _quake_page(quake_comparison, tmp_path)
    data = figures_json(quake_comparison)["figures"]
    charted = [s for s in story_figures(quake_comparison) if chartable(s)][:8]
    tab.open(path)
    page = tab.page
    assert tab.errors == []
    figures = page.query_selector_all("#figures figure.figure-series")
    assert [f.get_attribute("data-key") for f in figures] == [s.key for s in charted]
    for element, series in zip(figures, charted):
        marks = element.query_selector_all("svg.figure-chart circle.dot")
        assert len(marks) == len(series.dated), series.key  # one mark per dated report
        classes = [m.get_attribute("class") for m in marks]
        assert classes.count("dot conflict") == sum(1 for f in series.dated if f.role == CONFLICT)
        assert classes.count("dot update") == sum(1 for f in series.dated if f.role == UPDATE)
        # coloured by camp: each mark's fill is its camp's
        fills = {m.evaluate("c => getComputedStyle(c.closest('g.series')).fill") for m in marks}
        assert len(fills) == len({f.camp for f in series.dated})
        rows = element.query_selector_all("table.figures-table tbody tr")
        json_series = next(s for s in data if s["key"] == series.key)
        table = [(r.get_attribute("data-outlet"), float(r.get_attribute("data-value")), r.get_attribute("data-camp"),
                  r.query_selector("td:nth-child(5)").inner_text().strip()) for r in rows]
        role_words = {"conflict": "conflict between sources", "update": "update by the same outlet", None: ""}
        assert table == [(f["outlet"], float(f["value"]), f["camp"], role_words[f["role"]])
                         for f in json_series["figures"]]
    # nothing in the charts can run or be styled inline: the page's CSP stays as strict
    assert page.evaluate("document.querySelectorAll('#figures svg script, #figures svg style, "
                         "#figures svg [style], #figures svg a, #figures svg foreignObject').length") == 0
    csp = page.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    ARTIFACTS.mkdir(exist_ok=True)
    page.query_selector("#figures-1").screenshot(path=str(ARTIFACTS / "figures-chart.png"))
    box = page.query_selector("#figures-1 svg.figure-chart").bounding_box()
    assert box["width"] > 400 and box["height"] > 120


def test_a_page_without_figures_says_so(tmp_path: Path) -> None:
    a = _article("a", "TASS", "ru", "2026-03-02T10:30:00+03:00")
    html = render_story(Comparison(Story("s", "s", [a]), [], {"a": []}, {}), {}, None)
    assert "The story&#39;s claims give no figures." in html or "claims give no figures" in html


def _unused(_: Any) -> None:  # keeps ROOT imported for readers who run this file alone
    _ = ROOT
