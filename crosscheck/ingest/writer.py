"""The writing step of ingest: prepared articles into the index, in input order.

`add_records` takes any iterable of records (`ArticleRecord`s, or mappings with the JSONL
fields); `ingest_paths` is `add_records` over the file readers (crosscheck/sources/files.py).
Two steps: an executor runs the pure one (crosscheck/ingest/prepare.py: split, detect,
anchors, embed) on batches of records, in this process by default, in worker processes
(crosscheck/ingest/workers.py) or on a Ray cluster (crosscheck/ingest/ray_workers.py); this
process stores the results in input order as they come back, under the index's write lock.

    from crosscheck import Index, add_records
    with Index.open("indexes/default", create=True) as ix:
        report = add_records(ix, [{"text": "...", "outlet": "TASS", "published": "2026-04-14"}])
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexModelMismatch, IndexNotFound
from ..index.folder import Index, ProgressFn, remove_if_empty
from ..index.vectors import VectorSink
from ..records import EARLIEST_YEAR, ArticleRecord, IngestReport, Problem
from ..sources.files import read_paths, record_from_fields
from ..sources.identity import record_key, url_article_id
from ..sources.outlets import OutletDirectory
from .prepare import PREPARE_ERRORS, Prepared, PreparedArticle, error_reason
from .workers import Executor, LocalExecutor

__all__ = ["add_records", "ingest_paths", "COMMIT_ARTICLES", "COMMIT_SECONDS", "RECORD_ERRORS", "StoppedIngest",
           "stopped_ingest"]

log = logging.getLogger("crosscheck")

# One record as given to `add_records`: a record, a mapping with the JSONL fields, a reader's
# Problem, or an article a caller prepared itself.
RecordLike = ArticleRecord | Mapping[str, Any] | Problem | PreparedArticle

COMMIT_ARTICLES = 1000  # stored articles are committed this often while reading input
# ... and at least this often in seconds: a run killed outright (kill -9, out of memory) keeps all
# but its last seconds of rows, and another process can follow a long run's progress in the index.
COMMIT_SECONDS = 5.0


# What one bad record can raise while it is prepared or stored: it is reported and skipped.
# (Errors of the disk or the database as a whole are not in this list: they stop the run.)
RECORD_ERRORS: tuple[type[Exception], ...] = (
    *PREPARE_ERRORS, sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError, sqlite3.ProgrammingError)


# A batch for the pure step holds at most this many input records per record it sends to be
# prepared: a long run of unchanged or unreadable records is passed on in pieces, not held whole.
SLOTS_PER_RECORD = 8


class _UnusedDates:
    """Dates kept as given but not used, counted per file: one warning per file, not per record."""

    def __init__(self) -> None:
        self.files: dict[str, list[Any]] = {}  # file -> [count, first line, first value]

    def add(self, source: str, value: str) -> None:
        file, _, line = source.rpartition(":")
        if not line.isdigit():
            file, line = source, ""
        entry = self.files.setdefault(file, [0, line, value])
        entry[0] += 1

    def problems(self) -> list[Problem]:
        out = []
        for file, (count, line, value) in self.files.items():
            where = f"line {line}: " if line else ""
            out.append(Problem(file, f"{count} date{'s' if count > 1 else ''} not ISO 8601 or outside "
                               f"{EARLIEST_YEAR}..tomorrow (first {where}{value[:40]!r}): kept as given, not used",
                               skipped=False))
        return out


class _Unchanged:
    """The slot of an input record stored already with the same text (`_stored_unchanged`)."""


UNCHANGED = _Unchanged()


# One input record on its way through add_records: a record sent to the pure step (its result
# takes the slot's place when it comes back), or what needs no preparing.
_Slot = ArticleRecord | Problem | PreparedArticle | _Unchanged


class _Writer:
    """The second step of add_records, in the index's process: stores each prepared article (or counts
    it unchanged, or reports its problem) in input order, and adds the vectors of each batch at once."""

    def __init__(self, index: Index, progress: ProgressFn | None) -> None:
        self.index = index
        self.store = index.store
        self.progress = progress
        self.report = IngestReport()
        self.unknown: set[str] = set()
        self.saved_outlets: set[str] = set()
        self.unused_dates = _UnusedDates()
        _ = index.article_vectors  # loaded (and checked against the rows) before anything is stored
        self.sink = VectorSink(index)
        self.committed = time.monotonic()
        self.article_ids: list[int] = []
        self.article_vectors: list[np.ndarray] = []
        self.sentence_ids: list[int] = []
        self.sentence_vectors: list[np.ndarray] = []

    def take(self, item: Prepared | _Unchanged) -> None:
        report = self.report
        if self.progress:
            self.progress("ingest", 1, 0)
        if isinstance(item, Problem):
            report.problems.append(item)
            report.skipped += 1
            return
        if isinstance(item, _Unchanged):
            report.unchanged += 1
            return
        prepared = item
        if prepared.model is not None and prepared.model != self.index.model:
            raise IndexModelMismatch(self.index.path, self.index.model, prepared.model)
        values = dict(prepared.values)
        stored = self.store.revisions_of(values["id"])
        url = values.get("url")
        if not stored and url and values["id"] == _url_id(url):
            # no id of its own, and its URL is stored under another id (the record that first
            # brought it gave one): the same page, so a revision of that article
            first = self.store.first_id_with_url(url)
            if first is not None:
                base, mark, number = first.rpartition("@r")
                values["id"] = base if mark and number.isdigit() else first
                stored = self.store.revisions_of(values["id"])
        if any(content_hash == values["content_hash"] for _, content_hash in stored):
            report.unchanged += 1
            return
        revision = bool(stored)
        if revision:  # a different text under a stored id or URL: kept beside it, not over it
            values["id"] = f"{values['id']}@r{len(stored) + 1}"
        duplicate_of = self.store.first_with_hash(values["content_hash"])
        if duplicate_of:
            values["duplicate_of"] = duplicate_of
        source = str(values.get("source") or "")
        try:
            with self.store.savepoint():  # a record that cannot be stored leaves nothing behind
                if prepared.outlet is not None and prepared.outlet.name not in self.saved_outlets:
                    self.store.save_outlet(prepared.outlet)
                rowid = self.store.insert_article(
                    values, [(s.paragraph, s.start, s.end, s.text) for s in prepared.sentences])
                self.store.save_anchors({rowid: prepared.anchors})
        except RECORD_ERRORS as e:
            report.problems.append(Problem(source, f"cannot be stored: {error_reason(e)}"))
            report.skipped += 1
            return
        if prepared.article_vector is not None:  # else embedded at the end (Index.embed_pending)
            self.article_ids.append(rowid)
            self.article_vectors.append(prepared.article_vector)
            if prepared.sentences and prepared.sentence_vectors is not None:
                self.sentence_ids.extend(self.store.sentence_rowids_of(rowid))
                self.sentence_vectors.append(prepared.sentence_vectors)
        report.problems.extend(prepared.problems)
        if prepared.unused_date is not None:
            self.unused_dates.add(source, prepared.unused_date)
        if duplicate_of:
            report.duplicates += 1
        if revision:
            report.revisions += 1
        if prepared.no_outlet:
            report.unnamed_outlets += 1
        elif prepared.outlet is None:
            self.unknown.add(values["outlet"])
        else:
            self.saved_outlets.add(prepared.outlet.name)
        report.added += 1
        if report.added % COMMIT_ARTICLES == 0 or time.monotonic() - self.committed >= COMMIT_SECONDS:
            self.commit()  # a stopped run keeps what it has read

    def commit(self) -> None:
        """Commit the rows stored so far. Their vectors are saved at the sink's checkpoints: rows
        without saved vectors are embedded by the next ingest or `crosscheck check --repair`."""
        self.store.commit()
        self.committed = time.monotonic()

    def flush_vectors(self) -> None:
        """The vectors of the articles stored since the last call, into faiss in one go."""
        if not self.article_ids:
            return
        self.sink.add(self.article_ids, np.vstack(self.article_vectors), self.sentence_ids,
                      np.vstack(self.sentence_vectors) if self.sentence_vectors else None)
        self.report.embedded_articles += len(self.article_ids)
        self.report.embedded_sentences += len(self.sentence_ids)
        self.article_ids, self.article_vectors, self.sentence_ids, self.sentence_vectors = [], [], [], []

    def finish(self) -> IngestReport:
        self.flush_vectors()
        self.store.commit()
        self.sink.finish()
        report = self.report
        report.problems.extend(self.unused_dates.problems())
        report.unknown_outlets = sorted(self.unknown)
        return report


def ingest_paths(index: Index, paths: Iterable[str | os.PathLike[str]], outlets: OutletDirectory | None = None,
                 progress: ProgressFn | None = None, outlet: str | None = None,
                 executor: Executor | None = None) -> IngestReport:
    """Read `paths` (files or folders), store new articles and embed them: `add_records` over the
    file readers. `outlet` is the outlet of articles that name none (.txt files, for one)."""
    return add_records(index, read_paths(paths, outlet), outlets, progress, executor)


def add_records(index: Index, records: Iterable[RecordLike], outlets: OutletDirectory | None = None,
                progress: ProgressFn | None = None, executor: Executor | None = None) -> IngestReport:
    """Store new articles with their vectors. `records` are `ArticleRecord`s, or mappings with the
    JSONL fields (`text` required; `url`, `outlet`, `title`, `published`, `id`, `language`, `camp`,
    `country`); readers may pass `Problem`s for input they skipped, and callers `PreparedArticle`s
    they prepared themselves (`prepare.prepare_batch`). Bad records are reported, not fatal.

    `executor` runs the pure step (`prepare.prepare_batch`) on batches of records: in this
    process by default (`LocalExecutor`), in worker processes (`LocalExecutor(workers=N)`) or on
    a Ray cluster (`ray_workers.RayExecutor`). Records already stored with the same text are
    counted as unchanged before they are sent. Holds the index's write lock throughout; rows
    are committed every COMMIT_ARTICLES or COMMIT_SECONDS and when Ctrl-C stops the run
    (KeyboardInterrupt, raised again), and vectors saved every CHECKPOINT_SECONDS
    (index/vectors.py), so a stopped run keeps them; rows whose vectors were not saved yet are
    embedded by the next `add_records` or by `crosscheck check --repair`."""
    with index.writing():
        report = _store_all(index, records, outlets or OutletDirectory(), progress, executor or LocalExecutor())
        articles, sentences = index.embed_pending(progress)  # rows stored without vectors by a stopped run
        report.embedded_articles += articles
        report.embedded_sentences += sentences
        return report


def _store_all(index: Index, records: Iterable[RecordLike], directory: OutletDirectory,
               progress: ProgressFn | None, executor: Executor) -> IngestReport:
    """Send the records to the pure step in batches and store what comes back, in input order."""
    writer = _Writer(index, progress)
    in_flight: deque[list[_Slot]] = deque()  # the input records of each batch sent, oldest first
    batches = _batches(index, records, executor.batch_size, in_flight)
    prepared_batches = executor.map(batches, directory, index.model, lambda: index.embedder)
    try:
        for results in prepared_batches:
            slots = in_flight.popleft()
            answers = iter(results)
            for slot in slots:
                writer.take(next(answers) if isinstance(slot, ArticleRecord) else slot)
            writer.flush_vectors()
    except KeyboardInterrupt:  # Ctrl-C: keep every article stored whole so far, then stop the workers
        writer.commit()  # (a record half stored was rolled back by its savepoint)
        _close(prepared_batches)
        raise
    finally:  # a generator is closed at once on an error here: a Ray run stops its workers
        _close(prepared_batches)
    return writer.finish()


def _close(results: Iterator[list[Prepared]]) -> None:
    """Close an executor's generator of results (its workers stop); closing twice does nothing."""
    close = getattr(results, "close", None)
    if close is not None:
        close()


