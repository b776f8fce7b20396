"""HTML reports: one self-contained page per story (claim matrix, filters, annotated full texts,
timeline) and `report --out DIR`'s folder of them with an index page (listing.py).

The page works without a network and without JavaScript (all rows shown); with JavaScript, the
filters switch one attribute or class on the table, never touching rows one by one. How it is
kept safe from the untrusted text it shows: html.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..compare.diff import compare_articles
from ..compare.results import STATUSES, Comparison, Conflict
from ..errors import check_folder
from ..records import Story, time_order
from ..stories.catalog import list_stories, parse_since
from ..vocabulary import CAMPS, CAMP_LABELS, DISPLAY_LANGUAGE, KNOWN_CAMPS, STATUS_INFO, Camp
from .html import (balance_bidi, camp_key, date_span, environment, page_context, plural, safe_href,
                   story_file_name, write_page)
from .listing import IndexRow, render_index
from .figures import figures_context
from .speakers import speakers_context
from .views import (MANY_OUTLETS, SUMMARY_ITEMS, article_views, claim_rows, coverage, independent_sources,
                    story_outlets, summary_of, timeline_of)

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["render_story", "write_reports"]

log = logging.getLogger("crosscheck")


def _names_balanced(comparison: Comparison) -> Comparison:
    """The comparison with every outlet name and title balanced (html.balance_bidi): the page
    puts several of them in one line ("relays TASS via RIA", "BBC News, TASS"), and an override
    in one must end with it, not reverse the names and words after it. As it is when no name
    or title holds a bidi control (the usual case)."""
    articles = {a.id: a for g in comparison.groups for a in (m.article for m in g.mentions)}
    articles.update((a.id, a) for a in comparison.story.articles)
    names = [*(a.outlet for a in articles.values()), *(a.title for a in articles.values()),
             *(n for g in comparison.groups for m in g.mentions for n in (m.origin, m.attributed_to or "", *m.via)),
             *(n for g in comparison.groups for c in (*g.conflicts, *g.updates) for v in c.values
               for n in (*v.outlets, *v.origins)),
             *(c.outlet for g in comparison.groups for c in g.closest)]
    if all(balance_bidi(n) == n for n in names):
        return comparison
    b = balance_bidi
    new = {i: replace(a, outlet=b(a.outlet), title=b(a.title)) for i, a in articles.items()}

    def disputes(found: list[Conflict]) -> list[Conflict]:
        return [replace(c, values=[replace(v, outlets=[b(o) for o in v.outlets], origins=[b(o) for o in v.origins])
                                   for v in c.values]) for c in found]

    groups = [replace(g, mentions=[replace(m, article=new[m.article.id], origin=b(m.origin), via=[b(v) for v in m.via],
                                           attributed_to=b(m.attributed_to) if m.attributed_to else m.attributed_to)
                                   for m in g.mentions],
                      origin_camps={b(k): v for k, v in g.origin_camps.items()},
                      conflicts=disputes(g.conflicts), updates=disputes(g.updates),
                      closest=[replace(c, outlet=b(c.outlet)) for c in g.closest])
              for g in comparison.groups]
    story = Story(comparison.story.id, b(comparison.story.title), [new[a.id] for a in comparison.story.articles])
    return Comparison(story, groups, comparison.sentences, comparison.reprints)


def render_story(comparison: Comparison, translations: Mapping[str, str] | None = None,
                 translation_note: str | None = None, generated_at: str | None = None,
                 index_href: str | None = None) -> str:
    """One self-contained HTML page for a compared story.

    `translations` maps an original text to its translation into the display language; the
    translation is shown under the original. `translation_note`, when set, is shown at the top
    (for example: translations are missing because there was no network). `index_href` adds a
    link back to the index page.
    """
    translations = translations or {}
    comparison = _names_balanced(comparison)
    story = comparison.story
    articles = sorted(story.articles, key=time_order)  # by instant, undated last
    story_sorted = Story(story.id, story.title, articles)
    sorted_comparison = Comparison(story_sorted, comparison.groups, comparison.sentences, comparison.reprints)
    anchors = {a.id: f"article-{i}" for i, a in enumerate(articles, start=1)}
    present = {camp_key(a.camp) for a in articles} | {camp_key(m.article.camp) for g in comparison.groups
                                                    for m in g.mentions}
    camps = [c for c in CAMPS if c in present] or [Camp.UNKNOWN]
    camp_articles = {c: sum(1 for a in articles if camp_key(a.camp) == c) for c in camps}
    counts: dict[str, int] = {s: len(comparison.by_status(s)) for s in STATUSES}
    filters = [("all", "All claims", "", len(comparison.groups))]
    filters += [(str(s), STATUS_INFO[s].label, STATUS_INFO[s].icon, counts[s]) for s in STATUSES]
    filters += [("conflict", "Numbers conflict", "⚠", len(comparison.conflicts))]
    sources = independent_sources(comparison)
    rows = claim_rows(sorted_comparison, camps, anchors, translations)
    rows_by_id = {r.id: r for r in rows}
    summary = summary_of(sorted_comparison, translations)
    # single-source claims that few outlets state are folded by the camp of their source
    folded = {i.id for f in summary.folds for i in f.items}
    context = page_context(f"{balance_bidi(story.title)} · crosscheck", script=True)
    context.update(
        story=story_sorted,
        date_span=date_span(story_sorted),
        blindspot=", ".join(CAMP_LABELS[c] for c in camps if c in KNOWN_CAMPS) if story.blindspot else None,
        coverage=coverage(story_sorted),
        outlets=story_outlets(story_sorted),
        sources=sources,
        camps=[{"key": c, "label": CAMP_LABELS[c], "articles": camp_articles[c]} for c in camps],
        counts=counts,
        statuses=[STATUS_INFO[s] for s in STATUSES],
        filters=filters,
        total_claims=len(comparison.groups),
        conflict_count=len(comparison.conflicts),
        rows=rows,
        articles=article_views(sorted_comparison, anchors, translations),
        timeline=timeline_of(story_sorted, camps, anchors),
        summary=summary,
        main_rows=[r for r in rows if r.id not in folded],
        row_folds=[{"camp": f.camp, "label": f.label, "rows": [rows_by_id[i.id] for i in f.items]}
                   for f in summary.folds],
        folded_count=len(folded),
        many_outlets=MANY_OUTLETS,
        summary_items=SUMMARY_ITEMS,
        translation_note=translation_note,
        generated_at=generated_at,
        index_href=safe_href(index_href) if index_href else None,
        plural=plural,
    )
    context.update(figures_context(sorted_comparison, anchors))  # figures over time (present/figures.py)
    context.update(speakers_context(sorted_comparison))  # who is quoted, by whom (present/speakers.py)
    return environment().get_template("story.html.j2").render(context)


def _untranslated_note(comparison: Comparison) -> str | None:
    """What the page says when no translator was used and some claims are in another language."""
    if not comparison.written_in(DISPLAY_LANGUAGE):
        return "No translator was used: claims are shown in their original language only."
    return None


def write_reports(index: Index, out_dir: str | os.PathLike[str], since: str | None = None,
                  translations_for: Callable[[Comparison], tuple[Mapping[str, str], str | None]] | None = None,
                  generated_at: str | None = None) -> list[Path]:
    """Compare every story (ending on or after `since`) and write `index.html` plus one
    `<story id>.html` per story into `out_dir`. The index is only read: stories are formed
    by `ingest`, `stories` or `serve --update-every` (`stories.update_stories`).

    `translations_for(comparison)` returns (translations keyed by original text, a note to show
    when translations are missing). Returns the paths written, index.html first.

    Each page is written through a temporary file of its own, created exclusively, and renamed
    over its name (html.write_page): a symlink planted in `out_dir` is replaced, never written
    through, so nothing is written outside `out_dir`.
    """
    since = parse_since(since)  # before anything is written
    out = Path(out_dir)
    check_folder(out, "--out")
    out.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    entries: list[IndexRow] = []
    written: list[Path] = []
    for story in list_stories(index, since=since):
        comparison = compare_articles(index, story)
        if translations_for is not None:
            translations, note = translations_for(comparison)
        else:
            translations, note = {}, _untranslated_note(comparison)
        name = story_file_name(story.id)
        path = out / name
        write_page(path, render_story(comparison, translations, note, generated_at, index_href="index.html"))
        written.append(path)
        entries.append(IndexRow.from_comparison(comparison, quote(name)))
        log.info("report: %s (%d claims)", path, len(comparison.groups))
    index_path = out / "index.html"
    write_page(index_path, render_index(entries, generated_at))
    return [index_path, *written]

