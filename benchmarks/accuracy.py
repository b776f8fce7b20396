"""Accuracy of crosscheck on real, public data (run by hand; not part of CI).

    python benchmarks/accuracy.py [--eval DIR] [--only semeval|ntrex|nanco] [--json FILE]

DIR defaults to <repo>/../shared/eval (see its README.md for the data sets and the naive
baselines printed next to each number). Every measure goes through crosscheck's own code:
`split_sentences`, `get_embedder()` (the default model), `index.embed.article_vector`,
`compare.group_claims` and the thresholds the product ships with.

semeval  Story similarity. For each of 1,283 SemEval-2022 Task 8 article pairs, the two
         articles read as the index reads them (article vectors: title = first line if the
         text has a newline, else its first sentence; at most 60 sentences per text; anchors
         weighted over the subset; claims and lead names; no dates). Pearson(similarity,
         -Overall) over all pairs and for en-en, tr-tr, ru-ru, de-en (1 = same story ... 4 =
         unrelated), the similarity being 0.7 * cosine + 0.3 * anchor cosine as before the
         story pair model, with the cosine alone and the story pair model's log-odds beside
         it; the median pair probability per Overall band, and precision/recall/F1 of "same
         story" (Overall <= 2) at the story pair model's threshold (as shipped).
ntrex    Synthetic claim diff. NTREX-128 documents (English with line-aligned Russian and
         Turkish translations). Per document and language pair, 20% of the lines (floor, at
         least 1 from 5 lines up) are removed at random (seed 0) on each side independently;
         group_claims aligns the rest (owners "en"/"xx"). A line is predicted single-source
         when its group has one member, truly single-source when its counterpart was
         removed. F1 is micro-averaged over all documents; a threshold sweep follows.
nanco    Claim grouping across outlets. For each of NAnCo's 8 questions, the answer passages
         are grouped by group_claims (owners = article URL). Adjusted Rand Index against the
         annotators' cluster_global, averaged over questions; and F1 of single-outlet
         passages (gold: the passage's gold cluster has one outlet; predicted: its group has
         one outlet; outlet = URL host without "www."), pooled over all passages.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import random
import shlex
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _common import cpu_model

from crosscheck.index.embed import Embedder, available_cores, get_embedder
from crosscheck.text.anchors import anchor_weights, extract_anchors, sparse_dot
from crosscheck.index.embed import article_vector
from crosscheck.text.sentences import split_sentences

MAX_SENTENCES = 60
ANCHOR_WEIGHT = 0.3  # semeval: the anchors' share of the article similarity (as stories weighed them until #22)
SWEEP = [0.5, 0.6, 0.7, 0.8, 0.9]  # first-pass thresholds on the pair probability
SEMEVAL_BASELINES = {"all": 0.66, "en-en": 0.74, "tr-tr": 0.63, "ru-ru": 0.77, "de-en": 0.66}
NTREX_BASELINES = {"en-ru": 0.94, "en-tr": 0.93}
NTREX_FILES = {"en": "newstest2019-src.eng.txt", "ru": "newstest2019-ref.rus.txt", "tr": "newstest2019-ref.tur.txt"}
NANCO_BASELINES = {"ari": 0.15, "single_outlet_f1": 0.36}
Result = dict[str, Any]


# -- helpers --------------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a plain fixed-width table; floats with 3 decimals."""
    cells = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("  " + "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths))))
    print("  " + "  ".join("-" * w for w in widths))
    for r in cells:
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def machine() -> Result:
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": available_cores(),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv])),
            "cwd": os.getcwd()}


GroupFn = Callable[[np.ndarray, Sequence[object], float, Sequence[str], Sequence[str]], list[list[int]]]


