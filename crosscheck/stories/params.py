"""The parameters stories are formed with, and how they combine two articles' evidence. Light
(no numpy): the command line reads the defaults for its --help."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["StoryParams", "stored_params", "story_similarity", "SECONDS_PER_DAY"]

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class StoryParams:
    threshold: float = 0.38     # average similarity for two clusters to be one story
    window_days: float = 3.0    # largest gap in days between a story and an article joining it
    max_span_days: float = 7.0  # longest a story runs: a topic that recurs for weeks is several stories
    event_span_days: float = 31.0  # ... unless its reports keep sharing a name of the event (clustering.py, `_continues`)
    neighbours: int = 30        # candidates per new article from the faiss index
    anchor_weight: float = 0.3  # share of shared names and numbers in the similarity
    # Below this average similarity to the rest of its story, a new article stays in the story
    # only if it holds one of the story's identifiers (see vetting.py). SemEval-2022: "same story"
    # precision reaches 0.8 here (benchmarks/accuracy.py --only semeval), the text alone is
    # then good evidence; below it, topic alone (same strait, same border) can carry a pair.
    confirm_below: float = 0.48


def stored_params(index: Index) -> StoryParams:
    """The parameters the index's stories were formed with (the defaults for a new index)."""
    raw = index.store.get_meta("story_params")
    if not raw:
        return StoryParams()
    stored = json.loads(raw)
    # an index whose stories were formed before long events had the 7-day cap alone
    stored.setdefault("event_span_days", stored.get("max_span_days", StoryParams.max_span_days))
    return StoryParams(**stored)



def story_similarity(cosine: float, anchor_cosine: float, anchor_weight: float) -> float:
    """How alike two articles are as reports of one event (also between sums of articles)."""
    return (1 - anchor_weight) * cosine + anchor_weight * anchor_cosine
