"""Figures over time: every number a story's claims give, by kind, with the outlet, camp and
instant of the report that gives it, and whether it is one side of a conflict between sources
or an outlet's update of its own figure.

Roles follow the claim groups' conflicts and updates (compare/diff.py), read with time: a
figure is a conflict when another source of its claim gives another value (for a running total
such as a toll, at about the same time: RUNNING_TOTALS, CONFLICT_WINDOW), and an update when
its own outlet gave another value of that claim earlier.

An analyst following an earthquake's toll, the trucks of a convoy or the hectares burnt asks
which outlet gave which figure when, and whether one camp lags or lowballs. The comparison
already holds the pieces: each claim's numbers typed by what they count
(crosscheck/text/evidence.py: `dead`, `injured`, `percent`, `unit:km` ...; for a plain count,
the thing compare resolved across languages, compare/things.py), and each claim group's
conflicts and updates (compare/diff.py). This module only lays them out as series, one per
kind of number, in the order of the reports' instants (`records.parse_datetime`, compared as
aware datetimes, never as strings).

One mark per report: an article that gives the same amount of one kind in two sentences (a
title and a lead) counts once. A year or a date is no amount but the time of something, and one
report may date two facts alike ("the ban is lifted from 25 April", "flights resume on 25
April"): those are listed once per claim (POINTS_IN_TIME), so that each fact keeps its wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from ..records import parse_datetime
from ..vocabulary import DISPLAY_LANGUAGE
from .results import ClaimGroup, Comparison
from .things import group_things

__all__ = ["CONFLICT", "UPDATE", "RUNNING_TOTALS", "CONFLICT_WINDOW", "POINTS_IN_TIME", "Figure", "FigureSeries",
           "story_figures", "figures_json", "series_key", "series_label"]

Role = Literal["conflict", "update"]
CONFLICT: Role = "conflict"  # one side of a dispute between sources (ClaimGroup.conflicts)
UPDATE: Role = "update"      # an outlet revising its own figure (ClaimGroup.updates)

# Kinds shown under another word than their key ("unit:km" is shown as "km").
_KIND_LABELS = {"percent": "per cent", "dead": "dead", "injured": "injured", "missing": "missing",
                "money": "money", "magnitude": "magnitude", "duration": "duration", "year": "year",
                "date": "date (month × 100 + day)", "count": "count"}


@dataclass(frozen=True)
class Figure:
    """One number as one report gives it."""

    value: float
    text: str                 # as written ("12", "двенадцати", "4 bin 800")
    kind: str                 # Quantity.kind
    thing: str | None         # what a count counts, as compare resolved it ("people", "trucks"); a sum's
                              # currency, a span's unit
    what: str | None          # the word the count stands with, as written
    outlet: str
    camp: str
    article_id: str
    language: str | None
    published: str | None     # as stored
    instant: datetime | None  # `published` as an aware datetime in UTC; None when undated
    claim_id: str
    wording: str              # the claim's sentence
    origin: str               # the outlet the claim goes back to (provenance)
    role: Role | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": _plain(self.value), "text": self.text, "kind": self.kind, "thing": self.thing,
            "outlet": self.outlet, "camp": str(self.camp), "article_id": self.article_id,
            "language": self.language, "published": self.published,
            "instant": self.instant.isoformat() if self.instant else None,
            "claim_id": self.claim_id, "wording": self.wording, "origin_outlet": self.origin, "role": self.role,
        }


@dataclass
class FigureSeries:
    """Every figure of one kind in a story, oldest report first (undated ones last)."""

    key: str                  # "dead", "unit:km", "count:trucks", "count"
    kind: str
    thing: str | None
    label: str                # what the page calls it ("dead", "trucks", "km")
    figures: list[Figure] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(1 for f in self.figures if f.role == CONFLICT)

    @property
    def updates(self) -> int:
        return sum(1 for f in self.figures if f.role == UPDATE)

    @property
    def dated(self) -> list[Figure]:
        return [f for f in self.figures if f.instant is not None]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "thing": self.thing, "label": self.label,
                "conflicts": self.conflicts, "updates": self.updates,
                "figures": [f.as_dict() for f in self.figures]}


def series_key(kind: str, thing: str | None) -> str:
    """A series per kind; a plain count per thing it counts, money per currency and a span of
    time per unit, when compare could tell it."""
    return f"{kind}:{thing}" if kind in ("count", "money", "duration") and thing else kind


def series_label(kind: str, thing: str | None, words: Iterable[str] = ()) -> str:
    """What a series is called on a page: the kind's word, a unit's symbol, or for a count the
    word it stands with in the display language (`words`), else the thing compare named."""
    if kind.startswith("unit:"):
        return kind.removeprefix("unit:")
    if kind == "count" and thing:
        return next(iter(words), thing)
    if kind == "money" and thing:
        return f"money, {thing}"
    if kind == "duration" and thing:
        return f"duration, {thing}s"
    return _KIND_LABELS.get(kind, kind)


# Kinds that are running totals: a disaster's toll rises by the hour in its first days, so two
# sources' different tolls given hours apart are the toll at two times, not a dispute. Two of
# them conflict only when given within CONFLICT_WINDOW of each other (RIA's 230 dead at 07:00 and
# Reuters' 262 at 12:15 the same day); other kinds (a ship's crew, a date, a price) conflict
# whenever the claim group lists them as a conflict (compare/diff.py).
RUNNING_TOTALS = frozenset({"dead", "injured", "missing"})
CONFLICT_WINDOW = timedelta(hours=6)

# Kinds that say when, not how many: the same year or day in two claims of one report are two
# facts, so these are deduplicated per claim, not per report (never charted: present/chart.py).
POINTS_IN_TIME = frozenset({"year", "date"})


@dataclass(frozen=True)
class _Given:
    """A value one mention of a group gives, for telling roles."""

    outlet: str
    origin: str
    key: str
    value: float
    instant: datetime | None


def _disputed(group: ClaimGroup, kind: str, value: float, outlet: str) -> bool:
    """The group lists `value` of `kind` as given by `outlet` in one of its conflicts or updates."""
    return any(c.kind == kind and any(v.value == value and outlet in v.outlets for v in c.values)
               for c in (*group.conflicts, *group.updates))


def _near(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs(a - b) <= CONFLICT_WINDOW


def _role(f: _Given, kind: str, others: list[_Given], disputed: bool) -> Role | None:
    """CONFLICT when another source of the group gives another value of this kind (for a running
    total: within CONFLICT_WINDOW); UPDATE when the same outlet gave another value of it earlier;
    None when the group disputes nothing of this value."""
    if not disputed:
        return None
    differing = [o for o in others if o.key == f.key and o.value != f.value]
    if any(o.origin != f.origin and (kind not in RUNNING_TOTALS or _near(o.instant, f.instant)) for o in differing):
        return CONFLICT
    if any(o.outlet == f.outlet and (o.instant is None or f.instant is None or o.instant < f.instant)
           for o in differing):
        return UPDATE
    return None


def _instant(published: str | None) -> datetime | None:
    when = parse_datetime(published)
    return when.astimezone(UTC) if when is not None else None


def _figures_of(group: ClaimGroup) -> Iterable[Figure]:
    things = group_things(group.mentions)
    given = [(m, q, _Given(m.article.outlet, m.origin or m.article.outlet, series_key(q.kind, things.get(id(q))),
                           q.value, _instant(m.article.published)))
             for m in group.mentions for q in m.numbers if not q.age]  # a person's age is no figure of the fact
    for m, q, g in given:
        a = m.article
        role = _role(g, q.kind, [o for _, _, o in given], _disputed(group, q.kind, q.value, a.outlet))
        yield Figure(q.value, q.text, q.kind, things.get(id(q)), q.what, a.outlet, a.camp, a.id, a.language,
                     a.published, g.instant, group.id, m.text, g.origin, role)


def _order(f: Figure) -> tuple[bool, datetime, str, float]:
    """Oldest first by instant (undated last), then article id and value, so ties always sort alike."""
    return (f.instant is None, f.instant or datetime.min.replace(tzinfo=UTC), f.article_id, f.value)


def story_figures(comparison: Comparison) -> list[FigureSeries]:
    """The story's figures as series, one per kind of number: those with conflicts first, then
    those with updates, then the longest."""
    series: dict[str, FigureSeries] = {}
    seen: set[tuple[str, str, float, str]] = set()
    for group in comparison.groups:
        for f in _figures_of(group):
            key = series_key(f.kind, f.thing)
            mark = (f.article_id, key, f.value, group.id if f.kind in POINTS_IN_TIME else "")
            if mark in seen:
                continue  # one mark per report (per claim for a year or a date)
            seen.add(mark)
            series.setdefault(key, FigureSeries(key, f.kind, f.thing, "")).figures.append(f)
    for s in series.values():
        s.figures.sort(key=_order)
        words = [f.what for f in s.figures if f.what and f.language == DISPLAY_LANGUAGE]
        s.label = series_label(s.kind, s.thing, words)
    return sorted(series.values(), key=lambda s: (-s.conflicts, -s.updates, -len(s.figures), s.key))


def figures_json(series: Iterable[FigureSeries]) -> list[dict[str, Any]]:
    """The figures of `compare --json` and `GET /api/stories/{id}/figures`."""
    return [s.as_dict() for s in series]


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
