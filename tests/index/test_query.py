"""Article queries: cosine, the query's places, names and words, and fairness between languages."""

from __future__ import annotations

from crosscheck import Index
from crosscheck.text.anchors import query_anchors
from crosscheck.index.query import Candidate, QueryParams, query_words, rerank
from crosscheck.index.query import search

SEED_QUERY = "Russia and Turkey exchange military intelligence in Syria"


def _counts(table: dict[str, int]):  # type: ignore[no-untyped-def]
    return lambda keys: {k: table[k] for k in keys if k in table}


def test_query_anchors_find_places_in_any_language_and_case() -> None:
    assert query_anchors("rusya türkiye istihbarat paylaşımı") == ["@RU", "@TR"]
    assert query_anchors("Россия и Турция в Сирии") == ["@RU", "@SY", "@TR"]
    assert set(query_anchors("Klintsevich on the Bosphorus, 24 August")) >= {"klncv", "@bosphorus", "#24"}


def test_query_words_fold_and_skip_function_words() -> None:
    assert query_words("The exchange of Intelligence and the paylaşımı") == {"excha", "intel", "payla"}


def test_the_best_article_of_each_language_competes_on_equal_terms() -> None:
    candidates = [Candidate(1, 0.80, "en", "a", ()), Candidate(2, 0.75, "en", "b", ()),
                  Candidate(3, 0.62, "ru", "c", ()), Candidate(4, 0.55, "tr", "d", ()),
                  Candidate(5, 0.20, "de", "e", ())]
    params = QueryParams(anchor_weight=0.0, word_weight=0.0, language_gap=0.3)
    ranked = rerank("x", candidates, _counts({}), 10, params)
    assert {r for r, _ in ranked[:3]} == {1, 3, 4}
    scores = dict(ranked)
    assert abs(scores[3] - 0.80) < 1e-9 and abs(scores[4] - 0.80) < 1e-9 and scores[2] == 0.75
    assert abs(scores[5] - 0.50) < 1e-9 and ranked[-1][0] == 5  # off topic: lifted by the cap only
    # without the gap, the cosine alone
    assert [r for r, _ in rerank("x", candidates, _counts({}), 10, QueryParams(0.0, 0.0, 0.0))] == [1, 2, 3, 4, 5]


def test_places_and_rare_words_of_the_query_lift_an_article() -> None:
    candidates = [Candidate(1, 0.50, "tr", "Suriye'de ateşkes başladı", ("@SY",)),
                  Candidate(2, 0.45, "tr", "Rusya ile bilgi paylaşımı", ("@RU", "@TR")),
                  Candidate(3, 0.48, "tr", "Boğaz'dan geçti", ("@RU",))]
    counts = _counts({"@RU": 5, "@TR": 5, "@SY": 5})
    plain = rerank("rusya türkiye paylaşımı", candidates, counts, 10, QueryParams(0.0, 0.0, 0.0))
    assert plain[0][0] == 1
    ranked = rerank("rusya türkiye paylaşımı", candidates, counts, 10, QueryParams(0.1, 0.2, 0.0))
    assert ranked[0][0] == 2
    assert rerank("rusya türkiye", candidates, counts, 10, QueryParams(0.5, 0.0, 0.0))[0][0] == 2


def test_seed_query_has_english_russian_and_turkish_in_its_top_3(sample_index: Index) -> None:
    hits = search(sample_index, SEED_QUERY, k=3)
    assert {h.article.language for h in hits} == {"en", "ru", "tr"}
    assert all("intelligence" in h.article.title or "развед" in h.article.title or "istihbarat" in h.article.title
               for h in hits)


def test_turkish_query_ranks_anadolu_above_the_unrelated_turkish_articles(sample_index: Index) -> None:
    hits = search(sample_index, "Rusya Türkiye istihbarat paylaşımı", k=20)
    outlets = [h.article.outlet for h in hits]
    turkish = [h.article.outlet for h in hits if h.article.language == "tr"]
    assert turkish[:2] == ["Hürriyet", "Anadolu Ajansı"], turkish
    assert outlets.index("Anadolu Ajansı") < outlets.index("Yeni Şafak")
