"""A headline on the line above the text (trafilatura gives each block of a page as one line) is a
sentence of its own, never glued to the first sentence: in .html files, in pages fetched from a
real HTTP server on 127.0.0.1, and in text split directly; hard-wrapped text is not cut at its
line breaks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from crosscheck import Index, split_sentences
from crosscheck.cli import app

from ..conftest import SAMPLES
from ..feedserver import Route, Site, serve

runner = CliRunner()

HEADLINE = "Black Sea grain corridor to reopen on March 15"
FIRST = ("Russia and Turkey agreed on Monday to reopen the Black Sea grain corridor on March 15, officials in "
         "Ankara said after talks that lasted six hours.")
REST = ["The corridor was closed in July after an attack on the port of Odesa damaged two ships and halted "
        "exports of wheat and maize.",
        "Turkish officials said the first convoy of 12 ships would leave Istanbul under naval escort."]


def page(outlet: str, url: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in [FIRST, *REST])
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{HEADLINE} | {outlet}</title>'
            f'<meta property="og:site_name" content="{outlet}"><link rel="canonical" href="{url}">'
            '<meta property="article:published_time" content="2026-03-02T09:30:00+00:00"></head><body>'
            '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{HEADLINE}</h1>{paragraphs}</article><footer>© {outlet}</footer></body></html>")


def test_a_headline_line_is_a_sentence_of_its_own() -> None:
    text = f"{HEADLINE}\n{FIRST}\n{REST[0]}"
    spans = split_sentences(text, "en")
    assert [s.text for s in spans] == [HEADLINE, FIRST, REST[0]]
    assert all(text[s.start:s.end] == s.text for s in spans)
    ru = "Зерновой коридор откроется 15 марта\nРоссия и Турция договорились в понедельник возобновить работу коридора."
    assert [s.text for s in split_sentences(ru, "ru")] == ru.split("\n")
    # a line that ends in punctuation, or a line no shorter than the next, is left to the segmenter
    assert len(split_sentences(f"{FIRST[:40]},\n{FIRST[40:]}", "en")) == 1
    assert len(split_sentences("Talks between Russia and Turkey resumed on\nMonday in Istanbul.", "en")) == 1


def test_hard_wrapped_text_is_not_cut_at_its_line_breaks() -> None:
    """Each sample article, wrapped at 40 to 80 columns, splits as it does unwrapped."""
    for line in (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        flat = [s.text for s in split_sentences(text)]
        for width in (40, 50, 60, 70, 80):
            wrapped = "\n\n".join(textwrap.fill(p, width, break_on_hyphens=False) for p in text.split("\n\n"))
            assert [s.text.replace("\n", " ") for s in split_sentences(wrapped)] == flat, (text[:60], width)


def stored_sentences(index: Path) -> dict[str, list[str]]:
    """outlet -> the stored sentences of its article."""
    with Index.open(index, readonly=True) as ix:
        return {a.outlet: [text for *_, text in ix.store.article_sentences(a.rowid)] for a in ix.store.iter_articles()}


def test_html_files_and_fetched_pages_keep_the_headline_apart(tmp_path: Path) -> None:
    html = tmp_path / "reuters.html"
    html.write_text(page("Reuters", "https://www.reuters.com/world/grain-corridor"), encoding="utf-8")
    index = str(tmp_path / "ix")
    result = runner.invoke(app, ["ingest", str(html), "--index", index, "--model", "hash-test", "-q"])
    assert result.exit_code == 0, result.output
    site = Site()
    site.routes["/grain"] = Route(page("Daily Sabah", "https://www.dailysabah.com/world/grain").encode(),
                                  headers={"Content-Type": "text/html; charset=utf-8"})
    with serve(site):
        result = runner.invoke(app, ["ingest", site.url("/grain"), "--index", index, "--model", "hash-test", "-q",
                                     "--allow-private"])
    assert result.exit_code == 0, result.output
    sentences = stored_sentences(Path(index))
    assert set(sentences) == {"Reuters", "Daily Sabah"}
    for outlet, texts in sentences.items():
        assert texts == [HEADLINE, FIRST, *REST], (outlet, texts)
    with Index.open(index, readonly=True) as ix:
        ids = [a.id for a in ix.store.iter_articles()]
    result = runner.invoke(app, ["compare", "--articles", ",".join(ids), "--index", index, "--json", "--no-translate"])
    assert result.exit_code == 0, result.output
    mentions = [m["text"] for claim in json.loads(result.stdout)["claims"] for m in claim["mentions"]]
    assert FIRST in mentions and not [m for m in mentions if HEADLINE in m and "agreed" in m]
