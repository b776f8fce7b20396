"""The view of a compared story, as its page shows it: the claim matrix's rows, the summary an
analyst reads first, the coverage bar, the timeline and the articles' annotated texts. Plain
records for the templates; nothing here renders HTML."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..compare.results import ClaimGroup, Comparison, Mention, SentenceView
from ..records import Article, Story, parse_datetime
from ..vocabulary import CAMPS, CAMP_LABELS, DISPLAY_LANGUAGE, STATUS_INFO, Status, StatusInfo
from .html import camp_key, date_span, fmt_datetime, language_code, plural, safe_url

__all__ = ["MANY_OUTLETS", "SUMMARY_ITEMS", "coverage", "claim_rows", "summary_of", "article_views", "timeline_of",
           "story_outlets", "independent_sources"]


# Outlet names beside the timeline's dots are cut to this many characters (the full name is
# in the dot's tooltip): longer ones would run into the next dot.
DOT_LABEL_CHARS = 18


# A single-source claim that this many outlets repeat is one of the first things the summary
# shows: with two, one reprint or relay explains it; from three on, the claim is travelling.
MANY_OUTLETS = 3


# The summary lists this many items per kind before folding the rest.
SUMMARY_ITEMS = 6


@dataclass
class Segment:
    text: str
    number: bool = False  # a conflicting number, to be highlighted


@dataclass
class SourceNote:
    outlet: str
    anchor: str
    notes: list[str]


@dataclass
class Wording:
    segments: list[Segment]
    language: str | None
    translation: str | None
    sources: list[SourceNote] = field(default_factory=list)


@dataclass
class ConflictView:
    """One disputed fact of a claim group: each value given, and the outlets that give it."""

    kind: str
    values: list[tuple[str, str]]  # (value as first written, outlets)


@dataclass
class Row:
    id: str
    headline: str
    headline_language: str | None
    status: StatusInfo
    classes: str
    sources: int
    origin_outlets: list[str]
    cells: dict[str, list[Wording]]
    conflicts: list[ConflictView]
    relays: list[str] = field(default_factory=list)        # outlets that only pass the claim on
    confidence: float = 1.0                                 # ClaimGroup.confidence
    closest: list[Closest] = field(default_factory=list)    # one-camp claims: the closest claim of each other camp


@dataclass
class Closest:
    """The claim of another camp closest to a one-camp claim, as the page shows it."""

    camp_label: str
    outlet: str
    probability: float
    text: str
    claim_id: str


@dataclass
class Item:
    """One claim in the summary: its headline, linking to its row in the matrix."""

    id: str
    headline: str
    language: str | None
    detail: str


@dataclass
class Clash:
    """One fact whose sources give different values: the claim, and each value with its outlets."""

    claim: Item
    values: list[tuple[str, str]]  # (value as first written, outlets)


@dataclass
class Fold:
    """Single-source claims whose one source is in `camp`, folded until asked."""

    camp: str
    label: str
    items: list[Item]


@dataclass
class Summary:
    clashes: list[Clash]
    camp_only: list[Item]
    repeated: list[Item]       # single-source claims that MANY_OUTLETS or more outlets state
    folds: list[Fold]          # the other single-source claims, by the camp of their source
    other_single: int


@dataclass
class Piece:
    text: str
    claim_id: str | None = None
    status: StatusInfo | None = None
    conflict: bool = False


@dataclass
class ArticleView:
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
    paragraphs: list[list[Piece]]
    claims: int


@dataclass
class Lane:
    camp: str
    label: str
    y: float


@dataclass
class Dot:
    x: float
    y: float
    camp: str
    label: str
    anchor: str
    outlet: str        # shown beside the dot
    label_y: float     # where the outlet name sits: above or below the dot, alternating


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    right: int
    lanes: list[Lane]
    dots: list[Dot]
    ticks: list[Tick]
    undated: int
    summary: str


@dataclass
class BarPart:
    camp: str
    label: str
    count: int
    x: float
    width: float


def coverage(story: Story) -> list[BarPart]:
    counts: dict[str, int] = {}
    for a in story.articles:
        counts[camp_key(a.camp)] = counts.get(camp_key(a.camp), 0) + 1
    total = sum(counts.values()) or 1
    parts, x = [], 0.0
    for camp in CAMPS:
        if counts.get(camp):
            width = 100.0 * counts[camp] / total
            parts.append(BarPart(camp, CAMP_LABELS[camp], counts[camp], round(x, 3), round(width, 3)))
            x += width
    return parts


def segments_of(mention: Mention, highlight: frozenset[float]) -> list[Segment]:
    text = mention.text
    spans = sorted((n.start, n.end) for n in mention.numbers
                   if n.value in highlight and 0 <= n.start < n.end <= len(text) and text[n.start:n.end] == n.text)
    out: list[Segment] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], number=True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def mention_notes(m: Mention, reprint_source: Article | None) -> list[str]:
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


def translation_of(text: str, language: str | None, translations: Mapping[str, str]) -> str | None:
    if language == DISPLAY_LANGUAGE:
        return None
    found = translations.get(text)
    return found if found and found.strip() != text.strip() else None


def headline_of(group: ClaimGroup, translations: Mapping[str, str]) -> tuple[str, str | None]:
    """The claim in one line, for a reader of the display language: a mention in it if there is
    one, else the first mention's translation, else the first mention. Returns (text, its language)."""
    shown = [m for m in group.mentions if m.article.language == DISPLAY_LANGUAGE]
    if shown:
        return shown[0].text, DISPLAY_LANGUAGE
    first = group.mentions[0]
    translated = translation_of(first.text, first.article.language, translations)
    if translated:
        return translated, DISPLAY_LANGUAGE
    return first.text, language_code(first.article.language)


