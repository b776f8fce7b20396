"""A lost vector file under the commands that read stories (issue 24, item 8): `compare` and
`stories` never crash with faiss's "key 1 not found"; without articles.faiss they work and the
index says in one line what to do, as `query` and `info` do; without sentences.faiss, whose
vectors a comparison needs, `compare` says in one line what to do and exits 1. Real SQLite and
faiss files, the command in-process."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.compare.diff import compare_story
from crosscheck.errors import VectorsMissing
from crosscheck.index.paths import ARTICLE_VECTORS, SENTENCE_VECTORS
from crosscheck.ingest.writer import add_records
from crosscheck.stories.catalog import list_stories

from ..present.test_safe_writes import ARTICLES, one_story

runner = CliRunner()
STORY = "160912-turkey-russia-share"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        add_records(ix, ARTICLES)
        one_story(ix, STORY)
    return tmp_path / "ix"


def test_compare_without_articles_faiss_works_and_says_what_to_do(folder: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    with Index.open(folder, readonly=True) as ix:
        expected = compare_story(ix, STORY)
    (folder / ARTICLE_VECTORS).unlink()
    caplog.set_level(logging.WARNING, logger="crosscheck")
    for args in ([STORY], ["--articles", "x0,x1,x2"]):
        result = runner.invoke(app, ["compare", *args, "--index", str(folder), "--no-translate", "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert len(data["claims"]) == len(expected.groups)
        assert data["story"]["title"] == "Turkey and Russia share military intelligence in Syria"
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert said and all("crosscheck check --repair" in line and "\n" not in line for line in said), said
    with Index.open(folder, readonly=True) as ix:  # a reader lists the stories too
        assert [s.id for s in list_stories(ix)] == [STORY]
    assert not (folder / ARTICLE_VECTORS).exists()  # reads don't write


def test_stories_without_articles_faiss_embeds_again(folder: Path) -> None:
    (folder / ARTICLE_VECTORS).unlink()
    result = runner.invoke(app, ["stories", "--index", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    assert [s["id"] for s in json.loads(result.stdout)] == [STORY]
    with Index.open(folder, readonly=True) as ix:
        assert len(ix.article_vectors) == 3


def test_compare_without_sentences_faiss_is_one_line_naming_the_fix(folder: Path) -> None:
    (folder / SENTENCE_VECTORS).unlink()
    for args in ([STORY], ["--articles", "x0,x1"]):
        result = runner.invoke(app, ["compare", *args, "--index", str(folder), "--no-translate"])
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "no vector in sentences.faiss" in lines[0], lines
        assert "crosscheck check --repair" in lines[0] and "Traceback" not in result.output
        assert "not found" not in result.output
    with Index.open(folder, readonly=True) as ix, pytest.raises(VectorsMissing):
        compare_story(ix, STORY)
    result = runner.invoke(app, ["check", "--repair", "--index", str(folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["compare", STORY, "--index", str(folder), "--no-translate"])
    assert result.exit_code == 0, result.output
