"""What the commands say and where they write (issue 23, items 9 and 10): the README's `ingest`
synopsis names the options a warning asks for; the demo writes its report inside its index's
folder; `remove` of a missing id says it once; `compare --html` into a folder that does not
exist is refused with one line, and no folder is made."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from crosscheck.cli import app

from .conftest import ROOT
from .test_cli_input import ARTICLES, one_line_error

runner = CliRunner()


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messages")
    corpus = folder / "a.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(folder / "ix"), "--model", "hash-test", "-q"])
    assert result.exit_code == 0, result.output
    return folder / "ix"


def test_the_readme_ingest_synopsis_names_its_options() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bullet = readme.split("- `crosscheck ingest PATH...", 1)[1].split("\n- `crosscheck ", 1)[0]
    synopsis = bullet.split("`", 1)[0]
    ingest = typer.main.get_group(app).commands["ingest"]
    options = {name for p in ingest.params if p.param_type_name == "option" for name in p.opts if name.startswith("--")}
    # --index and --help: every command takes them (README says so once); --ray has a sentence of its own
    for option in sorted(options - {"--index", "--help", "--ray", "--batch-size"}):
        assert re.search(rf"\[{option}\b", synopsis), f"{option} is not in the README's ingest synopsis"
    assert "--ray [ADDRESS] [--workers N] [--batch-size N]" in bullet
    # the warning about articles without an outlet asks for --outlet: the synopsis gives it
    assert "[--outlet NAME]" in synopsis


def test_the_demo_writes_its_report_inside_its_index_folder(tmp_path: Path) -> None:
    index = tmp_path / "indexes" / "demo"
    result = runner.invoke(app, ["demo", "--samples", str(ROOT / "samples"), "--index", str(index), "-q"])
    assert result.exit_code == 0, result.output
    report = Path(result.stdout.split("HTML report of the story: ")[1].split()[0])
    assert report.exists() and report.parent == (index / "reports").resolve()
    assert sorted(p.name for p in (tmp_path / "indexes").iterdir()) == ["demo"]  # nothing beside the index


def test_remove_of_a_missing_id_says_it_once(small_index: Path) -> None:
    line = one_line_error(runner.invoke(app, ["remove", "no-such-id", "--index", str(small_index)]), 1)
    assert "no article 'no-such-id' in the index" in line
    result = runner.invoke(app, ["remove", "no-such-id", "other-missing", "--index", str(small_index)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0] == "warning: no article 'other-missing' in the index", lines
    assert lines[1].startswith("error: no article 'no-such-id' in the index"), lines
    assert len(ARTICLES) == json.loads(runner.invoke(app, ["info", "--index", str(small_index), "--json"]).stdout)["articles"]


def test_compare_html_into_a_missing_folder_is_refused_and_makes_none(small_index: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x.html"
    line = one_line_error(runner.invoke(app, ["compare", "--articles", "ru1,en1", "--index", str(small_index),
                                              "--html", str(target), "--no-translate"]), 2)
    assert f"the folder {target.parent} does not exist" in line and "create it first" in line
    assert not (tmp_path / "missing").exists()
    (tmp_path / "here").mkdir()  # a folder that exists is fine
    result = runner.invoke(app, ["compare", "--articles", "ru1,en1", "--index", str(small_index),
                                 "--html", str(tmp_path / "here" / "x.html"), "--no-translate"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "here" / "x.html").exists()


def test_piped_json_is_what_rich_prints_and_is_written_at_once() -> None:
    """`crosscheck stories --json` of 100,000 articles (32 MB) took 89.5 s, nearly all of it rich
    highlighting and rendering the JSON character by character (issue #23). Piped, it is written at
    once; the text is rich's own to the byte, control characters shown as `?`."""
    import io
    import time

    from rich.console import Console

    from crosscheck.cli import _InertConsole

    hostile = {"title": "Evil\x1b[2J \u202egnirts\x85 \x9b [bold]x[/] :smile: Россия şehir", "n": None, "f": 1.5,
               "empty": [], "nested": {"a": [1, {"b": "c"}]}}
    large = [{**hostile, "id": f"story-{i}", "articles": [{"title": f"Title {i}.{j}", "url": f"https://e.org/{i}/{j}"}
                                                          for j in range(5)]} for i in range(4000)]
    for data in (hostile, [], large[:20], large):
        text = json.dumps(data, ensure_ascii=False)
        by_rich, piped = io.StringIO(), io.StringIO()
        if data is not large:
            Console.print_json(_InertConsole(file=by_rich, highlight=False, soft_wrap=True, width=180), text)
        started = time.perf_counter()
        _InertConsole(file=piped, highlight=False, soft_wrap=True, width=180).print_json(text)
        took = time.perf_counter() - started
        if data is large:  # 1.8 MB: rich took 8.0 s to print it on the project machine
            assert took < 2.0, f"{len(text):,} characters of JSON took {took:.1f} s to print"
        else:
            assert piped.getvalue() == by_rich.getvalue()
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", piped.getvalue())
        if data is hostile:
            assert "gnirts? ? [bold]x[/]" in piped.getvalue()


# -- a new user's trial on 2026-12-07: messages that gave the wrong advice --------------------------------
def test_a_missing_input_file_is_named_once_without_the_format_hint(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1, result.output
    assert "no such file or folder" in result.stderr
    assert "no file or folder at the path given" in result.stderr and "'text' field" not in result.stderr
    assert not (tmp_path / "ix").exists()


def test_jsonl_mistakes_are_named_where_they_are(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"title": "x", "text": 12345}\n{"title": "x", "text": "abc def"\n', encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "ix"), "--model", "hash-test", "-q"])
    assert f"{corpus}:1: 'text' must be a string in quotes, not a number" in result.stderr, result.stderr
    # the missing brace is at the end of line 2 (column 1 of a line 3 before)
    assert f"{corpus}:2: broken JSON (Expecting ',' delimiter at column 33)" in result.stderr, result.stderr


def test_digest_into_a_missing_folder_is_refused_before_any_work(small_index: Path, tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "d.html"
    line = one_line_error(runner.invoke(app, ["digest", "--index", str(small_index), "--out", str(target)]), 2)
    assert f"the folder {target.parent} does not exist" in line and "create it first" in line
    assert "free some space" not in line and not target.parent.exists()


@pytest.mark.parametrize("args, words", [
    (["watch", "--every", "0s"], ["'0s' is no time at all", "90s"]),
    (["stories", "--rebuild", "--threshold", "1.5"], ["--threshold", "less than or equal to 1"]),
    (["report", "--out", "OUT", "--translator", "libre"], ["--translator-url", "LIBRE_API_KEY"]),
])
def test_options_out_of_range_are_refused(small_index: Path, tmp_path: Path, args: list[str], words: list[str]) -> None:
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = runner.invoke(app, [*args, "--index", str(small_index)])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_remove_counts_in_words_and_the_stories_table_has_no_empty_column(tmp_path: Path) -> None:
    corpus = tmp_path / "a.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(corpus), "--index", ix, "--model", "hash-test", "-q"]).exit_code == 0
    table = runner.invoke(app, ["stories", "--index", ix, "--min-articles", "1"])
    assert table.exit_code == 0, table.output
    header = next(line for line in table.stdout.splitlines() if "title" in line and "outlets" in line)
    assert header.rstrip().rstrip("┃│|").rstrip().endswith("outlets") or "blindspot" in header, header
    first = ARTICLES[0]["id"]
    removed = runner.invoke(app, ["remove", first, "--index", ix])
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith("removed 1 article") and "1 stories" not in removed.stdout, removed.stdout
