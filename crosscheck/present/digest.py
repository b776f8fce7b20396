"""The digest: what is new in the index since an instant, as an analyst reads it each morning.

- new stories (every article of them arrived since then), with their coverage by camp, the
  blindspots (stories one camp alone covers) first;
- new single-source and one-camp claims (every mention of them arrived since then), those that
  most outlets repeat first;
- new conflicts and updates of figures: a figure that arrived since then and is one side of a
  conflict between sources or an outlet's update of its own figure (compare/figures.py).

"Arrived" is when the index stored the article (`ingested_at`), not when it was published: the
digest after a fetch lists what that fetch added, whatever dates the articles carry. Instants
are compared as aware datetimes (records.parse_datetime); `ingested_at` is kept to the second,
so the cut-off is taken to its second too.

`crosscheck digest` prints it (JSON) or writes it as one HTML page; `crosscheck watch --digest
DIR` writes one a day (`DailyDigests`); `crosscheck serve` shows the latest at /digest. Each item
links to its story page: `story_href(story id)` says where (the server's /stories/ID, or the page
`crosscheck report` writes beside the digest).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compare.diff import compare_articles
from ..compare.figures import CONFLICT, UPDATE, story_figures
from ..compare.results import Comparison
from ..errors import InvalidInput
from ..records import Story, parse_datetime
from ..stories.catalog import get_story
from ..vocabulary import CAMP_LABELS, KNOWN_CAMPS, Status, as_camp
from .html import environment, page_context, plural, story_file_name, write_page
from .views import headline_of

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["DEFAULT_SINCE", "Digest", "parse_since_instant", "make_digest", "render_digest", "report_href",
           "listed_stories", "DailyDigests"]

DEFAULT_SINCE = "24h"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since_instant(value: str, now: datetime | None = None) -> datetime:
    """`--since` as an instant: a duration back from now ("24h", "90m", "2d", "1h30m") or an ISO
    date or time (UTC when it has no offset). InvalidInput names the forms it takes."""
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    parts = _DURATION.findall(text)
    if parts and _DURATION.sub("", text).strip() == "":
        return now - timedelta(seconds=sum(float(n) * _UNIT[u] for n, u in parts))
    when = parse_datetime(value.strip())
    if when is None:
        raise InvalidInput(f"--since {value!r} is neither a duration (24h, 90m, 2d) nor a date or time "
                           "(2026-12-01, 2026-12-01T08:00+03:00)")
    return when


@dataclass
class StoryItem:
    id: str
    title: str
    href: str
    articles: int
    camps: dict[str, int]
    blindspot: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "href": self.href, "articles": self.articles,
                "camps": self.camps, "blindspot": self.blindspot}


@dataclass
class ClaimItem:
    story: str
    claim_id: str
    status: str
    text: str
    outlets: list[str]
    camps: list[str]
    origins: list[str]
    article_ids: list[str]
    href: str

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story, "claim_id": self.claim_id, "status": self.status, "text": self.text,
                "outlets": self.outlets, "camps": self.camps, "origin_outlets": self.origins,
                "article_ids": self.article_ids, "href": self.href}


@dataclass
class FigureItem:
    story: str
    claim_id: str
    kind: str
    label: str
    role: str                       # "conflict" or "update"
    values: list[dict[str, Any]]    # every figure of that claim and kind: value, text, outlet, camp, instant, new
    href: str

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story, "claim_id": self.claim_id, "kind": self.kind, "label": self.label,
                "role": self.role, "values": self.values, "href": self.href}


@dataclass
class Digest:
    since: datetime
    until: datetime
    new_articles: list[str] = field(default_factory=list)
    stories: list[StoryItem] = field(default_factory=list)
    claims: list[ClaimItem] = field(default_factory=list)
    figures: list[FigureItem] = field(default_factory=list)
    updated_stories: int = 0   # stories that had articles before and got new ones

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat(),
                "new_articles": self.new_articles, "updated_stories": self.updated_stories,
                "stories": [s.as_dict() for s in self.stories], "claims": [c.as_dict() for c in self.claims],
                "figures": [f.as_dict() for f in self.figures]}


def _second(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(microsecond=0)


def _arrived(index: Index, since: datetime, until: datetime | None) -> dict[int, datetime]:
    """The articles stored from `since` up to (not at) `until`, both to the second: rowid -> when."""
    cut = _second(since)
    end = _second(until) if until is not None else None
    out = {}
    for rowid, stamp in index.store.ingested_from_day((cut - timedelta(days=1)).date().isoformat()):
        when = parse_datetime(stamp)
        if when is not None and when >= cut and (end is None or when < end):
            out[rowid] = when
    return out


def _story_item(story: Story, href: str) -> StoryItem:
    return StoryItem(story.id, story.title, href, len(story.articles), story.camps, story.blindspot)


def _new_claims(comparison: Comparison, new: set[str], href: str) -> list[ClaimItem]:
    """Single-source and one-camp claims all of whose mentions arrived since the cut-off."""
    out = []
    for g in comparison.groups:
        if g.status == Status.SHARED or not all(m.article.id in new for m in g.mentions):
            continue
        text, _language = headline_of(g, {})
        out.append(ClaimItem(comparison.story.id, g.id, str(g.status), text, g.outlets, sorted({str(m.article.camp) for m in g.mentions}),
                             g.origin_outlets, sorted({m.article.id for m in g.mentions}), f"{href}#claim-{g.id}"))
    return out


def _new_figures(comparison: Comparison, new: set[str], href: str) -> list[FigureItem]:
    """Each claim and kind where a figure that arrived since the cut-off is a conflict or an update."""
    out = []
    for series in story_figures(comparison):
        claims = {f.claim_id for f in series.figures if f.article_id in new and f.role in (CONFLICT, UPDATE)}
        for claim_id in sorted(claims):
            figures = [f for f in series.figures if f.claim_id == claim_id]
            role = CONFLICT if any(f.role == CONFLICT and f.article_id in new for f in figures) else UPDATE
            values = [{"value": f.value, "text": f.text, "outlet": f.outlet, "camp": str(f.camp),
                       "instant": f.instant.isoformat() if f.instant else None, "role": f.role,
                       "article_id": f.article_id, "new": f.article_id in new} for f in figures]
            out.append(FigureItem(comparison.story.id, claim_id, series.kind, series.label, role, values,
                                  f"{href}#claim-{claim_id}"))
    return out


def make_digest(index: Index, since: datetime, story_href: Callable[[str], str],
                compare: Callable[[Story], Comparison] | None = None, until: datetime | None = None) -> Digest:
    """What arrived in the index since `since` (and before `until`, when given). `compare(story)`
    compares a story (the server passes its cached comparisons); each item's link is
    `story_href(story id)`. Reads only."""
    compare = compare or (lambda story: compare_articles(index, story))
    arrived = _arrived(index, since, until)
    digest = Digest(since, until or datetime.now(UTC))
    articles = index.store.articles_by_rowid(arrived)
    digest.new_articles = sorted(a.id for a in articles.values())
    new_ids = set(digest.new_articles)
    touched = sorted(set(index.store.stories_of(arrived).values()))
    for story_id in touched:
        story = get_story(index, story_id)
        href = story_href(story_id)
        if all(a.id in new_ids for a in story.articles):
            digest.stories.append(_story_item(story, href))
        else:
            digest.updated_stories += 1
        comparison = compare(story)
        digest.claims += _new_claims(comparison, new_ids, href)
        digest.figures += _new_figures(comparison, new_ids, href)
    digest.stories.sort(key=lambda s: (not s.blindspot, -s.articles, s.id))
    digest.claims.sort(key=lambda c: (-len(c.outlets), c.status != Status.CAMP_ONLY, c.story, c.claim_id))
    digest.figures.sort(key=lambda f: (f.role != CONFLICT, f.story, f.claim_id, f.kind))
    return digest


def _camp_line(camps: dict[str, int]) -> str:
    return ", ".join(f"{CAMP_LABELS[as_camp(c)]} {n}" for c, n in camps.items())


def render_digest(digest: Digest, title: str = "What is new", forms: bool = False) -> str:
    """The digest as one self-contained HTML page (the report's CSS and CSP, no script)."""
    context = page_context(f"{title} · crosscheck", script=False, forms=forms)
    context.update(digest=digest, title=title, plural=plural, forms=forms, camp_line=_camp_line, camp_labels=CAMP_LABELS,
                   known_camps=[str(c) for c in KNOWN_CAMPS], generated_at=digest.until.strftime("%Y-%m-%d %H:%M UTC"),
                   since=digest.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return environment().get_template("digest.html.j2").render(context)


def digest_lines(digest: Digest) -> list[str]:
    """The digest as plain lines for a terminal, in the HTML page's order (`render_digest`)."""
    since = digest.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = f"since {since}: {plural(len(digest.new_articles), 'new article')}, " \
           f"{plural(len(digest.stories), 'new story', 'new stories')}"
    if digest.updated_stories:
        head += f", {plural(digest.updated_stories, 'story', 'stories')} with new articles"
    lines = [head, "", f"new stories ({len(digest.stories)})"]
    lines += [f"  {s.id}  {'blindspot  ' if s.blindspot else ''}{plural(s.articles, 'article')}: "
              f"{_camp_line(s.camps)}  {s.title}" for s in digest.stories] or ["  none"]
    lines += ["", f"new single-source and one-camp claims ({len(digest.claims)})"]
    lines += [f"  {c.story}/{c.claim_id}  {'one camp' if c.status == Status.CAMP_ONLY else 'single source'}"
              f" · told by {', '.join(c.outlets)}; source{'s' if len(c.origins) > 1 else ''}: "
              f"{', '.join(c.origins)}\n    {c.text}" for c in digest.claims] or ["  none"]
    lines += ["", f"new conflicts and updates of figures ({len(digest.figures)})"]
    lines += [f"  {f.story}/{f.claim_id}  {f.role} ({f.label}): "
              + " vs ".join(f"{v['text']} ({v['outlet']}{', new' if v.get('new') else ''})" for v in f.values)
              for f in digest.figures] or ["  none"]
    return lines


def report_href(story_id: str) -> str:
    """A story's page as `crosscheck report` names it, in the digest's own folder."""
    return story_file_name(story_id)


@dataclass
class DailyDigests:
    """`crosscheck watch --digest DIR`: after each round, the first round of a new day (UTC) writes
    `digest-YYYY-MM-DD.html` and `.json` into `folder`, covering everything since the last one
    written (the day before, at the first), with the pages of the stories it lists beside it."""

    folder: Path
    last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now.astimezone(UTC).date() != self.last.astimezone(UTC).date()

    def write(self, index: Index, now: datetime) -> Path:
        from .report import render_story  # a story's page, untranslated, beside the digest

        since = self.last or now - timedelta(days=1)
        digest = make_digest(index, since, report_href, until=now)
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = f"digest-{now.astimezone(UTC):%Y-%m-%d}"
        for story_id in listed_stories(digest):
            write_page(self.folder / story_file_name(story_id),
                       render_story(compare_articles(index, get_story(index, story_id)), {}, None))
        write_page(self.folder / f"{stem}.json", json.dumps(digest.as_dict(), ensure_ascii=False, indent=1))
        path = write_page(self.folder / f"{stem}.html", render_digest(digest))
        self.last = now
        return path

    def maybe_write(self, index: Index, now: datetime | None = None) -> Path | None:
        now = now or datetime.now(UTC)
        return self.write(index, now) if self.due(now) else None


def listed_stories(digest: Digest) -> list[str]:
    """The ids of the stories the digest's items link to."""
    return sorted({s.id for s in digest.stories} | {c.story for c in digest.claims} | {f.story for f in digest.figures})
