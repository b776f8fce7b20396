"""Local worker processes for the pure step of ingest (prepare.LocalExecutor with workers), with the real
default model loaded in each: the index must be the one a single-process ingest of the same records gives."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import crosscheck.ingest.writer as writer_mod
import crosscheck.ingest.workers as workers_mod
from crosscheck import Index, OutletDirectory
from crosscheck.cli import app
from crosscheck.index.embed import available_cores, loads_anywhere
from crosscheck.errors import IndexModelMismatch, InvalidInput, UnknownModel, WorkerFailed
from crosscheck.records import ArticleRecord
from crosscheck.ingest.workers import LocalExecutor
from crosscheck.ingest.writer import add_records
from crosscheck.index.query import search

from ..conftest import SAMPLES
from ..ingest.test_prepare import assert_same_index, interrupted_at, stored

ARTICLES = 10  # of samples/articles.jsonl: ru, tr and en


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """Longest first: the first batch takes a worker longest, so results come back out of order."""
    lines = (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:ARTICLES]
    return sorted((json.loads(line) for line in lines), key=lambda r: -len(r["text"]))


@pytest.fixture(scope="module")
def here(records: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The index as one process makes it."""
    executor = LocalExecutor(batch_size=4)
    with Index.open(tmp_path_factory.mktemp("here") / "ix", create=True) as ix:
        report = add_records(ix, records, executor=executor)
        assert report.added == ARTICLES and executor.started_workers == 0
        return stored(ix)


def live_workers() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_worker_processes_give_the_same_index(records: list[dict[str, Any]], here: dict[str, Any],
                                              tmp_path: Path) -> None:
    executor = LocalExecutor(batch_size=3, workers=2)
    with Index.open(tmp_path / "ix", create=True) as ix:
        report = add_records(ix, records, executor=executor)
        assert (report.added, report.skipped, report.embedded_articles) == (ARTICLES, 0, ARTICLES)
        assert ix.store.count_unembedded() == 0
        assert_same_index(stored(ix), here)
        assert search(ix, "Turkey and Russia share intelligence", k=1)
    assert executor.started_workers == 2 and executor.pool is None
    assert (executor.times.batches, executor.times.records) == (4, ARTICLES)  # 3 + 3 + 3 + 1, all in the workers
    assert executor.times.texts == report.embedded_articles + report.embedded_sentences
    assert not live_workers()  # stopped with the run


def test_the_default_choice_starts_workers_only_past_pool_from(records: list[dict[str, Any]], here: dict[str, Any],
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = LocalExecutor(batch_size=4, workers=None)
    with Index.open(tmp_path / "small", create=True) as ix:
        add_records(ix, records, executor=small)
    assert small.started_workers == 0  # 10 records: not worth starting processes

    monkeypatch.setattr(workers_mod, "POOL_FROM", 4)
    large = LocalExecutor(batch_size=2, workers=None)
    with Index.open(tmp_path / "large", create=True) as ix:
        report = add_records(ix, records, executor=large)
        assert report.added == ARTICLES
        assert_same_index(stored(ix), here)  # the first two batches here, the rest in the workers
    cores = available_cores()
    assert large.started_workers == (cores if cores >= 2 else 0)
    assert large.times.records == ARTICLES


def test_a_model_registered_at_run_time_stays_in_this_process(records: list[dict[str, Any]], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # hash-test is registered by tests/conftest.py in this process only
    assert loads_anywhere("use-multilingual") and loads_anywhere("sentence-transformers:/models/x")
    assert not loads_anywhere("hash-test")
    monkeypatch.setattr(workers_mod, "POOL_FROM", 0)
    executor = LocalExecutor(batch_size=2, workers=None)
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        assert add_records(ix, records, executor=executor).added == ARTICLES
    assert executor.started_workers == 0
    with Index.open(tmp_path / "ix") as ix:  # asked for explicitly, the workers say they cannot load it
        with pytest.raises(UnknownModel, match="unknown model 'hash-test'"):
            add_records(ix, [{"text": "Russia and Turkey met.", "url": "https://tass.ru/1"}], executor=LocalExecutor(workers=1))
        assert ix.store.totals()["articles"] == ARTICLES


def test_a_stopped_writer_keeps_what_it_committed_and_stops_the_workers(
        records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "COMMIT_ARTICLES", 2)

    executor = LocalExecutor(batch_size=1, workers=2)
    with Index.open(tmp_path / "ix", create=True) as ix, pytest.raises(KeyboardInterrupt):
        add_records(ix, interrupted_at(records, 7), executor=executor)
    assert executor.pool is None and not live_workers()
    with Index.open(tmp_path / "ix") as ix:
        kept = ix.store.totals()["articles"]
        assert 2 <= kept <= 7
        report = add_records(ix, records, executor=LocalExecutor(batch_size=2, workers=2))
        assert (report.added, report.unchanged) == (ARTICLES - kept, kept)
        assert len(ix.article_vectors) == ARTICLES and ix.store.count_unembedded() == 0


def test_a_killed_worker_is_one_clear_error(records: list[dict[str, Any]], tmp_path: Path) -> None:
    executor = LocalExecutor(batch_size=1, workers=2)

    def killing() -> Iterator[dict[str, Any]]:
        for number, record in enumerate(records):
            if number == 3:  # the workers have batches by now
                pid = live_workers()[0].pid
                assert pid
                os.kill(pid, signal.SIGKILL)
            yield record

    with Index.open(tmp_path / "ix", create=True) as ix:
        with pytest.raises(WorkerFailed, match="a worker process stopped .* run the same command again"):
            add_records(ix, killing(), executor=executor)
        assert ix.store.totals()["articles"] <= 3
    assert executor.pool is None and not live_workers()


def test_worker_options(records: list[dict[str, Any]], tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="0 or more, not -1"):
        LocalExecutor(workers=-1)
    runner = CliRunner()
    corpus = tmp_path / "a.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:4]), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "ix"), "--workers", "2",
                                 "--batch-size", "2", "--json", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["embedded_articles"] == 4
    assert not live_workers()
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "ray"), "--workers", "0", "--ray"])
    assert result.exit_code == 2 and "--workers 0 is for ingest without --ray" in result.output


