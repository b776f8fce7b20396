"""How likely two claims of different articles state the same fact: the features of a pair
and the calibrated model over them.

`PairModel` is a logistic regression over `PairFeatures` (the cosine, how much closer the two
are than to their other neighbours, the language pair, where each stands in its article, and
the evidence of crosscheck/text/evidence.py); its weights are crosscheck/data/claim_pairs.json, fitted by
benchmarks/protocol.py --write.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from importlib import resources

import numpy as np

from .. import languages
from ..text.evidence import ClaimEvidence, close_values, same_quantity

__all__ = ["CANDIDATE_COSINE", "PAIR_FEATURES", "PairFeatures", "PairModel", "pair_features", "places_in_articles"]

# Pairs of claims less similar than this are not scored, which bounds the pairs of a long story.
# Of the pairs of one fact in benchmarks/protocol.py's four annotated corpora, 32 of 1,098 (3%)
# are under it.
CANDIDATE_COSINE = 0.2
ACTOR_ZONE = 3  # who does what to whom is told by a sentence's first names
NAMES_COUNTED = 3  # shared names count up to this many (`shared_names` is scaled to 0-1 by it)
PLAIN_KINDS = frozenset({"count", "year", "date"})  # kinds of number that do not tell a fact


@dataclass(frozen=True)
class PairFeatures:
    """What the pair model reads of two claims; the fields in this order are its columns."""

    cosine: float            # of the two claims' vectors
    cosine_x_cross: float    # the cosine again when the languages differ: translations score lower
    cosine_z: float          # the cosine against this language pair's cosines in the story (z-score)
    cross_language: float
    weak_language: float     # one side is in a language the default model reads worst (Turkish)
    margin: float            # how much closer the two are than the runner-up in the other's article
    mutual_best: float       # each is the other's nearest claim in the other's article
    same_number: float = 0.0       # a number of a compatible kind with the same value on both sides
    close_number: float = 0.0      # a kind of number on both sides, no value in common, but close ones (21 vs 19)
    far_number: float = 0.0        # a kind of number on both sides, no value in common, far apart (400 vs 2,400)
    same_kind: float = 0.0         # both give a number of one telling kind (the dead, a sum, a share; not a plain
                                   # count, year or date), whatever its value: a fact whose figure sources dispute
    shared_names: float = 0.0      # names both mention (up to NAMES_COUNTED, scaled to 0-1)
    no_shared_names: float = 0.0   # both mention names, none in common
    names_reversed: float = 0.0    # two names both mention stand in the opposite order (who did what to whom)
    negation_differs: float = 0.0  # one negates, the other does not
    denial_differs: float = 0.0    # one rejects a claim ("denied", "отвергли"), the other does not
    speakers_differ: float = 0.0   # both name who says it, and no name in common
    relayed: float = 0.0           # one article cites the other's outlet, or reprints it (a relay and its source)
    place_gap: float = 0.0         # how far apart they stand in their articles, as shares of the articles'
                                   # claims (0: the same place, as two leads; 1: first against last)


PAIR_FEATURES: tuple[str, ...] = tuple(f.name for f in fields(PairFeatures))


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
                         "run benchmarks/protocol.py --write")
    return PairModel(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]), float(data["threshold"]),
                     float(data["join_threshold"]), float(data["join_strongest"]),
                     None if data.get("attach_threshold") is None else float(data["attach_threshold"]))


def _numbers_match(a: ClaimEvidence, b: ClaimEvidence) -> tuple[bool, bool, bool]:
    """(a value of a compatible kind in common; a kind on both sides with no value in common but
    close values; the same with every value far apart). Counts of different things (villages,
    provinces) are two kinds."""
    same = any(qa.value == qb.value and same_quantity(qa, qb) for qa in a.quantities for qb in b.quantities)
    close = far = False
    for kind in {q.kind for q in a.quantities} & {q.kind for q in b.quantities}:
        pairs = [(qa, qb) for qa in a.quantities for qb in b.quantities
                 if qa.kind == kind == qb.kind and same_quantity(qa, qb)]
        if not pairs or any(qa.value == qb.value for qa, qb in pairs):
            continue
        if any(close_values(kind, qa.value, qb.value) for qa, qb in pairs):
            close = True
        else:
            far = True
    return same, close and not same, far and not same and not close


def _reversed(a: Sequence[str], b: Sequence[str]) -> bool:
    """The first two names both sentences mention, among the first ACTOR_ZONE names of each,
    stand in the opposite order: "NATO asked Ankara" and "Ankara asked NATO"."""
    common = [k for k in a[:ACTOR_ZONE] if k in b[:ACTOR_ZONE]]
    return len(common) >= 2 and b.index(common[0]) > b.index(common[1])


def _evidence_features(a: ClaimEvidence, b: ClaimEvidence) -> dict[str, float]:
    """The features the two claims' evidence gives."""
    same, close, far = _numbers_match(a, b)
    common = len(a.names & b.names)
    telling = {q.kind for q in a.quantities} & {q.kind for q in b.quantities} - PLAIN_KINDS
    return {
        "same_number": float(same), "close_number": float(close), "far_number": float(far),
        "same_kind": float(bool(telling)),
        "shared_names": min(common, NAMES_COUNTED) / NAMES_COUNTED,
        "no_shared_names": float(bool(a.names) and bool(b.names) and not common),
        "names_reversed": float(_reversed(a.name_order, b.name_order)),
        "negation_differs": float(a.negated != b.negated),
        "denial_differs": float(a.denies != b.denies),
        "speakers_differ": float(bool(a.speaker) and bool(b.speaker) and not a.speaker & b.speaker),
    }


