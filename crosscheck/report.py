"""HTML reports: one self-contained page per story (claim matrix, filters, annotated full texts,
timeline) and an index page of all stories.

Everything shown comes from untrusted input (article text, titles, outlet names, URLs), so:
- templates are rendered by Jinja2 with `autoescape=True`, and no data is ever marked safe;
- only http and https URLs become links, anything else is shown as plain text;
- the page carries a Content-Security-Policy that allows nothing external and only its own
  inline stylesheet and script (by hash), so even a missed escape could not run a script.

The page works without a network and without JavaScript (all rows shown); with JavaScript, the
filters switch one attribute or class on the table, never touching rows one by one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .compare import STATUSES, ClaimGroup, Comparison, Mention, SentenceView
from .errors import check_folder
from .models import CAMPS, Article, Story, parse_datetime
from .vocabulary import CAMP_LABELS, KNOWN_CAMPS, STATUS_INFO, StatusInfo

if TYPE_CHECKING:
    from .index import Index

__all__ = [
    "CAMP_LABELS",
    "STATUS_INFO",
    "IndexEntry",
    "StatusInfo",
    "independent_sources",
    "render_index",
    "render_story",
    "safe_url",
    "write_reports",
]

log = logging.getLogger("crosscheck")


# Outlet names beside the timeline's dots are cut to this many characters (the full name is
# in the dot's tooltip): longer ones would run into the next dot.
DOT_LABEL_CHARS = 18
# A single-source claim that this many outlets repeat is one of the first things the summary
# shows: with two, one reprint or relay explains it; from three on, the claim is travelling.
MANY_OUTLETS = 3
# The summary lists this many items per kind before folding the rest.
SUMMARY_ITEMS = 6

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


# -- small helpers ---------------------------------------------------------------------------
_HOST_LABELS = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.?")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")  # makes the browser read the host as IPv4
_DOTTED_QUAD = re.compile(r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


def safe_url(url: str | None) -> str | None:
    """`url` as a browser reads it, or None when it is not a plain absolute http(s) link.

    Parsed by the WHATWG URL rules browsers follow for http and https, not by `urlsplit`: the
    slashes after the scheme may be missing or backslashes, a backslash ends the host and is a
    slash in the path, and `user@` before the host is credentials. So
    `http://evil.example\\@good.example/` goes to evil.example (and is returned as
    `http://evil.example/@good.example/`, which every parser reads alike). Refused: other
    schemes, spaces and control characters, credentials, percent signs in the host, numeric
    hosts the browser would rewrite (`0x7f.1`), hosts IDNA cannot encode. A non-ASCII host is
    returned in its ASCII (punycode) form, the form the browser shows for a lookalike.
    """
    if not url or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return None
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in ("http", "https"):
        return None
    rest = rest.lstrip("/\\")
    end = min([i for i in (rest.find(c) for c in "/\\?#") if i >= 0], default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if not authority or "@" in authority:
        return None
    if authority.startswith("["):
        host, bracket, port = authority.partition("]")
        host += bracket
        if not bracket or (port and not port.startswith(":")):
            return None
        port = port[1:]
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        host = host.lower()
    else:
        host, _, port = authority.partition(":")
        if "%" in host or not host:
            return None
        try:
            host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
        except UnicodeError:
            return None
        if not _HOST_LABELS.fullmatch(host):
            return None
        if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]) and not _DOTTED_QUAD.fullmatch(host):
            return None
    if port and (not port.isdigit() or int(port) > 65535):
        return None
    cut = min([i for i in (tail.find(c) for c in "?#") if i >= 0], default=len(tail))
    path = tail[:cut].replace("\\", "/") or "/"
    return f"{scheme.lower()}://{host}{':' + port if port else ''}{path}{tail[cut:]}"


def _safe_href(href: str) -> str | None:
    """A link target for the index: an http(s) URL, or a relative path without a scheme."""
    if safe_url(href):
        return href
    if not href or any(c.isspace() or ord(c) < 32 for c in href) or href.startswith("//"):
        return None
    if ":" in href.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None  # javascript:, data:, ...
    return href


def _camp(camp: str | None) -> str:
    return camp if camp in CAMPS else "unknown"


def _language(code: str | None) -> str | None:
    return code if code and _LANGUAGE.fullmatch(code) else None


_parse_time = parse_datetime


def _fmt_date(value: str | None) -> str:
    dt = _parse_time(value)
    if dt is None:
        return value or "undated"
    return f"{dt.day} {dt:%b %Y}"


def _fmt_datetime(value: str | None) -> str:
    dt = _parse_time(value)
    if dt is None:
        return value or "undated"
    if value and len(value) <= 10:
        return _fmt_date(value)
    return f"{dt.day} {dt:%b %Y}, {dt:%H:%M}"


def _date_span(story: Story) -> str:
    start, end = _fmt_date(story.start), _fmt_date(story.end)
    if not story.start:
        return "undated"
    return start if start == end else f"{start} – {end}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _file_name(story_id: str) -> str:
    """The story's file name: its id + .html, made safe if the id holds anything unusual."""
    if _FILE_NAME.fullmatch(story_id) and ".." not in story_id:
        return story_id + ".html"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", story_id).strip("._")[:80] or "story"
    return f"{cleaned}-{hashlib.sha1(story_id.encode('utf-8')).hexdigest()[:8]}.html"


