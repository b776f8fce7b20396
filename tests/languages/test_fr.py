"""French, end to end: detection, sentences, numbers, dates, attribution, citations, anchors, slugs, outlets.

Every sentence here was written for these tests (see docs/languages.md for the template).
"""

from __future__ import annotations

import pytest

from crosscheck import languages
from crosscheck.text.anchors import extract_anchors
from crosscheck.text.attribution import attribution
from crosscheck.text.citations import cited_outlets
from crosscheck.text.numbers import extract_numbers
from crosscheck.text.claims import is_claim
from crosscheck.ingest.prepare import detect_language
from crosscheck.sources.outlets import OutletDirectory
from crosscheck.text.sentences import split_sentences
from crosscheck.stories.ids import slugify

LANG = "fr"
TITLE = "La Russie et la Turquie échangent des renseignements militaires en Syrie"
TEXT = ("Les armées russe et turque échangent des données depuis le 24 août, a déclaré M. Frants Klintsevitch, "
        "sénateur russe. Selon lui, la ligne directe a été utilisée neuf fois.\n\n"
        "Le 12 sept. 2016, les navires ont franchi le Bosphore. Mme Durand n'a pas commenté.")


def _numbers(sentence: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, LANG)]


def test_module_is_found() -> None:
    assert languages.get(LANG).code == LANG and not languages.get(LANG).generic


def test_detected() -> None:
    assert detect_language(f"{TITLE}\n{TEXT}")[0] == LANG


def test_sentences_keep_titles_with_names() -> None:
    assert [s.text for s in split_sentences(TEXT, LANG)] == [
        "Les armées russe et turque échangent des données depuis le 24 août, a déclaré M. Frants Klintsevitch, "
        "sénateur russe.",
        "Selon lui, la ligne directe a été utilisée neuf fois.",
        "Le 12 sept. 2016, les navires ont franchi le Bosphore.",
        "Mme Durand n'a pas commenté.",
    ]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Le projet coûtera 1,5 milliard d'euros.", [(1.5e9, "1,5 milliard")]),
    ("Chaque ligne transportera 15,75 milliards de mètres cubes par an.", [(15.75e9, "15,75 milliards")]),
    ("Quelque 1 500 soldats et douze chars ont franchi la frontière.", [(1500.0, "1 500"), (12.0, "douze")]),
    ("Les échanges ont reculé de 12 %, soit 8,5 pour cent de moins.", [(12.0, "12 %"), (8.5, "8,5 pour cent")]),
    ("Trente-six observateurs et vingt et un blessés ont été recensés.",
     [(36.0, "Trente-six"), (21.0, "vingt et un")]),
    ("Le budget atteint 2,3 millions d'euros.", [(2.3e6, "2,3 millions")]),
    # dates, times, years, ordinals, names are not quantities
    ("Le cessez-le-feu est entré en vigueur le 24 août à 19h30.", []),
    ("Depuis 2016, la convention de 1936 s'applique toujours.", []),
    ("C'est la 3e tentative, après le 1er accord sur les S-400.", []),
    ("Un accord a été conclu le 15.09.2016 à Genève.", []),
])
def test_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _numbers(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Le sénateur Frants Klintsevitch a déclaré que la Turquie avait rejoint le dispositif.",
     "Le sénateur Frants Klintsevitch"),
    ("« Nous transmettons à la partie turque des données radar », a déclaré M. Klintsevitch.", "M. Klintsevitch"),
    ("La Turquie a discrètement rejoint le dispositif, a affirmé le sénateur.", "le sénateur"),
    ("Selon l'agence TASS, les navires ont franchi le Bosphore lundi.", "l'agence TASS"),
    ("D'après Izvestia, l'accord a été conclu la semaine dernière.", "Izvestia"),
    ("Le porte-parole du Kremlin, Dmitri Peskov, a indiqué que les discussions avaient été utiles.",
     "Dmitri Peskov"),
    ("Il a déclaré que la situation était calme.", None),
    ("Les experts estiment que la coopération pourrait profiter à la Russie.", None),
])
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence, LANG) == expected


OUTLETS = ["TASS", "Izvestia", "AFP", "Reuters", "Le Monde", "Anadolu"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Selon l'agence TASS, les navires ont franchi le Bosphore.", ["TASS"]),
    ("La Russie a commencé à échanger des renseignements, citant le quotidien Izvestia.", ["Izvestia"]),
    ("Selon l'agence de presse russe TASS, l'accord est conclu.", ["TASS"]),
    ("Izvestia rapporte que la Turquie a rejoint le dispositif.", ["Izvestia"]),
    ("MOSCOU, 12 septembre (AFP) - Les navires ont franchi le Bosphore.", ["AFP"]),
    ("TASS est une agence d'État et Le Monde un quotidien.", []),
])
def test_cited_outlets(text: str, expected: list[str]) -> None:
    assert cited_outlets(text, OUTLETS, LANG) == expected


@pytest.mark.parametrize("sentence", [
    "Par Marie Dupont", "Photo : AFP", "Lire aussi : la Russie et la Turquie", "Tous droits réservés.",
    "Nous utilisons des cookies pour améliorer votre expérience.", "Combien de temps durera la trêve ?",
])
def test_not_claims(sentence: str) -> None:
    assert not is_claim(sentence, LANG)


def test_claim() -> None:
    assert is_claim("Par ailleurs, la trêve est respectée à Alep depuis lundi.", LANG)


def test_anchors_and_slug() -> None:
    keys = extract_anchors(TITLE, TEXT, LANG)
    assert {"klncv", "#24", "@RU", "@TR", "@SY", "@bosphorus"} <= set(keys)
    assert slugify(TITLE, language=LANG) == "russie-turquie-echangent"


def test_outlets_have_domains_and_camps() -> None:
    directory = OutletDirectory()
    for name, domain in [("Le Monde", "lemonde.fr"), ("Le Figaro", "lefigaro.fr"), ("France 24", "france24.com"),
                         ("Libération", "liberation.fr")]:
        outlet = directory.lookup(name)
        assert outlet is not None and outlet.camp == "west" and domain in outlet.domains
        assert directory.lookup(None, f"https://www.{domain}/international/article.html") is outlet
    afp = directory.lookup("AFP")
    assert afp is not None and directory.lookup("AFP français") is afp and directory.lookup("Liberation") is not afp
