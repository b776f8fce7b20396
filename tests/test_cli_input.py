"""A new user's mistakes (issue 12): every wrong path, value or file gets one line naming the
problem and the fix, exit code 1 (failure) or 2 (usage), and never a traceback."""

from __future__ import annotations

import json
import re
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


# -- input that is refused: one line, exit code 2 (usage) -----------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_query_is_refused(small_index: Path, text: str) -> None:
    line = one_line_error(runner.invoke(app, ["query", text, "--index", str(small_index)]), 2)
    assert "empty" in line


def test_story_options_that_contradict_each_other_are_refused(small_index: Path) -> None:
    line = one_line_error(runner.invoke(app, ["stories", "--rebuild", "--max-span-days", "7", "--event-span-days", "5",
                                              "--index", str(small_index)]), 2)
    assert "--event-span-days (5) is shorter than --max-span-days (7)" in line
    line = one_line_error(runner.invoke(app, ["stories", "--max-span-days", "3", "--index", str(small_index)]), 2)
    assert "add --rebuild" in line


@pytest.mark.parametrize("since", ["yesterday", "2016-13-45", "bogus", "12/09/2016"])
def test_since_that_is_not_a_date_is_refused(small_index: Path, tmp_path: Path, since: str) -> None:
    line = one_line_error(runner.invoke(app, ["stories", "--since", since, "--index", str(small_index)]), 2)
    assert repr(since) in line and "YYYY-MM-DD" in line
    out = tmp_path / "out"
    line = one_line_error(runner.invoke(app, ["report", "--out", str(out), "--since", since,
                                              "--index", str(small_index), "--no-translate"]), 2)
    assert "YYYY-MM-DD" in line
    assert not out.exists()  # no empty report