# -- templates -------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("crosscheck", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    return env


@functools.lru_cache(maxsize=4)
def _asset(name: str) -> tuple[Markup, str]:
    """An inline asset (our own CSS or JS, never data) and its CSP hash."""
    env = _environment()
    assert env.loader is not None
    source, _filename, _uptodate = env.loader.get_source(env, name)
    return Markup(source), _sha256(source)


def _page_context(title: str, script: bool, forms: bool = False) -> dict[str, Any]:
    """The frame of a page: its inline CSS and JS and its Content-Security-Policy. `forms`
    lets the page's forms submit to its own origin (the pages `crosscheck serve` answers)."""
    css, css_hash = _asset("report.css")
    context: dict[str, Any] = {"page_title": title, "css": css, "script": None}
    script_src = "'none'"
    if script:
        js, js_hash = _asset("report.js")
        context["script"] = js
        script_src = f"'{js_hash}'"
    form_action = "'self'" if forms else "'none'"
    context["csp"] = (f"default-src 'none'; style-src '{css_hash}'; script-src {script_src}; "
                      f"img-src 'none'; base-uri 'none'; form-action {form_action}")
    return context


# -- the view of a story ---------------------------------------------------------------------
@dataclass
class _Segment:
    text: str
    number: bool = False  # a conflicting number, to be highlighted


@dataclass
class _Source:
    outlet: str
    anchor: str
    notes: list[str]


@dataclass
class _Wording:
    segments: list[_Segment]
    language: str | None
    translation: str | None
    sources: list[_Source] = field(default_factory=list)


@dataclass
class _ConflictView:
    """One disputed fact of a claim group: each value given, and the outlets that give it."""

    kind: str
    values: list[tuple[str, str]]  # (value as first written, outlets)


@dataclass
class _Row:
    id: str
    headline: str
    headline_language: str | None
    status: StatusInfo
    classes: str
    sources: int
    origin_outlets: list[str]
    cells: dict[str, list[_Wording]]
    conflicts: list[_ConflictView]


@dataclass
class _Item:
    """One claim in the summary: its headline, linking to its row in the matrix."""

    id: str
    headline: str
    language: str | None
    detail: str


@dataclass
class _Clash:
    """One fact whose sources give different values: the claim, and each value with its outlets."""

    claim: _Item
    values: list[tuple[str, str]]  # (value as first written, outlets)


@dataclass
class _Fold:
    """Single-source claims whose one source is in `camp`, folded until asked."""

    camp: str
    label: str
    items: list[_Item]


@dataclass
class _Summary:
    clashes: list[_Clash]
    camp_only: list[_Item]
    repeated: list[_Item]       # single-source claims that MANY_OUTLETS or more outlets state
    folds: list[_Fold]          # the other single-source claims, by the camp of their source
    other_single: int


@dataclass
class _Piece:
    text: str
    claim_id: str | None = None
    status: StatusInfo | None = None
    conflict: bool = False


