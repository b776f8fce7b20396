"""What a number counts, read from the words it stands with, in every language: the phrasings
in tests/languages/phrasings/*.json (about 55 a language) were written for these tests by
someone who had not read the code: gerunds and participles, the passive, numbers in words,
"at least" and "more than", two numbers of different kinds in one sentence, the death toll
told before its number. Each item lists every quantity with its value and kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscheck.text.evidence import quantities

HERE = Path(__file__).parent / "phrasings"
LANGUAGES = ("en", "ru", "tr", "de", "fr")
# Phrasings crosscheck reads wrong by design, each with the reason; strict: a fix makes them fail,
# so that the entry is removed. None today: every phrasing is read right.
KNOWN_LIMITS: dict[str, str] = {}


def _items() -> list[pytest.param]:  # type: ignore[valid-type]
    out = []
    for language in LANGUAGES:
        for number, item in enumerate(json.loads((HERE / f"{language}.json").read_text(encoding="utf-8")), 1):
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_LIMITS[item["sentence"]])] \
                if item["sentence"] in KNOWN_LIMITS else []
            out.append(pytest.param(language, item, id=f"{language}-{number:02d}", marks=marks))
    return out


@pytest.mark.parametrize(("language", "item"), _items())
def test_every_number_has_its_kind(language: str, item: dict) -> None:  # type: ignore[type-arg]
    got = sorted((round(q.value, 3), q.kind) for q in quantities(item["sentence"], language))
    want = sorted((round(float(n["value"]), 3), n["kind"]) for n in item["numbers"])
    assert got == want, item["sentence"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_least_forty_phrasings_a_language_pass(language: str) -> None:
    items = json.loads((HERE / f"{language}.json").read_text(encoding="utf-8"))
    assert len([i for i in items if i["sentence"] not in KNOWN_LIMITS]) >= 40


def test_the_issue_s_sentence_beside_provinces_is_no_conflict() -> None:
    """"killing at least 1,300 people and injuring more than 6,000 others" states the dead and
    the injured; "в 10 провинциях" counts provinces: no number of one kind on both sides."""
    en = quantities("The earthquake struck southern Turkey, killing at least 1,300 people and injuring "
                    "more than 6,000 others.", "en")
    ru = quantities("Толчки ощущались в 10 провинциях.", "ru")
    assert [(q.value, q.kind) for q in en] == [(1300, "dead"), (6000, "injured")]
    assert [(q.value, q.kind, q.what) for q in ru] == [(10, "count", "провинциях")]
