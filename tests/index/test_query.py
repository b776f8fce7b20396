"""Article queries: cosine, the query's places, names and words, and fairness between languages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from crosscheck import Index
from crosscheck.text.anchors import query_anchors
from crosscheck.index.query import ArticleFacts, Candidate, QueryParams, query_words, rerank
from crosscheck.index.query import search

SEED_QUERY = "Russia and Turkey exchange military intelligence in Syria"


def _counts(table: dict[str, int]):  # type: ignore[no-untyped-def]
    return lambda keys: {k: table[k] for k in keys if k in table}


def _near(closeness: float) -> np.ndarray:
    """A unit article vector whose cosine with the best match's (`_near(1.0)`) is `closeness`."""
    return np.array([closeness, np.sqrt(1.0 - closeness ** 2)], dtype=np.float32)


def test_query_anchors_find_places_in_any_language_and_case() -> None:
    assert query_anchors("rusya türkiye istihbarat paylaşımı") == ["@RU", "@TR"]
    assert query_anchors("Россия и Турция в Сирии") == ["@RU", "@SY", "@TR"]
    assert set(query_anchors("Klintsevich on the Bosphorus, 24 August")) >= {"klncv", "@bosphorus", "#24"}


def test_query_words_fold_and_skip_function_words() -> None:
    assert query_words("The exchange of Intelligence and the paylaşımı") == {"excha", "intel", "payla"}


def test_the_best_article_of_each_language_competes_on_equal_terms() -> None:
    same = _near(1.0)  # all on the best match's topic: the relevance floor lets the whole lift through
    candidates = [Candidate(1, 0.80, "en", "a", (), same), Candidate(2, 0.75, "en", "b", (), same),
                  Candidate(3, 0.62, "ru", "c", (), same), Candidate(4, 0.55, "tr", "d", (), same),
                  Candidate(5, 0.20, "de", "e", (), same)]
    params = QueryParams(anchor_weight=0.0, word_weight=0.0, language_gap=0.3)
    ranked = rerank("x", candidates, _counts({}), 10, params)
    assert {r for r, _ in ranked[:3]} == {1, 3, 4}
    scores = dict(ranked)
    assert abs(scores[3] - 0.80) < 1e-9 and abs(scores[4] - 0.80) < 1e-9 and scores[2] == 0.75
    assert abs(scores[5] - 0.50) < 1e-9 and ranked[-1][0] == 5  # off topic: lifted by the cap only
    # without the gap, the cosine alone
    assert [r for r, _ in rerank("x", candidates, _counts({}), 10, QueryParams(0.0, 0.0, 0.0))] == [1, 2, 3, 4, 5]


def test_the_language_lift_reaches_only_articles_close_to_the_best_match() -> None:
    # an English query: its best match, a Russian report of the same story, a German storm report
    # (the only German article, so the best of its language) and a Turkish one half-way
    candidates = [Candidate(1, 0.80, "en", "grain corridor", (), _near(1.0)),
                  Candidate(2, 0.30, "ru", "зерновой коридор", (), _near(0.9)),
                  Candidate(3, 0.45, "de", "Sturmtief", (), _near(0.1)),
                  Candidate(4, 0.35, "tr", "tahıl koridoru", (), _near(0.6)),
                  Candidate(5, 0.40, "fr", "métro, no vector", ())]
    params = QueryParams(anchor_weight=0.0, word_weight=0.0, language_gap=0.4, relevance_floor=0.4, relevance_full=0.8)
    scores = dict(rerank("x", candidates, _counts({}), 10, params))
    assert abs(scores[2] - 0.70) < 1e-6   # close (0.9 >= full): its language's whole lift, capped at 0.4
    assert abs(scores[4] - 0.55) < 1e-6   # 0.6: half-way from floor to full, half of its lift
    assert scores[3] == 0.45 and scores[5] == 0.40  # off topic, or closeness unknown: no lift at all
    assert [r for r, _ in rerank("x", candidates, _counts({}), 10, params)] == [1, 2, 4, 3, 5]
    # without the floor the storm report was lifted to a tie with the best match
    unfloored = dict(rerank("x", candidates, _counts({}), 10, replace(params, relevance_floor=-1.0, relevance_full=-1.0)))
    assert abs(unfloored[3] - 0.80) < 1e-6


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