@dataclass
class _ArticleView:
    anchor: str
    article: Article
    camp: str
    camp_label: str
    language: str | None
    url: str | None
    host: str | None
    raw_url: str | None
    date: str
    title_translation: str | None
    reprint_of: tuple[str, str, str] | None  # (outlet, title, anchor)
    paragraphs: list[list[_Piece]]
    claims: int


@dataclass
class _Lane:
    camp: str
    label: str
    y: float


@dataclass
class _Dot:
    x: float
    y: float
    camp: str
    label: str
    anchor: str
    outlet: str        # shown beside the dot
    label_y: float     # where the outlet name sits: above or below the dot, alternating


@dataclass
class _Tick:
    x: float
    label: str


@dataclass
class _Timeline:
    width: int
    height: int
    left: int
    right: int
    lanes: list[_Lane]
    dots: list[_Dot]
    ticks: list[_Tick]
    undated: int
    summary: str


@dataclass
class _BarPart:
    camp: str
    label: str
    count: int
    x: float
    width: float


def _coverage(story: Story) -> list[_BarPart]:
    counts: dict[str, int] = {}
    for a in story.articles:
        counts[_camp(a.camp)] = counts.get(_camp(a.camp), 0) + 1
    total = sum(counts.values()) or 1
    parts, x = [], 0.0
    for camp in CAMPS:
        if counts.get(camp):
            width = 100.0 * counts[camp] / total
            parts.append(_BarPart(camp, CAMP_LABELS[camp], counts[camp], round(x, 3), round(width, 3)))
            x += width
    return parts


def _segments(mention: Mention, highlight: frozenset[float]) -> list[_Segment]:
    text = mention.text
    spans = sorted((n.start, n.end) for n in mention.numbers
                   if n.value in highlight and 0 <= n.start < n.end <= len(text) and text[n.start:n.end] == n.text)
    out: list[_Segment] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        if start > pos:
            out.append(_Segment(text[pos:start]))
        out.append(_Segment(text[start:end], number=True))
        pos = end
    if pos < len(text):
        out.append(_Segment(text[pos:]))
    return out


def _mention_notes(m: Mention, reprint_source: Article | None) -> list[str]:
    notes = []
    if reprint_source is not None:
        notes.append(f"reprint of {reprint_source.outlet}")
    if m.origin and m.origin != m.article.outlet:
        chain = [v for v in m.via[1:] if v != m.origin]
        if reprint_source is not None:
            chain = [v for v in chain if v != reprint_source.outlet]
        notes.append(f"relays {m.origin}" + (f" via {', '.join(chain)}" if chain else ""))
    elif m.attributed_to and m.attributed_to != m.article.outlet:
        notes.append(f"attributed to {m.attributed_to}")
    return notes


def _translation(text: str, language: str | None, translations: Mapping[str, str]) -> str | None:
    if language == "en":
        return None
    found = translations.get(text)
    return found if found and found.strip() != text.strip() else None


def _headline(group: ClaimGroup, translations: Mapping[str, str]) -> tuple[str, str | None]:
    """The claim in one line, for a reader of English: an English mention if there is one, else
    the first mention's translation, else the first mention. Returns (text, its language)."""
    english = [m for m in group.mentions if m.article.language == "en"]
    if english:
        return english[0].text, "en"
    first = group.mentions[0]
    translated = _translation(first.text, first.article.language, translations)
    if translated:
        return translated, "en"
    return first.text, _language(first.article.language)


