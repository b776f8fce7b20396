"""The generic profile: a language without a module gets numbers and names, never another language's rules."""

from __future__ import annotations

import logging

import pytest

from crosscheck import languages
from crosscheck.text.anchors import extract_anchors
from crosscheck.text.claims import analyse, is_claim
from crosscheck.text.attribution import attribution
from crosscheck.text.citations import cited_outlets
from crosscheck.text.numbers import extract_numbers
from crosscheck.languages import fold
from crosscheck.text.sentences import split_sentences

# Ukrainian, written for these tests: USE has no Ukrainian and crosscheck no module for it.
UK = ("Росія та Туреччина обмінюються розвідданими щодо Сирії, заявив сенатор Франц Клінцевич. "
      "За його словами, з 24 серпня лінію зв'язку використали 9 разів, а на кордоні стоять 1,500 військових.")


def _numbers(sentence: str, language: str | None) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, language)]


def test_unknown_language_gets_the_generic_profile_and_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    languages._warned.discard("uk")
    with caplog.at_level(logging.WARNING, logger="crosscheck"):
        first = languages.get("uk")
        again = languages.get("uk-UA")
    assert first is languages.GENERIC and again is languages.GENERIC
    assert first.generic and first.grammar == "none"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'uk'" in warnings[0] and "generic" in warnings[0]


def test_supported_languages_are_their_own_modules() -> None:
    assert set(languages.SUPPORTED) == {"en", "ru", "tr", "de", "fr"}
    for code, rules in languages.SUPPORTED.items():
        assert languages.get(code) is rules and rules.code == code and not rules.generic
    assert languages.get("DE-at") is languages.SUPPORTED["de"]


def test_generic_reads_digits_but_no_words_of_other_languages() -> None:
    sentence = UK.split(". ")[1]
    # "24 серпня" is not known as a date, so 24 counts; "1,500" reads the English way; no Russian or
    # English number words, no Russian space-grouping
    assert _numbers(sentence, "uk") == [(24.0, "24"), (9.0, "9"), (1500.0, "1,500")]
    assert _numbers("Втрати склали 12% і 3 500 осіб за дві тижні.", "uk") == [(12.0, "12%"), (3.0, "3"),
                                                                             (500.0, "500")]
    assert _numbers("Talks lasted two weeks and cost $5 billion.", "xx") == [(5.0, "$5")]


def test_generic_has_no_attribution_and_no_citation_cues() -> None:
    assert attribution(UK.split(". ")[0], "uk") is None
    assert cited_outlets("За даними ТАСС, кораблі пройшли протоку.", ["ТАСС"], "uk") == []
    # a wire dateline is structure, not language: it is still read
    assert cited_outlets("КИЇВ, 12 вересня (Reuters) - Кораблі пройшли.", ["Reuters"], "uk") == ["Reuters"]


def test_generic_claims_keep_numbers() -> None:
    info = analyse(UK.split(". ")[1], "uk")
    assert info is not None and info.attributed_to is None and len(info.numbers) == 3
    assert not is_claim("Що буде далі?", "uk")
    assert not is_claim("https://www.pravda.com.ua/news/2016/09/12/", "uk")


def test_ukrainian_letters_transliterate() -> None:
    assert fold("Київ") == "kiyiv"
    assert fold("Євген Ґонта") == "yevgen gonta"
    keys = extract_anchors("Клінцевич про Туреччину", UK, "uk")
    assert "klncv" in keys and "#24" in keys


def test_generic_sentences_split() -> None:
    spans = split_sentences(UK, "uk")
    assert [s.text[:12] for s in spans] == ["Росія та Тур", "За його слов"]
