"""Score stories and claim groups against a hand-annotated corpus.

    python benchmarks/annotated.py [--corpus DIR] [--index DIR] [--verbose] [--json FILE]

A corpus folder holds, in the format of `../shared/eval/annotated_dev/` (see its README):
- `corpus.jsonl`: the articles (no language field: crosscheck detects it);
- `outlets.json`: `{outlet: {camp, country, domain}}`, given to ingest as `--outlets`;
- `answers.json`: `stories` (story id -> article ids) and `claims`, each with `story`, `id`,
  `kind` (shared / camp_only / single_source / conflict), `sources` and `keys` (for each
  source article, an exact substring of the sentence that states the claim).
`samples/` (this project's own corpus, `annotations.json`) is read too and converted.

The corpus is ingested into a temporary index, stories are formed, and every story found is
compared (`compare_story`), as a user would do it. Printed:
- story pair precision, recall and F1 (pairs of articles put in one story);
- claim status accuracy: a claim is right when all its keys land in one claim group and
  that group has the annotated status (for a `conflict` claim: the group lists a conflict);
- false-shared rate: annotated single-source and one-camp claims that touch a `shared` group;
- split rate: claims whose keys are spread over two or more groups (or not kept as claims);
- independent sources: claims that are right and count the annotated number of sources;
- false conflicts: groups listing a conflict that hold no annotated conflict claim.

Held out: on annotated_dev, the parameters of its first issues were chosen on the `tune`
stories and checked on the `holdout` ones (TUNE_STORIES); both are printed for it. Every other
corpus is printed whole ("all"): benchmarks/protocol.py holds corpora out as wholes.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.compare.results import Comparison
from crosscheck.compare.diff import compare_story  # noqa: E402
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories  # noqa: E402
from crosscheck.ingest.writer import ingest_paths  # noqa: E402

# Stories of annotated_dev used to choose parameters; the others are held out. Chosen so that
# each half has all three camps, German or French articles, a blindspot or two-camp story and
# distractor singletons.
TUNE_STORIES = {"S1", "S3", "S5", "S7", "S8", "S10", "S11"}


@dataclass
class Claim:
    id: str
    story: str
    kind: str
    keys: dict[str, str]            # article id -> substring of the sentence stating it
    independent_sources: int | None = None
    note: str = ""


@dataclass
class Corpus:
    folder: Path
    articles: Path
    outlets: Path | None
    stories: dict[str, list[str]]
    claims: list[Claim]
    languages: dict[str, str] = field(default_factory=dict)


def load_corpus(folder: Path) -> Corpus:
    """Read the annotated_dev format, or convert samples/annotations.json to it."""
    outlets = folder / "outlets.json"
    if (folder / "answers.json").exists():
        answers = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
        claims = [Claim(c["id"], c["story"], c["kind"], dict(c["keys"]), c.get("independent_sources"),
                        c.get("note", "")) for c in answers["claims"]]
        return Corpus(folder, folder / "corpus.jsonl", outlets if outlets.exists() else None,
                      answers["stories"], claims, answers.get("languages", {}))
    ann = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    story_of = {a: s for s, ids in ann["stories"].items() for a in ids}
    claims = []
    for c in ann["claims"]:
        keys = {m["article_id"]: m["contains"] for m in c["mentions"]}
        claims.append(Claim(c["key"], story_of[c["mentions"][0]["article_id"]], c["status"], keys,
                            len(c.get("sources", [])) or None, c.get("note", "")))
    for c in ann.get("number_conflicts", []):
        keys = {m["article_id"]: m["contains"] for m in c["mentions"]}
        claims.append(Claim(c["key"], story_of[c["mentions"][0]["article_id"]], "conflict", keys, None,
                            c.get("note", "")))
    articles = sorted(folder.glob("*.jsonl"))[0]
    return Corpus(folder, articles, outlets if outlets.exists() else None, ann["stories"], claims)


def story_scores(predicted: dict[str, str], gold_stories: dict[str, list[str]]) -> dict[str, float]:
    gold = {a: name for name, ids in gold_stories.items() for a in ids}
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold), 2):
        same_gold, same_pred = gold[a] == gold[b], predicted.get(a) == predicted.get(b)
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


@dataclass
class ClaimResult:
    claim: Claim
    groups: list[str | None]     # per key: "story/group", "(dropped)" or None (sentence not found)
    status: str | None           # the status of the group, when all keys are in one group
    conflict: bool
    sources: int | None
    touches_shared: bool
    right: bool

    @property
    def split(self) -> bool:
        return len(set(self.groups)) > 1 or any(g is None or g.endswith("(dropped)") for g in self.groups)


def _locate(comparison: Comparison, article_id: str, key: str) -> str | None:
    for view in comparison.sentences.get(article_id, []):
        if key in view.text:
            return f"{comparison.story.id}/{view.claim_id or '(dropped)'}"
    return None


def score_claims(comparisons: dict[str, Comparison], story_of_article: dict[str, str],
                 claims: list[Claim]) -> list[ClaimResult]:
    groups = {f"{sid}/{g.id}": g for sid, c in comparisons.items() for g in c.groups}
    results = []
    for claim in claims:
        located = []
        for article_id, key in claim.keys.items():
            sid = story_of_article.get(article_id)
            located.append(_locate(comparisons[sid], article_id, key) if sid in comparisons else None)
        found = [groups[g] for g in located if g in groups]
        one = found[0] if len(set(located)) == 1 and found else None
        status = str(one.status) if one else None
        conflict = bool(one and one.conflicts)
        if claim.kind == "conflict":
            right = conflict
        else:
            right = status == claim.kind
        results.append(ClaimResult(claim, located, status, conflict, one.independent_sources if one else None,
                                   any(g.status == "shared" for g in found), right))
    return results


def summarise(results: list[ClaimResult], comparisons: dict[str, Comparison]) -> dict[str, Any]:
    n = len(results)
    one_side = [r for r in results if r.claim.kind in ("single_source", "camp_only")]
    with_sources = [r for r in results if r.right and r.claim.independent_sources is not None]
    annotated_conflict_groups = {g for r in results if r.claim.kind == "conflict" for g in r.groups if g}
    false_conflicts = [f"{sid}/{g.id}" for sid, c in comparisons.items() for g in c.groups
                       if g.conflicts and f"{sid}/{g.id}" not in annotated_conflict_groups]
    return {
        "claims": n,
        "status_accuracy": sum(r.right for r in results) / n if n else 0.0,
        "false_shared": sum(r.touches_shared for r in one_side) / len(one_side) if one_side else 0.0,
        "one_side_claims": len(one_side),
        "split_rate": sum(r.split for r in results) / n if n else 0.0,
        "sources_right": (sum(r.sources == r.claim.independent_sources for r in with_sources) / len(with_sources)
                          if with_sources else 0.0),
        "false_conflicts": len(false_conflicts),
        "by_kind": {k: f"{sum(r.right for r in results if r.claim.kind == k)}/{c}"
                    for k, c in sorted(Counter(r.claim.kind for r in results).items())},
    }


def run(corpus: Corpus, index_path: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, Index.open(index_path or Path(tmp) / "ix", create=True) as ix:
        started = time.perf_counter()
        report = ingest_paths(ix, [corpus.articles], OutletDirectory.with_file(corpus.outlets))
        update_stories(ix)
        stories = list_stories(ix)
        comparisons = {s.id: compare_story(ix, s.id) for s in stories}
        elapsed = time.perf_counter() - started
        languages = {a.id: a.language for s in stories for a in s.articles}
    story_of_article = {a.id: s.id for s in stories for a in s.articles}
    return {"ingest": report, "comparisons": comparisons, "story_of_article": story_of_article,
            "languages": languages, "seconds": elapsed, "stories": stories}


def _subset(corpus: Corpus, split: str) -> tuple[dict[str, list[str]], list[Claim]]:
    """The stories and claims of one split; a corpus other than annotated_dev has only "all"."""
    known = corpus.folder.name == "annotated_dev"
    if split == "all":
        keep = set(corpus.stories)
    elif not known:
        keep = set()
    elif split == "tune":
        keep = set(corpus.stories) & TUNE_STORIES
    else:
        keep = set(corpus.stories) - TUNE_STORIES
    return ({s: a for s, a in corpus.stories.items() if s in keep},
            [c for c in corpus.claims if c.story in keep])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval" / "annotated_dev")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: a temporary one)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every claim that is wrong")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    out = run(corpus, args.index)
    comparisons, story_of = out["comparisons"], out["story_of_article"]
    print(f"corpus {args.corpus} ({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    if corpus.languages:
        wrong = {a: (lang, out["languages"].get(a)) for a, lang in corpus.languages.items()
                 if out["languages"].get(a) != lang}
        print(f"languages detected right: {len(corpus.languages) - len(wrong)} of {len(corpus.languages)}"
              + (f"; wrong: {wrong}" if wrong else ""))
    figures: dict[str, Any] = {}
    for split in ("tune", "holdout", "all"):
        stories, claims = _subset(corpus, split)
        if not stories:
            continue
        s = story_scores({a: story_of.get(a, "") for ids in stories.values() for a in ids}, stories)
        results = score_claims(comparisons, story_of, claims)
        c = summarise(results, {sid: comp for sid, comp in comparisons.items()
                                if any(story_of.get(a) == sid for ids in stories.values() for a in ids)})
        figures[split] = {"stories": s, **c}
        print(f"\n[{split}] {len(stories)} stories, {c['claims']} claims")
        print(f"  story pairs      precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}")
        print(f"  status accuracy  {c['status_accuracy']:.3f}   by kind {c['by_kind']}")
        print(f"  false shared     {c['false_shared']:.3f}   (of {c['one_side_claims']} single-source/one-camp claims)")
        print(f"  split rate       {c['split_rate']:.3f}")
        print(f"  sources right    {c['sources_right']:.3f}   (of the claims with the right status)")
        print(f"  false conflicts  {c['false_conflicts']}")
        if args.verbose and split == "all":
            for r in results:
                if not r.right:
                    print(f"  ERR {r.claim.id:<8} {r.claim.kind:<13} got {r.status!s:<13} conflict={r.conflict} "
                          f"groups {','.join(str(g) for g in r.groups)}")
    if corpus.languages:
        # alignment by language: a key is aligned when it sits in the group holding most of its claim's keys
        results = score_claims(comparisons, story_of, corpus.claims)
        aligned: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for r in results:
            if len(r.groups) < 2:
                continue
            main_group = Counter(r.groups).most_common(1)[0][0]
            for article_id, g in zip(r.claim.keys, r.groups):
                lang = corpus.languages.get(article_id, "?")
                total[lang] += 1
                aligned[lang] += g == main_group and g is not None and not g.endswith("(dropped)")
        print("\nkeys of multi-article claims in their claim's main group, by language: "
              + ", ".join(f"{lang} {aligned[lang]}/{total[lang]} ({aligned[lang] / total[lang]:.2f})"
                          for lang in sorted(total)))
    print(f"\nstories found: {len(out['stories'])}; ingest, stories and compare took {out['seconds']:.1f} s")
    if args.verbose:
        for story in out["stories"]:
            print(f"  {story.id}: {', '.join(a.id for a in story.articles)}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
