"""Off-topic articles in search results (issue 23): does fairness between languages (the
language gap of crosscheck/index/query.py) lift an article that shares no topic with the query
above one that does?

    python benchmarks/query_topics.py [--eval DIR]

Each article's title is a query, in its own language, on three corpora:
- NTREX-128 as articles: 123 documents x en, ru, tr (the construction of
  tests/compare/test_real_data.py and benchmarks/ntrex_corpus.py); 369 queries;
- annotated_dev (41 articles, ru/tr/en/de/fr) and annotated_dev2 (30 articles, ru/tr/en):
  hand-written stories with annotated story membership; 41 and 30 queries.

How "shares a topic" is judged, without the model: an article shares a topic with the query
(the title of article Q) when it is Q's own document or annotated story, or one the corpus's
authors say is on the same topic, or one judged so by hand below:
- annotated_dev: the pairs its README names as "same topic, same dates, different stories"
  (each distractor singleton with the story it was written against, and S4 with S5, both
  Turkish-hosted talks in Istanbul): DEV_SAME_TOPIC.
- annotated_dev2: the pairs of its README's row (f) "same topic, same dates, different
  stories", and its first subject, "Syria's north-west" (S1-S3, S8, S9; S6's consultations are
  "on Syria and the Black Sea"): DEV2_SAME_TOPIC.
- NTREX: NTREX_TOPICS, judged from each document's title and opening sentences before the
  measurement: two documents share a topic when they report the same event, the same person
  in the news, or the same running news subject (the Kavanaugh nomination, Brexit, the Ryder
  Cup). A document not listed shares a topic with itself only. A second judge,
  NTREX_TOPICS_BLIND, was written by someone who had seen neither this code nor the results:
  the shipped query is scored by both.
Everything else "shares no topic". An *inversion* is a query whose top 5 has an article that
shares no topic above one that does; it is *made by the lift* when, before the language gap was
added, that on-topic article scored above the off-topic one (the fairness step promoted it).

Printed, for the cosine alone, the query without the relevance floor (as before issue 23) and
the shipped query: inversions and those made by the lift, per corpus, and (NTREX) the English
title as query with the Russian or Turkish version of its document in the top 3, of 246. Then
the floor swept, chosen on the NTREX documents at even positions (sorted ids) and on
annotated_dev, checked on the odd positions and annotated_dev2.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_EVAL, TempFolders, machine_info, print_machine, table  # noqa: E402

import tests.compare.test_real_data as real_data  # noqa: E402
from crosscheck import Index, OutletDirectory  # noqa: E402
from crosscheck.index.query import Candidate, QueryParams, article_candidates, rerank  # noqa: E402
from crosscheck.ingest.writer import ingest_paths  # noqa: E402
from crosscheck.text.anchors import query_anchors  # noqa: E402

TOP = 5        # the results a reader looks at
RECALL_AT = 3  # as benchmarks/ntrex_corpus.py counts it

NTREX_TOPICS: dict[str, list[str]] = {
    "trump": ["cnbc.com.6790", "cnn.304447", "cnn.304478", "cnn.304489", "guardian.221756", "newsweek.51310",
              "newsweek.51329", "newsweek.51330", "nytimes.184825", "nytimes.184830"],
    "kavanaugh": ["cbsnews.248384", "cbsnews.248394", "cbsnews.248471", "cnn.304447", "cnn.304489", "guardian.221756",
                  "newsweek.51328", "newsweek.51330", "telegraph.405413"],
    "us-midterms-2018": ["abcnews.306755", "cnbc.com.6784", "cnn.304447", "newsweek.51300", "newsweek.51310",
                         "newsweek.51328", "nytimes.184830"],
    "us-presidential-2020": ["abcnews.306755", "newsweek.51300", "nytimes.184825"],
    "palin": ["cnn.304478", "newsweek.51339"],
    "kanye-west": ["bbc.381647", "newsweek.51329"],
    "north-korea": ["bbc.381736", "cnbc.com.6769", "cnbc.com.6790", "reuters.218861"],
    "indonesia-quake": ["euronews-en.153797", "euronews-en.153835", "newsweek.51340", "nytimes.184837",
                        "nytimes.184860", "reuters.218863", "reuters.218865", "telegraph.405422"],
    "hurricane-rosa": ["abcnews.306815", "newsweek.51338"],
    "ryder-cup": ["euronews-en.153826", "independent.226301", "reuters.218914", "reuters.218923", "scotsman.133758"],
    "scottish-football": ["bbc.381746", "bbc.381789", "scotsman.133791", "scotsman.133801"],
    "premier-league": ["upi.176249", "upi.176251"],
    "macedonia-referendum": ["reuters.218932", "rt.com.91337"],
    "wayde-sims": ["cbsnews.248387", "reuters.218909"],
    "brexit": ["bbc.381680", "dailymail.co.uk.298696", "reuters.218882", "scotsman.133783"],
    "uk-labour": ["dailymail.co.uk.298686", "guardian.221679"],
    "uk-stabbings": ["bbc.381701", "bbc.381765", "dailymail.co.uk.298732"],
    "syria-refugees": ["euronews-en.153799", "thelocal.65969"],
    "us-china": ["cnbc.com.6772", "nytimes.184804", "reuters.218933", "telegraph.405408"],
    "us-immigration": ["nytimes.184862", "upi.176275"],
}
# A second judge of NTREX, written blind on 2026-12-07 by a helper who read only each document's
# title and first four sentences and the criterion above ("the same event, the same person in the
# news, or the same running news subject"; a shared word or broad field is not a topic), not this
# code, the model's rankings or the first judge. It is stricter: no broad "trump" or "uk-labour"
# topic (docs/accuracy.md, "Off-topic articles and the relevance floor").
NTREX_TOPICS_BLIND: dict[str, list[str]] = {
    "kavanaugh": ["cbsnews.248384", "cbsnews.248394", "cbsnews.248471", "cnn.304447", "cnn.304489", "newsweek.51328",
                  "newsweek.51330", "telegraph.405413"],
    "wheeling-rally": ["cnbc.com.6790", "cnn.304447", "cnn.304489", "newsweek.51310", "newsweek.51330"],
    "us-midterms-2018": ["cnbc.com.6784", "cnn.304447", "newsweek.51310", "newsweek.51328"],
    "sulawesi-quake": ["euronews-en.153797", "euronews-en.153835", "newsweek.51340", "nytimes.184837",
                       "nytimes.184860", "reuters.218863", "reuters.218865", "telegraph.405422"],
    "ryder-cup": ["euronews-en.153826", "independent.226301", "reuters.218914", "reuters.218923", "scotsman.133758"],
    "brexit": ["bbc.381680", "dailymail.co.uk.298696", "reuters.218882", "scotsman.133783"],
    "hurricane-rosa": ["abcnews.306815", "newsweek.51338"],
    "warren-2020": ["abcnews.306755", "newsweek.51300"],
    "kanye-west": ["bbc.381647", "newsweek.51329"],
    "wayde-sims": ["cbsnews.248387", "reuters.218909"],
    "track-palin": ["cnn.304478", "newsweek.51339"],
    "us-north-korea": ["cnbc.com.6769", "cnbc.com.6790", "reuters.218861"],
    "moualem-unga": ["euronews-en.153799", "thelocal.65969"],
    "macedonia-referendum": ["reuters.218932", "rt.com.91337"],
    "livingston-rangers": ["bbc.381746", "scotsman.133791"],
    "us-china-trade-war": ["reuters.218933", "telegraph.405408"],
    "mueller-rosenstein": ["guardian.221756", "nytimes.184830"],
}
DEV_SAME_TOPIC = [("S1", "S8"), ("S2", "S9"), ("S3", "S10"), ("S5", "S11"), ("S4", "S12"), ("S4", "S5")]
_DEV2_SYRIA = ["S1", "S2", "S3", "S6", "S8", "S9"]
DEV2_SAME_TOPIC = [("S2", "S3"), ("S5", "S6"), ("S6", "S4"), ("S1", "S8"), ("S2", "S9"), ("S3", "S9"), ("S4", "S10"),
                   ("S5", "S7"), ("S6", "S7")] + [(a, b) for a in _DEV2_SYRIA for b in _DEV2_SYRIA if a < b]

SHIPPED = QueryParams()
NO_FLOOR = replace(SHIPPED, relevance_floor=-1.0, relevance_full=-1.0)  # every article gets all of the lift
COSINE = QueryParams(anchor_weight=0.0, word_weight=0.0, language_gap=0.0)
SWEEP = [replace(SHIPPED, relevance_floor=f, relevance_full=u) for f in (0.3, 0.4, 0.5) for u in (0.7, 0.8, 0.9)]

Judge = Callable[[str, str], bool]  # (query article id, article id) -> shares a topic


@dataclass
class Query:
    article_id: str
    title: str
    candidates: list[Candidate]


@dataclass
class Corpus:
    name: str
    queries: list[Query]
    ids: dict[int, str]      # rowid -> article id
    same_topic: Judge
    anchor_counts: Callable[..., dict[str, int]]
    anchored: int
    half: Callable[[str], int] = lambda article_id: 0  # NTREX: the document's half (0 even, 1 odd)


def ntrex_judge(lists: dict[str, list[str]] = NTREX_TOPICS) -> Judge:
    topics: dict[str, set[str]] = {}
    for topic, documents in lists.items():
        for document in documents:
            topics.setdefault(document, set()).add(topic)

    def same(query_id: str, article_id: str) -> bool:
        a, b = query_id.rsplit("-", 1)[0], article_id.rsplit("-", 1)[0]
        return a == b or bool(topics.get(a, set()) & topics.get(b, set()))
    return same


def story_judge(answers: Path, pairs: Sequence[tuple[str, str]]) -> Judge:
    story_of = {a: s for s, members in json.loads(answers.read_text(encoding="utf-8"))["stories"].items() for a in members}
    related = {frozenset(p) for p in pairs}
    return lambda q, a: story_of[q] == story_of[a] or frozenset((story_of[q], story_of[a])) in related


def load(name: str, ix: Index, same_topic: Judge, half: Callable[[str], int] | None = None) -> Corpus:
    """Every article's title as a query, with the candidates `search` would re-score for it."""
    store = ix.store
    articles = list(store.iter_articles())
    vectors = ix.embedder.embed([a.title for a in articles])
    queries = [Query(a.id, a.title, article_candidates(ix, ix.article_vectors.search(v, SHIPPED.candidates)))
               for a, v in zip(articles, vectors)]
    keys = {k for q in queries for c in q.candidates for k in c.anchors} | {k for q in queries for k in query_anchors(q.title)}
    counts = dict(store.anchor_counts(keys))
    corpus = Corpus(name, queries, {a.rowid: a.id for a in articles}, same_topic,
                    lambda wanted: {k: counts[k] for k in wanted if k in counts}, store.anchored_articles())
    if half is not None:
        corpus.half = half
    return corpus


