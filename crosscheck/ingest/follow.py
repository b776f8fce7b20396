"""Followed feeds: the feed list in the index, and the feed run that fetches new items' pages
and stores them with the ingest writer.

    from crosscheck import Index
    from crosscheck.ingest.follow import add_feed, fetch_feeds

    with Index.open("indexes/default", create=True) as ix:
        add_feed(ix, "https://tass.ru/rss/v2.xml")
        report = fetch_feeds(ix)
        print(report.new, [f"{f.url}: {f.reason}" for f in report.failed])

A fetch never stops on bad input: a feed that cannot be fetched or parsed, or an item page
that fails (404, timeout, not HTML, no text ...), is one entry in `FetchReport.failed` and
the rest goes on. Item pages that failed are tried again at the next fetches (up to
MAX_ITEM_ATTEMPTS), even when their feed has not changed since.

A fetch cannot be aimed inward: an item link, a redirect or a robots.txt on a loopback, private,
link-local, multicast or reserved address is refused and named in `failed` (sources/http.py);
`allow_private` (--allow-private, CROSSCHECK_ALLOW_PRIVATE=1) opens the origins of the feeds the
user added, and no other. A fetch ends in bounded time: each request has one deadline, and the
run a `budget`; what it had no time for is named in `failed` and fetched by the next run.

Feeds and pages are fetched without the index's write lock; storing what was read holds it
(every STORE_EVERY articles, and at the end), so a long fetch keeps no other writer waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..errors import AddressRefused, FeedError, FeedNotFound, FetchFailed, NothingFetched, OutOfTime
from ..index.folder import Index, ProgressFn
from ..records import ArticleRecord, Feed, IngestReport, Outlet, Problem, parse_datetime
from ..vocabulary import CAMPS, Camp, as_camp
from ..sources.feeds import FEED_ACCEPT, HTML_ACCEPT, FeedItem, canonical_link, page_record, parse_feed, read_feed_list
from ..sources.http import ALLOW_PRIVATE_ENV, BUDGET_SPENT, AddressGuard, Fetcher, allow_private_from_env
from ..sources.identity import article_id
from ..sources.outlets import OutletDirectory, url_domain
from .writer import add_records

__all__ = ["MAX_ITEM_ATTEMPTS", "FAILING_FEED_RUNS", "STORE_EVERY", "DEFAULT_BUDGET", "AddedFeed", "ImportReport", "Failure",
           "FetchReport", "add_feed", "remove_feed", "list_feeds", "import_feeds", "fetch_feeds", "watch",
           "parse_interval"]

log = logging.getLogger("crosscheck")

R = TypeVar("R")

# An item page that failed this many fetches in a row is not tried again (it stays listed
# with its reason in `feeds list --json`). Three covers a site's bad hour at 15-minute watches
# without fetching a page that is gone for good forever.
MAX_ITEM_ATTEMPTS = 3


# A feed that failed this many fetches in a row is named in the summary as failing.
FAILING_FEED_RUNS = 3


# A fetch stores what it has read after each feed once this many new articles are waiting,
# and at the end. The pages are fetched without the index's write lock (other writers are not
# kept waiting on the network); storing and embedding a batch holds it. 500 articles are a few
# MB of text, and a few seconds of embedding with the default model.
STORE_EVERY = 500


# Seconds a fetch may spend on the network (`fetch --budget`); `watch` gives each round its
# interval instead. When it is spent, the run stops asking, stores what it read and names in
# `failed` the feeds and pages it had no time for; the next run fetches them (their feeds are
# read whole again). With the pause of 1 s between two requests to one host, a feed of 50 new
# items takes at least 50 s: half an hour holds a first fetch of a few dozen such feeds, and a
# later fetch, which asks only for what is new, needs far less.
DEFAULT_BUDGET = 30 * 60.0

# Seconds `feeds add` waits for the resolver when it checks that a feed is on a public address.
RESOLVE_SECONDS = 10.0

# What a user who follows feeds on their own network does (named where one is refused).
ALLOW_PRIVATE_FIX = (f"run `crosscheck fetch --allow-private` (or set {ALLOW_PRIVATE_ENV}=1) to fetch the feeds you "
                     "added on your own network")


# -- the feed list -------------------------------------------------------------------------------
@dataclass
class AddedFeed:
    feed: Feed
    warning: str | None = None     # e.g. the outlet was not found: camp unknown


@dataclass
class ImportReport:
    added: list[AddedFeed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(f"{url!r} is not a feed address: give an http:// or https:// URL")
    return url


def _allowed(allow_private: bool | None) -> bool:
    """`allow_private`, or when it is None the CROSSCHECK_ALLOW_PRIVATE variable."""
    return allow_private_from_env() if allow_private is None else allow_private


def _check_public(url: str) -> None:
    """Refuse a feed on a loopback, private, ... address (FeedError naming --allow-private). A
    name that does not resolve now passes: `fetch` checks again, at every request."""
    try:
        AddressGuard().check(url, RESOLVE_SECONDS)
    except AddressRefused as e:
        raise FeedError(f"{url}: {e.reason}; to follow a feed on your own network, add it with `crosscheck feeds "
                        f"add URL --allow-private` and fetch with --allow-private (or set {ALLOW_PRIVATE_ENV}=1)"
                        ) from None
    except FetchFailed as e:
        log.info("%s: %s (not checked now; fetch checks it)", url, e.reason)


def add_feed(ix: Index, url: str, outlet: str | None = None, camp: str | None = None,
             language: str | None = None, outlets: OutletDirectory | None = None,
             allow_private: bool | None = None) -> AddedFeed:
    """Follow the feed at `url`. Without `outlet`, the outlet is the one whose domain the feed
    is on; if none is, the feed's domain with camp `unknown` (and a warning). Adding a feed
    again changes the outlet, camp and language given (the others stay) and keeps its state.
    A feed on a loopback or private address raises FeedError unless `allow_private` (None: the
    CROSSCHECK_ALLOW_PRIVATE variable)."""
    url = _check_url(url)
    if not _allowed(allow_private):
        _check_public(url)
    if camp is not None and camp not in CAMPS:
        raise FeedError(f"camp {camp!r} is not one of {', '.join(CAMPS)}")
    if language is not None and not (language.isalpha() and 2 <= len(language) <= 3):
        raise FeedError(f"language {language!r} is not a code like ru, tr or en")
    known = ix.store.feeds(url)
    if known and outlet is None and camp is None:  # added again (an import, say): keep its outlet
        outlet, camp = known[0].outlet, known[0].camp
    if known and language is None:
        language = known[0].language
    directory = outlets or OutletDirectory.including(ix.store.outlets())
    found = directory.lookup(outlet, None if outlet else url)
    warning = None
    if found is not None:
        name, resolved = found.name, camp or found.camp
    else:
        name, resolved = outlet or url_domain(url) or url, camp or Camp.UNKNOWN
        if resolved == Camp.UNKNOWN:
            warning = (f"{url}: outlet {name!r} is not in the outlets list, so its camp is {Camp.UNKNOWN.value!r} "
                       "(give --outlet NAME and --camp ru|tr|west)")
    feed = Feed(url=url, outlet=name, camp=as_camp(resolved), language=language.lower() if language else None)
    with ix.writing():
        ix.store.save_feed(feed)
    stored = ix.store.feeds(url)
    return AddedFeed(stored[0] if stored else feed, warning)


def remove_feed(ix: Index, url: str) -> None:
    """Stop following a feed (its articles stay in the index)."""
    with ix.writing():
        removed = ix.store.remove_feed(url.strip())
    if not removed:
        raise FeedNotFound(url)


def list_feeds(ix: Index) -> list[Feed]:
    return ix.store.feeds()


def import_feeds(ix: Index, path: str | Path, allow_private: bool | None = None) -> ImportReport:
    """Add every feed of an OPML file or a plain list of URLs; bad entries are reported, not fatal
    (a feed on a private address among them, unless `allow_private`, as for add_feed)."""
    report = ImportReport()
    directory = OutletDirectory.including(ix.store.outlets())
    for entry in read_feed_list(path):
        try:
            report.added.append(add_feed(ix, entry["url"], entry.get("outlet"), entry.get("camp"),
                                         entry.get("language"), directory, allow_private))
        except FeedError as e:
            report.problems.append(Problem(f"{path}: {entry['url']}", str(e)))
    return report


# -- fetching ------------------------------------------------------------------------------------
@dataclass
class Failure:
    url: str
    reason: str
    feed: str | None = None        # the feed an item page came from

    def as_dict(self) -> dict[str, Any]:
        d = {"url": self.url, "reason": self.reason}
        if self.feed and self.feed != self.url:
            d["feed"] = self.feed
        return d


@dataclass
class FetchReport:
    """What a fetch did. `items` are the feed items looked at, `new` the articles ingested,
    `unchanged` the items already in the index, `not_modified` the feeds that answered 304."""

    feeds: int = 0
    items: int = 0
    new: int = 0
    unchanged: int = 0
    not_modified: int = 0
    duplicates: int = 0            # new articles whose text an earlier article already has
    older: int = 0                 # items skipped as older than --since
    failed: list[Failure] = field(default_factory=list)
    feeds_failed: int = 0          # feeds that gave nothing (fetch failed or nothing parsed)
    failing_feeds: list[str] = field(default_factory=list)  # failed FAILING_FEED_RUNS times in a row
    problems: list[Problem] = field(default_factory=list)   # caveats about articles kept (from add_records)

    @property
    def all_failed(self) -> bool:
        return self.feeds > 0 and self.feeds_failed == self.feeds

    def as_dict(self) -> dict[str, Any]:
        return {"feeds": self.feeds, "items": self.items, "new": self.new, "unchanged": self.unchanged,
                "not_modified": self.not_modified, "duplicates": self.duplicates, "older": self.older,
                "failed": [f.as_dict() for f in self.failed], "failing_feeds": self.failing_feeds}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _since(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)
    parsed = parse_datetime(value)
    if parsed is None:
        raise FeedError(f"--since {value!r} is not a date like 2026-12-01")
    return parsed


def _select(items: list[FeedItem], since: datetime | None, max_per_feed: int | None) -> tuple[list[FeedItem], int]:
    """Items on or after `since` (undated ones kept), the newest `max_per_feed`; and how many were older."""
    kept = [i for i in items if since is None or (parse_datetime(i.published) or since) >= since]
    older = len(items) - len(kept)
    if max_per_feed is not None:
        epoch = datetime.min.replace(tzinfo=timezone.utc)
        kept = sorted(kept, key=lambda i: parse_datetime(i.published) or epoch, reverse=True)[:max_per_feed]
    return kept, older


def _feed_outlets(ix: Index, feeds: list[Feed]) -> OutletDirectory:
    """The index's outlets plus each feed's outlet with its camp, so that articles of a feed
    added with --outlet NAME --camp ru keep that camp (and the outlet is remembered)."""
    directory = OutletDirectory.including(ix.store.outlets())
    for feed in feeds:
        known = directory.lookup(feed.outlet)
        if feed.camp != Camp.UNKNOWN and (known is None or known.camp != feed.camp):
            directory.add(Outlet(feed.outlet, feed.camp, known.country if known else None,
                                 known.domains if known else (), known.aliases if known else ()))
    return directory


@dataclass
class _Pending:
    feed: Feed
    item: FeedItem
    link: str
    article_id: str


class _FeedRun:
    """One fetch over the feeds. The feeds and pages are read without the write lock; every
    STORE_EVERY new articles (after a whole feed) and at the end, `add_records` stores the
    records under the lock, and what happened to those feeds and items is recorded with them.
    Every request ends by `ends` (a time.monotonic() value: the end of the run's budget); what
    the run had no time for is named in `failed`, and its feed read whole by the next run."""

    def __init__(self, ix: Index, feeds: list[Feed], fetcher: Fetcher, since: datetime | None,
                 max_per_feed: int | None, progress: ProgressFn | None, ends: float | None = None) -> None:
        self.ix, self.feeds, self.fetcher = ix, feeds, fetcher
        self.since, self.max_per_feed, self.progress, self.ends = since, max_per_feed, progress, ends
        self.report = FetchReport(feeds=len(feeds))
        self.feed_state: dict[str, dict[str, Any]] = {}
        self.yielded: list[_Pending] = []
        self.done_items: list[tuple[Feed, FeedItem, str, str]] = []   # feed, item, link, article id
        self.failed_items: list[tuple[Feed, FeedItem, str, str]] = []  # feed, item, link, reason
        self.seen_ids: set[str] = set()
        self.directory = _feed_outlets(ix, feeds)

    def run(self) -> FetchReport:
        records: list[ArticleRecord] = []
        done: list[Feed] = []
        for n, feed in enumerate(self.feeds):
            if self._spent():
                self.report.failed += [Failure(f.url, BUDGET_SPENT) for f in self.feeds[n:]]
                break
            records.extend(self._feed(feed))
            done.append(feed)
            if self.progress:
                self.progress("fetch", 1, len(self.feeds))
            if len(records) >= STORE_EVERY:
                self._store(records, done)
                records, done = [], []
        self._store(records, done)
        return self.report

    def _spent(self) -> bool:
        return self.ends is not None and time.monotonic() >= self.ends

    def _fail_feed(self, feed: Feed, reason: str, status: str = "failed") -> None:
        self.report.failed.append(Failure(feed.url, reason))
        self.report.feeds_failed += 1
        self.feed_state[feed.url] = {"last_status": status, "last_error": reason, "errors": feed.errors + 1}
        if feed.errors + 1 >= FAILING_FEED_RUNS:
            self.report.failing_feeds.append(feed.url)

    def _out_of_time(self, feed: Feed, link: str, reason: str) -> None:
        """An item the run had no time for: named, not counted as a failed try, and its feed
        read whole next time (no validators kept), so that the item is seen again."""
        self.report.failed.append(Failure(link, reason, feed.url))
        state = self.feed_state.get(feed.url)
        if state is not None and "etag" in state:
            state.update(etag=None, last_modified=None)

    def _read_feed(self, feed: Feed) -> list[FeedItem] | None:
        """The feed's items to look at (none when it answered 304), after recording its state;
        None when it failed or the run had no time for it."""
        try:
            answer = self.fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                                      accept=FEED_ACCEPT, deadline=self.ends)
        except OutOfTime as e:
            self.report.failed.append(Failure(feed.url, e.reason))  # not tried: its state stays
            return None
        except AddressRefused as e:
            opened = self.fetcher.guard.is_open(feed.url)  # if not, the feed itself is refused: say how to allow it
            self._fail_feed(feed, e.reason if opened else f"{e.reason}; {ALLOW_PRIVATE_FIX}")
            return None
        except FetchFailed as e:
            self._fail_feed(feed, e.reason)
            return None
        if answer.not_modified:
            self.report.not_modified += 1
            self.feed_state[feed.url] = {"last_status": "304", "last_error": None, "errors": 0}
            return []
        parsed = parse_feed(answer.content, answer.url, answer.headers.get("content-type", ""))
        state: dict[str, Any] = {"etag": answer.headers.get("etag"), "title": parsed.title or feed.title,
                                 "last_modified": answer.headers.get("last-modified"), "last_status": "200",
                                 "last_error": None, "errors": 0}
        self.report.items += len(parsed.refused)
        self.report.failed += [Failure(link, reason, feed.url) for link, reason in parsed.refused]
        if parsed.error and not parsed.items:
            self._fail_feed(feed, parsed.error, "200")
            return None
        if parsed.error:
            # no validators kept: the next fetch reads it whole again, and gets the items
            # that did not parse this time once the feed is mended
            self.report.failed.append(Failure(feed.url, parsed.error))
            state.update(last_error=parsed.error, errors=feed.errors + 1, etag=None, last_modified=None)
        self.feed_state[feed.url] = state
        items, older = _select(parsed.items, self.since, self.max_per_feed)
        self.report.older += older
        return items

    def _feed(self, feed: Feed) -> Iterator[ArticleRecord]:
        items = self._read_feed(feed)
        if items is None:
            return
        listed = {canonical_link(i.link) for i in items}
        retries = [FeedItem(link, title, published) for link, title, published in
                   self.ix.store.pending_feed_items(feed.url, MAX_ITEM_ATTEMPTS) if link not in listed]
        todo = items + retries
        for n, item in enumerate(todo):
            if self._spent():
                for left in todo[n:]:
                    self._out_of_time(feed, canonical_link(left.link), BUDGET_SPENT)
                return
            record = self._item(feed, item)
            if record is not None:
                yield record

    def _item(self, feed: Feed, item: FeedItem) -> ArticleRecord | None:
        store = self.ix.store
        link = canonical_link(item.link)
        self.report.items += 1
        seen = store.feed_item(feed.url, link)
        if seen is not None and seen[0] is not None:
            self.report.unchanged += 1
            return None
        if seen is not None and seen[1] >= MAX_ITEM_ATTEMPTS:
            return None  # given up (reported then, and counted in `feeds list`)
        guess = article_id(ArticleRecord("", "", url=link))
        if guess in self.seen_ids or store.article_by_id(guess) is not None:
            self.report.unchanged += 1
            self.done_items.append((feed, item, link, guess))
            return None
        try:
            record = page_record(self.fetcher.get(link, accept=HTML_ACCEPT, deadline=self.ends), item, feed)
        except OutOfTime as e:
            self._out_of_time(feed, link, e.reason)
            return None
        except FetchFailed as e:
            self.failed_items.append((feed, item, link, e.reason))
            return None
        assert record.id is not None
        if self.since is not None and (parse_datetime(record.published) or self.since) < self.since:
            self.report.older += 1
            self.done_items.append((feed, item, link, record.id))  # not fetched again
            return None
        if record.id in self.seen_ids or store.article_by_id(record.id) is not None:
            self.report.unchanged += 1
            self.done_items.append((feed, item, link, record.id))
            return None
        self.seen_ids.add(record.id)
        self.yielded.append(_Pending(feed, item, link, record.id))
        return record

    def _store(self, records: list[ArticleRecord], feeds: list[Feed]) -> None:
        """Store the records of `feeds` and embed them, then write those feeds' and items' state."""
        with self.ix.writing():
            ingest = add_records(self.ix, records, self.directory, self.progress)
            self._record_outcome(ingest, feeds)
        self.yielded, self.done_items, self.failed_items = [], [], []

    def _record_outcome(self, ingest: IngestReport, feeds: list[Feed]) -> None:
        """Write each feed's and item's state (after add_records stored the articles)."""
        store = self.ix.store
        report = self.report
        report.problems += ingest.problems
        report.new += ingest.added
        report.unchanged += ingest.unchanged  # stored by another writer since this run looked
        report.duplicates += ingest.duplicates
        per_feed: dict[str, int] = {}
        for p in self.yielded:
            store.save_feed_item(p.feed.url, p.link, p.item.title, p.item.published, article_id=p.article_id)
            per_feed[p.feed.url] = per_feed.get(p.feed.url, 0) + 1
        for feed, item, link, aid in self.done_items:
            store.save_feed_item(feed.url, link, item.title, item.published, article_id=aid)
        for feed, item, link, reason in self.failed_items:
            attempts = store.save_feed_item(feed.url, link, item.title, item.published, error=reason)
            note = "" if attempts < MAX_ITEM_ATTEMPTS else f" (failed {attempts} times: not tried again)"
            report.failed.append(Failure(link, reason + note, feed.url))
        now = _now()
        for feed in feeds:
            if feed.url not in self.feed_state:
                continue  # not asked: the run's budget ran out first
            store.update_feed(feed.url, last_fetch=now, **self.feed_state[feed.url])
            if per_feed.get(feed.url):
                store.add_feed_articles(feed.url, per_feed[feed.url])
        store.commit()


def fetch_feeds(ix: Index, since: str | datetime | None = None, max_per_feed: int | None = None,
                fetcher: Fetcher | None = None, progress: ProgressFn | None = None,
                allow_private: bool | None = None, budget: float | None = DEFAULT_BUDGET) -> FetchReport:
    """Fetch every feed (conditionally), then each new item's page; ingest and embed the articles.
    `since` keeps items published on or after it (undated items are kept); `max_per_feed` the
    newest N of each feed. `allow_private` (None: the CROSSCHECK_ALLOW_PRIVATE variable) lets
    the feeds the index follows be on loopback or private addresses (it opens their origins on
    `fetcher`); links and redirects to any other such address are refused either way. `budget`
    bounds the seconds spent on the network (None: no bound): what the run had no time for is
    named in `failed` and fetched next time. Raises NothingFetched when the index follows no feed."""
    feeds = ix.store.feeds()
    if not feeds:
        raise NothingFetched("the index follows no feeds: add one with `crosscheck feeds add URL` "
                             "or `crosscheck feeds import FILE`")
    if max_per_feed is not None and max_per_feed < 1:
        raise FeedError("--max-per-feed must be at least 1")
    if budget is not None and not budget > 0:
        raise FeedError(f"--budget must be more than 0 seconds, not {budget:g}")
    since_dt = _since(since)
    ends = time.monotonic() + budget if budget is not None else None
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    if _allowed(allow_private):
        fetcher.allow_private(f.url for f in feeds)
    try:
        report = _FeedRun(ix, feeds, fetcher, since_dt, max_per_feed, progress, ends).run()
    finally:
        if own:
            fetcher.close()
    for url in report.failing_feeds:
        log.warning("feed %s has failed %d fetches in a row", url, FAILING_FEED_RUNS)
    return report


def parse_interval(value: str) -> float:
    """Seconds in an interval like 90s, 15m, 1h or 1h30m (a bare number is minutes)."""
    text = value.strip().lower()
    unlike = FeedError(f"interval {value!r} is not like 90s, 15m, 1h or 1h30m")
    if text.replace(".", "", 1).isdecimal():
        total = float(text) * 60
    else:
        total, number = 0.0, ""
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        for ch in text:
            if ch.isdecimal() or (ch == "." and "." not in number):
                number += ch
            elif ch in units and number.strip("."):
                total += float(number) * units[ch]
                number = ""
            else:
                raise unlike
        if number or not text:
            raise unlike
    if total <= 0:
        raise FeedError(f"interval {value!r} is no time at all: give a longer one, like 90s, 15m or 1h")
    return total


def watch(ix: Index, every: float, then: Callable[[Index], R], rounds: int | None = None,
          since: str | datetime | None = None, max_per_feed: int | None = None, fetcher: Fetcher | None = None,
          sleep: Callable[[float], None] = time.sleep, allow_private: bool | None = None,
          budget: float | None = None) -> Iterator[tuple[FetchReport, R]]:
    """Fetch and ingest every `every` seconds, then call `then(ix)` (`update_stories`, say), for
    `rounds` rounds or until the caller stops iterating or is interrupted; yields each round's
    fetch report and what `then` returned. A round in which every feed fails is reported like
    any other: watching goes on. Each round's fetch has `budget` seconds (None: `every`, so that
    a round ends before the next is due); `allow_private` is as for fetch_feeds."""
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        report = fetch_feeds(ix, since=since, max_per_feed=max_per_feed, fetcher=fetcher,
                             allow_private=allow_private, budget=budget if budget is not None else every)
        after = then(ix)
        done += 1
        yield report, after
        if rounds is not None and done >= rounds:
            break
        sleep(max(0.0, every - (time.monotonic() - started)))

