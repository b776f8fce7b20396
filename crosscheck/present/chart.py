"""The figures chart of a story page: one small static SVG per kind of number, time across and
value up, one mark per report, coloured by camp, conflicts and own-outlet updates told apart
(compare/figures.py gives the series).

Drawn by pygal (pyproject.toml says why it, and not matplotlib or a hand-made plot). pygal's
SVG carries what a strict page cannot have, so its output is cut down before it goes on the
page (`clean_svg`): its `<script>` (a config blob, and tooltips that would load JavaScript
from a CDN), its `<style>` (which the page's Content-Security-Policy would block anyway: only
report.css, by hash, may style a page; the chart's looks are in report.css, keyed on the
classes left here), comments, ids and anything not on a short list of drawing elements and
attributes. No `on*` attribute, no link and no `style` attribute survives. Text in the SVG
(outlet names and figures as written, both untrusted) is written by lxml, which escapes it,
and passes `page_text` like every value a template shows (control characters dropped, bidi
controls balanced). The SVG is marked safe only after that cleaning.

pygal is imported when a chart is drawn, never at `crosscheck --help` (startup, benchmarks/perf.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lxml import etree
from markupsafe import Markup

from ..compare.figures import CONFLICT, UPDATE, Figure, FigureSeries
from ..vocabulary import CAMP_LABELS, CAMPS, as_camp
from .html import page_text

__all__ = ["CHART_WIDTH", "CHART_HEIGHT", "chart_svg", "clean_svg", "chartable"]

CHART_WIDTH, CHART_HEIGHT = 640, 240  # the viewBox; the page scales it to its column
MARK_RADIUS = 5  # a mark a reader can point at; conflicts and updates are drawn with a ring (report.css)
# Kinds that are instants themselves: a date or a year given for something plotted against the
# time of the report says little; they stay in the table and the JSON.
UNCHARTED_KINDS = frozenset({"date", "year"})
Y_TICKS = 5  # labels on the value axis, about
X_TICKS = 5  # labels on the time axis

_SVG = "http://www.w3.org/2000/svg"
_ELEMENTS = frozenset({"svg", "g", "rect", "path", "circle", "line", "text", "tspan", "title"})
_ATTRIBUTES = frozenset({"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "d", "width", "height", "viewBox",
                         "class", "transform", "text-anchor", "points"})
_COLOR_CLASS = re.compile(r"^color-(\d+)$")


def chartable(series: FigureSeries) -> bool:
    """Worth a chart: an amount (not a date or year) given by two or more dated reports."""
    return series.kind not in UNCHARTED_KINDS and len(series.dated) >= 2


def _label(f: Figure) -> str:
    when = f.instant.strftime("%d %b %Y %H:%M UTC") if f.instant else "undated"
    role = {CONFLICT: "; conflicts with another source", UPDATE: "; the outlet's update of its own figure"}[f.role] \
        if f.role else ""
    return f"{f.outlet} ({CAMP_LABELS[as_camp(f.camp)]}), {when}: {f.text}{role}"


def x_ticks(instants: Sequence[datetime], count: int = X_TICKS) -> tuple[datetime, datetime, list[datetime], str]:
    """The time axis: its ends (a twentieth of the span, at least an hour, beyond the first and
    last report, so that no mark sits on the edge), about `count` evenly spaced labels between
    them, and the label format (with hours for a story of under two days)."""
    first, last = min(instants), max(instants)
    span = last - first
    pad = max(span / 20, timedelta(hours=1))
    low, high = first - pad, last + pad
    step = (high - low) / max(count - 1, 1)
    return low, high, [low + step * i for i in range(count)], "%d %b %H:%M" if span < timedelta(days=2) else "%d %b"


def y_ticks(values: Sequence[float], count: int = Y_TICKS) -> list[float]:
    """About `count` round ticks (1, 2 or 5 times a power of ten apart) that span `values` with a
    step's room above and below, so that no mark sits on the plot's edge."""
    low, high = min(values), max(values)
    raw = (high - low) / max(count - 1, 1) or abs(high) / 4 or 1.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if all(float(v).is_integer() for v in values):
        step = max(step, 1.0)
    room = step * 1e-6
    first = math.floor(low / step + 1e-9)
    first -= 1 if first * step >= low - room else 0
    last = math.ceil(high / step - 1e-9)
    last += 1 if last * step <= high + room else 0
    if low >= 0:
        first = max(first, 0)  # no negative axis under counts
    return [round(i * step, 10) for i in range(first, last + 1)]


def _pygal_chart(series: FigureSeries, camps: Sequence[str]) -> tuple[str, list[str]]:
    """pygal's SVG for `series` and the camp of each of its series, in order."""
    import pygal  # here, not at import: pygal takes 0.15 s to import

    low, high, labels, fmt = x_ticks([f.instant for f in series.dated if f.instant])
    ticks = y_ticks([f.value for f in series.dated])
    chart = pygal.DateTimeLine(
        width=CHART_WIDTH, height=CHART_HEIGHT, js=[], disable_xml_declaration=True, show_legend=False,
        stroke=False, dots_size=MARK_RADIUS, x_label_rotation=0, truncate_label=-1, spacing=6, margin=8,
        x_value_formatter=lambda d: d.strftime(fmt), value_formatter=lambda v: f"{v:,g}",
        show_y_guides=True, no_prefix=True, range=(ticks[0], ticks[-1]), y_labels=ticks,
        xrange=(low, high), x_labels=labels)
    drawn: list[str] = []
    for camp in camps:
        marks = [f for f in series.dated if as_camp(f.camp) == camp]
        if not marks:
            continue
        chart.add(CAMP_LABELS[as_camp(camp)], [
            {"value": (f.instant, f.value), "label": page_text(_label(f)),  # no control character reaches lxml
             "node": {"class": " ".join(["dot", f.role or "plain"])}} for f in marks])
        drawn.append(camp)
    return chart.render(is_unicode=True), drawn


