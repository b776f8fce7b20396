"""How a search query ranks articles: the embedding's cosine, places, names and words, and fairness
between languages.

`Index.query` takes the QueryParams.candidates articles nearest to the query's vector and
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

from . import languages
from .anchors import KEY_LETTERS, anchor_weights, query_anchors, sparse_dot

__all__ = ["QueryParams", "Candidate", "rerank", "query_words"]

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
