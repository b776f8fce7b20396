"""`crosscheck serve` on hostile and damaged indexes (issue 24): a real uvicorn server on a free
loopback port, read in real headless Chromium.

- Item 4: every page (stories, search, story, article, errors) isolates each untrusted string:
  right-to-left overrides in titles, outlets, ids, sentences and the query reverse no word of
  the page around them, and no page holds a control character.
- Item 8: with articles.faiss missing, the story page still answers; with sentences.faiss
  missing, it says in one line what to do, never a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from crosscheck import Index
from crosscheck.index.paths import ARTICLE_VECTORS, SENTENCE_VECTORS
from crosscheck.web.server import create_app

from ..conftest import Tab
from ..present.test_bidi_and_controls import END, RLO, assert_no_controls, assert_reads_left_to_right, hostile  # noqa: F401
from .test_serve import running


def test_every_serve_page_reads_left_to_right(hostile: tuple[Path, str], tab: Tab) -> None:  # noqa: F811
    folder, story_id = hostile
    with running(create_app(folder)) as url:
        pages = {
            "serve-index": "/",
            "serve-story": f"/stories/{quote(story_id, safe='')}",
            "serve-article": "/articles/" + quote("bidi-1" + END, safe=""),
            "serve-article-2": "/articles/bidi-2",
            "serve-search": "/search?" + f"q={quote('military intelligence' + END + chr(0))}&sentences=1",
            "serve-search-articles": "/search?q=" + quote("Russia " + RLO + "TITLE"),
            "serve-404": "/stories/" + quote("no-such" + END, safe=""),
        }
        for name, path in pages.items():
            r = httpx.get(url + path)
            assert r.status_code == (404 if name == "serve-404" else 200), (path, r.status_code)
            assert_no_controls(r.text)
            tab.page.goto(url + path)
            assert tab.page.title().endswith("· crosscheck"), path
            assert_reads_left_to_right(tab, name)
        tab.page.goto(url + pages["serve-search"])
        count = tab.page.inner_text("#result-count")  # "N results for “QUERY” (sentences)", in that order
        assert count.endswith("” (sentences)") and " results for “" in count, count
    assert tab.dialogs == [] and all("status of 404" in e for e in tab.errors), tab.errors


@pytest.fixture
def damaged_copy(hostile: tuple[Path, str], tmp_path: Path) -> Path:  # noqa: F811
    folder, _ = hostile
    shutil.copytree(folder, tmp_path / "ix")
    return tmp_path / "ix"


def test_story_page_without_articles_faiss_still_answers(damaged_copy: Path, hostile: tuple[Path, str],  # noqa: F811
                                                         tab: Tab) -> None:
    _, story_id = hostile
    (damaged_copy / ARTICLE_VECTORS).unlink()
    with running(create_app(damaged_copy)) as url:
        for path in ("/", f"/stories/{story_id}", "/api/stories", f"/api/stories/{story_id}/compare"):
            r = httpx.get(url + path)
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            assert "Traceback" not in r.text and "not found" not in r.text
        tab.page.goto(url + f"/stories/{story_id}")
        assert tab.visible("#matrix tbody tr.row") >= 1
        assert "Turkey and Russia" in tab.page.inner_text("#story-title")


def test_story_page_without_sentences_faiss_says_what_to_do(damaged_copy: Path, hostile: tuple[Path, str]  # noqa: F811
                                                            ) -> None:
    _, story_id = hostile
    (damaged_copy / SENTENCE_VECTORS).unlink()
    with running(create_app(damaged_copy)) as url:
        r = httpx.get(url + f"/stories/{story_id}")
        assert r.status_code == 500 and "Traceback" not in r.text and "key" not in r.text
        assert "no vector in sentences.faiss" in r.text and "crosscheck check --repair" in r.text
        r = httpx.get(url + f"/api/stories/{story_id}/compare")
        assert r.status_code == 500 and "crosscheck check --repair" in r.json()["error"]
    with Index.open(damaged_copy, readonly=True) as ix:
        assert len(ix.article_vectors) == 3  # nothing was written by the reader
    assert not (damaged_copy / SENTENCE_VECTORS).exists()