def test_since_that_is_a_date_is_accepted(small_index: Path) -> None:
    result = runner.invoke(app, ["stories", "--since", "2016-09-12", "--index", str(small_index), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) >= 1
    result = runner.invoke(app, ["stories", "--since", "2016-09-13", "--index", str(small_index), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("command", [["query", "Turkey"], ["stories"]])
def test_unknown_camp_is_refused_naming_the_camps(small_index: Path, command: list[str]) -> None:
    line = one_line_error(runner.invoke(app, [*command, "--camp", "xx", "--index", str(small_index)]), 2)
    assert "'xx'" in line
    for camp in ("ru", "tr", "west", "unknown"):
        assert camp in line
    result = runner.invoke(app, [*command, "--camp", "ru", "--index", str(small_index), "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("lang", ["xx", "english", "de"])
def test_language_not_in_the_index_is_refused_naming_those_that_are(small_index: Path, lang: str) -> None:
    line = one_line_error(runner.invoke(app, ["query", "Turkey", "--lang", lang, "--index", str(small_index)]), 2)
    assert repr(lang) in line and "en, ru" in line
    result = runner.invoke(app, ["query", "Turkey", "--lang", "ru", "--index", str(small_index), "--json"])
    assert result.exit_code == 0 and [h["language"] for h in json.loads(result.stdout)] == ["ru"]


def test_failed_ingest_leaves_no_index_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    target = tmp_path / "new" / "ix"
    result = runner.invoke(app, ["ingest", str(bad), "--index", str(target), "-q"])
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()
    result = runner.invoke(app, ["info", "--index", str(target)])
    assert result.exit_code == 1 and "no index at" in result.stderr


def test_failed_ingest_keeps_an_existing_index(small_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(bad), "--index", str(small_index), "-q"]).exit_code == 1
    result = runner.invoke(app, ["info", "--index", str(small_index), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["articles"] == 2


def test_usage_errors_of_the_parser_are_one_line_too(small_index: Path) -> None:
    line = one_line_error(runner.invoke(app, ["query", "Turkey", "-k", "0", "--index", str(small_index)]), 2)
    assert "-k" in line and "--help" in line
    line = one_line_error(runner.invoke(app, ["report", "--index", str(small_index)]), 2)
    assert "--out" in line
    line = one_line_error(runner.invoke(app, ["stories", "--no-such-option"]), 2)
    assert "--no-such-option" in line


# -- messages and help ---------------------------------------------------------------------------
def _commands():  # type: ignore[no-untyped-def]
    import typer.main

    return typer.main.get_group(app).commands


def test_every_command_and_option_has_help_text() -> None:
    commands = _commands()
    assert commands
    for name, cmd in commands.items():
        assert cmd.help and cmd.help.strip(), f"`crosscheck {name}` has no help text"
        for param in cmd.params:
            if param.name == "help":
                continue
            text = getattr(param, "help", None)
            assert text and text.strip(), f"`crosscheck {name}`: {param.opts[0]} has no help text"


def test_help_shows_defaults_and_plain_metavars() -> None:
    from crosscheck.stories.params import StoryParams, shipped_threshold
    from crosscheck.present.translate import DEFAULT_TARGET

    for name in _commands():
        result = runner.invoke(app, [name, "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        text = result.stdout
        assert not re.search(r" \.(\s|$)", text), f"`crosscheck {name} --help` has a help text ending in ' .'"
        for bad in ("<bool>", "<list[", "<str>", "<path>", "<float>", "<int", "{"):
            assert bad not in text.replace("{\"", ""), f"`crosscheck {name} --help` shows {bad!r}:\n{text}"
        if "--index" in text:
            assert "[default: $CROSSCHECK_INDEX, else indexes/default]" in text, text
        if "--translate-to" in text:
            assert f"[default: {DEFAULT_TARGET}]" in text, text
    text = " ".join(runner.invoke(app, ["stories", "--help"], terminal_width=400).stdout.split())
    defaults = StoryParams()
    assert re.search(rf"--threshold \S+ .*?\[default: the model's, {shipped_threshold():g}\]", text), text
    for option, value in (("--window-days", defaults.window_days), ("--max-span-days", defaults.max_span_days),
                          ("--event-span-days", defaults.event_span_days)):
        assert re.search(rf"{option} \S+ .*?\[default: {value:g}\]", text), (option, text)


def test_ingest_messages_count_in_words(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps(ARTICLES[1]) + "\n" + '{"text": "bad \x01 control"}\n', encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(src), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 0, result.output
    assert "ingested 1 new article (" in result.stdout
    assert "Invalid control character at column" in result.stderr and "at at" not in result.stderr


@pytest.mark.parametrize("name,content,reason", [
    ("empty.jsonl", "", "empty file"), ("blank.jsonl", "\n  \n", "empty file"),
    ("header.csv", "url,outlet,title,text,published\n", "no rows under the header"),
    ("empty.txt", "", "empty file")])
def test_an_empty_file_says_what_is_wrong(tmp_path: Path, name: str, content: str, reason: str) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(f), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{f}: {reason}"), lines
    assert lines[-1].startswith("error: nothing could be ingested") and len(lines) == 2, lines


def test_an_empty_folder_says_what_is_wrong(tmp_path: Path) -> None:
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "notes.md").write_text("# not an article", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(folder), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{folder}: no .csv, .htm, .html, .jsonl, .ndjson or .txt files"), lines
    assert len(lines) == 2


def test_txt_outlet_option_and_no_warning_about_a_placeholder(tmp_path: Path, txt: Path) -> None:
    ix = str(tmp_path / "ix")
    result = runner.invoke(app, ["ingest", str(txt), "--index", ix, "-q"])
    assert result.exit_code == 0, result.output
    assert "'unknown'" not in result.stderr and ": unknown" not in result.stderr
    assert "1 article names no outlet" in result.stderr and "--outlet NAME" in result.stderr
    other = tmp_path / "b.txt"
    other.write_text("Gazprom and Botas sign gas deal\nGazprom and Botas signed a gas deal in Ankara.\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(other), "--outlet", "Anadolu Ajansı", "--index", ix, "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(runner.invoke(app, ["info", "--index", ix, "--json"]).stdout)
    assert data["outlets"] == {"Anadolu Ajansı": 1, "unknown": 1} and data["camps"]["tr"] == 1


def test_outlet_option_does_not_override_a_record_s_own_outlet(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(src), "--outlet", "AMN", "--index", ix, "-q"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["info", "--index", ix, "--json"]).stdout)
    assert data["outlets"] == {"Reuters": 1, "TASS": 1}


HTML_PAGE = """<html><head><title>Turkey and Russia share intelligence</title>
<meta property="article:published_time" content="{date}">
<meta property="og:site_name" content="Daily Sabah"></head>
<body><article><h1>Turkey and Russia share intelligence</h1>
<p>Turkey and Russia began sharing military intelligence about northern Syria on Monday, officials said.</p>
<p>The arrangement was agreed at the leaders' talks in St Petersburg last month, the officials said.</p>
</article></body></html>"""


@pytest.mark.parametrize("date,stored", [("2016-09-12T14:35:00+03:00", "2016-09-12T14:35:00+03:00"),
                                         ("2016-09-12", "2016-09-12T00:00:00")])  # as a JSONL date
def test_html_ingest_keeps_the_time_of_day(tmp_path: Path, date: str, stored: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE.format(date=date), encoding="utf-8")
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(page), "--index", ix, "-q"]).exit_code == 0
    hits = json.loads(runner.invoke(app, ["query", "intelligence", "--index", ix, "--json"]).stdout)
    assert [(h["published"], h["outlet"]) for h in hits] == [(stored, "Daily Sabah")]


def test_translation_note_is_said_once_and_report_says_it_too(small_index: Path, tmp_path: Path) -> None:
    unreachable = ["--translator", "libre", "--translator-url", "http://127.0.0.1:9/"]
    page = tmp_path / "one.html"
    result = runner.invoke(app, ["compare", "--articles", "ru1,en1", "--index", str(small_index),
                                 "--html", str(page), *unreachable])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.count("Translations missing") == 1
    assert "untranslated" in result.stderr and result.stderr.count("ranslations missing") <= 1
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), "--index", str(small_index),
                                 *unreachable])
    assert result.exit_code == 0, result.output
    assert "untranslated" in result.stderr, result.output


def test_skipped_tests_say_what_the_data_is_and_where_it_comes_from() -> None:
    for name in ("compare/test_real_data.py", "test_benchmarks_smoke.py"):
        source = (ROOT / "tests" / name).read_text(encoding="utf-8")
        assert "shared/eval/README" not in source, name
    from . import test_benchmarks_smoke
    from .compare import test_real_data

    for reason in (test_real_data.SKIP_REASON, test_benchmarks_smoke.SKIP_REASON):
        assert "NTREX-128" in reason and "README" not in reason
    assert "SemEval-2022 Task 8" in test_benchmarks_smoke.SKIP_REASON
