"""One handler per route of `crosscheck serve`, as datasette keeps its views: each takes the
server's `IndexReader` and the request, checks its parameters (`Params`: a bad one answers 400)
and answers with a page (web/pages.py, present/report.py) or the JSON the command line prints
(present/shapes.py). `ROUTES` is the one route table."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..compare.speakers import Speaker, speakers_json, speakers_of
from ..errors import ArticleNotFound, InvalidInput
from ..present.digest import DEFAULT_SINCE, Digest, make_digest, parse_since_instant, render_digest
from ..present.html import LANGUAGE_CODE
from ..present.listing import IndexRow
from ..present.report import render_story
from ..present.shapes import comparison_json, figures_json, hits_json, info_json, stories_json, story_json
from ..records import Story
from ..vocabulary import CAMPS, DISPLAY_LANGUAGE
from ..stories.catalog import get_story, untranslated_title_note
from .pages import (MIN_ARTICLES_SHOWN, STORIES_PER_PAGE, SearchForm, StoryFilters, render_article, render_search,
                    render_server_index, render_speakers, story_href)
from .reader import DEFAULT_K, ComparisonFailed, IndexReader

__all__ = ["ROUTES", "BadParameter", "Params", "json_response", "html_response"]

PAGE_K = 20            # results on the search page
MAX_K = 500            # most results one query may ask for: more is a listing, not a search
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


class BadParameter(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


@dataclass
class Params:
    request: Request

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.request.query_params.get(name, "").strip()
        if not value:
            if required:
                raise BadParameter(f"missing parameter {name!r}")
            return None
        return value

    def integer(self, name: str, default: int, low: int = 1, high: int | None = None) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadParameter(f"{name} must be a whole number, not {raw!r}") from None
        if value < low or (high is not None and value > high):
            raise BadParameter(f"{name} must be from {low} to {high}" if high else f"{name} must be at least {low}")
        return value

    def camp(self) -> str | None:
        value = self.text("camp")
        if value is not None and value not in CAMPS:
            raise BadParameter(f"camp must be one of {', '.join(CAMPS)}, not {value!r}")
        return value

    def language(self, name: str = "lang") -> str | None:
        value = self.text(name)
        if value is not None and not LANGUAGE_CODE.fullmatch(value):
            raise BadParameter(f"{name} must be a language code such as ru, tr or en, not {value!r}")
        return value

    def day(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise BadParameter(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None
        return value

    def flag(self, name: str) -> bool:
        value = self.request.query_params.get(name, "").strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise BadParameter(f"{name} must be true or false (1 or 0), not {value!r}")


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_HEADERS)


def html_response(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


def home(reader: IndexReader, request: Request) -> Response:
    p = Params(request)
    filters = StoryFilters(camp=p.camp() or "", lang=p.language() or "", since=p.day("since") or "",
                           until=p.day("until") or "", min_articles=p.integer("min_articles", MIN_ARTICLES_SHOWN),
                           page=p.integer("page", 1))
    ix = reader.index()
    found = reader.listing(ix, since=filters.since or None, camp=filters.camp or None)
    if filters.lang:
        found = [s for s in found if any(a.language == filters.lang for a in s.articles)]
    if filters.until:
        found = [s for s in found if s.start and s.start[:10] <= filters.until]
    listed = [s for s in found if len(s.articles) >= filters.min_articles]
    pages = max(1, math.ceil(len(listed) / STORIES_PER_PAGE))
    if filters.page > pages:
        raise HTTPException(404, f"no page {filters.page}: there are {pages}")
    shown = reader.titled(ix, listed[(filters.page - 1) * STORIES_PER_PAGE: filters.page * STORIES_PER_PAGE])
    entries, failed = [], []
    for s in shown:
        try:
            comparison = reader.compared(s)  # None: being compared in the background, the row says so
        except ComparisonFailed:  # one story that cannot be compared must not hide the others
            failed.append(s.id)
            continue
        row = IndexRow.from_comparison(comparison, story_href(s.id)) if comparison else IndexRow.pending(s, story_href(s.id))
        row.title_note = untranslated_title_note(s)
        entries.append(row)
    return html_response(render_server_index(entries, len(listed), filters, pages, reader.languages(ix), failed,
                                             smaller=len(found) - len(listed)))


def story_page(reader: IndexReader, request: Request) -> Response:
    ix = reader.index()
    comparison = reader.comparison(ix, get_story(ix, request.path_params["story_id"]))
    note = None
    if not comparison.written_in(DISPLAY_LANGUAGE):
        note = ("The server shows claims in their original language; `crosscheck compare ID --html FILE` "
                "and `crosscheck report` add translations.")
    return html_response(render_story(comparison, {}, note, index_href="/"))


def article_page(reader: IndexReader, request: Request) -> Response:
    ix = reader.index()
    article_id = request.path_params["article_id"]
    article = ix.store.article_by_id(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    story_id = ix.store.stories_of([article.rowid]).get(article.rowid)
    story = get_story(ix, story_id) if story_id else Story(f"article:{article.id}", article.title, [article])
    comparison = reader.comparison(ix, story)
    return html_response(render_article(comparison, article.id, story_id is not None, reader.languages(ix)))


def search_page(reader: IndexReader, request: Request) -> Response:
    ix = reader.index()
    known = reader.languages(ix)
    form = SearchForm(q=request.query_params.get("q", "").strip(),
                      lang=request.query_params.get("lang", ""), camp=request.query_params.get("camp", ""))
    try:
        p = Params(request)
        form.lang, form.camp = p.language() or "", p.camp() or ""
        form.sentences = p.flag("sentences")
        k = p.integer("k", PAGE_K, high=MAX_K)
    except BadParameter as e:
        form.lang = form.lang if LANGUAGE_CODE.fullmatch(form.lang) else ""
        form.camp = form.camp if form.camp in CAMPS else ""
        return html_response(render_search(form, [], {}, known, error=str(e.detail)), 400)
    if not form.q:
        form.autofocus = True
        return html_response(render_search(form, [], {}, known))
    hits = reader.query(ix, form.q, k=k, language=form.lang or None, camp=form.camp or None,
                        sentences=form.sentences)
    rowids = ix.store.stories_of(h.article.rowid for h in hits)
    story_of = {h.article.id: rowids[h.article.rowid] for h in hits if h.article.rowid in rowids}
    return html_response(render_search(form, hits, story_of, known))


def api_stories(reader: IndexReader, request: Request) -> Response:
    p = Params(request)
    since, camp, min_articles = p.day("since"), p.camp(), p.integer("min_articles", 1)
    return json_response(stories_json(reader.stories(reader.index(), since=since, camp=camp, min_articles=min_articles)))


def api_story(reader: IndexReader, request: Request) -> Response:
    return json_response(story_json(get_story(reader.index(), request.path_params["story_id"])))


def api_compare(reader: IndexReader, request: Request) -> Response:
    ix = reader.index()
    return json_response(comparison_json(reader.comparison(ix, get_story(ix, request.path_params["story_id"]))))


def api_figures(reader: IndexReader, request: Request) -> Response:
    ix = reader.index()
    return json_response(figures_json(reader.comparison(ix, get_story(ix, request.path_params["story_id"]))))


def _speakers(reader: IndexReader, request: Request) -> tuple[list[Speaker], int, str | None]:
    """The speakers of the stories from `since` (all when absent), each story compared once (cached)."""
    p = Params(request)
    since = p.day("since")
    ix = reader.index()
    found = reader.stories(ix, since=since)
    return speakers_of(reader.comparison(ix, s) for s in found), len(found), since


def speakers_page(reader: IndexReader, request: Request) -> Response:
    speakers, stories, since = _speakers(reader, request)
    return html_response(render_speakers(speakers, stories, since))


def api_speakers(reader: IndexReader, request: Request) -> Response:
    return json_response(speakers_json(_speakers(reader, request)[0]))


def _digest(reader: IndexReader, request: Request) -> Digest:
    """What arrived since `since` (a duration such as 24h, or a date or time; 24h when absent)."""
    since = Params(request).text("since") or DEFAULT_SINCE
    try:
        start = parse_since_instant(since)
    except InvalidInput as e:
        raise BadParameter(str(e).replace("--since", "since")) from None
    ix = reader.index()
    return make_digest(ix, start, story_href, compare=lambda story: reader.comparison(ix, story))


def digest_page(reader: IndexReader, request: Request) -> Response:
    found = _digest(reader, request)
    return html_response(render_digest(found, title="What is new", forms=True))


def api_digest(reader: IndexReader, request: Request) -> Response:
    return json_response(_digest(reader, request).as_dict())


async def api_query(reader: IndexReader, request: Request) -> Response:
    """Asynchronous: the event loop awaits the query process's answer, and no thread waits for it
    (docs/performance.md, "Searches in the query processes")."""
    p = Params(request)
    text = p.text("q", required=True)
    assert text is not None
    k, language, camp, sentences = p.integer("k", DEFAULT_K, high=MAX_K), p.language(), p.camp(), p.flag("sentences")
    hits = await reader.query_async(text, k=k, language=language, camp=camp, sentences=sentences)
    return json_response(hits_json(hits))


def api_info(reader: IndexReader, request: Request) -> Response:
    return json_response(info_json(reader.index()))


# a handler answers, or (api_query) is a coroutine that answers
Handler = Callable[[IndexReader, Request], Response] | Callable[[IndexReader, Request], Awaitable[Response]]
ROUTES: list[tuple[str, Handler]] = [
    ("/", home),
    ("/search", search_page),
    ("/speakers", speakers_page),
    ("/digest", digest_page),
    ("/stories/{story_id:path}", story_page),
    ("/articles/{article_id:path}", article_page),
    ("/api/stories", api_stories),
    ("/api/stories/{story_id}", api_story),
    ("/api/stories/{story_id}/compare", api_compare),
    ("/api/stories/{story_id}/figures", api_figures),
    ("/api/speakers", api_speakers),
    ("/api/digest", api_digest),
    ("/api/query", api_query),
    ("/api/info", api_info),
]
