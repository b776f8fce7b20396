"""Numbers the figures view missed or mistyped (benchmarks/views.py), read by the grammar of
their phrase: a number and a unit of time made one adjective ("an 11-day shutdown") is a
duration, an age is not; a Russian name in an oblique case before a number is not a label's head
("в Индонезию 60 спасателей" is sixty rescuers, "Boeing 737" stays a name). The sentences are
written for these tests, not taken from the corpora."""

from __future__ import annotations

from crosscheck.text.evidence import quantities


def _read(sentence: str, language: str) -> list[tuple[float, str]]:
    return [(q.value, q.kind) for q in quantities(sentence, language)]


def test_a_number_made_one_adjective_with_a_unit_of_time_is_a_duration_and_an_age_is_not() -> None:
    assert _read("Rescue teams flew home after a 3-day search.", "en") == [(3.0, "duration")]
    assert _read("A 45-year-old driver was among the 3 injured.", "en") == [(45.0, "count"), (3.0, "injured")]
    assert _read("The fire was put out three years ago.", "en") == [(3.0, "count")]  # a time ago, not a span


def test_a_russian_name_in_an_oblique_case_is_no_label_head() -> None:
    assert _read("МЧС направило в Индонезию 60 спасателей и два самолета.", "ru") == [(60.0, "count"), (2.0, "count")]
    assert _read("Самолет Boeing 737 совершил посадку в Сочи.", "ru") == []  # a name in its own form: a label
    assert _read("Police said a man attacked Terminal 2 passengers.", "en") == []  # English labels unchanged
