"""Anchors (names and numbers that survive translation), and the time window: the evidence stories form on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from crosscheck import Index, OutletDirectory
from crosscheck.text.anchors import anchor_weights, extract_anchors, sparse_dot
from crosscheck.languages import fold
from crosscheck.records import Story
from crosscheck.stories.pairs import STORY_FEATURES, StoryPairModel
from crosscheck.stories.params import StoryParams
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.ingest.writer import ingest_paths


def test_names_and_numbers_fold_to_the_same_keys_across_languages() -> None:
    en = extract_anchors("Russia's Izvestia", "The senator Franz Klintsevich said TASS reported it on 24 August.")
    ru = extract_anchors("Известия: Турция", "Об этом заявил сенатор Франц Клинцевич, сообщают ТАСС и «Известия» 24 августа.")
    tr = extract_anchors("Rus basını", "Senatör Frants Klintseviç'in sözlerini TASS'ın haberi 24 Ağustos'ta İzvestiya'ya dayandırdı.")
    for keys in (en, ru, tr):
        assert {"klncv", "tass", "#24"} <= set(keys), keys
    assert {"izvst"} <= set(ru) & set(tr)
    # the capitalised first word of a sentence or title is no name
    assert "the" not in en and "russi" not in en and "ob" not in ru
    assert "agsts" in tr  # Turkish capitalises months: a key that rarity weighting keeps cheap
    assert extract_anchors("", "Убиты 1 200 человек, 3,5 млн эвакуированы.") == ["#1200", "#3,5"]


def test_fold_transliterates_and_drops_accents() -> None:
    assert fold("Эрдоган") == fold("Erdoğan") == "erdogan"
    assert fold("İSTANBUL") == "istanbul" and fold("Cerablus'un") == "cerablus'un"


def test_anchor_weights_favour_rare_keys_and_are_unit_length() -> None:
    counts = {"russi": 90, "hangz": 2, "#15": 5}
    w = anchor_weights(["russi", "hangz", "#15"], counts, articles=100)
    assert w["hangz"] > w["#15"] > w["russi"] > 0
    assert abs(sparse_dot(w, w) - 1) < 1e-9
    assert anchor_weights(["everywhere"], {"everywhere": 200}, articles=100) == {}


def _article(id_: str, title: str, text: str) -> dict[str, str]:
    return {"id": id_, "outlet": "Example", "url": f"https://example.org/{id_}",
            "published": "2016-09-12T10:00:00+00:00", "title": title, "text": text}


def _model(**weights: float) -> StoryPairModel:
    """A story pair model that reads only the named features: two articles are one event when
    the weighted sum of those features is over 0.3."""
    return StoryPairModel(np.array([weights.get(f, 0.0) for f in STORY_FEATURES]), -3.0, 0.5)


def test_shared_rare_names_and_numbers_join_articles_the_embedding_cannot(tmp_path: Path) -> None:
    """hash-test knows no meaning across languages: only anchors can bring these together."""
    rows = [
        _article("a-en", "Quake near Karaburun", "A magnitude 4.9 quake struck off Karaburun, AFAD said."),
        _article("a-tr", "Karaburun'da deprem", "AFAD, Karaburun açıklarında 4.9 büyüklüğünde deprem dedi."),
        _article("b-en", "Budget vote in Oslo", "Lawmakers in Oslo passed the 2017 budget, Storting officials said."),
        _article("c-en", "Harvest report", "Farmers near Lyon reported a record harvest, Agreste said."),
    ]
    data = tmp_path / "a.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [data], OutletDirectory())
        update_stories(ix, rebuild=True, model=_model(cosine=10.0))
        apart = {a.id: s.id for s in list_stories(ix) for a in s.articles}
        update_stories(ix, rebuild=True, model=_model(cosine=10.0, anchors=10.0))
        together = {a.id: s.id for s in list_stories(ix) for a in s.articles}
        # anchors are recorded once per article and counted per key
        assert ix.store.anchored_articles() == 4
        assert ix.store.anchor_counts(["krbrn", "@oslo", "#4.9"]) == {"krbrn": 2, "@oslo": 1, "#4.9": 2}
    assert apart["a-en"] != apart["a-tr"]
    assert together["a-en"] == together["a-tr"]
    assert len({together["b-en"], together["c-en"], together["a-en"]}) == 3


def test_an_index_without_recorded_anchors_gets_them_when_it_is_upgraded(tmp_path: Path) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps(_article("x", "Oslo budget", "Lawmakers in Oslo passed the budget.")) + "\n",
                    encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [data], OutletDirectory())
        # as in an index from before anchors: no anchors, the backfill not applied
        ix.store.db.execute("DELETE FROM article_anchors")
        ix.store.db.execute("DELETE FROM anchor_counts")
        ix.store.db.execute("DELETE FROM migrations WHERE name = '0008_anchors_of_every_article'")
        ix.store.commit()
    with Index.open(tmp_path / "ix", model="hash-test") as ix:  # a writer applies the upgrade
        assert ix.store.anchored_articles() == 1
        assert ix.store.anchor_counts(["@oslo"]) == {"@oslo": 1}
        update_stories(ix, rebuild=True)
        assert len(list_stories(ix)) == 1


def test_candidates_come_from_the_time_window_even_when_a_topic_recurs(tmp_path: Path) -> None:
    """40 earlier reports of the same text, weeks apart, must not crowd out the report of the
    same day: each article's nearest neighbours are searched among its window only."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    text = "Parliament passed the annual budget after a long night session."
    rows = [dict(_article(f"old-{i:02d}", "Budget passed", text), published=(start + timedelta(days=10 * i)).isoformat())
            for i in range(40)]
    rows += [dict(_article(f"now-{i}", "Budget passed", text), published=(start + timedelta(days=500, hours=i)).isoformat())
             for i in range(2)]
    data = tmp_path / "a.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [data], OutletDirectory())
        update_stories(ix, StoryParams(neighbours=5))
        story = {a.id: s.id for s in list_stories(ix) for a in s.articles}
    assert story["now-0"] == story["now-1"]
    assert len({story[f"old-{i:02d}"] for i in range(40)}) == 40


