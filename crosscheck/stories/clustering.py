"""Stories: articles about the same event, across languages, outlets and days.

Clustering is average-linkage agglomeration (crosscheck/linkage.py), run incrementally:

- each new article's nearest neighbours among the articles published within the time
  window of it are its candidates (`_neighbours_in_window`);
- existing stories enter as fixed clusters, new articles as singletons;
- two articles are one event with the probability the story pair model gives (pairs.py:
  their vectors, shared names and numbers, matching facts, the names of their leads, the
  days between them); the closest pair of clusters merges while the *average* probability
  between their members is at least the model's threshold. Average linkage does not chain:
  an article that resembles one member of a story, but not the story as a whole, stays out;
- clusters merge only when they are within the window of each other and together span at
  most `max_span_days`, so that a topic reported every day for weeks does not chain into
  one story. An event covered for longer (an earthquake and its aftermath) runs up to
  `event_span_days` while its reports keep naming what only it has: a name that the two
  clusters share and that few other articles of the same days hold (`_continues`);
- two existing stories never merge, so a story keeps its id when articles join it; the
  same data gives the same stories and ids again (articles are taken oldest first, ties by id).
"""

from __future__ import annotations

import bisect
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from ..linkage import agglomerate
from ..records import Article, parse_datetime
from ..text.anchors import anchor_weights, name_key
from ..text.claims import is_claim
from ..text.evidence import days_named
from ..text.rules import rules_for
from .ids import new_story_id
from .pairs import ArticleEvidence, StoryPairModel, lead_names, story_pair_features
from .params import METHOD, SECONDS_PER_DAY, StoryParams, stored_params
from .identifiers import is_identifier, key_holders

if TYPE_CHECKING:
    from ..index.folder import Index
    from ..index.store import Store

__all__ = ["ClusterReport", "EvidenceReader", "update_stories"]

log = logging.getLogger("crosscheck")


@dataclass
class ClusterReport:
    new_articles: int = 0
    new_stories: int = 0
    joined_existing: int = 0
    stories: int = 0


def _timestamp(published: str | None) -> float | None:
    dt = parse_datetime(published)
    return dt.timestamp() if dt else None


def _day(published: str | None) -> date | None:
    """The day of `published` in its own time zone."""
    dt = parse_datetime(published)
    return dt.date() if dt else None


@dataclass
class _Cluster:
    members: list[int]
    first: float | None
    last: float | None
    holders: Counter[str]        # how many members hold each anchor key
    story_id: str | None = None  # set for a story that existed before this run

    def merge(self, other: "_Cluster") -> None:
        self.members += other.members
        self.holders.update(other.holders)
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        self.first = min(firsts) if firsts else None
        self.last = max(lasts) if lasts else None
        self.story_id = self.story_id or other.story_id


def _within_window(a: _Cluster, b: _Cluster, window: float, max_span: float) -> bool:
    """The two are at most `window` apart, and together span at most `max_span`."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return True
    gap = max(a.first, b.first) - min(a.last, b.last)
    return gap <= window and max(a.last, b.last) - min(a.first, b.first) <= max_span


class _AnchorVectors:
    """Anchor vectors of articles, weighted by how many of the index's articles share each key.

    Ingest records each article's anchors (and the migration 0008 those of an index made
    before anchors existed).
    """

    def __init__(self, store: Store, rowids: list[int]) -> None:
        self.store = store
        self.articles = store.anchored_articles()
        self.keys: dict[int, list[str]] = {}
        self.counts: dict[str, int] = {}
        self._load(rowids)

    def _load(self, rowids: list[int]) -> None:
        keys = self.store.anchors_of(rowids)
        self.keys.update(keys)
        wanted = {k for ks in keys.values() for k in ks} - self.counts.keys()
        if wanted:
            self.counts.update(self.store.anchor_counts(wanted))

    def total(self, rowids: list[int]) -> dict[str, float]:
        """The sum of the articles' unit anchor vectors."""
        missing = [r for r in rowids if r not in self.keys]
        if missing:
            self._load(missing)
        out: dict[str, float] = {}
        for rowid in rowids:
            for k, w in anchor_weights(self.keys.get(rowid, ()), self.counts, self.articles).items():
                out[k] = out.get(k, 0.0) + w
        return out


