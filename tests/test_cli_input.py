"""A new user's mistakes (issue 12): every wrong path, value or file gets one line naming the
problem and the fix, exit code 1 (failure) or 2 (usage), and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck.cli import app

from .conftest import ROOT

runner = CliRunner()

SEED_STORY = "160912-turkey-russia-exchanging"

ARTICLES = [
    {"id": "ru1", "url": "https://tass.ru/1", "outlet": "TASS", "published": "2016-09-12",
     "title": "Россия и Турция обмениваются разведданными",
     "text": "Россия начала обмен разведывательными данными с турецкой армией в Сирии."},
    {"id": "en1", "url": "https://www.reuters.com/gas", "outlet": "Reuters", "published": "2016-09-12",
     "title": "Gas pipeline talks", "text": "Energy ministers discussed the TurkStream gas pipeline in Moscow."},
]


def one_line_error(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """The result failed with `code`, printing exactly one line on stderr and no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles (Russian and English) ingested with the real model."""
    base = tmp_path_factory.mktemp("small")
    src = base / "a.jsonl"
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(src), "--index", str(base / "ix"), "-q"])
    assert result.exit_code == 0, result.output
    return base / "ix"


@pytest.fixture
def txt(tmp_path: Path) -> Path:
    f = tmp_path / "a.txt"
    f.write_text("Turkey and Russia share intelligence\nTurkey and Russia began sharing intelligence.\n",
                 encoding="utf-8")
    return f


# -- crashes: paths of the wrong kind ------------------------------------------------------------
@pytest.mark.parametrize("command", ["ingest", "demo"])
def test_index_that_is_a_plain_file_is_one_line(tmp_path: Path, txt: Path, command: str) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not an index", encoding="utf-8")
    for target in (plain, plain / "sub"):
        args = ["ingest", str(txt)] if command == "ingest" else ["demo", "--samples", str(ROOT / "samples")]
        line = one_line_error(runner.invoke(app, [*args, "--index", str(target), "-q"]), 2)
        assert str(plain) in line and "not a folder" in line and "--index" in line
    assert plain.read_text(encoding="utf-8") == "not an index"


def test_read_commands_on_an_index_that_is_a_plain_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")
    line = one_line_error(runner.invoke(app, ["info", "--index", str(plain)]), 2)
    assert "not a folder" in line


def test_report_out_that_is_a_plain_file(small_index: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")
    for target in (plain, plain / "sub"):
        line = one_line_error(runner.invoke(app, ["report", "--out", str(target), "--index", str(small_index),
                                                  "--no-translate"]), 2)
        assert str(plain) in line and "not a folder" in line and "--out" in line


def test_compare_html_that_is_a_folder_fails_before_printing(small_index: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = runner.invoke(app, ["compare", "--articles", "ru1,en1", "--index", str(small_index),
                                 "--html", str(folder), "--no-translate"])
    line = one_line_error(result, 2)
    assert str(folder) in line and "--html" in line and "folder" in line
    assert result.stdout == ""  # refused before the comparison was printed