@dataclass
class Tally:
    queries: int = 0
    inversions: int = 0
    by_lift: int = 0
    recall: int = 0
    recall_of: int = 0


def measure(corpus: Corpus, params: QueryParams, half: int | None = None) -> Tally:
    out = Tally()
    before_lift = replace(params, language_gap=0.0)
    for q in corpus.queries:
        if half is not None and corpus.half(q.article_id) != half:
            continue
        out.queries += 1
        ranked = rerank(q.title, q.candidates, corpus.anchor_counts, corpus.anchored, params)
        top = [corpus.ids[rowid] for rowid, _ in ranked[:TOP]]
        on = [corpus.same_topic(q.article_id, a) for a in top]
        pairs = [(top[i], top[j]) for i in range(len(top)) for j in range(i + 1, len(top)) if not on[i] and on[j]]
        if pairs:
            out.inversions += 1
            if params.language_gap:
                before = {corpus.ids[r]: s for r, s in rerank(q.title, q.candidates, corpus.anchor_counts,
                                                              corpus.anchored, before_lift)}
                out.by_lift += any(before[off] < before[on_topic] for off, on_topic in pairs)
        if corpus.name == "ntrex" and q.article_id.endswith("-en"):
            document = q.article_id[:-3]
            found = {corpus.ids[rowid] for rowid, _ in ranked[:RECALL_AT]}
            out.recall += sum(f"{document}-{lang}" in found for lang in ("ru", "tr"))
            out.recall_of += 2
    return out