def _batches(index: Index, records: Iterable[RecordLike], size: int,
             in_flight: deque[list[_Slot]]) -> Iterator[list[ArticleRecord]]:
    """Batches of up to `size` records for the pure step. Every input record takes a slot in
    order (a Problem, UNCHANGED, a caller's PreparedArticle, or the record sent); each batch's
    slots are queued on `in_flight` as the batch is handed over."""
    slots: list[_Slot] = []
    send: list[ArticleRecord] = []
    for number, raw in enumerate(records, start=1):
        item = raw if isinstance(raw, (ArticleRecord, Problem, PreparedArticle)) \
            else record_from_fields(raw, f"record {number}")
        if isinstance(item, ArticleRecord):
            if _stored_unchanged(index, item):
                slots.append(UNCHANGED)
            else:
                slots.append(item)
                send.append(item)
        else:
            slots.append(item)
        if len(send) >= size or len(slots) >= size * SLOTS_PER_RECORD:
            in_flight.append(slots)
            yield send
            slots, send = [], []
    if slots:
        in_flight.append(slots)
        yield send


def _url_id(url: str) -> str | None:
    """The id a record with this URL and no id of its own gets; None for a URL that does not parse
    (a record with an id of its own may carry one)."""
    try:
        return url_article_id(url)
    except ValueError:
        return None


