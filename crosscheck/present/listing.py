"""The index page of a report: every story with its dates, coverage by camp, blindspot mark and
counts (`IndexRow`, one per story)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..compare.results import Comparison
from ..records import Story
from ..vocabulary import CAMPS, CAMP_LABELS, STATUS_INFO, Status
from .html import balance_bidi, camp_key, date_span, environment, page_context, plural, safe_href
from .views import coverage, independent_sources

__all__ = ["IndexRow", "render_index"]


@dataclass
class IndexRow:
    """One row of index.html: a story, with the counts shown next to it."""

    story: Story
    href: str
    single_source: int
    conflicts: int
    claims: int = 0
    independent_sources: int = 0
    shared: int = 0
    camp_only: int = 0
    # the single-source claim that most outlets repeat (two or more), if any
    top_single_id: str | None = None
    top_single_text: str = ""
    top_single_outlets: int = 0
    top_single_origin: str = ""
    compared: bool = True  # False: a row of `crosscheck serve` whose story is being compared (no counts yet)
    title_note: str = ""   # shown beside the title ("title in Russian, untranslated")

    @classmethod
    def from_comparison(cls, comparison: Comparison, href: str) -> IndexRow:
        single = comparison.by_status(Status.SINGLE_SOURCE)
        entry = cls(comparison.story, href, len(single), len(comparison.conflicts), len(comparison.groups),
                    len(independent_sources(comparison)), len(comparison.by_status(Status.SHARED)),
                    len(comparison.by_status(Status.CAMP_ONLY)))
        repeated = [g for g in single if len(g.outlets) >= 2]
        if repeated:
            top = min(repeated, key=lambda g: (-len(g.outlets), g.id))
            entry.top_single_id, entry.top_single_text = top.id, top.text
            # each name balanced: an override in one ends with it (html.balance_bidi)
            entry.top_single_outlets = len(top.outlets)
            entry.top_single_origin = ", ".join(balance_bidi(o) for o in top.origin_outlets)
        return entry

    @classmethod
    def pending(cls, story: Story, href: str) -> IndexRow:
        """A row whose story is not compared yet: its coverage, but no claim counts."""
        return cls(story, href, 0, 0, compared=False)


def render_index(entries: list[IndexRow], generated_at: str | None = None,
                 title: str = "Stories", template: str = "index.html.j2",
                 extra: Mapping[str, Any] | None = None) -> str:
    """The index page: every story with its dates, coverage by camp, blindspot mark and counts.

    `template` may be one that extends index.html.j2 (the server's adds search and filter
    forms, see web/pages.py) and `extra` is added to its context; such a page may submit forms."""
    rows = []
    for e in entries:
        camps = sorted({camp_key(a.camp) for a in e.story.articles} & set(CAMPS), key=CAMPS.index)
        rows.append({
            "entry": e, "href": safe_href(e.href), "date_span": date_span(e.story),
            "coverage": coverage(e.story), "camps": [CAMP_LABELS[c] for c in camps],
            "blindspot": e.story.blindspot, "articles": len(e.story.articles),
            "outlets": e.story.outlets,
            "top_href": safe_href(f"{e.href}#claim-{e.top_single_id}") if e.top_single_id else None,
        })
    context = page_context(f"{title} · crosscheck", script=False, forms=template != "index.html.j2")
    context.update(title=title, rows=rows, generated_at=generated_at, plural=plural,
                   camp_labels=CAMP_LABELS, statuses=STATUS_INFO, single_icon=STATUS_INFO[Status.SINGLE_SOURCE].icon)
    context.update(extra or {})
    return environment().get_template(template).render(context)
