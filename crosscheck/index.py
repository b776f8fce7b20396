"""An index folder: the SQLite store, the faiss vector indexes and the model that made them.

`Index` is the library's entry point for ingest → embed → query:

    from crosscheck import Index
    with Index.open("indexes/default", create=True) as ix:
        ix.ingest(["samples/"])
        for hit in ix.query("Russia and Turkey exchange intelligence", k=5):
            print(hit.score, hit.article.outlet, hit.article.title)
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .claims import is_claim
from .embed import DEFAULT_MODEL, Embedder, get_embedder, normalise
from .errors import IndexModelMismatch, IndexNotFound, check_folder
from .ingest import prepare, read_paths, record_from_fields
from .models import ArticleRecord, Hit, IngestReport, Problem
from .outlets import OutletDirectory
from .paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, index_dir
from .store import Store

__all__ = ["Index", "VectorIndex", "ProgressFn", "article_vector", "LEAD_SENTENCES"]

log = logging.getLogger("crosscheck")

# progress(stage, advance, total): stages are "ingest" (records read) and "embed" (articles).
ProgressFn = Callable[[str, int, int], None]

DEFAULT_VECTOR_INDEX = "IDMap2,Flat"  # exact inner product; see VectorIndex
LEAD_SENTENCES = 5  # an article's vector is its title and lead, not its whole text
# Long runs save their vectors and mark the rows done every CHECKPOINT_SECONDS, or every ten
# times as long as the last save took when the files are large, so that an interrupted run
# loses little work and saving never takes more than about a tenth of the time.
CHECKPOINT_SECONDS = 60.0
COMMIT_ARTICLES = 1000  # stored articles are committed this often while reading input
# Exact search up to this many vectors, an approximate index past it (docs/performance.md).
APPROXIMATE_FROM = 100_000
NPROBE = 64  # inverted lists visited per query by the approximate index
SENTENCE_OVERFETCH = 3  # sentences searched per one wanted, so that dropping non-claims still leaves k


def article_vector(title: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """An article's vector: title, lead and whole text, each normalised, weighted equally.

    Measured on the SemEval-2022 pairs (benchmarks/accuracy.py): Pearson with the human
    "same story" rating 0.66 for the mean of all sentences, 0.69 for title + lead, 0.71 for
    title + lead + mean.
    """
    if len(sentences) == 0:
        return normalise(title[None, :])[0]
    lead = normalise(sentences[:LEAD_SENTENCES].mean(axis=0, keepdims=True))[0]
    whole = normalise(sentences.mean(axis=0, keepdims=True))[0]
    return normalise((normalise(title[None, :])[0] + lead + whole)[None, :])[0]


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

    def __init__(self, path: Path, dimension: int, factory: str = DEFAULT_VECTOR_INDEX) -> None:
        faiss = _faiss()
        self.path = path
        self.dimension = dimension
        if path.exists():
            self._index = faiss.read_index(str(path))
        else:
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

    def save(self) -> None:
        faiss = _faiss()
        tmp = self.path.with_suffix(".tmp")
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, self.path)


class Index:
    """An index folder. Open it with `Index.open`; it records its model and refuses another."""

    def __init__(self, path: Path, store: Store, model: str, embedder: Embedder | None = None) -> None:
        self.path = path
        self.store = store
        self.model = model
        self._embedder = embedder
        self._articles: VectorIndex | None = None
        self._sentences: VectorIndex | None = None

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, model: str | None = None,
             create: bool = False, embedder: Embedder | None = None) -> "Index":
        """Open the index at `path` (see paths.index_dir); `create` makes it when missing.

        `model` must match the model the index was built with (IndexModelMismatch otherwise);
        None means "whatever it was built with", or the default for a new index.
        """
        folder = index_dir(path)
        check_folder(folder, "--index")
        db_path = folder / DB_NAME
        if not db_path.exists():
            if not create:
                raise IndexNotFound(folder)
            folder.mkdir(parents=True, exist_ok=True)
        store = Store(db_path)
        stored = store.get_meta("model")
        requested = model or (embedder.model_id if embedder else None)
        if stored is None:
            chosen = requested or DEFAULT_MODEL
            store.set_meta("model", chosen)
            store.set_meta("vector_index", DEFAULT_VECTOR_INDEX)
        else:
            if requested and requested != stored:
                store.close()
                raise IndexModelMismatch(folder, stored, requested)
            chosen = stored
        return cls(folder, store, chosen, embedder)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- parts, loaded when first needed ----------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.model)
        return self._embedder

    def _dimension(self) -> int:
        stored = self.store.get_meta("dimension")
        if stored is None:
            stored = str(self.embedder.dimension)
            self.store.set_meta("dimension", stored)
        return int(stored)

    def _vectors(self, name: str) -> VectorIndex:
        factory = self.store.get_meta("vector_index") or DEFAULT_VECTOR_INDEX
        return VectorIndex(self.path / name, self._dimension(), factory)

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
        """The faiss files and the rows marked embedded must agree. A run stopped between saving
        vectors and marking rows leaves vectors of unmarked rows: they are dropped (the rows get
        embedded again). Fewer vectors than marked rows (a lost file) means embedding all again."""
        assert self._articles is not None
        embedded = self.store.db.execute("SELECT count(*) FROM articles WHERE embedded = 1").fetchone()[0]
        if len(self._articles) == embedded:
            return
        if len(self._articles) > embedded:
            pending = [r[0] for r in self.store.db.execute("SELECT rowid FROM articles WHERE embedded = 0")]
            log.warning("index %s: dropping vectors of %d articles an interrupted run did not finish",
                        self.path, len(self._articles) - embedded)
            self._articles.remove(pending)
            self.sentence_vectors.remove(self.store.sentence_rowids(pending))
            if len(self._articles) == embedded:
                return
        log.warning("index %s: %d vectors for %d embedded articles; embedding everything again",
                    self.path, len(self._articles), embedded)
        self._articles.reset()
        self.sentence_vectors.reset()
        with self.store.db:
            self.store.db.execute("UPDATE articles SET embedded = 0")

    # -- ingest and embed -----------------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike[str]], outlets: OutletDirectory | None = None,
               progress: ProgressFn | None = None) -> IngestReport:
        """Read `paths` (files or folders), store new articles and embed them: `add` over the file readers."""
        return self.add(read_paths(paths), outlets, progress)

    def add(self, records: Iterable[ArticleRecord | Mapping[str, Any] | Problem],
            outlets: OutletDirectory | None = None, progress: ProgressFn | None = None) -> IngestReport:
        """Store new articles and embed them. `records` are `ArticleRecord`s, or mappings with the
        JSONL fields (`text` required; `url`, `outlet`, `title`, `published`, `id`, `language`, `camp`,
        `country`); readers may pass `Problem`s for input they skipped. Bad records are reported, not fatal."""
        directory = outlets or OutletDirectory()
        report = IngestReport()
        unknown: set[str] = set()
        saved_outlets: set[str] = set()
        for number, raw in enumerate(records, start=1):
            item = raw if isinstance(raw, (ArticleRecord, Problem)) else record_from_fields(raw, f"record {number}")
            if progress:
                progress("ingest", 1, 0)
            if isinstance(item, Problem):
                report.problems.append(item)
                report.skipped += 1
                continue
            prepared = prepare(item, directory)
            values = prepared.values
            if self.store.article_by_id(values["id"]) is not None:
                report.unchanged += 1
                continue
            report.problems.extend(prepared.problems)
            duplicate_of = self.store.first_with_hash(values["content_hash"])
            if duplicate_of:
                values["duplicate_of"] = duplicate_of
                report.duplicates += 1
            if prepared.outlet is None:
                unknown.add(values["outlet"])
            elif prepared.outlet.name not in saved_outlets:
                self.store.save_outlet(prepared.outlet)
                saved_outlets.add(prepared.outlet.name)
            rowid = self.store.insert_article(
                values, [(s.paragraph, s.start, s.end, s.text) for s in prepared.sentences])
            self.store.save_anchors({rowid: prepared.anchors})
            report.added += 1
            if report.added % COMMIT_ARTICLES == 0:
                self.store.commit()  # a stopped run keeps what it has read
        self.store.commit()
        report.unknown_outlets = sorted(unknown)
        articles, sentences = self.embed_pending(progress)
        report.embedded_articles, report.embedded_sentences = articles, sentences
        return report

    def embed_pending(self, progress: ProgressFn | None = None) -> tuple[int, int]:
        """Embed every stored article that has no vectors yet; returns (articles, sentences)."""
        pending = self.store.count_unembedded()
        if pending == 0:
            return 0, 0
        article_index, sentence_index = self.article_vectors, self.sentence_vectors
        done_articles = done_sentences = 0
        unsaved: list[int] = []
        last = 0
        started = time.monotonic()
        interval = CHECKPOINT_SECONDS
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
            article_index.add(art_ids, np.vstack(art_vecs))
            if sent_ids:
                sentence_index.add(sent_ids, np.vstack(sent_vecs))
            unsaved.extend(art_ids)
            done_articles += len(art_ids)
            done_sentences += len(sent_ids)
            if progress:
                progress("embed", len(art_ids), pending)
            if time.monotonic() - started >= interval:
                took = self._checkpoint(unsaved)
                unsaved, started, interval = [], time.monotonic(), max(CHECKPOINT_SECONDS, 10 * took)
        for vectors_index in (article_index, sentence_index):
            vectors_index.convert_if_large(APPROXIMATE_FROM)
        self._checkpoint(unsaved)
        return done_articles, done_sentences

    def _checkpoint(self, rowids: list[int]) -> float:
        """Vectors to disk first, then the rows marked: a crash in between only costs re-embedding.
        Returns the seconds it took."""
        began = time.monotonic()
        self.article_vectors.save()
        self.sentence_vectors.save()
        self.store.mark_embedded(rowids)
        return time.monotonic() - began

    def outlet_directory(self) -> OutletDirectory:
        """The default outlets list with the outlets this index was built with on top, so that
        an --outlets file given at ingest still holds when stories are compared later."""
        directory = OutletDirectory()
        for outlet in self.store.outlets():
            directory.add(outlet)
        return directory

    # -- query ----------------------------------------------------------------------------
    def query(self, text: str, k: int = 10, language: str | None = None, camp: str | None = None,
              sentences: bool = False) -> list[Hit]:
        """Articles (or, with `sentences`, sentences) nearest to `text` in any language."""
        vector = self.embedder.embed([text])[0]
        allowed = self.store.embedded_rowids(language, camp) if (language or camp) else None
        if not sentences:
            found = self.article_vectors.search(vector, k, allowed)
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
