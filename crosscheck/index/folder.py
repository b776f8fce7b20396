"""An index folder: its SQLite store, its faiss vector files and the model that made them.

`Index` is the folder itself: opening it (and migrating it), its write lock, keeping its
vectors and its rows in agreement (`reconcile`, `embed_pending`), removing articles, and
`info`. What goes through the folder lives with its stage: storing new articles in
`crosscheck.ingest.writer`, searching in `crosscheck.index.query`, stories in
`crosscheck.stories`.

    from crosscheck import Index
    with Index.open("indexes/default", readonly=True) as ix:
        print(ix.info()["articles"])

Imports nothing above `index/` (errors, records and limits only).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from ..errors import IndexDamaged, IndexModelMismatch, IndexNeedsUpgrade, IndexNotFound, IndexReadOnly, check_folder
from .embed import Embedder, embed_articles, get_embedder
from .lock import WaitFn, WriteLock
from .paths import ARTICLE_VECTORS, DB_NAME, DEFAULT_MODEL, SENTENCE_VECTORS, index_dir
from .store import Store, database_error
from .vectors import APPROXIMATE_FROM, DEFAULT_VECTOR_INDEX, VectorIndex, VectorSink

__all__ = ["Index", "RemoveReport", "ProgressFn", "LOST_DATABASE_FIX", "vectors_held", "lost_database_error",
           "remove_if_empty"]

log = logging.getLogger("crosscheck")

# What to do when an index's rows cannot be had back from its database (lost or unreadable):
# no command of crosscheck can make them from vectors alone.
LOST_DATABASE_FIX = ("restore crosscheck.db from a backup (`crosscheck backup DEST` makes one; an upgrade "
                     "leaves crosscheck.db.before-* beside it), or move the folder aside and ingest your "
                     "files again; nothing in the folder was changed")


def vectors_held(folder: Path) -> dict[str, int | None]:
    """How many vectors each vector file of `folder` holds (None: there, but unreadable); files
    that are not there are left out."""
    held: dict[str, int | None] = {}
    for name in (ARTICLE_VECTORS, SENTENCE_VECTORS):
        if (folder / name).exists():
            try:
                held[name] = len(VectorIndex(folder / name, 1, readonly=True))
            except IndexDamaged:
                held[name] = None
    return held


def lost_database_error(folder: Path, detail: str) -> IndexDamaged | None:
    """The error for a database without crosscheck's tables next to vector files that hold
    vectors: the rows are lost, not new (a 0-byte crosscheck.db is not an index to set up again,
    whose vectors would then be dropped as strays). None when there are no vectors to lose."""
    held = {name: n for name, n in vectors_held(folder).items() if n != 0}
    if not held:
        return None
    counts = ", ".join(f"{name} holds {'unreadable' if n is None else f'{n:,}'} vectors" for name, n in held.items())
    return IndexDamaged(folder / DB_NAME, f"{detail}, while {counts}: the database was lost, and vectors alone "
                        "cannot rebuild its articles", fix=LOST_DATABASE_FIX)


def remove_if_empty(folder: Path, created: Path) -> bool:
    """Remove `created` (a new folder, `folder` itself or one of its parents, that a first ingest
    made) when the index in `folder` holds no article: a first ingest that failed or was stopped
    before storing anything leaves no index behind. Returns whether it was removed."""
    db_path = folder / DB_NAME
    if db_path.exists():
        try:
            store = Store(db_path, readonly=True)
            try:
                if store.has_schema() and store.totals()["articles"]:
                    return False
            finally:
                store.close()
        except sqlite3.DatabaseError:
            return False  # not ours to judge: leave it as it is
    shutil.rmtree(created, ignore_errors=True)
    return not created.exists()


# progress(stage, advance, total): stages are "ingest" (records read) and "embed" (articles).
ProgressFn = Callable[[str, int, int], None]
# Articles without vectors are embedded this many at a time (`Index.embed_pending`).
PENDING_BATCH = 64


@dataclass
class RemoveReport:
    removed: list[str] = field(default_factory=list)        # article ids removed
    not_found: list[str] = field(default_factory=list)      # ids not in the index
    stories_removed: list[str] = field(default_factory=list)  # stories left empty, removed too

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _refuse_lost(store: Store, folder: Path) -> None:
    """IndexDamaged when `store` has no crosscheck tables while the folder's vector files hold
    vectors (see lost_database_error)."""
    if store.has_schema():
        return
    error = lost_database_error(folder, f"{store.path.stat().st_size:,} bytes and no crosscheck tables")
    if error is not None:
        raise error


class Index:
    """An index folder. Open it with `Index.open`; it records its model and refuses another.

    Opened read-only (`readonly=True`) it never writes: commands that only show things use it,
    and it works on a folder nobody may write to. Opened for writing, every method that changes
    the index takes the index's write lock (index/lock.py) for as long as it works, so two writers
    never interleave; readers need no lock and see whole files only.
    """

    def __init__(self, path: Path, store: Store, model: str, embedder: Embedder | None = None,
                 readonly: bool = False, lock: WriteLock | None = None) -> None:
        self.path = path
        self.store = store
        self.model = model
        self.readonly = readonly
        self._embedder = embedder
        self._lock = None if readonly else (lock or WriteLock(path))
        self._articles: VectorIndex | None = None
        self._sentences: VectorIndex | None = None
        self._mapped = False

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, model: str | None = None,
             create: bool = False, embedder: Embedder | None = None, readonly: bool = False,
             wait: bool = True, on_wait: WaitFn | None = None) -> "Index":
        """Open the index at `path` (see paths.index_dir); `create` makes it when missing.

        `model` must match the model the index was built with (IndexModelMismatch otherwise);
        None means "whatever it was built with", or the default for a new index.

        `readonly` opens it for reading only (IndexNeedsUpgrade if it needs a migration first).
        Otherwise writes wait for another process writing to the same index; `wait=False` raises
        IndexLocked instead, and `on_wait(pid)` is called once when waiting begins.
        """
        try:
            return cls._open(path, model, create, embedder, readonly, wait, on_wait)
        except sqlite3.DatabaseError as e:
            error = database_error(index_dir(path) / DB_NAME, e)
            if error is None:
                raise
            raise error from None

    @classmethod
    def _open(cls, path: str | os.PathLike[str] | None, model: str | None, create: bool,
              embedder: Embedder | None, readonly: bool, wait: bool, on_wait: WaitFn | None) -> "Index":
        folder = index_dir(path)
        check_folder(folder, "--index")
        db_path = folder / DB_NAME
        requested = model or (embedder.model_id if embedder else None)
        if readonly:
            if not db_path.exists():
                raise IndexNotFound(folder)
            store = Store(db_path, readonly=True)
            try:
                _refuse_lost(store, folder)
                pending = store.pending_migrations()
                if pending:
                    raise IndexNeedsUpgrade(folder, pending)
                stored = store.get_meta("model")
                if stored is None:
                    raise IndexNotFound(folder)
                if requested and requested != stored:
                    raise IndexModelMismatch(folder, stored, requested)
            except BaseException:
                store.close()
                raise
            return cls(folder, store, stored, embedder, readonly=True)
        if not db_path.exists():
            if not create:
                raise IndexNotFound(folder)
            # an unusable model (a typo, a backend whose extra is missing) is refused before anything
            # is written: a new index pinned to it could never be opened again
            embedder = embedder or get_embedder(requested)
            folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK) or not os.access(db_path if db_path.exists() else folder, os.W_OK):
            raise IndexReadOnly(folder)
        lock = WriteLock(folder, wait, on_wait)
        if db_path.exists():  # looked at read-only first: opening it to write already writes to it
            probe = Store(db_path, readonly=True)
            try:
                _refuse_lost(probe, folder)
            finally:
                probe.close()
        store = Store(db_path, migrate=False)
        try:
            stored = store.get_meta("model") if not store.pending_migrations() else None
            if stored is None:  # new, or made by an older crosscheck: set up under the lock
                with lock:
                    store.migrate()
                    stored = store.get_meta("model")
                    if stored is None:
                        stored = requested or DEFAULT_MODEL
                        embedder = embedder or get_embedder(stored)  # usable, before the index is pinned to it
                        store.set_meta("model", stored)
                        store.set_meta("vector_index", DEFAULT_VECTOR_INDEX)
            if requested and requested != stored:
                raise IndexModelMismatch(folder, stored, requested)
        except BaseException:
            store.close()
            raise
        return cls(folder, store, stored, embedder, lock=lock)

    def close(self) -> None:
        self.store.close()
        if self._lock is not None:
            while self._lock.held:
                self._lock.release()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's write lock (reentrant). The first entry reloads the vector files, so
        that work starts from what other writers saved."""
        if self._lock is None:
            raise IndexReadOnly(self.path, " (opened with readonly=True)")
        if self._lock.acquire():
            self._articles = self._sentences = None
        try:
            yield
        finally:
            self._lock.release()

    # -- parts, loaded when first needed ----------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.model)
        return self._embedder

    @property
    def _may_write(self) -> bool:
        """True while this object holds the write lock."""
        return self._lock is not None and self._lock.held

    def _dimension(self) -> int:
        stored = self.store.get_meta("dimension")
        if stored is None:
            stored = str(self.embedder.dimension)
            if self._may_write:
                self.store.set_meta("dimension", stored)
        return int(stored)

    def _vectors(self, name: str) -> VectorIndex:
        factory = self.store.get_meta("vector_index") or DEFAULT_VECTOR_INDEX
        return VectorIndex(self.path / name, self._dimension(), factory, readonly=not self._may_write,
                           mapped=self._mapped)

    def map_vector_files(self) -> "Index":
        """Map the vector files into memory when they are first read, instead of reading them
        (VectorIndex `mapped`): for read-only processes that are replaced when they die, serve's
        query processes (web/embedding.py), which then share one copy. Returns this index."""
        if not self.readonly:
            raise ValueError("only an index opened read-only may map its vector files")
        self._mapped = True
        return self

    @property
    def article_vectors(self) -> VectorIndex:
        if self._articles is None:
            self._articles = self._vectors(ARTICLE_VECTORS)
            self._check_consistency()
        return self._articles

    @property
    def sentence_vectors(self) -> VectorIndex:
        if self._sentences is None:
            self._sentences = self._vectors(SENTENCE_VECTORS)
        return self._sentences

    def share_vectors(self, articles: VectorIndex, sentences: VectorIndex) -> None:
        """Read these vector indexes instead of loading the files again: a server loads them
        once and gives them to the index it opens in each of its threads (read only)."""
        self._articles, self._sentences = articles, sentences

    def _check_consistency(self) -> None:
        """The faiss files and the rows marked embedded must agree: one vector per embedded
        article and per sentence of one. A run stopped between saving vectors and marking rows
        leaves vectors of unmarked rows; a lost or damaged file leaves rows without vectors.
        A writer repairs (`_reconcile_vectors`); a reader works with what is there."""
        assert self._articles is not None
        embedded, sentences = self.store.embedded_counts()
        if not self._may_write:
            if len(self._articles) < embedded:
                log.warning("index %s: %d vectors for %d embedded articles; a writing command "
                            "(`crosscheck check --repair`) embeds them again", self.path, len(self._articles), embedded)
            return
        if len(self._articles) != embedded or len(self.sentence_vectors) != sentences:
            self._reconcile_vectors()

    def _reconcile_vectors(self) -> int:
        """Make the vector files agree with the rows, under the write lock: drop vectors of rows
        not marked embedded (or gone), and mark for embedding again every article without exactly
        one vector for itself and for each of its sentences. Returns how many were marked."""
        assert self._articles is not None and self._may_write
        articles, sentences = self._articles, self.sentence_vectors
        embedded = set(self.store.embedded_rowids())
        owner = self.store.embedded_sentence_owners()
        a_ids, a_counts = np.unique(articles.ids(), return_counts=True)
        s_ids, s_counts = np.unique(sentences.ids(), return_counts=True)
        article_once = set(a_ids[a_counts == 1].tolist())
        sentence_once = set(s_ids[s_counts == 1].tolist())
        redo = {r for r in embedded if r not in article_once}
        redo |= {art for sent, art in owner.items() if sent not in sentence_once}
        drop_articles = (set(a_ids.tolist()) - embedded) | redo
        drop_sentences = {s for s in s_ids.tolist() if s not in owner or owner[s] in redo}
        if not (drop_articles & set(a_ids.tolist()) or drop_sentences or redo):
            return 0
        log.warning("index %s: %d article and %d sentence vectors did not match the database; "
                    "%d articles will be embedded again", self.path, len(drop_articles & set(a_ids.tolist())),
                    len(drop_sentences), len(redo))
        articles.remove(sorted(drop_articles & set(a_ids.tolist())))
        sentences.remove(sorted(drop_sentences))
        self.store.mark_unembedded(sorted(redo))  # rows first: a crash before the files are saved
        # leaves vectors of unmarked rows, dropped by the next writer
        articles.save()
        sentences.save()
        return len(redo)

    def reconcile(self) -> tuple[int, int]:
        """Check every vector against the database, drop what does not belong and embed again
        what is missing (`crosscheck check --repair`). Returns (articles, sentences) embedded."""
        with self.writing():
            _ = self.article_vectors  # loaded under the lock: the quick check runs
            self._reconcile_vectors()
            return self.embed_pending()

    def embed_pending(self, progress: ProgressFn | None = None) -> tuple[int, int]:
        """Embed every stored article that has no vectors yet; returns (articles, sentences).
        Ingest embeds as it stores; rows without vectors are left by a run stopped between
        committing rows and saving vectors, or by a damaged vector file (`check --repair`)."""
        with self.writing():
            _ = self.article_vectors  # loaded (and checked against the rows) first
            pending = self.store.count_unembedded()
            done_articles = done_sentences = 0
            sink = VectorSink(self)
            last = 0
            while pending and (batch := self.store.unembedded(after=last, limit=PENDING_BATCH)):
                last = batch[-1][0]
                embedded = embed_articles(self.embedder, [(title, [t for _, t in sents]) for _, title, sents in batch])
                sentence_ids = [s for _, _, sents in batch for s, _ in sents]
                blocks = [block for _, block in embedded if len(block)]
                sink.add([rowid for rowid, _, _ in batch], np.vstack([vector for vector, _ in embedded]),
                         sentence_ids, np.vstack(blocks) if blocks else None)
                done_articles += len(batch)
                done_sentences += len(sentence_ids)
                if progress:
                    progress("embed", len(batch), pending)
            sink.finish()
            return done_articles, done_sentences

    def checkpoint(self, rowids: list[int]) -> float:
        """Rows committed, vectors to disk, then the rows marked: a crash in between only costs
        re-embedding. A vector index that has passed APPROXIMATE_FROM is made approximate first,
        at the first checkpoint after it passes: trained once on the vectors there by then, and
        every later save writes the compressed index (a quarter of the bytes) instead of the
        whole flat one. Returns the seconds the saving took (training, done once, is left out)."""
        for vectors in (self.article_vectors, self.sentence_vectors):
            vectors.convert_if_large(APPROXIMATE_FROM)
        began = time.monotonic()
        self.store.commit()  # no saved vector without its row
        self.article_vectors.save()
        self.sentence_vectors.save()
        self.store.mark_embedded(rowids)
        return time.monotonic() - began

    def remove(self, article_ids: Iterable[str]) -> RemoveReport:
        """Remove articles by id, with their sentences, vectors, anchors and story memberships
        (a story left empty goes too). Ids not in the index are listed in the report."""
        report = RemoveReport()
        with self.writing():
            rowids: list[int] = []
            for article_id in dict.fromkeys(article_ids):
                article = self.store.article_by_id(article_id)
                if article is None:
                    report.not_found.append(article_id)
                else:
                    rowids.append(article.rowid)
                    report.removed.append(article_id)
            if not rowids:
                return report
            articles, sentences = self.article_vectors, self.sentence_vectors
            sentence_rowids = self.store.sentence_rowids(rowids)
            with self.store.db:  # rows first: vectors left by a crash here are dropped on the next open
                report.stories_removed = self.store.remove_articles(rowids)
            articles.remove(rowids)
            sentences.remove(sentence_rowids)
            articles.save()
            sentences.save()
        return report

    def info(self) -> dict[str, Any]:
        sizes = {}
        for name in (DB_NAME, ARTICLE_VECTORS, SENTENCE_VECTORS):
            p = self.path / name
            sizes[name] = p.stat().st_size if p.exists() else 0
        wal = self.path / f"{DB_NAME}-wal"
        if wal.exists():
            sizes[DB_NAME] += wal.stat().st_size
        return {
            "index": str(self.path),
            "model": self.model,
            "dimension": int(self.store.get_meta("dimension") or 0),
            "vector_index": self.article_vectors.description,
            "sentence_index": self.sentence_vectors.description,
            "migrations": self.store.applied_migrations(),
            **self.store.totals(),
            "languages": dict(self.store.counts("language")),
            "camps": dict(self.store.counts("camp")),
            "outlets": dict(self.store.counts("outlet")),
            "bytes": sizes,
        }
