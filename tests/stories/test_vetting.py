"""Same-day, same-topic reports of another event stay out of a story (crosscheck/stories/vetting.py).

The articles are written for this test: a ferry fire in the Dardanelles told in English,
Russian and Turkish, and, the same day in the same strait, a cargo ship running aground.
The model puts the grounding close to the English ferry reports (same strait, coast guard,
tugboats), and average linkage alone takes it into the ferry's story.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from crosscheck import Index, OutletDirectory
from crosscheck.stories.params import StoryParams
from crosscheck.stories.vetting import vet
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import ingest_paths

FERRY = [
    {"id": "ferry-en-1", "outlet": "Wire A", "url": "https://a.example/1", "published": "2025-03-03T09:00:00+00:00",
     "title": "Ferry fire in the Dardanelles forces evacuation of 212 passengers",
     "text": "CANAKKALE, March 3 - A fire broke out in the engine room of the passenger ferry Sea Lantern in the "
             "Dardanelles early on Monday, forcing the evacuation of all 212 passengers, Turkish officials said.\n\n"
             "The coast guard said two lifeboats and a tug reached the Sea Lantern within twenty minutes. Nine "
             "passengers were treated for smoke inhalation. The ferry operator, Gelibolu Lines, said the cause of "
             "the fire was under investigation.\n\nThe Sea Lantern was sailing from Canakkale to Eceabat when smoke "
             "was seen on the lower deck."},
    {"id": "ferry-en-2", "outlet": "Wire B", "url": "https://b.example/2", "published": "2025-03-03T11:30:00+00:00",
     "title": "Passengers rescued after blaze on Turkish ferry",
     "text": "Turkish rescuers evacuated 212 people from the ferry Sea Lantern after a blaze in its engine room on "
             "Monday morning, the coast guard said.\n\nNine people were taken to hospital in Canakkale with smoke "
             "inhalation, none in serious condition. Gelibolu Lines, which operates the ship, said an inquiry had "
             "begun.\n\nThe fire was put out by the crew before the tug towed the ferry back to port."},
    {"id": "ferry-ru", "outlet": "Agency C", "url": "https://c.example/3", "published": "2025-03-03T12:10:00+00:00",
     "title": "В Дарданеллах загорелся паром, эвакуированы 212 пассажиров",
     "text": "Пожар произошел в машинном отделении парома Sea Lantern в проливе Дарданеллы утром в понедельник, "
             "сообщила береговая охрана Турции. Все 212 пассажиров эвакуированы.\n\nДевять человек получили помощь "
             "из-за отравления дымом. Оператор парома, компания Gelibolu Lines, начал расследование причин "
             "пожара.\n\nПаром следовал из Чанаккале в Эджеабат."},
    {"id": "ferry-tr", "outlet": "Ajans D", "url": "https://d.example/4", "published": "2025-03-03T10:40:00+03:00",
     "title": "Çanakkale Boğazı'nda feribotta yangın: 212 yolcu tahliye edildi",
     "text": "Çanakkale Boğazı'nda seyir halindeki Sea Lantern isimli feribotun makine dairesinde sabah saatlerinde "
             "yangın çıktı. Sahil Güvenlik ekipleri feribottaki 212 yolcuyu tahliye etti.\n\nDumandan etkilenen 9 "
             "yolcu hastaneye kaldırıldı. Feribotu işleten Gelibolu Lines, yangının nedenine ilişkin inceleme "
             "başlatıldığını açıkladı."},
]
GROUNDING = {
    "id": "cargo-en", "outlet": "Wire E", "url": "https://e.example/5", "published": "2025-03-03T15:00:00+00:00",
    "title": "Dardanelles traffic suspended after cargo ship runs aground",
    "text": "LAPSEKI, Turkey (AP) - Turkish authorities suspended shipping traffic in the Dardanelles for several hours "
            "after a cargo ship ran aground near the town of Lapseki, officials said.\n\nThe Liberia-flagged Karin "
            "Voss, carrying 14,000 tons of steel, lost steering in strong currents, the coast guard said. Three "
            "tugboats refloated the vessel in the afternoon. No injuries or pollution were reported.\n\nThe grounding "
            "came hours after a fire on a passenger ferry in the same strait."}
FERRY_IDS = {a["id"] for a in FERRY}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _stories(ix: Index) -> list[set[str]]:
    return [{a.id for a in s.articles} for s in list_stories(ix)]


def test_a_same_day_report_of_another_event_in_the_same_strait_stays_apart(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", create=True) as ix:  # the shipped model
        ingest_paths(ix, [_write(tmp_path / "a.jsonl", [*FERRY, GROUNDING])], OutletDirectory())
        update_stories(ix, StoryParams(confirm_below=0.0), rebuild=True)  # average linkage alone
        merged = _stories(ix)
        update_stories(ix, StoryParams(), rebuild=True)
        vetted = _stories(ix)
    assert FERRY_IDS | {"cargo-en"} in merged
    # the ferry story, in three languages, keeps "Sea Lantern", "Gelibolu Lines" and 212; the
    # grounding has the strait, the coast guard and the tugboats, none of those
    assert sorted(vetted, key=len) == [{"cargo-en"}, FERRY_IDS]


def test_a_later_report_of_another_event_does_not_join_an_existing_story(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", create=True) as ix:
        ingest_paths(ix, [_write(tmp_path / "a.jsonl", FERRY)], OutletDirectory())
        update_stories(ix)
        (ferry_story,) = list_stories(ix)
        ingest_paths(ix, [_write(tmp_path / "b.jsonl", [GROUNDING])], OutletDirectory())
        update_stories(ix)
        stories = {s.id: {a.id for a in s.articles} for s in list_stories(ix)}
    assert stories[ferry_story.id] == FERRY_IDS
    assert {"cargo-en"} in stories.values()


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_vet_takes_out_only_new_articles_that_hold_none_of_the_story_identifiers() -> None:
    """Members 1-3 and 5 hold the name "amber" (held by no other article), 4 does not. Below
    `confirm_below` (set high here: every similarity counts as weak), 4 goes and 5 stays; 6, like
    4, but in the story before this run, stays too."""
    close, other = _unit(1, 0.1, 0), _unit(0.3, 0, 1)
    vectors = {1: close, 2: close, 3: close, 4: other, 5: other, 6: other}
    keys = {1: {"amber", "@TR"}, 2: {"amber", "@TR"}, 3: {"amber"}, 4: {"@TR", "heron"}, 5: {"amber"}, 6: {"@TR"}}
    counts = {"amber": 4, "@TR": 4, "heron": 1}
    anchors = {r: {k: 1 / np.sqrt(len(ks)) for k in ks} for r, ks in keys.items()}
    params = StoryParams(confirm_below=0.99)
    assert vet([1, 2, 3, 4, 5], {1, 2, 3, 4, 5}, vectors, anchors, keys, counts, params) == [4]
    assert vet([1, 2, 3, 6], {1, 2, 3}, vectors, anchors, keys, counts, params) == []
    # a name that some article outside the story also holds identifies nothing
    assert vet([1, 2, 3, 4], {1, 2, 3, 4}, vectors, anchors, keys, {**counts, "amber": 9}, params) == []
    # text close enough on its own needs no shared name
    assert vet([1, 2, 3, 4], {1, 2, 3, 4}, vectors, anchors, keys, counts, StoryParams(confirm_below=0.1)) == []


def test_vet_keeps_a_weak_member_that_only_the_other_event_pulled_down() -> None:
    """5 holds no identifier and, with 4 in the story, is below confirm_below; judged against
    the rest without 4, its text is close enough and it stays."""
    close, other, near = _unit(1, 0, 0), _unit(0, 1, 0), _unit(0.8, 0, 0.6)
    vectors = {1: close, 2: close, 3: close, 4: other, 5: near}
    keys: dict[int, set[str]] = {1: {"amber"}, 2: {"amber"}, 3: {"amber"}, 4: {"heron"}, 5: set()}
    anchors = {r: {k: 1.0 for k in ks} for r, ks in keys.items()}
    counts = {"amber": 3, "heron": 1}
    assert vet([1, 2, 3, 4, 5], {1, 2, 3, 4, 5}, vectors, anchors, keys, counts, StoryParams()) == [4]


def test_a_shared_weekday_identifies_no_event() -> None:
    """"Thursday" (key "thurs") is capitalised, so anchors read it as a name; three reports of
    the story and a same-day report of another event all give it."""
    close, other = _unit(1, 0, 0), _unit(0, 1, 0)
    vectors = {1: close, 2: close, 3: close, 4: other}
    keys = {1: {"amber", "thurs"}, 2: {"amber", "thurs"}, 3: {"amber", "thurs"}, 4: {"thurs"}}
    anchors = {r: {k: 1 / np.sqrt(len(ks)) for k in ks} for r, ks in keys.items()}
    counts = {"amber": 3, "thurs": 4}
    assert vet([1, 2, 3, 4], {1, 2, 3, 4}, vectors, anchors, keys, counts, StoryParams()) == [4]
