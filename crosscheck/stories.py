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
  same data gives the same stories and ids again (articles are taken oldest first, ties by id).

Similarity is the articles' cosine plus shared names and numbers (crosscheck/anchors.py):
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
import functools
import heapq
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from . import languages
from .anchors import KEY_LETTERS, anchor_weights, extract_anchors, sparse_dot
from .errors import InvalidInput, StoryNotFound
from .languages import LanguageRules, fold
from .models import Article, Story, parse_datetime
from .vocabulary import parse_camp

if TYPE_CHECKING:
    from .index import Index
    from .store import Store

__all__ = ["StoryParams", "parse_since", "ClusterReport", "stored_params", "update_stories", "list_stories", "get_story",
           "adhoc_story", "slugify", "story_similarity"]

log = logging.getLogger("crosscheck")

# Story ids and titles come from an article in this language when the story has one (the
# reports' readers read it; it is also the default translation target).
TITLE_LANGUAGE = "en"


@dataclass(frozen=True)
class StoryParams:
    threshold: float = 0.38     # average similarity for two clusters to be one story
    window_days: float = 3.0    # largest gap in days between a story and an article joining it
    max_span_days: float = 7.0  # longest a story runs: a topic that recurs for weeks is several stories
    event_span_days: float = 31.0  # ... unless its reports keep sharing a name of the event (`_continues`)
    neighbours: int = 30        # candidates per new article from the faiss index
    anchor_weight: float = 0.3  # share of shared names and numbers in the similarity
    # Below this average similarity to the rest of its story, a new article stays in the story
    # only if it holds one of the story's identifiers (see `_vet`). SemEval-2022: "same story"
    # precision reaches 0.8 here (benchmarks/accuracy.py --only semeval), the text alone is
    # then good evidence; below it, topic alone (same strait, same border) can carry a pair.
    confirm_below: float = 0.48


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
    version: int = 0
    neighbours: set[int] = field(default_factory=set)

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
        self.neighbours |= other.neighbours
        self.version += 1


def story_similarity(cosine: float, anchor_cosine: float, anchor_weight: float) -> float:
    """How alike two articles are as reports of one event (also between sums of articles)."""
    return (1 - anchor_weight) * cosine + anchor_weight * anchor_cosine


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


def _holders(rowids: Iterable[int], keys: Mapping[int, Iterable[str]]) -> Counter[str]:
    """How many of the articles hold each anchor key."""
    return Counter(k for r in rowids for k in keys.get(r, ()))


