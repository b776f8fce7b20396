"""Stories: articles about the same event, across languages, outlets and days.

Clustering is average-linkage agglomeration over the faiss article index, run
incrementally:

- each new article's nearest neighbours (faiss) within the time window are its candidates;
- existing stories enter as fixed clusters, new articles as singletons;
- the closest pair of clusters merges while their *average* pairwise cosine similarity is at
  least the threshold. Average linkage does not chain: an article that resembles one member
  of a story, but not the story as a whole, stays out. Unit vectors make the average between
  clusters A and B exactly `sum(A) · sum(B) / (|A| |B|)`, so a merge costs one dot product;
- two existing stories never merge, so a story keeps its id when articles join it; the
  same data gives the same stories and ids again (articles are taken oldest first, ties by id).

The threshold (0.55) was set on real data: on the SemEval-2022 pairs the article similarity
has a median of 0.67 for pairs rated "same story" and 0.40 for "somewhat/not related"; the
samples' seed story and its same-day distractors on Syria, Russia and Turkey lie 0.52 apart
on average. See docs/accuracy.md for the measurements.
"""

from __future__ import annotations

import heapq
import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .errors import StoryNotFound
from .models import Article, Story, parse_datetime

if TYPE_CHECKING:
    from .index import Index

__all__ = ["StoryParams", "ClusterReport", "stored_params", "update_stories", "list_stories", "get_story",
           "adhoc_story", "slugify"]

log = logging.getLogger("crosscheck")


@dataclass(frozen=True)
class StoryParams:
    threshold: float = 0.55     # average cosine similarity for two clusters to be one story
    window_days: float = 3.0    # largest gap in days between a story and an article joining it
    neighbours: int = 30        # candidates per new article from the faiss index


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
    story_id: str | None = None  # set for a story that existed before this run
    version: int = 0
    neighbours: set[int] = field(default_factory=set)

    def merge(self, other: "_Cluster") -> None:
        self.members += other.members
        self.total = self.total + other.total
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        self.first = min(firsts) if firsts else None
        self.last = max(lasts) if lasts else None
        self.story_id = self.story_id or other.story_id
        self.neighbours |= other.neighbours
        self.version += 1


def _average(a: _Cluster, b: _Cluster) -> float:
    return float(a.total @ b.total) / (len(a.members) * len(b.members))


def _within_window(a: _Cluster, b: _Cluster, window: float) -> bool:
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return True
    gap = max(a.first, b.first) - min(a.last, b.last)
    return gap <= window


_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
_STOPWORDS = {"the", "a", "an", "of", "in", "on", "to", "and", "for", "with", "as", "at", "by", "is", "are",
              "ve", "ile", "bir", "bu", "da", "de", "i", "v", "na", "s", "po", "o", "ob", "za", "k"}


def slugify(text: str, words: int = 3) -> str:
    """'Russia, Turkey exchange military intelligence' -> 'russia-turkey-exchange' (Cyrillic transliterated)."""
    folded = "".join(_CYRILLIC.get(c, c) for c in text.casefold().replace("ı", "i"))
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    tokens = [t for t in re.findall(r"[a-z0-9]+", folded) if t not in _STOPWORDS]
    return "-".join(tokens[:words]) or "story"


def _new_story_id(articles: list[Article], taken: set[str]) -> str:
    first = min(articles, key=lambda a: (a.published or "9999", a.id))
    english = [a for a in articles if a.language == "en"]
    title_source = min(english, key=lambda a: (a.published or "9999", a.id)) if english else first
    date = (first.published or "")[:10].replace("-", "")[2:] or "undated"
    base = f"{date}-{slugify(title_source.title)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def stored_params(index: "Index") -> StoryParams:
    """The parameters the index's stories were formed with (the defaults for a new index)."""
    raw = index.store.get_meta("story_params")
    return StoryParams(**json.loads(raw)) if raw else StoryParams()


