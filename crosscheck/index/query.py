"""How a search query ranks articles: the embedding's cosine, places, names and words, and fairness
between languages.

`search` takes the QueryParams.candidates articles nearest to the query's vector and
re-scores them here (a pure function of the query, the candidates and the index's anchor
counts):

    score = (1 - a - w) * cosine + a * anchors + w * words, then + the language's gap

- anchors: the anchor cosine of query and article, as stories compute it: the query's
  places, names and numbers (`anchors.query_anchors`) against the article's recorded ones,
  each weighted by its rarity in the index. Places count in every language's spelling and
  in lower case ("rusya türkiye" finds "Россия", "Turkey").
- words: the share of the query's other words (first KEY_LETTERS letters, folded, weighted by
  rarity among the candidates) found in the article's title and lead. It only helps articles
  in the query's language, which is why the language gap follows.
- language gap: the multilingual model scores an article in the query's language higher than
  the same report in another language (on NTREX, an English title is nearer the English
  articles of other documents than the Russian or Turkish version of its own). Each language's
  scores are raised by the distance from its best candidate to the best candidate overall, at
  most `language_gap`, so the best report in each language competes on equal terms and a
  language whose best candidate is far below the rest (off topic) stays below.

The weights were chosen on half of NTREX's English-title queries and checked on the other half
and on samples/ (docs/accuracy.md, "Query").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .. import languages
from ..errors import InvalidInput
from ..records import Hit
from ..text.anchors import KEY_LETTERS, anchor_weights, query_anchors, sparse_dot
from ..text.claims import is_claim
from ..vocabulary import parse_camp

if TYPE_CHECKING:
    from .folder import Index

__all__ = ["QueryParams", "Candidate", "search", "rerank", "query_words", "SENTENCE_OVERFETCH"]

SENTENCE_OVERFETCH = 3  # sentences searched per one wanted, so that dropping non-claims still leaves k

_WORD = re.compile(r"[^\W\d_]+")
# words shorter than this are mostly function words in every supported language
_MIN_WORD_LETTERS = 4
# the lead an article's words are read from: its vector is made of its title and lead as well
LEAD_CHARACTERS = 1500


@dataclass(frozen=True)
class QueryParams:
    """How article queries are scored; see the module docstring."""

    anchor_weight: float = 0.1
    word_weight: float = 0.2
    language_gap: float = 0.4
    candidates: int = 100  # nearest articles by cosine that are re-scored


@dataclass(frozen=True)
class Candidate:
    """An article near the query: its cosine, language, title and lead, and anchor keys."""

    rowid: int
    cosine: float
    language: str | None
    text: str
    anchors: Sequence[str]


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(languages.fold(w) for r in languages.SUPPORTED.values() for w in r.stopwords)


def query_words(text: str) -> set[str]:
    """Folded word keys of `text` (first KEY_LETTERS letters), without short and function words."""
    stop = _stopwords()
    keys = set()
    for word in _WORD.findall(text):
        folded = "".join(c for c in languages.fold(word) if c.isalpha())
        if len(folded) >= _MIN_WORD_LETTERS and folded not in stop:
            keys.add(folded[:KEY_LETTERS])
    return keys


def rerank(text: str, candidates: Sequence[Candidate], anchor_counts: Callable[[Iterable[str]], Mapping[str, int]],
           articles: int, params: QueryParams = QueryParams()) -> list[tuple[int, float]]:
    """(rowid, score) of the candidates, best first. `anchor_counts(keys)`: how many of the index's
    articles have each key; `articles`: how many articles have anchors in the index."""
    if not candidates:
        return []
    keys = query_anchors(text)
    counts = dict(anchor_counts(keys)) if keys and params.anchor_weight else {}
    query = anchor_weights([k for k in keys if counts.get(k)], counts, articles) if counts else {}
    if query:
        counts.update(anchor_counts({k for c in candidates for k in c.anchors} - counts.keys()))
    words = query_words(text) if params.word_weight else set()
    found = {c.rowid: query_words(c.text) & words for c in candidates} if words else {}
    df = Counter(k for ks in found.values() for k in ks)
    idf = {k: math.log((len(candidates) + 1) / (df[k] + 1)) for k in words}
    total = sum(v * v for v in idf.values())
    scored: list[tuple[Candidate, float]] = []
    for c in candidates:
        score = (1 - params.anchor_weight - params.word_weight) * c.cosine
        if query:
            score += params.anchor_weight * sparse_dot(query, anchor_weights(c.anchors, counts, articles))
        if total:
            score += params.word_weight * sum(idf[k] ** 2 for k in found[c.rowid]) / total
        scored.append((c, score))
    if params.language_gap:
        best: dict[str | None, float] = {}
        for c, score in scored:
            best[c.language] = max(best.get(c.language, score), score)
        top = max(best.values())
        scored = [(c, score + min(top - best[c.language], params.language_gap)) for c, score in scored]
    return [(c.rowid, score) for c, score in sorted(scored, key=lambda pair: -pair[1])]


def search(index: Index, text: str, k: int = 10, language: str | None = None, camp: str | None = None,
           sentences: bool = False, params: QueryParams = QueryParams()) -> list[Hit]:
    """Articles (or, with `sentences`, sentences) of `index` nearest to `text` in any language;
    articles are ranked by their cosine, the places, names and words they share with `text`, and
    fairly between languages (`rerank`). InvalidInput for empty text, an unknown camp, or a
    language no article here is in."""
    _check_query(index, text, language, camp)
    store = index.store
    vector = index.embedder.embed([text])[0]
    allowed = store.embedded_rowids(language, camp) if (language or camp) else None
    if not sentences:
        found = index.article_vectors.search(vector, max(k, params.candidates), allowed)
        found = _rerank(index, text, found, params)[:k]
        articles = store.articles_by_rowid(i for i, _ in found)
        return [Hit(articles[i], score) for i, score in found if i in articles]
    allowed_sentences = store.sentence_rowids(allowed) if allowed is not None else None
    # boilerplate ("Subscribe to our newsletter") and datelines are no answer: ask for more
    # sentences than wanted and keep the claims (claims.is_claim)
    found = index.sentence_vectors.search(vector, SENTENCE_OVERFETCH * k, allowed_sentences)
    rows = store.sentences_by_rowid([i for i, _ in found])
    articles = store.articles_by_rowid({art for art, _ in rows.values()})
    hits = [Hit(articles[rows[i][0]], score, rows[i][1]) for i, score in found if i in rows]
    return [h for h in hits if h.sentence is not None and is_claim(h.sentence, h.article.language)][:k]


def _rerank(index: Index, text: str, found: list[tuple[int, float]], params: QueryParams) -> list[tuple[int, float]]:
    """`found` (rowid, cosine) re-scored by `rerank`, best first."""
    store = index.store
    articles = store.articles_by_rowid(rowid for rowid, _ in found)
    stored = store.anchors_of([rowid for rowid, _ in found])
    candidates = [Candidate(rowid, cosine, articles[rowid].language,
                            f"{articles[rowid].title}\n{articles[rowid].text[:LEAD_CHARACTERS]}",
                            stored.get(rowid, ())) for rowid, cosine in found if rowid in articles]
    return rerank(text, candidates, store.anchor_counts, store.anchored_articles(), params)


def _check_query(index: Index, text: str, language: str | None, camp: str | None) -> None:
    if not text.strip():
        raise InvalidInput("the query is empty: give some words to search for, in any language")
    if camp is not None:
        parse_camp(camp)
    if language is not None:
        known = index.store.languages()
        if language not in known:
            raise InvalidInput(f"no article in language {language!r} in this index: use one of "
                               f"{', '.join(known) or '(none yet)'} (two-letter codes)")
