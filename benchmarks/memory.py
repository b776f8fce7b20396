"""Peak memory and time of ingesting one huge article (issue 11: a 5 MB text once took 24 GB).

    python benchmarks/memory.py [--mb 5] [--limit-gb 3] [--cases prose,unpunctuated,title] [--json FILE]

Each case ingests one generated article into a fresh index with the default model, in its own
subprocess; peak memory is that process's VmHWM (peak resident set size). A watchdog kills a
case whose resident memory passes --limit-gb (so that a regression cannot take the machine
down) and reports it as over the limit. Cases:

prose         --mb MB of ordinary sentences (real-looking English, full stops)
unpunctuated  --mb MB of words with no punctuation at all: one "sentence"
title         a short text under a title of --mb MB
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine_info, print_machine, proc_status_mb, save_json, table  # noqa: E402

HERE = Path(__file__).resolve()
RESULT_PREFIX = "RESULT "
TARGET_GB = 1.0  # issue 11: under 1 GB for a 5 MB article
WORDS = ("minister energy pipeline talks Moscow Ankara ceasefire army border grain ships port "
         "officials said agreement government report week statement president parliament vote").split()


def text_of(kind: str, size: int, rng: random.Random) -> tuple[str, str]:
    """(title, text) of about `size` characters in the large field."""
    def words(n_chars: int, punctuate: bool) -> str:
        out: list[str] = []
        length = 0
        since_stop = 0
        while length < n_chars:
            word = rng.choice(WORDS)
            since_stop += 1
            if punctuate and since_stop >= rng.randint(8, 25):
                word += "."
                since_stop = 0
            out.append(word)
            length += len(word) + 1
        return " ".join(out)

    if kind == "prose":
        return "Energy talks", words(size, True)
    if kind == "unpunctuated":
        return "Energy talks", words(size, False)
    if kind == "title":
        return words(size, False), "Officials met in Moscow. They agreed on a plan."
    raise ValueError(kind)


def worker(kind: str, mb: float, folder: str) -> None:
    from crosscheck import Index
    from crosscheck.ingest.writer import add_records

    title, text = text_of(kind, int(mb * 1_000_000), random.Random(0))
    record = {"id": f"huge-{kind}", "outlet": "TASS", "published": "2016-09-12", "title": title, "text": text}
    del title, text
    began = time.perf_counter()
    with Index.open(Path(folder) / "ix", create=True) as ix:
        report = add_records(ix, [record])
    seconds = time.perf_counter() - began
    print(RESULT_PREFIX + json.dumps({
        "case": kind, "mb": mb, "seconds": round(seconds, 1), "peak_mb": round(proc_status_mb("VmHWM")),
        "added": report.added, "sentences": report.embedded_sentences,
        "warnings": [str(p) for p in report.problems]}))


def run_case(kind: str, mb: float, limit_gb: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        proc = subprocess.Popen([sys.executable, str(HERE), "_worker", kind, str(mb), folder],
                                stdout=subprocess.PIPE, text=True)
        peak = 0.0
        killed = False
        began = time.perf_counter()
        while proc.poll() is None:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
                peak = max(peak, rss)
            except (OSError, StopIteration):
                pass
            if peak > limit_gb * 1024:
                proc.kill()
                killed = True
                break
            time.sleep(0.05)
        out, _ = proc.communicate()
        if killed:
            return {"case": kind, "mb": mb, "seconds": round(time.perf_counter() - began, 1),
                    "peak_mb": round(peak), "added": 0, "sentences": 0,
                    "warnings": [f"killed: resident memory passed {limit_gb} GB"]}
        for line in out.splitlines():
            if line.startswith(RESULT_PREFIX):
                return json.loads(line[len(RESULT_PREFIX):])
        raise RuntimeError(f"case {kind} failed (exit {proc.returncode})")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker(sys.argv[2], float(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0, help="size of the huge field in MB of text")
    parser.add_argument("--limit-gb", type=float, default=3.0, help="kill a case past this resident memory")
    parser.add_argument("--cases", default="prose,unpunctuated,title")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    info = machine_info()
    print_machine(info)
    results = [run_case(kind, args.mb, args.limit_gb) for kind in args.cases.split(",")]
    rows = [[r["case"], f"{r['mb']:g} MB", f"{r['seconds']:.1f}", f"{r['peak_mb']:,}",
             "ok" if r["added"] and float(r["peak_mb"]) < TARGET_GB * 1024 else "MISSED",  # type: ignore[arg-type]
             r["sentences"]] for r in results]
    table(f"one huge article, default model ({TARGET_GB:g} GB target)",
          ["case", "size", "seconds", "peak MB", f"< {TARGET_GB:g} GB", "sentences embedded"], rows)
    for r in results:
        for warning in r["warnings"]:  # type: ignore[union-attr]
            print(f"  {r['case']}: {warning}")
    if args.json:
        save_json(args.json, {"machine": info, "results": results})


if __name__ == "__main__":
    main()