def update_stories(index: "Index", params: StoryParams | None = None, rebuild: bool = False) -> ClusterReport:
    """Put every embedded article that is in no story yet into a story (an existing or a new one).

    `params` apply with `rebuild` (all stories formed again) or to a new index; otherwise the
    index keeps the parameters its stories were formed with, so that ids stay stable.
    """
    store = index.store
    if rebuild:
        store.clear_stories()
    if params is None or not (rebuild or not store.story_ids()):
        params = stored_params(index)
    store.set_meta("story_params", json.dumps(asdict(params)))
    index.embed_pending()
    new = store.unassigned_articles()
    report = ClusterReport(new_articles=len(new))
    if not new:
        report.stories = len(store.story_ids())
        return report
    vectors_index = index.article_vectors
    assigned = store.story_assignments()
    new_vectors = vectors_index.reconstruct([a.rowid for a in new])
    window = params.window_days * 86400

    clusters: list[_Cluster] = []
    cluster_of_story: dict[str, int] = {}
    cluster_of_article: dict[int, int] = {}
    for a, v in zip(new, new_vectors):
        t = _timestamp(a.published)
        cluster_of_article[a.rowid] = len(clusters)
        clusters.append(_Cluster([a.rowid], v.astype(np.float64), t, t))

    def story_cluster(story_id: str) -> int:
        if story_id not in cluster_of_story:
            members = store.story_members(story_id)
            vecs = vectors_index.reconstruct([m.rowid for m in members]).astype(np.float64)
            times = [t for t in (_timestamp(m.published) for m in members) if t is not None]
            cluster_of_story[story_id] = len(clusters)
            clusters.append(_Cluster([m.rowid for m in members], vecs.sum(axis=0),
                                     min(times) if times else None, max(times) if times else None,
                                     story_id=story_id))
        return cluster_of_story[story_id]

    # candidate pairs from each new article's nearest neighbours
    k = min(params.neighbours + 1, len(vectors_index))
    found: list[list[tuple[int, float]]] = []
    for start in range(0, len(new), 1024):
        found += vectors_index.search_many(new_vectors[start:start + 1024], k)
    for a, neighbours in zip(new, found):
        me = cluster_of_article[a.rowid]
        for rowid, _score in neighbours:
            if rowid == a.rowid:
                continue
            if rowid in cluster_of_article:
                other = cluster_of_article[rowid]
            elif rowid in assigned:
                other = story_cluster(assigned[rowid])
            else:
                continue
            clusters[me].neighbours.add(other)
            clusters[other].neighbours.add(me)

    alive = set(range(len(clusters)))
    heap: list[tuple[float, int, int, int, int]] = []

    def push(i: int, j: int) -> None:
        i, j = min(i, j), max(i, j)
        a, b = clusters[i], clusters[j]
        if a.story_id and b.story_id:
            return  # existing stories never merge: ids stay stable
        if not _within_window(a, b, window):
            return
        sim = _average(a, b)
        if sim >= params.threshold:
            heapq.heappush(heap, (-sim, i, j, a.version, b.version))

    for i, c in enumerate(clusters):
        for j in c.neighbours:
            if i < j:
                push(i, j)
    while heap:
        _neg, i, j, vi, vj = heapq.heappop(heap)
        if i not in alive or j not in alive or clusters[i].version != vi or clusters[j].version != vj:
            continue
        for n in clusters[j].neighbours:  # neighbours are symmetric: only j's need updating
            clusters[n].neighbours.discard(j)
            clusters[n].neighbours.add(i)
        clusters[i].merge(clusters[j])  # i < j: the older cluster absorbs the newer
        alive.discard(j)
        clusters[i].neighbours.discard(i)
        clusters[i].neighbours.discard(j)
        for n in clusters[i].neighbours:
            if n in alive:
                push(i, n)

    by_rowid = {a.rowid: a for a in new}
    taken = set(store.story_ids())
    for idx in sorted(alive, key=lambda i: min(clusters[i].members)):
        c = clusters[idx]
        fresh = [r for r in c.members if r in by_rowid]
        if not fresh:
            continue
        if c.story_id:
            store.assign(c.story_id, fresh, new=False)
            report.joined_existing += len(fresh)
        else:
            story_id = _new_story_id([by_rowid[r] for r in fresh], taken)
            store.assign(story_id, fresh, new=True)
            report.new_stories += 1
    store.commit()
    report.stories = len(store.story_ids())
    log.info("stories: %d new articles, %d new stories, %d joined existing ones",
             report.new_articles, report.new_stories, report.joined_existing)
    return report


def _representative_title(index: "Index", articles: list[Article]) -> str:
    """The title of the English article nearest the story's centre, else of any article nearest it."""
    if len(articles) == 1:
        return articles[0].title
    vecs = index.article_vectors.reconstruct([a.rowid for a in articles])
    centre = vecs.sum(axis=0)
    scores = vecs @ centre
    english = [i for i, a in enumerate(articles) if a.language == "en"]
    pool = english or list(range(len(articles)))
    return articles[max(pool, key=lambda i: float(scores[i]))].title


def get_story(index: "Index", story_id: str) -> Story:
    members = index.store.story_members(story_id)
    if not members:
        import difflib

        closest = difflib.get_close_matches(story_id, index.store.story_ids(), n=5, cutoff=0.3)
        raise StoryNotFound(story_id, closest)
    return Story(story_id, _representative_title(index, members), members)


def adhoc_story(index: "Index", article_ids: list[str]) -> Story:
    """A story made of the given articles, for `compare --articles`."""
    from .errors import ArticleNotFound

    articles = []
    for article_id in article_ids:
        article = index.store.article_by_id(article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        articles.append(article)
    if not articles:
        raise ArticleNotFound("")
    return Story("articles:" + ",".join(article_ids), _representative_title(index, articles), articles)


def list_stories(index: "Index", since: str | None = None, camp: str | None = None,
                 min_articles: int = 1) -> list[Story]:
    """Stories, newest first; `since` keeps those that end on or after that ISO date."""
    out = []
    for story_id in index.store.story_ids():
        members = index.store.story_members(story_id)
        if len(members) < min_articles:
            continue
        story = Story(story_id, "", members)
        if camp and camp not in story.camps:
            continue
        if since and (story.end or "") < since:
            continue
        story.title = _representative_title(index, members)
        out.append(story)
    out.sort(key=lambda s: (s.end or "", s.id), reverse=True)
    return out
