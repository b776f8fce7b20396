"""On a phone (420 px) the story page's figures keep their labels whole: "Independent sources"
wraps between its words, never inside one ("INDEPENDEN / T SOURCES"). Real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crosscheck.cli import app

from ..conftest import ARTIFACTS, SAMPLES

SEED_STORY = "160912-turkey-russia-exchanging"

# Each word of each figure's label, and the lines its box takes: a word on two lines was broken.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const label of document.querySelectorAll('.stat dt')) {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def story_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed story's page, from samples/ ingested (and formed into stories) with the real model."""
    folder = tmp_path_factory.mktemp("narrow")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(SAMPLES), "--index", str(folder / "ix"), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["compare", SEED_STORY, "--index", str(folder / "ix"), "--html",
                                 str(folder / "story.html"), "--no-translate"])
    assert result.exit_code == 0, result.output
    return folder / "story.html"


@pytest.mark.parametrize("width", [360, 420, 1400])
def test_figure_labels_never_break_inside_a_word(story_page: Path, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(story_page.resolve().as_uri())
        labels = page.eval_on_selector_all(".stat dt", "ds => ds.map(d => d.innerText)")
        assert any("INDEPENDENT" in label.upper() for label in labels), labels
        assert page.evaluate(BROKEN_WORDS) == []
        # and no label spills out of its box
        spills = page.evaluate("""() => [...document.querySelectorAll('.stat dt')]
            .filter(d => d.scrollWidth > d.clientWidth + 1).map(d => d.innerText)""")
        assert spills == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"story-figures-{width}.png"))
    finally:
        context.close()
