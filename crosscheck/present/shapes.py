"""The JSON shapes of crosscheck's answers, in one place: `query --json`, `stories --json`,
`compare --json` and `info --json` print them, and `crosscheck serve` answers its API with the
same functions, so the command line and the server cannot drift apart.

Each function takes what the library returned and gives plain JSON-ready data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..compare.results import Comparison
    from ..index.folder import Index
    from ..records import Hit, Story

__all__ = ["hits_json", "stories_json", "story_json", "comparison_json", "figures_json", "info_json"]


def hits_json(hits: Iterable[Hit]) -> list[dict[str, Any]]:
    """`query --json` and `GET /api/query`: one object per hit, best first."""
    return [h.as_dict() for h in hits]


def story_json(story: Story) -> dict[str, Any]:
    """One story as `stories --json` lists it; `GET /api/stories/{id}`."""
    return story.as_dict()


def stories_json(stories: Iterable[Story]) -> list[dict[str, Any]]:
    """`stories --json` and `GET /api/stories`: newest first."""
    return [story_json(s) for s in stories]


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """`compare ID --json` and `GET /api/stories/{id}/compare`: the claims, and the figures they
    give by kind over time (compare/figures.py)."""
    return {**comparison.as_dict(), "figures": figures_json(comparison)["figures"]}


def figures_json(comparison: Comparison) -> dict[str, Any]:
    """`GET /api/stories/{id}/figures`: the story, and its figures as series by kind of number,
    oldest report first (the `figures` of `compare --json`)."""
    from ..compare.figures import figures_json as series_json, story_figures  # not at `crosscheck --help`

    story = comparison.story
    return {"story": {"id": story.id, "title": story.title}, "figures": series_json(story_figures(comparison))}


def info_json(index: Index) -> dict[str, Any]:
    """`info --json` and `GET /api/info`."""
    return index.info()
