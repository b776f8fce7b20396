"""Compare a story claim by claim: align claims across articles and languages into groups,
one group per fact, count the independent sources behind each, and list the values that
sources disagree on.

Steps, for the articles of one story (or any set of articles):
1. claims: the story's sentences that state something checkable (claims.analyse), with their
   vectors from the sentence index (nothing is embedded again) and their evidence
   (crosscheck/evidence.py: numbers and what they count, dates, names, speaker, negation);
2. pairs: for every two claims of different articles, a calibrated probability that they state
   the same fact (`PairModel`, a logistic regression over the cosine, how much closer the two
   are than to their other neighbours, the language pair, and the evidence; its weights are
   crosscheck/data/claim_pairs.json, fitted by benchmarks/fit_claim_pairs.py);
3. groups: average-linkage agglomeration while the average probability within a group stays
   at least the model's threshold, never putting two claims of one article into one group;
   then groups that are each other's best match join at a lower threshold, and a claim left
   alone joins the group of two or more it matches best on average, at the model's
   `attach_threshold`. Precision first: when the evidence is weak, claims stay apart;
4. conflicts: mentions of one fact whose numbers or dates of the same kind differ stay in one
   group; the group lists each value with the outlets that give it. An outlet that changes its
   own figure in a later article made an update, listed as such, not a conflict;
5. sources: a mention's origin is the outlet it comes from once reprints ("near-verbatim"
   copies) and citations ("citing TASS", "ссылаясь на ТАСС", "TASS'ın haberine göre") are
   followed back through the story; a group's independent sources are its distinct origins;
6. status (crosscheck/vocabulary.py): `single_source` (one origin), `shared` (origins in two or
   more of ru, tr, west), `camp_only` (two or more origins, all in one camp).
"""

from __future__ import annotations

import heapq
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from . import languages as lang_rules
from .claims import analyse, cited_outlets
from .evidence import (ClaimEvidence, Quantity, close_values, evidence, is_institution_speaker, is_media_speaker,
                       kinds_compatible)
from .models import Article, Story
from .outlets import OutletDirectory, normalise_name
from .sentences import paragraphs
from .vocabulary import KNOWN_CAMPS, Status

if TYPE_CHECKING:
    from .index import Index

__all__ = [
    "PAIR_FEATURES",
    "REPRINT_SIMILARITY",
    "STATUSES",
    "PairModel",
    "Mention",
    "Conflict",
    "ConflictValue",
    "ClaimGroup",
    "SentenceView",
    "Comparison",
    "pair_features",
    "claim_mentions",
    "group_claims",
    "compare_articles",
    "compare_story",
]

log = logging.getLogger("crosscheck")

REPRINT_SIMILARITY = 0.9    # a sentence this close to an earlier article's is copied
REPRINT_SHARE = 0.6         # an article whose claims are this much copied is a reprint
LEAD_PARAGRAPHS = 1         # a citation in the title or the first paragraph covers the article
# Pairs of claims less similar than this are not scored: the pair model gives them a
# probability under 0.01 whatever their evidence (benchmarks/fit_claim_pairs.py prints it).
CANDIDATE_COSINE = 0.2
STATUSES: tuple[Status, ...] = tuple(Status)


@dataclass
class Mention:
    """One claim as one article states it."""

    article: Article
    sentence_rowid: int
    position: int
    text: str
    attributed_to: str | None
    numbers: tuple[Quantity, ...]
    evidence: ClaimEvidence | None = None
    origin: str = ""            # the outlet this mention goes back to
    via: list[str] = field(default_factory=list)  # outlets passed on the way there

    def as_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "article_id": a.id, "url": a.url, "outlet": a.outlet, "camp": a.camp, "language": a.language,
            "text": self.text, "attributed_to": self.attributed_to,
            "numbers": [{"value": _plain(n.value), "kind": n.kind, "text": n.text} for n in self.numbers],
            "origin_outlet": self.origin,
        }


