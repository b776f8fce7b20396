"""A full disk inside SQLite (issue 24, item 7), on a real 6 MB tmpfs: ingest stops with one line
that says "database or disk is full" and what to do, never a traceback such as `no such
savepoint: record`; what was stored before stays whole, and once space is freed the index
repairs and goes on. The tmpfs is mounted for the test (root only) and unmounted after it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.ingest.writer import add_records

from .test_index_access import articles

runner = CliRunner()
TMPFS_SIZE = "6m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 6 MB tmpfs, mounted for this test and unmounted after it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8): the full-disk test runs as root only")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a {TMPFS_SIZE} tmpfs was refused: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def big_articles(n: int) -> list[dict[str, str]]:
    """Articles of ~20 KB each: stored whole, so that the database fills the disk quickly."""
    return [{**a, "text": a["text"] + " " + " ".join(f"Background paragraph {i} word {j}." for j in range(800))}
            for i, a in enumerate(articles(n, start=5000))]


def fill(disk: Path, leave_kib: int) -> None:
    """Take all the free space of `disk` but `leave_kib`."""
    free = shutil.disk_usage(disk).free // 1024
    with open(disk / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave_kib) * 1024)


# Free space left on the 6 MB disk before the ingest: from a little (SQLite runs out while it
# stores the articles) to more (the vector files may run out first).
LEAVE_KIB = [32, 64, 128, 256, 384, 512, 768, 1024]


@pytest.mark.parametrize("leave_kib", LEAVE_KIB)
def test_a_full_disk_in_sqlite_is_one_line_and_loses_nothing(small_disk: Path, tmp_path: Path, leave_kib: int) -> None:
    folder = small_disk / "ix"
    with Index.open(folder, model="hash-test", create=True) as ix:
        add_records(ix, articles(20))
    fill(small_disk, leave_kib)
    corpus = tmp_path / "big.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in big_articles(120)), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(folder), "-q"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: could not write "), lines
    assert "database or disk is full" in lines[0] or "No space left on device" in lines[0], lines
    assert "free some space" in lines[0] and "Traceback" not in result.output and "savepoint" not in result.output
    print(f"\n{leave_kib} KiB free: {lines[0]}")  # pytest -s shows which file ran out
    if leave_kib <= 256:  # this little room runs out inside SQLite, not in a vector file
        assert "crosscheck.db: database or disk is full" in lines[0], lines
    os.unlink(small_disk / "filler")
    result = runner.invoke(app, ["check", "--repair", "--index", str(folder)])
    assert result.exit_code == 0, result.output
    with Index.open(folder, readonly=True) as ix:
        assert ix.store.integrity_check() == []
        stored = ix.store.rowids("articles")
        assert len(stored) >= 20 and ix.store.article_by_id("a0") is not None
        assert sorted(ix.article_vectors.ids().tolist()) == sorted(stored)
    more = tmp_path / "more.jsonl"  # with room again, the index takes more articles
    more.write_text("".join(json.dumps(a) + "\n" for a in articles(5, start=9000)), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(more), "--index", str(folder), "-q"])
    assert result.exit_code == 0 and "ingested 5 new articles" in result.stdout, result.output
