"""Who is quoted, by whom, as pages show it: the "Who is quoted" section of a story page and the
speakers page of `crosscheck serve` (web/pages.py). Plain records for the templates
(templates/_speakers.html.j2); the speakers are compare/speakers.py's, as `crosscheck speakers
--json` and `/api/speakers` give them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..compare.results import Comparison
from ..compare.speakers import Speaker, story_speakers
from ..vocabulary import CAMP_LABELS, CAMPS, as_camp
from .html import language_code

__all__ = ["QuoteView", "CampQuotes", "SpeakerView", "speaker_views", "speakers_context"]

# Speakers a story page lists before folding the rest: the most quoted first.
SHOWN_SPEAKERS = 12


@dataclass
class QuoteView:
    claim_id: str
    href: str
    outlet: str
    text: str
    language: str | None


@dataclass
class CampQuotes:
    camp: str
    label: str
    outlets: list[str]
    quotes: list[QuoteView]


@dataclass
class SpeakerView:
    key: str
    name: str
    spellings: list[str]
    outlets: int
    stories: int
    camps: dict[str, CampQuotes] = field(default_factory=dict)


def speaker_views(speakers: Sequence[Speaker], claim_href: Callable[[str, str], str]) -> list[SpeakerView]:
    """`claim_href(story id, claim id)` is where a quote's claim is shown."""
    views = []
    for s in speakers:
        view = SpeakerView(s.key, s.name, [n for n in s.spellings if n != s.name], len(s.outlets),
                           len({q.story_id for q in s.quotes}))
        for camp, found in s.camps.items():
            quotes = [QuoteView(q.claim_id, claim_href(q.story_id, q.claim_id), q.outlet, q.text,
                                language_code(q.language)) for q in found["quotes"]]
            view.camps[camp] = CampQuotes(camp, CAMP_LABELS[as_camp(camp)], found["outlets"], quotes)
        views.append(view)
    return views


def speaker_camps(views: Sequence[SpeakerView]) -> list[dict[str, str]]:
    """The camps that quote anyone, in the vocabulary's order: the table's columns."""
    present = {c for v in views for c in v.camps}
    return [{"key": str(c), "label": CAMP_LABELS[c]} for c in CAMPS if c in present]


def speakers_context(comparison: Comparison) -> dict[str, Any]:
    """What story.html.j2's speakers section reads (one `context.update` in report.render_story)."""
    views = speaker_views(story_speakers(comparison), lambda _story, claim: f"#claim-{claim}")
    return {"speakers": views, "speaker_camps": speaker_camps(views), "shown_speakers": SHOWN_SPEAKERS}
