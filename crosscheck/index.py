"""An index folder: the SQLite store, the faiss vector indexes and the model that made them.

`Index` is the library's entry point for ingest → embed → query:

    from crosscheck import Index
    with Index.open("indexes/default", create=True) as ix:
        ix.ingest(["samples/"])
        for hit in ix.query("Russia and Turkey exchange intelligence", k=5):
            print(hit.score, hit.article.outlet, hit.article.title)
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sqlite3
import tempfile
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .claims import is_claim
from .embed import DEFAULT_MODEL, Embedder, get_embedder
from .errors import (IndexDamaged, IndexModelMismatch, IndexNeedsUpgrade, IndexNotFound, IndexReadOnly,
                     IndexWriteFailed, InvalidInput, check_folder)
from .locking import WaitFn, WriteLock
from .ingest import PreparedArticle, read_paths, record_from_fields, record_key
from .models import EARLIEST_YEAR, ArticleRecord, Hit, IngestReport, Problem
from .outlets import OutletDirectory
from .prepare import (LEAD_SENTENCES, PREPARE_ERRORS, Executor, LocalExecutor, Prepared, article_vector,
                      error_reason)
from .query import LEAD_CHARACTERS, Candidate, QueryParams, rerank
from .paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, index_dir
from .store import Store, database_error
from .vocabulary import parse_camp

__all__ = ["Index", "RemoveReport", "VectorIndex", "ProgressFn", "article_vector", "LEAD_SENTENCES"]

log = logging.getLogger("crosscheck")

# progress(stage, advance, total): stages are "ingest" (records read) and "embed" (articles).
ProgressFn = Callable[[str, int, int], None]

DEFAULT_VECTOR_INDEX = "IDMap2,Flat"  # exact inner product; see VectorIndex
# Long runs save their vectors and mark the rows done every CHECKPOINT_SECONDS, or every ten
# times as long as the last save took when the files are large, so that an interrupted run
# loses little work and saving never takes more than about a tenth of the time (less once the
# sentence index is approximate: see Index._checkpoint).
CHECKPOINT_SECONDS = 60.0
COMMIT_ARTICLES = 1000  # stored articles are committed this often while reading input
# Exact search up to this many vectors, an approximate index past it (docs/performance.md).
APPROXIMATE_FROM = 100_000
NPROBE = 64  # inverted lists visited per query by the approximate index
SENTENCE_OVERFETCH = 3  # sentences searched per one wanted, so that dropping non-claims still leaves k


def _faiss_reason(error: BaseException) -> str:
    """The useful end of a faiss error ("... No space left on device"), on one line."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = " ".join(str(error).split())
    for known in ("No space left on device", "Permission denied", "Read-only file system"):
        if known in text:
            return known
    return text[-160:] or type(error).__name__


def _faiss() -> Any:
    """faiss, imported when first needed (it is slow to import); typed loosely, since its
    bundled stubs miss much of its SWIG API."""
    import faiss

    return faiss


def approximate_factory(n: int) -> str:
    """The faiss type for a collection of `n` vectors that has outgrown exact search:
    an inverted file of about 4·√n lists, vectors stored as 8-bit scalars (a quarter of
    the memory of float32)."""
    nlist = 1 << max(6, round(math.log2(4 * math.sqrt(max(n, 1)))))
    return f"IVF{nlist},SQ8"


