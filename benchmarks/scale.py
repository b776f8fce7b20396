"""The Ray path of ingest against local ingest, the driver's ceiling, and a projection (docs/scale.md).

    python benchmarks/corpus.py 1000 /tmp/corpus-1k.jsonl
    python benchmarks/scale.py /tmp/corpus-1k.jsonl [--write-sizes 1000,10000] [--json FILE]

Measures, on this machine, with the default model (warm: loaded and run once before timing):
1. local     Index.ingest of the corpus into a fresh index, in this process (LocalExecutor()), and
             in one worker process per CPU of one model thread each (LocalExecutor(workers=N),
             their start included: what `crosscheck ingest` does past 512 articles).
2. ray       the same with RayExecutor on a local Ray cluster of as many CPUs as this process may
             use, one worker per CPU: the cluster's start, the workers' start (actors, model
             loaded and run once), and the ingest; the overhead against local.
3. worker    the pure step alone (prepare.prepare_batch, batches of 64) in this process with one
             BLAS thread: the throughput of one Ray worker of one CPU.
4. driver    what the driver does per article besides waiting: read + validate + the unchanged
             check (record_key, one SQLite lookup), pickling the records out and the prepared
             articles back (what Ray does to send them; shared memory on one machine, the network
             across machines is not counted), and the write itself (Index.add of articles
             prepared beforehand, with vectors: SQLite + faiss, no embedding) at each
             --write-sizes (the prepared corpus repeated under new ids). Its ceiling is 1 / the
             sum of those per-article times.
5. projection articles/day for 1..256 workers: workers x the per-worker rate, capped by the
             driver's ceiling.
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import REPO, Result, machine_info, print_machine, save_json, table, timer

sys.path.insert(0, str(REPO))

from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.index.embed import UseMultilingual, available_cores, get_embedder  # noqa: E402
from crosscheck.ingest.prepare import PreparedArticle
from crosscheck.sources.files import read_paths
from crosscheck.sources.identity import record_key  # noqa: E402
from crosscheck.records import ArticleRecord  # noqa: E402
from crosscheck.ingest.prepare import DEFAULT_BATCH, Prepared, prepare_batch
from crosscheck.ingest.workers import LocalExecutor  # noqa: E402
from crosscheck.index.store import Store  # noqa: E402
from crosscheck.ingest.writer import add_records, ingest_paths  # noqa: E402

SECONDS_PER_DAY = 86_400
PROJECTED_WORKERS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def records_of(corpus: Path) -> list[ArticleRecord]:
    records = [r for r in read_paths([corpus]) if isinstance(r, ArticleRecord)]
    if not records:
        raise SystemExit(f"no articles in {corpus}: make one with benchmarks/corpus.py")
    return records


def bench_local(corpus: Path, work: Path, workers: int = 0) -> Result:
    embedder = get_embedder()
    with timer() as warm:
        embedder.embed(["warm-up: load the weights"])
    work.mkdir(parents=True, exist_ok=True)
    with Index.open(work / f"local-{workers}", create=True, embedder=embedder) as ix, timer() as took:
        report = ingest_paths(ix, [corpus], executor=LocalExecutor(workers=workers))
    return {"articles": report.added, "sentences": report.embedded_sentences, "seconds": took[0],
            "model_warm_up_seconds": warm[0]}


def bench_ray(corpus: Path, work: Path, workers: int) -> Result:
    import ray

    from crosscheck.ingest.ray_workers import RayExecutor, _Preparer

    with timer() as cluster:
        ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    try:
        # the workers' start alone: actors up, the model loaded and run once
        with timer() as start:
            actor: Any = ray.remote(num_cpus=1)(_Preparer)
            actors: list[Any] = [actor.remote("use-multilingual", OutletDirectory()) for _ in range(workers)]
            ray.get([a.prepare.remote([ArticleRecord(text="Warm-up. Two sentences.", title="warm-up")])
                     for a in actors])
        for a in actors:
            ray.kill(a)
        with Index.open(work / "ray", create=True) as ix, timer() as took:
            report = ingest_paths(ix, [corpus], executor=RayExecutor(workers=workers))
    finally:
        ray.shutdown()
    return {"articles": report.added, "sentences": report.embedded_sentences, "workers": workers,
            "cluster_start_seconds": cluster[0], "worker_start_seconds": start[0], "seconds": took[0]}


def bench_worker(records: list[ArticleRecord], threads: int) -> tuple[Result, list[Prepared]]:
    embedder = UseMultilingual(threads=threads)
    embedder.embed(["warm-up: load the weights"])
    outlets = OutletDirectory()
    prepared: list[Prepared] = []
    with timer() as took:
        for start in range(0, len(records), DEFAULT_BATCH):
            prepared += prepare_batch(records[start:start + DEFAULT_BATCH], outlets, embedder)
    return {"threads": threads, "articles": len(records), "seconds": took[0],
            "articles_per_second": len(records) / took[0]}, prepared


def bench_driver_reading(corpus: Path, records: list[ArticleRecord], prepared: list[Prepared],
                         work: Path) -> Result:
    """Per-article seconds of what the driver does around the write."""
    with Index.open(work / "read", create=True) as ix:  # an empty index: every lookup misses, as for new input
        store: Store = ix.store
        with timer() as read:
            count = 0
            for record in read_paths([corpus]):
                if isinstance(record, ArticleRecord):
                    key, digest = record_key(record)
                    store.revisions_of(key)
                    count += 1
    batches = [records[i:i + DEFAULT_BATCH] for i in range(0, len(records), DEFAULT_BATCH)]
    results = [prepared[i:i + DEFAULT_BATCH] for i in range(0, len(prepared), DEFAULT_BATCH)]
    with timer() as out:
        sent = [pickle.dumps(b, protocol=5) for b in batches]
    replies = [pickle.dumps(r, protocol=5) for r in results]
    with timer() as back:
        for reply in replies:
            pickle.loads(reply)
    return {"read_and_check": read[0] / count, "records_out": out[0] / len(records),
            "prepared_back": back[0] / len(prepared),
            "bytes_out_per_article": sum(map(len, sent)) / len(records),
            "bytes_back_per_article": sum(map(len, replies)) / len(prepared)}


def renamed(prepared: Sequence[Prepared], copies: int) -> list[Prepared]:
    """The prepared corpus `copies` times, each copy under new ids and text hashes."""
    out: list[Prepared] = []
    for copy in range(copies):
        for p in prepared:
            if isinstance(p, PreparedArticle):
                values = {**p.values, "id": f"{p.values['id']}-copy{copy}",
                          "content_hash": f"{p.values['content_hash']}-{copy}"}
                out.append(replace(p, values=values))
    return out


def bench_write(prepared: list[Prepared], size: int, work: Path) -> Result:
    articles = [p for p in prepared if isinstance(p, PreparedArticle)]
    items = renamed(articles, -(-size // len(articles)))[:size]
    sentences = sum(len(p.sentences) for p in items if isinstance(p, PreparedArticle))
    with Index.open(work / f"write-{size}", create=True) as ix, timer() as took:
        report = add_records(ix, items)
    assert report.added == size and report.embedded_articles == size, report
    return {"articles": size, "sentences": sentences, "seconds": took[0], "articles_per_second": size / took[0],
            "sentences_per_second": sentences / took[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a JSONL corpus (benchmarks/corpus.py N OUT.jsonl)")
    parser.add_argument("--write-sizes", default="1000,10000", help="articles written in the driver's write test")
    parser.add_argument("--workers", type=int, default=available_cores(), help="Ray workers on the local cluster, and local worker processes")
    parser.add_argument("--repeats", type=int, default=2, help="local and Ray runs, alternating; the best counts")
    parser.add_argument("--skip-ray", action="store_true", help="measure everything but the local Ray cluster")
    parser.add_argument("--json", help="also save the results to this file")
    args = parser.parse_args()
    info = machine_info()
    print_machine(info)
    results: Result = {"machine": info}
    records = records_of(args.corpus)
    with tempfile.TemporaryDirectory(prefix="crosscheck-scale-") as tmp:
        work = Path(tmp)
        # local and Ray runs alternate, so that a shared machine's load hits both alike; the best of each counts
        locals_, rays, pools = [], [], []
        for run in range(args.repeats):
            locals_.append(bench_local(args.corpus, work / f"run{run}"))
            pools.append(bench_local(args.corpus, work / f"run{run}", args.workers))
            if not args.skip_ray:
                rays.append(bench_ray(args.corpus, work / f"run{run}", args.workers))
        results["local_runs"], results["ray_runs"], results["local_workers_runs"] = locals_, rays, pools
        local = results["local"] = min(locals_, key=lambda r: r["seconds"])
        pool = results["local_workers"] = min(pools, key=lambda r: r["seconds"])
        pool["overhead"] = pool["seconds"] / local["seconds"] - 1
        rows: list[list[Any]] = [[f"local (this process, {available_cores()} BLAS threads)", local["articles"], "-", "-",
                                  local["seconds"], local["articles"] / local["seconds"], "-"],
                                 [f"local, {args.workers} worker processes of 1 thread (their start included)",
                                  pool["articles"], "-", "-", pool["seconds"], pool["articles"] / pool["seconds"],
                                  f"{100 * pool['overhead']:+.0f}%"]]
        if not args.skip_ray:
            ray_run = results["ray"] = min(rays, key=lambda r: r["seconds"])
            steady = ray_run["seconds"] - ray_run["worker_start_seconds"]
            ray_run["overhead"] = ray_run["seconds"] / local["seconds"] - 1
            ray_run["overhead_after_start"] = steady / local["seconds"] - 1
            rows.append([f"ray ({args.workers} workers of 1 CPU, local cluster)", ray_run["articles"],
                         ray_run["cluster_start_seconds"], ray_run["worker_start_seconds"], ray_run["seconds"],
                         ray_run["articles"] / ray_run["seconds"], f"{100 * ray_run['overhead']:+.0f}%"])
            rows.append(["ray, less the workers' start", ray_run["articles"], "-", "-", steady,
                         ray_run["articles"] / steady, f"{100 * ray_run['overhead_after_start']:+.0f}%"])
        print("\n  runs (ingest seconds): local " + ", ".join(f"{r['seconds']:.1f}" for r in locals_)
              + "; local workers " + ", ".join(f"{r['seconds']:.1f}" for r in pools)
              + ("; ray " + ", ".join(f"{r['seconds']:.1f}" for r in rays) if rays else ""))
        table(f"ingest of {args.corpus.name}: local against Ray, same corpus, warm model, best of {args.repeats}",
              ["path", "articles", "cluster start s", "workers' start s", "ingest s", "articles/s",
               "against local"], rows)

        worker_rows = []
        prepared: list[Prepared] = []
        for threads in (1, 2):
            measured, got = bench_worker(records, threads)
            results[f"worker_{threads}_threads"] = measured
            prepared = prepared or got
            worker_rows.append([f"{threads} BLAS thread{'s' if threads > 1 else ''}", measured["articles"],
                                measured["seconds"], measured["articles_per_second"]])
        table("the pure step alone (prepare_batch, batches of 64) in one process: one worker",
              ["worker", "articles", "seconds", "articles/s"], worker_rows)

        driver = results["driver_per_article"] = bench_driver_reading(args.corpus, records, prepared, work)
        writes = results["write"] = [bench_write(prepared, int(n), work) for n in args.write_sizes.split(",")]
        table("the driver's write: Index.add of prepared articles with vectors (SQLite + faiss, no embedding)",
              ["articles", "sentences", "seconds", "articles/s", "sentences/s"],
              [[w["articles"], w["sentences"], w["seconds"], w["articles_per_second"], w["sentences_per_second"]]
               for w in writes])
        write_seconds = 1 / writes[-1]["articles_per_second"]
        parts = [["read JSONL + validate + unchanged check", driver["read_and_check"]],
                 [f"pickle records out ({driver['bytes_out_per_article']:,.0f} bytes/article)", driver["records_out"]],
                 [f"unpickle prepared back ({driver['bytes_back_per_article']:,.0f} bytes/article)",
                  driver["prepared_back"]],
                 [f"write (at {writes[-1]['articles']:,} articles)", write_seconds]]
        per_article = sum(p[1] for p in parts)
        ceiling = results["driver_ceiling_articles_per_second"] = 1 / per_article
        table("the driver's time per article", ["step", "ms/article"],
              [[name, 1000 * seconds] for name, seconds in parts] + [["total", 1000 * per_article]])
        print(f"\n  driver ceiling: {ceiling:,.0f} articles/s = {ceiling * SECONDS_PER_DAY / 1e6:,.1f} million "
              "articles/day")

        per_worker = results["worker_1_threads"]["articles_per_second"]
        projection = []
        for n in PROJECTED_WORKERS:
            rate = min(n * per_worker, ceiling)
            projection.append([n, n * per_worker, rate, rate * SECONDS_PER_DAY,
                               "driver" if n * per_worker > ceiling else "workers"])
        results["projection"] = projection
        table(f"projection: workers of 1 CPU at {per_worker:.1f} articles/s each (measured above), "
              f"capped by the driver at {ceiling:,.0f}/s",
              ["workers", "workers' articles/s", "articles/s", "articles/day", "bound by"], projection)
    save_json(args.json, results)


if __name__ == "__main__":
    main()