def test_the_step_in_a_worker_raises_what_loading_the_model_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # restored after: _start_worker sets it
    handler = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(workers_mod, "_worker", None)  # and back after the test
    try:
        workers_mod._start_worker("no-such-model", 1, OutletDirectory())
        assert os.environ["OMP_NUM_THREADS"] == "1"
        with pytest.raises(UnknownModel, match="unknown model 'no-such-model'"):
            workers_mod._prepare_here([ArticleRecord(text="Russia and Turkey met.", title="Met")])
    finally:
        signal.signal(signal.SIGINT, handler)


def test_an_error_raised_in_a_worker_reaches_the_writer_as_it_was() -> None:
    error = IndexModelMismatch("/data/ix", "use-multilingual", "hash-test")  # its __init__ takes three values
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is IndexModelMismatch and str(again) == str(error) and again.__dict__ == error.__dict__


def run_script(tmp_path: Path, body: str) -> subprocess.Popen[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_script_without_the_main_guard_gets_an_error_naming_it(tmp_path: Path) -> None:
    proc = run_script(tmp_path, """
        from crosscheck import Index, LocalExecutor, add_records
        with Index.open("ix", create=True) as ix:
            add_records(ix, [{"text": "Russia and Turkey met in Ankara.", "url": "https://tass.ru/1"}],
                   executor=LocalExecutor(workers=1))
        """)
    _out, err = proc.communicate(timeout=300)  # not a hang: the worker stops at the write lock
    assert proc.returncode == 1
    assert "WorkerFailed" in err and 'if __name__ == "__main__":' in err


def test_workers_end_when_the_writer_is_killed(tmp_path: Path) -> None:
    proc = run_script(tmp_path, """
        import multiprocessing, time
        from crosscheck import Index, LocalExecutor, add_records

        def records():
            yield {"text": "Russia and Turkey met in Ankara.", "url": "https://tass.ru/1"}
            yield {"text": "Turkey and Russia met in Moscow.", "url": "https://tass.ru/2"}
            print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
            time.sleep(600)  # the writer is killed here

        if __name__ == "__main__":
            with Index.open("ix", create=True) as ix:
                add_records(ix, records(), executor=LocalExecutor(batch_size=1, workers=2))
        """)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2, proc.stderr.read() if proc.stderr else ""
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.2)
    assert not any(alive(pid) for pid in pids)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")



def _half_a_result(flag: str) -> None:
    """In a worker: write the start of a result to the pool's result pipe, as a worker ended while it
    sends does, then wait to be ended."""
    import struct

    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # concurrent.futures' loop in the worker
        frame = frame.f_back  # type: ignore[assignment]
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"abc")  # 1,000 bytes announced, 3 sent
    Path(flag).touch()
    time.sleep(600)


def test_a_worker_ended_while_it_sends_its_batch_back_does_not_hang_the_stop(tmp_path: Path) -> None:
    """What hung a stopped ingest once (seen in the test suite): the pool's manager thread waited for
    the rest of a message that a worker ended by the stop had begun to send."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    flag = tmp_path / "sent"
    pool.submit(_half_a_result, str(flag))
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert flag.exists(), "the worker never ran"
    stopping = threading.Thread(target=LocalExecutor._stop, args=(pool, False), daemon=True)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive(), "the stop hung"
