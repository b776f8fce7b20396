"""`crosscheck serve` as a user starts and stops it: a real process with the real default model
(its query processes: web/embedding.py), real signals, a real socket in the way.

- stopped while it starts (`kill`, or Ctrl-C to it or to its whole process group as a terminal
  sends it), it exits at once with one line and leaves none of its processes behind;
- on a port another program listens on, it says so in one line naming the fix, before it loads
  the model: no "serving" line, no query process started.

Processes are found in /proc (Linux), so these tests need no extra package.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..conftest import ROOT
from .test_serve import free_port

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes from /proc (Linux)")

STARTING_SECONDS = 60  # until the query processes exist, on a busy 2-core machine
STOPPED_SECONDS = 15   # a stop asked for during start-up: it must not wait for the model to load
# Ctrl-C as a shell started it, whatever this process does with SIGINT (a process inherits SIGINT
# ignored or blocked, and Python then leaves it so)
AS_FROM_A_TERMINAL = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                      "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); ")


def children(pid: int) -> list[int]:
    """The processes `pid` started that still run (Linux keeps each thread's own list)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # the thread or the process has ended
            pass
    return found


def descendants(pid: int) -> dict[int, str]:
    """Every process under `pid`, with its command line (to tell it from a later one of the same id)."""
    out: dict[int, str] = {}
    todo = children(pid)
    while todo:
        child = todo.pop()
        line = command_line(child)
        if line is not None:
            out[child] = line
            todo += children(child)
    return out


def command_line(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def still_running(processes: dict[int, str], seconds: float) -> dict[int, str]:
    """Those of `processes` still there (and not zombies) after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        left = {pid: line for pid, line in processes.items() if command_line(pid) == line and not zombie(pid)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@contextmanager
def serve(index: Path, port: int, tmp_path: Path
          ) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path, dict[int, str]]]:
    """`crosscheck serve` in a session of its own (so that it can be sent a terminal's Ctrl-C),
    its output in files (a pipe would stay open as long as any process it left behind runs), and
    the processes it started as the test saw them: those still running at the end are killed, so
    that a failing test leaves nothing behind either."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL + "from crosscheck.cli import main; main()",
                                 "serve", "--index", str(index), "--port", str(port)],
                                stdout=o, stderr=e, env=env, cwd=ROOT, start_new_session=True)
    seen: dict[int, str] = {}
    try:
        yield proc, out, err, seen
    finally:
        seen.update(descendants(proc.pid))
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid, line in still_running(seen, 0).items():
            os.kill(pid, signal.SIGKILL)


def workers_of(pid: int) -> dict[int, str]:
    return {p: line for p, line in descendants(pid).items() if "spawn_main" in line}


@pytest.mark.parametrize(("sig", "whole_group"), [(signal.SIGTERM, False), (signal.SIGINT, False),
                                                   (signal.SIGINT, True)],
                         ids=["kill", "ctrl-c", "ctrl-c-in-a-terminal"])
def test_stopping_serve_while_it_starts_leaves_no_process(sample_index_path: Path, tmp_path: Path,
                                                          sig: signal.Signals, whole_group: bool) -> None:
    """A new user's `kill PID` while serve still printed "loading the model and the index ..."
    left its resource tracker and both query processes running under PID 1, the index open."""
    with serve(sample_index_path, free_port(), tmp_path) as (proc, out, err, seen):
        deadline = time.monotonic() + STARTING_SECONDS
        while len(workers_of(proc.pid)) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, err.read_text()
            time.sleep(0.02)
        started = descendants(proc.pid)
        seen.update(started)
        assert any("spawn_main" in line for line in started.values()), (started, err.read_text())
        assert "serving" not in out.read_text()  # still starting: the query processes load the model

        (os.killpg if whole_group else os.kill)(proc.pid, sig)
        asked = time.monotonic()
        try:
            code = proc.wait(timeout=STOPPED_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOPPED_SECONDS} s after {sig.name}: {err.read_text()}")
        took = time.monotonic() - asked

        left = still_running(started, 5)
        assert not left, f"left behind after {sig.name}: {left}"
        stderr = err.read_text()
        assert code == 128 + sig, (code, stderr)
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
        assert stderr.strip().splitlines()[-1] == "stopped before the server started", stderr
        assert "serving" not in out.read_text()
        assert took < STOPPED_SECONDS


def test_serve_on_a_port_in_use_says_so_before_loading_the_model(sample_index_path: Path, tmp_path: Path) -> None:
    """It printed "serving ... at http://127.0.0.1:PORT/" after loading the model, then uvicorn's
    "ERROR: [Errno 98] ... address already in use" (exit 3)."""
    with socket.socket() as other:  # another program listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with serve(sample_index_path, port, tmp_path) as (proc, out, err, ever):
            deadline = time.monotonic() + STARTING_SECONDS
            while proc.poll() is None:
                ever.update(descendants(proc.pid))
                assert time.monotonic() < deadline, err.read_text()
                time.sleep(0.01)
            stderr = err.read_text()
            assert proc.returncode == 1, (proc.returncode, stderr)
            assert not ever, f"started processes for the model before finding the port taken: {ever}"
            assert "serving" not in out.read_text(), out.read_text()
            assert "Traceback" not in stderr and "Errno" not in stderr, stderr
            errors = [line for line in stderr.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0] and "--port" in errors[0], stderr


def test_serve_on_port_0_names_the_port_the_system_chose(sample_index_path: Path, tmp_path: Path) -> None:
    """`--port 0` lets the system choose a free port; serve printed "serving ... at
    http://127.0.0.1:0/", an address nobody can open."""
    import re
    import urllib.request

    with serve(sample_index_path, 0, tmp_path) as (proc, out, err, seen):
        deadline = time.monotonic() + STARTING_SECONDS
        while "serving" not in out.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        found = re.search(r"at http://127\.0\.0\.1:(\d+)/", out.read_text())
        assert found is not None and found.group(1) != "0", out.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/api/info", timeout=30) as answer:
            assert answer.status == 200
        seen.update(descendants(proc.pid))
        os.kill(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=STOPPED_SECONDS + 30) == 128 + signal.SIGINT, err.read_text()
        assert err.read_text().strip().splitlines()[-1] == "stopped", err.read_text()
