"""NTREX-128 as a user's own corpus: each document becomes three articles (en, ru, tr) from
outlets given in an --outlets file, ingested like any JSONL (the same construction as
tests/compare/test_real_data.py, which holds these results as a floor).

    python benchmarks/ntrex_corpus.py [--eval DIR]

Prints: languages detected right; for each English title used as a query, whether the Russian
and Turkish versions of its document are in the top 10 (and top 3); and how many documents
form exactly one story across the three languages, and how many stories mix documents.

The query's parameters (crosscheck/index/query.py: anchor weight, word weight, language gap,
and the relevance floor of issue 23) are swept too, with the documents split in two halves by
their sorted position: the parameters are chosen on the even half and checked on the odd half.
What the floor does to off-topic articles is measured by benchmarks/query_topics.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import tests.compare.test_real_data as real_data
from crosscheck import Index
from crosscheck.index.query import QueryParams
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.index.query import search  # noqa: E402
from tests.compare.test_real_data import ntrex_index
from _common import TempFolders, machine_info, print_machine  # noqa: E402

# the cosine alone, the shipped parameters, each of them changed alone, and the shipped ones
# without the relevance floor (every article of a language lifted alike, as before issue 23)
GRID = [QueryParams(anchor_weight=a, word_weight=w, language_gap=g) for a, w, g in (
    (0.0, 0.0, 0.0), (0.1, 0.2, 0.4), (0.0, 0.2, 0.4), (0.2, 0.2, 0.4), (0.1, 0.0, 0.4), (0.1, 0.2, 0.0),
    (0.1, 0.2, 0.3))] + [replace(QueryParams(), relevance_floor=-1.0, relevance_full=-1.0)]



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=real_data.NTREX.parent, help="the eval data folder")
    args = parser.parse_args()
    real_data.NTREX = args.eval / "ntrex128_en_ru_tr"
    if not real_data.NTREX.exists():
        sys.exit(f"no NTREX data at {real_data.NTREX}")
    print_machine(machine_info())
    with tempfile.TemporaryDirectory() as tmp:
        path, doc_of = ntrex_index.__wrapped__(TempFolders(Path(tmp)))  # type: ignore[attr-defined]
        found = top3 = total = 0
        half_of = {doc: n % 2 for n, doc in enumerate(sorted(set(doc_of.values())))}
        sweep: dict[QueryParams, list[int]] = {p: [0, 0] for p in GRID}  # top-3 hits on the even, odd half
        halves = [0, 0]
        with Index.open(path) as ix:
            articles = list(ix.store.iter_articles())
            right = sum(a.language == a.id.rsplit("-", 1)[1] for a in articles)
            for a in articles:
                if not a.id.endswith("-en"):
                    continue
                doc = doc_of[a.id]
                hits = [h.article.id for h in search(ix, a.title, k=10)]
                for lang in ("ru", "tr"):
                    target = f"{doc}-{lang}"
                    total += 1
                    found += target in hits
                    top3 += target in hits[:3]
                    halves[half_of[doc]] += 1
                for params in GRID:
                    ranked = [h.article.id for h in search(ix, a.title, k=3, params=params)]
                    sweep[params][half_of[doc]] += sum(f"{doc}-{lang}" in ranked for lang in ("ru", "tr"))
            update_stories(ix)
            stories = list_stories(ix)
    story_of = {a.id: s.id for s in stories for a in s.articles}
    by_doc: dict[str, set[str]] = defaultdict(set)
    docs_in: dict[str, set[str]] = defaultdict(set)
    for article_id, doc in doc_of.items():
        by_doc[doc].add(story_of[article_id])
        docs_in[story_of[article_id]].add(doc)
    print(f"articles: {len(articles)} ({len(by_doc)} documents x en, ru, tr)")
    print(f"languages detected right: {right} of {len(articles)}")
    shipped = QueryParams()
    print(f"English title as query ({shipped}), ru/tr version in top 10: {found} of {total}; in top 3: {top3} of "
          f"{total}")
    print(f"query parameters, ru/tr version in top 3 (even half: {halves[0]} queries, odd half: {halves[1]}; "
          "* shipped):")
    print("  anchors  words  gap   floor      even  odd  all")
    for p, (even, odd) in sweep.items():
        mark = " *" if p == shipped else ""
        floor = f"{p.relevance_floor:.1f}-{p.relevance_full:.1f}" if p.relevance_full >= 0 else "none"
        print(f"  {p.anchor_weight:7.2f}  {p.word_weight:5.2f}  {p.language_gap:4.2f}  {floor:>7}  {even:4d}  {odd:3d}  "
              f"{even + odd:3d} of {total}{mark}")
    print(f"documents forming exactly one story: {sum(len(s) == 1 for s in by_doc.values())} of {len(by_doc)}; "
          f"stories mixing documents: {sum(len(d) > 1 for d in docs_in.values())} of {len(docs_in)}")


if __name__ == "__main__":
    main()
