"""The pure step of ingest: records in, prepared articles with vectors out.

Sentence splitting, language detection, outlets, anchors and embedding need nothing from an
index, so they can run anywhere: in the writing process or in worker processes on this machine
(`LocalExecutor`, the default), or on the workers of a Ray cluster
(`crosscheck.ray_executor.RayExecutor`). All call the same `prepare_batch`, the workers through
a `Preparer` each. Adding the results to SQLite and faiss is the other step, `Index.add`, in
the index's own process under its write lock.

    from crosscheck.prepare import prepare_batch
    prepared = prepare_batch(records, OutletDirectory(), get_embedder())
"""

from __future__ import annotations

import logging
import os
import signal
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .embed import Embedder, available_cores, get_embedder, loads_anywhere, normalise
from .errors import CrosscheckError, InvalidInput, WorkerFailed
from .ingest import PreparedArticle, prepare
from .models import ArticleRecord, Problem
from .outlets import OutletDirectory

if TYPE_CHECKING:  # imported when workers start: a cold `query` never needs them
    from concurrent.futures import Future, ProcessPoolExecutor

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
    "Preparer",
    "LocalExecutor",
    "StepTimes",
    "POOL_FROM",
    "IN_FLIGHT_PER_WORKER",
    "MAX_AUTO_WORKERS",
]

log = logging.getLogger("crosscheck")

LEAD_SENTENCES = 5  # an article's vector is its title and lead, not its whole text
# Records per batch of the pure step. 64 articles are about 1,000 texts for the model, enough
# for its batches of 256 to be full; small enough that a stopped run loses little and a Ray
# batch crosses the network in well under a second.
DEFAULT_BATCH = 64
# Records the default LocalExecutor prepares in its own process before it starts worker
# processes: starting two costs about 3.5 s (the model loaded in each), which 512 records
# (about 20 s of work) pay back; a small ingest never starts them.
POOL_FROM = 512
# Batches given to each worker process at a time: one it works on and one waiting.
IN_FLIGHT_PER_WORKER = 2
# Worker processes the default LocalExecutor starts at most, whatever the cores: each holds a
# model (a process that loads the default one and embeds peaks at 162 MB, docs/performance.md;
# large sentence-transformers models take gigabytes). Past this, the cores are shared out as
# BLAS threads (cores // workers each).
MAX_AUTO_WORKERS = 4
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
    return _prepare_timed(records, outlets, embedder)[0]


