"""The analyst views against hand annotations: does the figures view list every annotated figure
with its right kind, and does the speakers view find every annotated speaker with the camps that
quote them?

    python benchmarks/views.py [--corpus NAME_OR_DIR ...] [--verbose]

Corpora (default: all that are present): `samples` (samples/, figures in benchmarks/views_gold/
samples.json), `annotated_dev` and `annotated_dev2` (../shared/eval/, figures in
benchmarks/views_gold/), `quake10` (benchmarks/corpora/quake10: its own figures.json and
speakers.json). Speakers are scored where a speakers file exists (quake10's, and
benchmarks/views_gold/<corpus>.speakers.json).

Each corpus is ingested into a temporary index with the real model and its outlets, stories are
formed and every story compared, as `crosscheck compare --json` does (annotated.py's `run`).
Printed per corpus:
- figures listed: annotated figures (article, value, the words that state them) that the
  figures view of the article's story lists, from that article, with that value, in a claim
  whose sentence holds those words; right kind: of those, the ones whose kind is the annotated one;
- the kinds of the figures missed or given the wrong kind, for reading what to improve;
- speakers: annotated speakers found (a speaker of the view has the key of their name or of one
  of their annotated spellings), of those the ones quoted in every annotated article and in
  exactly the annotated camps, and those the view lists as one speaker (of the keys of their
  spellings, one holds their quotes in the annotated articles: "Самарин" alone may key as the
  city Samara, but in a story that names Олег Самарин the view keys it as him).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import machine_info, print_machine  # noqa: E402
from annotated import load_corpus, run  # noqa: E402

from crosscheck.compare.figures import Figure, story_figures  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
GOLD = ROOT / "benchmarks" / "views_gold"
CORPORA = {
    "samples": (ROOT / "samples", GOLD / "samples.json"),
    "annotated_dev": (EVAL / "annotated_dev", GOLD / "annotated_dev.json"),
    "annotated_dev2": (EVAL / "annotated_dev2", GOLD / "annotated_dev2.json"),
    "quake10": (ROOT / "benchmarks" / "corpora" / "quake10", ROOT / "benchmarks" / "corpora" / "quake10" / "figures.json"),
}


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _holds(figure: Figure, words: str) -> bool:
    return words in figure.wording or figure.wording in words


def score_figures(gold: list[dict[str, Any]], figures_of: dict[str, list[Figure]]) -> dict[str, Any]:
    """Listed and right-kind counts of the annotated figures; `figures_of` maps an article id to the
    figures its story's view lists from it."""
    listed = right = 0
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    errors = []  # one line each, for --verbose
    for g in gold:
        found = [f for f in figures_of.get(g["article"], []) if _same(f.value, g["value"]) and _holds(f, g["words"])]
        if not found:
            missed[g["kind"]] += 1
            errors.append(f"{g['article']} {g['value']:g} ({g['kind']}) not listed: {g['words']!r}")
            continue
        listed += 1
        if any(f.kind == g["kind"] for f in found):
            right += 1
        else:
            wrong[f"{g['kind']} read as {found[0].kind}"] += 1
            errors.append(f"{g['article']} {g['value']:g} ({g['kind']}) read as {found[0].kind}: {g['words']!r}")
    return {"figures": len(gold), "listed": listed, "right_kind": right, "missed": dict(missed), "wrong": dict(wrong),
            "errors": errors}


def figures_by_article(comparisons: dict[str, Any]) -> dict[str, list[Figure]]:
    out: dict[str, list[Figure]] = {}
    for comparison in comparisons.values():
        for series in story_figures(comparison):
            for f in series.figures:
                out.setdefault(f.article_id, []).append(f)
    return out


def speakers_file(name: str, folder: Path) -> Path | None:
    for path in (folder / "speakers.json", GOLD / f"{name}.speakers.json"):
        if path.exists():
            return path
    return None


def score_speakers(path: Path, comparisons: dict[str, Any], camp_of: dict[str, str]) -> dict[str, Any]:
    """Annotated speakers found by name key, and found with exactly the annotated articles' camps."""
    from crosscheck.compare.speakers import speaker_key, story_speakers

    found = {}
    for comparison in comparisons.values():
        for s in story_speakers(comparison):
            found.setdefault(s.key, set()).update(q.article_id for q in s.quotes)
    gold = json.loads(path.read_text(encoding="utf-8"))["speakers"]
    named = right = one = 0
    misses = []
    for g in gold:
        keys = {k for n in [g["name"], *g.get("spellings", [])] if (k := speaker_key(n)) is not None}
        articles = set().union(*(found.get(k, set()) for k in keys))
        if not articles:
            misses.append(f"{g['name']}: not found")
            continue
        named += 1
        want = set(g["quoted"])
        one += sum(1 for k in keys if found.get(k, set()) & want) == 1  # one speaker of the view holds them
        camps_right = {camp_of[a] for a in articles & want} == {camp_of[a] for a in want}
        if want <= articles and camps_right:
            right += 1
        else:
            misses.append(f"{g['name']}: quoted in {sorted(articles & want)} of {sorted(want)}")
    return {"speakers": len(gold), "found": named, "right_camps": right, "one_key": one, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="samples, annotated_dev, annotated_dev2, quake10, or a folder")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print_machine(machine_info())
    for name in args.corpus or list(CORPORA):
        folder, gold_path = CORPORA.get(name, (Path(name), Path(name) / "figures.json"))
        if not folder.exists() or not gold_path.exists():
            print(f"\n{name}: not here ({folder}), skipped")
            continue
        corpus = load_corpus(folder)
        started = time.perf_counter()
        result = run(corpus)
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["figures"]
        scores = score_figures(gold, figures_by_article(result["comparisons"]))
        n = scores["figures"]
        print(f"\n{name}: {len(result['stories'])} stories, {time.perf_counter() - started:.1f} s")
        print(f"  figures listed      {scores['listed']}/{n} = {scores['listed'] / n:.3f}")
        print(f"  with the right kind {scores['right_kind']}/{n} = {scores['right_kind'] / n:.3f}")
        print(f"  missed by kind      {scores['missed']}")
        print(f"  wrong kind          {scores['wrong']}")
        if args.verbose:
            for line in scores["errors"]:
                print(f"    {line}")
        spoken = speakers_file(name, folder)
        if spoken is not None:
            camp_of = {a.id: str(a.camp) for s in result["stories"] for a in s.articles}
            sp = score_speakers(spoken, result["comparisons"], camp_of)
            print(f"  speakers found      {sp['found']}/{sp['speakers']} = {sp['found'] / sp['speakers']:.3f}; "
                  f"in every annotated article, with the right camps {sp['right_camps']}/{sp['speakers']} "
                  f"= {sp['right_camps'] / sp['speakers']:.3f}; all their spellings one speaker {sp['one_key']}/{sp['found']}")
            if args.verbose:
                for m in sp["misses"]:
                    print(f"    {m}")


if __name__ == "__main__":
    main()