@dataclass
class ConflictValue:
    """One value given for a disputed fact, and who gives it."""

    value: float
    text: str                  # as first written ("12", "двенадцати", "15 Nisan")
    outlets: list[str]
    origins: list[str]         # the independent sources behind those outlets

    def as_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "text": self.text, "outlets": self.outlets, "origins": self.origins}


@dataclass
class Conflict:
    """Different values for one fact: a count, a date, a year ... (`kind`, evidence.Quantity)."""

    kind: str
    values: list[ConflictValue]

    @property
    def numbers(self) -> list[float]:
        return [v.value for v in self.values]

    def describe(self) -> str:
        """"12 (Izvestia, TASS) vs 15 (Anadolu Ajansı, Reuters)"."""
        return " vs ".join(f"{v.text} ({', '.join(v.outlets)})" for v in self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": [v.as_dict() for v in self.values]}


@dataclass
class ClaimGroup:
    id: str
    status: Status
    mentions: list[Mention]
    origin_camps: dict[str, str]  # origin outlet -> its camp
    conflicts: list[Conflict] = field(default_factory=list)
    updates: list[Conflict] = field(default_factory=list)  # an outlet revising its own figure

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
            "id": self.id, "status": str(self.status), "text": self.text, "camps": self.camps,
            "outlets": self.outlets, "independent_sources": self.independent_sources,
            "origin_outlets": self.origin_outlets,
            "mentions": [m.as_dict() for m in self.mentions],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "updates": [c.as_dict() for c in self.updates],
        }


@dataclass
class SentenceView:
    """A sentence of an article as the report shows it: its claim group, if it was kept as a claim."""

    text: str
    start: int
    end: int
    paragraph: int
    claim_id: str | None
    sentence_rowid: int = 0


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


# -- the pair model ----------------------------------------------------------------------------
PAIR_FEATURES = (
    "cosine",            # of the two claims' vectors
    "cosine_x_cross",    # the cosine again when the languages differ: translations score lower
    "cosine_z",          # the cosine against this language pair's cosines in the story (z-score)
    "cross_language",
    "weak_language",     # one side is in a language the default model reads worst (Turkish)
    "margin",            # how much closer the two are than the runner-up in the other's article
    "mutual_best",       # each is the other's nearest claim in the other's article
    "same_number",       # a number of a compatible kind with the same value on both sides
    "close_number",      # a kind of number on both sides, no value in common, but close ones (21 vs 19)
    "far_number",        # a kind of number on both sides, no value in common, far apart (400 vs 2,400)
    "shared_names",      # names both mention (up to 3, scaled to 0-1)
    "no_shared_names",   # both mention names, none in common
    "names_reversed",    # two names both mention stand in the opposite order (who did what to whom)
    "negation_differs",  # one negates, the other does not
    "denial_differs",    # one rejects a claim ("denied", "отвергли"), the other does not
    "speakers_differ",   # both name who says it, and no name in common
)


@dataclass(frozen=True)
class PairModel:
    """A logistic regression: P(two claims state the same fact) from PAIR_FEATURES."""

    weights: np.ndarray
    bias: float
    threshold: float       # average probability for two groups to merge (first pass)
    join_threshold: float  # ... and for two groups that are each other's best match (second pass),
    join_strongest: float  # ... when one pair of their claims is at least this probable
    attach_threshold: float | None = None  # average probability for a lone claim to join a group (third pass)

    @classmethod
    def default(cls) -> "PairModel":
        return _shipped_model()

    def probability(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))


@lru_cache(maxsize=1)
def _shipped_model() -> PairModel:
    data = json.loads(resources.files("crosscheck").joinpath("data/claim_pairs.json").read_text("utf-8"))
    if tuple(data["features"]) != PAIR_FEATURES:
        raise ValueError("crosscheck/data/claim_pairs.json was fitted on other features: "
                         "run benchmarks/fit_claim_pairs.py")
    return PairModel(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]), float(data["threshold"]),
                     float(data["join_threshold"]), float(data["join_strongest"]),
                     None if data.get("attach_threshold") is None else float(data["attach_threshold"]))


