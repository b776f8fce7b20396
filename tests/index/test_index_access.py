"""Index access modes: read-only opens that never write, one writer at a time (issue 11)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import IndexLocked, IndexNeedsUpgrade, IndexReadOnly, IndexWriteFailed
from crosscheck.index.vectors import VectorIndex
from crosscheck.index.lock import WriteLock
from crosscheck.index.paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS, vector_files_state
from crosscheck.ingest.writer import add_records
from crosscheck.index.query import search

from ..conftest import ROOT

runner = CliRunner()


def articles(n: int, start: int = 0, day: str = "2016-09-12") -> list[dict[str, str]]:
    topics = ["gas pipeline talks in Moscow", "ceasefire in Aleppo holds", "grain corridor ships sail",
              "intelligence sharing with the army", "elections in Ankara counted"]
    return [{"id": f"a{i}", "outlet": "TASS", "published": day, "title": f"Report {i}: {topics[i % 5]}",
             "text": f"Officials said on Monday that the {topics[i % 5]} number {i}. "
                     f"The ministry confirmed {i} details. Observers expect more news."} for i in range(start, start + n)]


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build(path: Path, n: int = 5) -> Path:
    with Index.open(path, model="hash-test", create=True) as ix:
        add_records(ix, articles(n))
    return path


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir())}


# -- read-only ---------------------------------------------------------------------------------
def test_readonly_open_reads_and_never_writes(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    before = snapshot(folder)
    with Index.open(folder, readonly=True) as ix:
        assert ix.readonly and ix.model == "hash-test"
        assert [h.article.id for h in search(ix, "grain corridor ships", k=1)] == ["a2"]
        assert ix.info()["articles"] == 5
        with pytest.raises(IndexReadOnly):
            add_records(ix, articles(1, start=99))
        with pytest.raises(IndexReadOnly):
            ix.embed_pending()
    after = snapshot(folder)
    # SQLite may add its WAL side files; nothing that was there changes, no lock file appears
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) <= {f"{DB_NAME}-wal", f"{DB_NAME}-shm"}


def mapped_files() -> set[str]:
    """The files this process maps shared (/proc/self/maps: the path is everything after the fifth field)."""
    out = set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[1].endswith("s"):
            out.add(fields[5])
    return out


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the process's mappings from /proc (Linux)")
def test_a_mapped_vector_index_maps_its_file_and_keeps_it_when_it_is_replaced(tmp_path: Path) -> None:
    """serve's query processes map the vector files (web/embedding.py: they share one copy) instead
    of reading them; nothing else does. A writer replaces a file by renaming a new one over it, and
    the mapping goes on searching the file it mapped."""
    folder = build(tmp_path / "ix")
    with Index.open(folder, readonly=True) as ix:
        dimension = ix.article_vectors.dimension
        assert [h.article.id for h in search(ix, "grain corridor ships", k=1)] == ["a2"]
    path = str(folder / ARTICLE_VECTORS)
    assert path not in mapped_files(), "a plain read-only open maps the vector file"
    with pytest.raises(ValueError, match="read-only"):
        VectorIndex(folder / ARTICLE_VECTORS, dimension, mapped=True)
    vectors = VectorIndex(folder / ARTICLE_VECTORS, dimension, readonly=True, mapped=True)
    assert path in mapped_files() and len(vectors) == 5
    found = vectors.search(vectors.reconstruct([3])[0], 1)
    with Index.open(folder) as writer:
        add_records(writer, articles(5, start=5))
    assert len(vectors) == 5 and vectors.search(vectors.reconstruct([3])[0], 1) == found
    assert len(VectorIndex(folder / ARTICLE_VECTORS, dimension, readonly=True)) == 10
    with Index.open(folder, readonly=True) as ix:  # how a query process opens the index
        assert [h.article.id for h in search(ix.map_vector_files(), "grain corridor ships", k=1)] in (["a2"], ["a7"])
        assert len(ix.article_vectors) == 10
        assert str(folder / ARTICLE_VECTORS) in mapped_files()  # the new file (the old one is "(deleted)")
    with Index.open(folder) as writer, pytest.raises(ValueError, match="read-only"):
        writer.map_vector_files()


def test_a_vector_file_replaced_by_one_of_the_same_size_and_time_is_seen_as_changed(tmp_path: Path) -> None:
    """What serve's readers compare to reload the vectors (index/paths.py `vector_files_state`): a
    file renamed over the old one is a change even with the old one's size and time stamp."""
    folder = build(tmp_path / "ix")
    before = vector_files_state(folder)
    old = folder / ARTICLE_VECTORS
    new = folder / "replacement.tmp"
    new.write_bytes(old.read_bytes())
    st = old.stat()
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(new, old)
    after = vector_files_state(folder)
    assert after != before and after[0][1:] == before[0][1:] and after[1] == before[1]


