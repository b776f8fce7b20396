"""Story vetting: the new articles that average linkage put into a story but that hold none of
its identifiers, while their text alone does not make them part of it, are taken out again.

A same-topic report of another event (a tanker stuck in the same strait, the bodies exchanged
the day after the prisoners) has the topic, the places and the countries of a story, but not
the names and numbers that only that story's articles carry.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from .. import languages
from ..languages import fold
from ..text.anchors import KEY_LETTERS
from .params import StoryParams, story_similarity

__all__ = ["VET_FROM", "vet", "key_holders", "is_identifier"]


def key_holders(rowids: Iterable[int], keys: Mapping[int, Iterable[str]]) -> Counter[str]:
    """How many of the articles hold each anchor key."""
    return Counter(k for r in rowids for k in keys.get(r, ()))


# A story of at least this many articles is vetted: its other articles must be at least two
# for a name to be corroborated by them.
VET_FROM = 3


@functools.cache
def _weekday_keys() -> frozenset[str]:
    """The anchor keys of weekday names ("Thursday" -> "thurs", "Perşembe" -> "perse"): English,
    German and Turkish capitalise them, so anchors read them as names."""
    return frozenset(fold(w)[:KEY_LETTERS] for rules in languages.SUPPORTED.values()
                     for w in rules.evidence.weekdays)


def is_identifier(key: str) -> bool:
    """Names and numbers can identify an event; places (keys "@...") cannot: a city, a strait or a
    country hosts many events in the same days, and each is named in every report of them. Nor
    can a weekday: every report of the same day may give it."""
    return not key.startswith("@") and key not in _weekday_keys()


def vet(members: list[int], fresh: set[int], vectors: dict[int, np.ndarray], anchors: dict[int, dict[str, float]],
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
    holders = key_holders(members, keys)
    anchor_total: dict[str, float] = {}
    for r in members:
        for k, w in anchors[r].items():
            anchor_total[k] = anchor_total.get(k, 0.0) + w
    # keys of two or more members that no article outside them holds (for a member itself, one
    # it holds needs two other holders)
    exclusive = {k for k, n in holders.items() if n >= 2 and is_identifier(k) and counts.get(k, 0) <= n}
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
        if any(is_identifier(k) and holders.get(k, 0) - inside >= 2 and counts.get(k, 0) <= holders[k] - inside + 1
               for k in mine):
            continue  # holds an identifier of the others
        if sum(k in exclusive for k in mine) == len(exclusive):
            continue  # the others have no identifier it lacks
        out.append(r)
    return out
