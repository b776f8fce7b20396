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
- relevance floor: equal terms must not lift what is off topic ("санкции удобрения" lifted the
  only German article, a storm report, level with TASS). A query of a few words says little
  about an article's topic across languages, so the lift goes by how close each article is to
  the best match, article to article, as stories compare articles across languages. Below
  `relevance_floor` an article gets none of its language's lift; from `relevance_full` on, all
  of it; in between, a share. A language's lift is measured from its best article above the
  floor, and a language with none stays where its scores put it.

The weights were chosen on half of NTREX's English-title queries and checked on the other half
and on samples/ (docs/accuracy.md, "Query"); the floor likewise (docs/accuracy.md, "Off-topic
articles and the relevance floor").
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .. import languages
from ..errors import InvalidInput
from ..records import Article, Hit
from ..text.anchors import KEY_LETTERS, anchor_weights, query_anchors, sparse_dot
from ..text.claims import is_claim
from ..vocabulary import parse_camp

if TYPE_CHECKING:
    from .folder import Index

__all__ = ["QueryParams", "Candidate", "ArticleFacts", "search", "rerank", "article_candidates", "query_words",
           "SENTENCE_OVERFETCH"]

SENTENCE_OVERFETCH = 3  # sentences searched per one wanted, so that dropping non-claims still leaves k

_WORD = re.compile(r"[^\W\d_]+")
# words shorter than this are mostly function words in every supported language
_MIN_WORD_LETTERS = 4
# the lead an article's words are read from: its vector is made of its title and lead as well
LEAD_CHARACTERS = 1500
WORD_KEYS_CACHED = 1 << 16  # distinct words whose keys are kept (about 100 bytes each)
CANDIDATES_CACHED = 4096  # candidates' title-and-lead keys kept (about 10 KB each)


@dataclass(frozen=True)
class QueryParams:
    """How article queries are scored; see the module docstring."""

    anchor_weight: float = 0.1
    word_weight: float = 0.2
    language_gap: float = 0.4
    candidates: int = 100  # nearest articles by cosine that are re-scored
    # closeness (cosine of article vectors) to the best match from which an article gets a share
    # of its language's lift, and from which it gets all of it: chosen on the NTREX documents at
    # even positions and annotated_dev, checked on the odd ones and annotated_dev2
    # (benchmarks/query_topics.py, docs/accuracy.md "Off-topic articles and the relevance floor")
    relevance_floor: float = 0.4
    relevance_full: float = 0.8


@dataclass(frozen=True)
class Candidate:
    """An article near the query: its cosine, language, title and lead, anchor keys, and its
    article vector (unit length), which tells how close it is to the best match; a candidate
    without one gets no lift from the language gap. `article`: the article without its text, when
    it was read from an index (a search's hits, if they are to come without their texts)."""

    rowid: int
    cosine: float
    language: str | None
    text: str
    anchors: Sequence[str]
    vector: np.ndarray | None = None
    article: Article | None = None

    @cached_property
    def words(self) -> frozenset[str]:
        """`query_words` of its title and lead, read once: ArticleFacts keeps the candidate, and a
        server's searches meet it again and again."""
        return candidate_words(self.text)


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(languages.fold(w) for r in languages.SUPPORTED.values() for w in r.stopwords)


def query_words(text: str) -> set[str]:
    """Folded word keys of `text` (first KEY_LETTERS letters), without short and function words."""
    return {key for key in map(_word_key, _WORD.findall(text)) if key is not None}


@lru_cache(maxsize=CANDIDATES_CACHED)
def candidate_words(text: str) -> frozenset[str]:
    """query_words of a candidate's title and lead (`Candidate.words`), kept for the next search that
    meets it in another Candidate (benchmarks copy candidates; each costs about 0.3 ms to read)."""
    return frozenset(query_words(text))


@lru_cache(maxsize=WORD_KEYS_CACHED)
def _word_key(word: str) -> str | None:
    """One word's key, or None for a short or function word. Cached: a search reads the leads of
    its 100 candidates, and folding each of their words anew took 150 of a search's 167 ms
    (measured on 1,000 generated articles); words repeat, so most are folded once."""
    folded = "".join(c for c in languages.fold(word) if c.isalpha())
    if len(folded) >= _MIN_WORD_LETTERS and folded not in _stopwords():
        return folded[:KEY_LETTERS]
    return None


class ArticleFacts:
    """What re-ranking reads of each article (its language, title and lead, anchor keys and vector,
    and its anchor weights), kept between the searches of one state of an index: a server's searches
    meet the same articles again and again, and reading them anew from SQLite and faiss, and
    weighting their anchors, took more of a search's time than embedding its query (measured on
    2,000 generated articles, docs/performance.md "Serve at scale").

    The owner makes a new one whenever the index changes (web/reader.py: whenever the vector files
    change); the anchor weights are also kept per count of anchored articles, which every ingest
    changes. Safe to share between threads; at most `capacity` articles are kept."""

    def __init__(self, capacity: int = CANDIDATES_CACHED) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._articles: OrderedDict[int, Candidate] = OrderedDict()  # cosine 0: filled in per search
        self._weights: dict[int, dict[int, dict[str, float]]] = {}  # anchored articles -> rowid -> weights

    def known(self, rowids: Iterable[int]) -> dict[int, Candidate]:
        """The kept articles among `rowids` (with cosine 0), kept longer for being asked for."""
        with self._lock:
            out = {r: self._articles[r] for r in rowids if r in self._articles}
            for r in out:
                self._articles.move_to_end(r)
            return out

    def keep(self, found: Iterable[Candidate]) -> None:
        """Keep these articles (their cosines are not read), dropping the least recently asked for."""
        with self._lock:
            for c in found:
                self._articles[c.rowid] = c
            while len(self._articles) > self.capacity:
                dropped, _ = self._articles.popitem(last=False)
                for weights in self._weights.values():
                    weights.pop(dropped, None)

    def anchor_weights(self, candidates: Sequence[Candidate], counts: dict[str, int],
                       anchor_counts: Callable[[Iterable[str]], Mapping[str, int]],
                       articles: int) -> dict[int, dict[str, float]]:
        """rowid -> anchor_weights of each candidate's anchors, the new ones' keys counted through
        `anchor_counts` (and added to `counts`), as `rerank` weights them."""
        with self._lock:
            kept = self._weights.setdefault(articles, {})
            if len(self._weights) > 1:  # the index grew: the other counts' weights are stale
                self._weights = {articles: kept}
            out = {c.rowid: kept[c.rowid] for c in candidates if c.rowid in kept}
        new = [c for c in candidates if c.rowid not in out]
        if new:
            out.update(_candidate_weights(new, counts, anchor_counts, articles))
            with self._lock:
                kept.update((c.rowid, out[c.rowid]) for c in new)
        return out


def _candidate_weights(candidates: Sequence[Candidate], counts: dict[str, int],
                       anchor_counts: Callable[[Iterable[str]], Mapping[str, int]],
                       articles: int) -> dict[int, dict[str, float]]:
    """rowid -> anchor_weights of each candidate's anchors; the keys `counts` lacks are counted
    through `anchor_counts` and added to it."""
    counts.update(anchor_counts({k for c in candidates for k in c.anchors} - counts.keys()))
    return {c.rowid: anchor_weights(c.anchors, counts, articles) for c in candidates}


def rerank(text: str, candidates: Sequence[Candidate], anchor_counts: Callable[[Iterable[str]], Mapping[str, int]],
           articles: int, params: QueryParams = QueryParams(),
           facts: ArticleFacts | None = None) -> list[tuple[int, float]]:
    """(rowid, score) of the candidates, best first. `anchor_counts(keys)`: how many of the index's
    articles have each key; `articles`: how many articles have anchors in the index; `facts`: the
    candidates' anchor weights kept from earlier searches (the same scores, sooner)."""
    return _rerank_cosines(text, candidates, [c.cosine for c in candidates], anchor_counts, articles, params, facts)


def _rerank_cosines(text: str, candidates: Sequence[Candidate], cosines: Sequence[float],
                    anchor_counts: Callable[[Iterable[str]], Mapping[str, int]], articles: int,
                    params: QueryParams, facts: ArticleFacts | None) -> list[tuple[int, float]]:
    """`rerank`, with each candidate's cosine in `cosines` (its own `cosine` is not read): a server
    re-ranks the candidates ArticleFacts keeps without copying each to give it this query's cosine.

    Written for speed (it runs on every search): the formula of the module docstring over all the
    candidates at once (arrays for the words, the lift and the closeness to the best match; the
    anchors only of candidates that share one with the query). The sums run in another order than a
    candidate at a time would add them, so a score may differ from the formula's in its last bit."""
    if not candidates:
        return []
    n = len(candidates)
    anchor_weight, word_weight = params.anchor_weight, params.word_weight
    scores = (1 - anchor_weight - word_weight) * np.asarray(cosines, dtype=np.float64)
    keys = query_anchors(text)
    counts = dict(anchor_counts(keys)) if keys and anchor_weight else {}
    query = anchor_weights([k for k in keys if counts.get(k)], counts, articles) if counts else {}
    if query:
        weights = (facts.anchor_weights(candidates, counts, anchor_counts, articles) if facts is not None
                   else _candidate_weights(candidates, counts, anchor_counts, articles))
        shared = np.zeros(n)
        for i, c in enumerate(candidates):
            theirs = weights[c.rowid]
            if not query.keys().isdisjoint(theirs):  # most candidates share none of the query's anchors
                shared[i] = sparse_dot(query, theirs)
        scores += anchor_weight * shared
    words = query_words(text) if word_weight else set()
    if words:
        # which candidates' titles and leads have each query word; each word weighted by its rarity
        # among the candidates (idf), a candidate's share the sum of its words' squared weights
        column = {w: j for j, w in enumerate(words)}
        found = np.zeros((n, len(words)))
        for i, c in enumerate(candidates):
            for w in c.words & words:
                found[i, column[w]] = 1.0
        idf = np.log((n + 1) / (found.sum(axis=0) + 1))
        squares = idf * idf
        total = float(squares.sum())
        if total:
            scores += word_weight * (found @ squares) / total
    if params.language_gap:
        scores = _lift_languages(candidates, scores, params)
    order = np.argsort(-scores, kind="stable")
    return [(candidates[i].rowid, float(scores[i])) for i in order.tolist()]


def _lift_languages(candidates: Sequence[Candidate], scores: np.ndarray, params: QueryParams) -> np.ndarray:
    """The language gap within the relevance floor (module docstring): each language's scores
    raised by the distance from its best candidate above the floor to the best overall (at most
    `language_gap`), each candidate by the share its closeness to the best match earns."""
    leader = int(np.argmax(scores))
    top = float(scores[leader])
    reach = _reach(candidates, candidates[leader], params)
    code: dict[str | None, int] = {}
    written_in = np.array([code.setdefault(c.language, len(code)) for c in candidates])
    lifted = scores.copy()
    for language in np.unique(written_in[reach > 0]):
        mine = written_in == language
        best = float(scores[mine & (reach > 0)].max())
        lifted[mine] += min(top - best, params.language_gap) * reach[mine]
    return lifted


def _reach(candidates: Sequence[Candidate], leader: Candidate, params: QueryParams) -> np.ndarray:
    """The share of its language's lift each candidate gets: 0 up to `relevance_floor` closeness
    to the best match (`leader`), 1 from `relevance_full`, linear in between; 0 without vectors.
    The closeness of all of them in one matrix product, not a dot product per candidate."""
    out = np.zeros(len(candidates))
    with_vector = [i for i, c in enumerate(candidates) if c.vector is not None]
    if leader.vector is None or not with_vector:
        return out
    vectors = np.concatenate([candidates[i].vector for i in with_vector])  # type: ignore[misc]
    closeness = (vectors.reshape(len(with_vector), -1) @ leader.vector.reshape(-1)).astype(np.float64)
    low, full = params.relevance_floor, params.relevance_full
    out[with_vector] = np.clip((closeness - low) / (full - low), 0.0, 1.0) if full > low else closeness >= full
    return out


def search(index: Index, text: str, k: int = 10, language: str | None = None, camp: str | None = None,
           sentences: bool = False, params: QueryParams = QueryParams(), facts: ArticleFacts | None = None,
           vector: np.ndarray | None = None, with_text: bool = True) -> list[Hit]:
    """Articles (or, with `sentences`, sentences) of `index` nearest to `text` in any language;
    articles are ranked by their cosine, the places, names and words they share with `text`, and
    fairly between languages (`rerank`). `facts`: what earlier searches of this state of the index
    read of their candidates (ArticleFacts), kept by a caller that searches often; `vector`: the
    text's vector, `index.embedder.embed([text])[0]`, if the caller has it already; without
    `with_text`, the hits' articles without their texts (a server's pages show titles and sentences, and an
    article's text is most of what a search would read and send). InvalidInput
    for empty text, an unknown camp, or a language no article here is in."""
    _check_query(index, text, language, camp)
    store = index.store
    if vector is None:
        vector = index.embedder.embed([text])[0]
    allowed = store.embedded_rowids(language, camp) if (language or camp) else None
    if not sentences:
        found = index.article_vectors.search(vector, max(k, params.candidates), allowed)
        kept = _known_candidates(index, found, facts)
        found = _rerank(index, text, found, kept, params, facts)[:k]
        articles = {} if with_text else {i: a for i, _ in found if (a := kept[i].article) is not None}
        if len(articles) < len(found):  # the texts wanted, or a candidate made without its article
            articles.update(store.articles_by_rowid((i for i, _ in found if i not in articles), with_text=with_text))
        return [Hit(article, score) for i, score in found if (article := articles.get(i)) is not None]
    allowed_sentences = store.sentence_rowids(allowed) if allowed is not None else None
    # boilerplate ("Subscribe to our newsletter") and datelines are no answer: ask for more
    # sentences than wanted and keep the claims (claims.is_claim)
    found = index.sentence_vectors.search(vector, SENTENCE_OVERFETCH * k, allowed_sentences)
    rows = store.sentences_by_rowid([i for i, _ in found])
    articles = store.articles_by_rowid({art for art, _ in rows.values()}, with_text=with_text)
    hits = (Hit(articles[rows[i][0]], score, rows[i][1]) for i, score in found if i in rows)
    # the first k claims: the sentences after them need not be read (is_claim costs 0.15 ms each)
    claims = (h for h in hits if h.sentence is not None and is_claim(h.sentence, h.article.language))
    return list(itertools.islice(claims, k))


def _rerank(index: Index, text: str, found: list[tuple[int, float]], kept: Mapping[int, Candidate],
            params: QueryParams, facts: ArticleFacts | None = None) -> list[tuple[int, float]]:
    """`found` (rowid, cosine) re-scored by `rerank`, best first; `kept`: their articles as candidates
    (`_known_candidates`)."""
    store = index.store
    present = [(kept[rowid], cosine) for rowid, cosine in found if rowid in kept]
    return _rerank_cosines(text, [c for c, _ in present], [cosine for _, cosine in present], store.anchor_counts,
                           store.anchored_articles(), params, facts)


def article_candidates(index: Index, found: Sequence[tuple[int, float]],
                       facts: ArticleFacts | None = None) -> list[Candidate]:
    """The articles `found` (rowid, cosine: the nearest to a query's vector) as `rerank` takes them;
    those `facts` knows are not read again, the others are read and kept there."""
    kept = _known_candidates(index, found, facts)
    return [replace(c, cosine=cosine) for rowid, cosine in found if (c := kept.get(rowid)) is not None]


def _known_candidates(index: Index, found: Sequence[tuple[int, float]],
                      facts: ArticleFacts | None) -> Mapping[int, Candidate]:
    """rowid -> the article as a Candidate (its cosine not this query's), for those of `found` the
    index has: kept in `facts`, or read and then kept there."""
    if facts is None:
        return {c.rowid: c for c in _read_candidates(index, found)}
    known = facts.known(rowid for rowid, _ in found)
    read = {c.rowid: c for c in _read_candidates(index, [(r, 0.0) for r, _ in found if r not in known])}
    facts.keep(read.values())
    return {**known, **read}


def _read_candidates(index: Index, found: Sequence[tuple[int, float]]) -> list[Candidate]:
    """The articles `found` (rowid, cosine), read from the index's rows and vectors."""
    store = index.store
    articles = store.articles_by_rowid(rowid for rowid, _ in found)
    stored = store.anchors_of([rowid for rowid, _ in found])
    found = [(rowid, cosine) for rowid, cosine in found if rowid in articles]
    vectors = index.article_vectors.reconstruct([rowid for rowid, _ in found])  # found there: all present
    return [Candidate(rowid, cosine, articles[rowid].language,
                      f"{articles[rowid].title}\n{articles[rowid].text[:LEAD_CHARACTERS]}",
                      stored.get(rowid, ()), vector, replace(articles[rowid], text=""))
            for (rowid, cosine), vector in zip(found, vectors)]


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