def _stories_of(tmp_path: Path, rows: list[dict[str, str]]) -> list[Story]:
    """The stories hash-test forms of `rows`, with the default parameters."""
    data = tmp_path / "a.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Index.open(tmp_path / "ix", model="hash-test", create=True) as ix:
        ingest_paths(ix, [data], OutletDirectory())
        update_stories(ix)
        return list_stories(ix)


def test_a_topic_reported_every_other_day_for_weeks_is_several_stories(tmp_path: Path) -> None:
    """Each report is within the window of the next, yet no story runs longer than max_span_days."""
    from datetime import datetime, timedelta, timezone

    longest = timedelta(days=StoryParams().max_span_days)
    start = datetime(2024, 3, 1, tzinfo=timezone.utc)
    text = "Talks on the grain corridor resumed in Istanbul with the same delegations."
    rows = [dict(_article(f"day-{2 * i:02d}", "Grain talks", text), published=(start + timedelta(days=2 * i)).isoformat())
            for i in range(15)]
    found = _stories_of(tmp_path, rows)
    assert len(found) >= 2  # 28 days in stories of at most max_span_days
    for story in found:
        days = [datetime.fromisoformat(a.published or "") for a in story.articles]
        assert max(days) - min(days) <= longest


def test_an_event_covered_for_weeks_stays_one_story_while_its_reports_name_it(tmp_path: Path) -> None:
    """Past max_span_days a story goes on only through a name of its own (held by few other
    articles of the same days), up to event_span_days; a recurring topic whose names other
    articles of the same days hold is cut at max_span_days as before."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2024, 3, 1, tzinfo=timezone.utc)

    def at(day: float) -> str:
        return (start + timedelta(days=day)).isoformat()

    rows = [dict(_article(f"quake-{2 * i:02d}", "Elbistan earthquake",
                          "Rescue teams in Elbistan searched collapsed buildings for survivors, AFAD said."),
                 published=at(2 * i)) for i in range(11)]  # 20 days
    rows += [dict(_article(f"long-{2 * i:02d}", "Karaburun landslide",
                           "Crews in Karaburun cleared the landslide from the coastal road, officials said."),
                  published=at(100 + 2 * i)) for i in range(21)]  # 40 days: past event_span_days
    rows += [dict(_article(f"visit-{2 * i:02d}", "Erdogan visit",
                           "Erdogan met the delegation in Ankara to discuss trade."), published=at(200 + 2 * i))
             for i in range(11)]
    # Erdogan is in the news every day: in the same weeks, more articles than the visits hold his name
    topics = ["pensions", "football", "inflation", "schools", "floods", "elections"]
    rows += [dict(_article(f"other-{i:02d}", f"{topics[i % 6].title()} {i}",
                           f"Lawmakers argued about {topics[i % 6]} for hours; Erdogan weighed in, item {i}."),
                  published=at(199 + 0.75 * i)) for i in range(30)]
    found = _stories_of(tmp_path, rows)
    story = {a.id: s.id for s in found for a in s.articles}
    days = {s.id: [datetime.fromisoformat(a.published or "") for a in s.articles] for s in found}

    def span(prefix: str) -> list[timedelta]:
        ids = {story[r["id"]] for r in rows if r["id"].startswith(prefix)}
        return [max(days[i]) - min(days[i]) for i in ids]

    assert span("quake-") == [timedelta(days=20)]  # one story of 20 days
    params = StoryParams()
    assert len(span("long-")) >= 2
    assert timedelta(days=params.max_span_days) < max(span("long-")) <= timedelta(days=params.event_span_days)
    assert len(span("visit-")) >= 2 and max(span("visit-")) <= timedelta(days=params.max_span_days)


def test_places_share_one_key_in_every_language() -> None:
    """Country names from CLDR, adjectives and straits from the language modules."""
    texts = {
        "ru": "Об этом сообщили Турция и Россия: турецкие военные в Анкаре, корабли в Босфоре, Сирия.",
        "tr": "Bunu Türkiye ve Rusya açıkladı: Türk askerleri Ankara'da, gemiler İstanbul Boğazı'nda, Suriye.",
        "en": "This was said by Turkey and Russia: Turkish troops in Ankara, ships in the Bosphorus, Syria.",
        "de": "Das teilten die Türkei und Russland mit: türkische Soldaten in Ankara, Schiffe im Bosporus, Syrien.",
        "fr": "C'est ce qu'ont annoncé la Turquie et la Russie : soldats turcs à Ankara, navires dans le Bosphore, Syrie.",
    }
    for language, text in texts.items():
        keys = set(extract_anchors("", text, language))
        assert {"@TR", "@RU", "@SY", "@ankara", "@bosphorus"} <= keys, (language, keys)
    # a lowercase word is a place only through the language's own words, never a CLDR name
    assert "@RE" not in extract_anchors("", "The reunion took place near the border, Klintsevich said.", "en")
    assert "@RU" not in extract_anchors("", "The writer Bertrand Russell said so.", "en")
