"""The stories an index holds, as a reader sees them: listed (newest first, filtered by date,
camp and size), one story by id, or a story made of any articles (`compare --articles`).
Reading only: stories are formed by clustering.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from ..errors import ArticleNotFound, InvalidInput, StoryNotFound, VectorsMissing
from ..index.paths import SENTENCE_VECTORS
from ..records import Article, Story
from ..vocabulary import DISPLAY_LANGUAGE, parse_camp

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["get_story", "adhoc_story", "list_stories", "parse_since"]


def _representative_title(index: Index, articles: list[Article]) -> str:
    """The title of the article in the display language nearest the story's centre, else of any
    article nearest it. Without the articles' vectors (articles.faiss lost, or older than the
    rows: the index has said so, naming `crosscheck check --repair`), the first such article's."""
    if len(articles) == 1:
        return articles[0].title
    preferred = [i for i, a in enumerate(articles) if a.language == DISPLAY_LANGUAGE]
    pool = preferred or list(range(len(articles)))
    try:
        vecs = index.article_vectors.reconstruct([a.rowid for a in articles])
    except RuntimeError:  # faiss: "key ... not found"
        return articles[pool[0]].title
    centre = vecs.sum(axis=0)
    scores = vecs @ centre
    return articles[max(pool, key=lambda i: float(scores[i]))].title


def _require_sentence_vectors(index: Index, articles: list[Article]) -> None:
    """VectorsMissing, naming the fix, when some of the articles' sentences have no vector: their
    claims cannot be compared (sentences.faiss lost or older than the rows, or articles not
    embedded yet)."""
    rowids = index.store.sentence_rowids([a.rowid for a in articles])
    if not rowids:
        return
    vectors = index.sentence_vectors
    try:
        vectors.reconstruct(rowids)
    except RuntimeError:  # faiss: "key ... not found"
        present = set(vectors.ids().tolist())
        raise VectorsMissing(index.path, sum(1 for r in rowids if r not in present), SENTENCE_VECTORS) from None


def get_story(index: Index, story_id: str) -> Story:
    members = index.store.story_members(story_id)
    if not members:
        import difflib

        closest = difflib.get_close_matches(story_id, index.store.story_ids(), n=5, cutoff=0.3)
        raise StoryNotFound(story_id, closest)
    _require_sentence_vectors(index, members)
    return Story(story_id, _representative_title(index, members), members)


def adhoc_story(index: Index, article_ids: list[str]) -> Story:
    """A story made of the given articles, for `compare --articles`."""
    articles = []
    for article_id in article_ids:
        article = index.store.article_by_id(article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        articles.append(article)
    if not articles:
        raise ArticleNotFound("")
    _require_sentence_vectors(index, articles)
    return Story("articles:" + ",".join(article_ids), _representative_title(index, articles), articles)


def parse_since(value: str | None) -> str | None:
    """A `since` date as the ISO text stored dates compare with; InvalidInput if it is not a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"--since {value!r} is not a date: use YYYY-MM-DD, such as 2016-09-12") from None


def list_stories(index: Index, since: str | None = None, camp: str | None = None,
                 min_articles: int = 1) -> list[Story]:
    """Stories, newest first; `since` keeps those that end on or after that ISO date (InvalidInput
    if it is not one), `camp` those that camp covers."""
    since = parse_since(since)
    camp = parse_camp(camp) if camp is not None else None
    out = []
    for story_id in index.store.story_ids():
        members = index.store.story_members(story_id)
        if len(members) < min_articles:
            continue
        story = Story(story_id, "", members)
        if camp and camp not in story.camps:
            continue
        if since and (story.end or "") < since:
            continue
        story.title = _representative_title(index, members)
        out.append(story)
    out.sort(key=lambda s: (s.end or "", s.id), reverse=True)
    return out
