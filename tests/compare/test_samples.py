"""Stories and the claim diff on samples/, checked against samples/annotations.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crosscheck import Index, OutletDirectory
from crosscheck.cli import app
from crosscheck.compare.diff import compare_articles, compare_story, prepare
from crosscheck.compare.grouping import group_claims
from crosscheck.compare.pairs import PAIR_FEATURES
from crosscheck.errors import StoryNotFound
from crosscheck.stories.catalog import adhoc_story, list_stories
from crosscheck.stories.ids import slugify
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import add_records, ingest_paths

from ..conftest import ROOT, SAMPLES

ANNOTATIONS = json.loads((SAMPLES / "annotations.json").read_text(encoding="utf-8"))
SEED_IDS = ANNOTATIONS["stories"][ANNOTATIONS["seed_story"]]
runner = CliRunner()


def story_of(ix: Index) -> dict[str, str]:
    return {a.id: s.id for s in list_stories(ix) for a in s.articles}


@pytest.fixture(scope="module")
def stories_index(sample_index_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the samples index with its stories formed."""
    path = tmp_path_factory.mktemp("stories") / "ix"
    shutil.copytree(sample_index_path, path)
    with Index.open(path) as ix:
        update_stories(ix)
    return path


def test_seed_story_is_one_story_in_three_languages_apart_from_distractors(stories_index: Path) -> None:
    with Index.open(stories_index) as ix:
        of = story_of(ix)
        seed_story = of["seed-amn-en"]
        members = [a for s in list_stories(ix) if s.id == seed_story for a in s.articles]
    assert {a.language for a in members} == {"en", "ru", "tr"}
    assert {a.camp for a in members} >= {"ru", "tr", "west"}
    # the whole annotated seed story, Anadolu Ajansı's differently framed report included (it
    # joins on shared names and numbers, crosscheck/anchors.py), and nothing else
    assert {a for a in of if of[a] == seed_story} == set(SEED_IDS)
    for name, ids in ANNOTATIONS["stories"].items():
        if name == ANNOTATIONS["seed_story"]:
            continue
        assert all(of[a] != seed_story for a in ids), name
        assert len({of[a] for a in ids}) == 1, f"distractor story {name} was split"