class Preparer:
    """The pure step in one worker (a Ray actor, a LocalExecutor process): the model loaded once,
    then batch after batch. A model that cannot be loaded is raised by the first batch: an error
    raised while a worker starts (an actor's __init__, a pool's initializer) is lost."""

    def __init__(self, model: str, outlets: OutletDirectory) -> None:
        self.outlets = outlets
        self.embedder: Embedder | None = None
        self.failed: CrosscheckError | None = None
        try:
            self.embedder = get_embedder(model)
        except CrosscheckError as e:
            self.failed = e

    def prepare(self, batch: Sequence[ArticleRecord]) -> list[Prepared]:
        return self.prepare_timed(batch)[0]

    def prepare_timed(self, batch: Sequence[ArticleRecord]) -> tuple[list[Prepared], StepTimes]:
        if self.embedder is None:
            assert self.failed is not None
            raise self.failed
        return _prepare_timed(batch, self.outlets, self.embedder)


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
    """The pure step on this machine: in the calling process, or in worker processes.

    `workers`: 0 (the default) runs every batch in this process; N starts N worker processes,
    each loading the index's model by its name once, with cores // N BLAS threads; None
    chooses, as `crosscheck ingest` does: one process per core (at most MAX_AUTO_WORKERS) on a
    machine of two or more cores once the input has passed POOL_FROM records (a small ingest
    never pays the workers' start), and only for one of crosscheck's own models (one
    `register`ed at run time is unknown in a new process). The workers load the model by name
    also when an embedder object was handed to `Index.open`: keep `workers=0` to use that object.

    Why processes: the default model does 21.7 articles/s with one BLAS thread and 31.5 with
    two (1.45x, docs/scale.md), and while the step's own Python (language detection above all)
    runs, one core idles; two one-thread processes keep both cores on the work.
    Their vectors agree with those made in this process within float tolerance (summing order).
    Workers are started with multiprocessing's "spawn", which imports the caller's main module
    again: a script that ingests with workers needs the `if __name__ == "__main__":` guard
    (without it the worker stops at the index's write lock, and the ingest with WorkerFailed).
    A worker ends when its batch is done and the run is over, at once when the run is stopped,
    and by itself if the writing process dies.
    """

    def __init__(self, batch_size: int = DEFAULT_BATCH, workers: int | None = 0) -> None:
        if batch_size < 1:
            raise InvalidInput(f"the batch size must be at least 1, not {batch_size}")
        if workers is not None and workers < 0:
            raise InvalidInput(f"the number of worker processes must be 0 or more, not {workers}")
        self.batch_size = batch_size
        self.workers = workers
        self.times = StepTimes()  # of the last `map`
        self.started_workers = 0  # worker processes of the last `map`, for reports and tests
        self.pool: ProcessPoolExecutor | None = None  # while `map` runs with workers

    def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
            embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
        from concurrent.futures.process import BrokenProcessPool

        count = self._worker_count(model)
        self.times, self.started_workers = StepTimes(), 0
        pending: deque[Future[tuple[list[Prepared], StepTimes]] | None] = deque()  # None: an empty batch
        here = 0  # records prepared in this process
        loaded: Embedder | None = None
        finished = False
        try:
            for batch in batches:
                if self.pool is None and count and (self.workers is not None or here >= POOL_FROM):
                    self.pool = self._start(count, model, outlets)
                if self.pool is None:
                    if not batch:
                        yield []
                        continue
                    if loaded is None:  # not before there is something to embed: re-ingest loads no model
                        loaded = embedder()
                    yield self._timed(batch, outlets, loaded)
                    here += len(batch)
                    continue
                while len(pending) >= IN_FLIGHT_PER_WORKER * count:
                    yield self._collect(pending.popleft())
                pending.append(self.pool.submit(_prepare_here, list(batch)) if batch else None)
            while pending:
                yield self._collect(pending.popleft())
            finished = True
        except BrokenProcessPool as e:  # from submit or from a result: a worker died
            raise WorkerFailed(f"a worker process stopped (killed, out of memory, or it could not start: "
                               f"a script that ingests with worker processes needs the `if __name__ == "
                               f"\"__main__\":` guard){_cause(e)}; what was stored before is kept: run the "
                               f"same command again to go on, or add --workers 0 to prepare the articles "
                               f"in this process") from e
        finally:
            if self.pool is not None:
                self._stop(self.pool, finished)
                self.pool = None

    def _worker_count(self, model: str) -> int:
        if self.workers is not None:
            return self.workers
        cores = available_cores()
        if cores < 2 or not loads_anywhere(model):
            return 0
        return min(cores, MAX_AUTO_WORKERS)

    def _start(self, count: int, model: str, outlets: OutletDirectory) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        threads = max(1, available_cores() // count)
        log.info("ingest: %d worker processes of %d model thread(s), batches of %d records",
                 count, threads, self.batch_size)
        self.started_workers = count
        # spawn, not fork: the writer may hold BLAS and faiss threads, which a fork does not copy
        return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(model, threads, outlets))

    @staticmethod
    def _stop(pool: ProcessPoolExecutor, finished: bool) -> None:
        """Shut the pool down; on a stop or an error first end the workers, whose batches are no
        longer wanted (waiting for them could take a while with long articles)."""
        if not finished:
            # the pool's own processes: ProcessPoolExecutor has no public way to end them before 3.14
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def _timed(self, batch: Sequence[ArticleRecord], outlets: OutletDirectory, embedder: Embedder) -> list[Prepared]:
        prepared, times = _prepare_timed(batch, outlets, embedder)
        self.times.add(times)
        return prepared

    def _collect(self, future: Future[tuple[list[Prepared], StepTimes]] | None) -> list[Prepared]:
        if future is None:
            return []
        prepared, times = future.result()
        self.times.add(times)
        return prepared


def _cause(error: BaseException) -> str:
    """': ' and the first line of what made the pool break, if it says anything."""
    cause = error.__cause__
    text = str(cause).strip().splitlines()[0] if cause is not None and str(cause).strip() else ""
    return f": {type(cause).__name__}: {text[:200]}" if text else ""


@dataclass
class StepTimes:
    """Where the pure step's time went, summed over batches (and over worker processes)."""

    batches: int = 0
    records: int = 0
    texts: int = 0  # titles and sentences embedded
    prepare_seconds: float = 0.0  # splitting, detection, outlets, anchors
    embed_seconds: float = 0.0    # the model and the article vectors

    def add(self, other: StepTimes) -> None:
        self.batches += other.batches
        self.records += other.records
        self.texts += other.texts
        self.prepare_seconds += other.prepare_seconds
        self.embed_seconds += other.embed_seconds


def _prepare_timed(batch: Sequence[ArticleRecord], outlets: OutletDirectory, embedder: Embedder
                   ) -> tuple[list[Prepared], StepTimes]:
    """`prepare_batch`, timed."""
    began = time.perf_counter()
    prepared = prepare_records(batch, outlets)
    between = time.perf_counter()
    embed_prepared(prepared, embedder)
    texts = sum(1 + len(p.sentences) for p in prepared if isinstance(p, PreparedArticle))
    return prepared, StepTimes(1, len(batch), texts, between - began, time.perf_counter() - between)


# -- inside a worker process of LocalExecutor ---------------------------------------------------
_worker: Preparer | None = None


def _start_worker(model: str, threads: int, outlets: OutletDirectory) -> None:
    """Load the model once per worker process. Ctrl-C is the writer's to handle: it stops the pool."""
    import threading

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="crosscheck-parent-watch", daemon=True).start()
    os.environ["OMP_NUM_THREADS"] = str(threads)  # embedding_threads() reads it
    _worker = Preparer(model, outlets)


def _exit_with_parent() -> None:
    """End this worker when the writer has gone (killed, say): a spawned worker would otherwise
    wait for work for good, holding its model in memory."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _prepare_here(batch: list[ArticleRecord]) -> tuple[list[Prepared], StepTimes]:
    assert _worker is not None, "not in a worker process started by LocalExecutor"
    return _worker.prepare_timed(batch)