def _continues(a: _Cluster, b: _Cluster, timeline: dict[str, list[float]], window: float) -> bool:
    """The two clusters share a name that identifies one event in their period: of the articles
    of this run that hold it and were published from `window` before the first of them to
    `window` after the last, at least half are theirs ("Elbistan", "AFAD" through the weeks after
    an earthquake). Counting within the period lets heavy coverage go on: an earthquake named in
    a thousand articles over a month is still named almost only by its own reports in any
    fortnight. A topic that recurs (talks in Istanbul, a president's visits) shares places and
    names that other stories of the same days hold too; places and numbers never count
    (`_is_identifier`, and a figure such as a toll changes as the event goes on). `timeline`:
    each key's publication times, sorted."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return False
    low, high = min(a.first, b.first) - window, max(a.last, b.last) + window
    small, large = sorted((a.holders, b.holders), key=len)
    for k, n in small.items():
        if k not in large or k.startswith("#") or not _is_identifier(k):
            continue
        held = n + large[k]
        times = timeline.get(k, [])
        in_period = bisect.bisect_right(times, high) - bisect.bisect_left(times, low)
        if 2 * held >= in_period:
            return True
    return False


# A story of at least this many articles is vetted: its other articles must be at least two
# for a name to be corroborated by them.
VET_FROM = 3


@functools.cache
def _weekday_keys() -> frozenset[str]:
    """The anchor keys of weekday names ("Thursday" -> "thurs", "Perşembe" -> "perse"): English,
    German and Turkish capitalise them, so anchors read them as names."""
    return frozenset(fold(w)[:KEY_LETTERS] for rules in languages.SUPPORTED.values()
                     for w in rules.evidence.weekdays)


def _is_identifier(key: str) -> bool:
    """Names and numbers can identify an event; places (keys "@...") cannot: a city, a strait or a
    country hosts many events in the same days, and each is named in every report of them. Nor
    can a weekday: every report of the same day may give it."""
    return not key.startswith("@") and key not in _weekday_keys()


def _vet(members: list[int], fresh: set[int], vectors: dict[int, np.ndarray], anchors: dict[int, dict[str, float]],
         keys: dict[int, set[str]], counts: dict[str, int], params: StoryParams) -> list[int]:
    """The new articles to take out of a story that average linkage formed: those that hold none
    of the story's identifiers while the text alone does not make them part of it.

    The story's identifiers, seen from one of its articles, are the names and numbers that at
    least two of its other articles hold and that no article outside the story holds ("Amber
    Crest", "Sotk", "84": what this event has and its same-day neighbours lack). Names change
    between languages (Kalbajar / Kelbecer), so lacking some is normal; lacking all of them is
    evidence only when the text is not close enough on its own (`StoryParams.confirm_below`). A
    same-topic report of another event (a tanker stuck in the same strait, the bodies exchanged
    the day after the prisoners) has the topic, the places and the countries, but not these.

    Two passes, linear in the story's size: the articles that fail against the whole story are
    taken out together, then each is judged again against the rest without them (a weak member
    that only failed because the others pulled the average down goes back). Articles of a story
    that existed before this run are never taken out. A story without identifiers (a large index
    where every name recurs elsewhere) keeps average linkage's decision.
    """
    if len(members) < VET_FROM:
        return []
    failing = _failing(members, fresh, vectors, anchors, keys, counts, params)
    rest = [r for r in members if r not in set(failing)] if failing else members
    if not failing or len(rest) < VET_FROM - 1:
        return []  # too few left to judge by
    back = set(_failing(rest, set(), vectors, anchors, keys, counts, params, outsiders=failing))
    return [r for r in failing if r in back]


def _failing(members: list[int], fresh: set[int], vectors: dict[int, np.ndarray],
             anchors: dict[int, dict[str, float]], keys: dict[int, set[str]], counts: dict[str, int],
             params: StoryParams, outsiders: list[int] | None = None) -> list[int]:
    """The fresh members (or, given `outsiders`, the outsiders) that do not fit with the other
    members: average similarity below `confirm_below` and none of the others' identifiers."""
    total = np.sum([vectors[r] for r in members], axis=0)
    holders = _holders(members, keys)
    anchor_total: dict[str, float] = {}
    for r in members:
        for k, w in anchors[r].items():
            anchor_total[k] = anchor_total.get(k, 0.0) + w
    # keys of two or more members that no article outside them holds (for a member itself, one
    # it holds needs two other holders)
    exclusive = {k for k, n in holders.items() if n >= 2 and _is_identifier(k) and counts.get(k, 0) <= n}
    judged = [(r, 0) for r in outsiders] if outsiders is not None else [(r, 1) for r in members if r in fresh]
    out = []
    for r, inside in judged:
        others = len(members) - inside
        own = vectors[r] if inside else 0.0
        cosine = float(vectors[r] @ (total - own)) / others
        anchor_cosine = sum(w * (anchor_total.get(k, 0.0) - inside * w) for k, w in anchors[r].items()) / others
        if story_similarity(cosine, anchor_cosine, params.anchor_weight) >= params.confirm_below:
            continue
        mine = keys[r]
        if any(_is_identifier(k) and holders.get(k, 0) - inside >= 2 and counts.get(k, 0) <= holders[k] - inside + 1
               for k in mine):
            continue  # holds an identifier of the others
        if sum(k in exclusive for k in mine) == len(exclusive):
            continue  # the others have no identifier it lacks
        out.append(r)
    return out


@functools.cache
def _slug_stopwords(rules: LanguageRules) -> frozenset[str]:
    return frozenset(fold(w) for w in rules.stopwords)


def slugify(text: str, words: int = 3, language: str | None = None) -> str:
    """'Russia, Turkey exchange military intelligence' -> 'russia-turkey-exchange': the first words
    folded to Latin (Cyrillic transliterated), without the language's function words."""
    stopwords = _slug_stopwords(languages.get(language)) if language else frozenset()
    tokens = [t for t in re.findall(r"[a-z0-9]+", fold(text)) if t not in stopwords]
    return "-".join(tokens[:words]) or "story"


def _new_story_id(articles: list[Article], taken: set[str]) -> str:
    first = min(articles, key=lambda a: (a.published or "9999", a.id))
    preferred = [a for a in articles if a.language == TITLE_LANGUAGE]
    title_source = min(preferred, key=lambda a: (a.published or "9999", a.id)) if preferred else first
    date = (first.published or "")[:10].replace("-", "")[2:] or "undated"
    base = f"{date}-{slugify(title_source.title, language=title_source.language)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


class _AnchorVectors:
    """Anchor vectors of articles, weighted by how many of the index's articles share each key.

    Ingest records each article's anchors; those of an index made before anchors existed
    are extracted and recorded here first, once.
    """

    def __init__(self, store: "Store", rowids: list[int]) -> None:
        self.store = store
        store.save_anchors({a.rowid: extract_anchors(a.title, a.text, a.language)
                            for a in store.articles_without_anchors()})
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


def _neighbours_in_window(index: "Index", new: list[Article], new_vectors: np.ndarray, k: int,
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
            for batch in range(0, len(chunk), 256):  # bounds the score matrix's memory
                rows = chunk[batch:batch + 256]
                scores = new_vectors[rows] @ pool_vectors
                best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
                for row, i in enumerate(rows):
                    order = best[row][np.argsort(-scores[row, best[row]], kind="stable")]
                    out[i] = [pool[j] for j in order if pool[j] != new[i].rowid][:k]
        start = end
    return out


def stored_params(index: "Index") -> StoryParams:
    """The parameters the index's stories were formed with (the defaults for a new index)."""
    raw = index.store.get_meta("story_params")
    if not raw:
        return StoryParams()
    stored = json.loads(raw)
    # an index whose stories were formed before long events had the 7-day cap alone
    stored.setdefault("event_span_days", stored.get("max_span_days", StoryParams.max_span_days))
    return StoryParams(**stored)


def update_stories(index: "Index", params: StoryParams | None = None, rebuild: bool = False) -> ClusterReport:
    """Put every embedded article that is in no story yet into a story (an existing or a new one).

    `params` apply with `rebuild` (all stories formed again) or to a new index; otherwise the
    index keeps the parameters its stories were formed with, so that ids stay stable.
    Holds the index's write lock throughout.
    """
    with index.writing():
        return _update_stories(index, params, rebuild)


def _update_stories(index: "Index", params: StoryParams | None, rebuild: bool) -> ClusterReport:
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
    anchors = _AnchorVectors(store, [a.rowid for a in new])

    clusters: list[_Cluster] = []
    cluster_of_story: dict[str, int] = {}
    cluster_of_article: dict[int, int] = {}
    published_at: dict[int, float | None] = {}
    for a, v in zip(new, new_vectors):
        t = published_at[a.rowid] = _timestamp(a.published)
        cluster_of_article[a.rowid] = len(clusters)
        clusters.append(_Cluster([a.rowid], v.astype(np.float64), t, t, anchors.total([a.rowid]),
                                 _holders([a.rowid], anchors.keys)))

    def story_cluster(story_id: str) -> int:
        if story_id not in cluster_of_story:
            members = store.story_members(story_id)
            rowids = [m.rowid for m in members]
            vecs = vectors_index.reconstruct(rowids).astype(np.float64)
            published_at.update((m.rowid, _timestamp(m.published)) for m in members)
            times = [t for t in (published_at[r] for r in rowids) if t is not None]
            cluster_of_story[story_id] = len(clusters)
            total = anchors.total(rowids)  # loads the members' keys
            clusters.append(_Cluster(rowids, vecs.sum(axis=0), min(times) if times else None,
                                     max(times) if times else None, total, _holders(rowids, anchors.keys),
                                     story_id=story_id))
        return cluster_of_story[story_id]

    # candidate pairs from each new article's nearest neighbours within the time window
    found = _neighbours_in_window(index, new, new_vectors, params.neighbours, window)
    for a, neighbours in zip(new, found):
        me = cluster_of_article[a.rowid]
        for rowid in neighbours:
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

    # each key's publication times over the articles this run knows (the new ones and the stories
    # they may join), for `_continues`
    timeline: dict[str, list[float]] = {}
    for c in clusters:
        for r in c.members:
            t = published_at.get(r)
            if t is not None:
                for k in anchors.keys.get(r, ()):
                    timeline.setdefault(k, []).append(t)
    for times in timeline.values():
        times.sort()
    alive = set(range(len(clusters)))
    heap: list[tuple[float, int, int, int, int]] = []

    def push(i: int, j: int) -> None:
        i, j = min(i, j), max(i, j)
        a, b = clusters[i], clusters[j]
        if a.story_id and b.story_id:
            return  # existing stories never merge: ids stay stable
        if not _within_window(a, b, window, params.max_span_days * 86400) and not (
                _within_window(a, b, window, params.event_span_days * 86400)
                and _continues(a, b, timeline, window)):
            return
        sim = _average(a, b, params.anchor_weight)
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
    position = {a.rowid: i for i, a in enumerate(new)}
    groups: list[tuple[str | None, list[int]]] = []  # (id of the story before this run, members)
    for idx in alive:
        c = clusters[idx]
        fresh_members = {r for r in c.members if r in by_rowid}
        evicted: list[int] = []
        if len(c.members) >= VET_FROM and fresh_members:
            old = [r for r in c.members if r not in position]
            vectors = {r: new_vectors[position[r]].astype(np.float64) for r in fresh_members}
            if old:
                vectors.update(zip(old, vectors_index.reconstruct(old).astype(np.float64)))
            evicted = _vet(c.members, fresh_members, vectors, {r: anchors.total([r]) for r in c.members},
                           {r: set(anchors.keys.get(r, ())) for r in c.members}, anchors.counts, params)
        groups.append((c.story_id, [r for r in c.members if r not in evicted]))
        groups += [(None, [r]) for r in evicted]
    groups.sort(key=lambda g: min(g[1]))

    taken = set(store.story_ids())
    for story_id_before, members in groups:
        fresh = [r for r in members if r in by_rowid]
        if not fresh:
            continue
        if story_id_before:
            store.assign(story_id_before, fresh, new=False)
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
    preferred = [i for i, a in enumerate(articles) if a.language == TITLE_LANGUAGE]
    pool = preferred or list(range(len(articles)))
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


def parse_since(value: str | None) -> str | None:
    """A `since` date as the ISO text stored dates compare with; InvalidInput if it is not a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"--since {value!r} is not a date: use YYYY-MM-DD, such as 2016-09-12") from None


def list_stories(index: "Index", since: str | None = None, camp: str | None = None,
                 min_articles: int = 1) -> list[Story]:
    """Stories, newest first; `since` keeps those that end on or after that ISO date (InvalidInput
    if it is not one), `camp` those that camp covers."""
    since = parse_since(since)
    camp = parse_camp(camp) if camp is not None else None
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