def test_readonly_open_works_in_a_folder_nobody_may_write(tmp_path: Path) -> None:
    """The folder and files made read-only; as root (who may write anyway) the check runs in a
    forked child that gives up root first."""
    import faiss

    base = Path(tempfile.mkdtemp(dir="/tmp" if os.geteuid() == 0 else tmp_path))
    try:
        folder = build(base / "ix")
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)
        base.chmod(0o755)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                os.close(read)
                # the parent's OpenMP threads did not survive the fork: search on this thread only
                faiss.omp_set_num_threads(1)
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                try:
                    Index.open(folder, model="hash-test")
                    message = "read-write open did not refuse"
                except IndexReadOnly:
                    with Index.open(folder, readonly=True) as ix:
                        hits = search(ix, "grain corridor ships", k=1)
                        message = f"ok {hits[0].article.id} {ix.info()['articles']}"
                        code = 0
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                message = f"{type(e).__name__}: {e}"
            os.write(write, message.encode())
            os._exit(code)
        os.close(write)
        _, status = os.waitpid(pid, 0)
        message = os.read(read, 10000).decode()
        os.close(read)
        assert message == "ok a2 5", message
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        base.chmod(0o755)
        folder.chmod(0o755)
        import shutil
        shutil.rmtree(base)


def test_readonly_open_with_a_pending_migration_names_the_write_command(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    db = sqlite3.connect(folder / DB_NAME)
    with db:
        db.execute("DELETE FROM migrations WHERE name = '0004_anchors'")
        db.execute("DROP TABLE article_anchors")
        db.execute("DROP TABLE anchor_counts")
    db.close()
    with pytest.raises(IndexNeedsUpgrade) as caught:
        Index.open(folder, readonly=True)
    assert "0004_anchors" in str(caught.value) and "crosscheck check --repair" in str(caught.value)
    result = runner.invoke(app, ["info", "--index", str(folder)])
    assert result.exit_code == 1 and "crosscheck check --repair" in result.stderr
    assert "Traceback" not in result.output
    with Index.open(folder):  # a read-write open applies it
        pass
    with Index.open(folder, readonly=True) as ix:
        assert "0004_anchors" in ix.store.applied_migrations()


def test_info_and_query_do_not_write(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    before = snapshot(folder)
    for args in (["info"], ["query", "gas pipeline"], ["query", "gas", "--sentences", "--json"]):
        result = runner.invoke(app, [*args, "--index", str(folder)])
        assert result.exit_code == 0, result.output
    after = snapshot(folder)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) <= {f"{DB_NAME}-wal", f"{DB_NAME}-shm"}


# -- one writer ----------------------------------------------------------------------------------
def test_second_writer_without_waiting_gets_one_clear_error(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    with WriteLock(folder):  # another writer, as far as flock is concerned
        with Index.open(folder, wait=False) as ix:
            with pytest.raises(IndexLocked) as caught:
                add_records(ix, articles(1, start=50))
        assert caught.value.pid == os.getpid()
        data = write_jsonl(tmp_path / "more.jsonl", articles(2, start=60))
        result = runner.invoke(app, ["ingest", str(data), "--index", str(folder), "--no-wait", "-q"])
        assert result.exit_code == 1
        assert result.stderr.strip().count("\n") == 0 and f"pid {os.getpid()}" in result.stderr
        assert "--no-wait" in result.stderr
        result = runner.invoke(app, ["stories", "--index", str(folder), "--no-wait"])
        assert result.exit_code == 1 and "is writing to the index" in result.stderr
        # readers are not blocked
        result = runner.invoke(app, ["query", "gas pipeline", "--index", str(folder), "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout)
    with Index.open(folder, readonly=True) as ix:
        assert ix.info()["articles"] == 5


def test_second_writer_waits_and_says_so_once(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from crosscheck.index.lock import WriteLock\n"
         "with WriteLock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(2)", str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        data = write_jsonl(tmp_path / "more.jsonl", articles(3, start=60))
        began = time.monotonic()
        result = runner.invoke(app, ["ingest", str(data), "--index", str(folder), "-q"])
        assert result.exit_code == 0, result.output
        assert time.monotonic() - began > 0.5
        assert result.stderr.count(f"waiting for another crosscheck writing to this index, pid {holder.pid}") == 1
        assert "ingested 3 new articles" in result.stdout
    finally:
        holder.wait(10)


def test_vector_files_are_saved_through_unique_temp_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import faiss
    import numpy as np

    written: list[str] = []
    real_write = faiss.write_index

    def spy(index: object, name: str) -> None:
        written.append(name)
        real_write(index, name)

    monkeypatch.setattr(faiss, "write_index", spy)
    a = VectorIndex(tmp_path / ARTICLE_VECTORS, 4)
    b = VectorIndex(tmp_path / ARTICLE_VECTORS, 4)
    a.add([1], np.eye(4, dtype=np.float32)[:1])
    b.add([2, 3], np.eye(4, dtype=np.float32)[1:3])
    a.save()
    b.save()
    assert len(set(written)) == 2 and all(Path(w).parent == tmp_path for w in written)
    assert not any(Path(w).exists() for w in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == [ARTICLE_VECTORS]
    assert len(VectorIndex(tmp_path / ARTICLE_VECTORS, 4)) == 2  # the last save wins, whole


def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import faiss
    import numpy as np

    v = VectorIndex(tmp_path / SENTENCE_VECTORS, 4)
    v.add([1], np.eye(4, dtype=np.float32)[:1])
    v.save()

    def full_disk(index: object, name: str) -> None:
        Path(name).write_bytes(b"half")
        raise RuntimeError("Error: 'ret == (n)' failed: write error: No space left on device")

    monkeypatch.setattr(faiss, "write_index", full_disk)
    v.add([2], np.eye(4, dtype=np.float32)[1:2])
    with pytest.raises(IndexWriteFailed, match="No space left on device"):
        v.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == [SENTENCE_VECTORS]
    monkeypatch.undo()
    assert len(VectorIndex(tmp_path / SENTENCE_VECTORS, 4)) == 1


def test_two_ingests_and_stories_at_once_embed_every_article_exactly_once(tmp_path: Path) -> None:
    """Real processes, overlapping: two ingests (sharing 100 articles) and a `stories` run."""
    folder = tmp_path / "ix"
    first = write_jsonl(tmp_path / "first.jsonl", articles(300, start=0))
    second = write_jsonl(tmp_path / "second.jsonl", articles(300, start=200))
    build(folder, n=20)  # the index exists, so `stories` has work from the start
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HASH_TEST_DELAY": "0.4"}  # per batch of 64
    cmd = [sys.executable, "-m", "tests._hash_cli"]
    procs = []
    for args in (["ingest", str(first), "-q"], ["ingest", str(second), "-q"], ["stories", "--json"]):
        procs.append(subprocess.Popen([*cmd, *args, "--index", str(folder)], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        time.sleep(1.0)  # each starts while the one before is at work
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (stdout, stderr) in zip(procs, outputs):
        assert p.returncode == 0, stderr
        assert "Traceback" not in stderr
    with Index.open(folder, readonly=True) as ix:
        db = ix.store.db
        rowids = sorted(r[0] for r in db.execute("SELECT rowid FROM articles"))
        assert len(rowids) == 500
        assert db.execute("SELECT count(*) FROM articles WHERE embedded = 0").fetchone()[0] == 0
        import faiss

        def ids(v: VectorIndex) -> list[int]:
            return sorted(faiss.vector_to_array(faiss.downcast_index(v._index).id_map).tolist())

        assert ids(ix.article_vectors) == rowids
        assert ids(ix.sentence_vectors) == sorted(r[0] for r in db.execute("SELECT rowid FROM sentences"))


# -- check -------------------------------------------------------------------------------------
def test_check_reports_and_repair_fixes_a_lost_sentence_file(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix")
    result = runner.invoke(app, ["check", "--index", str(folder)])
    assert result.exit_code == 0 and result.stdout.strip().endswith("ok"), result.output
    (folder / SENTENCE_VECTORS).unlink()
    result = runner.invoke(app, ["check", "--index", str(folder), "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and not data["ok"] and data["sentence_vectors"] == 0 and data["sentences"] == 15
    result = runner.invoke(app, ["check", "--index", str(folder), "--repair"])
    assert result.exit_code == 0, result.output
    assert "repaired: embedded 5 articles (15 sentences) again" in result.stdout
    with Index.open(folder, readonly=True) as ix:
        assert len(ix.sentence_vectors) == 15 and len(ix.article_vectors) == 5
        assert sorted(ix.sentence_vectors.ids().tolist()) == sorted(
            r[0] for r in ix.store.db.execute("SELECT rowid FROM sentences"))
