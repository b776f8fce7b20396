"""Helpers shared by the benchmarks: the machine, timing, tables, JSON, and the real eval data.

The eval data (NTREX-128 and SemEval-2022 Task 8, see ../shared/eval/README.md) is read at
run time from outside the repository and never copied into it.
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_EVAL = REPO.parent / "shared" / "eval"
NTREX_FILES = {"en": "newstest2019-src.eng.txt", "ru": "newstest2019-ref.rus.txt", "tr": "newstest2019-ref.tur.txt"}
LANGUAGES = ("en", "ru", "tr")
Result = dict[str, Any]


# -- the machine ------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine_info() -> Result:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "ram_gb": round(ram_gb(), 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "load_average": load_average(),
        "command": shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv])),
        "cwd": os.getcwd(),
    }


def print_machine(info: Result) -> None:
    print(f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
          f"{info['ram_gb']} GB RAM, Python {info['python']}, {info['platform']}")
    print(f"date:    {info['date']}  (load average at start: {info['load_average']})")
    print(f"command: {info['command']}  (in {info['cwd']})")


# -- timing and memory ------------------------------------------------------------------------
@contextmanager
def timer() -> Iterator[list[float]]:
    """`with timer() as t: ...` then t[0] is the elapsed seconds."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def growth_exponent(n1: float, t1: float, n2: float, t2: float) -> float:
    """b in t ~ n^b between two sizes: log(t2/t1) / log(n2/n1)."""
    if n1 <= 0 or n2 <= 0 or t1 <= 0 or t2 <= 0 or n1 == n2:
        return float("nan")
    return math.log(t2 / t1) / math.log(n2 / n1)


def proc_status_mb(field: str = "VmHWM") -> float:
    """A memory field of /proc/self/status in MB (VmHWM: peak resident set size)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# -- output -----------------------------------------------------------------------------------
def fmt(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A titled fixed-width table: first column left-aligned, the rest right-aligned."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(parts: Sequence[str]) -> str:
        return "  " + "  ".join(p.ljust(w) if i == 0 else p.rjust(w) for i, (p, w) in enumerate(zip(parts, widths)))

    print(f"\n{title}")
    print(line(headers))
    print("  " + "  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))


def save_json(path: str | os.PathLike[str] | None, payload: Result) -> None:
    if not path:
        return
    Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nsaved {path}")


def default_workdir() -> Path:
    """Generated corpora, indexes and cached vectors live here between runs (not in the repo)."""
    return Path(tempfile.gettempdir()) / "crosscheck-bench"


class TempFolders:
    """What pytest's `tmp_path_factory` offers a fixture (`mktemp`), over a folder of one's own:
    so that a benchmark can build the test suite's session indexes (tests/compare/test_real_data.py)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


# -- the real eval data -----------------------------------------------------------------------
class EvalDataMissing(RuntimeError):
    pass


def check_eval(eval_dir: Path) -> None:
    need = [eval_dir / "ntrex128_en_ru_tr" / "DOCUMENT_IDS.tsv",
            eval_dir / "semeval2022_task8_subset" / "testing_set.csv"]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        raise EvalDataMissing(f"eval data not found: {', '.join(missing)} (pass --eval DIR; see "
                              "../shared/eval/README.md)")


@dataclass(frozen=True)
class NtrexDocument:
    """One NTREX-128 news document: line-aligned English, Russian and Turkish; line 0 is the headline."""

    id: str
    lines: dict[str, list[str]]


def ntrex_documents(eval_dir: Path) -> list[NtrexDocument]:
    folder = eval_dir / "ntrex128_en_ru_tr"
    lines = {lang: (folder / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
             for lang, name in NTREX_FILES.items()}
    doc_ids = [d.split("\t")[0] for d in (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8")
               .rstrip("\n").split("\n")]
    if not all(len(v) == len(doc_ids) for v in lines.values()):
        raise EvalDataMissing(f"{folder}: the language files are not line-aligned with DOCUMENT_IDS.tsv")
    rows: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(doc_ids):
        rows[d].append(i)
    return [NtrexDocument(d, {lang: [lines[lang][i].strip() for i in idx] for lang in LANGUAGES})
            for d, idx in rows.items()]


# Text decoded with the wrong code page ("gÃ¼n", "Ä±") in a few SemEval rows: left out.
_MOJIBAKE = re.compile(r"[ÃÅÄÐ][\u0080-\u00ff\u0100-\u017f\u2000-\u206f]|Ã|Ð°|Ñ\u0080")


@dataclass(frozen=True)
class SemevalArticle:
    language: str
    title: str
    sentences: list[str]


def semeval_articles(eval_dir: Path, languages: Sequence[str] = LANGUAGES,
                     min_sentences: int = 1) -> list[SemevalArticle]:
    """Distinct SemEval-2022 article texts in `languages`, split by crosscheck's own segmenter.

    Title: the first line when the text has line breaks, else its first sentence. Pieces
    shorter than 20 or longer than 400 characters are dropped (navigation debris, run-ons);
    a title is cut to about 160 characters.
    """
    from crosscheck.text.sentences import split_sentences

    csv.field_size_limit(sys.maxsize)
    path = eval_dir / "semeval2022_task8_subset" / "testing_set.csv"
    seen: dict[tuple[str, str], None] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for text, lang in ((row["text_1"], row["lang1"]), (row["text_2"], row["lang2"])):
                if lang in languages and text.strip() and not _MOJIBAKE.search(text):
                    seen.setdefault((text.strip(), lang), None)
    out = []
    for text, lang in sorted(seen):
        if "\n" in text:
            title, body = (part.strip() for part in text.split("\n", 1))
        else:
            title, body = "", text
        sentences = [" ".join(s.text.split()) for s in split_sentences(body, lang)]
        sentences = [s for s in sentences if 20 <= len(s) <= 400]
        if not title and sentences:
            title, sentences = sentences[0], sentences[1:]
        if len(title) > 160:  # a first line that runs on into the text
            title = title[:160].rsplit(" ", 1)[0] + "…"
        if len(sentences) >= min_sentences and len(title) >= 10:
            out.append(SemevalArticle(lang, title, sentences))
    return out


def real_sentences(eval_dir: Path, limit: int) -> tuple[list[str], str]:
    """Up to `limit` real news sentences: every NTREX line (en, ru, tr interleaved line by line),
    then SemEval article sentences in en/ru/tr, then in its other languages (de, es, fr, ...)
    if more are needed. Returns (sentences, a description of the mix)."""
    docs = ntrex_documents(eval_dir)
    out = [line for d in docs for i in range(len(d.lines["en"])) for line in
           (d.lines["en"][i], d.lines["ru"][i], d.lines["tr"][i]) if line][:limit]
    counts = {"NTREX lines (en/ru/tr interleaved)": len(out)}
    others = ("de", "es", "fr", "it", "pl", "ar", "zh")
    for label, langs in (("SemEval sentences (en/ru/tr)", LANGUAGES), ("SemEval sentences (de/es/fr/it/pl/ar/zh)",
                                                                       others)):
        if len(out) >= limit:
            break
        before = len(out)
        for art in semeval_articles(eval_dir, langs):
            out.extend([art.title, *art.sentences][:limit - len(out)])
            if len(out) >= limit:
                break
        counts[label] = len(out) - before
    return out, f"{len(out):,} real sentences: " + " + ".join(f"{n:,} {k}" for k, n in counts.items() if n)
