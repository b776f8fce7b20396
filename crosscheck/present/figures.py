"""The "Figures over time" section of a story page: for each kind of number with two or more
dated reports, a chart (chart.py) and a table that says the same for screen readers and for
copying; the other figures in one table below. Plain records for the template
(templates/_figures.html.j2); the numbers are compare/figures.py's, as `compare --json` and
`/api/stories/{id}/figures` give them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..compare.figures import CONFLICT, UPDATE, Figure, FigureSeries, story_figures
from ..compare.results import Comparison
from ..vocabulary import CAMP_LABELS, as_camp
from .chart import chart_svg, chartable, instant_label
from .html import language_code

__all__ = ["FigureRow", "SeriesView", "FiguresSection", "figures_section", "MAX_CHARTS"]

# Charts drawn on one page, most disputed series first; the others are in the tables.
MAX_CHARTS = 8

ROLE_WORDS: dict[str, str] = {CONFLICT: "conflict between sources", UPDATE: "update by the same outlet"}


@dataclass
class FigureRow:
    """One report's figure as the table shows it."""

    when: str
    instant: str | None      # ISO 8601, UTC, for <time datetime>
    outlet: str
    anchor: str              # the article on the page
    camp: str
    camp_label: str
    value: str               # as written
    number: str              # the value read ("12", "1200")
    wording: str
    language: str | None
    claim_id: str
    role: str                # "conflict", "update" or ""
    role_words: str


@dataclass
class SeriesView:
    key: str
    label: str
    chart: Markup | None
    rows: list[FigureRow]
    conflicts: int
    updates: int
    undated: int


@dataclass
class FiguresSection:
    charted: list[SeriesView] = field(default_factory=list)
    others: list[SeriesView] = field(default_factory=list)   # one report, dates and years, or past MAX_CHARTS
    total: int = 0


def _row(f: Figure, anchors: Mapping[str, str]) -> FigureRow:
    camp = as_camp(f.camp)
    return FigureRow(instant_label(f.instant), f.instant.isoformat() if f.instant else None, f.outlet,
                     anchors.get(f.article_id, ""), str(camp), CAMP_LABELS[camp], f.text, f"{f.value:g}", f.wording,
                     language_code(f.language), f.claim_id, f.role or "", ROLE_WORDS[f.role] if f.role else "")


def _view(s: FigureSeries, anchors: Mapping[str, str], chart: bool) -> SeriesView:
    title = f"Figures of kind {s.label} over time, one mark per report, coloured by camp"
    return SeriesView(s.key, s.label, chart_svg(s, title) if chart else None, [_row(f, anchors) for f in s.figures],
                      s.conflicts, s.updates, len(s.figures) - len(s.dated))


def figures_section(comparison: Comparison, anchors: Mapping[str, str]) -> FiguresSection:
    """The section's records; `anchors` maps article ids to their anchors on the page."""
    series = story_figures(comparison)
    out = FiguresSection(total=sum(len(s.figures) for s in series))
    for s in series:
        if chartable(s) and len(out.charted) < MAX_CHARTS:
            out.charted.append(_view(s, anchors, chart=True))
        else:
            out.others.append(_view(s, anchors, chart=False))
    return out


def figures_context(comparison: Comparison, anchors: Mapping[str, str]) -> dict[str, Any]:
    """What story.html.j2's figures section reads (one `context.update` in report.render_story)."""
    return {"figures": figures_section(comparison, anchors), "role_words": ROLE_WORDS}
