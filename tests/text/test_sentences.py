"""Language detection and sentence splitting on ru, tr, en."""

from __future__ import annotations

from crosscheck import detect_language, split_sentences


def test_detects_russian_turkish_english_and_repeats() -> None:
    texts = {
        "ru": "Россия начала обмен разведывательными данными с турецкой армией в Сирии.",
        "tr": "Rusya, Suriye'de Türk ordusu ile istihbarat paylaşmaya başladı.",
        "en": "Russia has begun exchanging intelligence with the Turkish army in Syria.",
    }
    for lang, text in texts.items():
        first = detect_language(text)
        assert first[0] == lang
        assert first[1] is not None and first[1] > 0.9
        assert all(detect_language(text) == first for _ in range(5))


def test_sentences_with_abbreviations_initials_quotes_and_numbers() -> None:
    ru = ("В. Путин встретился с Р. Т. Эрдоганом 9 авг. 2016 г. в Санкт-Петербурге. "
          "Сенатор заявил: «Мы передаём данные». Т.е. обмен идёт уже 2 недели. "
          "Сумма составила 1.5 млрд руб.")
    assert [s.text for s in split_sentences(ru, "ru")] == [
        "В. Путин встретился с Р. Т. Эрдоганом 9 авг. 2016 г. в Санкт-Петербурге.",
        "Сенатор заявил: «Мы передаём данные».",
        "Т.е. обмен идёт уже 2 недели.",
        "Сумма составила 1.5 млрд руб.",
    ]
    tr = ("Dr. Ahmet Yılmaz 15.09.2016 tarihinde açıklama yaptı. Prof. Dr. Kaya vb. konulara değindi. "
          'Cumhurbaşkanı R. T. Erdoğan, "Bu çok önemli" dedi.')
    assert [s.text for s in split_sentences(tr, "tr")] == [
        "Dr. Ahmet Yılmaz 15.09.2016 tarihinde açıklama yaptı.",
        "Prof. Dr. Kaya vb. konulara değindi.",
        'Cumhurbaşkanı R. T. Erdoğan, "Bu çok önemli" dedi.',
    ]
    en = ("Dr. Smith met U.S. officials on Sept. 12. He said 1.5 billion was spent. "
          "“We pass on radar data,” the senator said.\n\nA new paragraph starts here.")
    spans = split_sentences(en, "en")
    assert [s.text for s in spans] == [
        "Dr. Smith met U.S. officials on Sept. 12.", "He said 1.5 billion was spent.",
        "“We pass on radar data,” the senator said.", "A new paragraph starts here.",
    ]
    assert [s.paragraph for s in spans] == [0, 0, 0, 1]
    assert all(en[s.start:s.end] == s.text for s in spans)
