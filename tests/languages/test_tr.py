"""Turkish, end to end: detection, sentences, numbers, dates, attribution, citations, anchors, slugs, outlets.

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

LANG = "tr"
TITLE = "Rusya ve Türkiye, Boğaz üzerinden tahıl sevkiyatında anlaştı"
TEXT = ("Tarım Bakan Yardımcısı Mehmet Demir, ilk tahıl sevkiyatının 15 Eyl. 2016'da Novorossiysk'ten yola "
        "çıkacağını söyledi. Demir'e göre gemiler Boğaz'ı iki günde geçecek.\n\n"
        "Görüşmeler 3. kez Ankara'da yapıldı ve 3 Eki. 2016'da sona erdi. Prof. Dr. Ayşe Kaya açıklama yapmadı.")


def _numbers(sentence: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in extract_numbers(sentence, LANG)]


def test_module_is_found() -> None:
    assert languages.get(LANG).code == LANG and not languages.get(LANG).generic


def test_detected() -> None:
    assert detect_language(f"{TITLE}\n{TEXT}")[0] == LANG


def test_sentences_keep_abbreviated_dates_ordinals_and_titles_together() -> None:
    assert [s.text for s in split_sentences(TEXT, LANG)] == [
        "Tarım Bakan Yardımcısı Mehmet Demir, ilk tahıl sevkiyatının 15 Eyl. 2016'da Novorossiysk'ten yola "
        "çıkacağını söyledi.",
        "Demir'e göre gemiler Boğaz'ı iki günde geçecek.",
        "Görüşmeler 3. kez Ankara'da yapıldı ve 3 Eki. 2016'da sona erdi.",
        "Prof. Dr. Ayşe Kaya açıklama yapmadı.",
    ]


def test_sentences_keep_initials_and_abbreviations_together() -> None:
    text = ("Doç. Dr. Ali Öztürk, 12 Ara. 2016'da Ankara'da açıklama yaptı. R. T. Erdoğan ile Av. Mehmet Yılmaz da "
            "toplantıya katıldı. ABD'li yetkililer vb. diplomatlar da oradaydı.")
    assert [s.text for s in split_sentences(text, LANG)] == [
        "Doç. Dr. Ali Öztürk, 12 Ara. 2016'da Ankara'da açıklama yaptı.",
        "R. T. Erdoğan ile Av. Mehmet Yılmaz da toplantıya katıldı.",
        "ABD'li yetkililer vb. diplomatlar da oradaydı.",
    ]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Buğday ihracatı 7,5 milyon ton artarak 12,3 milyar dolara ulaştı.",
     [(7.5e6, "7,5 milyon"), (12.3e9, "12,3 milyar")]),
    ("Sınıra 2.500 asker ve sekiz helikopter sevk edildi.", [(2500.0, "2.500"), (8.0, "sekiz")]),
    ("Doğalgaz fiyatları yüzde 15 düştü, enflasyon ise %3,2'ye geriledi.", [(15.0, "yüzde 15"), (3.2, "%3,2")]),
    ("Harcamalar 250 bin lira arttı, projenin bütçesi 4,8 trilyon liraya ulaştı.",
     [(250000.0, "250 bin"), (4.8e12, "4,8 trilyon")]),
    ("Limandan bu yıl 1.200.000 ton yük geçti, on bir gemi de sırada bekliyor.",
     [(1.2e6, "1.200.000"), (11.0, "on bir")]),
    ("Tatbikata on beş gemi ve yirmi uçak katıldı.", [(15.0, "on beş"), (20.0, "yirmi")]),
    ("Yetkililer üç bin kişinin tahliye edildiğini, bölgeye iki yüz asker gönderildiğini açıkladı.",
     [(3000.0, "üç bin"), (200.0, "iki yüz")]),
    ("Operasyona 10.000'den fazla asker katıldı.", [(10000.0, "10.000")]),
    # dates, times, years, ordinals, names are not quantities
    ("Görüşmeler 21 Ekim'de saat 10.00'da başlayacak, toplantı saat 15:30'da sona erecek.", []),
    ("Uçak saat 07.45 sıralarında İstanbul'a indi, ateşkes 23.59 itibarıyla yürürlüğe girdi.", []),
    (("Anlaşma 2014 yılında imzalandı ve 2020'ye kadar uzatıldı; 1936 tarihli sözleşme ise 1991'den bu yana "
      "yürürlükte."), []),
    ("Bu, 5'inci istişare turu oldu; 2. Ordu bölgeye S-400 füzeleri ve F-16'lar gönderdi.", []),
    ("İkinci tur görüşmeler 03.10.2016 tarihinde Ankara'da yapıldı.", []),
])
def test_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _numbers(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Tarım Bakan Yardımcısı Mehmet Demir, ilk tahıl sevkiyatının eylülde yola çıkacağını söyledi.", "Mehmet Demir"),
    ("Demir'e göre gemiler Boğaz'ı iki günde geçecek.", "Demir"),
    ("Dışişleri Bakanı Mevlüt Çavuşoğlu, Rusya ile görüşmelerin olumlu geçtiğini açıkladı.",
     "Dışişleri Bakanı Mevlüt Çavuşoğlu"),
    ('Bakan Demir, "Sevkiyatlar aksamadan sürecek" dedi.', "Bakan Demir"),
    ("Reuters'ın haberine göre anlaşma cuma günü imzalanacak.", "Reuters"),
    ("Yetkililere göre sevkiyat iki hafta sürecek.", "Yetkililer"),
    ("Bir diplomatik kaynak, görüşmelerin sürdüğünü AA'ya doğruladı.", "Bir diplomatik kaynak"),
    ("Ayrıca anlaşmanın önemli olduğunu vurguladı.", None),
    ("Ortak Koordinasyon Merkezi (JCC), yaptığı açıklamada iki geminin daha limandan ayrıldığını duyurdu.", "JCC"),
    # the subject after an opening "according to": who speaks, the report only relays
    ("Habere göre Rus uzman İvan Petrov da Ankara'nın uzlaşmaya hazır olduğunu söyledi.", "Rus uzman İvan Petrov"),
    ("Bu bilgi resmi kaynaklarca doğrulanmadı.", None),
])
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence, LANG) == expected


OUTLETS = ["TASS", "RIA Novosti", "Interfax", "Reuters", "Anadolu Ajansı", "AA", "Hürriyet", "Sputnik", "Sabah",
           "TRT Haber"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Rus haber ajansı Interfax'a göre heyet pazartesi Ankara'ya gelecek.", ["Interfax"]),
    ("Bakan Demir, Hürriyet'e yaptığı açıklamada sevkiyatın başladığını söyledi.", ["Hürriyet"]),
    ("Sabah gazetesinin haberine göre anlaşma ertelendi. Sputnik, anlaşmanın ertelendiğini bildirdi.",
     ["Sabah", "Sputnik"]),
    ("Demir, TRT Haber'e konuştu. Haber, TASS'ın internet sitesinde yayımlandı.", ["TRT Haber", "TASS"]),
    ("ANKARA (AA) - Gemiler sabah Boğaz'dan geçti.", ["AA"]),
    ("Reuters ve TASS, Moskova'da büro açtı.", []),
    ("Gemiler sabah Boğaz'dan geçti.\n\nFoto: Reuters", []),
])
def test_cited_outlets(text: str, expected: list[str]) -> None:
    assert cited_outlets(text, OUTLETS, LANG) == expected


@pytest.mark.parametrize("sentence", [
    "Editör: Ayşe Demir", "İlgili Haber: Boğaz'da gemi trafiği yoğunlaştı",
    "YouTube kanalımıza abone olun", "© 2016 Hürriyet. Her hakkı saklıdır.", "Bu sitede çerezler kullanılmaktadır.",
    "Tahıl sevkiyatı ne zaman başlayacak?",
])
def test_not_claims(sentence: str) -> None:
    assert not is_claim(sentence, LANG)


def test_claim() -> None:
    assert is_claim("Ateşkes Halep'te pazartesiden bu yana sürüyor.", LANG)


def test_anchors_and_slug() -> None:
    keys = extract_anchors(TITLE, TEXT, LANG)
    assert {"dmr", "mhmt", "kaia", "nvrsk", "#15", "@RU", "@TR", "@bosphorus", "@ankara"} <= set(keys)
    assert slugify(TITLE, language=LANG) == "rusya-turkiye-bogaz"
    assert slugify("Çavuşoğlu ile Lavrov Soçi'de görüştü", language=LANG) == "cavusoglu-lavrov-soci"


def test_places_and_names_fold_to_keys_shared_with_every_language() -> None:
    # test_ru.py and test_en.py get exactly these keys from the same sentences in Russian and English
    text = ("Rusya ile Türkiye arasındaki görüşmeler İstanbul'da yapıldı. Rus askerleri Ankara'dan döndü, gemiler "
            "İstanbul Boğazı'ndan ve Çanakkale Boğazı'ndan geçti.")
    assert extract_anchors("", text, LANG) == ["@RU", "@TR", "@ankara", "@bosphorus", "@dardanelles", "@istanbul"]
    text = ("Amerikan ve İngiliz diplomatlar Cenevre'ye geldi. Cumhurbaşkanı Erdoğan, Putin ile Kırım'ı ve ABD ile "
            "ilişkileri görüştü.")
    assert extract_anchors("", text, LANG) == ["@GB", "@US", "@crimea", "@geneva", "erdgn", "ptn"]


def test_outlets_have_domains_and_camps() -> None:
    directory = OutletDirectory()
    for name, domain in [("Anadolu Ajansı", "aa.com.tr"), ("TRT Haber", "trthaber.com"),
                         ("Hürriyet", "hurriyet.com.tr"), ("Sabah", "sabah.com.tr"), ("Yeni Şafak", "yenisafak.com"),
                         ("Cumhuriyet", "cumhuriyet.com.tr")]:
        outlet = directory.lookup(name)
        assert outlet is not None and outlet.camp == "tr" and outlet.country == "TR" and domain in outlet.domains
        assert directory.lookup(None, f"https://www.{domain}/gundem/haber-123") is outlet
    aa = directory.lookup("AA")
    assert aa is not None and directory.lookup("ANADOLU AJANSI") is aa and directory.lookup("Anadolu Ajansi") is aa
    assert directory.lookup("Yeni Safak") is directory.lookup("Yeni Şafak")
    assert directory.lookup("Daily Sabah") is not directory.lookup("Sabah")