class _Neighbourhood:
    """Each claim's best and second-best similarity within every other article, and each
    language pair's cosines in the story as a baseline: the model scores a Turkish-English pair
    lower than an English-English one, and a dense story's unrelated claims higher."""

    def __init__(self, sims: np.ndarray, own: np.ndarray, other: np.ndarray, languages_of: Sequence[str | None]) -> None:
        self.sims = sims
        self.best_in: dict[tuple[int, int], int] = {}
        self.second_in: dict[tuple[int, int], float] = {}
        n = len(own)
        for k in range(int(own.max()) + 1 if n else 0):
            cols = np.flatnonzero(own == k)
            if len(cols) == 0:
                continue
            order = np.argsort(-sims[:, cols], axis=1)
            for i in range(n):
                self.best_in[(i, k)] = int(cols[order[i, 0]])
                self.second_in[(i, k)] = float(sims[i, cols[order[i, 1]]]) if len(cols) > 1 else 0.0
        codes = sorted({c or "" for c in languages_of})
        self.code_of = np.array([codes.index(c or "") for c in languages_of])
        self.baseline: dict[tuple[int, int], tuple[float, float]] = {}
        for a in range(len(codes)):
            for b in range(a, len(codes)):
                in_a, in_b = self.code_of == a, self.code_of == b
                values = sims[other & ((in_a[:, None] & in_b[None, :]) | (in_b[:, None] & in_a[None, :]))]
                if len(values) >= 2:
                    self.baseline[(a, b)] = (float(values.mean()), float(values.std()) or 1.0)

    def margin(self, i: int, j: int, owner_i: int, owner_j: int) -> float:
        """How much closer i and j are than the runner-up in the other's article, for the weaker of the two."""
        cos = float(self.sims[i, j])

        def over_runner_up(x: int, y: int, owner_y: int) -> float:
            best = self.best_in[(x, owner_y)]
            return cos - (self.second_in[(x, owner_y)] if best == y else float(self.sims[x, best]))

        return min(over_runner_up(i, j, owner_j), over_runner_up(j, i, owner_i))

    def mutual(self, i: int, j: int, owner_i: int, owner_j: int) -> bool:
        return self.best_in[(i, owner_j)] == j and self.best_in[(j, owner_i)] == i

    def z(self, i: int, j: int) -> float:
        a, b = sorted((int(self.code_of[i]), int(self.code_of[j])))
        mean, std = self.baseline.get((a, b), (0.0, 1.0))
        return (float(self.sims[i, j]) - mean) / std


def pair_features(sims: np.ndarray, owners: Sequence[object], languages_of: Sequence[str | None],
                  evidence_of: Sequence[ClaimEvidence | None], places: Sequence[float] | None = None,
                  relays: set[frozenset[str]] | None = None) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The candidate pairs (i < j, different owners, cosine at least CANDIDATE_COSINE) and their
    features as rows, one column per PAIR_FEATURES name. `places`: each claim's place in its
    article, 0 (first) to 1 (last); without them, place_gap is 0. `relays`: the pairs of owners
    (articles) of which one relays the other (`provenance.Sources.relays`); without them,
    relayed is 0."""
    n = len(owners)
    owner_ids = {o: k for k, o in enumerate(dict.fromkeys(owners))}
    own = np.array([owner_ids[o] for o in owners], dtype=np.int64)
    other = own[:, None] != own[None, :]
    near = _Neighbourhood(sims, own, other, languages_of)
    weak_in_model = [languages.get(code).weak_in_default_model for code in languages_of]
    pairs: list[tuple[int, int]] = []
    rows: list[tuple[float, ...]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if not other[i, j] or sims[i, j] < CANDIDATE_COSINE:
                continue
            cos = float(sims[i, j])
            cross = float((languages_of[i] or "") != (languages_of[j] or ""))
            ea, eb = evidence_of[i], evidence_of[j]
            features = PairFeatures(
                cosine=cos, cosine_x_cross=cos * cross, cosine_z=near.z(i, j), cross_language=cross,
                weak_language=float(weak_in_model[i] or weak_in_model[j]),
                margin=near.margin(i, j, int(own[i]), int(own[j])),
                mutual_best=float(near.mutual(i, j, int(own[i]), int(own[j]))),
                place_gap=abs(places[i] - places[j]) if places is not None else 0.0,
                relayed=float(relays is not None and frozenset((owners[i], owners[j])) in relays),
                **(_evidence_features(ea, eb) if ea is not None and eb is not None else {}))
            pairs.append((i, j))
            rows.append(astuple(features))
    return pairs, np.asarray(rows, dtype=np.float64).reshape(-1, len(PAIR_FEATURES))


def places_in_articles(owners: Sequence[object]) -> list[float]:
    """Each claim's place among its article's claims (`owners`, in article order): 0 for the
    first, 1 for the last, 0 for an article's only claim."""
    counts = Counter(owners)
    seen: Counter[object] = Counter()
    out = []
    for o in owners:
        out.append(seen[o] / (counts[o] - 1) if counts[o] > 1 else 0.0)
        seen[o] += 1
    return out
