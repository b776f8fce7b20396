"""Stories: articles about the same event, across languages, outlets and days.

Clustering is average-linkage agglomeration over the faiss article index, run
incrementally:

- each new article's nearest neighbours among the articles published within the time
  window of it are its candidates (`_neighbours_in_window`);
- existing stories enter as fixed clusters, new articles as singletons;
- the closest pair of clusters merges while their *average* pairwise similarity is at
  least the threshold. Average linkage does not chain: an article that resembles one member
  of a story, but not the story as a whole, stays out. Unit vectors make the average between
  clusters A and B exactly `sum(A) · sum(B) / (|A| |B|)`, so a merge costs one dot product;
- clusters merge only when they are within the window of each other and together span at
  most `max_span_days`, so that a topic reported every day for weeks does not chain into
  one story. An event covered for longer (an earthquake and its aftermath) runs up to
  `event_span_days` while its reports keep naming what only it has: a name that the two
  clusters share and that few other articles of the same days hold (`_continues`);
- two existing stories never merge, so a story keeps its id when articles join it; the
  same data gives the same stories and ids again (articles are taken oldest first, ties by id);
- a story of three or more articles is vetted (vetting.py): a new article that holds none of
  its identifiers, while the text alone does not make it part of it, is taken out again.

Similarity is the articles' cosine plus shared names and numbers (crosscheck/text/anchors.py):
`(1 - anchor_weight) * cosine + anchor_weight * anchor_cosine`, where each article's anchors
form a unit-length sparse vector weighted by rarity in the index. Sums of both kinds of unit
vector keep the average-linkage trick exact.

The weight and threshold were set on real data (`python benchmarks/accuracy.py --only
semeval`, docs/accuracy.md). On the 1,283 SemEval-2022 pairs, Pearson with the human rating is
0.707 with anchors at weight 0 and 0.3, 0.711 at 0.1-0.2, and falls past 0.3; anchors alone
reach 0.474. At weight 0.3, F1 of "same story" is flat (0.737-0.744) for thresholds 0.34 to
0.40. Within that range 0.38 is the value at which the samples' seed story (ru, tr and en, ten
articles) stays whole and apart from its same-day distractors (benchmarks/annotated.py): at
0.36 the ceasefire story joins it, at 0.40 the Anadolu Ajansı report drops out. Without
anchors no threshold does both. The margin on the samples is narrow; `--threshold` changes it.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..linkage import agglomerate
from ..records import Article, parse_datetime
from ..text.anchors import anchor_weights, sparse_dot
from .ids import new_story_id
from .params import SECONDS_PER_DAY, StoryParams, story_similarity, stored_params
from .vetting import VET_FROM, is_identifier, key_holders, vet

if TYPE_CHECKING:
    from ..index.folder import Index
    from ..index.store import Store

__all__ = ["ClusterReport", "update_stories"]

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


@dataclass
class _Cluster:
    members: list[int]
    total: np.ndarray           # sum of the members' unit vectors
    first: float | None
    last: float | None
    anchors: dict[str, float]    # sum of the members' unit anchor vectors
    holders: Counter[str]        # how many members hold each anchor key
    story_id: str | None = None  # set for a story that existed before this run

    def merge(self, other: "_Cluster") -> None:
        self.members += other.members
        self.total = self.total + other.total
        for key, weight in other.anchors.items():
            self.anchors[key] = self.anchors.get(key, 0.0) + weight
        self.holders.update(other.holders)
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        self.first = min(firsts) if firsts else None
        self.last = max(lasts) if lasts else None
        self.story_id = self.story_id or other.story_id


def _average(a: _Cluster, b: _Cluster, anchor_weight: float) -> float:
    pairs = len(a.members) * len(b.members)
    return story_similarity(float(a.total @ b.total) / pairs, sparse_dot(a.anchors, b.anchors) / pairs,
                            anchor_weight)


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


def update_stories(index: Index, params: StoryParams | None = None, rebuild: bool = False) -> ClusterReport:
    """Put every embedded article that is in no story yet into a story (an existing or a new one).

    `params` apply with `rebuild` (all stories formed again) or to a new index; otherwise the
    index keeps the parameters its stories were formed with, so that ids stay stable. Articles
    stored without vectors (an ingest that was stopped) join stories once they are embedded.
    Holds the index's write lock throughout.
    """
    with index.writing():
        store = index.store
        if rebuild:
            store.clear_stories()
        if params is None or not (rebuild or not store.story_ids()):
            params = stored_params(index)
        store.set_meta("story_params", json.dumps(asdict(params)))
        new = store.unassigned_articles()
        report = ClusterReport(new_articles=len(new))
        if new:
            _assign(store, _Run(index, new, params).groups(), {a.rowid: a for a in new}, report)
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
    fixed clusters, merged by average linkage (crosscheck/linkage.py), then vetted."""

    def __init__(self, index: Index, new: list[Article], params: StoryParams) -> None:
        self.index, self.new, self.params = index, new, params
        self.store = index.store
        self.vectors_index = index.article_vectors
        self.new_vectors = self.vectors_index.reconstruct([a.rowid for a in new])
        self.window = params.window_days * SECONDS_PER_DAY
        self.anchors = _AnchorVectors(self.store, [a.rowid for a in new])
        self.clusters: list[_Cluster] = []
        self.cluster_of_story: dict[str, int] = {}
        self.cluster_of_article: dict[int, int] = {}
        self.published_at: dict[int, float | None] = {}
        for a, v in zip(new, self.new_vectors):
            t = self.published_at[a.rowid] = _timestamp(a.published)
            self.cluster_of_article[a.rowid] = len(self.clusters)
            self.clusters.append(_Cluster([a.rowid], v.astype(np.float64), t, t, self.anchors.total([a.rowid]),
                                          key_holders([a.rowid], self.anchors.keys)))

    def groups(self) -> list[tuple[str | None, list[int]]]:
        """(the id of the story before this run or None, members) of every cluster, vetted."""
        neighbours = self._neighbours()
        self.timeline = self._timeline()
        alive = agglomerate(len(self.clusters), neighbours, self.params.threshold, self._score, self._merge)
        return self._vetted(alive)

    def _story_cluster(self, story_id: str) -> int:
        """The cluster of an existing story, made when a new article first has it as a neighbour."""
        if story_id not in self.cluster_of_story:
            members = self.store.story_members(story_id)
            rowids = [m.rowid for m in members]
            vecs = self.vectors_index.reconstruct(rowids).astype(np.float64)
            self.published_at.update((m.rowid, _timestamp(m.published)) for m in members)
            times = [t for t in (self.published_at[r] for r in rowids) if t is not None]
            self.cluster_of_story[story_id] = len(self.clusters)
            total = self.anchors.total(rowids)  # loads the members' keys
            self.clusters.append(_Cluster(rowids, vecs.sum(axis=0), min(times) if times else None,
                                          max(times) if times else None, total,
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
        """The average similarity of two clusters, or None when they may not be one story."""
        a, b = self.clusters[i], self.clusters[j]
        if a.story_id and b.story_id:
            return None  # existing stories never merge: ids stay stable
        params = self.params
        if not _within_window(a, b, self.window, params.max_span_days * SECONDS_PER_DAY) and not (
                _within_window(a, b, self.window, params.event_span_days * SECONDS_PER_DAY)
                and _continues(a, b, self.timeline, self.window)):
            return None
        return _average(a, b, params.anchor_weight)

    def _merge(self, i: int, j: int) -> None:
        self.clusters[i].merge(self.clusters[j])  # i < j: the older cluster absorbs the newer

    def _vetted(self, alive: set[int]) -> list[tuple[str | None, list[int]]]:
        """Each cluster's members without the new articles vetting takes out, which become stories
        of their own; in order of their first member."""
        position = {a.rowid: i for i, a in enumerate(self.new)}
        groups: list[tuple[str | None, list[int]]] = []
        for idx in alive:
            c = self.clusters[idx]
            fresh = {r for r in c.members if r in position}
            evicted: list[int] = []
            if len(c.members) >= VET_FROM and fresh:
                old = [r for r in c.members if r not in position]
                vectors = {r: self.new_vectors[position[r]].astype(np.float64) for r in fresh}
                if old:
                    vectors.update(zip(old, self.vectors_index.reconstruct(old).astype(np.float64)))
                evicted = vet(c.members, fresh, vectors, {r: self.anchors.total([r]) for r in c.members},
                              {r: set(self.anchors.keys.get(r, ())) for r in c.members}, self.anchors.counts,
                              self.params)
            groups.append((c.story_id, [r for r in c.members if r not in evicted]))
            groups += [(None, [r]) for r in evicted]
        groups.sort(key=lambda g: min(g[1]))
        return groups


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
