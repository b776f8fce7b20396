"""Russian, end to end: detection, sentences, numbers, dates, attribution, citations, anchors, slugs, outlets.

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

LANG = "ru"
TITLE = "Россия и Турция договорились о поставках зерна через Босфор"
TEXT = ("Первая партия зерна отправится из Новороссийска 15 сент. 2016 г., сообщил замминистра сельского "
        "хозяйства Игорь Лебедев. По его словам, суда пройдут Босфор за двое суток.\n\n"
        "Переговоры начались 3 окт. в Анкаре. Г-н Лебедев отказался от комментариев.")


def _numbers(sentence: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, LANG)]


def test_module_is_found() -> None:
    assert languages.get(LANG).code == LANG and not languages.get(LANG).generic


def test_detected() -> None:
    assert detect_language(f"{TITLE}\n{TEXT}")[0] == LANG


def test_sentences_keep_abbreviated_dates_and_titles_together() -> None:
    assert [s.text for s in split_sentences(TEXT, LANG)] == [
        "Первая партия зерна отправится из Новороссийска 15 сент. 2016 г., сообщил замминистра сельского "
        "хозяйства Игорь Лебедев.",
        "По его словам, суда пройдут Босфор за двое суток.",
        "Переговоры начались 3 окт. в Анкаре.",
        "Г-н Лебедев отказался от комментариев.",
    ]


def test_sentences_keep_initials_and_units_together() -> None:
    text = ("Министр энергетики А. В. Новак прибыл в Анкару 9 авг. Товарооборот достиг 20 млрд долл. США. "
            "Речь идёт в т. ч. о поставках газа.")
    assert [s.text for s in split_sentences(text, LANG)] == [
        "Министр энергетики А. В. Новак прибыл в Анкару 9 авг.",
        "Товарооборот достиг 20 млрд долл. США.",
        "Речь идёт в т. ч. о поставках газа.",
    ]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Экспорт пшеницы вырос на 7,5 млн тонн, до 12,3 млрд долларов.", [(7.5e6, "7,5 млн"), (12.3e9, "12,3 млрд")]),
    ("На границу перебросили 2 500 военнослужащих и восемь вертолётов.", [(2500.0, "2 500"), (8.0, "восемь")]),
    ("Цены на газ снизились на 15 процентов, а на нефть — на 3,2%.", [(15.0, "15 процентов"), (3.2, "3,2%")]),
    ("Сделка оценивается в 3 миллиарда долларов, ущерб — в два миллиарда рублей.",
     [(3e9, "3 миллиарда"), (2e9, "два миллиарда")]),
    ("Из Новороссийска вышли 4 сухогруза с 120 тыс. тонн зерна.", [(4.0, "4"), (120000.0, "120 тыс.")]),
    ("В учениях участвовали пятнадцать кораблей из двенадцати стран.", [(15.0, "пятнадцать"), (12.0, "двенадцати")]),
    # dates, times, years, ordinals, names are not quantities
    ("Переговоры начнутся 21 октября в 10:00 по московскому времени, колонна выйдет в 15.30 мск.", []),
    ("Соглашение подписано в 2014 году и продлено до 2020 г., а договор 1936 года действует с 1991 года.", []),
    ("В 2015–2016 гг. товарооборот упал вдвое.", []),
    ("Это уже 5-й раунд, а 3-я армия получила комплексы С-400, бомбардировщики Су-24 и самолёты Ил-76.", []),
    ("Второй раунд прошёл 03.10.2016 в Анкаре, третий пройдёт 9 авг. в Петербурге.", []),
])
def test_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _numbers(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Замминистра сельского хозяйства Игорь Лебедев заявил, что первая партия зерна уже погружена.",
     "Игорь Лебедев"),
    ("Первая партия зерна уже погружена, сообщил заместитель министра Игорь Лебедев.",
     "заместитель министра Игорь Лебедев"),
    ("«Суда пройдут Босфор за двое суток», — пояснил собеседник агентства.", "собеседник агентства"),
    ("По словам пресс-секретаря Кремля Дмитрия Пескова, переговоры были конструктивными.",
     "пресс-секретаря Кремля Дмитрия Пескова"),
    ("Как пишет «Коммерсант», сделка может быть закрыта до конца года.", "Коммерсант"),
    ("Турецкая сторона подтвердила готовность продолжить переговоры, сообщили в МИД России.", "МИД России"),
    ("Александр Новак в интервью «Известиям» отметил, что проект будет реализован в срок.", "Александр Новак"),
    ("Он подчеркнул, что поставки не будут прерваны.", None),
    ("Ассоциация туроператоров России (АТОР) оценила потери отрасли в 2 млрд рублей.", "АТОР"),
    ("Как следует из слов гендиректора «Зернового терминала» Ивана Орлова, отгрузка начнется в мае.",
     "гендиректора «Зернового терминала» Ивана Орлова"),
    ("Аналитики полагают, что цены на зерно продолжат расти.", None),
    # a ministry with its complement after it, not its first word alone
    ("Двенадцать моряков спасены, сообщили в Министерстве транспорта России.", "Министерстве транспорта России"),
])
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence, LANG) == expected


OUTLETS = ["ТАСС", "РИА Новости", "Интерфакс", "Коммерсант", "Известия", "Reuters", "Би-би-си"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Делегации встретятся в Анкаре, передаёт Интерфакс.", ["Интерфакс"]),
    ("Турецкая сторона согласовала текст, пишет «Коммерсант» со ссылкой на источники.", ["Коммерсант"]),
    ("Источник в правительстве рассказал ТАСС, что документ готов.", ["ТАСС"]),
    ("По сообщению Би-би-си, переговоры зашли в тупик.", ["Би-би-си"]),
    ("АНКАРА, 3 октября. /ТАСС/. Делегации прибыли в Анкару.", ["ТАСС"]),
    ("Как сообщает РИА Новости, суда вышли из порта. По данным «Известий», их было четыре.",
     ["РИА Новости", "Известия"]),
    ("Интерфакс и ТАСС входят в число крупнейших агентств. Корреспондент РИА Новости побывал в Анкаре.", []),
])
def test_cited_outlets(text: str, expected: list[str]) -> None:
    assert cited_outlets(text, OUTLETS, LANG) == expected


@pytest.mark.parametrize("sentence", [
    "Автор: Мария Соколова", "Фото: Павел Смирнов / ТАСС", "Читайте также: Россия и Турция обсудят поставки зерна",
    "© 2016 ТАСС. Все права защищены.", "Мы используем файлы cookie, чтобы сайт работал лучше.",
    "Когда возобновятся поставки зерна?",
])
def test_not_claims(sentence: str) -> None:
    assert not is_claim(sentence, LANG)


def test_claim() -> None:
    assert is_claim("С понедельника в Алеппо действует режим тишины.", LANG)


def test_anchors_and_slug() -> None:
    keys = extract_anchors(TITLE, TEXT, LANG)
    assert {"lbdv", "igr", "nvrsk", "#15", "@RU", "@TR", "@bosphorus", "@ankara"} <= set(keys)
    assert slugify(TITLE, language=LANG) == "rossiya-turtsiya-dogovorilis"
    assert slugify("Объём торговли с Турцией вырос", language=LANG) == "obem-torgovli-turtsiey"


def test_places_and_names_fold_to_keys_shared_with_every_language() -> None:
    # test_tr.py and test_en.py get exactly these keys from the same sentences in Turkish and English
    text = ("Переговоры между Россией и Турцией прошли в Стамбуле. Российские военные вернулись из Анкары, "
            "суда прошли Босфором и Дарданеллы.")
    assert extract_anchors("", text, LANG) == ["@RU", "@TR", "@ankara", "@bosphorus", "@dardanelles", "@istanbul"]
    text = ("Американские и британские дипломаты прибыли в Женеву. Президент Эрдоган обсудил с Путиным Крым и "
            "отношения с США.")
    assert extract_anchors("", text, LANG) == ["@GB", "@US", "@crimea", "@geneva", "erdgn", "ptn"]


def test_outlets_have_domains_and_camps() -> None:
    directory = OutletDirectory()
    for name, domain in [("ТАСС", "tass.ru"), ("РИА Новости", "ria.ru"), ("Известия", "iz.ru"),
                         ("Коммерсантъ", "kommersant.ru"), ("Интерфакс", "interfax.ru")]:
        outlet = directory.lookup(name)
        assert outlet is not None and outlet.camp == "ru" and outlet.country == "RU" and domain in outlet.domains
        assert directory.lookup(None, f"https://www.{domain}/politics/12345") is outlet
    assert directory.lookup("Коммерсант") is directory.lookup("Kommersant")
    assert directory.lookup("Спутник") is directory.lookup(None, "https://sputniknews.ru/world/1.html")
    bbc = directory.lookup("Би-би-си")
    assert bbc is not None and bbc.camp == "west" and directory.lookup(None, "https://www.bbc.com/russian/x") is bbc
