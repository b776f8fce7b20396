"""English, end to end: detection, sentences, numbers, dates, attribution, citations, anchors, slugs, outlets.

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

LANG = "en"
TITLE = "Russia and Turkey agree on grain shipments through the Bosphorus"
TEXT = ("The first grain shipment will leave Novorossiysk on Sept. 15, Deputy Agriculture Minister Igor Lebedev "
        "said on Monday. He said the ships would pass the Bosphorus in two days.\n\n"
        "Talks began on Oct. 3 in Ankara. Mr. Lebedev declined to comment.")


def _numbers(sentence: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, LANG)]


def test_module_is_found() -> None:
    assert languages.get(LANG).code == LANG and not languages.get(LANG).generic


def test_detected() -> None:
    assert detect_language(f"{TITLE}\n{TEXT}")[0] == LANG


def test_sentences_keep_abbreviated_dates_and_titles_together() -> None:
    assert [s.text for s in split_sentences(TEXT, LANG)] == [
        "The first grain shipment will leave Novorossiysk on Sept. 15, Deputy Agriculture Minister Igor Lebedev "
        "said on Monday.",
        "He said the ships would pass the Bosphorus in two days.",
        "Talks began on Oct. 3 in Ankara.",
        "Mr. Lebedev declined to comment.",
    ]


def test_sentences_keep_ranks_initialisms_and_units_together() -> None:
    text = ("Gen. Valery Gerasimov met U.S. and Turkish commanders on Jan. 5. The U.S. Navy sent two destroyers. "
            "Sen. John McCain said the deal was worth $1.5 bn. Exports rose 12% vs. last year.")
    assert [s.text for s in split_sentences(text, LANG)] == [
        "Gen. Valery Gerasimov met U.S. and Turkish commanders on Jan. 5.",
        "The U.S. Navy sent two destroyers.",
        "Sen. John McCain said the deal was worth $1.5 bn.",
        "Exports rose 12% vs. last year.",
    ]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Wheat exports rose by 7.5 million tonnes to $12.3 billion.", [(7.5e6, "7.5 million"), (12.3e9, "$12.3 billion")]),
    ("Some 2,500 troops and eight helicopters were moved to the border.", [(2500.0, "2,500"), (8.0, "eight")]),
    ("Gas prices fell 15 percent, oil slipped 3.2% and inflation eased to 5.4 per cent.",
     [(15.0, "15 percent"), (3.2, "3.2%"), (5.4, "5.4 per cent")]),
    ("The deal is valued at 3 bn euros, and the company will pay out £1.2bn in dividends.",
     [(3e9, "3 bn"), (1.2e9, "£1.2bn")]),
    ("The port handled 1,200,000 tonnes of grain this year, and exports reached 3.5 mln tonnes.",
     [(1.2e6, "1,200,000"), (3.5e6, "3.5 mln")]),
    ("Fifteen warships and twenty aircraft took part in the drills.", [(15.0, "Fifteen"), (20.0, "twenty")]),
    ("Two hundred soldiers and observers from a dozen countries arrived in Sochi.",
     [(200.0, "Two hundred"), (12.0, "a dozen")]),
    # dates, times, years, ordinals, names are not quantities
    ("Talks will start on October 21 at 10:00 Moscow time.", []),
    ("The ceasefire began at 7 a.m. on Sept. 12 and the convoy left at 3:30 p.m.", []),
    ("The agreement was signed in 2014 and extended until 2020; the 1936 convention has been in force since 1991.",
     []),
    ("The 2nd Army received S-400 systems and Su-24 bombers in its 5th deployment.", []),
    ("A second round was held on 03/10/2016 in Ankara.", []),
])
def test_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _numbers(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    (("The first grain shipment will leave Novorossiysk on Sept. 15, Deputy Agriculture Minister Igor Lebedev "
      "said on Monday."), "Deputy Agriculture Minister Igor Lebedev"),
    ("\"The ships will pass the Bosphorus in two days,\" Lebedev told reporters.", "Lebedev"),
    ("“We expect the arrangement to be extended,” a Russian Foreign Ministry spokeswoman said.",
     "a Russian Foreign Ministry spokeswoman"),
    ("According to Kremlin spokesman Dmitry Peskov, the talks were constructive.", "Kremlin spokesman Dmitry Peskov"),
    ("Ankara and Moscow have agreed on the text, Interfax reported, citing a government source.", "Interfax"),
    ("Turkish Foreign Minister Mevlut Cavusoglu told state broadcaster TRT that the visit was being prepared.",
     "Turkish Foreign Minister Mevlut Cavusoglu"),
    ("Speaking to reporters in Ankara, Cavusoglu said the two sides were close to a deal.", "Cavusoglu"),
    ("The deal could be closed by the end of the year, the newspaper wrote.", "the newspaper"),
    ("He stressed that deliveries would not be interrupted.", None),
    ("Analysts believe grain prices will keep rising.", None),
    # the short name an article gives in brackets is the name other articles use
    ("The Joint Coordination Centre (JCC) later said two more ships had left port.", "JCC"),
    # an appositive between the speaker and the verb
    ("Senator Olga Petrova, a member of the upper house's foreign affairs committee, told Interfax that talks "
     "would resume.", "Senator Olga Petrova"),
    ("The Defence Ministry (MSB) rejected claims that a drone had been seen near the port, AA reported.", "MSB"),
    # not: a passive names nobody, and a party in brackets after a person is not who speaks
    ("Losses were estimated at 2 billion euros, the ministry said.", "the ministry"),
    ("Senator Bob Miller (R) said the deal was bad.", "Senator Bob Miller"),
    ("The Energy Ministry (EM) dismissed claims of a fuel shortage.", "EM"),
    ("President Arslan dismissed the central bank governor on Friday.", None),
])
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence, LANG) == expected


OUTLETS = ["TASS", "RIA Novosti", "Interfax", "Reuters", "Anadolu", "TRT", "Kommersant", "BBC", "The New York Times",
           "Hurriyet", "Sputnik"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Turkish Foreign Minister Mevlut Cavusoglu told state broadcaster TRT that the visit was being prepared.",
     ["TRT"]),
    ("According to Russia's Kommersant daily, the deal may be closed by December.", ["Kommersant"]),
    ("The deal was delayed, The New York Times reported on Tuesday.", ["The New York Times"]),
    ("Hurriyet newspaper said the shipment had been postponed. The ships left port, state-run Anadolu agency said.",
     ["Hurriyet", "Anadolu"]),
    ("In an interview with the BBC, Lebedev said the deal was on track.", ["BBC"]),
    ("ANKARA, Oct 3 (Reuters) - Grain ships sailed through the Bosphorus.", ["Reuters"]),
    ("Sputnik and RIA Novosti are owned by the same state group.", []),
    ("Grain ships sailed through the Bosphorus.\n\nPhoto: Reuters", []),
])
def test_cited_outlets(text: str, expected: list[str]) -> None:
    assert cited_outlets(text, OUTLETS, LANG) == expected


@pytest.mark.parametrize("sentence", [
    "By Sarah Miller and Tom Baker", "Additional reporting by Polina Ivanova; Editing by Peter Graff",
    "See also: Russia and Turkey sign grain deal", "Copyright 2016 The Associated Press. All rights reserved.",
    "This website uses cookies to improve your experience.", "When will the grain shipments resume?",
])
def test_not_claims(sentence: str) -> None:
    assert not is_claim(sentence, LANG)


def test_claim() -> None:
    assert is_claim("By Friday, the ships had cleared the strait.", LANG)


def test_anchors_and_slug() -> None:
    keys = extract_anchors(TITLE, TEXT, LANG)
    assert {"lbdv", "igr", "nvrsk", "#15", "#3", "@RU", "@TR", "@bosphorus", "@ankara"} <= set(keys)
    assert "talks" not in keys  # a capitalised word opening a sentence is no name
    assert slugify(TITLE, language=LANG) == "russia-turkey-agree"
    assert slugify("Erdogan, Putin meet in Sochi", language=LANG) == "erdogan-putin-meet"


def test_places_and_names_fold_to_keys_shared_with_every_language() -> None:
    # test_ru.py and test_tr.py get exactly these keys from the same sentences in Russian and Turkish
    text = ("Talks between Russia and Turkey were held in Istanbul. Russian troops returned from Ankara, and the "
            "ships passed through the Bosphorus and the Dardanelles.")
    assert extract_anchors("", text, LANG) == ["@RU", "@TR", "@ankara", "@bosphorus", "@dardanelles", "@istanbul"]
    text = ("American and British diplomats arrived in Geneva. President Erdogan discussed Crimea and ties with the "
            "USA with Putin.")
    assert extract_anchors("", text, LANG) == ["@GB", "@US", "@crimea", "@geneva", "erdgn", "ptn"]
    # CLDR's English name for Turkey
    assert "@TR" in extract_anchors("", "Officials from Türkiye met in Syria.", LANG)


def test_outlets_have_domains_and_camps() -> None:
    directory = OutletDirectory()
    for name, domain in [("Reuters", "reuters.com"), ("AP", "apnews.com"), ("BBC News", "bbc.co.uk"),
                         ("The Guardian", "theguardian.com"), ("The New York Times", "nytimes.com")]:
        outlet = directory.lookup(name)
        assert outlet is not None and outlet.camp == "west" and domain in outlet.domains
        assert directory.lookup(None, f"https://www.{domain}/world/europe/article-123") is outlet
    assert directory.lookup("The Associated Press") is directory.lookup("AP")
    assert directory.lookup("NYT") is directory.lookup("New York Times")
    assert directory.lookup("Thomson Reuters") is directory.lookup("Reuters")
    assert directory.lookup(None, "https://notreuters.com/world") is None
    assert directory.lookup(None, "https://www.reuters.com.example.org/world") is None