CHUNK_ARTICLES = 2048  # new articles searched together against one pool of candidates
# new articles scored against the pool at once: bounds the score matrix (256 x pool floats)
SCORE_ROWS = 256


def _neighbours_in_window(index: Index, new: list[Article], new_vectors: np.ndarray, k: int,
                          window: float) -> list[list[int]]:
    """For each new article, the rowids of its k nearest articles among those published
    within `window` seconds of it (and the undated ones).

    New articles are taken in chunks that span at most one window; each chunk is searched
    exactly against the embedded articles of its period, read back from the vector index.
    Searching the whole index instead would cost more as the collection grows (O(n) per
    article) and, for a topic that recurs, would fill the k places with reports from other
    weeks that the window then throws away.
    """
    vectors_index = index.article_vectors
    out: list[list[int]] = [[] for _ in new]
    times = [_timestamp(a.published) for a in new]
    undated_new = [i for i, t in enumerate(times) if t is None]
    if undated_new:  # no window to search in: the whole index
        found = vectors_index.search_many(new_vectors[undated_new], min(k + 1, len(vectors_index)))
        for i, hits in zip(undated_new, found):
            out[i] = [r for r, _ in hits if r != new[i].rowid][:k]
    undated_pool = index.store.embedded_undated()
    dated = sorted((t, i) for i, t in enumerate(times) if t is not None)
    start = 0
    while start < len(dated):
        first = dated[start][0]
        end = start
        while end < len(dated) and dated[end][0] - first <= window and end - start < CHUNK_ARTICLES:
            end += 1
        chunk = [i for _, i in dated[start:end]]
        low, high = first - window, dated[end - 1][0] + window
        pool = [r for r, published in index.store.embedded_published_between(low, high)
                if (t := _timestamp(published)) is not None and low <= t <= high]
        pool += undated_pool
        if pool:
            pool_vectors = vectors_index.reconstruct(pool).T
            take = min(k + 1, len(pool))
            for batch in range(0, len(chunk), SCORE_ROWS):
                rows = chunk[batch:batch + SCORE_ROWS]
                scores = new_vectors[rows] @ pool_vectors
                best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
                for row, i in enumerate(rows):
                    order = best[row][np.argsort(-scores[row, best[row]], kind="stable")]
                    out[i] = [pool[j] for j in order if pool[j] != new[i].rowid][:k]
        start = end
    return out


def update_stories(index: Index, params: StoryParams | None = None, rebuild: bool = False,
                   model: StoryPairModel | None = None) -> ClusterReport:
    """Put every embedded article that is in no story yet into a story (an existing or a new one).

    `params` apply with `rebuild` (all stories formed again) or to a new index; otherwise the
    index keeps the parameters its stories were formed with, so that ids stay stable. `model` is
    the story pair model (the shipped one by default; benchmarks/protocol.py fits others). Articles
    stored without vectors (an ingest that was stopped) join stories once they are embedded.
    Holds the index's write lock throughout.
    """
    with index.writing():
        store = index.store
        if rebuild:
            store.clear_stories()
        if params is None or not (rebuild or not store.story_ids()):
            params = stored_params(index)
        store.set_meta("story_params", json.dumps({**asdict(params), "method": METHOD}))
        new = store.unassigned_articles()
        report = ClusterReport(new_articles=len(new))
        if new:
            _assign(store, _Run(index, new, params, model or StoryPairModel.default()).groups(),
                    {a.rowid: a for a in new}, report)
            store.commit()
        report.stories = len(store.story_ids())
        if new:
            log.info("stories: %d new articles, %d new stories, %d joined existing ones",
                     report.new_articles, report.new_stories, report.joined_existing)
        return report


