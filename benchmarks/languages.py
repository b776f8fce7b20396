"""Language detection on real and annotated text (run by hand; not part of CI).

    python benchmarks/languages.py [--eval DIR]

DIR defaults to <repo>/../shared/eval. Detection is crosscheck's own (`ingest.detect_language`:
langdetect, seeded, on the title and the first characters), on:
- annotated_dev: 41 articles in ru, tr, en, de, fr, languages from its answers.json;
- SemEval-2022 Task 8 subset: every distinct article with its language as the data set gives it
  (lang1/lang2), title = the first line as benchmarks/accuracy.py reads it.
Codes compare without their region ("zh-cn" is "zh"). Prints, per language, how many were detected right and what the misses were detected as, and
whether crosscheck has a module for the language (else the generic profile applies).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _common import cpu_model  # noqa: E402

from crosscheck import languages  # noqa: E402
from crosscheck.ingest.prepare import detect_language  # noqa: E402


def _report(name: str, items: list[tuple[str, str]]) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    for expected, text in items:
        got = languages.normalise_code(detect_language(text)[0]) or "none"  # "zh-cn" is "zh"
        total[expected] += 1
        if got == expected:
            right[expected] += 1
        else:
            wrong[expected][got] += 1
    print(f"\n{name}: {sum(right.values())} of {sum(total.values())} detected right")
    print(f"  {'language':8}  {'right':>9}  module   misses")
    for lang in sorted(total, key=lambda code: -total[code]):
        module = "yes" if lang in languages.SUPPORTED else "generic"
        misses = ", ".join(f"{code} {n}" for code, n in wrong[lang].most_common()) or "-"
        print(f"  {lang:8}  {right[lang]:>4} / {total[lang]:<3} {module:7}  {misses}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    args = parser.parse_args()
    print("crosscheck language detection benchmark")
    print(f"  command: python benchmarks/languages.py --eval {args.eval}")
    print(f"  cpu: {cpu_model()}")
    dev = args.eval / "annotated_dev"
    if dev.exists():
        answers = json.loads((dev / "answers.json").read_text(encoding="utf-8"))["languages"]
        items = []
        for line in (dev / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            items.append((answers[record["id"]], f"{record['title']}\n{record['text']}"))
        _report("annotated_dev", items)
    semeval = args.eval / "semeval2022_task8_subset" / "testing_set.csv"
    if semeval.exists():
        csv.field_size_limit(sys.maxsize)
        with open(semeval, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        seen = {(r[f"text_{i}"], r[f"lang{i}"]) for r in rows for i in (1, 2)}
        _report("SemEval-2022 Task 8 subset (distinct articles)", [(lang, text) for text, lang in sorted(seen)])


if __name__ == "__main__":
    main()
