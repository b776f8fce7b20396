"""Score stories and claim groups against a hand-annotated corpus (samples/ or your own).

    python benchmarks/annotated.py [--corpus samples] [--index DIR]

The corpus folder holds articles (JSONL) and `annotations.json` in the format described in
samples/README.md: the stories as lists of article ids, and claims with their expected status,
each mention given as (article id, a distinctive substring of the sentence). Prints, for the
stories, pairwise precision/recall against the annotated stories, and for the claims of the
annotated seed story (compared as one set of articles, so clustering errors do not count
twice): whether each claim's mentions land in one group, and whether that group has the
expected status; and whether each annotated number conflict is reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosscheck import Index, OutletDirectory
from crosscheck.compare import Comparison, compare_articles
from crosscheck.stories import adhoc_story, list_stories, update_stories


def story_scores(ix: Index, annotated: dict[str, list[str]]) -> dict[str, Any]:
    found = list_stories(ix)
    pred = {a.id: s.id for s in found for a in s.articles}
    gold = {a: name for name, ids in annotated.items() for a in ids}
    ids = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_gold, same_pred = gold[a] == gold[b], pred.get(a) == pred.get(b)
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"stories_found": len(found), "stories_annotated": len(annotated), "pair_precision": p,
            "pair_recall": r, "stories": {s.id: [a.id for a in s.articles] for s in found}}


def locate(comparison: Comparison, article_id: str, contains: str) -> str | None:
    """The claim id of the sentence of `article_id` containing `contains` (None: not kept as a claim)."""
    for view in comparison.sentences.get(article_id, []):
        if contains in view.text:
            return view.claim_id or "(dropped)"
    return None


def claim_scores(comparison: Comparison, annotations: dict[str, Any]) -> dict[str, Any]:
    groups = {g.id: g for g in comparison.groups}
    rows = []
    for claim in annotations["claims"]:
        ids = [locate(comparison, m["article_id"], m["contains"]) for m in claim["mentions"]]
        found = [i for i in ids if i and i in groups]
        main = max(set(found), key=found.count) if found else None
        status = groups[main].status if main else None
        rows.append({"key": claim["key"], "expected": claim["status"], "got": status,
                     "together": len(set(ids)) == 1 and main is not None, "groups": ids,
                     "sources": groups[main].origin_outlets if main else []})
    conflicts = []
    for conflict in annotations.get("number_conflicts", []):
        ids = {m["number"]: set() for m in conflict["mentions"]}
        for m in conflict["mentions"]:
            ids[m["number"]].add(locate(comparison, m["article_id"], m["contains"]))
        values = sorted(ids)
        reported = any(c.claim_id in ids[values[1]] for g in ids[values[0]] if g in groups
                       for c in groups[g].conflicts)
        conflicts.append({"key": conflict["key"], "numbers": values, "reported": reported})
    return {
        "claims": rows,
        "status_accuracy": sum(r["expected"] == r["got"] for r in rows) / len(rows),
        "together": sum(r["together"] for r in rows) / len(rows),
        "conflicts": conflicts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "samples")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    annotations = json.loads((args.corpus / "annotations.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, \
            Index.open(args.index or Path(tmp) / "ix", create=True) as ix:
        ix.ingest([args.corpus], OutletDirectory())
        update_stories(ix)
        stories = story_scores(ix, annotations["stories"])
        seed = annotations["stories"][annotations["seed_story"]]
        claims = claim_scores(compare_articles(ix, adhoc_story(ix, seed)), annotations)
    print(f"corpus {args.corpus}")
    print(f"stories: {stories['stories_found']} found, {stories['stories_annotated']} annotated; "
          f"same-story pairs precision {stories['pair_precision']:.3f} recall {stories['pair_recall']:.3f}")
    for sid, members in stories["stories"].items():
        print(f"  {sid}: {', '.join(members)}")
    print(f"\nclaims of the seed story ({len(claims['claims'])} annotated): status right "
          f"{claims['status_accuracy']:.2f}, all mentions in one group {claims['together']:.2f}")
    for r in claims["claims"]:
        mark = "ok " if r["expected"] == r["got"] else "ERR"
        print(f"  {mark} {r['key']:<34} expected {r['expected']:<13} got {r['got']!s:<13} "
              f"{'together' if r['together'] else 'split: ' + ','.join(str(g) for g in r['groups'])}"
              f"  sources: {', '.join(r['sources'])}")
    for c in claims["conflicts"]:
        print(f"  {'ok ' if c['reported'] else 'ERR'} number conflict {c['key']} {c['numbers']}: "
              f"{'reported' if c['reported'] else 'not reported'}")
    if args.json:
        args.json.write_text(json.dumps({"stories": stories, "claims": claims}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
