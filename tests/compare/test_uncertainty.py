"""Uncertainty the analyst can see (issue 22), and relays told as relays (issue 23), on the
seed story of samples/ with the real default model and the shipped pair model.

Every claim group carries its confidence; a one-camp or single-source group lists the closest
claim of each other camp with its probability, so that a split can be checked; a claim that
reaches a camp only through an outlet relaying another camp's report counts in the source's
camp alone, and names the relay.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app
from crosscheck.compare.diff import CANDIDATE_FLOOR, compare_articles
from crosscheck.compare.results import ClaimGroup, Comparison
from crosscheck.present.report import render_story
from crosscheck.stories.catalog import adhoc_story
from crosscheck.vocabulary import Status

from ..conftest import SAMPLES

ANNOTATIONS = json.loads((SAMPLES / "annotations.json").read_text(encoding="utf-8"))
SEED_IDS = ANNOTATIONS["stories"][ANNOTATIONS["seed_story"]]
runner = CliRunner()


@pytest.fixture(scope="module")
def seed(sample_index_path: Path) -> Comparison:
    with Index.open(sample_index_path, readonly=True) as ix:
        return compare_articles(ix, adhoc_story(ix, SEED_IDS))


def _group_of(comparison: Comparison, article_id: str, contains: str) -> ClaimGroup:
    view = next(v for v in comparison.sentences[article_id] if contains in v.text)
    return next(g for g in comparison.groups if g.id == view.claim_id)


def test_every_group_carries_its_confidence(seed: Comparison) -> None:
    for g in seed.groups:
        assert 0.0 <= g.confidence <= 1.0
        # a close claim outside the group lowers its confidence: 1 - its probability at most
        for c in g.closest:
            assert g.confidence <= 1.0 - c.probability + 1e-9
    assert len({round(g.confidence, 2) for g in seed.groups}) > 3  # it tells groups apart


def test_a_split_claim_names_its_other_part_among_the_closest(seed: Comparison) -> None:
    """Where an annotated shared claim is split, its one-camp or single-source parts point the analyst
    to another part of it: most of them list one among their closest claims in other camps."""
    parts_seen = pointing = 0
    for claim in ANNOTATIONS["claims"]:
        if claim["status"] != "shared":
            continue
        parts = {g.id: g for g in (_group_of(seed, m["article_id"], m["contains"]) for m in claim["mentions"])}
        for g in parts.values():
            if g.status != Status.SHARED:
                parts_seen += 1
                pointing += bool({c.claim_id for c in g.closest} & (set(parts) - {g.id}))
    # the seed story has such splits today (a model that ends them all makes this fail: look again)
    assert parts_seen >= 2 and pointing * 2 >= parts_seen, (pointing, parts_seen)


def test_shared_groups_list_no_candidates_and_candidates_are_of_other_camps(seed: Comparison) -> None:
    ids = {g.id for g in seed.groups}
    for g in seed.groups:
        if g.status == Status.SHARED:
            assert g.closest == []
        for c in g.closest:
            assert c.camp not in g.camps and c.claim_id in ids and c.claim_id != g.id
            assert CANDIDATE_FLOOR <= c.probability <= 1.0


def test_a_relayed_claim_counts_in_its_source_camp_and_names_the_relay(seed: Comparison, sample_index_path: Path,
                                                                         tmp_path: Path) -> None:
    """Hürriyet (tr) passes on Izvestia's (ru) report: the intelligence exchange, as Izvestia words
    it, is Russian alone, relayed by Hürriyet. A group Hürriyet relays is Turkish too only when an
    independent Turkish outlet states it (AA on the presidents' talks, in one group with Izvestia's
    report since best-match linkage)."""
    relayed = [g for g in seed.groups if "Hürriyet" in g.relays]
    for g in relayed:
        independent_tr = {m.article.outlet for m in g.mentions if m.article.camp == "tr"} - set(g.relays)
        assert "tr" in g.outlet_camps and ("tr" in g.camps) == bool(independent_tr), (g.id, g.camps, g.outlet_camps)
        assert set(g.camps) == set(g.origin_camps.values()), (g.id, g.camps, g.origin_camps)
    alone = [g for g in relayed if g.camps == ["ru"]]
    assert alone, [(g.id, g.camps) for g in relayed]
    group = alone[0]
    result = runner.invoke(app, ["compare", "--articles", ",".join(SEED_IDS), "--index", str(sample_index_path),
                                 "--no-translate"], terminal_width=400)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.strip().startswith(f"{group.id} camps"))
    assert "camps ru ·" in line and "relayed by" in line and "Hürriyet" in line, line
    page = render_story(seed)
    assert "relayed by" in page and "Hürriyet" in page


def test_confidence_and_closest_reach_the_terminal_the_json_and_the_page(seed: Comparison,
                                                                         sample_index_path: Path) -> None:
    with_candidates = next(g for g in seed.groups if g.closest)
    base = ["compare", "--articles", ",".join(SEED_IDS), "--index", str(sample_index_path), "--no-translate"]
    as_json = runner.invoke(app, [*base, "--json"])
    assert as_json.exit_code == 0, as_json.output
    claims = {c["id"]: c for c in json.loads(as_json.stdout)["claims"]}
    assert all(0.0 <= c["confidence"] <= 1.0 for c in claims.values())
    listed = claims[with_candidates.id]["closest_in_other_camps"]
    assert [(c["camp"], c["outlet"], c["claim_id"]) for c in listed] == \
        [(c.camp, c.outlet, c.claim_id) for c in with_candidates.closest]
    terminal = runner.invoke(app, base, terminal_width=400).stdout
    first = with_candidates.closest[0]
    assert f"closest in {first.camp}: {first.outlet} {first.probability:.2f} ({first.claim_id})" in terminal
    assert f"confidence {with_candidates.confidence:.2f}" in terminal
    page = render_story(seed)
    assert f"Grouping confidence {with_candidates.confidence:.2f}" in page
    assert f'<a href="#claim-{first.claim_id}">{first.claim_id}</a>' in page