def _assign(store: Store, groups: list[tuple[str | None, list[int]]], new: dict[int, Article],
            report: ClusterReport) -> None:
    """Store each group's new articles in its story: the one it had before this run, or a new one."""
    taken = set(store.story_ids())
    for story_id_before, members in groups:
        fresh = [r for r in members if r in new]
        if not fresh:
            continue
        if story_id_before:
            store.assign(story_id_before, fresh, new=False)
            report.joined_existing += len(fresh)
        else:
            store.assign(new_story_id([new[r] for r in fresh], taken), fresh, new=True)
            report.new_stories += 1


class _Run:
    """One clustering run: the new articles as singletons and the stories they may join as
    fixed clusters, merged by average linkage (crosscheck/linkage.py) over the probabilities
    of the story pair model (pairs.py)."""

    def __init__(self, index: Index, new: list[Article], params: StoryParams, model: StoryPairModel) -> None:
        self.index, self.new, self.params, self.model = index, new, params, model
        self.store = index.store
        self.vectors_index = index.article_vectors
        self.new_vectors = self.vectors_index.reconstruct([a.rowid for a in new])
        self.window = params.window_days * SECONDS_PER_DAY
        self.anchors = _AnchorVectors(self.store, [a.rowid for a in new])
        self.clusters: list[_Cluster] = []
        self.cluster_of_story: dict[str, int] = {}
        self.cluster_of_article: dict[int, int] = {}
        self.published_at: dict[int, float | None] = {}
        self.reader = EvidenceReader(index, self.anchors)
        self.reader.know(new, self.new_vectors)
        self.probability: dict[tuple[int, int], float] = {}
        for a in new:
            t = self.published_at[a.rowid] = _timestamp(a.published)
            self.cluster_of_article[a.rowid] = len(self.clusters)
            self.clusters.append(_Cluster([a.rowid], t, t, key_holders([a.rowid], self.anchors.keys)))

    def groups(self) -> list[tuple[str | None, list[int]]]:
        """(the id of the story before this run or None, members) of every cluster, in order of
        their first member."""
        neighbours = self._neighbours()
        self.timeline = self._timeline()
        threshold = self.params.threshold if self.params.threshold is not None else self.model.threshold
        alive = agglomerate(len(self.clusters), neighbours, threshold, self._score, self._merge)
        return sorted(((self.clusters[i].story_id, self.clusters[i].members) for i in alive), key=lambda g: min(g[1]))

    def _story_cluster(self, story_id: str) -> int:
        """The cluster of an existing story, made when a new article first has it as a neighbour."""
        if story_id not in self.cluster_of_story:
            members = self.store.story_members(story_id)
            rowids = [m.rowid for m in members]
            self.reader.know(members, self.vectors_index.reconstruct(rowids))
            self.published_at.update((m.rowid, _timestamp(m.published)) for m in members)
            times = [t for t in (self.published_at[r] for r in rowids) if t is not None]
            self.anchors.total(rowids)  # loads the members' keys
            self.cluster_of_story[story_id] = len(self.clusters)
            self.clusters.append(_Cluster(rowids, min(times) if times else None, max(times) if times else None,
                                          key_holders(rowids, self.anchors.keys), story_id=story_id))
        return self.cluster_of_story[story_id]

    def _neighbours(self) -> list[tuple[int, int]]:
        """Candidate pairs of clusters, from each new article's nearest neighbours within the window."""
        assigned = self.store.story_assignments()
        found = _neighbours_in_window(self.index, self.new, self.new_vectors, self.params.neighbours, self.window)
        pairs: list[tuple[int, int]] = []
        for a, near in zip(self.new, found):
            me = self.cluster_of_article[a.rowid]
            for rowid in near:
                if rowid == a.rowid:
                    continue
                if rowid in self.cluster_of_article:
                    pairs.append((me, self.cluster_of_article[rowid]))
                elif rowid in assigned:
                    pairs.append((me, self._story_cluster(assigned[rowid])))
        return pairs

    def _timeline(self) -> dict[str, list[float]]:
        """Each anchor key's publication times, sorted, over the articles this run knows (the new
        ones and the stories they may join), for `_continues`."""
        timeline: dict[str, list[float]] = {}
        for c in self.clusters:
            for r in c.members:
                t = self.published_at.get(r)
                if t is not None:
                    for k in self.anchors.keys.get(r, ()):
                        timeline.setdefault(k, []).append(t)
        for times in timeline.values():
            times.sort()
        return timeline

    def _score(self, i: int, j: int) -> float | None:
        """The average probability that the two clusters' articles report one event, or None when
        they may not be one story."""
        a, b = self.clusters[i], self.clusters[j]
        if a.story_id and b.story_id:
            return None  # existing stories never merge: ids stay stable
        params = self.params
        if not _within_window(a, b, self.window, params.max_span_days * SECONDS_PER_DAY) and not (
                _within_window(a, b, self.window, params.event_span_days * SECONDS_PER_DAY)
                and _continues(a, b, self.timeline, self.window)):
            return None
        return sum(self._pair(x, y) for x in a.members for y in b.members) / (len(a.members) * len(b.members))

    def _merge(self, i: int, j: int) -> None:
        self.clusters[i].merge(self.clusters[j])  # i < j: the older cluster absorbs the newer

    def _pair(self, x: int, y: int) -> float:
        """The story pair model's probability for two articles (by rowid), computed once."""
        key = (min(x, y), max(x, y))
        if key not in self.probability:
            self.probability[key] = self.model.probability(story_pair_features(self.reader.evidence(x),
                                                                               self.reader.evidence(y)))
        return self.probability[key]


