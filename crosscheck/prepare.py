"""The pure step of ingest: records in, prepared articles with vectors out.

Sentence splitting, language detection, outlets, anchors and embedding need nothing from an
index, so they can run anywhere: in the writing process (`LocalExecutor`, the default) or on
the workers of a Ray cluster (`crosscheck.ray_executor.RayExecutor`). Both call the same
`prepare_batch`. Adding the results to SQLite and faiss is the other step, `Index.add`, in the
index's own process under its write lock.

    from crosscheck.prepare import prepare_batch
    prepared = prepare_batch(records, OutletDirectory(), get_embedder())
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from .embed import Embedder, normalise
from .errors import InvalidInput
from .ingest import PreparedArticle, prepare
from .models import ArticleRecord, Problem
from .outlets import OutletDirectory

__all__ = [
    "LEAD_SENTENCES",
    "DEFAULT_BATCH",
    "PREPARE_ERRORS",
    "Prepared",
    "article_vector",
    "error_reason",
    "prepare_records",
    "embed_prepared",
    "prepare_batch",
    "Executor",
    "LocalExecutor",
]

LEAD_SENTENCES = 5  # an article's vector is its title and lead, not its whole text
# Records per batch of the pure step. 64 articles are about 1,000 texts for the model, enough
# for its batches of 256 to be full; small enough that a stopped run loses little and a Ray
# batch crosses the network in well under a second.
DEFAULT_BATCH = 64
# What one bad record can raise while it is prepared: it is reported and skipped.
PREPARE_ERRORS: tuple[type[Exception], ...] = (
    ValueError, TypeError, LookupError, AttributeError, RecursionError, OverflowError)

# One record's outcome: the article ready for the store, or why it could not be read.
Prepared = PreparedArticle | Problem


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


def error_reason(error: Exception) -> str:
    """An exception as one short line: its type and the start of its message."""
    text = str(error).splitlines()[0] if str(error) else ""
    text = text if len(text) <= 160 else text[:160] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def prepare_records(records: Sequence[ArticleRecord], outlets: OutletDirectory) -> list[Prepared]:
    """`ingest.prepare` for each record (split, detect the language, match the outlet, anchors);
    a Problem in its place for a record that cannot be read. Same length and order as `records`."""
    out: list[Prepared] = []
    for record in records:
        try:
            out.append(prepare(record, outlets))
        except PREPARE_ERRORS as e:
            out.append(Problem(record.source, f"cannot be read: {error_reason(e)}"))
    return out


def embed_prepared(prepared: Sequence[Prepared], embedder: Embedder) -> None:
    """Give each prepared article its vectors, in place: its title and sentences embedded in one
    call to the model, the article vector made from them (`article_vector`). Problems are passed over."""
    articles = [p for p in prepared if isinstance(p, PreparedArticle)]
    texts: list[str] = []
    for article in articles:
        texts.append(article.values["title"])
        texts.extend(s.text for s in article.sentences)
    vectors = embedder.embed(texts)
    position = 0
    for article in articles:
        count = len(article.sentences)
        title, block = vectors[position], vectors[position + 1: position + 1 + count]
        position += 1 + count
        article.model = embedder.model_id
        article.sentence_vectors = np.ascontiguousarray(block)  # its own array: sent alone across processes
        article.article_vector = article_vector(title, block)


def prepare_batch(records: Sequence[ArticleRecord], outlets: OutletDirectory, embedder: Embedder) -> list[Prepared]:
    """The pure step for a batch of records: prepared articles with vectors (or Problems), in order."""
    prepared = prepare_records(records, outlets)
    embed_prepared(prepared, embedder)
    return prepared


class Executor(ABC):
    """Runs `prepare_batch` over batches of records, wherever it likes; yields each batch's results
    in the order the batches came, and pulls the next batches only as results are taken (so that a
    large input is never all in memory and the writer keeps up)."""

    batch_size: int = DEFAULT_BATCH

    @abstractmethod
    def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
            embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
        """`prepare_batch` of each batch, in order. `model` names the index's model (workers in
        other processes load it by that name); `embedder()` gives the writer's own, loaded once."""


class LocalExecutor(Executor):
    """The pure step in the calling process, one batch at a time (the default)."""

    def __init__(self, batch_size: int = DEFAULT_BATCH) -> None:
        if batch_size < 1:
            raise InvalidInput(f"the batch size must be at least 1, not {batch_size}")
        self.batch_size = batch_size

    def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
            embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
        loaded: Embedder | None = None
        for batch in batches:
            if not batch:
                yield []
                continue
            if loaded is None:  # not before there is something to embed: re-ingest loads no model
                loaded = embedder()
            yield prepare_batch(batch, outlets, loaded)
