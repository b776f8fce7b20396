"""Claims into facts: groups of claims of different articles that state the same fact.

Pairs get the pair model's probability (pairs.py); five passes then form the groups,
precision first (when the evidence is weak, claims stay apart); `group_claims` runs the first
three, `compare.finish` all five:
1. agglomeration (crosscheck/linkage.py) while the claims of two groups find matches in the
   other, on average at least the model's threshold both ways (best-match linkage,
   `_best_match_linkage`), never putting two claims of one article into one group;
2. groups that are each other's best match join at a lower threshold (`_merge_mutual_best`);
3. a claim left alone joins the group of two or more it matches best on average, at the
   model's `attach_threshold` (`_attach_lone_claims`);
4. (compare/diff.py calls it with the claims' figures) two groups that each give a toll of one
   kind join when each is the other's closest such group (`join_rival_tolls`);
5. (... and with the pairs that give one value, a date or a year included, and share a name or
   stand in a relay and its source) two groups that are each other's best match join when such a
   pair links them (`join_confirmed`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..linkage import agglomerate
from ..text.evidence import ClaimEvidence
from .pairs import PAIR_FEATURES, PairModel, pair_features

__all__ = ["group_claims", "groups_from_probabilities", "join_confirmed", "join_rival_tolls", "pair_probabilities",
           "probabilities"]


def probabilities(pairs: list[tuple[int, int]], features: np.ndarray, n: int, model: PairModel) -> np.ndarray:
    """The n x n matrix of the candidate pairs' probabilities (0 for every other pair). A denial
    never joins what it denies (and a claim never joins a denial of another)."""
    prob = np.zeros((n, n))
    if pairs:
        p = model.probability(features)
        p[features[:, PAIR_FEATURES.index("denial_differs")] > 0] = 0.0
        ii, jj = np.array(pairs).T
        prob[ii, jj] = p
        prob[jj, ii] = p
    return prob


def pair_probabilities(vectors: np.ndarray, owners: Sequence[object], languages: Sequence[str | None],
                       evidence_of: Sequence[ClaimEvidence | None], model: PairModel
                       ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The candidate pairs of unit `vectors` and the matrix of their probabilities."""
    pairs, features = pair_features((vectors @ vectors.T).astype(np.float64), owners, languages, evidence_of)
    return pairs, probabilities(pairs, features, len(owners), model)


def group_claims(vectors: np.ndarray, owners: Sequence[object], languages: Sequence[str | None] | None = None,
                 evidence_of: Sequence[ClaimEvidence | None] | None = None,
                 model: PairModel | None = None, threshold: float | None = None,
                 join_threshold: float | None = None) -> list[list[int]]:
    """Groups of unit `vectors` (claims) that state the same fact; items of one owner (article)
    never share a group. The first pass runs at `threshold` (the model's own when None), the
    second at `join_threshold`, the third at the model's `attach_threshold`. Returns lists of
    item indexes, each sorted, ordered by first item."""
    n = len(owners)
    if n == 0:
        return []
    model = model or PairModel.default()
    _pairs, prob = pair_probabilities(vectors, owners, languages if languages is not None else [None] * n,
                                      evidence_of if evidence_of is not None else [None] * n, model)
    return groups_from_probabilities(prob, owners, model, threshold, join_threshold)


def groups_from_probabilities(prob: np.ndarray, owners: Sequence[object], model: PairModel,
                              threshold: float | None = None, join_threshold: float | None = None
                              ) -> list[list[int]]:
    """The three passes over a matrix of pair probabilities (`prob[i, j]`, symmetric, 0 for pairs
    never scored), at the model's thresholds unless `threshold` or `join_threshold` is given."""
    threshold = model.threshold if threshold is None else threshold
    ii, jj = np.nonzero(np.triu(prob >= threshold, k=1))
    groups = _best_match_linkage(prob, owners, list(zip(ii.tolist(), jj.tolist())), threshold)
    groups = _merge_mutual_best(groups, prob, owners, model.join_threshold if join_threshold is None else join_threshold,
                                model.join_strongest)
    if model.attach_threshold is not None:
        groups = _attach_lone_claims(groups, prob, owners, model.attach_threshold)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def _best_match_linkage(prob: np.ndarray, owners: Sequence[object], links: list[tuple[int, int]],
                        threshold: float) -> list[list[int]]:
    """First pass: two groups merge, along pairs at least `threshold` probable, while the claims
    of each find matches in the other: each claim's best probability to the other group's
    claims, averaged over its group, is at least `threshold` both ways.

    A lone claim joins a group by its average probability to the group's claims (its best
    match's mean over one claim is that claim's probability), as average linkage has it. Two
    groups of a fact's mentions need not match pair by pair: the model reads a Turkish and an
    English wording well and two Russian paraphrases poorly, and the average over all pairs
    counts each poor reading against the merge; here each mention needs one good reading in the
    other group. Chosen over the mean of the two directions (it lowered annotated_dev2's held-out
    statuses) and over using it in the second pass too (false shared rose on dev7):
    docs/accuracy.md, "Best-match linkage"."""
    n = len(owners)
    members: list[list[int]] = [[i] for i in range(n)]
    owner_sets: list[set[object]] = [{owners[i]} for i in range(n)]
    row_maxes: dict[int, np.ndarray] = {}  # a merged group's best probability to every item

    def row(c: int) -> np.ndarray:
        return row_maxes[c] if c in row_maxes else prob[c]

    def score(i: int, j: int) -> float | None:
        if owner_sets[i] & owner_sets[j]:
            return None
        return min(float(row(i)[members[j]].mean()), float(row(j)[members[i]].mean()))

    def merge(i: int, j: int) -> None:
        row_maxes[i] = np.maximum(row(i), row(j))
        row_maxes.pop(j, None)
        members[i] += members[j]
        owner_sets[i] |= owner_sets[j]

    return [members[i] for i in agglomerate(n, links, threshold, score, merge)]


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
        avg = _averages(groups, prob, owners)
        # the strongest pair between every two groups: each group's best probability to every
        # claim, then the maximum over the other group's claims (claims laid out group by group)
        order = np.concatenate([np.asarray(g) for g in groups])
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        best_to_claim = np.vstack([prob[g].max(axis=0) for g in groups])
        strongest = np.maximum.reduceat(best_to_claim[:, order], starts, axis=1)
        avg = np.where(strongest >= strongest_link, avg, -1.0)
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


