"""Who is quoted, by whom (compare/speakers.py, present/speakers.py, `crosscheck speakers`, the
server's /speakers and /api/speakers): one speaker across scripts, per camp the outlets that
quote them and the claims, on quake10 and the samples with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from typer.testing import CliRunner

from crosscheck import Index
from crosscheck.cli import app as cli_app
from crosscheck.compare.results import Comparison
from crosscheck.compare.speakers import speaker_key, speakers_json, story_speakers
from crosscheck.present.report import render_story
from crosscheck.stories.catalog import list_stories
from crosscheck.stories.clustering import update_stories
from crosscheck.text.anchors import name_key
from crosscheck.text.attribution import attribution
from crosscheck.web.server import create_app

from ..views_data import quake_comparison, quake_index_path  # noqa: F401 (fixtures)
from ..web.test_serve import running

runner = CliRunner()


def test_one_key_across_scripts_and_suffixes() -> None:
    written_as_a_name = frozenset({"lvrv"})  # "сказал Лавров" elsewhere in the story: "Лавров" is also "laurels"
    assert speaker_key("Лавров", "ru", written_as_a_name) == speaker_key("Lavrov", "en") \
        == speaker_key("Lavrov'un", "tr") == speaker_key("Сергей Лавров", "ru") is not None
    assert speaker_key("Лавров", "ru") is None
    assert speaker_key("по словам Ладыгина", "ru") == speaker_key("Viktor Ladıgin", "tr") == speaker_key("Ladygin", "en")
    assert speaker_key("CENTCOM", "en") == speaker_key("Centcom", "en")
    assert speaker_key("A NATO official", "en") == speaker_key("Nato", "en") == "nato"
    # nobody named: a sentence opener, a lowercase phrase, a place adjective with sources
    assert speaker_key("Kaynaklar", "tr") is None and speaker_key("the ministry", "en") is None
    assert speaker_key("Two Turkish security sources", "en") is None
    # institutions keep all their words: two ministries are two speakers
    assert speaker_key("Azerbaijan's Defense Ministry", "en") != speaker_key("Armenia's Defense Ministry", "en")


def test_quake_speakers_are_one_across_scripts_with_their_camps(quake_comparison: Comparison) -> None:
    speakers = {s.key: s for s in story_speakers(quake_comparison)}
    ladygin, sezgin, aksoy = speakers["ldgn"], speakers["szgn"], speakers["aks"]
    assert set(ladygin.camps) == {"ru", "tr"} and {"q03", "q06", "q07", "q10"} <= {q.article_id for q in ladygin.quotes}
    assert {"Виктор Ладыгин", "Viktor Ladıgin"} <= set(ladygin.spellings)
    assert set(sezgin.camps) == {"tr", "west"} and ladygin.camps["ru"]["outlets"] == ["RIA Novosti", "TASS"]
    assert set(aksoy.camps) == {"tr", "west"} and "Deutsche Welle" in aksoy.camps["west"]["outlets"]
    assert all(q.claim_id.startswith("c") and q.text for s in speakers.values() for q in s.quotes)
    assert set(speakers["afd"].camps) == {"ru", "tr", "west"}  # AFAD, an institution by its acronym
    assert not {"ria nvst", "tass"} & set(speakers)  # outlets cited are sources, not speakers


def test_klintsevich_is_one_speaker_in_the_samples(sample_index_path: Path) -> None:
    with Index.open(sample_index_path) as ix:
        update_stories(ix)  # as the other sample tests do: stories form once, the same every time
        seed = next(s for s in list_stories(ix) if len(s.articles) >= 8)
    result = runner.invoke(cli_app, ["speakers", "--index", str(sample_index_path), "--json"])
    assert result.exit_code == 0, result.output
    found = {s["key"]: s for s in json.loads(result.stdout)}
    klintsevich = found["klncv"]
    assert klintsevich["name"] == "Franz Klintsevich"
    spellings = klintsevich["spellings"]
    assert any("Клинцевич" in n for n in spellings) and any("Klintsevich" in n for n in spellings), spellings
    assert set(klintsevich["camps"]) >= {"ru", "tr"} and seed.id in klintsevich["stories"]


def test_speakers_cli_options_and_the_story_page_section(quake_index_path: Path,
                                                         quake_comparison: Comparison) -> None:
    bad = runner.invoke(cli_app, ["speakers", "--story", "x", "--since", "2026-03-01", "--index", str(quake_index_path)])
    assert bad.exit_code == 2 and "give one of them" in bad.output
    missing = runner.invoke(cli_app, ["speakers", "--story", "no-such-story", "--index", str(quake_index_path)])
    assert missing.exit_code == 1 and "no-such-story" in missing.output
    table = runner.invoke(cli_app, ["speakers", "--index", str(quake_index_path)])
    assert table.exit_code == 0 and "Ladygin" in table.output or "Ладыгин" in table.output
    html = render_story(quake_comparison, {}, None)
    assert 'id="speakers"' in html and 'data-key="ldgn"' in html and "Viktor Ladıgin" in html


def test_serve_speakers_page_and_api(quake_index_path: Path) -> None:
    with Index.open(quake_index_path, readonly=True) as ix:
        stories = list_stories(ix)
    cli = runner.invoke(cli_app, ["speakers", "--index", str(quake_index_path), "--json"])
    with running(create_app(quake_index_path)) as base:
        api = httpx.get(f"{base}/api/speakers", timeout=120)
        page = httpx.get(f"{base}/speakers", timeout=120)
        bad = httpx.get(f"{base}/api/speakers?since=yesterday", timeout=60)
        figures = httpx.get(f"{base}/api/stories/{stories[0].id}/figures", timeout=120)
    assert api.status_code == 200 and api.json() == json.loads(cli.stdout)
    assert page.status_code == 200 and 'data-key="ldgn"' in page.text
    csp = page.text.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert "unsafe-inline" not in csp and "script-src &#39;none&#39;" in csp
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    assert figures.status_code == 200 and figures.json()["story"]["id"] == stories[0].id


def test_speakers_json_shape(quake_comparison: Comparison) -> None:
    data = speakers_json(story_speakers(quake_comparison))
    first = data[0]
    assert set(first) == {"key", "name", "spellings", "outlets", "stories", "camps"}
    claim = next(iter(first["camps"].values()))["claims"][0]
    assert set(claim) == {"story", "claim_id", "status", "article_id", "outlet", "camp", "published", "language",
                          "as_named", "name", "text"}


def test_a_speaker_is_neither_the_first_word_of_a_ministry_nor_the_place_of_a_post() -> None:
    """"сообщили в Министерстве транспорта России" names the ministry (no one by name), not a speaker
    "Министерстве"; "nach Angaben des Gouverneurs von Samsun, Orhan Tavlı" names Orhan Tavlı, not
    Samsun. Invented sentences of a ship sinking."""
    ru = attribution("Двенадцать моряков спасены, сообщили в Министерстве транспорта России.", "ru")
    written_as_a_name = frozenset({name_key("Министерстве")})  # capitalised mid-sentence in the story
    assert ru is not None and speaker_key(ru, "ru", written_as_a_name) is None
    de = attribution("Nach Angaben des Gouverneurs von Samsun, Orhan Tavlı, wurden zwölf Seeleute gerettet.", "de")
    assert de is not None and speaker_key(de, "de") == speaker_key("Orhan Tavlı", "tr") != speaker_key("Samsun", "de")
    en = attribution("Twelve sailors were rescued, said the governor of Samsun, Orhan Tavlı.", "en")
    assert en is not None and speaker_key(en, "en") == speaker_key("Orhan Tavlı", "tr")


def test_a_surname_alone_is_the_person_the_story_names_not_a_city(tmp_path: Path) -> None:
    """"Самарин" alone keys as the city of Samara; in a story that names Олег Самарин it is him.
    Invented articles; the hash-test model, since no similarity is asked for."""
    from crosscheck.records import ArticleRecord

    from . import compare_records

    ru = ("Генеральный директор компании Олег Самарин сообщил, что блок запустят в мае. "
          "Второй блок планируется запустить через год, добавил Самарин.")
    tr = "Enerji AŞ Genel Müdürü Oleg Samarin, ünitenin mayıs ayında devreye gireceğini söyledi."
    comparison = compare_records(tmp_path / "ix", [
        ArticleRecord(text=ru, title="Запуск блока", outlet="TASS", language="ru", id="ru1"),
        ArticleRecord(text=tr, title="Ünite mayısta", outlet="AA", language="tr", id="tr1")])
    speakers = {s.key: s for s in story_speakers(comparison)}
    assert speaker_key("Самарин", "ru") != speaker_key("Олег Самарин", "ru")  # alone, it reads as the city
    samarin = speakers[speaker_key("Олег Самарин", "ru")]
    assert len(samarin.quotes) == 3 and {"Самарин", "Олег Самарин", "Oleg Samarin"} == set(samarin.spellings)
    assert not any(key.startswith("@") for key in speakers)