def _text(value: str | None) -> str | None:
    return page_text(value) if value else value


def clean_svg(svg: str, camps: Sequence[str], title: str) -> str:
    """pygal's SVG cut down to drawing elements with a short list of attributes (see the module's
    docstring), each series classed by its camp (`c-ru` ...), each mark titled by its label, and
    the whole given `title`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
                             huge_tree=False)
    root = etree.fromstring(svg.encode("utf-8"), parser)
    _titles_from_labels(root)
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or etree.QName(node).localname not in _ELEMENTS:
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
            continue
        for name in list(node.attrib):
            if etree.QName(name).namespace or name not in _ATTRIBUTES:
                del node.attrib[name]
        classes = [_camp_class(c, camps) for c in node.get("class", "").split()]
        if classes:
            node.set("class", " ".join(classes))
        node.text, node.tail = _text(node.text), _text(node.tail)
    for stray in root.findall(f"{{{_SVG}}}title"):
        root.remove(stray)  # pygal's own "Pygal"
    heading = etree.SubElement(root, f"{{{_SVG}}}title")
    heading.text = page_text(title)
    root.insert(0, heading)
    root.set("class", "figure-chart")
    root.set("role", "img")
    root.set("focusable", "false")
    return etree.tostring(root, encoding="unicode")


def _camp_class(name: str, camps: Sequence[str]) -> str:
    """pygal's `color-N` class of the N-th series, as our camp class ("c-ru")."""
    m = _COLOR_CLASS.match(name)
    if m and int(m.group(1)) < len(camps):
        return f"c-{camps[int(m.group(1))]}"
    return name


def _titles_from_labels(root: Any) -> None:
    """Each mark's label (pygal's `<desc class="label">` beside it) as the mark's own `<title>`:
    a tooltip without JavaScript."""
    for circle in root.iter(f"{{{_SVG}}}circle"):
        parent = circle.getparent()
        label = next((d for d in parent.iter(f"{{{_SVG}}}desc") if d.get("class") == "label"), None)
        if label is not None and label.text:
            title = etree.SubElement(circle, f"{{{_SVG}}}title")
            title.text = label.text


def chart_svg(series: FigureSeries, title: str) -> Markup:
    """The chart of one series as inline SVG, safe to put on a page as it is."""
    camps = [c for c in CAMPS if any(as_camp(f.camp) == c for f in series.dated)]
    svg, drawn = _pygal_chart(series, camps)
    return Markup(clean_svg(svg, drawn, title))  # cleaned above: drawing elements only, text escaped


def instant_label(when: datetime | None) -> str:
    return when.strftime("%d %b %Y, %H:%M UTC") if when else "undated"
