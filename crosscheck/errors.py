"""The exceptions crosscheck raises; the CLI prints each as one line that names the fix.

    CrosscheckError
    ├── IndexNotFound          no index folder where one was expected
    ├── IndexModelMismatch     the index was built with another embedding model
    ├── IndexLocked            another process is writing to the index (and we were told not to wait)
    ├── IndexReadOnly          a write asked of an index opened read-only, or in a read-only folder
    ├── IndexNeedsUpgrade      a read-only open found migrations only a writing command can apply
    ├── IndexDamaged           a database or vector file that cannot be read
    ├── IndexWriteFailed       a file of the index could not be written (a full disk, say)
    ├── UnknownModel           no embedder registered under that name
    ├── ModelUnavailable       the embedder's package or weights are not installed
    ├── OutletsFileError       an --outlets file that cannot be read
    ├── NothingIngested        every input was bad or missing
    ├── StoryNotFound          no story with that id
    ├── ArticleNotFound        no article with that id
    ├── FetchFailed            a feed or page could not be fetched (its url and one-line reason)
    │   ├── AddressRefused     its host is a loopback, private, ... address the user did not open
    │   └── OutOfTime          the run's time budget ran out before it was fetched
    ├── FeedNotFound           no feed with that URL in the index
    ├── NothingFetched         every feed failed, or there are no feeds
    ├── ClusterError           Ray is not installed, the cluster cannot be reached, or a worker failed
    ├── WorkerFailed           a worker process of local ingest stopped (killed, out of memory)
    ├── ReportWriteFailed      a report page could not be written (a full disk, a folder in the way)
    ├── VectorsMissing         a story's sentences have no vectors (a lost or older vector file)
    ├── BackupFailed           `crosscheck backup` could not make a whole copy
    ├── CannotListen           `crosscheck serve` cannot listen on that address and port
    │   └── PortInUse          another program listens on that port already
    └── InvalidInput           a value the caller gave that cannot be used (the CLI exits 2)
        ├── BadPath            a path of the wrong kind: a file where a folder is needed, ...
        └── FeedError          a feed URL, camp, date, interval or feeds file that will not do
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CrosscheckError",
    "IndexNotFound",
    "IndexModelMismatch",
    "IndexLocked",
    "IndexReadOnly",
    "IndexNeedsUpgrade",
    "IndexDamaged",
    "IndexWriteFailed",
    "UnknownModel",
    "ModelUnavailable",
    "OutletsFileError",
    "NothingIngested",
    "StoryNotFound",
    "ArticleNotFound",
    "InvalidInput",
    "BadPath",
    "check_folder",
    "check_output_file",
    "FetchFailed",
    "FeedError",
    "FeedNotFound",
    "NothingFetched",
    "ClusterError",
    "WorkerFailed",
    "AddressRefused",
    "OutOfTime",
    "CannotListen",
    "PortInUse",
]


class CrosscheckError(Exception):
    """Base class: every error crosscheck raises on purpose."""

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt without calling __init__, whose arguments differ from class to class: an error
        # raised in a worker process (prepare.LocalExecutor, Ray) reaches the writer as it was.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[CrosscheckError], args: tuple[object, ...], state: dict[str, object]) -> CrosscheckError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class IndexNotFound(CrosscheckError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"no index at {path}: run `crosscheck ingest samples/` (or your own files) first, "
            "or point --index / CROSSCHECK_INDEX at an existing index"
        )
        self.path = path


class IndexModelMismatch(CrosscheckError):
    def __init__(self, path: object, stored: str, requested: str) -> None:
        super().__init__(
            f"the index at {path} was built with model {stored!r}, not {requested!r}: "
            f"drop --model (or pass --model {stored}), or use another --index for the new model"
        )
        self.stored = stored
        self.requested = requested


class IndexLocked(CrosscheckError):
    def __init__(self, path: object, pid: int | None) -> None:
        who = f"pid {pid}" if pid else "another process"
        super().__init__(f"another crosscheck ({who}) is writing to the index at {path}: "
                         "run this again when it ends, or drop --no-wait to wait for it")
        self.path = path
        self.pid = pid


class IndexReadOnly(CrosscheckError):
    def __init__(self, path: object, detail: str = "") -> None:
        super().__init__(f"the index at {path} is read-only{detail}: this command writes to it; "
                         "run it on a copy of the index you can write to")
        self.path = path


class IndexNeedsUpgrade(CrosscheckError):
    def __init__(self, path: object, pending: list[str]) -> None:
        super().__init__(f"the index at {path} was made by an older crosscheck and needs "
                         f"{len(pending)} upgrade(s) ({', '.join(pending)}) that a read-only open cannot apply: "
                         "run `crosscheck check --repair` once (it writes), then try again")
        self.path = path
        self.pending = pending


class IndexDamaged(CrosscheckError):
    def __init__(self, path: object, detail: str,
                 fix: str = "run `crosscheck check --repair`, or rebuild the index from your files") -> None:
        super().__init__(f"{path} is damaged ({detail}): {fix}")
        self.path = path
        self.detail = detail


class IndexWriteFailed(CrosscheckError):
    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"could not write {path}: {reason}; what was stored before is intact: "
                         "free some space (or fix the folder's permissions) and run the command again")
        self.path = path
        self.reason = reason


class UnknownModel(CrosscheckError):
    pass


class ModelUnavailable(CrosscheckError):
    pass


class OutletsFileError(CrosscheckError):
    pass


class ClusterError(CrosscheckError):
    """The Ray path of ingest could not run: the `ray` extra is missing, the cluster cannot be
    reached, or a worker failed. What was stored before stays."""


class WorkerFailed(CrosscheckError):
    """A worker process of local ingest (prepare.LocalExecutor) stopped. What was stored before stays."""


class NothingIngested(CrosscheckError):
    pass


class StoryNotFound(CrosscheckError):
    def __init__(self, story_id: str, closest: list[str]) -> None:
        hint = f"; closest ids: {', '.join(closest)}" if closest else ""
        super().__init__(f"no story {story_id!r}{hint} (list them with `crosscheck stories`)")
        self.story_id = story_id
        self.closest = closest


class ArticleNotFound(CrosscheckError):
    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article {article_id!r} in the index: article ids are listed by "
                         "`crosscheck query ... --json` and `crosscheck stories --json`")
        self.article_id = article_id


class InvalidInput(CrosscheckError):
    """A value the caller gave that cannot be used (an empty query, a date that is not a date,
    an unknown camp): a usage error, so the CLI exits with code 2."""


class BadPath(InvalidInput):
    """A path of the wrong kind for what it is given for: a file where a folder is needed,
    a folder where a file is, or a folder under a file."""

    def __init__(self, path: object, option: str, problem: str, fix: str) -> None:
        super().__init__(f"{option} {path}: {problem}: {fix}")
        self.path = path
        self.option = option


def _file_on_the_way(target: Path) -> Path | None:
    """The nearest existing ancestor of `target` if it is a file (so nothing can be made under it)."""
    for parent in target.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def check_folder(path: os.PathLike[str] | str, option: str) -> None:
    """Raise BadPath unless `path` is a folder or can be made one (nothing on its way is a file)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise BadPath(target, option, "it is a file, not a folder",
                      f"give {option} a folder (a new one is created)")
    blocking = _file_on_the_way(target)
    if blocking is not None:
        raise BadPath(target, option, f"{blocking} is a file, not a folder",
                      f"give {option} a folder (a new one is created)")


