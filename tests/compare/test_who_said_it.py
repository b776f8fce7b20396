"""A sentence that only says who said the sentence before it ("Об этом сообщил ТАСС", "Das sagte
Innenminister Kenan Aksoy.") is no claim of its own: its speaker becomes the previous claim's.
Real SQLite and faiss; the hash-test model, since no similarity is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.records import ArticleRecord
from crosscheck.text.attribution import attribution
from crosscheck.text.claims import says_only_who
from crosscheck.text.rules import rules_for

from . import compare_records


@pytest.mark.parametrize(("language", "sentence"), [
    ("ru", "Об этом сообщил ТАСС."),                                     # perfective past, each gender and number
    ("ru", "Об этом сообщила пресс-служба министерства."),
    ("ru", "Об этом сообщило управление береговой охраны Турции."),
    ("ru", "Об этом ТАСС сообщили источники в местных органах власти."),
    ("ru", "Об этом сообщается на сайте ведомства."),
    ("ru", "Об этом в понедельник сообщают «Известия»."),
    ("ru", "Об этом заявил сенатор Франц Клинцевич."),
    ("de", "Das sagte Innenminister Kenan Aksoy."),
    ("de", "Das teilte die Katastrophenschutzbehörde AFAD mit."),
    ("en", "This was reported by the agency."),
])
def test_a_sentence_naming_only_who_said_it(language: str, sentence: str) -> None:
    assert says_only_who(sentence, rules_for(language))


@pytest.mark.parametrize(("language", "sentence"), [
    ("ru", "Об этом сообщили в МЧС, добавив, что число погибших выросло до 12, а пострадавших до 40 человек."),
    ("ru", "Сообщили, что пожар потушен."),
    ("de", "Dass das Feuer gelöscht ist, sagte die Feuerwehr."),
])
def test_a_sentence_that_says_more(language: str, sentence: str) -> None:
    assert not says_only_who(sentence, rules_for(language))


def test_the_previous_claim_takes_the_speaker(tmp_path: Path) -> None:
    text = ("На пароме в Мраморном море в пятницу утром произошел пожар в машинном отделении. Об этом сообщило "
            "управление береговой охраны Турции.\n\nВсех 312 пассажиров эвакуировали на два судна.")
    other = "Yangın sabah saatlerinde makine dairesinde çıktı. Tüm yolcular tahliye edildi."
    comparison = compare_records(tmp_path / "ix", [
        ArticleRecord(text=text, title="Пожар на пароме", outlet="TASS", language="ru", id="ru1"),
        ArticleRecord(text=other, title="Feribotta yangın", outlet="AA", language="tr", id="tr1")])
    claims = {m.text: m for g in comparison.groups for m in g.mentions}
    fire = next(m for t, m in claims.items() if t.startswith("На пароме"))
    said = attribution("Об этом сообщило управление береговой охраны Турции.", rules_for("ru"))
    assert said and said.startswith("управление") and fire.attributed_to == said
    assert not any(t.startswith("Об этом") for t in claims)
    aboard = next(m for t, m in claims.items() if t.startswith("Всех 312"))
    assert aboard.attributed_to is None  # the next paragraph is not what the coast guard said