class VectorIndex:
    """A faiss index over unit vectors (inner product = cosine), keyed by SQLite rowids.

    Exact search (`IDMap2,Flat`) while the collection is small; `convert_if_large` switches
    to an approximate inverted-file index (`approximate_factory`), trained on the vectors
    already there, once it holds APPROXIMATE_FROM vectors. Callers see the same methods.

    The inverted file keeps the rowids itself (IVF indexes take ids natively) with a hash
    table from id to entry, for `reconstruct` and `remove`. It is not wrapped in `IDMap2`:
    that wrapper assumes the index under it renumbers its entries after a removal, which an
    inverted file does not, and in faiss 1.15 its first add left the hash table empty.
    """

    def __init__(self, path: Path, dimension: int, factory: str = DEFAULT_VECTOR_INDEX,
                 readonly: bool = False) -> None:
        faiss = _faiss()
        self.path = path
        self.dimension = dimension
        self.readonly = readonly
        self._index: Any = None
        if path.exists():
            try:
                self._index = faiss.read_index(str(path))
            except RuntimeError as e:  # not a faiss file, or a truncated one
                if readonly:
                    raise IndexDamaged(path, f"unreadable vector file: {_faiss_reason(e)}") from None
                aside = path.with_name(path.name + ".damaged")
                os.replace(path, aside)
                log.warning("%s was unreadable (%s): moved to %s; its vectors are made again",
                            path, _faiss_reason(e), aside.name)
        if self._index is None:
            self._index = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        self._prepare_ivf()

    def _ivf(self):  # type: ignore[no-untyped-def]
        faiss = _faiss()
        try:
            return faiss.extract_index_ivf(self._index)
        except RuntimeError:
            return None

    def _prepare_ivf(self) -> None:
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return
        outer = faiss.downcast_index(self._index)
        if isinstance(outer, faiss.IndexIDMap2):
            # written by earlier versions of crosscheck: IDMap2 around the inverted file, whose
            # entries are numbered 0..n-1 in the order of the wrapper's id_map
            ids = faiss.vector_to_array(outer.id_map).astype(np.int64)
            ivf.set_direct_map_type(faiss.DirectMap.NoMap)
            ivf.set_direct_map_type(faiss.DirectMap.Array)  # rebuilt from the inverted lists
            vectors = ivf.reconstruct_n(0, ivf.ntotal)
            upgraded = faiss.clone_index(ivf)
            upgraded.reset()
            upgraded.set_direct_map_type(faiss.DirectMap.Hashtable)
            for start in range(0, len(ids), 100_000):
                upgraded.add_with_ids(vectors[start:start + 100_000], ids[start:start + 100_000])
            log.info("%s: approximate index re-keyed by rowid (%d vectors)", self.path.name, len(ids))
            self._index = upgraded
            ivf = faiss.extract_index_ivf(upgraded)
            if not self.readonly:
                self.save()  # once
        ivf.nprobe = NPROBE
        if ivf.direct_map.type != faiss.DirectMap.Hashtable:
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id

    @property
    def description(self) -> str:
        ivf = self._ivf()
        if ivf is None:
            return "exact (Flat)"
        return f"approximate (IVF{ivf.nlist},SQ8, nprobe {ivf.nprobe})"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None
               ) -> list[tuple[int, float]]:
        found = self.search_many(vector.reshape(1, -1), k, allowed)
        return found[0] if found else []

    def search_many(self, vectors: np.ndarray, k: int, allowed: Sequence[int] | None = None
                    ) -> list[list[tuple[int, float]]]:
        """The k nearest (id, score) for each row of `vectors`, optionally only among `allowed` ids."""
        faiss = _faiss()
        if len(self) == 0 or k <= 0 or (allowed is not None and not len(allowed)):
            return [[] for _ in range(len(vectors))]
        selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if self._ivf() is not None:
            params = faiss.SearchParametersIVF(sel=selector, nprobe=NPROBE)
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, ids = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(k, len(self)),
                                         params=params)
        return [[(int(i), float(s)) for i, s in zip(row_ids, row_scores) if i >= 0]
                for row_ids, row_scores in zip(ids, scores)]

    def reconstruct(self, ids: Sequence[int]) -> np.ndarray:
        return np.vstack([self._index.reconstruct(int(i)) for i in ids]) if len(ids) else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def convert_if_large(self, threshold: int) -> bool:
        """Switch from exact to approximate search once the index holds `threshold` vectors."""
        faiss = _faiss()
        n = len(self)
        if n < threshold or self._ivf() is not None:
            return False
        ids = faiss.vector_to_array(faiss.downcast_index(self._index).id_map).astype(np.int64)
        flat = faiss.downcast_index(faiss.downcast_index(self._index).index)
        vectors = faiss.vector_to_array(flat.codes).view(np.float32).reshape(n, self.dimension)
        factory = approximate_factory(n)
        index = faiss.index_factory(self.dimension, factory, faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.extract_index_ivf(index)
        sample = np.random.default_rng(0).choice(n, size=min(n, 64 * ivf.nlist), replace=False)
        log.info("switching %s to %s (%d vectors)", self.path.name, factory, n)
        index.train(vectors[np.sort(sample)])
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        for start in range(0, n, 100_000):
            index.add_with_ids(vectors[start:start + 100_000], ids[start:start + 100_000])
        self._index = index
        self._prepare_ivf()
        return True

    def reset(self) -> None:
        self._index.reset()

    def ids(self) -> np.ndarray:
        """Every id stored, once per entry (a duplicate shows twice)."""
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return faiss.vector_to_array(faiss.downcast_index(self._index).id_map).astype(np.int64)
        parts = []
        for number in range(ivf.nlist):
            size = ivf.invlists.list_size(number)
            if size:
                parts.append(faiss.rev_swig_ptr(ivf.invlists.get_ids(number), size).astype(np.int64))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def save(self) -> None:
        """Write the file through a temp file of its own, then rename it over the old one: a
        reader opens either the old file or the new one, never half of one."""
        faiss = _faiss()
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            faiss.write_index(self._index, tmp)
            os.replace(tmp, self.path)
        except BaseException as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(e, (RuntimeError, OSError)):
                raise IndexWriteFailed(self.path, _faiss_reason(e)) from None
            raise


@dataclass
class RemoveReport:
    removed: list[str] = field(default_factory=list)        # article ids removed
    not_found: list[str] = field(default_factory=list)      # ids not in the index
    stories_removed: list[str] = field(default_factory=list)  # stories left empty, removed too

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# What one bad record can raise while it is prepared or stored: it is reported and skipped.
# (Errors of the disk or the database as a whole are not in this list: they stop the run.)
RECORD_ERRORS: tuple[type[Exception], ...] = (
    *PREPARE_ERRORS, sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError, sqlite3.ProgrammingError)
_reason = error_reason
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
    """The slot of an input record stored already with the same text (`Index._stored_unchanged`)."""


UNCHANGED = _Unchanged()
# One input record on its way through Index.add: a record sent to the pure step (its result
# takes the slot's place when it comes back), or what needs no preparing.
_Slot = ArticleRecord | Problem | PreparedArticle | _Unchanged


class _VectorSink:
    """Adds vectors to the index's faiss indexes and saves them, with the rows marked embedded, every
    CHECKPOINT_SECONDS (or ten times as long as the last save took): a stopped run loses little."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.unsaved: list[int] = []
        self.added = 0
        self.started = time.monotonic()
        self.interval = CHECKPOINT_SECONDS

    def add(self, article_ids: Sequence[int], article_vectors: np.ndarray, sentence_ids: Sequence[int],
            sentence_vectors: np.ndarray | None) -> None:
        index = self.index
        index.article_vectors.add(article_ids, article_vectors)
        if len(sentence_ids) and sentence_vectors is not None:
            index.sentence_vectors.add(sentence_ids, sentence_vectors)
        self.unsaved.extend(article_ids)
        self.added += len(article_ids)
        if time.monotonic() - self.started >= self.interval:
            took = index._checkpoint(self.unsaved)
            self.unsaved, self.started, self.interval = [], time.monotonic(), max(CHECKPOINT_SECONDS, 10 * took)

    def finish(self) -> None:
        """Save what is left (switching to approximate search if the collection passed
        APPROXIMATE_FROM since the last checkpoint: Index._checkpoint)."""
        if not self.added:
            return
        self.index._checkpoint(self.unsaved)
        self.unsaved = []


class _Writer:
    """The second step of Index.add, in the index's process: stores each prepared article (or counts
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
        self.sink = _VectorSink(index)
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
            report.problems.append(Problem(source, f"cannot be stored: {_reason(e)}"))
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
        if report.added % COMMIT_ARTICLES == 0:
            self.store.commit()  # a stopped run keeps what it has read

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


class Index:
    """An index folder. Open it with `Index.open`; it records its model and refuses another.

    Opened read-only (`readonly=True`) it never writes: commands that only show things use it,
    and it works on a folder nobody may write to. Opened for writing, every method that changes
    the index takes the index's write lock (locking.py) for as long as it works, so two writers
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
            folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK) or not os.access(db_path if db_path.exists() else folder, os.W_OK):
            raise IndexReadOnly(folder)
        lock = WriteLock(folder, wait, on_wait)
        store = Store(db_path, migrate=False)
        try:
            stored = store.get_meta("model") if not store.pending_migrations() else None
            if stored is None:  # new, or made by an older crosscheck: set up under the lock
                with lock:
                    store.migrate()
                    stored = store.get_meta("model")
                    if stored is None:
                        stored = requested or DEFAULT_MODEL
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
        return VectorIndex(self.path / name, self._dimension(), factory, readonly=not self._may_write)

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
        db = self.store.db
        embedded = db.execute("SELECT count(*) FROM articles WHERE embedded = 1").fetchone()[0]
        if not self._may_write:
            if len(self._articles) < embedded:
                log.warning("index %s: %d vectors for %d embedded articles; a writing command "
                            "(`crosscheck check --repair`) embeds them again", self.path, len(self._articles), embedded)
            return
        sentences = db.execute("SELECT count(*) FROM sentences s JOIN articles a ON a.rowid = s.article_rowid "
                               "WHERE a.embedded = 1").fetchone()[0]
        if len(self._articles) != embedded or len(self.sentence_vectors) != sentences:
            self._reconcile_vectors()

    def _reconcile_vectors(self) -> int:
        """Make the vector files agree with the rows, under the write lock: drop vectors of rows
        not marked embedded (or gone), and mark for embedding again every article without exactly
        one vector for itself and for each of its sentences. Returns how many were marked."""
        assert self._articles is not None and self._may_write
        articles, sentences = self._articles, self.sentence_vectors
        db = self.store.db
        embedded = {r[0] for r in db.execute("SELECT rowid FROM articles WHERE embedded = 1")}
        owner = dict(db.execute("SELECT s.rowid, s.article_rowid FROM sentences s "
                                "JOIN articles a ON a.rowid = s.article_rowid WHERE a.embedded = 1"))
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
        with db:  # rows first: a crash before the files are saved leaves vectors of unmarked rows
            db.executemany("UPDATE articles SET embedded = 0 WHERE rowid = ?", [(r,) for r in sorted(redo)])
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

    # -- ingest and embed -----------------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike[str]], outlets: OutletDirectory | None = None,
               progress: ProgressFn | None = None, outlet: str | None = None,
               executor: Executor | None = None) -> IngestReport:
        """Read `paths` (files or folders), store new articles and embed them: `add` over the file readers.
        `outlet` is the outlet of articles that name none (.txt files, for one)."""
        return self.add(read_paths(paths, outlet), outlets, progress, executor)

    def add(self, records: Iterable[ArticleRecord | Mapping[str, Any] | Problem | PreparedArticle],
            outlets: OutletDirectory | None = None, progress: ProgressFn | None = None,
            executor: Executor | None = None) -> IngestReport:
        """Store new articles with their vectors. `records` are `ArticleRecord`s, or mappings with the
        JSONL fields (`text` required; `url`, `outlet`, `title`, `published`, `id`, `language`, `camp`,
        `country`); readers may pass `Problem`s for input they skipped, and callers `PreparedArticle`s
        they prepared themselves (`prepare.prepare_batch`). Bad records are reported, not fatal.

        Two steps: `executor` runs the pure one (`prepare.prepare_batch`: split, detect, anchors,
        embed) on batches of records, in this process by default (`LocalExecutor`), in worker
        processes (`LocalExecutor(workers=N)`) or on a Ray cluster (`ray_executor.RayExecutor`);
        this process stores the results in input order as they come back. Records already stored
        with the same text are counted as unchanged before they are sent. Holds the index's write
        lock throughout; rows are committed every COMMIT_ARTICLES and vectors saved every
        CHECKPOINT_SECONDS, so a stopped run keeps them."""
        with self.writing():
            return self._add(records, outlets or OutletDirectory(), progress, executor or LocalExecutor())

    def _add(self, records: Iterable[ArticleRecord | Mapping[str, Any] | Problem | PreparedArticle],
             directory: OutletDirectory, progress: ProgressFn | None, executor: Executor) -> IngestReport:
        writer = _Writer(self, progress)
        in_flight: deque[list[_Slot]] = deque()  # the input records of each batch sent, oldest first
        batches = self._batches(records, executor.batch_size, in_flight)
        prepared_batches = executor.map(batches, directory, self.model, lambda: self.embedder)
        try:
            for results in prepared_batches:
                slots = in_flight.popleft()
                answers = iter(results)
                for slot in slots:
                    writer.take(next(answers) if isinstance(slot, ArticleRecord) else slot)
                writer.flush_vectors()
        finally:  # a generator is closed at once on an error here: a Ray run stops its workers
            close = getattr(prepared_batches, "close", None)
            if close is not None:
                close()
        report = writer.finish()
        articles, sentences = self.embed_pending(progress)  # rows stored without vectors by a stopped run
        report.embedded_articles += articles
        report.embedded_sentences += sentences
        return report

    def _batches(self, records: Iterable[ArticleRecord | Mapping[str, Any] | Problem | PreparedArticle],
                 size: int, in_flight: deque[list[_Slot]]) -> Iterator[list[ArticleRecord]]:
        """Batches of up to `size` records for the pure step. Every input record takes a slot in
        order (a Problem, UNCHANGED, a caller's PreparedArticle, or the record sent); each batch's
        slots are queued on `in_flight` as the batch is handed over."""
        slots: list[_Slot] = []
        send: list[ArticleRecord] = []
        for number, raw in enumerate(records, start=1):
            item = raw if isinstance(raw, (ArticleRecord, Problem, PreparedArticle)) \
                else record_from_fields(raw, f"record {number}")
            if isinstance(item, ArticleRecord):
                if self._stored_unchanged(item):
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

    def _stored_unchanged(self, record: ArticleRecord) -> bool:
        """True when this record's text is stored under its id already (checked again when stored)."""
        try:
            key, digest = record_key(record)
        except RECORD_ERRORS:
            return False  # the pure step reports it
        return any(stored == digest for _, stored in self.store.revisions_of(key))

    def embed_pending(self, progress: ProgressFn | None = None) -> tuple[int, int]:
        """Embed every stored article that has no vectors yet; returns (articles, sentences).
        Ingest embeds as it stores; rows without vectors are left by a run stopped between
        committing rows and saving vectors, or by a damaged vector file (`check --repair`)."""
        with self.writing():
            return self._embed_pending(progress)

    def _embed_pending(self, progress: ProgressFn | None) -> tuple[int, int]:
        _ = self.article_vectors  # loaded (and checked against the rows) first
        pending = self.store.count_unembedded()
        if pending == 0:
            return 0, 0
        done_articles = done_sentences = 0
        sink = _VectorSink(self)
        last = 0
        while True:
            batch = self.store.unembedded(after=last, limit=64)
            if not batch:
                break
            last = batch[-1][0]
            texts: list[str] = []
            for _rowid, title, sents in batch:
                texts.append(title)
                texts.extend(t for _, t in sents)
            vectors = self.embedder.embed(texts)
            art_ids: list[int] = []
            sent_ids: list[int] = []
            art_vecs: list[np.ndarray] = []
            sent_vecs: list[np.ndarray] = []
            pos = 0
            for rowid, _title, sents in batch:
                title_vec, sent_block = vectors[pos], vectors[pos + 1: pos + 1 + len(sents)]
                pos += 1 + len(sents)
                art_ids.append(rowid)
                art_vecs.append(article_vector(title_vec, sent_block))
                sent_ids.extend(s for s, _ in sents)
                if len(sents):
                    sent_vecs.append(sent_block)
            sink.add(art_ids, np.vstack(art_vecs), sent_ids, np.vstack(sent_vecs) if sent_vecs else None)
            done_articles += len(art_ids)
            done_sentences += len(sent_ids)
            if progress:
                progress("embed", len(art_ids), pending)
        sink.finish()
        return done_articles, done_sentences

    def _checkpoint(self, rowids: list[int]) -> float:
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

    def outlet_directory(self) -> OutletDirectory:
        """The default outlets list with the outlets this index was built with on top, so that
        an --outlets file given at ingest still holds when stories are compared later."""
        directory = OutletDirectory()
        for outlet in self.store.outlets():
            directory.add(outlet)
        return directory

    # -- query ----------------------------------------------------------------------------
    def query(self, text: str, k: int = 10, language: str | None = None, camp: str | None = None,
              sentences: bool = False, params: QueryParams = QueryParams()) -> list[Hit]:
        """Articles (or, with `sentences`, sentences) nearest to `text` in any language; articles are
        ranked by their cosine, the places, names and words they share with `text`, and fairly
        between languages (crosscheck/query.py).
        InvalidInput for empty text, an unknown camp, or a language no article here is in."""
        self._check_query(text, language, camp)
        vector = self.embedder.embed([text])[0]
        allowed = self.store.embedded_rowids(language, camp) if (language or camp) else None
        if not sentences:
            found = self.article_vectors.search(vector, max(k, params.candidates), allowed)
            found = self._rerank(text, found, params)[:k]
            articles = self.store.articles_by_rowid(i for i, _ in found)
            return [Hit(articles[i], score) for i, score in found if i in articles]
        allowed_sentences = self.store.sentence_rowids(allowed) if allowed is not None else None
        # boilerplate ("Subscribe to our newsletter") and datelines are no answer: ask for more
        # sentences than wanted and keep the claims (claims.is_claim)
        found = self.sentence_vectors.search(vector, SENTENCE_OVERFETCH * k, allowed_sentences)
        rows = self.store.sentences_by_rowid([i for i, _ in found])
        articles = self.store.articles_by_rowid({art for art, _ in rows.values()})
        hits = [Hit(articles[rows[i][0]], score, rows[i][1]) for i, score in found if i in rows]
        return [h for h in hits if h.sentence is not None and is_claim(h.sentence, h.article.language)][:k]

    def _rerank(self, text: str, found: list[tuple[int, float]], params: QueryParams) -> list[tuple[int, float]]:
        """`found` (rowid, cosine) re-scored by `query.rerank`, best first."""
        articles = self.store.articles_by_rowid(rowid for rowid, _ in found)
        stored = self.store.anchors_of([rowid for rowid, _ in found])
        candidates = [Candidate(rowid, cosine, articles[rowid].language,
                                f"{articles[rowid].title}\n{articles[rowid].text[:LEAD_CHARACTERS]}",
                                stored.get(rowid, ())) for rowid, cosine in found if rowid in articles]
        return rerank(text, candidates, self.store.anchor_counts, self.store.anchored_articles(), params)
    def _check_query(self, text: str, language: str | None, camp: str | None) -> None:
        if not text.strip():
            raise InvalidInput("the query is empty: give some words to search for, in any language")
        if camp is not None:
            parse_camp(camp)
        if language is not None:
            languages = sorted(k for k, _ in self.store.counts("language") if k != "?")
            if language not in languages:
                raise InvalidInput(f"no article in language {language!r} in this index: use one of "
                                   f"{', '.join(languages) or '(none yet)'} (two-letter codes)")

    # -- info -----------------------------------------------------------------------------
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
