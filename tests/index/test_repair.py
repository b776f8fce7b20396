"""Repair that repairs, backups, and a copy before every upgrade (issue 24, item 6).

Real SQLite files damaged for real (truncated, overwritten with random bytes, emptied to 0
bytes), real faiss files, the command in-process, and real processes for the backup taken while
an ingest writes. `check --repair` either gets back the rows SQLite can still read, or exits 1
saying what was lost and what to do (never "run check --repair"); it never deletes or empties a
vector file.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import IndexDamaged
from crosscheck.index.check import backup_index, check_index
from crosscheck.index.paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS
from crosscheck.index.query import search
from crosscheck.index.store import MIGRATIONS, Store
from crosscheck.ingest.writer import add_records

from ..conftest import ROOT
from .test_index_access import articles, write_jsonl

runner = CliRunner()
PAGE = 4096


def build(folder: Path, n: int) -> Path:
    """An index of `n` articles (the test embedder), its WAL folded into the database file."""
    with Index.open(folder, model="hash-test", create=True) as ix:
        add_records(ix, articles(n))
    sqlite3.connect(folder / DB_NAME).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return folder


def digests(folder: Path) -> dict[str, str]:
    """What each file of the folder holds (the lock file's pid aside)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and p.name != "write.lock" and not p.name.endswith(("-wal", "-shm"))}


def one_line_error(result: object) -> str:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return lines[0]


def assert_whole(folder: Path, articles_at_least: int) -> None:
    """The index answers, and its vector files hold exactly one vector per row."""
    with Index.open(folder, readonly=True) as ix:
        assert ix.store.integrity_check() == []
        rowids, sentence_rowids = ix.store.rowids("articles"), ix.store.rowids("sentences")
        assert len(rowids) >= articles_at_least
        assert sorted(ix.article_vectors.ids().tolist()) == sorted(rowids)
        assert sorted(ix.sentence_vectors.ids().tolist()) == sorted(sentence_rowids)
        assert search(ix, "gas pipeline talks in Moscow", k=3)


def kept_aside(folder: Path, before: dict[str, str]) -> Path:
    """The damaged-* folder repair made: the damaged database and the vector files as they were."""
    aside = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith("damaged-")]
    assert len(aside) == 1, list(folder.iterdir())
    kept = digests(aside[0])
    for name in (DB_NAME, ARTICLE_VECTORS, SENTENCE_VECTORS):
        assert kept[name] == before[name], name
    return aside[0]


