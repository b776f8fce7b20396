"""The Ray path of ingest (`crosscheck ingest --ray`, ray_executor.RayExecutor) on a local Ray cluster
of 2 CPUs started inside the test, with the real default model: it must give the same index as a
local ingest of the same file."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import crosscheck.ingest.writer as writer_mod
from crosscheck import Index, OutletDirectory
from crosscheck.cli import _optional_ray_address, app
from crosscheck.errors import ClusterError, InvalidInput, UnknownModel
from crosscheck.ingest.workers import LocalExecutor

from ..conftest import SAMPLES
from ..ingest.test_prepare import assert_same_index, interrupted_at, stored

ray = pytest.importorskip("ray", reason="pip install 'crosscheck[ray]' (the test extra installs it)")

from crosscheck.ingest.ray_workers import RayExecutor, _Preparer  # noqa: E402
from crosscheck.ingest.writer import add_records, ingest_paths
from crosscheck.index.query import search

ARTICLES = 8  # of samples/articles.jsonl: ru, tr and en, enough for three batches of 3


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A local Ray instance of 2 CPUs for this module; the executor uses it and leaves it running."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:ARTICLES]
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    with Index.open(tmp_path_factory.mktemp("local") / "ix", create=True) as ix:
        report = ingest_paths(ix, [corpus], executor=LocalExecutor())
        assert report.added == ARTICLES
        return stored(ix)


def test_ray_ingest_gives_the_same_index_as_local(cluster: None, corpus: Path, local_index: dict[str, Any],
                                                  tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", create=True) as ix:
        report = ingest_paths(ix, [corpus], executor=RayExecutor(workers=2, batch_size=3))
        assert (report.added, report.skipped, report.embedded_articles) == (ARTICLES, 0, ARTICLES)
        assert ix.store.count_unembedded() == 0
        assert_same_index(stored(ix), local_index)
        assert search(ix, "Turkey and Russia share intelligence", k=1)  # searchable as it is
        again = ingest_paths(ix, [corpus], executor=RayExecutor(workers=2))
        assert (again.added, again.unchanged, again.embedded_articles) == (0, ARTICLES, 0)


def test_cli_ingest_with_ray(cluster: None, corpus: Path, local_index: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "ix"), "--workers", "2",
                                 "--batch-size", "4", "--json", "-q", "--ray"])  # --ray last, with no address
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == ARTICLES and report["embedded_articles"] == ARTICLES
    with Index.open(tmp_path / "ix", readonly=True) as ix:
        assert_same_index(stored(ix), local_index)


def test_each_worker_loads_the_model_with_its_own_cpus(cluster: None) -> None:
    worker = ray.remote(num_cpus=1)(_Preparer).remote("use-multilingual", OutletDirectory())
    try:
        # one BLAS thread for a worker of one CPU: two workers on 2 cores, not four threads
        assert ray.get(worker.describe.remote())["threads"] == 1
    finally:
        ray.kill(worker)


def test_a_stopped_driver_keeps_what_it_committed(cluster: None, corpus: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "COMMIT_ARTICLES", 2)
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]

    with Index.open(tmp_path / "ix", create=True) as ix, pytest.raises(KeyboardInterrupt):
        add_records(ix, interrupted_at(records, 6), executor=RayExecutor(workers=2, batch_size=1))
    with Index.open(tmp_path / "ix") as ix:
        kept = ix.store.totals()["articles"]
        assert 2 <= kept <= 6
        report = add_records(ix, records, executor=RayExecutor(workers=2, batch_size=2))
        assert (report.added, report.unchanged) == (ARTICLES - kept, kept)
        assert len(ix.article_vectors) == ARTICLES and ix.store.count_unembedded() == 0


def test_a_worker_error_is_one_clear_error(cluster: None, tmp_path: Path) -> None:
    # hash-test is registered in this process only (tests/conftest.py), not in the workers
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        with pytest.raises(UnknownModel) as raised:
            add_records(ix, [{"text": "Russia and Turkey met.", "url": "https://tass.ru/1"}], executor=RayExecutor(workers=1))
        assert "unknown model 'hash-test'" in str(raised.value)
        with pytest.raises(InvalidInput, match="3 Ray workers of 1 CPU need 3 CPUs; the cluster has 2"):
            add_records(ix, [{"text": "Russia and Turkey met.", "url": "https://tass.ru/1"}], executor=RayExecutor(workers=3))
        assert ix.store.totals()["articles"] == 0


# -- without a cluster ------------------------------------------------------------------------
def test_ray_address_is_optional_on_the_command_line() -> None:
    assert _optional_ray_address(["ingest", "a.jsonl", "--ray"]) == ["ingest", "a.jsonl", "--ray=local"]
    assert _optional_ray_address(["ingest", "--ray", "a.jsonl"]) == ["ingest", "--ray=local", "a.jsonl"]
    assert _optional_ray_address(["ingest", "--ray", "--workers", "2", "a"]) == ["ingest", "--ray=local", "--workers",
                                                                                "2", "a"]
    for address in ("10.0.0.5:6379", "ray://head.example:10001", "auto", "local", "[::1]:6379"):
        assert _optional_ray_address(["ingest", "a", "--ray", address]) == ["ingest", "a", "--ray", address]
    assert _optional_ray_address(["ingest", "--", "--ray"]) == ["ingest", "--", "--ray"]  # a file named --ray


def test_ray_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    corpus = tmp_path / "a.jsonl"
    corpus.write_text('{"text": "Russia and Turkey met."}\n', encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus), "--ray=/data/x", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 2 and "not a Ray address" in result.output
    assert not (tmp_path / "ix").exists()  # refused before any work

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    result = runner.invoke(app, ["ingest", str(corpus), "--ray", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert result.output.strip() == "error: --ray needs Ray, which is an extra: pip install 'crosscheck[ray]'"
    with pytest.raises(ClusterError):
        RayExecutor()


def test_ingest_help_states_the_library_defaults() -> None:
    from crosscheck.ingest.prepare import DEFAULT_BATCH

    result = CliRunner().invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert f"at a time [default: {DEFAULT_BATCH}]" in text and "--ray [ADDRESS]" in text