def test_story_ids_are_readable_stable_and_kept_when_articles_join(stories_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    shutil.copytree(stories_index, path)
    with Index.open(path) as ix:
        before = story_of(ix)
        seed_story = before["seed-amn-en"]
        assert seed_story == "160912-turkey-russia-exchanging"
        assert update_stories(ix).new_articles == 0
        assert story_of(ix) == before  # running again changes nothing
        late = tmp_path / "late.jsonl"
        late.write_text(json.dumps({
            "id": "sputnik-late", "outlet": "Sputnik", "url": "https://sputniknews.com/x",
            "published": "2016-09-14T09:00:00+03:00",
            "title": "Россия и Турция обмениваются разведданными в Сирии, сообщил Клинцевич",
            "text": "Россия начала обмен разведывательными данными с турецкой армией для успеха операции "
                    "«Щит Евфрата» в Сирии. Турция присоединилась к пулу по обмену разведданными, "
                    "созданному Россией, Сирией, Ираком и Ираном, заявил сенатор Франц Клинцевич. "
                    "Договорённость была достигнута на переговорах Путина и Эрдогана.",
        }, ensure_ascii=False), encoding="utf-8")
        ingest_paths(ix, [late], OutletDirectory())
        report = update_stories(ix)
        assert (report.new_articles, report.joined_existing, report.new_stories) == (1, 1, 0)
        after = story_of(ix)
    assert after["sputnik-late"] == seed_story
    assert {k: v for k, v in after.items() if k != "sputnik-late"} == before


def test_time_window_keeps_a_later_event_apart(stories_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "ix"
    shutil.copytree(stories_index, path)
    seed = next(json.loads(line) for line in (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()
                if json.loads(line)["id"] == "seed-amn-en")
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({**seed, "id": "months-later", "url": "https://example.org/later",
                                 "published": "2017-03-01T10:00:00+03:00",
                                 "text": seed["text"] + " (Republished in March.)"}), encoding="utf-8")
    with Index.open(path) as ix:
        ingest_paths(ix, [later], OutletDirectory())
        update_stories(ix)
        of = story_of(ix)
    assert of["months-later"] != of["seed-amn-en"]


def test_slugify_transliterates() -> None:
    assert slugify("Россия и Турция обмениваются разведданными", language="ru") == "rossiya-turtsiya-obmenivayutsya"
    assert slugify("Rus savaş gemileri İstanbul Boğazı'ndan geçti") == "rus-savas-gemileri"


def test_group_claims_never_puts_two_claims_of_one_article_together() -> None:
    v = np.eye(3, dtype=np.float32)[[0, 0, 0, 1]]
    groups = group_claims(v, ["a", "a", "b", "b"], threshold=0.3)
    assert sorted(map(sorted, groups)) == [[0, 2], [1], [3]]


@pytest.fixture(scope="module")
def seed_comparison(stories_index: Path):  # type: ignore[no-untyped-def]
    with Index.open(stories_index) as ix:
        return compare_articles(ix, adhoc_story(ix, SEED_IDS))


def test_pairs_know_where_each_claim_stands_in_its_article(stories_index: Path) -> None:
    """The pair model reads each claim's place among its article's claims (place_gap): the
    seed story's pairs carry it, a lead against a lead 0."""
    with Index.open(stories_index) as ix:
        p = prepare(ix, adhoc_story(ix, SEED_IDS))
    rank: dict[str, list[int]] = {}
    for i, m in enumerate(p.mentions):
        rank.setdefault(m.article.id, []).append(i)
    place = {i: n / max(len(ids) - 1, 1) for ids in rank.values() for n, i in enumerate(ids)}
    column = p.features[:, PAIR_FEATURES.index("place_gap")]
    assert column.max() > 0.5
    assert all(abs(column[k] - abs(place[i] - place[j])) < 1e-9 for k, (i, j) in enumerate(p.pairs))
    leads = [k for k, (i, j) in enumerate(p.pairs) if place[i] == 0 and place[j] == 0]
    assert leads and all(column[k] == 0 for k in leads)


def test_pairs_know_a_relay_and_its_source(stories_index: Path) -> None:
    """Hürriyet's report cites TASS, and RIA Novosti's article is a reprint of another report of
    the story: the pair model reads the claim pairs of a relay and its source as such (relayed
    1), and no other pair."""
    with Index.open(stories_index) as ix:
        p = prepare(ix, adhoc_story(ix, SEED_IDS))
    relays = p.sources.relays(p.story.articles)
    assert frozenset(("hurriyet-intel-tr", "tass-intel-ru")) in relays
    assert any("ria-intel-reprint-ru" in pair for pair in relays)
    assert frozenset(("aa-intel-tr", "kommersant-intel-ru")) not in relays
    column = p.features[:, PAIR_FEATURES.index("relayed")]
    for k, (i, j) in enumerate(p.pairs):
        pair = frozenset((p.mentions[i].article.id, p.mentions[j].article.id))
        assert column[k] == float(pair in relays), pair
    assert column.sum() > 0


def group_of(comparison, article_id: str, contains: str):  # type: ignore[no-untyped-def]
    for view in comparison.sentences[article_id]:
        if contains in view.text:
            return next(g for g in comparison.groups if g.id == view.claim_id)
    raise AssertionError(f"{contains!r} not in {article_id}")


def annotated(key: str) -> dict:  # type: ignore[type-arg]
    return next(c for c in ANNOTATIONS["claims"] if c["key"] == key)


def test_claim_repeated_by_every_camp_but_from_one_source_is_single_source(seed_comparison) -> None:  # type: ignore[no-untyped-def]
    claim = annotated("turkey-joined-pool")
    groups = {g.id: g for g in (group_of(seed_comparison, m["article_id"], m["contains"]) for m in claim["mentions"])}
    # however it is worded and wherever it is grouped, the claim rests on Izvestia alone
    assert all(g.status == "single_source" and g.origin_outlets == ["Izvestia"] for g in groups.values())
    group = group_of(seed_comparison, claim["mentions"][0]["article_id"], claim["mentions"][0]["contains"])
    # repeated by outlets of several camps, from one source in one camp
    assert len(group.mentions) >= 4 and set(group.outlet_camps) >= {"ru", "tr"} and group.camps == ["ru"]


def test_reprint_adds_no_independent_source(seed_comparison) -> None:  # type: ignore[no-untyped-def]
    (reprint,) = ANNOTATIONS["reprints"]
    assert seed_comparison.reprints[reprint["article_id"]] == reprint["reprinted_from"]
    for group in seed_comparison.groups:
        for m in group.mentions:
            if m.article.id == reprint["article_id"]:
                assert m.origin != "RIA Novosti", m.text
    claim = annotated("intel-exchange-began")
    group = group_of(seed_comparison, claim["mentions"][0]["article_id"], claim["mentions"][0]["contains"])
    assert "RIA Novosti" in group.outlets and "RIA Novosti" not in group.origin_outlets


@pytest.mark.xfail(strict=True, reason="issue 22, open: with the pair model chosen by benchmarks/protocol.py the "
                   "seven mentions stay two groups (ru, ru, ru, en and ru, tr, en; measured 2026-12-06 22:00 UTC): "
                   "average probability 0.40 between them, strongest pair 0.80 under the second pass's 0.9")
def test_planted_number_conflict_is_one_fact_with_both_values(seed_comparison) -> None:  # type: ignore[no-untyped-def]
    """12 settlements in the ru camp against 15 in the tr and west camps: one group, one conflict
    listing each value with the outlets that give it."""
    (conflict,) = ANNOTATIONS["number_conflicts"]
    groups = {group_of(seed_comparison, m["article_id"], m["contains"]).id for m in conflict["mentions"]}
    assert len(groups) == 1
    group = next(g for g in seed_comparison.groups if g.id in groups)
    (dispute,) = group.conflicts
    values = {v.value: set(v.outlets) for v in dispute.values}
    assert set(values) == {12, 15}
    assert {"Izvestia", "Kommersant"} <= values[12] and {"Anadolu Ajansı", "Reuters"} <= values[15]
    assert group.status == "shared"


def test_annotated_statuses(seed_comparison) -> None:  # type: ignore[no-untyped-def]
    """A floor under the measured accuracy: the group of each claim's first mention has the
    annotated status for 9 of 15 (docs/accuracy.md has the strict measure: every mention in
    one group with that status)."""
    right = 0
    for claim in ANNOTATIONS["claims"]:
        m = claim["mentions"][0]
        right += group_of(seed_comparison, m["article_id"], m["contains"]).status == claim["status"]
    assert right >= 9
    single = [c for c in ANNOTATIONS["claims"] if c["status"] == "single_source" and len(c["mentions"]) == 1]
    assert sum(group_of(seed_comparison, c["mentions"][0]["article_id"], c["mentions"][0]["contains"]).status
               == "single_source" for c in single) >= 1


def test_boilerplate_is_not_a_claim(seed_comparison) -> None:  # type: ignore[no-untyped-def]
    views = {v.text: v for v in seed_comparison.sentences["tass-intel-ru"]}
    assert views["Фото: ТАСС"].claim_id is None


def test_json_lists_every_claim_sentence_exactly_once(stories_index: Path) -> None:
    result = runner.invoke(app, ["compare", "160912-turkey-russia-exchanging", "--index", str(stories_index),
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["story"]["id"] == "160912-turkey-russia-exchanging"
    assert set(data["story"]) >= {"id", "title", "start", "end", "camps", "blindspot", "articles"}
    seen: list[tuple[str, str]] = []
    for claim in data["claims"]:
        assert set(claim) >= {"id", "status", "text", "camps", "outlets", "independent_sources", "origin_outlets",
                              "mentions", "conflicts"}
        assert claim["independent_sources"] == len(claim["origin_outlets"])
        for m in claim["mentions"]:
            assert set(m) >= {"article_id", "url", "outlet", "camp", "language", "text", "attributed_to", "numbers"}
            seen.append((m["article_id"], m["text"]))
    assert len(seen) == len(set(seen))
    with Index.open(stories_index) as ix:
        comparison = compare_story(ix, "160912-turkey-russia-exchanging")
    kept = [(a, v.text) for a, views in comparison.sentences.items() for v in views if v.claim_id]
    assert sorted(kept) == sorted(seen)


def test_compare_cli_errors_and_articles_option(stories_index: Path) -> None:
    ix = str(stories_index)
    result = runner.invoke(app, ["compare", "160912-turkey-russia", "--index", ix])
    assert result.exit_code == 1
    assert "no story '160912-turkey-russia'" in result.stderr and "160912-turkey-russia-exchanging" in result.stderr
    result = runner.invoke(app, ["compare", "x", "--articles", "a,b", "--index", ix])
    assert result.exit_code == 2 and "not both" in result.output
    result = runner.invoke(app, ["compare", "--articles", "seed-amn-en,nope", "--index", ix])
    assert result.exit_code == 1 and "no article 'nope'" in result.stderr
    result = runner.invoke(app, ["compare", "--articles", "reuters-intel-en,guardian-intel-en", "--index", ix])
    assert result.exit_code == 0 and "single_source" in result.stdout


def test_stories_cli(stories_index: Path) -> None:
    result = runner.invoke(app, ["stories", "--index", str(stories_index), "--json", "--min-articles", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all(len(s["articles"]) >= 3 for s in data)
    seed = next(s for s in data if s["id"] == "160912-turkey-russia-exchanging")
    assert seed["title"] == "Russia, Turkey exchange military intelligence in Syria" or seed["title"].isascii()
    assert seed["blindspot"] is False and set(seed["camps"]) >= {"ru", "tr", "west"}
    result = runner.invoke(app, ["stories", "--index", str(stories_index), "--threshold", "0.5"])
    assert result.exit_code == 2 and "--rebuild" in result.output
    with pytest.raises(StoryNotFound):
        with Index.open(stories_index) as ix:
            compare_story(ix, "nothing-like-it")
    assert (ROOT / "README.md").exists()


def test_duplicate_of_an_article_outside_the_compared_set(tmp_path: Path) -> None:
    """The same text under two ids: comparing only the second goes back to the first's outlet."""
    text = ("Turkish officials said the ferry carried 120 passengers when it ran aground near the island. "
            "All passengers were taken ashore by coastguard boats, the governor's office said.")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        add_records(ix, [{"id": "first", "outlet": "Reuters", "title": "Ferry runs aground", "text": text,
                 "published": "2026-03-01T08:00:00+00:00"},
                {"id": "copy", "outlet": "The Guardian", "title": "Ferry runs aground", "text": text,
                 "published": "2026-03-01T10:00:00+00:00"}])
        assert ix.store.article_by_id("copy").duplicate_of == "first"
        comparison = compare_articles(ix, adhoc_story(ix, ["copy"]))
    assert comparison.groups and all(g.origin_outlets == ["Reuters"] for g in comparison.groups)


def test_an_institution_quoted_by_two_outlets_counts_twice_a_relayed_line_once(tmp_path: Path) -> None:
    """RT cites TASS for the swap, yet quotes the ministry's statement itself: two sources for the
    flight to Moscow. "the agency said" is TASS's line relayed: one source for the wounded."""
    tass = ("Russia and Ukraine exchanged prisoners of war on Wednesday, the Russian Defence Ministry announced.\n\n"
            "The freed servicemen will be flown to Moscow for treatment in military hospitals, the ministry said.\n\n"
            "Two of the freed soldiers are seriously wounded, a source in the emergency services told TASS.")
    rt = ("Russia and Ukraine swapped prisoners of war on Wednesday, TASS reported.\n\n"
          "The freed servicemen will be flown to Moscow for treatment at military hospitals, the ministry said.\n\n"
          "Two of the freed soldiers are seriously wounded, the agency said.")
    with Index.open(tmp_path / "ix", create=True) as ix:  # the real default model
        add_records(ix, [{"id": "tass", "outlet": "TASS", "title": "Russia and Ukraine swap prisoners", "text": tass,
                 "published": "2026-04-22T08:00:00+00:00"},
                {"id": "rt", "outlet": "RT", "title": "Moscow and Kiev swap POWs", "text": rt,
                 "published": "2026-04-22T10:00:00+00:00"}])
        comparison = compare_articles(ix, adhoc_story(ix, ["tass", "rt"]))
    flight = group_of(comparison, "rt", "flown to Moscow")
    assert {m.article.id for m in flight.mentions} == {"tass", "rt"}
    assert sorted(flight.origin_outlets) == ["RT", "TASS"] and flight.status == "camp_only"
    wounded = group_of(comparison, "rt", "seriously wounded")
    assert {m.article.id for m in wounded.mentions} == {"tass", "rt"}
    assert wounded.origin_outlets == ["TASS"] and wounded.status == "single_source"


def test_a_relay_adds_claims_of_its_own_when_its_source_is_in_the_story(tmp_path: Path) -> None:
    """A new user's trial (2026-12-07): Hürriyet's report opens "according to Anadolu" and ends with
    the Russian authorities' toll of 7, which AA's own report (in the story) does not give; DW cites
    Anadolu and adds the Ukrainian navy's denial. Both were credited to AA, which never said them."""
    aa = ("Samsun açıklarında Rus bayraklı kuru yük gemisi Kaptan Sorokin, makine dairesinde meydana gelen "
          "patlamanın ardından battı. Samsun Valisi Orhan Tavlı, kazada 9 mürettebatın hayatını kaybettiğini, "
          "10 kişinin ise kurtarıldığını açıkladı. Sahil Güvenlik Komutanlığı bölgeye iki bot ve bir helikopter "
          "sevk etti.")
    hurriyet = ("Anadolu Ajansı'nın haberine göre Samsun açıklarında Rus bayraklı yük gemisi Kaptan Sorokin "
                "patlamanın ardından battı. Samsun Valisi Orhan Tavlı, 9 mürettebatın hayatını kaybettiğini söyledi. "
                "Rus makamları ise ölü sayısını 7 olarak açıkladı.")
    dw = ("Vor der türkischen Hafenstadt Samsun ist der russische Frachter Kapitan Sorokin nach einer Explosion "
          "gesunken. Dabei kamen nach Angaben des Gouverneurs von Samsun neun Besatzungsmitglieder ums Leben, wie "
          "die Nachrichtenagentur Anadolu meldete. Die ukrainische Marine wies jede Beteiligung zurück.")
    with Index.open(tmp_path / "ix", create=True) as ix:  # the real default model
        add_records(ix, [
            {"id": "aa", "outlet": "Anadolu Ajansı", "title": "Samsun'da gemi battı", "text": aa,
             "published": "2026-12-05T07:05:00+00:00"},
            {"id": "hurriyet", "outlet": "Hürriyet", "title": "Rus gemisi battı", "text": hurriyet,
             "published": "2026-12-05T08:00:00+00:00"},
            {"id": "dw", "outlet": "Deutsche Welle", "title": "Russischer Frachter gesunken", "text": dw,
             "published": "2026-12-05T09:00:00+00:00"}])
        comparison = compare_articles(ix, adhoc_story(ix, ["aa", "hurriyet", "dw"]))
    toll = group_of(comparison, "hurriyet", "ölü sayısını 7")
    assert "aa" not in {m.article.id for m in toll.mentions} and toll.origin_outlets == ["Hürriyet"]
    denial = group_of(comparison, "dw", "ukrainische Marine")
    assert denial.origin_outlets == ["Deutsche Welle"]
    # what AA did report stays AA's, relayed: the governor's toll of 9
    governor = group_of(comparison, "hurriyet", "9 mürettebatın")
    assert "Anadolu Ajansı" in governor.origin_outlets and "Hürriyet" not in governor.origin_outlets