# -- truncated -------------------------------------------------------------------------------------
def test_repair_recovers_the_rows_before_a_truncation(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix", 300)
    db = folder / DB_NAME
    os.truncate(db, (db.stat().st_size * 6 // 10) // PAGE * PAGE)  # the last 40% of the pages gone
    before = digests(folder)
    result = runner.invoke(app, ["check", "--index", str(folder)])
    assert "crosscheck check --repair" in one_line_error(result)  # check alone names the fix
    result = runner.invoke(app, ["check", "--repair", "--index", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"], report
    said = " | ".join(report["repaired"])
    assert "recovered" in said and "lost" in said and "ingest your files again" in said, said
    print(f"\ncut to 60%: recovered {report['articles']} of 300 articles")
    assert 50 <= report["articles"] < 300, report
    assert_whole(folder, 50)
    aside = kept_aside(folder, before)
    assert str(aside) in said
    # what was lost comes back from the files; what was recovered is unchanged
    write_jsonl(tmp_path / "all.jsonl", articles(300))
    result = runner.invoke(app, ["ingest", str(tmp_path / "all.jsonl"), "--index", str(folder), "-q", "--json"])
    assert result.exit_code == 0, result.output
    ingested = json.loads(result.stdout)
    assert ingested["added"] == 300 - report["articles"] and ingested["unchanged"] == report["articles"]
    assert_whole(folder, 300)


def test_repair_of_a_small_truncated_index_says_what_was_lost_and_changes_nothing(tmp_path: Path) -> None:
    """Cut before the pages of SQLite's own list of tables: nothing can be read. One line says
    so and gives the options; the folder is left exactly as it was."""
    folder = build(tmp_path / "ix", 20)
    db = folder / DB_NAME
    os.truncate(db, db.stat().st_size // 2 // PAGE * PAGE)
    before = digests(folder)
    line = one_line_error(runner.invoke(app, ["check", "--repair", "--index", str(folder)]))
    assert "none of the 20 articles" in line and "backup" in line and "ingest your files again" in line, line
    assert "check --repair" not in line.replace("`crosscheck backup DEST`", "")
    assert digests(folder) == before
    assert not [p for p in folder.iterdir() if p.is_dir()]
    # check alone no longer sends the user to the repair that just said it cannot mend this
    line = one_line_error(runner.invoke(app, ["check", "--index", str(folder)]))
    assert "cannot recover its articles" in line and "backup" in line, line
    assert "run `crosscheck check --repair`" not in line
    assert digests(folder) == before


# -- garbage -----------------------------------------------------------------------------------------
def test_repair_recovers_the_rows_around_pages_of_garbage(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix", 300)
    db = folder / DB_NAME
    leaves = {table: [r[0] for r in sqlite3.connect(db).execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
              for table in ("articles", "sentences")}
    damaged = leaves["articles"][3:6] + leaves["sentences"][4:6]  # pages in the middle of both tables
    data = bytearray(db.read_bytes())
    rng = random.Random(24)
    for page in damaged:  # pages are numbered from 1
        data[(page - 1) * PAGE:page * PAGE] = bytes(rng.randrange(256) for _ in range(PAGE))
    db.write_bytes(bytes(data))
    before = digests(folder)
    result = runner.invoke(app, ["check", "--repair", "--index", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    print(f"\n{len(damaged)} leaf pages of garbage: recovered {report['articles']} of 300 articles")
    assert report["ok"] and 200 <= report["articles"] <= 300, report
    assert_whole(folder, 200)
    kept_aside(folder, before)
    result = runner.invoke(app, ["check", "--index", str(folder)])
    assert result.exit_code == 0 and result.stdout.strip().endswith("ok"), result.output


# -- random damage -----------------------------------------------------------------------------------
FUZZ_CASES = int(os.environ.get("CROSSCHECK_FUZZ_CASES", "40"))  # more: CROSSCHECK_FUZZ_CASES=200


def test_repair_on_random_damage_recovers_or_says_so_and_never_loses_a_vector_file(tmp_path: Path) -> None:
    """FUZZ_CASES random damages of one 300-article index: a cut at a random page, or 1-8 random
    pages overwritten with random bytes. Each repair either leaves a whole index (one vector per
    row, integrity ok) or exits 1 with one line that is not "run check --repair" and leaves the
    folder as it was; no case ends in a traceback, and no vector file is ever deleted or emptied."""
    pristine = build(tmp_path / "pristine", 300)
    size = (pristine / DB_NAME).stat().st_size
    rng = random.Random(2024)
    outcomes = {f"{kind} {end}": 0 for kind in ("cut", "garbage") for end in ("recovered", "refused")}
    recovered_articles = []
    for case in range(FUZZ_CASES):
        folder = tmp_path / f"case{case}"
        shutil.copytree(pristine, folder)
        db = folder / DB_NAME
        data = bytearray(db.read_bytes())
        pages = size // PAGE
        kind = "cut" if case % 2 == 0 else "garbage"
        if kind == "cut":
            data = data[:rng.randrange(1, pages) * PAGE]
        else:
            for page in rng.sample(range(pages), rng.randrange(1, 9)):
                data[page * PAGE:(page + 1) * PAGE] = bytes(rng.randrange(256) for _ in range(PAGE))
        db.write_bytes(bytes(data))
        before = digests(folder)
        result = runner.invoke(app, ["check", "--repair", "--index", str(folder), "--json"])
        assert "Traceback" not in result.output, (case, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (case, repr(result.exception))
        for name in (ARTICLE_VECTORS, SENTENCE_VECTORS):
            assert (folder / name).stat().st_size > 0, (case, name)
        if result.exit_code == 0:
            outcomes[f"{kind} recovered"] += 1
            report = json.loads(result.stdout)
            assert report["ok"], (case, report)
            assert_whole_rows(folder)
            recovered_articles.append(report["articles"])
        else:
            outcomes[f"{kind} refused"] += 1
            line = one_line_error(result)
            assert "check --repair" not in line.replace("`crosscheck backup DEST`", ""), (case, line)
            assert digests(folder) == before, case
        shutil.rmtree(folder)
    print(f"\nrandom damage, {FUZZ_CASES} cases: {outcomes}; articles recovered (of 300) when recovered: "
          f"min {min(recovered_articles)}, median {sorted(recovered_articles)[len(recovered_articles) // 2]}, "
          f"max {max(recovered_articles)}")
    assert sum(outcomes.values()) == FUZZ_CASES and outcomes["cut recovered"] and outcomes["garbage recovered"]


def assert_whole_rows(folder: Path) -> None:
    with Index.open(folder, readonly=True) as ix:
        assert ix.store.integrity_check() == []
        assert sorted(ix.article_vectors.ids().tolist()) == sorted(ix.store.rowids("articles"))
        assert sorted(ix.sentence_vectors.ids().tolist()) == sorted(ix.store.rowids("sentences"))


# -- 0 bytes -----------------------------------------------------------------------------------------
def test_an_empty_database_beside_vectors_is_lost_not_new(tmp_path: Path) -> None:
    """A 0-byte crosscheck.db next to good vector files: no command sets it up again as a new
    index (whose vectors would then be dropped); each says what was lost and what to do."""
    folder = build(tmp_path / "ix", 20)
    (folder / DB_NAME).write_bytes(b"")
    before = digests(folder)
    for args in (["check", "--repair"], ["check"], ["ingest", str(write_jsonl(tmp_path / "a.jsonl", articles(2)))],
                 ["query", "gas"], ["info"], ["stories"]):
        line = one_line_error(runner.invoke(app, [*args, "--index", str(folder), *(["-q"] if args[0] == "ingest" else [])]))
        assert "0 bytes and no crosscheck tables" in line and "20 vectors" in line, (args, line)
        assert "restore crosscheck.db from a backup" in line and "check --repair" not in line, (args, line)
        assert digests(folder) == before, args
    with pytest.raises(IndexDamaged, match="the database was lost"):
        Index.open(folder, readonly=True)
    for name in (ARTICLE_VECTORS, SENTENCE_VECTORS):
        assert (folder / name).stat().st_size > 1000, name  # never deleted, never emptied


def test_an_empty_database_without_vectors_is_still_set_up(tmp_path: Path) -> None:
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / DB_NAME).write_bytes(b"")
    report = check_index(tmp_path / "ix", repair=True)
    assert report.ok and report.repaired and report.repaired[0].startswith("applied 0001_initial")


# -- backup ------------------------------------------------------------------------------------------
def test_backup_copies_a_whole_index_that_answers_the_same(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix", 50)
    result = runner.invoke(app, ["backup", str(tmp_path / "copy"), "--index", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 50 and set(report["files"]) >= {DB_NAME, ARTICLE_VECTORS, SENTENCE_VECTORS}
    with Index.open(folder, readonly=True) as a, Index.open(tmp_path / "copy", readonly=True) as b:
        for query in ("gas pipeline talks", "ceasefire in Aleppo", "elections in Ankara"):
            assert [(h.article.id, round(h.score, 5)) for h in search(a, query, k=5)] == \
                   [(h.article.id, round(h.score, 5)) for h in search(b, query, k=5)]
    assert check_index(tmp_path / "copy").ok
    result = runner.invoke(app, ["backup", str(tmp_path / "copy"), "--index", str(folder)])
    assert result.exit_code == 2 and "not empty" in result.stderr and "Traceback" not in result.output


def test_backup_while_an_ingest_writes_is_consistent(tmp_path: Path) -> None:
    """A real ingest process writes 400 articles slowly; the backup waits for it (the write lock)
    and its copy holds exactly one vector per embedded row."""
    folder = build(tmp_path / "ix", 20)
    corpus = write_jsonl(tmp_path / "more.jsonl", articles(400, start=1000))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HASH_TEST_DELAY": "0.3"}
    writer = subprocess.Popen([sys.executable, "-m", "tests._hash_cli", "ingest", str(corpus), "-q", "--index",
                               str(folder)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        time.sleep(2.0)  # the ingest holds the lock by now
        waited: list[int | None] = []
        report = backup_index(folder, tmp_path / "copy", on_wait=waited.append)
        assert waited == [writer.pid], waited
    finally:
        out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    assert report.articles == 420
    check = check_index(tmp_path / "copy")
    assert check.ok and check.articles == 420 and check.article_vectors == 420, check


# -- a copy before every upgrade ---------------------------------------------------------------------
def test_a_copy_is_kept_before_an_upgrade_is_applied(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix", 5)
    last = MIGRATIONS[-1][0]
    db = sqlite3.connect(folder / DB_NAME)
    with db:
        db.execute("DELETE FROM migrations WHERE name = ?", (last,))  # as an older crosscheck left it
    db.close()
    with Index.open(folder):  # a writing open applies the upgrade
        pass
    copy = folder / f"{DB_NAME}.before-{last}"
    assert copy.is_file() and not copy.is_symlink()
    kept = Store(copy, readonly=True)
    try:
        assert last not in kept.applied_migrations() and kept.totals()["articles"] == 5
        assert kept.quick_check() == []
    finally:
        kept.close()
    with Index.open(folder, readonly=True) as ix:
        assert last in ix.store.applied_migrations()
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_copy_before_an_upgrade_never_writes_through_a_planted_symlink(tmp_path: Path) -> None:
    folder = build(tmp_path / "ix", 5)
    last = MIGRATIONS[-1][0]
    db = sqlite3.connect(folder / DB_NAME)
    with db:
        db.execute("DELETE FROM migrations WHERE name = ?", (last,))
    db.close()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (folder / f"{DB_NAME}.before-{last}").symlink_to(victim)
    with Index.open(folder):
        pass
    assert victim.read_text(encoding="utf-8") == "precious"