def _rows(comparison: Comparison, camps: list[str], anchors: dict[str, str],
          translations: Mapping[str, str]) -> list[_Row]:
    articles = {a.id: a for a in comparison.story.articles}
    rows = []
    for g in comparison.groups:
        highlight = frozenset(v for c in g.conflicts for v in c.numbers)
        cells: dict[str, list[_Wording]] = {camp: [] for camp in camps}
        for m in g.mentions:
            camp = _camp(m.article.camp)
            wordings = cells.setdefault(camp, [])
            reprint_id = comparison.reprints.get(m.article.id)
            source = _Source(m.article.outlet, anchors.get(m.article.id, ""),
                             _mention_notes(m, articles.get(reprint_id) if reprint_id else None))
            same = next((w for w in wordings if "".join(s.text for s in w.segments) == m.text), None)
            if same is not None:
                same.sources.append(source)
                continue
            language = _language(m.article.language)
            wordings.append(_Wording(_segments(m, highlight), language,
                                     _translation(m.text, m.article.language, translations), [source]))
        for wordings in cells.values():  # a wording with a conflicting number first: it is shown unfolded
            wordings.sort(key=lambda w: not any(seg.number for seg in w.segments))
        conflicts = []
        for c in g.conflicts:
            conflicts.append(_ConflictView(c.kind, [(v.text, ", ".join(v.outlets)) for v in c.values]))
        status = STATUS_INFO.get(g.status, StatusInfo(g.status, g.status, "•", ""))
        classes = f"st-{status.key if status.key in STATUS_INFO else 'other'}"
        if g.conflicts:
            classes += " has-conflict"
        headline, headline_language = _headline(g, translations)
        rows.append(_Row(g.id, headline, headline_language, status, classes, g.independent_sources,
                         g.origin_outlets, cells, conflicts))
    return rows


def _summary(comparison: Comparison, translations: Mapping[str, str]) -> _Summary:
    """What an analyst reads first: numbers that disagree, claims only one camp reports, and
    single-source claims that many outlets repeat; the other single-source claims by camp."""

    def item(g: ClaimGroup, detail: str) -> _Item:
        headline, language = _headline(g, translations)
        return _Item(g.id, headline, language, detail)

    def camps_of(g: ClaimGroup) -> str:
        return ", ".join(CAMP_LABELS[_camp(c)] for c in g.camps)

    clashes = [_Clash(item(g, ", ".join(g.outlets)), [(v.text, ", ".join(v.outlets)) for v in c.values])
               for g in comparison.groups for c in g.conflicts]
    camp_only = [item(g, f"{_plural(g.independent_sources, 'independent source')}, all {camps_of(g)}: "
                         f"{', '.join(g.origin_outlets)}")
                 for g in comparison.by_status("camp_only")]
    single = comparison.by_status("single_source")
    repeated_groups = sorted((g for g in single if len(g.outlets) >= MANY_OUTLETS),
                             key=lambda g: (-len(g.outlets), g.id))
    repeated = [item(g, f"{len(g.outlets)} outlets in {_plural(len(g.camps), 'camp')} repeat it; "
                        f"one source: {', '.join(g.origin_outlets)}") for g in repeated_groups]
    shown = {g.id for g in repeated_groups}
    folds: dict[str, list[_Item]] = {}
    for g in single:
        if g.id in shown:
            continue
        camp = _camp(next(iter(g.origin_camps.values()), None) if g.origin_camps else g.camps[0] if g.camps else None)
        folds.setdefault(camp, []).append(item(g, ", ".join(g.outlets)))
    ordered = [_Fold(c, CAMP_LABELS[c], folds[c]) for c in CAMPS if c in folds]
    return _Summary(clashes, camp_only, repeated, ordered, sum(len(f.items) for f in ordered))


def _article_views(comparison: Comparison, anchors: dict[str, str],
                   translations: Mapping[str, str]) -> list[_ArticleView]:
    status_of = {g.id: STATUS_INFO.get(g.status) for g in comparison.groups}
    conflicting = {g.id for g in comparison.conflicts}
    articles = {a.id: a for a in comparison.story.articles}
    views = []
    for a in comparison.story.articles:
        sentences: list[SentenceView] = comparison.sentences.get(a.id, [])
        paragraphs: list[list[_Piece]] = []
        if sentences:
            current: list[_Piece] = []
            last_paragraph, last_end = sentences[0].paragraph, None
            for s in sentences:
                if s.paragraph != last_paragraph and current:
                    paragraphs.append(current)
                    current = []
                elif last_end is not None:
                    gap = a.text[last_end:s.start] if 0 <= last_end <= s.start <= len(a.text) else " "
                    current.append(_Piece(gap if gap.strip() else " "))
                status = status_of.get(s.claim_id) if s.claim_id else None
                current.append(_Piece(s.text, s.claim_id if status else None, status, s.claim_id in conflicting))
                last_paragraph, last_end = s.paragraph, s.end
            if current:
                paragraphs.append(current)
        else:
            paragraphs = [[_Piece(p.strip())] for p in re.split(r"\n\s*\n", a.text) if p.strip()]
        source_id = comparison.reprints.get(a.id)
        source = articles.get(source_id) if source_id else None
        reprint = (source.outlet, source.title, anchors.get(source.id, "")) if source else None
        if source_id and source is None:
            reprint = (source_id, "", "")
        url = safe_url(a.url)
        views.append(_ArticleView(
            anchors[a.id], a, _camp(a.camp), CAMP_LABELS[_camp(a.camp)], _language(a.language), url,
            (urlsplit(url).hostname or url).removeprefix("www.") if url else None,
            a.url if a.url and not url else None, _fmt_datetime(a.published),
            _translation(a.title, a.language, translations), reprint, paragraphs,
            sum(1 for s in sentences if s.claim_id)))
    return views


