"""The parameters stories are formed with, and how they combine two articles' evidence. Light
(no numpy): the command line reads the defaults for its --help."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["StoryParams", "stored_params", "shipped_threshold", "METHOD", "SECONDS_PER_DAY"]

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class StoryParams:
    # the average pair probability for two clusters to be one story; None: the story pair
    # model's own (crosscheck/stories/pairs.py, chosen by benchmarks/protocol.py)
    threshold: float | None = None
    window_days: float = 7.0    # largest gap in days between a story and an article joining it
    max_span_days: float = 14.0  # longest a story runs: a topic that recurs for weeks is several stories
    event_span_days: float = 31.0  # ... unless its reports keep sharing a name of the event (clustering.py, `_continues`)
    neighbours: int = 30        # candidates per new article from the faiss index


# The way stories are formed: stored with the parameters, so that an index formed another way
# (before the story pair model) is formed with today's defaults, not with parameters of another
# meaning.
METHOD = 2


def shipped_threshold() -> float:
    """The shipped story pair model's threshold (crosscheck/data/story_pairs.json), read without numpy."""
    from importlib import resources

    return float(json.loads(resources.files("crosscheck").joinpath("data/story_pairs.json").read_text("utf-8"))["threshold"])


def stored_params(index: Index) -> StoryParams:
    """The parameters the index's stories were formed with (the defaults for a new index, and
    for one formed by an earlier method)."""
    raw = index.store.get_meta("story_params")
    if not raw:
        return StoryParams()
    stored = json.loads(raw)
    if stored.pop("method", None) != METHOD:
        return StoryParams()
    return StoryParams(**stored)
