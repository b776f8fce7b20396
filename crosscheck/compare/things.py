"""What a story's counts count, across languages: "10 provinces", "в 10 провинциях" and "10 ilde"
count one thing, "12 villages" another, so that two numbers of different things are never
taken for one figure (no conflict, no shared number).

The word each count stands with (`Quantity.what`, read by crosscheck/text/evidence.py) is
embedded with the index's own model, which places translations close: "provinces",
"провинциях" and "Provinzen" score 0.79-0.87 against each other, "villages" 0.44-0.48 against
them. Words at least SAME_THING apart are one thing (linked transitively); a thing close to
one of the languages' words for people ("people", "человек", "kişi", "Menschen", "personnes")
is people, the thing the dead, the injured and the missing are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from .. import languages
from ..text.evidence import PEOPLE, Quantity
from .results import Mention

__all__ = ["SAME_THING", "assign_things", "group_things"]

# Cosine of two counted words' vectors from which they count one thing. Measured with the default
# model on the words of tests/compare/test_things.py: translations of one noun score 0.58-0.96,
# different nouns 0.39-0.56 (the test prints both).
SAME_THING = 0.58


def assign_things(mentions: Sequence[Mention], embed: Callable[[list[str]], np.ndarray]) -> None:
    """Give every count of `mentions` its thing (`Quantity.thing`), in place: `people`, or the
    first word, as written, of the things its word is one of."""
    words = sorted({q.what for m in mentions for q in m.numbers if q.kind == "count" and q.what})
    if not words:
        return
    people_words = sorted({r.people_word for r in languages.SUPPORTED.values() if r.people_word})
    vectors = embed(words + people_words)
    sims = vectors[:len(words)] @ vectors.T
    group = list(range(len(words)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            if sims[i, j] >= SAME_THING:
                group[root(j)] = root(i)
    is_people = {root(i) for i in range(len(words)) if (sims[i, len(words):] >= SAME_THING).any()}
    thing = {w: PEOPLE if root(i) in is_people else words[root(i)] for i, w in enumerate(words)}
    for m in mentions:
        m.numbers = tuple(_with_thing(q, thing) for q in m.numbers)
        if m.evidence is not None:
            m.evidence = dataclasses.replace(m.evidence, quantities=m.numbers)


def group_things(mentions: Sequence[Mention]) -> dict[int, str | None]:
    """What each count, each sum of money and each span of time of one group's `mentions` is of
    (keyed by the number's identity): a count's thing, a sum's currency, a span's unit. One whose
    thing (or currency, or unit) is unknown takes the group's one known thing, if it has just one:
    "12 settlements" and "15" in one fact are one figure, "two hours" and "three days" two.
    Disputes (compare/diff.py) and figure series (compare/figures.py) read numbers through it."""
    out: dict[int, str | None] = {}
    for kind in ("count", "money", "duration"):
        known = {q.thing for m in mentions for q in m.numbers if q.kind == kind and q.thing}
        only = next(iter(known)) if len(known) == 1 else None
        out.update((id(q), q.thing or only) for m in mentions for q in m.numbers if q.kind == kind)
    return out


def _with_thing(q: Quantity, thing: dict[str, str]) -> Quantity:
    if q.kind != "count" or not q.what or q.what not in thing:
        return q
    return dataclasses.replace(q, thing=thing[q.what])

