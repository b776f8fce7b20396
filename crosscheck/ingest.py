"""Ingest: read article files (JSONL, CSV, .txt, .html), detect languages, map outlets to camps.

Readers yield `ArticleRecord`s, or `Problem`s for input they had to skip; nothing here
stops on bad input. `prepare` turns a record into the row the store keeps.
"""

from __future__ import annotations

import csv
import io
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .anchors import extract_anchors
from .limits import MAX_ARTICLE_CHARS, MAX_OUTLET_CHARS, MAX_TITLE_CHARS
from .models import CAMPS, EARLIEST_YEAR, ArticleRecord, Outlet, Problem, plausible_date
from .outlets import OutletDirectory, url_domain
from .sentences import Span, split_sentences

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "SUPPORTED_SUFFIXES",
    "NO_OUTLET",
    "iter_input_files",
    "read_file",
    "read_paths",
    "record_from_fields",
    "detect_language",
    "article_id",
    "content_hash",
    "record_key",
    "PreparedArticle",
    "prepare",
]

log = logging.getLogger("crosscheck")

SUPPORTED_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt",
                      ".html": "html", ".htm": "html"}
FIELDS = ("url", "outlet", "title", "text", "published", "id", "language", "camp", "country")
# langdetect reads the title and the first characters only: the language of a news article
# is settled by then, and detection time grows with the length of the text (with 2,000
# characters it took a quarter of the ingest time; benchmarks/perf.py ingest).
DETECT_PREFIX = 600
CSV_FIELD_LIMIT = 1 << 28  # 256 MB: a CSV cell as large as a file we would read at all
NO_OUTLET = "unknown"  # the outlet of an article that names none and has no URL


