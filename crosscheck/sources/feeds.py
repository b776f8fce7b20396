"""Feed and page readers: RSS/Atom feeds, OPML lists and article pages in, records out.

`parse_feed` reads a feed's items, `page_record` turns a fetched article page into an
`ArticleRecord` (text extracted with trafilatura), `read_feed_list` reads an OPML file or a
list of URLs. Nothing here fetches by itself or stores anything: the feed run
(crosscheck/ingest/follow.py) fetches with crosscheck/sources/http.py and stores with the
ingest writer.
"""

from __future__ import annotations

import email.utils
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import AddressRefused, FeedError, FetchFailed
from ..records import ArticleRecord, Feed, Problem, parse_datetime
from ..vocabulary import Camp
from .http import Fetcher, FetchResult, allow_private_from_env, not_http_reason, shown_url
from .identity import article_id
from .outlets import site_name, url_domain

__all__ = ["FEED_ACCEPT", "HTML_ACCEPT", "FeedItem", "ParsedFeed", "canonical_link", "parse_feed",
           "page_record", "read_pages", "read_feed_list"]

log = logging.getLogger("crosscheck")

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Query parameters that only say where a reader came from; two links that differ only in
# these are the same article.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ocid",
                             "cmpid", "_openstat", "from", "ref", "rss", "feed", "at_medium", "at_campaign"})
# Extracted text shorter than this is not an article: what trafilatura finds on a page without
# one (a video page, a page built by JavaScript) is a menu, a cookie notice or a caption. A
# one-sentence wire flash ("Russia and Turkey agreed on Friday to ...") is longer.
MIN_ARTICLE_CHARS = 100
# A page date that is a day without a time of day and a feed date with one are the same
# publication when they are at most this far apart (time zones move the day by one).
SAME_DAY = timedelta(days=1)


# -- feeds -------------------------------------------------------------------------------------
@dataclass
class FeedItem:
    link: str
    title: str | None = None
    published: str | None = None   # ISO 8601 with the offset the feed gave


@dataclass
class ParsedFeed:
    title: str | None
    items: list[FeedItem]
    error: str | None = None       # why the feed is broken; the items that parsed are kept
    # (link, reason) of the items whose link is no web page (javascript:, file:, data:, ftp: ...):
    # not fetched, and named in the fetch's `failed`
    refused: list[tuple[str, str]] = field(default_factory=list)


def canonical_link(url: str) -> str:
    """An item link with tracking parameters and the fragment removed, scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def _iso(value: str | None, parsed: Any = None) -> str | None:
    """A feed date as ISO 8601, keeping the offset it was written with (RFC 822 in RSS, ISO 8601
    in Atom); else feedparser's UTC reading of it."""
    if value:
        try:
            return email.utils.parsedate_to_datetime(value).isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    if parsed:
        return datetime(*parsed[:6]).replace(tzinfo=timezone.utc).isoformat()
    return None


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Items of an RSS 0.9x/1.0/2.0 or Atom feed (feedparser). Broken XML gives the items that
    parsed and an `error`; something that is no feed at all gives no items and an error."""
    import feedparser

    try:
        parsed = feedparser.parse(content, response_headers={"content-type": content_type or "application/xml",
                                                             "content-location": url})
    except Exception as e:  # noqa: BLE001 (untrusted input: whatever it trips is this feed's failure)
        return ParsedFeed(None, [], f"not a readable RSS or Atom feed ({type(e).__name__}: {e})")
    items: list[FeedItem] = []
    refused: list[tuple[str, str]] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            link = next((x.get("href") for x in entry.get("links", []) if x.get("href")), None)
        if not link:
            continue
        scheme = urlsplit(link.strip()).scheme.lower()
        if scheme not in ("http", "https"):
            refused.append((shown_url(link.strip()), not_http_reason(scheme)))
            continue
        items.append(FeedItem(link=link, title=(entry.get("title") or "").strip() or None,
                              published=_iso(entry.get("published") or entry.get("updated"),
                                             entry.get("published_parsed") or entry.get("updated_parsed"))))
    error = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        benign = isinstance(exc, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType))
        if not benign or not items:
            detail = str(exc).strip() or type(exc).__name__
            error = (f"broken feed XML ({detail}): kept the {len(items)} items that parsed" if items
                     else f"not a readable RSS or Atom feed ({detail})")
    elif not items and not parsed.get("version"):
        error = "not an RSS or Atom feed"
    return ParsedFeed(title=(parsed.feed.get("title") or "").strip() or None, items=items, error=error,
                      refused=refused)


# -- pages -------------------------------------------------------------------------------------
def _page_date(value: str | None) -> tuple[datetime | None, bool]:
    """(date, whether it has a time of day) of trafilatura's date. Asked for "%Y-%m-%dT%H:%M:%S%z",
    htmldate writes a page that gives only a day as midnight with no offset."""
    if not value:
        return None, False
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None, False
    return dt, not (dt.tzinfo is None and dt.time() == datetime.min.time())


def _published(page_date: str | None, item_date: str | None) -> str | None:
    """The page's date and time if it gives a time; else the feed item's (if the page gives no
    date, or only a day within a day of it); else the page's day."""
    page, page_has_time = _page_date(page_date)
    if page is not None and page_has_time:
        return page.isoformat()
    item = parse_datetime(item_date)
    if item is not None and (page is None or abs(item.replace(tzinfo=None) - page) <= SAME_DAY):
        return item_date
    return page.date().isoformat() if page is not None else None