def test_anchor_weights_kept_between_searches_follow_the_index_counts() -> None:
    """A server keeps each candidate's anchor weights between searches (ArticleFacts): the same
    scores as weighing them anew, and weighed anew once an ingest has changed the counts."""
    facts = ArticleFacts()
    candidates = [Candidate(1, 0.5, "en", "a report", ["@RU"]), Candidate(2, 0.5, "en", "a report", ["@TR", "@RU"]),
                  Candidate(3, 0.4, "en", "a report", ["@TR"])]
    for table, articles in (({"@RU": 2, "@TR": 1}, 10), ({"@RU": 2, "@TR": 1}, 10), ({"@RU": 9, "@TR": 1}, 20)):
        kept = rerank("Russia Turkey", candidates, _counts(table), articles, facts=facts)
        assert kept == rerank("Russia Turkey", candidates, _counts(table), articles)
    assert dict(kept)[1] != dict(rerank("Russia Turkey", candidates, _counts({"@RU": 2, "@TR": 1}), 10))[1]


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


def test_a_sentence_search_checks_sentences_only_until_it_has_k_claims(sample_index: Index,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking a sentence for a claim (claims.is_claim) costs about 0.15 ms; a server searches
    SENTENCE_OVERFETCH times k sentences, and the ones after the k-th claim need no check."""
    from crosscheck.index import query
    from crosscheck.text.claims import is_claim

    checked: list[bool] = []

    def counted(sentence: str, language: str | None) -> bool:
        checked.append(is_claim(sentence, language))
        return checked[-1]

    monkeypatch.setattr(query, "is_claim", counted)
    hits = search(sample_index, SEED_QUERY, k=3, sentences=True)
    assert len(hits) == 3 and sum(checked) == 3
    assert checked[-1], f"checked {len(checked)} sentences after the third claim: {checked}"
    assert len(checked) < query.SENTENCE_OVERFETCH * 3


@pytest.mark.parametrize("sentences", [False, True], ids=["articles", "sentences"])
def test_hits_without_their_texts_are_the_same_hits(sample_index: Index, sentences: bool) -> None:
    """Without `with_text` (a server's query processes: no page shows an article's text), the same
    hits, articles and scores, with empty texts, whether the candidates were read before or not."""
    facts = ArticleFacts()
    full = search(sample_index, SEED_QUERY, k=5, sentences=sentences)
    for _ in range(2):  # the candidates read, then kept in `facts`
        light = search(sample_index, SEED_QUERY, k=5, sentences=sentences, facts=facts, with_text=False)
        assert [replace(h.article, text="") for h in full] == [h.article for h in light]
        assert [(h.score, h.sentence) for h in full] == [(h.score, h.sentence) for h in light]
        assert all(h.article.text for h in full) and not any(h.article.text for h in light)


GRAIN = ["tass-grain-ru", "ria-grain-ru", "interfax-grain-ru", "reuters-grain-en", "ap-grain-en", "aa-grain-tr",
         "hurriyet-grain-tr", "dailysabah-grain-en"]
OFF_TOPIC = {"dw-storm-de", "lemonde-metro-fr"}  # the only German and the only French article


def test_equal_terms_between_languages_lift_no_off_topic_report(grain_index_path: Path) -> None:
    """Issue 23: "санкции удобрения" put a storm report and a metro report level with TASS, above
    RIA and Hürriyet, which do mention the sanctions; "зерновой коридор" put RIA 7th, under them."""
    with Index.open(grain_index_path, readonly=True) as ix:
        hits = [h.article.id for h in search(ix, "санкции удобрения", k=10)]
        assert not OFF_TOPIC & set(hits[:5]), hits
        for on_topic in ("tass-grain-ru", "ria-grain-ru", "hurriyet-grain-tr"):  # they name the sanctions
            assert on_topic in hits and all(hits.index(on_topic) < hits.index(o) for o in OFF_TOPIC if o in hits), hits
        hits = [h.article.id for h in search(ix, "зерновой коридор", k=10)]
        assert set(hits[:len(GRAIN)]) == set(GRAIN), hits