def claim_rows(comparison: Comparison, camps: Sequence[str], anchors: dict[str, str],
          translations: Mapping[str, str]) -> list[Row]:
    articles = {a.id: a for a in comparison.story.articles}
    rows = []
    for g in comparison.groups:
        highlight = frozenset(v for c in g.conflicts for v in c.numbers)
        cells: dict[str, list[Wording]] = {camp: [] for camp in camps}
        for m in g.mentions:
            camp = camp_key(m.article.camp)
            wordings = cells.setdefault(camp, [])
            reprint_id = comparison.reprints.get(m.article.id)
            source = SourceNote(m.article.outlet, anchors.get(m.article.id, ""),
                             mention_notes(m, articles.get(reprint_id) if reprint_id else None))
            same = next((w for w in wordings if "".join(s.text for s in w.segments) == m.text), None)
            if same is not None:
                same.sources.append(source)
                continue
            language = language_code(m.article.language)
            wordings.append(Wording(segments_of(m, highlight), language,
                                     translation_of(m.text, m.article.language, translations), [source]))
        for wordings in cells.values():  # a wording with a conflicting number first: it is shown unfolded
            wordings.sort(key=lambda w: not any(seg.number for seg in w.segments))
        conflicts = []
        for c in g.conflicts:
            conflicts.append(ConflictView(c.kind, [(v.text, ", ".join(v.outlets)) for v in c.values]))
        status = STATUS_INFO.get(g.status, StatusInfo(g.status, g.status, "•", ""))
        classes = f"st-{status.key if status.key in STATUS_INFO else 'other'}"
        if g.conflicts:
            classes += " has-conflict"
        headline, headline_language = headline_of(g, translations)
        closest = [Closest(CAMP_LABELS[camp_key(c.camp)], c.outlet, c.probability, c.text, c.claim_id)
                   for c in g.closest]
        rows.append(Row(g.id, headline, headline_language, status, classes, g.independent_sources,
                         g.origin_outlets, cells, conflicts, g.relays, g.confidence, closest))
    return rows


def summary_of(comparison: Comparison, translations: Mapping[str, str]) -> Summary:
    """What an analyst reads first: numbers that disagree, claims only one camp reports, and
    single-source claims that many outlets repeat; the other single-source claims by camp."""

    def item(g: ClaimGroup, detail: str) -> Item:
        headline, language = headline_of(g, translations)
        return Item(g.id, headline, language, detail)

    def camps_of(g: ClaimGroup) -> str:
        return ", ".join(CAMP_LABELS[camp_key(c)] for c in g.camps)

    clashes = [Clash(item(g, ", ".join(g.outlets)), [(v.text, ", ".join(v.outlets)) for v in c.values])
               for g in comparison.groups for c in g.conflicts]
    camp_only = [item(g, f"{plural(g.independent_sources, 'independent source')}, all {camps_of(g)}: "
                         f"{', '.join(g.origin_outlets)}" + (f"; relayed by {', '.join(g.relays)}" if g.relays else ""))
                 for g in comparison.by_status(Status.CAMP_ONLY)]
    single = comparison.by_status(Status.SINGLE_SOURCE)
    repeated_groups = sorted((g for g in single if len(g.outlets) >= MANY_OUTLETS),
                             key=lambda g: (-len(g.outlets), g.id))
    repeated = [item(g, f"{len(g.outlets)} outlets in {plural(len(g.outlet_camps), 'camp')} repeat it; "
                        f"one source: {', '.join(g.origin_outlets)}") for g in repeated_groups]
    shown = {g.id for g in repeated_groups}
    folds: dict[str, list[Item]] = {}
    for g in single:
        if g.id in shown:
            continue
        camp = camp_key(next(iter(g.origin_camps.values()), None) if g.origin_camps else g.camps[0] if g.camps else None)
        folds.setdefault(camp, []).append(item(g, ", ".join(g.outlets)))
    ordered = [Fold(c, CAMP_LABELS[c], folds[c]) for c in CAMPS if c in folds]
    return Summary(clashes, camp_only, repeated, ordered, sum(len(f.items) for f in ordered))


