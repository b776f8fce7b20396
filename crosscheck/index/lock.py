"""One writer per index folder: a lock file taken with `fcntl.flock`.

Every command that changes an index (ingest and `add_records`, embedding, story updates,
`remove`, `check --repair`) holds the index's write lock while it works; readers never take
it. A second writer waits for the first, telling once who it waits for, or with `wait=False`
raises `IndexLocked`. The lock is the kernel's: it goes away with the process that held it, so
a killed writer leaves no stale lock behind (the file stays, unlocked).

`fcntl` rather than the `filelock` package: the standard library is enough on the systems
crosscheck runs on (Linux, macOS), and `flock` keeps the holder's pid readable in the file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ..errors import IndexLocked, IndexReadOnly, WorkerFailed

__all__ = ["WriteLock", "WaitFn", "LOCK_NAME"]

LOCK_NAME = "write.lock"

# on_wait(pid): called once when the lock is taken by another process (pid None if unknown).
WaitFn = Callable[["int | None"], None]


class WriteLock:
    """The write lock of the index folder `folder`; reentrant within one `WriteLock` object."""

    def __init__(self, folder: Path, wait: bool = True, on_wait: WaitFn | None = None) -> None:
        self.path = Path(folder) / LOCK_NAME
        self.wait = wait
        self.on_wait = on_wait
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def holder(self) -> int | None:
        """The pid written by the process holding (or last holding) the lock, if readable."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def acquire(self) -> bool:
        """Take the lock (waiting unless `wait` is off). True when this call took it first,
        False when this object already held it."""
        if self._depth:
            self._depth += 1
            return False
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise IndexReadOnly(self.path.parent) from None
            raise
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = self.holder()
                if pid is not None and pid == os.getppid() and _spawned():
                    raise WorkerFailed("a worker process of ingest ran its writer's script again and came to "
                                       "the index it holds: put the script's work under `if __name__ == "
                                       "\"__main__\":` (worker processes are started with multiprocessing's "
                                       "spawn, which imports the main module)")
                if not self.wait:
                    raise IndexLocked(self.path.parent, pid) from None
                if self.on_wait:
                    self.on_wait(pid)
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._depth = 1
        return True

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> "WriteLock":
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _spawned() -> bool:
    """True in a process started by multiprocessing (a worker of ingest, prepare.LocalExecutor),
    also while it is still running its parent's main module again, before it knows its parent:
    spawn runs that module under the name __mp_main__ (in any other process, multiprocessing
    makes __mp_main__ another name of __main__)."""
    import multiprocessing  # not at import time: the CLI's start-up stays light

    rerun = getattr(sys.modules.get("__mp_main__"), "__name__", "") == "__mp_main__"
    return rerun or multiprocessing.parent_process() is not None