def _stored_unchanged(index: Index, record: ArticleRecord) -> bool:
    """True when this record's text is stored under its id already (checked again when stored)."""
    try:
        key, digest = record_key(record)
    except RECORD_ERRORS:
        return False  # the pure step reports it
    return any(stored == digest for _, stored in index.store.revisions_of(key))


@dataclass(frozen=True)
class StoppedIngest:
    """What an ingest stopped by Ctrl-C left in the index (`stopped_ingest`)."""

    kept: int        # articles the stopped run stored, all kept
    articles: int    # articles in the index now
    unembedded: int  # articles in the index without vectors yet (no query finds them)
    removed: Path | None = None  # the new index folder removed, the run having stored nothing

    def message(self) -> str:
        """One line: what was kept, and what to run next."""
        if self.removed is not None:
            return (f"stopped before any article was stored, so no index was made at {self.removed}: "
                    "run the same command again to start over")
        if self.kept:
            said = f"stopped: kept the {self.kept} articles stored so far (the index holds {self.articles})"
            then = "run the same command again to go on (the articles stored are skipped)"
        else:
            said = f"stopped before any article was stored (the index holds {self.articles}, as before)"
            then = "run the same command again to start over"
        if self.unembedded:
            return (f"{said}; {self.unembedded} have no vectors yet, so no query finds them: {then}, "
                    "or `crosscheck check --repair` to embed them")
        return f"{said}, with their vectors: {then}" if self.kept else f"{said}: {then}"


def stopped_ingest(path: Path, began_with: int | None, created: Path | None = None) -> StoppedIngest:
    """What the index at `path` holds after an ingest that Ctrl-C stopped. `began_with` is how many
    articles it held when the run began (None: the run stopped before it opened the index);
    `created` is the folder the run made for a new index, removed when the run stored nothing.
    Reads the index only otherwise: the run has let go of it by then."""
    if created is not None and remove_if_empty(path, created):
        return StoppedIngest(0, 0, 0, removed=created)
    try:
        with Index.open(path, readonly=True) as ix:
            totals = ix.store.totals()
    except IndexNotFound:  # stopped while the index was being set up
        return StoppedIngest(0, 0, 0)
    articles = int(totals["articles"])
    return StoppedIngest(kept=max(0, articles - began_with) if began_with is not None else 0,
                         articles=articles, unembedded=int(totals["unembedded"]))
