"""Where the pure step of ingest runs on this machine: an `Executor` maps `prepare_batch` over
batches of records; `LocalExecutor` runs it in this process or in worker processes, each with
the model loaded once. (A Ray cluster is crosscheck/ingest/ray_workers.py.)
"""

from __future__ import annotations

import logging
import os
import signal
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING


from ..errors import InvalidInput, WorkerFailed
from ..index.embed import Embedder, available_cores, loads_anywhere
from ..records import ArticleRecord
from ..sources.outlets import OutletDirectory
from .prepare import DEFAULT_BATCH, Prepared, Preparer, StepTimes, _prepare_timed

if TYPE_CHECKING:  # imported when workers start: a cold `query` never needs them
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["Executor", "LocalExecutor", "POOL_FROM", "IN_FLIGHT_PER_WORKER", "MAX_AUTO_WORKERS"]

log = logging.getLogger("crosscheck")

# Records the default LocalExecutor prepares in its own process before it starts worker
# processes: starting two costs about 3.5 s (the model loaded in each), which 512 records
# (about 20 s of work) pay back; a small ingest never starts them.
POOL_FROM = 512
# Batches given to each worker at a time (a worker process here, a Ray actor in ray_workers.py):
# one it works on and one waiting, so that no worker waits for the writer between batches,
# while the writer holds at most 2 x workers batches.
IN_FLIGHT_PER_WORKER = 2
# Worker processes the default LocalExecutor starts at most, whatever the cores: each holds a
# model (a process that loads the default one and embeds peaks at 162 MB, docs/performance.md;
# large sentence-transformers models take gigabytes). Past this, the cores are shared out as
# BLAS threads (cores // workers each).
MAX_AUTO_WORKERS = 4


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
            processes = list(getattr(pool, "_processes", {}).values())
            for process in processes:
                process.terminate()
            for process in processes:
                process.join()
            # A worker ended while it sent its batch back leaves half a message in the result pipe,
            # and the pool's manager thread would wait for the rest for ever (and shutdown below
            # with it: a stopped ingest hung). With this process's copy of the pipe's writing end
            # closed too, no writer is left: it reads the end of the pipe instead, and stops.
            writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
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
