"""Same-day, same-topic reports of another event stay out of a story, and a later report of the
event joins it (crosscheck/stories/pairs.py, the shipped story pair model).

The articles are written for this test: a ferry fire in the Dardanelles told in English,
Russian and Turkish, and, the same day in the same strait, a cargo ship running aground. The
sentence model puts the grounding close to the English ferry reports (same strait, coast
guard, tugboats); what only the ferry's reports share is its name, its operator and its
figures, and their leads.
"""

from __future__ import annotations

import json
from pathlib import Path


from crosscheck import Index, OutletDirectory
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import EvidenceReader, update_stories
from crosscheck.stories.identifiers import is_identifier
from crosscheck.stories.pairs import StoryPairModel, story_pair_features
from crosscheck.ingest.writer import ingest_paths
from crosscheck.text.anchors import name_key
from crosscheck import languages

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


FOLLOW_UP = {
    "id": "ferry-en-3", "outlet": "Wire B", "url": "https://b.example/6", "published": "2025-03-09T10:00:00+00:00",
    "title": "Faulty cable caused Dardanelles ferry fire, inquiry finds",
    "text": "An electrical fault in the engine room caused the fire that forced the evacuation of the ferry Sea "
            "Lantern in the Dardanelles on March 3, investigators said on Sunday.\n\nGelibolu Lines said the "
            "ferry would return to service after repairs. All 212 passengers had been taken off the ship by the "
            "coast guard; nine were treated for smoke inhalation."}


def _probabilities(ix: Index, one: str, others: set[str]) -> list[float]:
    """The shipped story pair model's probability between article `one` and each of `others`."""
    by_id = {a.id: a for a in ix.store.iter_articles()}
    wanted = [by_id[one], *(by_id[o] for o in sorted(others))]
    reader = EvidenceReader(ix)
    reader.know(wanted, ix.article_vectors.reconstruct([a.rowid for a in wanted]))
    model = StoryPairModel.default()
    return [model.probability(story_pair_features(reader.evidence(wanted[0].rowid), reader.evidence(a.rowid)))
            for a in wanted[1:]]


def test_a_same_day_report_of_another_event_in_the_same_strait_stays_apart(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ix", create=True) as ix:  # the shipped model
        ingest_paths(ix, [_write(tmp_path / "a.jsonl", [*FERRY, GROUNDING])], OutletDirectory())
        update_stories(ix)
        stories = _stories(ix)
        to_ferry = _probabilities(ix, "cargo-en", FERRY_IDS)
        within = _probabilities(ix, "ferry-en-1", FERRY_IDS - {"ferry-en-1"})
    # the ferry story, in three languages, keeps "Sea Lantern", "Gelibolu Lines" and 212; the
    # grounding has the strait, the coast guard and the tugboats, none of those
    assert sorted(stories, key=len) == [{"cargo-en"}, FERRY_IDS]
    assert max(to_ferry) < StoryPairModel.default().threshold < min(within)


def test_a_report_days_later_that_recalls_the_day_joins_the_story(tmp_path: Path) -> None:
    """Six days on, an inquiry's finding names the ferry, its operator and the day of the fire."""
    with Index.open(tmp_path / "ix", create=True) as ix:
        ingest_paths(ix, [_write(tmp_path / "a.jsonl", FERRY)], OutletDirectory())
        update_stories(ix)
        (ferry_story,) = list_stories(ix)
        ingest_paths(ix, [_write(tmp_path / "b.jsonl", [FOLLOW_UP])], OutletDirectory())
        update_stories(ix)
        stories = {s.id: {a.id for a in s.articles} for s in list_stories(ix)}
    assert stories == {ferry_story.id: FERRY_IDS | {"ferry-en-3"}}


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


def test_a_weekday_or_a_place_identifies_no_event() -> None:
    """"Thursday" is capitalised, so anchors read it as a name; every report of one day may give it,
    as every report from a country names it: neither carries a story past its span."""
    english = languages.get("en")
    assert not is_identifier(name_key("Thursday", english))
    assert not is_identifier("@TR")
    assert is_identifier(name_key("Gelibolu", english))
