"""`crosscheck check`: is an index whole, and (with `repair`) make it whole again; and
`crosscheck backup`: a whole, consistent copy of an index.

Checks SQLite's `integrity_check`, migrations not applied yet, and the vector files against the
rows marked embedded. Repair, under the index's write lock, first gets back what a damaged
database still holds: the rows SQLite can read, table by table, past the damaged pages
(`store.salvage_database`), into a new database, with the damaged one and the vector files kept
as they were in a `damaged-<time>` folder beside them. Then it applies the migrations, drops
vectors nothing refers to and embeds again whatever has no vector. It never deletes a vector
file, and a database without crosscheck's tables next to vector files is lost, not new: repair
says so and what to do, and changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import BackupFailed, BadPath, IndexDamaged, IndexNotFound, IndexWriteFailed, check_folder
from ..limits import MAX_ARTICLE_CHARS
from .folder import LOST_DATABASE_FIX, Index, lost_database_error
from .embed import get_embedder
from .lock import WaitFn, WriteLock
from .paths import ARTICLE_VECTORS, DB_NAME, DEFAULT_MODEL, SENTENCE_VECTORS, index_dir
from .store import (Salvage, Store, copy_database, database_error, database_state, readable_articles,
                    salvage_database)
from .vectors import VectorIndex

__all__ = ["CheckReport", "BackupReport", "check_index", "backup_index"]

log = logging.getLogger("crosscheck")

# What repair says when what it could do was not enough: never "run check --repair" again.
NOT_REPAIRABLE = ("repair cannot mend this: " + LOST_DATABASE_FIX.replace("; nothing in the folder was changed", ""))


@dataclass
class CheckReport:
    index: str
    integrity: list[str] = field(default_factory=list)    # SQLite's findings; empty when ok
    pending_migrations: list[str] = field(default_factory=list)
    articles: int = 0
    embedded_articles: int = 0
    article_vectors: int = 0
    sentences: int = 0           # sentences of embedded articles
    sentence_vectors: int = 0
    repaired: list[str] = field(default_factory=list)   # what repair did (and what was lost), one line each
    damaged: list[str] = field(default_factory=list)    # files that cannot be read

    @property
    def unembedded(self) -> int:
        """Articles without vectors (left by a stopped ingest, or by one running now): no query
        finds them, so the index is not whole until repair (or the next ingest) embeds them."""
        return self.articles - self.embedded_articles

    @property
    def ok(self) -> bool:
        return (not self.integrity and not self.pending_migrations and not self.damaged
                and not self.unembedded
                and self.article_vectors == self.embedded_articles
                and self.sentence_vectors == self.sentences)

    def problems(self) -> list[str]:
        out = [f"SQLite integrity_check: {line}" for line in self.integrity] + list(self.damaged)
        if self.pending_migrations:
            out.append(f"upgrades not applied: {', '.join(self.pending_migrations)}")
        if self.unembedded:
            out.append(f"{self.unembedded} of {self.articles} articles have no vectors yet, so no query finds "
                       "them (an ingest was stopped, or is running): `crosscheck check --repair` embeds them")
        if self.article_vectors != self.embedded_articles:
            out.append(f"{self.article_vectors} article vectors for {self.embedded_articles} embedded articles")
        if self.sentence_vectors != self.sentences:
            out.append(f"{self.sentence_vectors} sentence vectors for {self.sentences} sentences of embedded articles")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "unembedded": self.unembedded, "ok": self.ok, "problems": self.problems()}


def _measure(report: CheckReport, path: os.PathLike[str] | str) -> None:
    with Index.open(path, readonly=True) as ix:
        report.integrity = ix.store.integrity_check()
        report.articles = ix.store.totals()["articles"]
        report.embedded_articles, report.sentences = ix.store.embedded_counts()
        for name in ("article_vectors", "sentence_vectors"):
            try:
                setattr(report, name, len(getattr(ix, name)))
            except IndexDamaged as e:
                report.damaged.append(str(e.path) + ": " + e.detail)


def check_index(path: os.PathLike[str] | str | None = None, repair: bool = False, wait: bool = True,
                on_wait: WaitFn | None = None) -> CheckReport:
    """Check the index at `path`; with `repair`, fix what can be fixed and check again.

    A damaged database is recovered by repair (the rows SQLite can still read); a database that
    is lost (no crosscheck tables, next to vector files that hold vectors), or from which no
    article can be read, raises IndexDamaged saying what the options are, with nothing changed."""
    folder = index_dir(path)
    if not (folder / DB_NAME).exists():
        raise IndexNotFound(folder)
    report = CheckReport(index=str(folder))
    if repair:
        try:
            return _repair(folder, report, wait, on_wait)
        except IndexDamaged as e:
            if str(e).endswith(LOST_DATABASE_FIX):
                raise
            raise IndexDamaged(e.path, e.detail, fix=NOT_REPAIRABLE) from None
    try:
        store = Store(folder / DB_NAME, readonly=True)
    except sqlite3.DatabaseError as e:
        if not isinstance(database_error(folder / DB_NAME, e), IndexDamaged):  # locked, unreadable folder ...
            raise IndexDamaged(folder / DB_NAME, f"SQLite: {e}") from None
        readable = readable_articles(folder / DB_NAME)
        if not readable:  # repair would recover no article: do not send the user there
            unread = "not even its list of tables can be read" if readable is None else "no article row can be read"
            raise IndexDamaged(folder / DB_NAME, f"SQLite: {e}; {unread}, so `crosscheck check --repair` cannot "
                               "recover its articles", fix=LOST_DATABASE_FIX) from None
        raise IndexDamaged(folder / DB_NAME, f"SQLite: {e}; {readable:,} article rows can still be read",
                           fix="run `crosscheck check --repair` to recover them (it keeps the damaged files aside), "
                               "or rebuild the index from your files") from None
    try:
        report.pending_migrations = store.pending_migrations()
        if not store.has_schema():
            size = (folder / DB_NAME).stat().st_size
            error = lost_database_error(folder, f"{size:,} bytes and no crosscheck tables")
            if error is not None:
                raise error
    finally:
        store.close()
    if not report.pending_migrations:
        try:
            _measure(report, folder)
        except sqlite3.DatabaseError as e:
            report.integrity.append(str(e))
    return report


def _repair(folder: Path, report: CheckReport, wait: bool, on_wait: WaitFn | None) -> CheckReport:
    with WriteLock(folder, wait, on_wait):
        state, detail = database_state(folder / DB_NAME)
        if state == "empty":
            error = lost_database_error(folder, detail)
            if error is not None:
                raise error
        recovered = _recover(folder, detail, report) if state == "damaged" else None
    store = Store(folder / DB_NAME, readonly=True)
    try:
        report.pending_migrations = store.pending_migrations()
    finally:
        store.close()
    with Index.open(folder, wait=wait, on_wait=on_wait) as ix, ix.writing():
        if report.pending_migrations:
            report.repaired.append(f"applied {', '.join(report.pending_migrations)}")
        report.pending_migrations = []
        if recovered is not None and _sentences_damaged(recovered):
            split = _split_again(ix.store)
            if split:
                report.repaired.append(f"split {split} articles again whose sentences were lost")
        articles, sentences = ix.reconcile()
        if articles:
            report.repaired.append(f"embedded {articles} articles ({sentences} sentences) again")
        if recovered is not None:
            homeless = len(ix.store.unassigned_articles())
            if homeless:
                report.repaired.append(f"{homeless} articles are in no story (their story was lost, or never "
                                       "formed): `crosscheck stories` puts them into stories")
    try:
        _measure(report, folder)
    except sqlite3.DatabaseError as e:
        report.integrity.append(str(e))
    return report


# -- a damaged database: keep it, read what it still holds into a new one --------------------------
def _aside(folder: Path) -> Path:
    """A new folder in `folder` for the files as they were before repair changed anything."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        aside = folder / (f"damaged-{stamp}" + (f"-{n}" if n else ""))
        try:
            aside.mkdir()
            return aside
        except FileExistsError:
            continue
    raise IndexWriteFailed(folder, "no free name for the folder that keeps the damaged files")


