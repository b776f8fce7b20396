"""An ingest that stops (Ctrl-C) or fails says what it left: Ctrl-C keeps every article stored so
far and says in one line what was kept and what to run next; `check` is not ok while articles
have no vectors, and `check --repair` embeds them; a first ingest that fails, or names a model
that cannot be loaded, leaves no index behind."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crosscheck.ingest.writer as writer_mod
from crosscheck import Index
from crosscheck.cli import app
from crosscheck.errors import IndexNeedsUpgrade, IndexNotFound
from crosscheck.index.query import search
from crosscheck.ingest.workers import LocalExecutor
from crosscheck.ingest.writer import add_records, stopped_ingest

from ..conftest import SAMPLES

runner = CliRunner()

STOPPED = re.compile(
    r"stopped: kept the (\d+) articles stored so far \(the index holds (\d+)\); (\d+) have no vectors yet, so no "
    r"query finds them: run the same command again to go on \(the articles stored are skipped\), or "
    r"`crosscheck check --repair` to embed them")


def sample_variants(count: int) -> Iterator[dict[str, str]]:
    """`count` articles: the samples again and again, each with an id, a URL and a last sentence of its own."""
    samples = [json.loads(line) for line in (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    for number in range(count):
        record = dict(samples[number % len(samples)])
        record["id"] = f"{record['id']}-{number}"
        record["url"] = f"{record['url']}?copy={number}"
        record["text"] = f"{record['text']} Copy {number}."
        yield record


def _ctrl_c_as_a_terminal_has_it() -> None:
    """In the child, before Python starts: SIGINT handled by default. A child inherits an ignored
    SIGINT, and Python then leaves it ignored (as a shell does for a job started with `&`); in a
    full run some earlier test's server or pool may have left this process ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def held(path: Path) -> tuple[int, int]:
    """(articles, articles without vectors) in the index at `path`; (0, 0) while it is being set up."""
    try:
        with Index.open(path, readonly=True) as ix:
            totals = ix.store.totals()
    except (IndexNotFound, IndexNeedsUpgrade):
        return 0, 0
    return totals["articles"], totals["unembedded"]


def test_ctrl_c_during_ingest_says_what_was_kept_and_check_is_not_ok_until_repair(tmp_path: Path) -> None:
    """A real `crosscheck ingest` process with the real model, sent SIGINT once it has stored some
    articles (the index is polled) and long before it is done."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample_variants(2000)),
                      encoding="utf-8")
    ix = tmp_path / "ix"
    proc = subprocess.Popen([sys.executable, "-c", "from crosscheck.cli import main; main()", "ingest", str(corpus),
                             "--index", str(ix), "--workers", "0", "--batch-size", "8"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_a_terminal_has_it)
    try:
        deadline = time.monotonic() + 300
        seen = 0
        while not seen and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if (ix / "crosscheck.db").exists():
                seen = held(ix)[0]  # rows are committed every COMMIT_SECONDS: the run is under way
        assert seen and proc.poll() is None, f"no article stored in time: {proc.communicate(timeout=60)}"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and out == "" and "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    said = STOPPED.fullmatch(lines[0])
    assert said, lines[0]
    kept, holds, unembedded = map(int, said.groups())
    assert (kept, unembedded) == held(ix) and holds == kept  # what the line says is what the index holds
    assert seen <= kept < 2000 and unembedded > 0  # stopped mid-way; vectors are saved every 60 s only

    result = runner.invoke(app, ["check", "--index", str(ix)])
    assert result.exit_code == 1, result.output
    assert f"problem: {unembedded} of {kept} articles have no vectors yet" in result.stdout
    assert "not ok: run `crosscheck check --repair`" in result.stdout
    result = runner.invoke(app, ["check", "--repair", "--index", str(ix)])
    assert result.exit_code == 0, result.output
    assert f"repaired: embedded {unembedded} articles" in result.stdout
    result = runner.invoke(app, ["check", "--index", str(ix)])
    assert result.exit_code == 0 and result.stdout.rstrip().endswith("ok"), result.output
    with Index.open(ix, readonly=True) as index:
        assert index.store.count_unembedded() == 0 and len(index.article_vectors) == kept
        assert search(index, "Russia and Turkey exchange intelligence in Syria", k=3)


def test_a_stopped_run_keeps_every_article_it_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C commits the rows stored since the last commit (here: never committed by count or time)."""
    monkeypatch.setattr(writer_mod, "COMMIT_SECONDS", 3600.0)
    records = list(sample_variants(10))

    def stopped_at(number: int) -> Iterator[dict[str, str]]:
        for position, record in enumerate(records):
            if position == number:
                raise KeyboardInterrupt
            yield record

    path = tmp_path / "ix"
    with Index.open(path, model="hash-test", create=True) as ix, pytest.raises(KeyboardInterrupt):
        add_records(ix, stopped_at(7), executor=LocalExecutor(batch_size=2))
    assert held(path) == (6, 6)  # three batches stored whole; the seventh record was in hand, not stored
    stopped = stopped_ingest(path, began_with=0)
    assert (stopped.kept, stopped.articles, stopped.unembedded) == (6, 6, 6)
    assert stopped.message().startswith("stopped: kept the 6 articles stored so far (the index holds 6); 6 have no")
    with Index.open(path) as ix:  # the same input again goes on: the six are skipped, all get vectors
        report = add_records(ix, records)
        assert (report.added, report.unchanged, report.embedded_articles) == (4, 6, 10)
    assert held(path) == (10, 0)
    assert stopped_ingest(path, began_with=10).message() == (
        "stopped before any article was stored (the index holds 10, as before): run the same command again to "
        "start over")


@pytest.mark.parametrize("model", ["foo", "sentence-transformers:{tmp}/no-such-model"])
def test_a_model_that_cannot_be_loaded_leaves_no_folder(tmp_path: Path, model: str) -> None:
    corpus = tmp_path / "x.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample_variants(2)), encoding="utf-8")
    for index in (tmp_path / "idx", tmp_path / "new" / "deeper" / "idx"):
        result = runner.invoke(app, ["ingest", str(corpus), "--model", model.format(tmp=tmp_path),
                                     "--index", str(index)])
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, lines
        assert ("unknown model 'foo'" in lines[0]) if model == "foo" else ("sentence-transformers" in lines[0])
        assert not index.exists() and not (tmp_path / "new").exists()


def test_a_first_ingest_that_fails_leaves_no_index_and_a_failing_run_keeps_an_existing_one(tmp_path: Path) -> None:
    """hash-test is registered in this process only: worker processes cannot load it, so the run
    fails after the index was made (as it would for any error met while ingesting)."""
    corpus = tmp_path / "x.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample_variants(3)), encoding="utf-8")
    index = tmp_path / "made" / "idx"
    failing = ["ingest", str(corpus), "--model", "hash-test", "--workers", "1", "-q", "--index", str(index)]
    result = runner.invoke(app, failing)
    assert result.exit_code == 1 and "unknown model 'hash-test'" in result.stderr, result.output
    assert not (tmp_path / "made").exists()
    assert runner.invoke(app, ["ingest", str(corpus), "--model", "hash-test", "-q", "--index", str(index)]).exit_code == 0
    other = tmp_path / "y.jsonl"
    other.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in list(sample_variants(6))[3:]),
                     encoding="utf-8")
    result = runner.invoke(app, [*failing[:1], str(other), *failing[2:]])
    assert result.exit_code == 1, result.output
    assert held(index) == (3, 0)  # an index that held articles is left as it was