def _same_site(a: str, b: str) -> bool:
    return (url_domain(a) or "a") == (url_domain(b) or "b")


def page_record(page: FetchResult, item: FeedItem | None = None, feed: Feed | None = None) -> ArticleRecord:
    """The article on a fetched page (trafilatura: text, title, date, site name, canonical URL),
    with the feed's outlet, camp and language and the feed item's title and date where the page
    has none. Raises FetchFailed for a page that is not HTML, that no charset reads (its
    declared one included), or that has no article text."""
    import trafilatura

    kind = page.content_type
    if kind and kind not in HTML_TYPES:
        raise FetchFailed(page.url, f"not an HTML page ({kind})")
    html = page.text(strict=True)
    if not kind and not html.lstrip().startswith("<"):
        raise FetchFailed(page.url, "not an HTML page (no content type, and no markup)")
    try:
        doc = trafilatura.bare_extraction(
            html, url=page.url, with_metadata=True, include_comments=False,
            date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True,
                                    "extensive_search": False})
    except Exception as e:  # noqa: BLE001 (untrusted markup: a bug it triggers is this page's failure)
        raise FetchFailed(page.url, f"could not extract the article ({type(e).__name__}: {e})") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise FetchFailed(page.url, "no article text found in the page"
                          + (f" (only {len(text)} characters: {text[:40]!r}...)" if text else ""))
    canonical = getattr(doc, "url", None)
    # a canonical URL on another site is a syndicated copy's pointer to the original: this
    # outlet's copy keeps its own address
    url = canonical_link(canonical if canonical and _same_site(canonical, page.url) else page.url)
    title = (getattr(doc, "title", None) or "").strip() or (item.title if item else None)
    record = ArticleRecord(
        text=text, title=title or text.splitlines()[0][:120], url=url,
        outlet=feed.outlet if feed else site_name(getattr(doc, "sitename", None), page.url, canonical),
        published=_published(getattr(doc, "date", None), item.published if item else None),
        language=feed.language if feed else None,
        camp=feed.camp if feed and feed.camp != Camp.UNKNOWN else None,
        source=page.url,
    )
    record.id = article_id(record)
    return record


def read_pages(urls: Iterable[str], fetcher: Fetcher | None = None,
               allow_private: bool | None = None, outlet: str | None = None) -> Iterator[ArticleRecord | Problem]:
    """Article records of single pages (`crosscheck ingest URL`); a Problem for each that fails.
    A page on a loopback or private address is refused unless `allow_private` (None: the
    CROSSCHECK_ALLOW_PRIVATE variable), which opens the origins of these URLs and no other.
    `outlet` is given to pages that name no site (`ingest --outlet`), as files get it."""
    urls = list(urls)
    allow = allow_private_from_env() if allow_private is None else allow_private
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    if allow:
        fetcher.allow_private(urls)
    try:
        for url in urls:
            try:
                record = page_record(fetcher.get(url, accept=HTML_ACCEPT))
                if outlet and not record.outlet:
                    record.outlet = outlet
                yield record
            except AddressRefused as e:
                yield Problem(url, e.reason + ("" if allow else "; to ingest a page on your own network, give "
                                               "`crosscheck ingest URL --allow-private`"))
            except FetchFailed as e:
                yield Problem(url, e.reason)
    finally:
        if own:
            fetcher.close()


def read_feed_list(path: str | Path) -> list[dict[str, str]]:
    """Feeds in an OPML file (`<outline xmlUrl=...>`, optional `outlet`, `camp` and `language`
    attributes) or a plain list (one URL a line, `#` comments). Each is {"url": ..., ...}."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise FeedError(f"cannot read feeds file {p}: {e.strerror}") from e
    if raw.lstrip().startswith(b"<"):
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as e:
            raise FeedError(f"{p} is not valid OPML: {e}") from e
        out = []
        for node in root.iter("outline"):
            url = node.get("xmlUrl") or node.get("xmlurl")
            if url:
                out.append({"url": url, **{k: node.get(k, "") for k in ("outlet", "camp", "language") if node.get(k)}})
        return out
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FeedError(f"{p} is not UTF-8 text (byte {e.start})") from e
    return [{"url": line.split()[0]} for line in (x.strip() for x in text.splitlines())
            if line and not line.startswith("#")]