def check_output_file(path: os.PathLike[str] | str, option: str) -> None:
    """Raise BadPath unless a file can be written at `path`: it is not a folder, nothing on its
    way is a file, and its folder exists (folders are never made unasked: a typo in the path
    would go unseen)."""
    target = Path(path)
    if target.is_dir():
        raise BadPath(target, option, "it is a folder",
                      f"give {option} a file name, such as {target / 'story.html'}")
    blocking = _file_on_the_way(target)
    if blocking is not None:
        raise BadPath(target, option, f"{blocking} is a file, not a folder",
                      f"give {option} a file in a folder")
    if not target.parent.is_dir():
        raise BadPath(target, option, f"the folder {target.parent} does not exist",
                      "create it first, or give a file in a folder that exists")


class FetchFailed(CrosscheckError):
    """A feed or page could not be fetched; `reason` is one line (`HTTP 404 Not Found`,
    `timed out ...`, `disallowed by .../robots.txt`). `retryable` marks failures worth trying
    again at once (timeouts, dropped connections); `status` is the HTTP status, if any."""

    def __init__(self, url: str, reason: str, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable


class FeedError(InvalidInput):
    """A feed URL, camp, date, interval or feeds file that will not do (a usage error)."""


class FeedNotFound(CrosscheckError):
    def __init__(self, url: str) -> None:
        super().__init__(f"no feed {url!r} in the index: list them with `crosscheck feeds list`")
        self.url = url


class NothingFetched(CrosscheckError):
    pass


class AddressRefused(FetchFailed):
    """A URL whose host is, or resolves to, a loopback, private, link-local, multicast or reserved
    address, on an origin the user did not open with --allow-private: never connected to, so that
    a feed cannot aim crosscheck at the machine it runs on or at its network. Not retried."""


class OutOfTime(FetchFailed):
    """The run's time budget (`fetch --budget`) ran out before this URL was fetched, or while it
    was: nothing is wrong with it, and the next run tries it again (it counts as no failed try)."""


class ReportWriteFailed(CrosscheckError):
    """A report page (`report --out`, `compare --html`) could not be written."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"could not write {path}: {reason}; pages written before are intact: free some "
                         "space, or give --out / --html a folder you may write to, and run the command again")
        self.path = path
        self.reason = reason


class VectorsMissing(CrosscheckError):
    """Articles whose sentences have no vectors, so their claims cannot be compared."""

    def __init__(self, path: object, missing: int, file: str) -> None:
        super().__init__(f"{missing} sentence(s) of these articles have no vector in {file} of the index at "
                         f"{path} (the file is missing, or older than the database): run `crosscheck check "
                         "--repair` to embed them again, then compare")
        self.path = path
        self.missing = missing


class BackupFailed(CrosscheckError):
    """`crosscheck backup` could not make a whole copy of the index."""


class CannotListen(CrosscheckError):
    """`crosscheck serve` cannot listen on `host`:`port` (an address not of this machine, a port
    below 1024 without the right to it, a name that does not resolve)."""

    def __init__(self, host: str, port: int, reason: str, fix: str = "") -> None:
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        super().__init__(f"cannot listen on {where} ({reason}): " + (
            fix or "give --host an address of this machine (127.0.0.1 by default) and --port a free port above 1023"))
        self.host = host
        self.port = port
        self.reason = reason


class PortInUse(CannotListen):
    """Another program (another `crosscheck serve`, say) listens on the port already."""

    def __init__(self, host: str, port: int) -> None:
        other = port + 1 if port < 65535 else port - 1
        super().__init__(host, port, f"port {port} is in use",
                         f"stop what listens there, or give `crosscheck serve` another --port (such as {other})")
