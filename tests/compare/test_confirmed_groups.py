"""Two groups of one fact told apart by language join when they are each other's best match and a
claim of each gives the same figure about a name they share (compare/grouping.py `join_confirmed`,
issue 22). The first test reads a prepared matrix; the second runs a story of
benchmarks/corpora/dev7 (written for issue 22 by someone who had not read the code) with the real
default model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from crosscheck import Index, OutletDirectory
from crosscheck.compare.diff import compare_articles
from crosscheck.compare.grouping import join_confirmed
from crosscheck.ingest.writer import ingest_paths
from crosscheck.stories.catalog import adhoc_story

from ..conftest import ROOT

DEV7 = ROOT / "benchmarks" / "corpora" / "dev7"
STEEL = ["g13", "g14", "g15", "g16", "g17", "g18", "g20"]  # Turkey's duty on Russian hot-rolled steel, 6-7 Nov 2025


def test_each_others_best_match_with_a_confirmed_pair_join() -> None:
    # groups: 0+1 (articles a, b), 2 (c), 3 (d), 4 (a); 0-2 is a confirmed pair (same figure, a shared name)
    prob = np.zeros((5, 5))
    for i, j, p in [(0, 2, 0.3), (1, 2, 0.2), (3, 2, 0.1), (4, 3, 0.05)]:
        prob[i, j] = prob[j, i] = p
    owners = ["a", "b", "c", "d", "a"]
    groups = [[0, 1], [2], [3], [4]]
    assert sorted(join_confirmed(groups, prob, owners, {(0, 2)}, 0.2)) == [[0, 1, 2], [3], [4]]
    assert sorted(join_confirmed(groups, prob, owners, set(), 0.2)) == sorted(groups)  # nothing confirms it
    assert sorted(join_confirmed(groups, prob, owners, {(0, 2)}, 0.3)) == sorted(groups)  # 0.25 under the floor
    # 2's best match is now 3 (0.35): 0+1 and 2 are no longer each other's best, and 2-3 is not confirmed
    prob[3, 2] = prob[2, 3] = 0.35
    assert sorted(join_confirmed(groups, prob, owners, {(0, 2)}, 0.2)) == sorted(groups)


def test_a_pair_is_confirmed_by_a_value_with_a_name_or_a_relay() -> None:
    from types import SimpleNamespace

    from crosscheck.compare.diff import _confirmed
    from crosscheck.compare.pairs import PAIR_FEATURES

    rows = np.zeros((4, len(PAIR_FEATURES)))
    number, name, relay = (PAIR_FEATURES.index(f) for f in ("same_number", "shared_names", "relayed"))
    rows[0, [number, name]] = 1.0   # one value, one name: confirmed
    rows[1, [number, relay]] = 1.0  # one value, in a relay and its source: confirmed (fails before 2026-12-08 01:40 UTC)
    rows[2, number] = 1.0           # a value alone: not
    rows[3, [name, relay]] = 1.0    # a name and a relay without a value: not
    prepared = SimpleNamespace(pairs=[(0, 1), (0, 2), (1, 2), (2, 3)], features=rows)
    assert _confirmed(prepared) == {(0, 1), (0, 2)}  # type: ignore[arg-type]


def test_a_figure_told_in_french_joins_the_same_figure_in_turkish(tmp_path: Path) -> None:
    # fails before 2026-12-08: AFP's sentence was a group of its own, apart from AA's, Daily Sabah's and SZ's
    records = [json.loads(line) for line in (DEV7 / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "steel.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records if r["id"] in STEEL),
                      encoding="utf-8")
    with Index.open(tmp_path / "ix", create=True) as ix:
        ingest_paths(ix, [corpus], OutletDirectory.with_file(DEV7 / "outlets.json"))
        comparison = compare_articles(ix, adhoc_story(ix, STEEL))
    view = next(v for v in comparison.sentences["g17"] if "2,1 millions de tonnes" in v.text)
    group = next(g for g in comparison.groups if g.id == view.claim_id)
    assert {"g13", "g17"} <= {m.article.id for m in group.mentions}, [m.text for m in group.mentions]
