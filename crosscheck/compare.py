"""Compare a story claim by claim: align claims across articles and languages into groups,
count the independent sources behind each, and flag numbers that disagree.

Steps, for the articles of one story (or any set of articles):
1. claims: the story's sentences that state something checkable (claims.analyse), with their
   vectors from the sentence index (nothing is embedded again);
2. alignment: average-linkage agglomeration of claims whose average cosine similarity is at
   least CLAIM_THRESHOLD, never putting two claims of one article into one group;
3. numbers: a group whose mentions give different numbers for the same fact (12 vs 15) is
   split by number, and the parts are linked as conflicts; groups that are close but below
   the threshold are also checked for conflicting numbers;
4. sources: a mention's origin is the outlet it comes from once reprints ("near-verbatim"
   copies) and citations ("citing TASS", "ссылаясь на ТАСС", "TASS'ın haberine göre") are
   followed back through the story; a group's independent sources are its distinct origins;
5. status (crosscheck/vocabulary.py): `single_source` (one origin), `shared` (origins in two or
   more of ru, tr, west), `camp_only` (two or more origins, all in one camp).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .claims import Number, analyse, cited_outlets
from .models import Article, Story
from .vocabulary import KNOWN_CAMPS, Status
from .outlets import OutletDirectory, normalise_name
from .sentences import paragraphs

if TYPE_CHECKING:
    from .index import Index

__all__ = [
    "CLAIM_THRESHOLD",
    "CROSS_LANGUAGE_OFFSET",
    "CONFLICT_THRESHOLD",
    "REPRINT_SIMILARITY",
    "STATUSES",
    "Mention",
    "Conflict",
    "ClaimGroup",
    "SentenceView",
    "Comparison",
    "group_claims",
    "compare_articles",
    "compare_story",
]

log = logging.getLogger("crosscheck")

CLAIM_THRESHOLD = 0.65      # similarity for two claims in one language to state the same fact
CROSS_LANGUAGE_OFFSET = 0.25  # added to the similarity of claims in two languages (0.65 - 0.25 = 0.40)
CONFLICT_THRESHOLD = 0.45   # claims this close whose numbers differ are a conflict
REPRINT_SIMILARITY = 0.9    # a sentence this close to an earlier article's is copied
REPRINT_SHARE = 0.6         # an article whose claims are this much copied is a reprint
LEAD_PARAGRAPHS = 1         # a citation in the title or the first paragraph covers the article
STATUSES: tuple[Status, ...] = tuple(Status)


@dataclass
class Mention:
    """One claim as one article states it."""

    article: Article
    sentence_rowid: int
    position: int
    text: str
    attributed_to: str | None
    numbers: tuple[Number, ...]
    origin: str = ""            # the outlet this mention goes back to
    via: list[str] = field(default_factory=list)  # outlets passed on the way there

    @property
    def values(self) -> frozenset[float]:
        return frozenset(n.value for n in self.numbers)

    def as_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "article_id": a.id, "url": a.url, "outlet": a.outlet, "camp": a.camp, "language": a.language,
            "text": self.text, "attributed_to": self.attributed_to,
            "numbers": [_plain(n.value) for n in self.numbers],
            "origin_outlet": self.origin,
        }


@dataclass
class Conflict:
    claim_id: str
    numbers: list[float]
    other_numbers: list[float]

    def as_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim_id, "numbers": [_plain(v) for v in self.numbers],
                "other_numbers": [_plain(v) for v in self.other_numbers]}


@dataclass
class ClaimGroup:
    id: str
    status: Status
    mentions: list[Mention]
    origin_camps: dict[str, str]  # origin outlet -> its camp
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The wording shown for the group: an English mention if there is one, else the first."""
        english = [m for m in self.mentions if m.article.language == "en"]
        return (english or self.mentions)[0].text

    @property
    def camps(self) -> list[str]:
        return sorted({m.article.camp for m in self.mentions})

    @property
    def outlets(self) -> list[str]:
        return sorted({m.article.outlet for m in self.mentions})

    @property
    def origin_outlets(self) -> list[str]:
        return sorted(self.origin_camps)

    @property
    def independent_sources(self) -> int:
        return len(self.origin_camps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "text": self.text, "camps": self.camps,
            "outlets": self.outlets, "independent_sources": self.independent_sources,
            "origin_outlets": self.origin_outlets,
            "mentions": [m.as_dict() for m in self.mentions],
            "conflicts": [c.as_dict() for c in self.conflicts],
        }


