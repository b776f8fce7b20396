"""Shared by the compare tests: a comparison of a few invented articles."""

from __future__ import annotations

from pathlib import Path

from crosscheck import Index, OutletDirectory
from crosscheck.compare.diff import compare_articles
from crosscheck.compare.results import Comparison
from crosscheck.ingest.writer import add_records
from crosscheck.records import ArticleRecord


def compare_records(folder: Path, records: list[ArticleRecord]) -> Comparison:
    """`records` ingested into a new index in `folder` with the hash-test model (real SQLite and
    faiss; no similarity is asked for) and compared as one story."""
    from crosscheck.stories.catalog import adhoc_story

    with Index.open(folder, model="hash-test", create=True) as ix:
        add_records(ix, records, OutletDirectory())
        return compare_articles(ix, adhoc_story(ix, [r.id for r in records if r.id]))