def _timeline(story: Story, camps: list[str], anchors: dict[str, str]) -> _Timeline:
    # Lanes are tall enough for an outlet name above and below the dots.
    width, left, right, lane_height, top = 1240, 96, 28, 46, 10
    lanes = [_Lane(c, CAMP_LABELS[c], top + lane_height * i + lane_height / 2) for i, c in enumerate(camps)]
    lane_y = {lane.camp: lane.y for lane in lanes}
    height = top + lane_height * len(camps) + 30
    dated = [(t, a) for a in story.articles if (t := _parse_time(a.published)) is not None]
    undated = len(story.articles) - len(dated)
    ticks: list[_Tick] = []
    dots: list[_Dot] = []
    if dated:
        first = min(t for t, _ in dated).astimezone(UTC)
        last = max(t for t, _ in dated).astimezone(UTC)
        span = (last - first).total_seconds()
        inner = width - left - right
        pad = max(span * 0.04, 1800.0)
        lo, hi = first - timedelta(seconds=pad), last + timedelta(seconds=pad)
        total = (hi - lo).total_seconds()

        def x_of(t: datetime) -> float:
            return round(left + inner * (t - lo).total_seconds() / total, 1)

        step_hours = next(h for h in (1, 3, 6, 12, 24, 48, 168, 720, 8760) if total / 3600 / h <= 7)
        tick = lo.replace(minute=0, second=0, microsecond=0)
        if step_hours >= 24:
            tick = tick.replace(hour=0)
        while tick <= hi:
            if tick >= lo:
                label = f"{tick.day} {tick:%b}" if step_hours >= 24 else f"{tick.day} {tick:%b} {tick:%H:%M}"
                ticks.append(_Tick(x_of(tick), label))
            tick += timedelta(hours=step_hours)
        placed: dict[str, list[float]] = {}
        for t, a in sorted(dated, key=lambda p: (p[0], p[1].id)):
            camp = _camp(a.camp)
            x = x_of(t)
            near = sum(1 for other in placed.setdefault(camp, []) if abs(other - x) < 9)
            below = len(placed[camp]) % 2 == 1  # names alternate above and below the lane
            placed[camp].append(x)
            offset = ((near + 1) // 2) * 7 * (1 if near % 2 else -1)
            y = lane_y.get(camp, lane_y[camps[0]])
            name = a.outlet if len(a.outlet) <= DOT_LABEL_CHARS else a.outlet[:DOT_LABEL_CHARS - 1] + "…"
            dots.append(_Dot(x, y + offset, camp, f"{a.outlet}, {_fmt_datetime(a.published)}: {a.title}",
                             anchors[a.id], name, y + (19 if below else -11)))
    per_camp = ", ".join(f"{CAMP_LABELS[c]} {sum(1 for a in story.articles if _camp(a.camp) == c)}" for c in camps)
    summary = f"Articles over time by camp ({per_camp}), {_date_span(story)}"
    return _Timeline(width, height, left, right, lanes, dots, ticks, undated, summary)


def _outlets(story: Story) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for a in story.articles:
        entry = seen.setdefault(a.outlet, {"name": a.outlet, "camp": _camp(a.camp),
                                           "camp_label": CAMP_LABELS[_camp(a.camp)],
                                           "country": a.country, "articles": 0})
        entry["articles"] += 1
    return sorted(seen.values(), key=lambda e: (CAMPS.index(e["camp"]), e["name"].casefold()))


def independent_sources(comparison: Comparison) -> list[str]:
    """The distinct outlets the story's claims go back to, over all claim groups."""
    return sorted({origin for g in comparison.groups for origin in g.origin_camps})


def render_story(comparison: Comparison, translations: Mapping[str, str] | None = None,
                 translation_note: str | None = None, generated_at: str | None = None,
                 index_href: str | None = None) -> str:
    """One self-contained HTML page for a compared story.

    `translations` maps an original (non-English) text to its English translation; the
    translation is shown under the original. `translation_note`, when set, is shown at the top
    (for example: translations are missing because there was no network). `index_href` adds a
    link back to the index page.
    """
    translations = translations or {}
    story = comparison.story
    articles = sorted(story.articles, key=lambda a: (a.published or "9999", a.id))
    story_sorted = Story(story.id, story.title, articles)
    sorted_comparison = Comparison(story_sorted, comparison.groups, comparison.sentences, comparison.reprints)
    anchors = {a.id: f"article-{i}" for i, a in enumerate(articles, start=1)}
    present = {_camp(a.camp) for a in articles} | {_camp(m.article.camp) for g in comparison.groups
                                                    for m in g.mentions}
    camps = [c for c in CAMPS if c in present] or ["unknown"]
    camp_articles = {c: sum(1 for a in articles if _camp(a.camp) == c) for c in camps}
    counts: dict[str, int] = {s: len(comparison.by_status(s)) for s in STATUSES}
    filters = [("all", "All claims", "", len(comparison.groups)),
               ("shared", STATUS_INFO["shared"].label, STATUS_INFO["shared"].icon, counts["shared"]),
               ("camp_only", STATUS_INFO["camp_only"].label, STATUS_INFO["camp_only"].icon, counts["camp_only"])]
    filters += [("single_source", STATUS_INFO["single_source"].label, STATUS_INFO["single_source"].icon,
                 counts["single_source"]),
                ("conflict", "Numbers conflict", "⚠", len(comparison.conflicts))]
    sources = independent_sources(comparison)
    rows = _rows(sorted_comparison, camps, anchors, translations)
    rows_by_id = {r.id: r for r in rows}
    summary = _summary(sorted_comparison, translations)
    # single-source claims that few outlets state are folded by the camp of their source
    folded = {i.id for f in summary.folds for i in f.items}
    context = _page_context(f"{story.title} · crosscheck", script=True)
    context.update(
        story=story_sorted,
        date_span=_date_span(story_sorted),
        blindspot=", ".join(CAMP_LABELS[c] for c in camps if c in KNOWN_CAMPS) if story.blindspot else None,
        coverage=_coverage(story_sorted),
        outlets=_outlets(story_sorted),
        sources=sources,
        camps=[{"key": c, "label": CAMP_LABELS[c], "articles": camp_articles[c]} for c in camps],
        counts=counts,
        statuses=[STATUS_INFO[s] for s in STATUSES],
        filters=filters,
        total_claims=len(comparison.groups),
        conflict_count=len(comparison.conflicts),
        rows=rows,
        articles=_article_views(sorted_comparison, anchors, translations),
        timeline=_timeline(story_sorted, camps, anchors),
        summary=summary,
        main_rows=[r for r in rows if r.id not in folded],
        row_folds=[{"camp": f.camp, "label": f.label, "rows": [rows_by_id[i.id] for i in f.items]}
                   for f in summary.folds],
        folded_count=len(folded),
        many_outlets=MANY_OUTLETS,
        summary_items=SUMMARY_ITEMS,
        translation_note=translation_note,
        generated_at=generated_at,
        index_href=_safe_href(index_href) if index_href else None,
        plural=_plural,
    )
    return _environment().get_template("story.html.j2").render(context)


# -- the index -------------------------------------------------------------------------------
@dataclass
class IndexEntry:
    """One story on the index page, with the counts shown next to it."""

    story: Story
    href: str
    single_source: int
    conflicts: int
    claims: int = 0
    independent_sources: int = 0
    shared: int = 0
    camp_only: int = 0
    # the single-source claim that most outlets repeat (two or more), if any
    top_single_id: str | None = None
    top_single_text: str = ""
    top_single_outlets: int = 0
    top_single_origin: str = ""

    @classmethod
    def from_comparison(cls, comparison: Comparison, href: str) -> IndexEntry:
        single = comparison.by_status("single_source")
        entry = cls(comparison.story, href, len(single), len(comparison.conflicts), len(comparison.groups),
                    len(independent_sources(comparison)), len(comparison.by_status("shared")),
                    len(comparison.by_status("camp_only")))
        repeated = [g for g in single if len(g.outlets) >= 2]
        if repeated:
            top = min(repeated, key=lambda g: (-len(g.outlets), g.id))
            entry.top_single_id, entry.top_single_text = top.id, top.text
            entry.top_single_outlets, entry.top_single_origin = len(top.outlets), ", ".join(top.origin_outlets)
        return entry


def render_index(entries: list[IndexEntry], generated_at: str | None = None,
                 title: str = "Stories", template: str = "index.html.j2",
                 extra: Mapping[str, Any] | None = None) -> str:
    """The index page: every story with its dates, coverage by camp, blindspot mark and counts.

    `template` may be one that extends index.html.j2 (the server's adds search and filter
    forms, see pages.py) and `extra` is added to its context; such a page may submit forms."""
    rows = []
    for e in entries:
        camps = sorted({_camp(a.camp) for a in e.story.articles} & set(CAMPS), key=CAMPS.index)
        rows.append({
            "entry": e, "href": _safe_href(e.href), "date_span": _date_span(e.story),
            "coverage": _coverage(e.story), "camps": [CAMP_LABELS[c] for c in camps],
            "blindspot": e.story.blindspot, "articles": len(e.story.articles),
            "outlets": e.story.outlets,
            "top_href": _safe_href(f"{e.href}#claim-{e.top_single_id}") if e.top_single_id else None,
        })
    context = _page_context(f"{title} · crosscheck", script=False, forms=template != "index.html.j2")
    context.update(title=title, rows=rows, generated_at=generated_at, plural=_plural,
                   camp_labels=CAMP_LABELS, statuses=STATUS_INFO, single_icon=STATUS_INFO["single_source"].icon)
    context.update(extra or {})
    return _environment().get_template(template).render(context)


# -- writing the files -----------------------------------------------------------------------
def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _non_english(comparison: Comparison) -> bool:
    return any(m.article.language != "en" for g in comparison.groups for m in g.mentions)


def write_reports(index: Index, out_dir: str | os.PathLike[str], since: str | None = None,
                  translations_for: Callable[[Comparison], tuple[Mapping[str, str], str | None]] | None = None,
                  generated_at: str | None = None) -> list[Path]:
    """Compare every story (ending on or after `since`) and write `index.html` plus one
    `<story id>.html` per story into `out_dir`. The index is only read: stories are formed
    by `ingest`, `stories` or `serve --update-every` (`stories.update_stories`).

    `translations_for(comparison)` returns (translations keyed by original text, a note to show
    when translations are missing). Returns the paths written, index.html first.
    """
    from .compare import compare_articles
    from .stories import list_stories, parse_since

    since = parse_since(since)  # before anything is written
    out = Path(out_dir)
    check_folder(out, "--out")
    out.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    entries: list[IndexEntry] = []
    written: list[Path] = []
    for story in list_stories(index, since=since):
        comparison = compare_articles(index, story)
        if translations_for is not None:
            translations, note = translations_for(comparison)
        else:
            translations = {}
            note = ("No translator was used: claims are shown in their original language only."
                    if _non_english(comparison) else None)
        name = _file_name(story.id)
        path = out / name
        _write(path, render_story(comparison, translations, note, generated_at, index_href="index.html"))
        written.append(path)
        entries.append(IndexEntry.from_comparison(comparison, quote(name)))
        log.info("report: %s (%d claims)", path, len(comparison.groups))
    index_path = out / "index.html"
    _write(index_path, render_index(entries, generated_at))
    return [index_path, *written]

