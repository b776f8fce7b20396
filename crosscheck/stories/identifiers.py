"""Names that identify an event: which anchor keys of a story's articles can carry it past a
week (crosscheck/stories/clustering.py, `_continues`)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping

from .. import languages
from ..text.anchors import name_key

__all__ = ["key_holders", "is_identifier"]


def key_holders(rowids: Iterable[int], keys: Mapping[int, Iterable[str]]) -> Counter[str]:
    """How many of the articles hold each anchor key."""
    return Counter(k for r in rowids for k in keys.get(r, ()))


@functools.cache
def _weekday_keys() -> frozenset[str]:
    """The anchor keys of weekday names ("Thursday" -> "thurs", "Perşembe" -> "perse"): English,
    German and Turkish capitalise them, so anchors read them as names."""
    return frozenset(name_key(w.capitalize(), rules) for rules in languages.SUPPORTED.values()
                     for w in rules.evidence.weekdays)


def is_identifier(key: str) -> bool:
    """Names and numbers can identify an event; places (keys "@...") cannot: a city, a strait or a
    country hosts many events in the same days, and each is named in every report of them. Nor
    can a weekday: every report of the same day may give it."""
    return not key.startswith("@") and key not in _weekday_keys()