def _copy_exclusive(source: Path, dest: Path) -> None:
    """Copy a file to `dest`, which is created exclusively (never an existing name, nor through a
    symlink). IndexWriteFailed on a full disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with open(source, "rb") as src, os.fdopen(os.open(dest, flags, 0o644), "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    except OSError as e:
        raise IndexWriteFailed(dest, e.strerror or str(e)) from None


def _held_ids(folder: Path) -> dict[str, set[int] | None]:
    """The ids in each vector file of `folder` (None for a file that cannot be read)."""
    out: dict[str, set[int] | None] = {}
    for name in (ARTICLE_VECTORS, SENTENCE_VECTORS):
        if (folder / name).exists():
            try:
                out[name] = set(VectorIndex(folder / name, 1, readonly=True).ids().tolist())
            except IndexDamaged:
                out[name] = None
    return out


def _recover(folder: Path, detail: str, report: CheckReport) -> Salvage:
    """Read what the damaged database still holds into a new one that takes its place; the damaged
    database and the vector files are copied into a `damaged-<time>` folder first. IndexDamaged
    (nothing changed) when not one article can be read while the vector files hold some."""
    db = folder / DB_NAME
    aside = _aside(folder)
    for name in (DB_NAME, f"{DB_NAME}-wal", ARTICLE_VECTORS, SENTENCE_VECTORS):
        if (folder / name).exists():
            _copy_exclusive(folder / name, aside / name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{DB_NAME}.", suffix=".recovering")
    os.close(fd)
    try:
        found = salvage_database(aside / DB_NAME, Path(tmp))
    except BaseException:
        _discard(Path(tmp))
        raise
    held = _held_ids(aside)
    if not found.rows.get("articles") and any(ids is None or ids for ids in held.values()):
        _discard(Path(tmp))
        shutil.rmtree(aside, ignore_errors=True)  # our own copies: the folder is as it was
        known = held.get(ARTICLE_VECTORS)
        lost = f"none of the {len(known):,} articles {ARTICLE_VECTORS} has vectors for" if known else "no article"
        unread = "" if found.schema else "SQLite cannot read its list of tables (sqlite_master), so "
        raise IndexDamaged(db, f"{detail}; {unread}{lost} could be read from it", fix=LOST_DATABASE_FIX)
    try:
        assumed = _lost_model(Path(tmp), aside, db, detail)
    except BaseException:
        _discard(Path(tmp))
        shutil.rmtree(aside, ignore_errors=True)
        raise
    for suffix in ("-wal", "-shm"):  # the damaged database's: never to be read with the new one
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / f"{DB_NAME}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{tmp}{suffix}")  # the new one's, empty: it was checkpointed
    os.replace(tmp, db)
    report.repaired.extend(_recovered_lines(found, held, db, detail))
    if assumed:
        report.repaired.append(assumed)
    report.repaired.append(f"the damaged database and the vector files as they were are kept in {aside}")
    return found


def _discard(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(OSError):
            os.unlink(leftover)


def _recovered_lines(found: Salvage, held: dict[str, set[int] | None], db: Path, detail: str) -> list[str]:
    rows = found.rows
    lines = [f"recovered {rows.get('articles', 0)} articles, {rows.get('sentences', 0)} sentences and "
             f"{rows.get('stories', 0)} stories from the damaged database ({detail}; "
             f"tables damaged: {', '.join(found.damaged) or 'none'})"]
    store = Store(db, readonly=True)
    try:
        have = {"articles": store.rowids("articles"), "sentences": store.rowids("sentences")}
    finally:
        store.close()
    articles, sentences = held.get(ARTICLE_VECTORS), held.get(SENTENCE_VECTORS)
    lost = len(articles - have["articles"]) if articles else 0
    if lost:
        gone = len(sentences - have["sentences"]) if sentences else 0
        lines.append(f"lost {lost} articles ({gone} sentences) that the vector files had vectors for but whose "
                     "rows could not be read: those vectors are dropped; ingest your files again to get the "
                     "articles back (the ones recovered are skipped as unchanged)")
    return lines


def _lost_model(recovered: Path, aside: Path, db: Path, detail: str) -> str | None:
    """When the model id was lost with the damaged pages: the default model is assumed if the
    vectors have its dimension (a line saying so is returned), else IndexDamaged: vectors of an
    unknown model cannot be added to, and repair cannot tell which model made them."""
    store = Store(recovered, migrate=False)
    try:
        if store.get_meta("model") is not None:
            return None
        try:
            vectors = VectorIndex(aside / ARTICLE_VECTORS, 1, readonly=True)
        except IndexDamaged:
            return None  # unreadable: the writer moves it aside and embeds again, with the index's model
        ids = vectors.ids()
        if not len(ids):
            return None  # no vectors to agree with: the index takes its model when it is opened
        dimension = int(vectors.reconstruct([int(ids[0])]).shape[1])
        if get_embedder(DEFAULT_MODEL).dimension != dimension:
            raise IndexDamaged(db, f"{detail}; the index's model id was lost with the damaged pages, and its "
                               f"vectors ({dimension} dimensions) are not the default model's", fix=LOST_DATABASE_FIX)
        store.set_meta("model", DEFAULT_MODEL)
        store.set_meta("dimension", str(dimension))
        return (f"lost the index's model id: the vectors have the {dimension} dimensions of the default model "
                f"({DEFAULT_MODEL}), which is assumed; if the index was built with another, restore a backup")
    finally:
        store.close()


def _sentences_damaged(found: Salvage) -> bool:
    return "sentences" in found.damaged or bool(found.invalid.get("sentences"))


def _split_again(store: Store) -> int:
    """Split again every article whose stored sentences are not the ones its text gives (some
    were lost with a damaged page); they get embedded again. Returns how many."""
    from ..text.sentences import split_sentences

    changed = 0
    for article in list(store.iter_articles()):
        fresh = [(s.paragraph, s.start, s.end, s.text)
                 for s in split_sentences(article.text[:MAX_ARTICLE_CHARS], article.language)]
        stored = [(p, start, end, text) for _, _, p, start, end, text in store.article_sentences(article.rowid)]
        if stored != fresh:
            store.replace_sentences(article.rowid, fresh)
            changed += 1
    return changed


# -- backup -----------------------------------------------------------------------------------------
@dataclass
class BackupReport:
    index: str
    dest: str
    articles: int
    files: dict[str, int]  # file name -> bytes copied

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _backup_target(dest: os.PathLike[str] | str, folder: Path) -> Path:
    target = Path(dest)
    check_folder(target, "DEST")
    if target.exists() and any(target.iterdir()):
        raise BadPath(target, "DEST", "it is not empty", "give a new or empty folder: a backup never writes over files")
    if target.resolve() == folder.resolve():
        raise BadPath(target, "DEST", "it is the index itself", "give another folder")
    target.mkdir(parents=True, exist_ok=True)
    return target


def backup_index(path: os.PathLike[str] | str | None, dest: os.PathLike[str] | str, wait: bool = True,
                 on_wait: WaitFn | None = None) -> BackupReport:
    """Copy the index at `path` into the new or empty folder `dest`: the database through SQLite's
    online backup API (read only: the index is neither migrated nor changed), the vector files as
    they are. The copy is consistent: it is made under the index's write lock, so no writer
    changes rows or vectors between the two (in a folder nobody may write to, nobody writes).
    Every file is created exclusively. Opening `dest` as an index gives the same answers."""
    folder = index_dir(path)
    db = folder / DB_NAME
    if not db.exists():
        raise IndexNotFound(folder)
    target = _backup_target(dest, folder)
    lock = WriteLock(folder, wait, on_wait) if os.access(folder, os.W_OK) else contextlib.nullcontext()
    files: dict[str, int] = {}
    with lock:
        try:
            store = Store(db, readonly=True)
        except sqlite3.DatabaseError as e:
            raise IndexDamaged(db, f"SQLite: {e}") from None
        try:
            if not store.has_schema():
                raise IndexNotFound(folder)
            copy_database(store.db, target / DB_NAME)
            articles = store.totals()["articles"]
        except sqlite3.DatabaseError as e:
            raise IndexDamaged(db, f"SQLite: {e}") from None
        finally:
            store.close()
        for name in (ARTICLE_VECTORS, SENTENCE_VECTORS):
            if (folder / name).exists():
                _copy_exclusive(folder / name, target / name)
    for p in sorted(target.iterdir()):
        files[p.name] = p.stat().st_size
    _verify_backup(target, articles)
    return BackupReport(str(folder), str(target), articles, files)


def _verify_backup(target: Path, articles: int) -> None:
    copy = Store(target / DB_NAME, readonly=True)
    try:
        findings = copy.quick_check()
        copied = copy.totals()["articles"]
    finally:
        copy.close()
    if findings or copied != articles:
        raise BackupFailed(f"the copy in {target} is not whole ({'; '.join(findings) or f'{copied} of {articles} articles'}): "
                           "remove it, free some space if the disk is full, and run `crosscheck backup` again")
