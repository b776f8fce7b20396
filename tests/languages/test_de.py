"""German, end to end: detection, sentences, numbers, dates, attribution, citations, anchors, slugs, outlets.

Every sentence here was written for these tests. A new language's test file follows this one
(see docs/languages.md).
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

LANG = "de"
TITLE = "Russland und die Türkei tauschen Geheimdienstinformationen über Syrien aus"
TEXT = ("Die russischen und türkischen Streitkräfte tauschen seit dem 24. August Aufklärungsdaten aus, sagte der "
        "Senator Franz Klinzewitsch am Montag. Die Verbindungsleitung sei bisher neunmal genutzt worden.\n\n"
        "Die Gespräche begannen am 22. April in Genf. Am 24. Aug. 2016 folgte eine zweite Runde.")


def _numbers(sentence: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, LANG)]


def test_module_is_found() -> None:
    assert languages.get(LANG).code == LANG and not languages.get(LANG).generic


def test_detected() -> None:
    assert detect_language(f"{TITLE}\n{TEXT}")[0] == LANG


def test_sentences_keep_ordinal_dates_together() -> None:
    assert [s.text for s in split_sentences(TEXT, LANG)] == [
        "Die russischen und türkischen Streitkräfte tauschen seit dem 24. August Aufklärungsdaten aus, sagte der "
        "Senator Franz Klinzewitsch am Montag.",
        "Die Verbindungsleitung sei bisher neunmal genutzt worden.",
        "Die Gespräche begannen am 22. April in Genf.",
        "Am 24. Aug. 2016 folgte eine zweite Runde.",
    ]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Der Umsatz sank um 12,5 Mio. Euro.", [(12.5e6, "12,5 Mio.")]),
    ("Die Pipeline soll 15,75 Milliarden Kubikmeter Gas im Jahr liefern.", [(15.75e9, "15,75 Milliarden")]),
    ("An die Grenze wurden 1.500 Soldaten und zwölf Panzer verlegt.", [(1500.0, "1.500"), (12.0, "zwölf")]),
    ("Der Handel brach um 12 Prozent ein, die Zahl der Flüge um 8,5 %.", [(12.0, "12 Prozent"), (8.5, "8,5 %")]),
    ("Es kamen sechsunddreißig Beobachter und 3 500 Helfer.", [(36.0, "sechsunddreißig"), (3500.0, "3 500")]),
    ("Die Kosten lagen bei 1,5 Mrd. Dollar.", [(1.5e9, "1,5 Mrd.")]),
    # dates, times, years, ordinals, names are not quantities
    ("Die Waffenruhe trat am 24. August um 19.00 Uhr Ortszeit in Kraft.", []),
    ("Die Gespräche begannen um 19 Uhr in Genf.", []),
    ("Seit 2016 gilt der Vertrag von 1936 weiter.", []),
    ("Die 3. Armee verlegte S-400-Raketen und Su-24-Bomber.", []),
    ("Am 15.09.2016 wurde eine Einigung erzielt.", []),
])
def test_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _numbers(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Die Türkei ist dem Pool beigetreten, sagte der Senator Franz Klinzewitsch.", "der Senator Franz Klinzewitsch"),
    ("Franz Klinzewitsch sagte, die Türkei sei dem Pool beigetreten.", "Franz Klinzewitsch"),
    ("„Wir geben der türkischen Seite Radardaten, die für sie von Interesse sind“, sagte der Senator.",
     "der Senator"),
    ("Das teilte das Verteidigungsministerium in Moskau am Montag mit.", "das Verteidigungsministerium"),
    ("Am Montag sagte Regierungssprecher Steffen Seibert, die Gespräche seien nützlich gewesen.",
     "Regierungssprecher Steffen Seibert"),
    ("Laut Iswestija wurde die Einigung in der vergangenen Woche erzielt.", "Iswestija"),
    ("Nach Angaben der Nachrichtenagentur TASS passierten die Schiffe den Bosporus.",
     "der Nachrichtenagentur TASS"),
    ("Dem Ministerium zufolge wurden 15 Dörfer eingenommen.", "Dem Ministerium"),
    ("Er sagte, die Lage sei ruhig.", None),
    ("Bundeskanzlerin Anna Berger (SPD) sagte, die Lage sei ernst.", "Bundeskanzlerin Anna Berger"),  # not her party
    ("Experten glauben, dass die Zusammenarbeit Russland nützen könnte.", None),
    # the governor's name after his post and its place, set off by commas
    ("Nach Angaben des Gouverneurs von Samsun, Orhan Tavlı, wurden zwölf Seeleute gerettet.",
     "des Gouverneurs von Samsun, Orhan Tavlı"),
    ("Nach Angaben der Polizei, Feuerwehr und Rettungsdienst waren 40 Helfer im Einsatz.", "der Polizei"),
])
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence, LANG) == expected


OUTLETS = ["TASS", "Iswestija", "Izvestia", "AFP", "Reuters", "Anadolu Ajansı", "Der Spiegel", "Spiegel"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Russland hat unter Berufung auf die Nachrichtenagentur TASS den Austausch bestätigt.", ["TASS"]),
    ("Das berichtete die Nachrichtenagentur TASS am Montag.", ["TASS"]),
    ("Wie Iswestija berichtete, ist die Türkei beigetreten.", ["Iswestija"]),
    ("Der Zeitung Iswestija zufolge ist die Türkei beigetreten.", ["Iswestija"]),
    ("Das sagte ein Sprecher dem Spiegel.", []),
    ("MOSKAU, 12. September (Reuters) - Die Schiffe passierten den Bosporus.", ["Reuters"]),
    ("TASS ist eine staatliche Agentur, Reuters hat ein Büro in Moskau.", []),
])
def test_cited_outlets(text: str, expected: list[str]) -> None:
    assert cited_outlets(text, OUTLETS, LANG) == expected


@pytest.mark.parametrize("sentence", [
    "Von Anna Müller", "Foto: dpa", "Lesen Sie auch: Russland und die Türkei", "Alle Rechte vorbehalten.",
    "Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten.", "Wie lange hält die Waffenruhe?",
])
def test_not_claims(sentence: str) -> None:
    assert not is_claim(sentence, LANG)


def test_claim() -> None:
    assert is_claim("Von Montag an gilt in Aleppo eine Waffenruhe.", LANG)


def test_anchors_and_slug() -> None:
    keys = extract_anchors(TITLE, TEXT, LANG)
    assert "klnzv" in keys and "#24" in keys and "senat" not in keys
    assert slugify(TITLE, language=LANG) == "russland-turkei-tauschen"


def test_outlets_have_domains_and_camps() -> None:
    directory = OutletDirectory()
    for name, domain in [("Deutsche Welle", "dw.com"), ("Der Spiegel", "spiegel.de"), ("FAZ", "faz.net"),
                         ("Süddeutsche Zeitung", "sueddeutsche.de"), ("Die Zeit", "zeit.de")]:
        outlet = directory.lookup(name)
        assert outlet is not None and outlet.camp == "west" and domain in outlet.domains
        assert directory.lookup(None, f"https://www.{domain}/politik/artikel.html") is outlet
    assert directory.lookup("Sueddeutsche Zeitung") is directory.lookup("Süddeutsche Zeitung")
