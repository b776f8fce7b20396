"""The records passed between the stages of the flow (ingest → embed → index → stories → claims)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .vocabulary import KNOWN_CAMPS, Camp, as_camp

__all__ = ["parse_datetime", "utc_sort_key", "published_instant", "time_order", "plausible_date", "EARLIEST_YEAR", "FUTURE_SLACK", "Outlet", "ArticleRecord", "Article", "Problem", "IngestReport", "Hit", "Story", "Feed"]

# Publication dates crosscheck uses: from 1900 (older dates in news data are placeholders such
# as 0001-01-01 or typos) to a day after now (time zones ahead of UTC). Dates outside are kept
# as given (`published_given`) but not used: with year 1 or 9999 date arithmetic overflows.
EARLIEST_YEAR = 1900
FUTURE_SLACK = timedelta(days=1)


def plausible_date(dt: datetime) -> bool:
    """True for an aware datetime from EARLIEST_YEAR to a day after now."""
    try:
        return dt.year >= EARLIEST_YEAR and dt <= datetime.now(timezone.utc) + FUTURE_SLACK
    except OverflowError:
        return False


def parse_datetime(value: str | None) -> datetime | None:
    """An article's `published` as an aware datetime (UTC when it has no offset); None if unknown
    or implausible (an index written before dates were checked may hold year 1 or 9999)."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
        dt = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
        dt.timestamp()  # year 1 minus an offset is out of range
    except (ValueError, OverflowError):
        return None
    return dt if plausible_date(dt) else None


def utc_sort_key(published: str | None) -> str | None:
    """`published` as the instant it names, in UTC, as fixed-width text that sorts in time order
    ("2025-03-03T11:10:00.000000Z" for "2025-03-03T14:10:00+03:00"); None if unknown. Stored
    dates keep their own offset, so as text "13:45Z" sorts before "14:10+03:00" (11:10 UTC):
    order by this key, never by `published` itself (the index keeps it as `published_utc`)."""
    dt = parse_datetime(published)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else None


def published_instant(published: str | None) -> float | None:
    """The Unix time `published` names (UTC when it has no offset), None if unknown or unreadable.
    Cheap (about 1 µs: a listing of 100,000 articles orders them by it): it does not check that
    the date is plausible, as stored dates were checked when they were stored."""
    if not published:
        return None
    try:
        dt = datetime.fromisoformat(published)
        return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()
    except (ValueError, OverflowError):
        return None


def time_order(article: Article) -> tuple[bool, float, str]:
    """Sort key of articles in time order: by the instant of publication (offsets applied, never
    the text), undated last, then by id."""
    instant = published_instant(article.published)
    return (instant is None, instant or 0.0, article.id)


@dataclass(frozen=True)
class Outlet:
    name: str
    camp: Camp = Camp.UNKNOWN
    country: str | None = None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "camp", as_camp(self.camp))  # read from files and the store as text


@dataclass
class ArticleRecord:
    """One article as read from an input file, before it is stored."""

    text: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    id: str | None = None
    language: str | None = None
    camp: str | None = None
    country: str | None = None
    source: str = ""  # "file:line" it came from


@dataclass
class Article:
    """An article as stored in the index."""

    rowid: int
    id: str
    url: str | None
    outlet: str
    camp: Camp
    country: str | None
    title: str
    text: str
    published: str | None
    language: str | None
    language_prob: float | None
    duplicate_of: str | None = None

    def __post_init__(self) -> None:
        self.camp = as_camp(self.camp)  # stored as text

    def summary(self) -> dict[str, Any]:
        """The fields every JSON listing of an article carries."""
        return {
            "article_id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "camp": self.camp,
            "language": self.language,
            "title": self.title,
            "published": self.published,
        }


@dataclass(frozen=True)
class Problem:
    """Input that was skipped (or kept with a caveat), as `where: reason`."""

    where: str
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0
    revisions: int = 0      # of the added: a new text under an id or URL already stored (id@rN)
    duplicates: int = 0
    skipped: int = 0
    embedded_articles: int = 0
    embedded_sentences: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_outlets: list[str] = field(default_factory=list)
    unnamed_outlets: int = 0  # articles that named no outlet and had no URL (camp unknown)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["problems"] = [str(p) for p in self.problems]
        return d


@dataclass
class Hit:
    """One result of a query: an article, with the matching sentence under --sentences."""

    article: Article
    score: float
    sentence: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = self.article.summary()
        d["score"] = round(self.score, 4)
        if self.sentence is not None:
            d["sentence"] = self.sentence
        return d


@dataclass
class Story:
    """Articles about one event, in any language; `id` is stable once given."""

    id: str
    title: str
    articles: list[Article]

    def _dated(self) -> list[tuple[float, str, str]]:
        return [(t, a.id, a.published) for a in self.articles
                if a.published and (t := published_instant(a.published)) is not None]

    @property
    def start(self) -> str | None:
        """The `published` of its earliest article (instants compared, not text), as that
        article gives it, in its own zone."""
        dated = self._dated()
        return min(dated)[2] if dated else None

    @property
    def end(self) -> str | None:
        """The `published` of its latest article, as that article gives it."""
        dated = self._dated()
        return max(dated)[2] if dated else None

    @property
    def camps(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.articles:
            counts[a.camp] = counts.get(a.camp, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.articles})

    @property
    def blindspot(self) -> bool:
        """Only one of the camps ru, tr, west covers it."""
        return len(set(self.camps) & set(KNOWN_CAMPS)) == 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "start": self.start, "end": self.end,
            "camps": self.camps, "blindspot": self.blindspot, "outlets": self.outlets,
            "articles": [a.summary() for a in self.articles],
        }


@dataclass
class Feed:
    """A followed RSS/Atom feed and what the last fetches of it gave (the index's `feeds` table)."""

    url: str
    outlet: str
    camp: Camp = Camp.UNKNOWN
    language: str | None = None       # given with `feeds add --language`; else detected per article
    title: str | None = None          # the feed's own title, once fetched
    etag: str | None = None           # validators for the next conditional GET
    last_modified: str | None = None
    added_at: str | None = None
    last_fetch: str | None = None     # ISO 8601, UTC
    last_status: str | None = None    # "200", "304", or "failed"
    last_error: str | None = None     # the reason of the last failure
    errors: int = 0                   # failed fetches in a row (0 after a good one)
    articles: int = 0                 # articles ingested through this feed
    failing_items: int = 0            # item pages not ingested yet because fetching them failed

    def __post_init__(self) -> None:
        self.camp = as_camp(self.camp)  # stored as text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
