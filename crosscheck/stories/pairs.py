"""How likely two articles report one event: the evidence of a pair, and a calibrated model over it.

Topic alone does not make one event: a second earthquake in the same province, another fire
on the same coast, a power cut at the same airport share the words, the places and the day of
the story they sit next to. What only reports of one event share is its facts and its
specifics, so a pair is judged on (`StoryPairFeatures`):
- the cosine of the two articles' vectors, and whether their languages differ (the model
  scores a translation lower than a paraphrase in one language);
- their shared names and numbers, weighted by rarity (crosscheck/text/anchors.py);
- how well their facts match: the second-best mutual match between the two articles' claims
  (one shared sentence is a filler mention of a neighbouring event; two are shared facts), the
  best one when an article has a single claim (a short news item);
- whether the names of their titles and leads meet (what an article is about, not what it
  mentions in passing), and how much of each lead the other article names anywhere: a report
  of another fire on the same coast names the coast and the fire brigade, not the village
  that burned (`leads_covered`);
- the days between them, and whether the later one names the day the earlier one was
  published (or the day before): a follow-up recalls the day of the event ("the floods of 12
  January"), a similar event of another day does not (`recalls_day`).
`StoryPairModel` is a logistic regression over these, fitted and its grouping threshold chosen
by benchmarks/protocol.py on annotated corpora (crosscheck/data/story_pairs.json).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from importlib import resources

import numpy as np

from ..text.anchors import extract_anchors, sparse_dot
from ..text.sentences import paragraphs

__all__ = ["STORY_FEATURES", "StoryPairFeatures", "StoryPairModel", "ArticleEvidence", "story_pair_features",
           "lead_names"]

# Leads are the title and the first paragraph: where an article says what it is about.
LEAD_PARAGRAPHS = 1
DAY = 86400.0


@dataclass(frozen=True)
class StoryPairFeatures:
    """What the story pair model reads of two articles; the fields in this order are its columns."""

    cosine: float             # of the two article vectors
    cross_language: float     # the languages differ
    cosine_x_cross: float     # the cosine again when they do
    anchors: float            # cosine of their rarity-weighted names and numbers
    facts: float              # the second-best mutual match between their claims' vectors (best: one claim)
    facts_x_cross: float      # the same when the languages differ
    lead_names: float         # their titles and leads name something in common
    leads_covered: float      # the share of one's lead names and places that the other names, the lower of the two
    log_days: float           # log(1 + days between them)
    recalls_day: float        # a day or more apart, the later names the day of the earlier (or the day before)


STORY_FEATURES: tuple[str, ...] = tuple(f.name for f in fields(StoryPairFeatures))


@dataclass(frozen=True)
class ArticleEvidence:
    """One article as the story pair model sees it."""

    vector: np.ndarray                 # its unit article vector
    anchors: dict[str, float]          # its unit, rarity-weighted anchor vector
    claims: np.ndarray                 # its claims' unit vectors, one row each
    lead: frozenset[str]               # the name and place keys of its title and lead
    language: str | None
    published: float | None            # Unix time
    days: frozenset[int] = frozenset()  # the calendar days its text names (month * 100 + day)
    day: date | None = None            # the day it was published, in its own time zone
    outlet: frozenset[str] = frozenset()  # the name keys of its outlet, which its dateline gives


def lead_names(title: str, text: str, language: str | None) -> frozenset[str]:
    """The name and place keys of an article's title and lead (its first paragraph), no numbers."""
    lead = "\n\n".join(p for _, p in list(paragraphs(text))[:LEAD_PARAGRAPHS])
    return frozenset(k for k in extract_anchors(title, lead, language) if not k.startswith("#"))


def _covered(lead: frozenset[str], other: Iterable[str], outlets: frozenset[str]) -> float:
    """The share of `lead`'s keys (less the outlets' names) that `other` holds; 1 for an empty lead."""
    keys = lead - outlets
    return len(keys.intersection(other)) / len(keys) if keys else 1.0


def _second_best_match(a: np.ndarray, b: np.ndarray) -> float:
    """The second-highest cosine among claim pairs that are each other's best match, or the
    highest when one article has a single claim (0 when there is none)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    sims = a @ b.T
    best_of_a, best_of_b = sims.argmax(axis=1), sims.argmax(axis=0)
    mutual = sorted((float(sims[i, best_of_a[i]]) for i in range(len(a)) if best_of_b[best_of_a[i]] == i),
                    reverse=True)
    rank = min(2, len(a), len(b))
    return mutual[rank - 1] if len(mutual) >= rank else 0.0


def story_pair_features(a: ArticleEvidence, b: ArticleEvidence) -> StoryPairFeatures:
    """The features of two articles. Their own outlets' names do not count as names their leads
    share, nor places (a country stands in every report from it): an agency's dateline stands in
    all its reports ("(Reuters)", "/ТАСС/")."""
    outlets = a.outlet | b.outlet
    places = frozenset(k for k in a.lead | b.lead if k.startswith("@"))
    cosine = float(a.vector @ b.vector)
    cross = float((a.language or "") != (b.language or ""))
    facts = _second_best_match(a.claims, b.claims)
    days = abs(a.published - b.published) / DAY if a.published is not None and b.published is not None else 1.0
    return StoryPairFeatures(
        cosine=cosine, cross_language=cross, cosine_x_cross=cosine * cross, anchors=sparse_dot(a.anchors, b.anchors),
        facts=facts, facts_x_cross=facts * cross, lead_names=float(bool((a.lead & b.lead) - outlets - places)),
        leads_covered=min(_covered(a.lead, b.anchors, outlets), _covered(b.lead, a.anchors, outlets)),
        log_days=math.log1p(days), recalls_day=float(_recalls_day(a, b)))


def _recalls_day(a: ArticleEvidence, b: ArticleEvidence) -> bool:
    """A day or more apart, the later of the two names the day the earlier was published or the day before."""
    if a.published is None or b.published is None or abs(a.published - b.published) < DAY:
        return False
    earlier, later = sorted((a, b), key=lambda e: e.published or 0.0)
    if earlier.day is None:
        return False
    return any((d.month * 100 + d.day) in later.days for d in (earlier.day, earlier.day - timedelta(days=1)))


@dataclass(frozen=True)
class StoryPairModel:
    """A logistic regression: P(two articles report one event) from STORY_FEATURES; two clusters
    of articles are one story while their average pair probability is at least `threshold`."""

    weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def default(cls) -> StoryPairModel:
        return _shipped_model()

    def probability(self, features: StoryPairFeatures) -> float:
        return 1.0 / (1.0 + math.exp(-(float(np.dot(astuple(features), self.weights)) + self.bias)))


@lru_cache(maxsize=1)
def _shipped_model() -> StoryPairModel:
    data = json.loads(resources.files("crosscheck").joinpath("data/story_pairs.json").read_text("utf-8"))
    if tuple(data["features"]) != STORY_FEATURES:
        raise ValueError("crosscheck/data/story_pairs.json was fitted on other features: run benchmarks/protocol.py")
    return StoryPairModel(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]), float(data["threshold"]))