def _averages(groups: list[list[int]], prob: np.ndarray, owners: Sequence[object]) -> np.ndarray:
    """The average probability between every two groups (`prob` averaged over their claims' pairs),
    -1 where they hold a claim of one article (no group joins one that does; the diagonal too)."""
    n = len(groups)
    index = np.zeros((n, prob.shape[0]))
    for k, g in enumerate(groups):
        index[k, g] = 1.0
    sizes = index.sum(axis=1)
    avg = index @ prob @ index.T / np.outer(sizes, sizes)
    owner_ids = {o: k for k, o in enumerate(dict.fromkeys(owners))}
    by_owner = np.zeros((n, len(owner_ids)))
    for k, g in enumerate(groups):
        by_owner[k, [owner_ids[owners[i]] for i in g]] = 1.0
    avg[(by_owner @ by_owner.T) > 0] = -1.0
    return avg


def _mutual_best(avg: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """The pairs of groups (a < b) that are each other's best by `avg`, at `floor` or more."""
    best = avg.argmax(axis=1)
    return [(a, int(best[a])) for a in range(len(avg)) if a < best[a] and best[best[a]] == a and avg[a, best[a]] >= floor]


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


def join_rival_tolls(groups: list[list[int]], prob: np.ndarray, owners: Sequence[object],
                     tolls: Sequence[frozenset[str]], floor: float) -> list[list[int]]:
    """Fourth pass: two groups that each give a toll of one kind (the dead, the injured, the missing:
    `tolls[i]`, the kinds of claim i's figures) merge when each is the other's closest such group by
    average probability: one event has one toll of each kind, and two groups that give it are one
    fact with rival figures (12 dead against 17), which the model, reading their differing numbers
    and wordings, scores low. Only groups whose average probability is at least `floor`, which keeps
    most tolls of part of the victims ("two children were among the dead") or of another event ("a
    blast earlier this month killed four") apart. Never two claims of one article in one group."""
    groups = [list(g) for g in groups]
    while True:
        kinds = [frozenset().union(*(tolls[i] for i in g)) for g in groups]
        giving = [k for k, found in enumerate(kinds) if found]  # only groups that give a toll take part
        if len(giving) < 2:
            return groups
        avg = _averages([groups[k] for k in giving], prob, owners)
        for x, a in enumerate(giving):
            for y, b in enumerate(giving):
                if not kinds[a] & kinds[b]:
                    avg[x, y] = -1.0
        pairs = [(giving[x], giving[y]) for x, y in _mutual_best(avg, floor)]
        if not pairs:
            return groups
        merged = {x for pair in pairs for x in pair}
        groups = [groups[a] + groups[b] for a, b in pairs] + [g for k, g in enumerate(groups) if k not in merged]


def join_confirmed(groups: list[list[int]], prob: np.ndarray, owners: Sequence[object],
                   confirmed: set[tuple[int, int]], floor: float) -> list[list[int]]:
    """Fifth pass: two groups that are each other's best match by average probability (at least
    `floor`) join when a pair of their claims is `confirmed` (pairs i < j; compare/diff.py: the two
    give one value, a date or a year included, and name something in common or stand in a relay
    and its source): a fact worded apart in two languages, which the model reads low, but which
    both tell with the same value. Never two claims of one article in one group."""
    groups = [list(g) for g in groups]
    while True:
        if len(groups) < 2:
            return groups
        pairs = [(a, b) for a, b in _mutual_best(_averages(groups, prob, owners), floor)
                 if any((min(i, j), max(i, j)) in confirmed for i in groups[a] for j in groups[b])]
        if not pairs:
            return groups
        merged = {x for pair in pairs for x in pair}
        groups = [groups[a] + groups[b] for a, b in pairs] + [g for k, g in enumerate(groups) if k not in merged]
