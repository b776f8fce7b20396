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
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .embed import DEFAULT_MODEL, Embedder, get_embedder, normalise
from .errors import IndexModelMismatch, IndexNotFound
from .ingest import prepare, read_paths
from .models import Hit, IngestReport, Problem
from .outlets import OutletDirectory
from .paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, index_dir
from .store import Store

__all__ = ["Index", "VectorIndex", "ProgressFn", "article_vector", "LEAD_SENTENCES"]

log = logging.getLogger("crosscheck")

# progress(stage, advance, total): stages are "ingest" (records read) and "embed" (articles).
ProgressFn = Callable[[str, int, int], None]

DEFAULT_VECTOR_INDEX = "IDMap2,Flat"  # exact inner product; see VectorIndex
LEAD_SENTENCES = 5  # an article's vector is its title and lead, not its whole text
CHECKPOINT_ARTICLES = 2000  # write faiss files and mark rows embedded this often


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


class VectorIndex:
    """A faiss index over unit vectors (inner product = cosine), keyed by SQLite rowids.

    The faiss factory string is kept in the store, so the index type can change (the
    performance work brings approximate types) without touching callers.
    """

    def __init__(self, path: Path, dimension: int, factory: str = DEFAULT_VECTOR_INDEX) -> None:
        import faiss

        self.path = path
        self.dimension = dimension
        if path.exists():
            self._index = faiss.read_index(str(path))
        else:
            self._index = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        id_array = np.asarray(ids, dtype=np.int64)
        # Re-adding after an interrupted run must not leave two vectors under one id.
        self._index.remove_ids(id_array)
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), id_array)

    def search(self, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None
               ) -> list[tuple[int, float]]:
        import faiss

        if len(self) == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if not allowed:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        scores, ids = self._index.search(vector.reshape(1, -1).astype(np.float32), min(k, len(self)),
                                         params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def reconstruct(self, ids: Sequence[int]) -> np.ndarray:
        return np.vstack([self._index.reconstruct(int(i)) for i in ids]) if ids else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def reset(self) -> None:
        self._index.reset()

    def save(self) -> None:
        import faiss

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

    def _check_consistency(self) -> None:
        """faiss files and the rows marked embedded must agree; if a crash left them apart, re-embed."""
        assert self._articles is not None
        embedded = self.store.db.execute("SELECT count(*) FROM articles WHERE embedded = 1").fetchone()[0]
        if embedded != len(self._articles):
            log.warning("index %s: %d vectors for %d embedded articles; re-embedding everything",
                        self.path, len(self._articles), embedded)
            self._articles.reset()
            self.sentence_vectors.reset()
            with self.store.db:
                self.store.db.execute("UPDATE articles SET embedded = 0")

    # -- ingest and embed -----------------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike[str]], outlets: OutletDirectory | None = None,
               progress: ProgressFn | None = None) -> IngestReport:
        """Read `paths`, store new articles and embed them. Bad records are reported, not fatal."""
        directory = outlets or OutletDirectory()
        report = IngestReport()
        unknown: set[str] = set()
        for item in read_paths(paths):
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
            if not prepared.known_outlet:
                unknown.add(values["outlet"])
            self.store.insert_article(
                values, [(s.paragraph, s.start, s.end, s.text) for s in prepared.sentences])
            report.added += 1
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
            art_ids, art_vecs, sent_ids, sent_vecs = [], [], [], []
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
            if len(unsaved) >= CHECKPOINT_ARTICLES:
                self._checkpoint(unsaved)
                unsaved = []
        self._checkpoint(unsaved)
        return done_articles, done_sentences

    def _checkpoint(self, rowids: list[int]) -> None:
        """Vectors to disk first, then the rows marked: a crash in between only costs re-embedding."""
        self.article_vectors.save()
        self.sentence_vectors.save()
        self.store.mark_embedded(rowids)

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
        found = self.sentence_vectors.search(vector, k, allowed_sentences)
        rows = self.store.sentences_by_rowid([i for i, _ in found])
        articles = self.store.articles_by_rowid({art for art, _ in rows.values()})
        return [Hit(articles[rows[i][0]], score, rows[i][1]) for i, score in found if i in rows]

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
            "vector_index": self.store.get_meta("vector_index"),
            "migrations": self.store.applied_migrations(),
            **self.store.totals(),
            "languages": dict(self.store.counts("language")),
            "camps": dict(self.store.counts("camp")),
            "outlets": dict(self.store.counts("outlet")),
            "bytes": sizes,
        }