def build(eval_dir: Path, tmp: Path) -> list[Corpus]:
    real_data.NTREX = eval_dir / "ntrex128_en_ru_tr"
    path, doc_of = real_data.ntrex_index.__wrapped__(TempFolders(tmp))  # type: ignore[attr-defined]
    half_of = {doc: n % 2 for n, doc in enumerate(sorted(set(doc_of.values())))}
    corpora = []
    with Index.open(path) as ix:
        corpora.append(load("ntrex", ix, ntrex_judge(), lambda article_id: half_of[doc_of[article_id]]))
    for name, pairs in (("annotated_dev", DEV_SAME_TOPIC), ("annotated_dev2", DEV2_SAME_TOPIC)):
        folder = eval_dir / name
        with Index.open(tmp / name, create=True) as ix:
            ingest_paths(ix, [folder / "corpus.jsonl"], OutletDirectory.with_file(folder / "outlets.json"))
            corpora.append(load(name, ix, story_judge(folder / "answers.json", pairs)))
    return corpora


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the eval data folder")
    args = parser.parse_args()
    for needed in ("ntrex128_en_ru_tr", "annotated_dev", "annotated_dev2"):
        if not (args.eval / needed).is_dir():
            sys.exit(f"no {needed} in {args.eval}: see ../shared/eval/README.md")
    print_machine(machine_info())
    with tempfile.TemporaryDirectory() as tmp:
        corpora = build(args.eval, Path(tmp))
    by_name = {c.name: c for c in corpora}
    ntrex, dev, dev2 = by_name["ntrex"], by_name["annotated_dev"], by_name["annotated_dev2"]
    print(f"\nqueries: ntrex {len(ntrex.queries)}, annotated_dev {len(dev.queries)}, "
          f"annotated_dev2 {len(dev2.queries)}; top {TOP}")

    rows = []
    for label, params in (("cosine alone", COSINE), ("without the floor (before #23)", NO_FLOOR),
                          (f"shipped: floor {SHIPPED.relevance_floor}-{SHIPPED.relevance_full}", SHIPPED)):
        cells: list[object] = [label]
        for corpus in corpora:
            t = measure(corpus, params)
            cells += [t.inversions, t.by_lift if params.language_gap else "-"]
        cells.append(f"{measure(ntrex, params).recall} of {measure(ntrex, params).recall_of}")
        rows.append(cells)
    table("queries with an off-topic article above an on-topic one in the top 5 (inversions), and those made "
          "by the language lift; NTREX ru/tr version in the top 3",
          ["query", "ntrex inv", "by lift", "dev inv", "by lift", "dev2 inv", "by lift", "ntrex top 3"], rows)

    blind = replace(ntrex, same_topic=ntrex_judge(NTREX_TOPICS_BLIND))
    blind_rows = []
    for label, params in (("cosine alone", COSINE), ("without the floor (before #23)", NO_FLOOR),
                          (f"shipped: floor {SHIPPED.relevance_floor}-{SHIPPED.relevance_full}", SHIPPED)):
        t = measure(blind, params)
        halves = [measure(blind, params, half) for half in (0, 1)]
        blind_rows.append([label, t.inversions, t.by_lift if params.language_gap else "-",
                           *(f"{h.inversions}/{h.by_lift}" if params.language_gap else h.inversions for h in halves)])
    table("NTREX judged by the second, blind judge (NTREX_TOPICS_BLIND): inversions and those made by the lift",
          ["query", "ntrex inv", "by lift", "even half", "odd half"], blind_rows)

    rows = []
    for params in SWEEP:
        cells = [f"{params.relevance_floor:.1f}-{params.relevance_full:.1f}" +
                 (" *" if (params.relevance_floor, params.relevance_full) ==
                  (SHIPPED.relevance_floor, SHIPPED.relevance_full) else "")]
        for half in (0, 1):
            t = measure(ntrex, params, half)
            cells.append(f"{t.inversions}/{t.by_lift} {t.recall}")
        for corpus in (dev, dev2):
            t = measure(corpus, params)
            cells.append(f"{t.inversions}/{t.by_lift}")
        rows.append(cells)
    table("the floor swept (closeness floor-full; cells: inversions/made by the lift, and NTREX top-3 recall of "
          f"{measure(ntrex, SHIPPED, 0).recall_of} even, {measure(ntrex, SHIPPED, 1).recall_of} odd; * shipped)",
          ["floor-full", "ntrex even", "ntrex odd", "dev", "dev2"], rows)


if __name__ == "__main__":
    main()
