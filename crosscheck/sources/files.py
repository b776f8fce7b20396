"""Readers of article files (JSONL, CSV, .txt, .html): files and folders in, `ArticleRecord`s out.

Readers yield `ArticleRecord`s, or `Problem`s for input they had to skip; nothing here stops
on bad input, and nothing is stored (crosscheck/ingest/ stores what they read).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..records import ArticleRecord, Problem
from .identity import encodable
from .outlets import site_name

__all__ = ["SUPPORTED_SUFFIXES", "iter_input_files", "read_file", "read_paths", "record_from_fields"]

log = logging.getLogger("crosscheck")

SUPPORTED_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt",
                      ".html": "html", ".htm": "html"}
FIELDS = ("url", "outlet", "title", "text", "published", "id", "language", "camp", "country")
CSV_FIELD_LIMIT = 1 << 28  # 256 MB: a CSV cell as large as a file we would read at all


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
    if text is not None and not isinstance(text, str):
        return Problem(where, f"'text' must be a string in quotes, not {_json_kind(text)}")
    if not isinstance(text, str) or not text.strip():
        return Problem(where, "missing or empty 'text'")
    for key in ("text", *values):
        value = text if key == "text" else values[key]
        if value is not None and not encodable(value):
            return Problem(where, f"'{key}' is not valid Unicode (a lone surrogate such as \\ud800)")
    title = values.get("title") or _first_line(text)
    return ArticleRecord(
        text=text.strip(), title=title, url=values.get("url"), outlet=values.get("outlet"),
        published=values.get("published"), id=values.get("id"), language=values.get("language"),
        camp=values.get("camp"), country=values.get("country"), source=where,
    )


def _json_kind(value: Any) -> str:
    """What a JSON value is, for a message: "a number", "a list" ..."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else f"a {type(value).__name__}"


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
                data = json.loads(line.rstrip("\r\n"))  # an error at the line's end is not "column 1" of the next
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
        url=getattr(doc, "url", None), outlet=site_name(getattr(doc, "sitename", None), getattr(doc, "url", None)),
        published=getattr(doc, "date", None), source=str(path),
    )


def _html_date_params() -> dict[str, Any]:
    """htmldate's settings as trafilatura sets them, asking for the time of day and offset too."""
    return {"original_date": True, "extensive_search": True, "outputformat": _HTML_DATE_FORMAT,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d")}


# The page's time of day and offset when it states them (a page with a date alone gives
# midnight, as a JSONL date does).
_HTML_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


