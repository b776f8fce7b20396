"""The pages `crosscheck serve` adds to the static report's: the index with search and filters,
search results, one article, and errors. Rendered with the report's Jinja2 environment, CSS and
Content-Security-Policy (crosscheck/present/html.py; only the form target differs: these pages'
forms submit to the server), and with its escaping rules: every value is escaped, only http(s)
URLs become links, and every untrusted string is its own bidi isolate.

The story page is `present.report.render_story` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ..compare.results import STATUSES, Comparison
from ..present.html import balance_bidi, camp_key, environment, fmt_date, language_code, page_context, plural
from ..present.listing import IndexRow, render_index
from ..present.views import article_views
from ..records import Hit
from ..vocabulary import CAMP_LABELS, STATUS_INFO

__all__ = ["StoryFilters", "SearchForm", "story_href", "article_href", "render_server_index", "render_search",
           "render_article", "render_error"]

STORIES_PER_PAGE = 20  # rows of the index page: each needs its story compared, 0.1-1 s for 5-50 articles


def story_href(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def article_href(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def _camp_options() -> list[tuple[str, str]]:
    return [(key, label) for key, label in CAMP_LABELS.items()]


@dataclass
class StoryFilters:
    """The index page's filters, as the query string gives them (already checked)."""

    camp: str = ""
    lang: str = ""
    since: str = ""
    until: str = ""
    page: int = 1

    def query(self, page: int) -> str:
        params = {k: v for k, v in (("camp", self.camp), ("lang", self.lang), ("since", self.since),
                                    ("until", self.until)) if v}
        if page > 1:
            params["page"] = str(page)
        return "/?" + urlencode(params) if params else "/"

    @property
    def active(self) -> bool:
        return bool(self.camp or self.lang or self.since or self.until)


@dataclass
class SearchForm:
    q: str = ""
    lang: str = ""
    camp: str = ""
    sentences: bool = False
    autofocus: bool = False


@dataclass
class _HitView:
    title: str
    href: str
    outlet: str
    camp: str
    camp_label: str
    language: str | None
    published: str | None
    date: str
    score: str
    sentence: str | None
    story_id: str | None
    story_href: str | None = field(default=None)


def _common(languages: Sequence[str], search: SearchForm) -> dict[str, Any]:
    return {"languages": list(languages), "camp_options": _camp_options(), "search": search, "plural": plural}


def render_server_index(entries: list[IndexRow], total: int, filters: StoryFilters, pages: int,
                        languages: Sequence[str], failed: Sequence[str] = ()) -> str:
    """One page of the stories (newest first) with the search box, the filters and links to other
    pages; `failed` names the stories of the page whose comparison failed (left out, and said)."""
    first = (filters.page - 1) * STORIES_PER_PAGE + 1
    if total:
        summary = (f"Showing stories {first}–{first + len(entries) + len(failed) - 1} of {total}" if pages > 1
                   else f"Showing {plural(total, 'story', 'stories')}") + (" matching the filters." if filters.active
                                                                              else ".")
    else:
        summary = "No stories."
    if failed:
        summary += (f" Left out of this page because their claims could not be compared (the server's log "
                    f"has the error): {', '.join(failed)}.")
    empty = ("No story matches these filters." if filters.active
             else "No stories yet: ingest some articles first (crosscheck ingest samples/); they form stories as they arrive.")
    extra = {
        **_common(languages, SearchForm()),
        "filters": filters, "filtering": filters.active, "total": total, "summary": summary, "empty_message": empty,
        "page": filters.page, "pages": pages,
        "prev_href": filters.query(filters.page - 1) if filters.page > 1 else None,
        "next_href": filters.query(filters.page + 1) if filters.page < pages else None,
    }
    return render_index(entries, title="Stories", template="serve_index.html.j2", extra=extra)


def render_search(search: SearchForm, hits: list[Hit], story_of: Mapping[str, str], languages: Sequence[str],
                  error: str | None = None) -> str:
    """Search results: each hit links to its article page and to its story, if it is in one."""
    views = []
    for h in hits:
        a = h.article
        sid = story_of.get(a.id)
        views.append(_HitView(a.title, article_href(a.id), a.outlet, camp_key(a.camp), CAMP_LABELS[camp_key(a.camp)],
                              language_code(a.language), a.published, fmt_date(a.published), f"{h.score:.3f}",
                              h.sentence, sid, story_href(sid) if sid else None))
    title = f"{balance_bidi(search.q)} · Search" if search.q else "Search"  # an override in q ends with q
    context = page_context(f"{title} · crosscheck", script=False, forms=True)
    context.update(_common(languages, search), hits=views, error=error, generated_at=None)
    return environment().get_template("search.html.j2").render(context)


def render_article(comparison: Comparison, article_id: str, in_story: bool, languages: Sequence[str]) -> str:
    """One article of `comparison` with its sentences marked by the status of their claim group;
    claim marks link to the story page when the article is in a story (`in_story`)."""
    anchors = {a.id: f"article-{i}" for i, a in enumerate(comparison.story.articles, start=1)}
    view = next(v for v in article_views(comparison, anchors, {}) if v.article.id == article_id)
    context = page_context(f"{balance_bidi(view.article.title)} · crosscheck", script=False, forms=True)
    context.update(_common(languages, SearchForm()), a=view, generated_at=None,
                   story_id=comparison.story.id if in_story else None,
                   story_href=story_href(comparison.story.id) if in_story else None,
                   statuses=[STATUS_INFO[s] for s in STATUSES])
    return environment().get_template("article.html.j2").render(context)


def render_error(status: int, heading: str, message: str) -> str:
    context = page_context(f"{heading} · crosscheck", script=False)
    context.update(status=status, heading=heading, message=message, generated_at=None)
    return environment().get_template("error.html.j2").render(context)