# -- finding and reading files --------------------------------------------------------------
def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Problem]:
    """Files to read under `paths` (folders recursively, sorted); Problems for paths that won't do."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not any(
                        part.startswith(".") for part in child.relative_to(path).parts):
                    found = True
                    yield child
            if not found:
                yield Problem(str(path), f"no {_suffix_list()} files in this folder")
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield Problem(str(path), f"unsupported file type {path.suffix or '(none)'}: "
                              f"use {_suffix_list()}")
        else:
            yield Problem(str(path), "no such file or folder")


def _suffix_list() -> str:
    names = sorted(SUPPORTED_SUFFIXES)
    return ", ".join(names[:-1]) + " or " + names[-1]


def read_paths(paths: Iterable[str | os.PathLike[str]], outlet: str | None = None
               ) -> Iterator[ArticleRecord | Problem]:
    """Records from the files under `paths`; `outlet` is given to records that name none
    (a .txt file, an HTML page without a site name, a row without an 'outlet')."""
    for item in iter_input_files(paths):
        if isinstance(item, Problem):
            yield item
            continue
        for record in read_file(item):
            if outlet and isinstance(record, ArticleRecord) and not record.outlet:
                record.outlet = outlet
            yield record


def read_file(path: Path) -> Iterator[ArticleRecord | Problem]:
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind == "jsonl":  # streamed line by line: memory stays flat however large the file
        yield from _read_jsonl(path)
        return
    try:
        raw = path.read_bytes()
    except OSError as e:
        yield Problem(str(path), f"cannot read file: {e.strerror}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if kind != "html":
            yield Problem(str(path), f"not UTF-8 text (byte {e.start}): re-save the file as UTF-8")
            return
        text = raw.decode("utf-8", errors="replace")  # trafilatura copes with the odd bad byte
    if kind == "csv":
        yield from _read_csv(path, text)
    elif kind == "txt":
        yield from _read_txt(path, text)
    elif kind == "html":
        yield from _read_html(path, text)


def record_from_fields(fields: Any, where: str) -> ArticleRecord | Problem:
    """Validate one JSONL/CSV row (or a caller's mapping) into a record; a Problem if it will not do."""
    if not isinstance(fields, Mapping):
        return Problem(where, "expected a JSON object with url, outlet, title, text, published")
    values = {k: (str(v).strip() if v is not None and str(v).strip() else None)
              for k, v in fields.items() if k in FIELDS}
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        return Problem(where, "missing or empty 'text'")
    for key in ("text", *values):
        value = text if key == "text" else values[key]
        if value is not None and not _encodable(value):
            return Problem(where, f"'{key}' is not valid Unicode (a lone surrogate such as \\ud800)")
    title = values.get("title") or _first_line(text)
    return ArticleRecord(
        text=text.strip(), title=title, url=values.get("url"), outlet=values.get("outlet"),
        published=values.get("published"), id=values.get("id"), language=values.get("language"),
        camp=values.get("camp"), country=values.get("country"), source=where,
    )


def _encodable(text: str) -> bool:
    """False for a string with lone surrogates (JSON lets "\\ud800" through; UTF-8 cannot hold it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0].strip()
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


def _read_jsonl(path: Path) -> Iterator[ArticleRecord | Problem]:
    """One record per line; a line that is not UTF-8 or not JSON is reported and skipped."""
    try:
        handle = path.open("rb")
    except OSError as e:
        yield Problem(str(path), f"cannot read file: {e.strerror}")
        return
    with handle:
        seen_any = False
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield Problem(where, f"not UTF-8 text (byte {e.start} of the line): re-save the file as UTF-8")
                continue
            if not line.strip():
                continue
            seen_any = True
            try:
                data = json.loads(line)
            except json.JSONDecodeError as e:
                # some of json's messages end in "at" themselves ("Invalid control character at")
                yield Problem(where, f"broken JSON ({e.msg.removesuffix(' at')} at column {e.colno})")
                continue
            except RecursionError:
                yield Problem(where, "JSON nested too deeply to read")
                continue
            except ValueError as e:  # an integer of over 4,300 digits, for one
                yield Problem(where, f"unreadable JSON value: {_short(str(e))}")
                continue
            yield record_from_fields(data, where)
        if not seen_any:
            yield Problem(str(path), "empty file: no articles in it (JSONL is one JSON object per line)")


def _read_csv(path: Path, text: str) -> Iterator[ArticleRecord | Problem]:
    # The csv module refuses fields over 131,072 characters by default; an article may be longer
    # (what reaches the model is capped later, limits.py). Set once, for the process.
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    # rows end at \n or \r only: str.splitlines would also cut at \x85, \u2028 and others inside cells
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as e:
        yield Problem(f"{path}:1", f"broken CSV header: {e}")
        return
    if not fieldnames or "text" not in fieldnames:
        yield Problem(f"{path}:1", "CSV header needs a 'text' column (and url, outlet, title, published)")
        return
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # this row only: the reader goes on with the next line
            rows += 1
            yield Problem(f"{path}:{reader.line_num + 1}", f"broken CSV row: {e}")
            continue
        rows += 1
        where = f"{path}:{reader.line_num}"
        if None in row:
            yield Problem(where, "more cells than header columns")
            continue
        yield record_from_fields(dict(row), where)
    if rows == 0:
        yield Problem(str(path), "no rows under the header: the file has no articles")


def _read_txt(path: Path, text: str) -> Iterator[ArticleRecord | Problem]:
    lines = text.strip().splitlines()
    if not lines:
        yield Problem(str(path), "empty file")
        return
    body = "\n".join(lines[1:]).strip()
    if not body:
        yield Problem(str(path), "no text after the title line (a .txt article is: title line, then text)")
        return
    yield ArticleRecord(text=body, title=lines[0].strip(), source=str(path))


def _read_html(path: Path, text: str) -> Iterator[ArticleRecord | Problem]:
    import trafilatura  # heavy import, only when HTML is ingested

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                      date_extraction_params=_html_date_params())
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        yield Problem(str(path), "no article text found in the HTML")
        return
    yield ArticleRecord(
        text=body.strip(), title=(getattr(doc, "title", None) or _first_line(body)),
        url=getattr(doc, "url", None), outlet=getattr(doc, "sitename", None),
        published=getattr(doc, "date", None), source=str(path),
    )


def _html_date_params() -> dict[str, Any]:
    """htmldate's settings as trafilatura sets them, asking for the time of day and offset too."""
    return {"original_date": True, "extensive_search": True, "outputformat": _HTML_DATE_FORMAT,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d")}


# The page's time of day and offset when it states them (a page with a date alone gives
# midnight, as a JSONL date does).
_HTML_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


# -- preparing a record for the store ------------------------------------------------------
def detect_language(text: str) -> tuple[str | None, float | None]:
    """(language code, probability) by langdetect's algorithm, seeded so that results repeat
    (detection.py: the same answers as langdetect itself, at less cost), on the first
    DETECT_PREFIX characters."""
    from .detection import NoFeatures, detect_langs

    try:
        found = detect_langs(text[:DETECT_PREFIX])
    except NoFeatures:
        return None, None
    if not found:  # no language above langdetect's threshold of 0.1
        return None, None
    return found[0].lang, round(found[0].prob, 4)


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
        digest = hashlib.sha1(normalise_url(record.url).encode("utf-8")).hexdigest()[:10]
        return f"{url_domain(record.url) or 'url'}-{digest}"
    return f"text-{content_hash(record.title + chr(10) + record.text)[:12]}"


def _iso_date(value: str | None) -> str | None:
    """ISO 8601 as stored; raises ValueError for anything else, and for a date outside
    EARLIEST_YEAR .. a day after now (models.plausible_date)."""
    if value is None:
        return None
    dt = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    if not plausible_date(dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)):
        raise ValueError(f"{value!r} is outside {EARLIEST_YEAR}..tomorrow")
    return dt.isoformat()


def record_key(record: ArticleRecord) -> tuple[str, str]:
    """(id, content hash) of a record, as `prepare` gives them, at the cost of one hash: the
    writer skips a record it already holds before anything is split or embedded."""
    if len(record.title) > MAX_TITLE_CHARS:  # the id of a record without id or URL hashes the cut title
        record = replace(record, title=record.title[:MAX_TITLE_CHARS])
    return article_id(record), content_hash(record.text)


@dataclass
class PreparedArticle:
    """A record ready for the store: what `prepare` makes of it, and (after `prepare.embed_prepared`)
    its vectors. Nothing here depends on an index, so it can be made in any process."""

    values: dict[str, Any]  # columns of the articles table
    sentences: list[Span]
    problems: list[Problem]  # caveats about data that was kept
    outlet: Outlet | None    # the outlets-list entry it matched, None for an unknown outlet
    anchors: list[str]       # names and numbers that survive translation (anchors.py)
    unused_date: str | None = None  # a `published` kept as given but not used (not ISO, implausible)
    no_outlet: bool = False  # the record named no outlet and had no URL to tell one (camp unknown)
    model: str | None = None  # the model of the vectors below; None before embedding
    article_vector: np.ndarray | None = None    # shape (dimension,), unit length (prepare.article_vector)
    sentence_vectors: np.ndarray | None = None  # shape (len(sentences), dimension), one row per sentence


def _capped(record: ArticleRecord, problems: list[Problem]) -> tuple[ArticleRecord, str]:
    """The record with its title and outlet cut to their limits, and the part of its text that
    is split, searched and embedded (limits.py); a warning for each cut."""
    changes: dict[str, Any] = {}
    if len(record.title) > MAX_TITLE_CHARS:
        changes["title"] = record.title[:MAX_TITLE_CHARS]
        problems.append(Problem(record.source, f"title of {len(record.title):,} characters cut to "
                                f"{MAX_TITLE_CHARS:,}", skipped=False))
    if record.outlet and len(record.outlet) > MAX_OUTLET_CHARS:
        changes["outlet"] = record.outlet[:MAX_OUTLET_CHARS]
        problems.append(Problem(record.source, f"outlet name of {len(record.outlet):,} characters cut to "
                                f"{MAX_OUTLET_CHARS:,}", skipped=False))
    used = record.text
    if len(used) > MAX_ARTICLE_CHARS:
        used = used[:MAX_ARTICLE_CHARS]
        problems.append(Problem(record.source, f"text of {len(record.text):,} characters: only the first "
                                f"{MAX_ARTICLE_CHARS:,} are split into sentences and embedded (all of it is stored)",
                                skipped=False))
    return (replace(record, **changes) if changes else record), used


def prepare(record: ArticleRecord, outlets: OutletDirectory) -> PreparedArticle:
    """The columns, sentences and anchors of a record. Raises ValueError for a record that cannot
    be stored (a field that is not valid Unicode, a URL that cannot be parsed)."""
    for name in ("text", "title", "url", "outlet", "published", "id", "language", "camp", "country"):
        value = getattr(record, name)
        if isinstance(value, str) and not _encodable(value):
            raise ValueError(f"'{name}' is not valid Unicode (a lone surrogate such as \\ud800)")
    problems: list[Problem] = []
    record, used_text = _capped(record, problems)
    unused_date: str | None = None
    try:
        published = _iso_date(record.published)
    except (ValueError, OverflowError):  # reported once per file by Index.add
        published, unused_date = None, str(record.published)

    language: str | None
    prob: float | None
    if record.language:
        language, prob = record.language.lower(), None
    else:
        language, prob = detect_language(f"{record.title[:DETECT_PREFIX]}\n{used_text[:DETECT_PREFIX]}")

    outlet = outlets.lookup(record.outlet, record.url)
    name = outlet.name if outlet else (record.outlet or url_domain(record.url) or NO_OUTLET)
    camp = outlet.camp if outlet else "unknown"
    if record.camp:
        if record.camp in CAMPS:
            camp = record.camp
        else:
            problems.append(Problem(record.source, f"camp {record.camp!r} is not one of {', '.join(CAMPS)} "
                                    f"(used {camp!r} from the outlet)", skipped=False))
    country = record.country or (outlet.country if outlet else None)

    key, digest = record_key(record)
    values = {
        "id": key, "url": record.url, "outlet": name, "camp": camp, "country": country,
        "title": record.title, "text": record.text, "published": published, "published_given": unused_date,
        "language": language, "language_prob": prob,
        "content_hash": digest, "source": record.source,
    }
    return PreparedArticle(values, split_sentences(used_text, language), problems, outlet,
                           extract_anchors(record.title, used_text, language), unused_date,
                           no_outlet=outlet is None and name == NO_OUTLET and not record.outlet)
