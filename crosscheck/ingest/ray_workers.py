"""The pure step of ingest on a Ray cluster: `crosscheck ingest PATH... --ray [ADDRESS]`.

    from crosscheck import Index, RayExecutor, ingest_paths
    with Index.open("indexes/archive", create=True) as ix:
        ingest_paths(ix, ["archive.jsonl"], executor=RayExecutor("10.0.0.5:6379"))

One Ray actor per worker loads the model once and runs `prepare.prepare_batch` on batch after
batch; the index's own process stores the results in input order (ingest/writer.py). At most
IN_FLIGHT_PER_WORKER batches per worker are out at a time, so the input is read only as fast
as the cluster prepares it and the writer stores it. Ray is imported only here, and only when
this executor runs (the extra `crosscheck[ray]`); see docs/scale.md for running a cluster.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..errors import ClusterError, CrosscheckError, InvalidInput
from ..index.embed import Embedder
from ..records import ArticleRecord
from ..sources.outlets import OutletDirectory
from .prepare import DEFAULT_BATCH, Prepared, Preparer
from .workers import IN_FLIGHT_PER_WORKER, Executor

__all__ = ["RayExecutor", "LOCAL", "check_address", "is_address", "import_ray"]

log = logging.getLogger("crosscheck")

LOCAL = "local"  # the address that starts a Ray instance on this machine, for this run only
RAY_MISSING = "--ray needs Ray, which is an extra: pip install 'crosscheck[ray]'"
# What `ray.init(address=...)` takes: "local", "auto", HOST:PORT of a head node (6379 by
# default), or ray://HOST:PORT of its client server (10001 by default).
_ADDRESS = re.compile(r"(?:ray://)?\[?[\w.\-:]+\]?:\d{1,5}|auto|local")


def import_ray() -> Any:
    """The ray module, or ClusterError naming the extra to install."""
    try:
        import ray
    except ImportError:
        raise ClusterError(RAY_MISSING) from None
    return ray


def is_address(value: str) -> bool:
    """True for what `ray.init` takes as an address (HOST:PORT, ray://HOST:PORT, auto, local)."""
    return bool(_ADDRESS.fullmatch(value))


def check_address(address: str | None) -> str:
    """The address to give `ray.init`: LOCAL for None or empty; InvalidInput for a value that is
    not an address (a path written after `--ray`, say)."""
    if not address:
        return LOCAL
    if not is_address(address):
        raise InvalidInput(f"--ray {address}: not a Ray address; give HOST:PORT of the head node "
                           "(10.0.0.5:6379), ray://HOST:PORT, or auto, or put --ray after the paths "
                           "to start a local cluster")
    return address


class _Preparer(Preparer):
    """One per worker, as a Ray actor: loads the model once, then prepares batch after batch."""

    def describe(self) -> dict[str, Any]:
        """Where this worker runs and how many threads its model uses (for tests and benchmarks)."""
        import os

        return {"pid": os.getpid(), "threads": getattr(getattr(self.embedder, "_model", None), "threads", None)}


class RayExecutor(Executor):
    """Runs the pure step on Ray workers, one actor per worker with the model loaded once.

    `address`: a running cluster (HOST:PORT, ray://HOST:PORT, auto); None or "local" starts a
    Ray instance on this machine for the run and stops it after. If Ray is already initialised
    in this process (`ray.init(...)` by the caller), that instance is used and left running.
    `workers`: actors to start (default: the cluster's CPUs / `cpus_per_worker`).
    """

    def __init__(self, address: str | None = None, workers: int | None = None, batch_size: int = DEFAULT_BATCH,
                 cpus_per_worker: float = 1.0) -> None:
        if batch_size < 1:
            raise InvalidInput(f"the batch size must be at least 1, not {batch_size}")
        if workers is not None and workers < 1:
            raise InvalidInput(f"the number of Ray workers must be at least 1, not {workers}")
        if cpus_per_worker <= 0:
            raise InvalidInput(f"CPUs per Ray worker must be more than 0, not {cpus_per_worker}")
        if importlib.util.find_spec("ray") is None:  # said before any work, not when the first batch is due
            raise ClusterError(RAY_MISSING)
        self.address = check_address(address)
        self.workers = workers
        self.batch_size = batch_size
        self.cpus_per_worker = cpus_per_worker
        self.actors: list[Any] = []  # while `map` runs

    def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
            embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
        ray = import_ray()
        started = self._connect(ray)
        try:
            self.actors = self._start_workers(ray, model, outlets)
            yield from self._run(ray, batches)
        except ray.exceptions.RayError as e:
            raise self._worker_error(e) from None
        finally:
            for actor in self.actors:
                ray.kill(actor)
            self.actors = []
            if started:
                ray.shutdown()

    def _connect(self, ray: Any) -> bool:
        """Join the cluster (or start a local one); True if this run started Ray and must stop it."""
        if ray.is_initialized():
            return False
        options: dict[str, Any] = {"address": self.address, "logging_level": logging.WARNING}
        if self.address == LOCAL:
            options.update(include_dashboard=False,
                           num_cpus=(self.workers * self.cpus_per_worker) if self.workers else None)
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = "start a local Ray instance" if self.address == LOCAL else f"reach the Ray cluster at {self.address}"
            raise ClusterError(f"cannot {where}: {_first_line(e)}; start the head node with `ray start --head` "
                               "and pass the address it prints (see docs/scale.md)") from None
        return True

    def _start_workers(self, ray: Any, model: str, outlets: OutletDirectory) -> list[Any]:
        cpus = float(ray.cluster_resources().get("CPU", 0))
        count = self.workers or max(1, int(cpus // self.cpus_per_worker))
        if count * self.cpus_per_worker > cpus:
            raise InvalidInput(f"{count} Ray workers of {self.cpus_per_worker:g} CPU need {count * self.cpus_per_worker:g} "
                               f"CPUs; the cluster has {cpus:g}: ask for fewer workers, or add nodes "
                               "(`ray start --address HEAD:6379` on each)")
        worker = ray.remote(num_cpus=self.cpus_per_worker)(_Preparer)
        shared = ray.put(outlets)  # sent once, not once per actor
        log.info("ray: %d workers of %g CPU, batches of %d records", count, self.cpus_per_worker, self.batch_size)
        return [worker.remote(model, shared) for _ in range(count)]

    def _run(self, ray: Any, batches: Iterable[Sequence[ArticleRecord]]) -> Iterator[list[Prepared]]:
        """Each batch to the worker with the fewest outstanding; results yielded in input order.
        A new batch is read only when fewer than IN_FLIGHT_PER_WORKER x workers are out."""
        outstanding = [0] * len(self.actors)
        queue: deque[tuple[int, Any]] = deque()  # (worker, result ref), oldest first; (-1, None) for an empty batch
        limit = IN_FLIGHT_PER_WORKER * len(self.actors)

        def oldest() -> list[Prepared]:
            worker, ref = queue.popleft()
            if ref is None:
                return []
            outstanding[worker] -= 1
            return list(ray.get(ref))

        for batch in batches:
            while len(queue) >= limit:
                yield oldest()
            if not batch:
                queue.append((-1, None))
                continue
            worker = min(range(len(self.actors)), key=outstanding.__getitem__)
            queue.append((worker, self.actors[worker].prepare.remote(list(batch))))
            outstanding[worker] += 1
        while queue:
            yield oldest()

    @staticmethod
    def _worker_error(error: Exception) -> CrosscheckError:
        """A worker's CrosscheckError as it was raised there; anything else as a ClusterError."""
        cause = getattr(error, "cause", None)
        if isinstance(cause, CrosscheckError):
            return cause
        return ClusterError(f"a Ray worker failed: {_first_line(cause or error)}; what was stored before "
                            "is kept: run the same command again to go on")


def _first_line(error: BaseException) -> str:
    """An error as one line: its type and the first line of its message, terminal colours dropped."""
    lines = [_COLOUR.sub("", line).strip() for line in str(error).splitlines()]
    text = next((line for line in lines if line), "")
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