class EvidenceReader:
    """Reads what the story pair model needs of each article (pairs.py, `ArticleEvidence`): its
    vector, its rarity-weighted anchors, its claims' vectors, its lead's names, once each."""

    def __init__(self, index: Index, anchors: _AnchorVectors | None = None) -> None:
        self.index = index
        self.anchors = anchors or _AnchorVectors(index.store, [])
        self.articles: dict[int, Article] = {}
        self.vectors: dict[int, np.ndarray] = {}
        self.cache: dict[int, ArticleEvidence] = {}

    def know(self, articles: list[Article], vectors: np.ndarray) -> None:
        """Articles whose evidence may be asked for, with their vectors (as the index holds them)."""
        self.articles.update((a.rowid, a) for a in articles)
        self.vectors.update((a.rowid, v) for a, v in zip(articles, vectors))

    def evidence(self, rowid: int) -> ArticleEvidence:
        if rowid not in self.cache:
            article = self.articles[rowid]
            rules = rules_for(article.language)
            claims = [s[0] for s in self.index.store.article_sentences(rowid) if is_claim(s[5], rules)]
            outlet = frozenset(k for word in article.outlet.split() if (k := name_key(word, rules.rules)))
            self.cache[rowid] = ArticleEvidence(
                self.vectors[rowid].astype(np.float64), self.anchors.total([rowid]),
                self.index.sentence_vectors.reconstruct(claims).astype(np.float64),
                lead_names(article.title, article.text, article.language), article.language,
                _timestamp(article.published), days_named(article.text, rules, article.published),
                _day(article.published), outlet)
        return self.cache[rowid]


def _continues(a: _Cluster, b: _Cluster, timeline: dict[str, list[float]], window: float) -> bool:
    """The two clusters share a name that identifies one event in their period: of the articles
    of this run that hold it and were published from `window` before the first of them to
    `window` after the last, at least half are theirs ("Elbistan", "AFAD" through the weeks after
    an earthquake). Counting within the period lets heavy coverage go on: an earthquake named in
    a thousand articles over a month is still named almost only by its own reports in any
    fortnight. A topic that recurs (talks in Istanbul, a president's visits) shares places and
    names that other stories of the same days hold too; places and numbers never count
    (`is_identifier`, and a figure such as a toll changes as the event goes on). `timeline`:
    each key's publication times, sorted."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return False
    low, high = min(a.first, b.first) - window, max(a.last, b.last) + window
    small, large = sorted((a.holders, b.holders), key=len)
    for k, n in small.items():
        if k not in large or k.startswith("#") or not is_identifier(k):
            continue
        held = n + large[k]
        times = timeline.get(k, [])
        in_period = bisect.bisect_right(times, high) - bisect.bisect_left(times, low)
        if 2 * held >= in_period:
            return True
    return False