def compare_api() -> tuple[GroupFn, float]:
    """Claim grouping as compare.py does it (the shipped pair model, with each claim's evidence),
    at a first-pass threshold; and the shipped threshold. The lines and passages here are no
    article's claims in order, so the pair feature place_gap is 0, as for the NTREX lines the
    model was fitted with. Imported late: crosscheck.compare
    pulls in crosscheck.claims."""
    from crosscheck.compare.pairs import PairModel
    from crosscheck.compare.grouping import group_claims
    from crosscheck.text.evidence import evidence

    model = PairModel.default()

    def group(vecs: np.ndarray, owners: Sequence[object], threshold: float, languages: Sequence[str],
              texts: Sequence[str]) -> list[list[int]]:
        found = [evidence(t, lang) for t, lang in zip(texts, languages)]
        return group_claims(vecs, owners, languages, found, model, threshold=threshold)

    return group, float(model.threshold)


def title_of(text: str, lang: str) -> str:
    text = text.strip()
    if "\n" in text:
        return text.split("\n", 1)[0].strip()
    spans = split_sentences(text, lang)
    return spans[0].text if spans else text


def semeval(eval_dir: Path, embedder: Embedder) -> Result:
    from crosscheck.stories.pairs import ArticleEvidence, StoryPairModel, lead_names, story_pair_features
    from crosscheck.text.claims import is_claim
    from crosscheck.text.rules import rules_for

    csv.field_size_limit(sys.maxsize)
    with open(eval_dir / "semeval2022_task8_subset" / "testing_set.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # one vector per distinct (text, language); texts: title, then its sentences
    keys = sorted({(r["text_1"], r["lang1"]) for r in rows} | {(r["text_2"], r["lang2"]) for r in rows})
    texts: list[str] = []
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    claims: dict[tuple[str, str], list[int]] = {}
    for text, lang in keys:
        sents = [s.text for s in split_sentences(text, lang)[:MAX_SENTENCES]]
        spans[(text, lang)] = (len(texts), len(sents))
        claims[(text, lang)] = [len(texts) + 1 + k for k, s in enumerate(sents) if is_claim(s, rules_for(lang))]
        texts += [title_of(text, lang), *sents]
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    seconds = time.perf_counter() - start
    print(f"  embedded {len(texts):,} texts (titles + sentences of {len(keys):,} articles) "
          f"in {seconds:.0f} s ({len(texts) / seconds:,.0f}/s)")
    # each article as the story pair model sees it, its anchors weighted by how many of the
    # subset's articles share them, as in an index of them; the subset has no dates
    keys_of = {k: extract_anchors(title_of(*k), k[0], k[1]) for k in keys}
    counts = Counter(key for ks in keys_of.values() for key in ks)
    evidence = {k: ArticleEvidence(article_vector(vectors[i], vectors[i + 1: i + 1 + n]).astype(np.float64),
                                   anchor_weights(keys_of[k], counts, len(keys)),
                                   vectors[claims[k]].astype(np.float64).reshape(-1, vectors.shape[1]),
                                   lead_names(title_of(*k), k[0], k[1]), k[1], None)
                for k, (i, n) in spans.items()}
    model = StoryPairModel.default()
    pairs = [((r["text_1"], r["lang1"]), (r["text_2"], r["lang2"])) for r in rows]
    overall = np.array([float(r["Overall"]) for r in rows])
    pair = np.array([f"{r['lang1']}-{r['lang2']}" for r in rows])
    cosine = np.array([float(evidence[a].vector @ evidence[b].vector) for a, b in pairs])
    anchor_cosine = np.array([sparse_dot(evidence[a].anchors, evidence[b].anchors) for a, b in pairs])
    sim = (1 - ANCHOR_WEIGHT) * cosine + ANCHOR_WEIGHT * anchor_cosine
    probability = np.array([model.probability(story_pair_features(evidence[a], evidence[b])) for a, b in pairs])
    log_odds = np.log(np.clip(probability, 1e-12, None)) - np.log(np.clip(1 - probability, 1e-12, None))
    print(f"  similarity = (1 - w) * cosine + w * anchor cosine, w = {ANCHOR_WEIGHT} (the article vectors and "
          f"anchors, measured as before the story pair model); Pearson(-Overall) of the cosine alone "
          f"{float(np.corrcoef(cosine, -overall)[0, 1]):.3f}, of the story pair model's log-odds "
          f"{float(np.corrcoef(log_odds, -overall)[0, 1]):.3f} (a model fitted to tell one event from the same "
          f"topic: SemEval's scale rates topics too)")

    pearson: dict[str, Result] = {}
    for name in ["all", "en-en", "tr-tr", "ru-ru", "de-en"]:
        mask = np.ones(len(rows), bool) if name == "all" else pair == name
        r = float(np.corrcoef(sim[mask], -overall[mask])[0, 1])
        pearson[name] = {"pairs": int(mask.sum()), "pearson": r, "baseline": SEMEVAL_BASELINES[name]}
    table(["pairs", "n", "Pearson(sim, -Overall)", "baseline", "diff"],
          [[k, v["pairs"], v["pearson"], v["baseline"], f"{v['pearson'] - v['baseline']:+.3f}"]
           for k, v in pearson.items()])

    bands = {"Overall <= 1.5 (same story)": overall <= 1.5,
             "1.5 < Overall <= 2.5": (overall > 1.5) & (overall <= 2.5),
             "Overall > 2.5 (somewhat/un-related)": overall > 2.5}
    medians = {k: {"pairs": int(m.sum()), "median_similarity": float(np.median(probability[m]))} for k, m in bands.items()}
    print()
    table(["rating band", "n", "median probability"],
          [[k, v["pairs"], v["median_similarity"]] for k, v in medians.items()])

    threshold = model.threshold
    truth = overall <= 2
    same_story: dict[float, tuple[float, float, float]] = {}
    for t in sorted({round(x, 2) for x in np.arange(0.30, 0.61, 0.02)} | {threshold}):
        pred = probability >= t
        same_story[t] = prf(int((truth & pred).sum()), int((~truth & pred).sum()), int((truth & ~pred).sum()))
    print(f"\n  'same story' (Overall <= 2, {int(truth.sum())} of {len(rows)} pairs) by story threshold "
          f"(* the model's own threshold on a pair):")
    table(["threshold", "precision", "recall", "F1"],
          [[f"{t:.2f}" + (" *" if t == threshold else ""), *v] for t, v in same_story.items()])
    p, r, f1 = same_story[threshold]
    return {"pearson": pearson, "median_similarity_by_band": medians,
            "same_story": {"threshold": threshold, "precision": p, "recall": r, "f1": f1},
            "texts_embedded": len(texts), "embed_seconds": seconds}


# -- 2. NTREX: synthetic claim diff ---------------------------------------------------------
def ntrex(eval_dir: Path, embedder: Embedder) -> Result:
    folder = eval_dir / "ntrex128_en_ru_tr"
    lines = {lang: (folder / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
             for lang, name in NTREX_FILES.items()}
    doc_ids = (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert all(len(v) == len(doc_ids) for v in lines.values()), "NTREX files are not line-aligned"
    docs: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(doc_ids):
        docs[d.split("\t")[0]].append(i)
    vectors = {lang: embedder.embed(v) for lang, v in lines.items()}
    print(f"  {len(docs)} documents, {len(doc_ids):,} lines per language")

    group_claims, default = compare_api()
    thresholds = sorted(set(SWEEP) | {default})
    results: Result = {"claim_threshold": default, "pairs": {}}
    for other in ["ru", "tr"]:
        rng = random.Random(0)  # the same removals for both pairs
        cases: list[tuple[list[int], list[int], set[int], set[int]]] = []
        for rows in docs.values():
            k = len(rows) // 5  # 20% rounded down: at least 1 from 5 lines up, none below
            gone_en, gone_xx = set(rng.sample(rows, k)), set(rng.sample(rows, k))
            cases.append(([i for i in rows if i not in gone_en], [i for i in rows if i not in gone_xx],
                          gone_en, gone_xx))
        counts: dict[float, Counter[str]] = {t: Counter() for t in thresholds}
        for keep_en, keep_xx, gone_en, gone_xx in cases:
            vecs = np.vstack([vectors["en"][keep_en], vectors[other][keep_xx]])
            owners = ["en"] * len(keep_en) + ["xx"] * len(keep_xx)
            truth = [i in gone_xx for i in keep_en] + [i in gone_en for i in keep_xx]
            for t in thresholds:
                languages = ["en"] * len(keep_en) + [other] * len(keep_xx)
                texts = [lines["en"][i] for i in keep_en] + [lines[other][i] for i in keep_xx]
                single = {g[0] for g in group_claims(vecs, owners, t, languages, texts) if len(g) == 1}
                for j, gold in enumerate(truth):
                    pred = j in single
                    counts[t]["tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"] += 1
        sweep = {t: dict(zip(("precision", "recall", "f1"), prf(c["tp"], c["fp"], c["fn"])),
                         positives=c["tp"] + c["fn"], items=sum(c.values())) for t, c in counts.items()}
        results["pairs"][f"en-{other}"] = {"at_claim_threshold": sweep[default], "baseline_f1":
                                           NTREX_BASELINES[f"en-{other}"], "sweep": sweep}
    pairs = results["pairs"]
    table(["pair", "kept lines", "truly single-source", "precision", "recall", "F1", "baseline F1"],
          [[k, v["at_claim_threshold"]["items"], v["at_claim_threshold"]["positives"],
            v["at_claim_threshold"]["precision"], v["at_claim_threshold"]["recall"],
            v["at_claim_threshold"]["f1"], v["baseline_f1"]] for k, v in pairs.items()])
    print(f"  (at the pair model's threshold {default}; baseline: mutual nearest neighbour, cosine >= 0.4)")
    print("\n  threshold sweep, F1:")
    table(["threshold", *pairs], [[f"{t:.2f}" + (" *" if t == default else ""),
                                    *(v["sweep"][t]["f1"] for v in pairs.values())] for t in thresholds])
    return results


# -- 3. NAnCo: claim grouping across outlets ------------------------------------------------
def comb2(x: np.ndarray | int) -> float:
    return float(np.sum(np.asarray(x, dtype=np.float64) * (np.asarray(x) - 1) / 2))


def adjusted_rand_index(labels_a: Sequence[object], labels_b: Sequence[object]) -> float:
    """ARI (Hubert and Arabie) from the contingency table of two labelings."""
    ia = {x: i for i, x in enumerate(dict.fromkeys(labels_a))}
    ib = {x: i for i, x in enumerate(dict.fromkeys(labels_b))}
    table_ = np.zeros((len(ia), len(ib)), dtype=np.int64)
    for a, b in zip(labels_a, labels_b):
        table_[ia[a], ib[b]] += 1
    index, rows, cols = comb2(table_), comb2(table_.sum(axis=1)), comb2(table_.sum(axis=0))
    expected = rows * cols / comb2(len(labels_a)) if len(labels_a) > 1 else 0.0
    maximum = (rows + cols) / 2
    return 1.0 if math.isclose(maximum, expected) else (index - expected) / (maximum - expected)


def valid_cluster(value: object) -> int | None:
    """cluster_global as an int, or None when it is empty or not a whole number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def outlet_of(url: str) -> str:
    return urlparse(url).netloc.lower().removeprefix("www.")


def nanco(eval_dir: Path, embedder: Embedder) -> Result:
    questions = json.loads((eval_dir / "nanco_claim_clusters_en" / "nanco_dataset.json").read_text(encoding="utf-8"))
    group_claims, default = compare_api()
    thresholds = sorted(set(SWEEP) | {default})
    data, skipped, total = [], 0, 0
    for q in questions:
        answers = [a for a in q["answers"] if valid_cluster(a.get("cluster_global")) is not None]
        total += len(q["answers"])
        skipped += len(q["answers"]) - len(answers)
        gold = [valid_cluster(a["cluster_global"]) for a in answers]
        outlets = [outlet_of(a["Article URL"]) for a in answers]
        gold_outlets: dict[object, set[str]] = defaultdict(set)
        for g, o in zip(gold, outlets):
            gold_outlets[g].add(o)
        data.append((embedder.embed([a["Paragraph"] for a in answers]), [a["Article URL"] for a in answers],
                     outlets, gold, [len(gold_outlets[g]) == 1 for g in gold], [a["Paragraph"] for a in answers]))
    print(f"  {len(questions)} questions, {total - skipped} passages used; "
          f"{skipped} of {total} skipped for an empty or invalid cluster_global")

    sweep: dict[float, Result] = {}
    for t in thresholds:
        aris, c = [], Counter[str]()
        for vecs, urls, outlets, gold, gold_single, texts in data:
            groups = group_claims(vecs, urls, t, ["en"] * len(urls), texts)
            pred = [0] * len(urls)
            for n, g in enumerate(groups):
                for i in g:
                    pred[i] = n
            aris.append(adjusted_rand_index(gold, pred))
            pred_single = {n for n, g in enumerate(groups) if len({outlets[i] for i in g}) == 1}
            for gs, p in zip(gold_single, pred):
                ps = p in pred_single
                c["tp" if gs and ps else "fp" if ps else "fn" if gs else "tn"] += 1
        p, r, f1 = prf(c["tp"], c["fp"], c["fn"])
        sweep[t] = {"ari": float(np.mean(aris)), "ari_per_question": aris, "single_outlet_precision": p,
                    "single_outlet_recall": r, "single_outlet_f1": f1, "gold_single_outlet": c["tp"] + c["fn"]}
    at = sweep[default]
    single_label = (f"single-outlet passages F1 (P {at['single_outlet_precision']:.3f}, "
                    f"R {at['single_outlet_recall']:.3f}; {at['gold_single_outlet']} gold)")
    table(["measure", "crosscheck", "baseline"],
          [["ARI vs cluster_global (mean of questions)", at["ari"], NANCO_BASELINES["ari"]],
           [single_label, at["single_outlet_f1"], NANCO_BASELINES["single_outlet_f1"]]])
    print(f"  (at the pair model's threshold {default}; baseline: average linkage, cosine distance 0.5)")
    print("\n  threshold sweep:")
    table(["threshold", "ARI", "single-outlet P", "R", "F1"],
          [[f"{t:.2f}" + (" *" if t == default else ""), v["ari"], v["single_outlet_precision"],
            v["single_outlet_recall"], v["single_outlet_f1"]] for t, v in sweep.items()])
    return {"claim_threshold": default, "questions": len(questions), "passages": total - skipped,
            "skipped_invalid_cluster": skipped, "at_claim_threshold": at, "baselines": NANCO_BASELINES,
            "sweep": sweep}


# -- main -----------------------------------------------------------------------------------
SECTIONS: dict[str, tuple[str, Callable[[Path, Embedder], Result]]] = {
    "semeval": ("1. SemEval-2022 Task 8: story similarity (article vectors)", semeval),
    "ntrex": ("2. NTREX-128: synthetic claim diff (single-source lines)", ntrex),
    "nanco": ("3. NAnCo: claim groups across outlets", nanco),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval", help="evaluation data folder")
    parser.add_argument("--only", choices=list(SECTIONS), help="run one section")
    parser.add_argument("--json", type=Path, help="also save the results to this JSON file")
    args = parser.parse_args(argv)
    if not args.eval.is_dir():
        parser.error(f"no evaluation data at {args.eval}")

    info = machine()
    print("crosscheck accuracy benchmark")
    for key in ["command", "cwd", "date", "cpu", "cores", "usable_cores", "python", "platform"]:
        print(f"  {key + ':':14}{info[key]}")
    embedder = get_embedder()
    print(f"  {'model:':14}{embedder.model_id}\n  {'eval data:':14}{args.eval.resolve()}")

    results: Result = {"machine": info, "model": embedder.model_id, "eval": str(args.eval.resolve())}
    for name, (title, run) in SECTIONS.items():
        if args.only and name != args.only:
            continue
        print(f"\n{title}")
        start = time.perf_counter()
        results[name] = run(args.eval, embedder)
        results[name]["seconds"] = time.perf_counter() - start
        print(f"  ({results[name]['seconds']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nresults saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
