"""Shared fixtures: real SQLite and faiss in temporary folders, the real bundled model.

`hash-test` is a small deterministic embedder for plumbing tests only (it knows no meaning);
every feature is also tested with the real model.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.embed import Embedder, register  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


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
        report = ix.ingest([SAMPLES], OutletDirectory())
    assert report.added >= 15 and report.skipped == 0, report
    return path


@pytest.fixture
def sample_index(sample_index_path: Path) -> Iterator[Index]:
    with Index.open(sample_index_path) as ix:
        yield ix
