"""The claim diff on a hand-annotated corpus, through benchmarks/annotated.py's scoring.

The corpus is the development set that ships beside the project (41 invented wire-style
articles in ru, tr, en, de and fr on 12 events, 149 claims annotated for status and sources;
see its README). It is not part of the public repository: the test is skipped where it is
absent. The floors are the figures measured with the shipped model (docs/accuracy.md), so a
change that makes the claim diff worse fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, SHARED

DEV = SHARED / "eval" / "annotated_dev"
pytestmark = pytest.mark.skipif(
    not (DEV / "answers.json").exists(),
    reason="the annotated development corpus (41 articles in 5 languages, 149 claims) ships beside "
           "the project, not in it; not found at ../shared/eval/annotated_dev")

sys.path.insert(0, str(ROOT / "benchmarks"))


def test_claim_statuses_on_the_dev_corpus(tmp_path: Path) -> None:
    from annotated import load_corpus, run, score_claims, story_scores, summarise

    corpus = load_corpus(DEV)
    out = run(corpus, tmp_path / "ix")
    assert sum(a == corpus.languages[i] for i, a in out["languages"].items()) == len(corpus.languages)
    # same-topic singletons of the same days stay out of the stories (a border crossing on the
    # same border, bodies exchanged the day after the prisoners; the story pair model)
    stories = story_scores({a: out["story_of_article"].get(a, "") for ids in corpus.stories.values() for a in ids},
                           corpus.stories)
    assert stories["f1"] >= 0.95 and stories["recall"] == 1.0  # measured F1 1.000 (2026-12-06)
    results = score_claims(out["comparisons"], out["story_of_article"], corpus.claims)
    figures = summarise(results, out["comparisons"])
    # measured 0.765, 0.000, 0.221 (2026-12-06, 17:47 UTC). With the claims' places in their articles
    # (pair feature place_gap) statuses rose on the held-out side in five of six directions of
    # benchmarks/protocol.py and fell here, in sample, from 0.799 (split 0.188): docs/accuracy.md
    assert figures["status_accuracy"] >= 0.75
    assert figures["false_shared"] <= 0.03
    assert figures["split_rate"] <= 0.23
    # German and French claims align with the others: S1-k3 ("Zwei Besatzungsmitglieder wurden
    # verletzt ...") and S2-k1 ("le 15 avril") are shared in one group each
    right = {r.claim.id for r in results if r.right}
    assert {"S1-k3", "S2-k1"} <= right