def article_views(comparison: Comparison, anchors: dict[str, str],
                   translations: Mapping[str, str]) -> list[ArticleView]:
    status_of = {g.id: STATUS_INFO.get(g.status) for g in comparison.groups}
    conflicting = {g.id for g in comparison.conflicts}
    articles = {a.id: a for a in comparison.story.articles}
    views = []
    for a in comparison.story.articles:
        sentences: list[SentenceView] = comparison.sentences.get(a.id, [])
        paragraphs: list[list[Piece]] = []
        if sentences:
            current: list[Piece] = []
            last_paragraph, last_end = sentences[0].paragraph, None
            for s in sentences:
                if s.paragraph != last_paragraph and current:
                    paragraphs.append(current)
                    current = []
                elif last_end is not None:
                    gap = a.text[last_end:s.start] if 0 <= last_end <= s.start <= len(a.text) else " "
                    current.append(Piece(gap if gap.strip() else " "))
                status = status_of.get(s.claim_id) if s.claim_id else None
                current.append(Piece(s.text, s.claim_id if status else None, status, s.claim_id in conflicting))
                last_paragraph, last_end = s.paragraph, s.end
            if current:
                paragraphs.append(current)
        else:
            paragraphs = [[Piece(p.strip())] for p in re.split(r"\n\s*\n", a.text) if p.strip()]
        source_id = comparison.reprints.get(a.id)
        source = articles.get(source_id) if source_id else None
        reprint = (source.outlet, source.title, anchors.get(source.id, "")) if source else None
        if source_id and source is None:
            reprint = (source_id, "", "")
        url = safe_url(a.url)
        views.append(ArticleView(
            anchors[a.id], a, camp_key(a.camp), CAMP_LABELS[camp_key(a.camp)], language_code(a.language), url,
            (urlsplit(url).hostname or url).removeprefix("www.") if url else None,
            a.url if a.url and not url else None, fmt_datetime(a.published),
            translation_of(a.title, a.language, translations), reprint, paragraphs,
            sum(1 for s in sentences if s.claim_id)))
    return views


def timeline_of(story: Story, camps: Sequence[str], anchors: dict[str, str]) -> Timeline:
    # Lanes are tall enough for an outlet name above and below the dots.
    width, left, right, lane_height, top = 1240, 96, 28, 46, 10
    lanes = [Lane(c, CAMP_LABELS[c], top + lane_height * i + lane_height / 2) for i, c in enumerate(camps)]
    lane_y = {lane.camp: lane.y for lane in lanes}
    height = top + lane_height * len(camps) + 30
    dated = [(t, a) for a in story.articles if (t := parse_datetime(a.published)) is not None]
    undated = len(story.articles) - len(dated)
    ticks: list[Tick] = []
    dots: list[Dot] = []
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
                if not ticks:  # the axis is in UTC (articles of several zones on one line): its first label says so
                    label += " UTC"
                ticks.append(Tick(x_of(tick), label))
            tick += timedelta(hours=step_hours)
        placed: dict[str, list[float]] = {}
        for t, a in sorted(dated, key=lambda p: (p[0], p[1].id)):
            camp = camp_key(a.camp)
            x = x_of(t)
            near = sum(1 for other in placed.setdefault(camp, []) if abs(other - x) < 9)
            below = len(placed[camp]) % 2 == 1  # names alternate above and below the lane
            placed[camp].append(x)
            offset = ((near + 1) // 2) * 7 * (1 if near % 2 else -1)
            y = lane_y.get(camp, lane_y[camps[0]])
            name = a.outlet if len(a.outlet) <= DOT_LABEL_CHARS else a.outlet[:DOT_LABEL_CHARS - 1] + "…"
            dots.append(Dot(x, y + offset, camp, f"{a.outlet}, {fmt_datetime(a.published)}: {a.title}",
                             anchors[a.id], name, y + (19 if below else -11)))
    per_camp = ", ".join(f"{CAMP_LABELS[c]} {sum(1 for a in story.articles if camp_key(a.camp) == c)}" for c in camps)
    summary = f"Articles over time by camp ({per_camp}), {date_span(story)}, on an axis in UTC"
    return Timeline(width, height, left, right, lanes, dots, ticks, undated, summary)


def story_outlets(story: Story) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for a in story.articles:
        entry = seen.setdefault(a.outlet, {"name": a.outlet, "camp": camp_key(a.camp),
                                           "camp_label": CAMP_LABELS[camp_key(a.camp)],
                                           "country": a.country, "articles": 0})
        entry["articles"] += 1
    return sorted(seen.values(), key=lambda e: (CAMPS.index(e["camp"]), e["name"].casefold()))


def independent_sources(comparison: Comparison) -> list[str]:
    """The distinct outlets the story's claims go back to, over all claim groups."""
    return sorted({origin for g in comparison.groups for origin in g.origin_camps})
