"""Shared fixtures: real SQLite and faiss in temporary folders, the real bundled model.

`hash-test` is a small deterministic embedder for plumbing tests only (it knows no meaning);
every feature is also tested with the real model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.index.embed import Embedder, register  # noqa: E402
from crosscheck.ingest.writer import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"  # screenshots of the browser tests (git-ignored)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class HashEmbedder(Embedder):
    """Bag of hashed words: deterministic, fast, and meaningless across languages."""

    model_id = "hash-test"
    dimension = 64

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[row, h % self.dimension] += 1.0
        return out


register("hash-test", lambda _arg: HashEmbedder())


@pytest.fixture
def tmp_index(tmp_path: Path) -> Iterator[Index]:
    """An empty index with the fake embedder."""
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        yield ix


@pytest.fixture(scope="session")
def sample_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """samples/ ingested once with the real default model."""
    path = tmp_path_factory.mktemp("samples") / "ix"
    with Index.open(path, create=True) as ix:
        report = ingest_paths(ix, [SAMPLES], OutletDirectory())
    assert report.added >= 15 and report.skipped == 0, report
    return path


@pytest.fixture
def sample_index(sample_index_path: Path) -> Iterator[Index]:
    with Index.open(sample_index_path) as ix:
        yield ix


# A story of 3 March 2025 told in three time zones (TASS at 14:10+03:00 = 11:10 UTC, Reuters at
# 13:45 UTC, AP at 09:20-05:00 = 14:20 UTC, and five more), a German storm report and a French
# metro report of the same day that share nothing with it: the articles of issue 23. Invented for
# the tests, like the samples (the outlets are real, the texts are not theirs).
GRAIN_CORRIDOR = ROOT / "tests" / "data" / "grain_corridor.jsonl"


@pytest.fixture(scope="session")
def grain_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """samples/ and the grain corridor story ingested with the real default model, stories formed."""
    from crosscheck.stories.clustering import update_stories

    path = tmp_path_factory.mktemp("grain") / "ix"
    with Index.open(path, create=True) as ix:
        report = ingest_paths(ix, [SAMPLES, GRAIN_CORRIDOR], OutletDirectory())
        assert report.added == 30 and report.skipped == 0, report
        update_stories(ix)
    return path


# -- the browser: Debian's Chromium through Playwright, one for the whole session ----------------
@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium on this machine; installed with apt-get when missing and we are root."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run("apt-get update -qq && apt-get install -y -qq chromium", shell=True,
                       check=False, capture_output=True, timeout=900)
        found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no Chromium: install the 'chromium' package (apt-get install chromium) to run browser tests")
    return found


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())

    def visible(self, selector: str) -> int:
        return int(self.page.evaluate(
            "s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length > 0).length", selector))

    def press_on(self, selector: str, key: str) -> None:
        """Keyboard only: focus the control and press Enter or Space."""
        self.page.focus(selector)
        self.page.keyboard.press(key)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    t = Tab(page)
    page.on("console", lambda m: t.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: t.errors.append(f"page error: {e}"))
    page.on("dialog", lambda d: (t.dialogs.append(d.message), d.dismiss()))
    yield t
    context.close()
