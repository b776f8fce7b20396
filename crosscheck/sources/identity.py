"""An article's identity: its id (its own, else from its URL, else from its text) and the hash
of its text, by which ingesting the same article twice changes nothing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from ..limits import MAX_TITLE_CHARS
from ..records import ArticleRecord
from .outlets import url_domain

__all__ = ["normalise_url", "content_hash", "article_id", "record_key", "encodable"]

def encodable(text: str) -> bool:
    """False for a string with lone surrogates (JSON lets "\\ud800" through; UTF-8 cannot hold it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower().removeprefix("www."), path, parts.query, ""))


def content_hash(text: str) -> str:
    folded = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


def article_id(record: ArticleRecord) -> str:
    """The record's own id, else one derived from its URL, else from its text."""
    if record.id:
        return record.id
    if record.url:
        return url_article_id(record.url)
    return f"text-{content_hash(record.title + chr(10) + record.text)[:12]}"


def url_article_id(url: str) -> str:
    """The id of a record with a URL and no id of its own (`tass.ru-3f2a…`)."""
    digest = hashlib.sha1(normalise_url(url).encode("utf-8")).hexdigest()[:10]
    return f"{url_domain(url) or 'url'}-{digest}"


def record_key(record: ArticleRecord) -> tuple[str, str]:
    """(id, content hash) of a record, as `prepare` gives them, at the cost of one hash: the
    writer skips a record it already holds before anything is split or embedded."""
    if len(record.title) > MAX_TITLE_CHARS:  # the id of a record without id or URL hashes the cut title
        record = replace(record, title=record.title[:MAX_TITLE_CHARS])
    return article_id(record), content_hash(record.text)
