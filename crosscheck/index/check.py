"""`crosscheck check`: is an index whole, and (with `repair`) make it whole again.

Checks SQLite's `integrity_check`, migrations not applied yet, and the vector files against the
rows marked embedded. Repair applies the migrations, drops vectors nothing refers to and embeds
again whatever has no vector, under the index's write lock.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import IndexDamaged, IndexNotFound
from .folder import Index
from .lock import WaitFn
from .paths import DB_NAME, index_dir
from .store import Store

__all__ = ["CheckReport", "check_index"]

log = logging.getLogger("crosscheck")


@dataclass
class CheckReport:
    index: str
    integrity: list[str] = field(default_factory=list)    # SQLite's findings; empty when ok
    pending_migrations: list[str] = field(default_factory=list)
    articles: int = 0
    embedded_articles: int = 0
    article_vectors: int = 0
    sentences: int = 0           # sentences of embedded articles
    sentence_vectors: int = 0
    repaired: list[str] = field(default_factory=list)   # what repair did, one line each
    damaged: list[str] = field(default_factory=list)    # files that cannot be read

    @property
    def ok(self) -> bool:
        return (not self.integrity and not self.pending_migrations and not self.damaged
                and self.article_vectors == self.embedded_articles
                and self.sentence_vectors == self.sentences)

    def problems(self) -> list[str]:
        out = [f"SQLite integrity_check: {line}" for line in self.integrity] + list(self.damaged)
        if self.pending_migrations:
            out.append(f"upgrades not applied: {', '.join(self.pending_migrations)}")
        if self.article_vectors != self.embedded_articles:
            out.append(f"{self.article_vectors} article vectors for {self.embedded_articles} embedded articles")
        if self.sentence_vectors != self.sentences:
            out.append(f"{self.sentence_vectors} sentence vectors for {self.sentences} sentences of embedded articles")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "problems": self.problems()}


def _measure(report: CheckReport, path: os.PathLike[str] | str) -> None:
    with Index.open(path, readonly=True) as ix:
        report.integrity = ix.store.integrity_check()
        report.articles = ix.store.totals()["articles"]
        report.embedded_articles, report.sentences = ix.store.embedded_counts()
        for name in ("article_vectors", "sentence_vectors"):
            try:
                setattr(report, name, len(getattr(ix, name)))
            except IndexDamaged as e:
                report.damaged.append(str(e.path) + ": " + e.detail)


def check_index(path: os.PathLike[str] | str | None = None, repair: bool = False, wait: bool = True,
                on_wait: WaitFn | None = None) -> CheckReport:
    """Check the index at `path`; with `repair`, fix what can be fixed and check again."""
    folder = index_dir(path)
    if not (folder / DB_NAME).exists():
        raise IndexNotFound(folder)
    report = CheckReport(index=str(folder))
    store = Store(folder / DB_NAME, readonly=True)
    try:
        report.pending_migrations = store.pending_migrations()
    finally:
        store.close()
    if repair:
        with Index.open(folder, wait=wait, on_wait=on_wait) as ix, ix.writing():
            if report.pending_migrations:
                report.repaired.append(f"applied {', '.join(report.pending_migrations)}")
            report.pending_migrations = []
            articles, sentences = ix.reconcile()
            if articles:
                report.repaired.append(f"embedded {articles} articles ({sentences} sentences) again")
    if not report.pending_migrations:
        try:
            _measure(report, folder)
        except sqlite3.DatabaseError as e:
            report.integrity.append(str(e))
    return report
