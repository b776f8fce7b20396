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
from ..present.speakers import speaker_camps, speaker_views
from ..compare.speakers import Speaker
from ..records import Hit
from ..vocabulary import CAMP_LABELS, STATUS_INFO

__all__ = ["StoryFilters", "SearchForm", "MIN_ARTICLES_SHOWN", "story_href", "article_href", "render_server_index",
           "render_search", "render_article", "render_error"]

STORIES_PER_PAGE = 20  # rows of the index page: each needs its story compared, 0.1-1 s for 5-50 articles
# The index page lists stories of this many articles or more unless asked (min_articles=1): on
# an index fed by feeds most stories are one report that no other outlet matched, and they
# filled 3 of 4 rows (issue #23). They are counted, with a link that shows them.
MIN_ARTICLES_SHOWN = 2


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
    min_articles: int = MIN_ARTICLES_SHOWN
    page: int = 1

    def query(self, page: int, min_articles: int | None = None) -> str:
        params = {k: v for k, v in (("camp", self.camp), ("lang", self.lang), ("since", self.since),
                                    ("until", self.until)) if v}
        articles = self.min_articles if min_articles is None else min_articles
        if articles != MIN_ARTICLES_SHOWN:
            params["min_articles"] = str(articles)
        if page > 1:
            params["page"] = str(page)
        return "/?" + urlencode(params) if params else "/"

    @property
    def narrowed(self) -> bool:
        """Whether camp, language or dates narrow the listing."""
        return bool(self.camp or self.lang or self.since or self.until)

    @property
    def active(self) -> bool:
        """Whether any filter differs from the page's defaults."""
        return self.narrowed or self.min_articles != MIN_ARTICLES_SHOWN


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
                        languages: Sequence[str], failed: Sequence[str] = (), smaller: int = 0) -> str:
    """One page of the stories (newest first) with the search box, the filters and links to other
    pages; `failed` names the stories of the page whose comparison failed (left out, and said);
    `smaller` counts the stories the min_articles filter left out (with a link that shows them)."""
    first = (filters.page - 1) * STORIES_PER_PAGE + 1
    if total:
        summary = (f"Showing stories {first:,}–{first + len(entries) + len(failed) - 1:,} of {total:,}" if pages > 1
                   else f"Showing {plural(total, 'story', 'stories')}")
        summary += f" of {filters.min_articles} or more articles" if filters.min_articles > 1 else ""
        summary += " matching the filters." if filters.narrowed else "."
    else:
        summary = "No stories."
    pending = sum(1 for e in entries if not e.compared)
    if pending:
        summary += f" The claims of {plural(pending, 'story', 'stories')} are being compared: reload to see them."
    if failed:
        summary += (f" Left out of this page because their claims could not be compared (the server's log "
                    f"has the error): {', '.join(failed)}.")
    if smaller and not filters.narrowed:
        empty = f"No story of {filters.min_articles} or more articles yet."
    elif filters.active:
        empty = "No story matches these filters."
    else:
        empty = "No stories yet: ingest some articles first (crosscheck ingest samples/); they form stories as they arrive."
    sizes = dict.fromkeys([MIN_ARTICLES_SHOWN, filters.min_articles, 1])  # the page's choice, and the one asked for
    extra = {
        **_common(languages, SearchForm()),
        "filters": filters, "filtering": filters.active, "total": total, "summary": summary, "empty_message": empty,
        "page": filters.page, "pages": pages,
        "smaller": (f"{plural(smaller, 'story', 'stories')} of fewer than {filters.min_articles} articles "
                    f"{'is' if smaller == 1 else 'are'} not listed.") if smaller else "",
        "smaller_href": filters.query(1, min_articles=1),
        "min_articles_options": [(n, "any" if n == 1 else f"{n} or more") for n in sizes],
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


def render_speakers(speakers: Sequence[Speaker], stories: int, since: str | None) -> str:
    """Who is quoted across the index (or the stories from `since`): each claim links to its story."""
    views = speaker_views(speakers, lambda story_id, claim_id: f"{story_href(story_id)}#claim-{quote(claim_id)}")
    context = page_context("Speakers · crosscheck", script=False, forms=True)
    context.update(speakers=views, speaker_camps=speaker_camps(views), stories=stories, since=since or "",
                   plural=plural, generated_at=None)
    return environment().get_template("speakers.html.j2").render(context)


def render_error(status: int, heading: str, message: str) -> str:
    context = page_context(f"{heading} · crosscheck", script=False)
    context.update(status=status, heading=heading, message=message, generated_at=None)
    return environment().get_template("error.html.j2").render(context)