def _numbers_match(a: ClaimEvidence, b: ClaimEvidence) -> tuple[bool, bool, bool]:
    """(a value of a compatible kind in common; a kind on both sides with no value in common but
    close values; the same with every value far apart)."""
    same = any(qa.value == qb.value and kinds_compatible(qa.kind, qb.kind)
               for qa in a.quantities for qb in b.quantities)
    close = far = False
    for kind in {q.kind for q in a.quantities} & {q.kind for q in b.quantities}:
        va = {q.value for q in a.quantities if q.kind == kind}
        vb = {q.value for q in b.quantities if q.kind == kind}
        if va & vb:
            continue
        if any(close_values(kind, x, y) for x in va for y in vb):
            close = True
        else:
            far = True
    return same, close and not same, far and not same and not close


ACTOR_ZONE = 3  # who does what to whom is told by a sentence's first names


def _reversed(a: Sequence[str], b: Sequence[str]) -> bool:
    """The first two names both sentences mention, among the first ACTOR_ZONE names of each,
    stand in the opposite order: "NATO asked Ankara" and "Ankara asked NATO"."""
    common = [k for k in a[:ACTOR_ZONE] if k in b[:ACTOR_ZONE]]
    return len(common) >= 2 and b.index(common[0]) > b.index(common[1])


