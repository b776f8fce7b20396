"""crosscheck.detection gives langdetect's own answers (languages and probabilities, bit for bit)
on real articles and on awkward text: it is a faster run of the same algorithm, not another
detector. The real articles are read from ../shared/eval where it exists (skipped otherwise)."""

from __future__ import annotations

import csv
import json
import random

import pytest

from crosscheck.languages import detection
from crosscheck.languages.detection import NoFeatures, detect_langs
from crosscheck.ingest.prepare import DETECT_PREFIX, detect_language

from ..conftest import SHARED

EVAL = SHARED / "eval"
ANNOTATED = EVAL / "annotated_dev" / "corpus.jsonl"
NTREX = EVAL / "ntrex128_en_ru_tr"
SEMEVAL = EVAL / "semeval2022_task8_subset" / "testing_set.csv"

# Written for this test: scripts, cases and noise that exercise every branch of langdetect's
# normalisation (Latin-1 exclusions, Vietnamese marks, CJK, kana, Hangul, Arabic, capitals).
AWKWARD = [
    "Russia has begun exchanging intelligence with the Turkish army in Syria.",
    "Россия начала обмен разведывательными данными с турецкой армией в Сирии.",
    "Rusya, Suriye'de Türk ordusu ile istihbarat paylaşmaya başladı.",
    "MOSKOVA (AA) - RUSYA DIŞİŞLERİ BAKANLIĞI AÇIKLAMA YAPTI. Bakan konuştu.",
    "NATO AND THE EU SAY SO. Nobody else does, though; «цитата» — 2024 г.",
    "Die Bundesregierung hat am Mittwoch beschlossen, die Hilfe für die Ukraine auszuweiten.",
    "Le gouvernement français a annoncé mercredi de nouvelles mesures économiques.",
    "Tiếng Việt có dấu: Hà Nội là thủ đô của Việt Nam.",
    "Tie\u0302\u0301ng Vie\u0323\u0302t vi\u0301\u0301 da\u0302\u0301u ke\u0301t ho\u031b\u0323p",
    "日本語のテキストです。東京で会議が開かれました。カタカナ",
    "中国外交部发言人周三表示，双方将继续保持沟通。",
    "한국어 텍스트입니다. 서울에서 회의가 열렸습니다.",
    "قال المتحدث باسم الوزارة إن الاجتماع سيعقد یوم الأربعاء",
    "Ελληνικά: η κυβέρνηση ανακοίνωσε νέα μέτρα.",
    "Şimdi Bucureşti şi Timișoara, ţară și țară.",
    "see https://example.org/a?b=c and write to someone@example.com now",
    "ＡＢＣ ｄｅｆ ｇｈｉ — full-width letters",
    "a", "ab", "I", "OK", "x y z", "  spaced   out   text  ",
]
NO_FEATURES = ["", "   ", "1234 5678", "!!! ??? ...", "https://example.org/only", "💥🔥🚀"]


def same_as_langdetect(texts: list[str]) -> None:
    for text in texts:
        try:
            expected = detect_langs(text, exact=True)
        except NoFeatures:
            with pytest.raises(NoFeatures):
                detect_langs(text)
            continue
        assert detect_langs(text) == expected, text[:80]


def test_awkward_text_gets_langdetects_answers() -> None:
    same_as_langdetect(AWKWARD)
    for text in NO_FEATURES:
        with pytest.raises(NoFeatures):
            detect_langs(text)
        assert detect_language(text) == (None, None)
    assert detect_language(AWKWARD[1]) == ("ru", round(detect_langs(AWKWARD[1])[0].prob, 4))


def test_answers_do_not_depend_on_what_was_detected_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-word cache is only a cache: a cold one, a warm one and one that overflows and is
    emptied mid-run all give langdetect's answers."""
    first = [detect_langs(t) for t in AWKWARD[:8]]
    monkeypatch.setattr(detection, "_WORD_CACHE", 3)
    shuffled = list(enumerate(AWKWARD[:8]))
    random.Random(1).shuffle(shuffled)
    for i, text in shuffled:
        assert detect_langs(text) == first[i]
    same_as_langdetect(AWKWARD)


@pytest.mark.skipif(not ANNOTATED.exists(), reason=f"annotated_dev not found at {ANNOTATED}")
def test_annotated_articles_as_ingest_reads_them() -> None:
    """The 41 annotated articles (ru, tr, en, de, fr), title and text cut as `ingest.prepare` does."""
    records = [json.loads(line) for line in ANNOTATED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= 40
    same_as_langdetect([f"{r['title'][:DETECT_PREFIX]}\n{r['text'][:DETECT_PREFIX]}"[:DETECT_PREFIX]
                        for r in records])


@pytest.mark.skipif(not NTREX.exists(), reason=f"NTREX-128 not found at {NTREX}")
def test_ntrex_lines_in_english_russian_and_turkish() -> None:
    texts = []
    for name in ("newstest2019-src.eng.txt", "newstest2019-ref.rus.txt", "newstest2019-ref.tur.txt"):
        lines = (NTREX / name).read_text(encoding="utf-8").splitlines()
        texts += lines[:: max(1, len(lines) // 60)]  # single sentences: the short end of input
        texts += [" ".join(lines[i:i + 8])[:DETECT_PREFIX] for i in range(0, 400, 40)]
    same_as_langdetect(texts)


@pytest.mark.skipif(not SEMEVAL.exists(), reason=f"SemEval-2022 subset not found at {SEMEVAL}")
def test_semeval_articles_in_ten_languages() -> None:
    csv.field_size_limit(1 << 28)
    by_language: dict[str, list[str]] = {}
    with SEMEVAL.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for lang, text in ((row["lang1"], row["text_1"]), (row["lang2"], row["text_2"])):
                if text.strip() and len(by_language.setdefault(lang, [])) < 25:
                    by_language[lang].append(text[:DETECT_PREFIX])
    assert len(by_language) >= 8
    same_as_langdetect([t for texts in by_language.values() for t in texts])