@dataclass
class SentenceView:
    """A sentence of an article as the report shows it: its claim group, if it was kept as a claim."""

    text: str
    start: int
    end: int
    paragraph: int
    claim_id: str | None


@dataclass
class Comparison:
    story: Story
    groups: list[ClaimGroup]
    sentences: dict[str, list[SentenceView]]  # article id -> its sentences in order
    reprints: dict[str, str]                  # article id -> the article it copies

    def by_status(self, status: str) -> list[ClaimGroup]:
        return [g for g in self.groups if g.status == status]

    @property
    def conflicts(self) -> list[ClaimGroup]:
        return [g for g in self.groups if g.conflicts]

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story.as_dict(), "claims": [g.as_dict() for g in self.groups]}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# -- alignment -------------------------------------------------------------------------------
def _mutual_nearest(sims: np.ndarray, owners: Sequence[object], threshold: float) -> list[tuple[int, int]]:
    """Pairs (i, j) from two different owners where each is the other's best match in that
    owner, with similarity at least `threshold`."""
    rows_of: dict[object, list[int]] = {}
    for i, owner in enumerate(owners):
        rows_of.setdefault(owner, []).append(i)
    groups = list(rows_of.values())
    edges = []
    for x in range(len(groups)):
        for y in range(x + 1, len(groups)):
            a, b = groups[x], groups[y]
            block = sims[np.ix_(a, b)]
            best_b = block.argmax(axis=1)
            best_a = block.argmax(axis=0)
            for i, j in enumerate(best_b):
                if best_a[j] == i and block[i, j] >= threshold:
                    edges.append((a[i], b[j]))
    return edges


def group_claims(vectors: np.ndarray, owners: Sequence[object], threshold: float = CLAIM_THRESHOLD,
                 languages: Sequence[str | None] | None = None,
                 cross_language_offset: float = CROSS_LANGUAGE_OFFSET) -> list[list[int]]:
    """Groups of unit `vectors` that state the same thing; items of one owner (article) never
    share a group.

    Two claims can only be linked when each is the other's nearest neighbour in the other's
    article (mutual nearest neighbours), with similarity at least `threshold`: a claim with no
    counterpart stays alone instead of joining the closest claim on the same topic. Linked
    groups then merge average-linkage style while their average similarity stays at least
    `threshold`. A translation scores lower than a paraphrase in the same language, so the
    similarity of two claims in different `languages` is raised by `cross_language_offset`
    first. Returns lists of item indexes, each sorted, groups ordered by first item.
    """
    n = len(owners)
    if n == 0:
        return []
    sims = (vectors @ vectors.T).astype(np.float64)
    if languages is not None:
        langs = np.array([lang or "" for lang in languages])
        sims = sims + cross_language_offset * (langs[:, None] != langs[None, :])
    edges = _mutual_nearest(sims, owners, threshold)
    links: list[set[int]] = [set() for _ in range(n)]
    for i, j in edges:
        links[i].add(j)
        links[j].add(i)
    members: list[list[int]] = [[i] for i in range(n)]
    # a merged group's similarities to every item, summed over its members: the average
    # between groups i and k is then sum(row(i)[members[k]]) / (|i| |k|)
    row_sums: dict[int, np.ndarray] = {}

    def row(c: int) -> np.ndarray:
        return row_sums[c] if c in row_sums else sims[c]

    owner_sets: list[set[object]] = [{owners[i]} for i in range(n)]
    version = [0] * n
    alive = set(range(n))
    heap = [(-float(sims[i, j]), min(i, j), max(i, j), 0, 0) for i, j in edges]
    heapq.heapify(heap)
    while heap:
        _neg, i, j, vi, vj = heapq.heappop(heap)
        if i not in alive or j not in alive or version[i] != vi or version[j] != vj:
            continue
        if owner_sets[i] & owner_sets[j]:
            continue
        row_sums[i] = row(i) + row(j)
        row_sums.pop(j, None)
        members[i] += members[j]
        owner_sets[i] |= owner_sets[j]
        links[i] = (links[i] | links[j]) - {i, j}
        version[i] += 1
        alive.discard(j)
        for k in links[i]:
            links[k].discard(j)
            links[k].add(i)
            if owner_sets[i] & owner_sets[k]:
                continue
            avg = float(row(i)[members[k]].sum()) / (len(members[i]) * len(members[k]))
            if avg >= threshold:
                a, b = min(i, k), max(i, k)
                heapq.heappush(heap, (-avg, a, b, version[a], version[b]))
    return sorted((sorted(members[i]) for i in alive), key=lambda g: g[0])