def pair_features(sims: np.ndarray, owners: Sequence[object], languages: Sequence[str | None],
                  evidence_of: Sequence[ClaimEvidence | None]) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The candidate pairs (i < j, different owners, cosine at least CANDIDATE_COSINE) and their
    PAIR_FEATURES rows."""
    n = len(owners)
    owner_ids = {o: k for k, o in enumerate(dict.fromkeys(owners))}
    own = np.array([owner_ids[o] for o in owners])
    other = own[:, None] != own[None, :]
    # each claim's best and second-best similarity within every other article
    best_in: dict[tuple[int, int], int] = {}
    second_in: dict[tuple[int, int], float] = {}
    for k in range(len(owner_ids)):
        cols = np.flatnonzero(own == k)
        if len(cols) == 0:
            continue
        block = sims[:, cols]
        order = np.argsort(-block, axis=1)
        for i in range(n):
            best_in[(i, k)] = int(cols[order[i, 0]])
            second_in[(i, k)] = float(block[i, order[i, 1]]) if len(cols) > 1 else 0.0
    weak_in_model = [lang_rules.get(code).weak_in_default_model for code in languages]
    # each language pair's cosines in this story, as a baseline: the model scores a Turkish-English
    # pair lower than an English-English one, and a dense story's unrelated claims higher
    codes = sorted({c or "" for c in languages})
    code_of = np.array([codes.index(c or "") for c in languages])
    baseline: dict[tuple[int, int], tuple[float, float]] = {}
    for a in range(len(codes)):
        for b in range(a, len(codes)):
            in_a, in_b = code_of == a, code_of == b
            values = sims[other & ((in_a[:, None] & in_b[None, :]) | (in_b[:, None] & in_a[None, :]))]
            if len(values) >= 2:
                baseline[(a, b)] = (float(values.mean()), float(values.std()) or 1.0)
    pairs: list[tuple[int, int]] = []
    rows: list[list[float]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if not other[i, j] or sims[i, j] < CANDIDATE_COSINE:
                continue
            cos = float(sims[i, j])
            cross = float((languages[i] or "") != (languages[j] or ""))
            weak = float(weak_in_model[i] or weak_in_model[j])
            mutual = float(best_in[(i, own[j])] == j and best_in[(j, own[i])] == i)
            # how much closer than the runner-up in the other's article, for the weaker of the two
            margin = min(cos - (second_in[(i, own[j])] if best_in[(i, own[j])] == j else float(sims[i, best_in[(i, own[j])]])),
                         cos - (second_in[(j, own[i])] if best_in[(j, own[i])] == i else float(sims[j, best_in[(j, own[i])]])))
            ea, eb = evidence_of[i], evidence_of[j]
            same = close = far = shared = none = reversed_ = neg = denial = speakers = 0.0
            if ea is not None and eb is not None:
                same, close, far = (float(x) for x in _numbers_match(ea, eb))
                common = len(ea.names & eb.names)
                shared = min(common, 3) / 3
                none = float(bool(ea.names) and bool(eb.names) and not common)
                reversed_ = float(_reversed(ea.name_order, eb.name_order))
                neg = float(ea.negated != eb.negated)
                denial = float(ea.denies != eb.denies)
                speakers = float(bool(ea.speaker) and bool(eb.speaker) and not ea.speaker & eb.speaker)
            pairs.append((i, j))
            mean, std = baseline.get((min(code_of[i], code_of[j]), max(code_of[i], code_of[j])), (0.0, 1.0))
            rows.append([cos, cos * cross, (cos - mean) / std, cross, weak, margin, mutual,
                         same, close, far, shared, none, reversed_, neg, denial, speakers])
    return pairs, np.asarray(rows, dtype=np.float64).reshape(-1, len(PAIR_FEATURES))


def group_claims(vectors: np.ndarray, owners: Sequence[object], languages: Sequence[str | None] | None = None,
                 evidence_of: Sequence[ClaimEvidence | None] | None = None,
                 model: PairModel | None = None, threshold: float | None = None,
                 join_threshold: float | None = None) -> list[list[int]]:
    """Groups of unit `vectors` (claims) that state the same fact; items of one owner (article)
    never share a group. Pairs get the pair model's probability; groups merge average-linkage
    style while the average probability between them is at least `threshold` (the model's
    own when None); then the second pass (`_merge_mutual_best`, at `join_threshold`) and the
    third (`_attach_lone_claims`, at the model's `attach_threshold`) run. Returns lists of item
    indexes, each sorted, ordered by first item."""
    n = len(owners)
    if n == 0:
        return []
    model = model or PairModel.default()
    threshold = model.threshold if threshold is None else threshold
    languages = languages if languages is not None else [None] * n
    evidence_of = evidence_of if evidence_of is not None else [None] * n
    sims = (vectors @ vectors.T).astype(np.float64)
    pairs, features = pair_features(sims, owners, languages, evidence_of)
    prob = np.zeros((n, n))
    if pairs:
        p = model.probability(features)
        # a denial never joins what it denies (and a claim never joins a denial of another)
        p[features[:, PAIR_FEATURES.index("denial_differs")] > 0] = 0.0
        ii, jj = np.array(pairs).T
        prob[ii, jj] = p
        prob[jj, ii] = p
    members: list[list[int]] = [[i] for i in range(n)]
    row_sums: dict[int, np.ndarray] = {}  # a merged group's probabilities to every item, summed

    def row(c: int) -> np.ndarray:
        return row_sums[c] if c in row_sums else prob[c]

    owner_sets: list[set[object]] = [{owners[i]} for i in range(n)]
    version = [0] * n
    alive = set(range(n))
    links: list[set[int]] = [set() for _ in range(n)]
    heap: list[tuple[float, int, int, int, int]] = []
    for (i, j), p_ij in zip(pairs, prob[tuple(np.array(pairs).T)] if pairs else []):
        if p_ij >= threshold:
            links[i].add(j)
            links[j].add(i)
            heap.append((-float(p_ij), i, j, 0, 0))
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
        for k in list(links[i]):
            if k not in alive:
                continue
            links[k].discard(j)
            links[k].add(i)
            if owner_sets[i] & owner_sets[k]:
                continue
            avg = float(row(i)[members[k]].sum()) / (len(members[i]) * len(members[k]))
            if avg >= threshold:
                a, b = min(i, k), max(i, k)
                heapq.heappush(heap, (-avg, a, b, version[a], version[b]))
    groups = [members[i] for i in alive]
    groups = _merge_mutual_best(groups, prob, owners, model.join_threshold if join_threshold is None else join_threshold,
                                model.join_strongest)
    if model.attach_threshold is not None:
        groups = _attach_lone_claims(groups, prob, owners, model.attach_threshold)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def _merge_mutual_best(groups: list[list[int]], prob: np.ndarray, owners: Sequence[object],
                       threshold: float, strongest_link: float) -> list[list[int]]:
    """Second pass: two groups whose average probability is at least `threshold` (lower than the
    first pass's), with one pair of claims at least `strongest_link`, merge when each is the
    other's best match among all groups. A report's
    wording in a language the model reads poorly is weakly similar to each mention of its fact,
    yet consistently closer to that fact than to any other: the group as a whole carries it."""
    groups = [list(g) for g in groups]
    while True:
        n = len(groups)
        if n < 2:
            return groups
        index = np.zeros((n, prob.shape[0]))
        for k, g in enumerate(groups):
            index[k, g] = 1.0
        sums = index @ prob @ index.T
        sizes = index.sum(axis=1)
        avg = sums / np.outer(sizes, sizes)
        # the strongest pair between every two groups: each group's best probability to every
        # claim, then the maximum over the other group's claims (claims laid out group by group)
        order = np.concatenate([np.asarray(g) for g in groups])
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        best_to_claim = np.vstack([prob[g].max(axis=0) for g in groups])
        strongest = np.maximum.reduceat(best_to_claim[:, order], starts, axis=1)
        avg = np.where(strongest >= strongest_link, avg, -1.0)
        # no group joins one that holds a claim of the same article
        owner_ids = {o: k for k, o in enumerate(dict.fromkeys(owners))}
        by_owner = np.zeros((n, len(owner_ids)))
        for k, g in enumerate(groups):
            by_owner[k, [owner_ids[owners[i]] for i in g]] = 1.0
        avg[(by_owner @ by_owner.T) > 0] = -1.0  # the diagonal included
        best = avg.argmax(axis=1)
        merged: set[int] = set()
        out: list[list[int]] = []
        for a in range(n):
            b = int(best[a])
            if a < b and int(best[b]) == a and avg[a, b] >= threshold and not {a, b} & merged:
                out.append(groups[a] + groups[b])
                merged |= {a, b}
        if not merged:
            return groups
        out += [g for k, g in enumerate(groups) if k not in merged]
        groups = out


def _attach_lone_claims(groups: list[list[int]], prob: np.ndarray, owners: Sequence[object],
                        threshold: float) -> list[list[int]]:
    """Third pass: a claim still alone joins the group of two or more claims it matches best, when
    its average probability to that group's claims is at least `threshold`. The fact's other
    mentions agree with each other, and a wording far from each of them is still closest to
    them as a whole; two lone claims of one article never join one group (the closer joins,
    and the other stays alone rather than trying its second-best group). Averages are over each
    group's members before this pass."""
    lone = [g[0] for g in groups if len(g) == 1]
    targets = [list(g) for g in groups if len(g) > 1]
    if not lone or not targets:
        return groups
    target_owners = [{owners[i] for i in g} for g in targets]
    offers: list[tuple[float, int, int]] = []
    for i in lone:
        scored = [(float(prob[i, g].mean()), k) for k, g in enumerate(targets) if owners[i] not in target_owners[k]]
        if scored:
            avg, k = max(scored)
            if avg >= threshold:
                offers.append((avg, i, k))
    attached: set[int] = set()
    for _avg, i, k in sorted(offers, reverse=True):
        if owners[i] in target_owners[k]:
            continue
        targets[k].append(i)
        target_owners[k].add(owners[i])
        attached.add(i)
    return [sorted(g) for g in targets] + [[i] for i in lone if i not in attached]


# -- conflicts -------------------------------------------------------------------------------
def _disputes(mentions: list[Mention]) -> tuple[list[Conflict], list[Conflict]]:
    """Values of one kind that the group's mentions disagree on: (conflicts between sources,
    updates of one outlet's own figure)."""
    conflicts: list[Conflict] = []
    updates: list[Conflict] = []
    kinds = sorted({q.kind for m in mentions for q in m.numbers})
    for kind in kinds:
        giving = [(m, frozenset(q.value for q in m.numbers if q.kind == kind)) for m in mentions]
        giving = [(m, v) for m, v in giving if v]
        disjoint = [(a, b) for x, (a, va) in enumerate(giving) for b, vb in giving[x + 1:] if not va & vb]
        if not disjoint:
            continue
        values: dict[float, ConflictValue] = {}
        for m, vs in giving:
            for q in m.numbers:
                if q.kind != kind or q.value not in vs:
                    continue
                cv = values.setdefault(q.value, ConflictValue(q.value, q.text, [], []))
                if m.article.outlet not in cv.outlets:
                    cv.outlets.append(m.article.outlet)
                if m.origin and m.origin not in cv.origins:
                    cv.origins.append(m.origin)
        dispute = Conflict(kind, sorted(values.values(), key=lambda v: v.value))
        between_sources = any((a.origin or a.article.outlet) != (b.origin or b.article.outlet) for a, b in disjoint)
        (conflicts if between_sources else updates).append(dispute)
    return conflicts, updates


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
        if source_id and source_id not in seen and source_id in self.articles:
            if source_id in by_article:
                return by_article[source_id], None
            source = self.articles[source_id]
            return None, (self.lead_citations[source_id] or [source.outlet])[0]
        sentence_cites = self._canonical(self.cited(mention.text, article.language), article)
        if not sentence_cites and self._self_sourced(mention):
            return None, article.outlet
        for cited in sentence_cites:  # "citing TASS", "ссылаясь на ТАСС": this sentence is relayed
            for m in group:
                if m.article.outlet == cited and m.article.id not in seen:
                    return m, None
        if sentence_cites:
            return None, sentence_cites[0]
        # An outlet the article cites elsewhere ("TASS'ın haberine göre" in its second paragraph)
        # is the source of a sentence that names no source of its own ("..., it was reported",
        # "..., the agency said"), and of one quoting the person that outlet's report quotes
        # ("Klintsevich said", "the senator said"): a person's words come from the outlet that
        # had them. A sentence quoting an institution ("the ministry said", "the Foreign Ministry
        # said in a statement"), or a named speaker other than the cited report's, is the
        # outlet's own reporting: two outlets that each had the statement count twice. A
        # citation in the title or lead also covers the claims the cited report is not found stating.
        speaker = mention.attributed_to or ""
        if self.directory.lookup(speaker) is not None or is_media_speaker(speaker, article.language):
            speaker = ""  # "the agency said": the outlet, not a speaker of its own
        own_names = mention.evidence.speaker if speaker and mention.evidence else frozenset()
        institution = bool(speaker) and is_institution_speaker(speaker, article.language)
        for cited in self.all_citations[article.id]:
            original = next((m for m in group if m.article.outlet == cited and m.article.id not in seen), None)
            if original is None:
                continue
            theirs = original.evidence.speaker if original.evidence else frozenset()
            if own_names and theirs:
                return (original, None) if own_names & theirs else (None, article.outlet)
            return (None, article.outlet) if institution else (original, None)
        if not speaker:
            for cited in self.lead_citations[article.id]:
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


def claim_mentions(index: "Index", articles: Sequence[Article]
                   ) -> tuple[list[Mention], np.ndarray, dict[str, list[SentenceView]], dict[str, np.ndarray]]:
    """The claims of `articles` with their evidence: (mentions, their vectors as rows, each
    article's sentences as the report shows them, each article's claim vectors)."""
    mentions: list[Mention] = []
    claim_vectors: list[np.ndarray] = []
    views: dict[str, list[SentenceView]] = {}
    vectors_by_article: dict[str, np.ndarray] = {}
    for a in articles:
        rows = index.store.article_sentences(a.rowid)
        vecs = index.sentence_vectors.reconstruct([r[0] for r in rows])
        views[a.id] = []
        kept = []
        for (rowid, position, paragraph, start, end, text), vec in zip(rows, vecs):
            views[a.id].append(SentenceView(text, start, end, paragraph, None, rowid))
            info = analyse(text, a.language)
            if info is None:
                continue
            found = evidence(text, a.language, a.published)
            mentions.append(Mention(a, rowid, position, text, info.attributed_to, found.quantities, found))
            claim_vectors.append(vec)
            kept.append(vec)
        vectors_by_article[a.id] = np.vstack(kept) if kept else np.zeros((0, vecs.shape[1] if len(vecs) else 1))
    matrix = np.vstack(claim_vectors) if claim_vectors else np.zeros((0, 1), dtype=np.float32)
    return mentions, matrix, views, vectors_by_article


def compare_articles(index: "Index", story: Story, directory: OutletDirectory | None = None,
                     model: PairModel | None = None) -> Comparison:
    """Claim groups for the articles of `story` (a real story, or any set of articles)."""
    directory = directory or index.outlet_directory()
    articles = story.articles
    mentions, matrix, views, vectors_by_article = claim_mentions(index, articles)
    view_of = {v.sentence_rowid: v for vs in views.values() for v in vs}
    reprints = _find_reprints(articles, vectors_by_article)
    # a duplicate of an article outside this story goes back to that article's outlet
    inside = {a.id for a in articles}
    originals = [o for o in (index.store.article_by_id(d) for d in {a.duplicate_of for a in articles
                                                                    if a.duplicate_of and a.duplicate_of not in inside})
                 if o is not None]
    sources = _Sources([*articles, *originals], directory, reprints)
    parts = group_claims(matrix, [m.article.id for m in mentions], [m.article.language for m in mentions],
                         [m.evidence for m in mentions], model)

    groups: list[ClaimGroup] = []
    for p in parts:
        group_mentions = sorted((mentions[i] for i in p), key=lambda m: (m.article.published or "", m.article.id))
        for m in group_mentions:
            sources.resolve(m, group_mentions)
        origin_camps = {m.origin: sources.camp_of(m.origin) for m in group_mentions}
        conflicts, updates = _disputes(group_mentions)
        groups.append(ClaimGroup("", _status(origin_camps), group_mentions, origin_camps, conflicts, updates))

    # stable ids: by status, then by where the claim first appears
    order = sorted(range(len(groups)), key=lambda g: (
        STATUSES.index(groups[g].status), -groups[g].independent_sources,
        min((m.article.published or "", m.article.id, m.position) for m in groups[g].mentions)))
    width = len(str(len(groups)))
    for rank, g in enumerate(order, start=1):
        groups[g].id = f"c{rank:0{width}d}"
    for group in groups:
        for m in group.mentions:
            view_of[m.sentence_rowid].claim_id = group.id
    groups.sort(key=lambda g: g.id)
    return Comparison(story, groups, views, reprints)


def compare_story(index: "Index", story_id: str, directory: OutletDirectory | None = None,
                  model: PairModel | None = None) -> Comparison:
    """Claim groups for the story `story_id` as the index holds it: reading only, stories are
    formed by `ingest`, `stories` or `serve --update-every` (StoryNotFound if there is none)."""
    from .stories import get_story

    return compare_articles(index, get_story(index, story_id), directory, model)
