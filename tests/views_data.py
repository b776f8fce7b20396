"""The corpora the analyst views are tested on (figures, speakers, digest): the earthquake of
benchmarks/corpora/quake10 (written for these views: one event told over ten days by six outlets
in ru/tr/en/de) ingested once with the real model, and its annotated figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosscheck import Index, OutletDirectory
from crosscheck.compare.diff import compare_articles
from crosscheck.compare.results import Comparison
from crosscheck.ingest.writer import ingest_paths
from crosscheck.stories.catalog import adhoc_story
from crosscheck.stories.clustering import update_stories

from .conftest import ROOT

QUAKE = ROOT / "benchmarks" / "corpora" / "quake10"


def quake_ids() -> list[str]:
    return [json.loads(line)["id"] for line in (QUAKE / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def quake_figures() -> list[dict[str, object]]:
    """The corpus's annotated figures (figures.json): article, value, kind, and the words that give it."""
    return list(json.loads((QUAKE / "figures.json").read_text(encoding="utf-8"))["figures"])


@pytest.fixture(scope="session")
def quake_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """quake10 ingested with the real default model and its outlets, stories formed."""
    path = tmp_path_factory.mktemp("quake") / "ix"
    with Index.open(path, create=True) as ix:
        report = ingest_paths(ix, [QUAKE / "corpus.jsonl"], OutletDirectory.with_file(QUAKE / "outlets.json"))
        assert report.added == len(quake_ids()) and report.skipped == 0, report
        update_stories(ix)
    return path


@pytest.fixture(scope="session")
def quake_comparison(quake_index_path: Path) -> Iterator[Comparison]:
    """The whole earthquake as one story (`compare --articles` of every article): the views are
    tested on the event, whatever stories the clustering forms of it."""
    with Index.open(quake_index_path, readonly=True) as ix:
        yield compare_articles(ix, adhoc_story(ix, quake_ids()))