def _conflicting(a: frozenset[float], b: frozenset[float]) -> bool:
    """Both give numbers, and each gives one the other does not."""
    return bool(a and b and (a - b) and (b - a))


def _split_by_numbers(mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions that disagree on numbers go to separate parts; mentions without numbers stay
    with the largest part."""
    parts: list[list[Mention]] = []
    for m in sorted(mentions, key=lambda m: -len(m.values)):
        if not m.values:
            continue
        for part in parts:
            if not any(_conflicting(m.values, o.values) for o in part):
                part.append(m)
                break
        else:
            parts.append([m])
    if not parts:
        return [mentions]
    rest = [m for m in mentions if not m.values]
    max(parts, key=len).extend(rest)
    return parts


# -- sources ---------------------------------------------------------------------------------
class _Sources:
    """Follows reprints and citations back to the outlet a mention comes from."""

    def __init__(self, articles: list[Article], directory: OutletDirectory,
                 reprints: dict[str, str]) -> None:
        self.articles = {a.id: a for a in articles}
        self.directory = directory
        self.reprints = reprints
        names: list[str] = []
        for outlet in directory:
            names += [outlet.name, *outlet.aliases]
        names += sorted({a.outlet for a in articles})
        self.names = sorted(set(names))
        self._cited: dict[tuple[str, str | None], list[str]] = {}
        self.lead_citations: dict[str, list[str]] = {}
        self.all_citations: dict[str, list[str]] = {}
        for a in articles:
            lead = a.title + "\n\n" + "\n\n".join(p for _, p in list(paragraphs(a.text))[:LEAD_PARAGRAPHS])
            self.lead_citations[a.id] = self._canonical(self.cited(lead, a.language), a)
            self.all_citations[a.id] = self._canonical(self.cited(a.title + "\n\n" + a.text, a.language), a)

    def cited(self, text: str, language: str | None) -> list[str]:
        """cited_outlets, remembered: resolving a story asks about the same sentences many times."""
        key = (text, language)
        if key not in self._cited:
            self._cited[key] = cited_outlets(text, self.names, language)
        return self._cited[key]

    def _canonical(self, names: list[str], article: Article) -> list[str]:
        out: list[str] = []
        for name in names:
            outlet = self.directory.lookup(name)
            canonical = outlet.name if outlet else name
            if normalise_name(canonical) != normalise_name(article.outlet) and canonical not in out:
                out.append(canonical)
        return out

    def camp_of(self, outlet_name: str) -> str:
        for a in self.articles.values():
            if a.outlet == outlet_name:
                return a.camp
        found = self.directory.lookup(outlet_name)
        return found.camp if found else "unknown"

    def _self_sourced(self, mention: Mention) -> bool:
        """"told Reuters", "рассказал «Коммерсанту»": the outlet's own reporting."""
        outlet = self.directory.lookup(mention.article.outlet)
        keys = {normalise_name(mention.article.outlet)}
        if outlet:
            keys |= {normalise_name(x) for x in (outlet.name, *outlet.aliases)}
        words = {normalise_name(w) for w in mention.text.replace("«", " ").replace("»", " ").split()}
        return any(k and any(w.startswith(k) for w in words) for k in keys if len(k) > 1)

    def resolve(self, mention: Mention, group: list[Mention]) -> None:
        """Set mention.origin (and .via) by following reprints and citations within the group."""
        seen: set[str] = set()
        current = mention
        via: list[str] = []
        while True:
            article = current.article
            seen.add(article.id)
            nxt, origin = self._step(current, group, seen)
            if nxt is None:
                mention.origin = origin or article.outlet
                mention.via = via
                return
            via.append(article.outlet)
            current = nxt

    def _step(self, mention: Mention, group: list[Mention], seen: set[str]) -> tuple[Mention | None, str | None]:
        article = mention.article
        by_article = {m.article.id: m for m in group}
        source_id = self.reprints.get(article.id)
        if source_id and source_id not in seen:
            if source_id in by_article:
                return by_article[source_id], None
            source = self.articles[source_id]
            return None, (self.lead_citations[source_id] or [source.outlet])[0]
        sentence_cites = self._canonical(self.cited(mention.text, article.language), article)
        if not sentence_cites and self._self_sourced(mention):
            return None, article.outlet
        candidates = sentence_cites + [c for c in self.all_citations[article.id] if c not in sentence_cites]
        for cited in candidates:
            for m in group:
                if m.article.outlet == cited and m.article.id not in seen:
                    return m, None
        for cited in sentence_cites + self.lead_citations[article.id]:
            return None, cited
        return None, article.outlet


def _find_reprints(articles: list[Article], vectors: dict[str, np.ndarray]) -> dict[str, str]:
    """article id -> the earlier article it copies (the same text, or most sentences near-verbatim)."""
    order = sorted(articles, key=lambda a: (a.published or "", a.id))
    out: dict[str, str] = {}
    for i, a in enumerate(order):
        if a.duplicate_of:
            out[a.id] = a.duplicate_of
            continue
        va = vectors.get(a.id)
        if va is None or len(va) == 0:
            continue
        best, best_share = None, 0.0
        for b in order[:i]:
            vb = vectors.get(b.id)
            if vb is None or len(vb) == 0:
                continue
            share = float(((va @ vb.T).max(axis=1) >= REPRINT_SIMILARITY).mean())
            if share > best_share:
                best, best_share = b, share
        if best is not None and best_share >= REPRINT_SHARE:
            out[a.id] = best.id
    return out


# -- the comparison ------------------------------------------------------------------------
def _status(origin_camps: dict[str, str]) -> Status:
    if len(origin_camps) <= 1:
        return Status.SINGLE_SOURCE
    camps = set(origin_camps.values()) & set(KNOWN_CAMPS)
    return Status.SHARED if len(camps) >= 2 else Status.CAMP_ONLY


def compare_articles(index: "Index", story: Story, directory: OutletDirectory | None = None,
                     threshold: float = CLAIM_THRESHOLD) -> Comparison:
    """Claim groups for the articles of `story` (a real story, or any set of articles)."""
    directory = directory or index.outlet_directory()
    articles = story.articles
    mentions: list[Mention] = []
    claim_vectors: list[np.ndarray] = []
    views: dict[str, list[SentenceView]] = {}
    view_of: dict[int, SentenceView] = {}
    vectors_by_article: dict[str, np.ndarray] = {}
    for a in articles:
        rows = index.store.article_sentences(a.rowid)
        vecs = index.sentence_vectors.reconstruct([r[0] for r in rows])
        views[a.id] = []
        kept = []
        for (rowid, position, paragraph, start, end, text), vec in zip(rows, vecs):
            view = SentenceView(text, start, end, paragraph, None)
            views[a.id].append(view)
            info = analyse(text, a.language)
            if info is None:
                continue
            mentions.append(Mention(a, rowid, position, text, info.attributed_to, info.numbers))
            claim_vectors.append(vec)
            view_of[rowid] = view
            kept.append(vec)
        vectors_by_article[a.id] = np.vstack(kept) if kept else np.zeros((0, vecs.shape[1] if len(vecs) else 1))
    reprints = _find_reprints(articles, vectors_by_article)
    sources = _Sources(articles, directory, reprints)
    matrix = np.vstack(claim_vectors) if claim_vectors else np.zeros((0, 1), dtype=np.float32)
    raw_groups = group_claims(matrix, [m.article.id for m in mentions], threshold,
                              [m.article.language for m in mentions])

    # split by numbers, then link the parts as conflicts
    parts: list[list[int]] = []
    linked: list[tuple[int, int]] = []
    index_of = {id(m): i for i, m in enumerate(mentions)}
    for members in raw_groups:
        pieces = _split_by_numbers([mentions[i] for i in members])
        first = len(parts)
        for piece in pieces:
            parts.append(sorted(index_of[id(m)] for m in piece))
        linked += [(first + x, first + y) for x in range(len(pieces)) for y in range(x + 1, len(pieces))]
    # groups close to each other (below the alignment threshold) that disagree on numbers
    if parts:
        centres = np.vstack([matrix[p].mean(axis=0) for p in parts])
        norms = np.linalg.norm(centres, axis=1, keepdims=True)
        centres = centres / np.where(norms == 0, 1, norms)
        close = centres @ centres.T
        for x in range(len(parts)):
            for y in range(x + 1, len(parts)):
                if (x, y) in linked or close[x, y] < CONFLICT_THRESHOLD:
                    continue
                vx = frozenset().union(*(mentions[i].values for i in parts[x]))
                vy = frozenset().union(*(mentions[i].values for i in parts[y]))
                same_articles = {mentions[i].article.id for i in parts[x]} & {mentions[i].article.id for i in parts[y]}
                if _conflicting(vx, vy) and not same_articles:
                    linked.append((x, y))

    groups: list[ClaimGroup] = []
    for p in parts:
        group_mentions = sorted((mentions[i] for i in p), key=lambda m: (m.article.published or "", m.article.id))
        for m in group_mentions:
            sources.resolve(m, group_mentions)
        origin_camps = {m.origin: sources.camp_of(m.origin) for m in group_mentions}
        groups.append(ClaimGroup("", _status(origin_camps), group_mentions, origin_camps))

    # stable ids: by status, then by where the claim first appears
    order = sorted(range(len(groups)), key=lambda g: (
        STATUSES.index(groups[g].status), -groups[g].independent_sources,
        min((m.article.published or "", m.article.id, m.position) for m in groups[g].mentions)))
    width = len(str(len(groups)))
    for rank, g in enumerate(order, start=1):
        groups[g].id = f"c{rank:0{width}d}"
    for x, y in linked:
        gx, gy = groups[x], groups[y]
        nx = sorted(frozenset().union(*(m.values for m in gx.mentions)))
        ny = sorted(frozenset().union(*(m.values for m in gy.mentions)))
        gx.conflicts.append(Conflict(gy.id, [v for v in nx if v not in ny], [v for v in ny if v not in nx]))
        gy.conflicts.append(Conflict(gx.id, [v for v in ny if v not in nx], [v for v in nx if v not in ny]))
    for group in groups:
        for m in group.mentions:
            view_of[m.sentence_rowid].claim_id = group.id
    groups.sort(key=lambda g: g.id)
    return Comparison(story, groups, views, reprints)


def compare_story(index: "Index", story_id: str, directory: OutletDirectory | None = None,
                  threshold: float = CLAIM_THRESHOLD) -> Comparison:
    """Claim groups for the story `story_id` as the index holds it: reading only, stories are
    formed by `ingest`, `stories` or `serve --update-every` (StoryNotFound if there is none)."""
    from .stories import get_story

    return compare_articles(index, get_story(index, story_id), directory, threshold)
