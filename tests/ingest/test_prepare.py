"""The two steps of ingest: the pure step (prepare.prepare_batch: records in, prepared articles with
vectors out) and the writer (Index.add) that stores them in input order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

import crosscheck.ingest.writer as writer_mod
from crosscheck import Index, OutletDirectory
from crosscheck.index.embed import Embedder, get_embedder
from crosscheck.errors import IndexModelMismatch
from crosscheck.ingest.prepare import PreparedArticle
from crosscheck.sources.files import read_paths
from crosscheck.records import ArticleRecord, Problem
from crosscheck.ingest.workers import Executor, LocalExecutor
from crosscheck.ingest.prepare import Prepared, prepare_batch
from crosscheck.ingest.writer import add_records

from ..conftest import SAMPLES
from ..sources.test_files import EN, RU, TR, article, write_jsonl

T = TypeVar("T")


def stored(ix: Index) -> dict[str, tuple[str | None, list[str], np.ndarray, np.ndarray]]:
    """id -> (language, sentences, article vector, sentence vectors): what an index holds per article."""
    out = {}
    rows = ix.store.db.execute("SELECT rowid, id, language FROM articles ORDER BY rowid").fetchall()
    for rowid, article_id, language in rows:
        sentences = ix.store.db.execute(
            "SELECT rowid, text FROM sentences WHERE article_rowid = ? ORDER BY position", (rowid,)).fetchall()
        out[article_id] = (language, [t for _, t in sentences], ix.article_vectors.reconstruct([rowid])[0],
                           ix.sentence_vectors.reconstruct([r for r, _ in sentences]))
    return out


def assert_same_index(got: dict[str, tuple[str | None, list[str], np.ndarray, np.ndarray]],
                      want: dict[str, tuple[str | None, list[str], np.ndarray, np.ndarray]]) -> None:
    """Two indexes as `stored` gives them hold the same: ids in the same (input) order, languages,
    sentences, and vectors within float tolerance (made by other processes or thread counts)."""
    assert list(got) == list(want)
    for key, (language, sentences, article_vector, sentence_vectors) in got.items():
        assert (language, sentences) == want[key][:2], key
        assert np.allclose(article_vector, want[key][2], atol=1e-5), key
        assert sentence_vectors.shape == want[key][3].shape and np.allclose(sentence_vectors, want[key][3], atol=1e-5)


def interrupted_at(records: Sequence[T], number: int) -> Iterator[T]:
    """`records` up to `number`, then KeyboardInterrupt: Ctrl-C while workers hold batches."""
    for position, record in enumerate(records):
        if position == number:
            raise KeyboardInterrupt
        yield record


class CountingExecutor(LocalExecutor):
    """The local executor, counting the records it is given."""

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size)
        self.sent: list[int] = []

    def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
            embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
        def counted() -> Iterator[Sequence[ArticleRecord]]:
            for batch in batches:
                self.sent.append(len(batch))
                yield batch
        return super().map(counted(), outlets, model, embedder)


def test_ingest_stores_what_the_pure_step_makes_and_what_recovery_would(tmp_path: Path) -> None:
    """With the real model: the vectors stored by ingest are prepare_batch's, and the same (within
    float tolerance) as those `embed_pending` makes from the stored rows after a stopped run."""
    embedder = get_embedder()
    records = [r for r in read_paths([SAMPLES]) if isinstance(r, ArticleRecord)][:6]
    pure = prepare_batch(records, OutletDirectory(), embedder)
    assert all(isinstance(p, PreparedArticle) and p.model == embedder.model_id for p in pure)

    with Index.open(tmp_path / "inline", create=True, embedder=embedder) as ix:
        report = add_records(ix, records, executor=LocalExecutor(batch_size=4))  # two batches
        inline = stored(ix)
    assert report.added == 6 and report.embedded_articles == 6
    assert report.embedded_sentences == sum(len(p.sentences) for p in pure if isinstance(p, PreparedArticle))
    for p in pure:
        assert isinstance(p, PreparedArticle) and p.article_vector is not None
        language, sentences, article_vector, sentence_vectors = inline[p.values["id"]]
        assert (language, sentences) == (p.values["language"], [s.text for s in p.sentences])
        assert np.allclose(article_vector, p.article_vector, atol=1e-5)
        assert np.allclose(sentence_vectors, p.sentence_vectors, atol=1e-5)

    # the rows alone, as a run stopped before its vectors were saved leaves them
    unembedded = [PreparedArticle(p.values, p.sentences, p.problems, p.outlet, p.anchors)
                  for p in pure if isinstance(p, PreparedArticle)]
    with Index.open(tmp_path / "recovered", create=True, embedder=embedder) as ix:
        report = add_records(ix, unembedded)
        recovered = stored(ix)
    assert report.added == 6 and report.embedded_articles == 6  # by embed_pending, from the store
    assert recovered.keys() == inline.keys()
    for key, (language, sentences, article_vector, sentence_vectors) in recovered.items():
        assert (language, sentences) == inline[key][:2]
        assert np.allclose(article_vector, inline[key][2], atol=1e-5)
        assert np.allclose(sentence_vectors, inline[key][3], atol=1e-5)


def test_problems_and_counts_keep_input_order_across_batches(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [
        article(),
        '{"broken": ',                                                   # line 2
        article(url="https://aa.com.tr/3", outlet="Anadolu Ajansı", text=TR),
        article(url="http://[::1/x", text=RU + " 2"),                    # line 4: a URL that cannot be parsed
        article(url="https://bbc.com/4", outlet="BBC", text=EN),
        article(url="https://tass.ru/5", text=RU),                       # a duplicate of line 1's text
    ])
    executor = CountingExecutor(batch_size=2)
    report = add_records(tmp_index, read_paths([f]), executor=executor)
    assert (report.added, report.skipped, report.duplicates) == (4, 2, 1)
    assert [p.where for p in report.problems] == [f"{f}:2", f"{f}:4"]
    assert report.problems[1].reason.startswith("cannot be read: ValueError")  # from the pure step
    assert executor.sent == [2, 2, 1]  # the broken JSON line was never sent
    assert len(tmp_index.article_vectors) == 4


def test_unchanged_records_are_not_sent_to_be_embedded(tmp_index: Index, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "in.jsonl", [article(), article(url="https://aa.com.tr/3", text=TR)])
    add_records(tmp_index, read_paths([f]))
    edited = write_jsonl(tmp_path / "edited.jsonl", [article(), article(url="https://aa.com.tr/3", text=TR + " Yeni.")])
    executor = CountingExecutor(batch_size=64)
    report = add_records(tmp_index, read_paths([edited]), executor=executor)
    assert (report.added, report.unchanged, report.revisions) == (1, 1, 1)
    assert sum(executor.sent) == 1  # only the edited text was prepared and embedded
    # a record repeated within one run is caught when it is stored, not before
    twice = write_jsonl(tmp_path / "twice.jsonl", [article(url="https://bbc.com/9", text=EN)] * 2)
    report = add_records(tmp_index, read_paths([twice]))
    assert (report.added, report.unchanged) == (1, 1)


def test_a_stopped_run_keeps_what_it_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "COMMIT_ARTICLES", 3)

    def records(stop_after: int | None) -> Iterator[dict[str, str]]:
        for i in range(10):
            if stop_after is not None and i == stop_after:
                raise KeyboardInterrupt
            yield article(url=f"https://bbc.com/{i}", outlet="BBC", text=f"{EN} Number {i}.")

    path = tmp_path / "ix"
    with Index.open(path, model="hash-test", create=True) as ix, pytest.raises(KeyboardInterrupt):
        add_records(ix, records(stop_after=7), executor=LocalExecutor(batch_size=2))
    with Index.open(path) as ix:
        kept = ix.store.totals()["articles"]
        assert 3 <= kept < 10  # committed every 3 articles; nothing of the batch in hand
        report = add_records(ix, records(stop_after=None))
        assert (report.added, report.unchanged) == (10 - kept, kept)
        assert report.embedded_articles == 10  # those kept without vectors are embedded now
        assert len(ix.article_vectors) == 10 and ix.store.count_unembedded() == 0


def test_callers_may_add_articles_they_prepared(tmp_index: Index) -> None:
    records = [ArticleRecord(text=EN, title="Intelligence", url="https://bbc.com/1", outlet="BBC")]
    prepared = prepare_batch(records, OutletDirectory(), tmp_index.embedder)
    report = add_records(tmp_index, [*prepared, Problem("elsewhere", "could not be fetched")])
    assert (report.added, report.skipped, report.embedded_articles) == (1, 1, 1)
    other = prepare_batch([ArticleRecord(text=TR, title="x", url="https://aa.com.tr/2")], OutletDirectory(),
                          get_embedder())  # the default model, not the index's
    with pytest.raises(IndexModelMismatch):
        add_records(tmp_index, other)


def test_a_custom_executor_is_used_and_empty_batches_pass(tmp_index: Index) -> None:
    class Reversing(Executor):
        """Runs batches in reverse order but yields them in order, as an executor must."""

        batch_size = 1

        def map(self, batches: Iterable[Sequence[ArticleRecord]], outlets: OutletDirectory, model: str,
                embedder: Callable[[], Embedder]) -> Iterator[list[Prepared]]:
            held = list(batches)
            done = [prepare_batch(b, outlets, embedder()) if b else [] for b in reversed(held)]
            yield from reversed(done)

    report = add_records(tmp_index, [{"text": EN, "url": "https://bbc.com/1"}, {"text": ""},
                            {"text": TR, "url": "https://aa.com.tr/1"}], executor=Reversing())
    assert (report.added, report.skipped) == (2, 1)
    assert [a.url for a in tmp_index.store.iter_articles()] == ["https://bbc.com/1", "https://aa.com.tr/1"]
    assert json.dumps(report.as_dict())  # still plain data
