"""The stories an index holds, as a reader sees them: listed (newest first, filtered by date,
camp and size), one story by id, or a story made of any articles (`compare --articles`).
Reading only: stories are formed by clustering.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from collections.abc import Collection
from typing import TYPE_CHECKING

from .. import languages
from ..errors import ArticleNotFound, InvalidInput, StoryNotFound, VectorsMissing
from ..index.paths import SENTENCE_VECTORS
from ..records import Article, Story, published_instant
from ..vocabulary import DISPLAY_LANGUAGE, parse_camp

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["get_story", "closest_story_ids", "adhoc_story", "list_stories", "story_listing", "filter_stories",
           "newest_stories", "StoryPage", "with_titles", "title_language", "untranslated_title_note", "parse_since"]


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


# "Closest ids" for an unknown story id (a typo, a cut paste). Comparing it with every id by
# difflib cost 0.14-0.23 s among 2,385 ids for a 60-character random id, 100 times a story found
# (issue #24), and grows with the index. Ids are "160912-turkey-russia-exchanging": a near miss
# shares its date or a word with the id meant, so only such ids are candidates (SQLite finds
# them), the SUGGESTION_POOL sharing most; the SUGGESTION_FINALISTS of those with most letter
# triples in common are compared closely (difflib: about 0.2 ms each).
SUGGESTIONS = 5
SUGGESTION_CUTOFF = 0.3         # difflib's ratio below which an id is not suggested
SUGGESTION_POOL = 100
SUGGESTION_FINALISTS = 10
SUGGESTION_PARTS = 6            # words of the unknown id looked for, longest first
SUGGESTION_MIN_PART = 3         # shorter words ("us", the "-2" of a repeated id) say too little
SUGGESTION_ID_CHARACTERS = 100  # an id is a date and three words: the rest of a longer one is noise
_ID_DATE = re.compile(r"\d{6}")


def _id_parts(story_id: str) -> tuple[list[str], list[str]]:
    """(prefixes, words) of a story id to find its near misses by: its day and month when it
    starts with a date (YYMMDD), and its longest other words."""
    tokens = [t for t in re.split(r"[^a-z0-9]+", story_id.lower()) if t]
    prefixes: list[str] = []
    if tokens and _ID_DATE.fullmatch(tokens[0]):
        prefixes = [tokens[0], tokens[0][:4]]
        tokens = tokens[1:]
    words = sorted({t for t in tokens if len(t) >= SUGGESTION_MIN_PART}, key=lambda t: (-len(t), t))
    return prefixes, words[:SUGGESTION_PARTS]


def _triples(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


def closest_story_ids(index: Index, story_id: str) -> list[str]:
    """Up to SUGGESTIONS ids of stories in `index` closest to `story_id`, closest first; bounded
    work whatever the index holds (see SUGGESTION_POOL)."""
    import difflib

    wanted = story_id[:SUGGESTION_ID_CHARACTERS]
    prefixes, words = _id_parts(wanted)
    pool = index.store.story_ids_sharing(prefixes, words, SUGGESTION_POOL)
    if not pool:
        return []
    mine = _triples(wanted.lower())
    finalists = sorted(pool, key=lambda known: -len(mine & _triples(known)))[:SUGGESTION_FINALISTS]
    return difflib.get_close_matches(wanted.lower(), finalists, n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)


def get_story(index: Index, story_id: str) -> Story:
    members = index.store.story_members(story_id)
    if not members:
        raise StoryNotFound(story_id, closest_story_ids(index, story_id))
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
    """A `since` date as ISO text; InvalidInput if it is not a date. Stories are kept by comparing
    instants (a date means its midnight UTC), never this text with dates in other offsets."""
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
    """Stories, newest first, each with its title; `since` keeps those that end on or after that
    ISO date (InvalidInput if it is not one), `camp` those that camp covers, `min_articles` those
    of that many articles or more."""
    return with_titles(index, story_listing(index, since, camp, min_articles))


def story_listing(index: Index, since: str | None = None, camp: str | None = None, min_articles: int = 1,
                  with_text: bool = True) -> list[Story]:
    """The stories list_stories gives, newest first, without their titles yet (""): choosing a
    title reads the vectors of the story's articles, and a listing shows one page at a time
    (`with_titles`). Without `with_text`, the articles' texts are "" (a listing shows none;
    get_story gives a whole story). All stories' articles come from one query: one query per
    story took 9.1 s of `crosscheck stories` on 5,418 stories (issue #23)."""
    stories = [Story(story_id, "", members) for story_id, members in index.store.all_story_members(with_text).items()]
    return filter_stories(stories, since, camp, min_articles)


def filter_stories(stories: list[Story], since: str | None = None, camp: str | None = None,
                   min_articles: int = 1) -> list[Story]:
    """Those of `stories` that pass the filters of list_stories, newest first (a server keeps one
    listing and filters it for each request)."""
    wanted = _Filters.of(since, camp, min_articles)
    ends: dict[str, float] = {}  # each story's end as an instant: dates keep their outlet's offset
    out = []
    for story in stories:
        end = published_instant(story.end)
        if not wanted.keep(len(story.articles), story.camps, end):
            continue
        ends[story.id] = end if end is not None else float("-inf")  # undated last
        out.append(story)
    out.sort(key=lambda s: (ends[s.id], s.id), reverse=True)
    return out


@dataclass(frozen=True)
class _Filters:
    """The filters of a listing, checked: which stories it keeps."""

    since_instant: float | None  # a date is its midnight UTC
    camp: str | None
    min_articles: int

    @classmethod
    def of(cls, since: str | None, camp: str | None, min_articles: int) -> _Filters:
        return cls(published_instant(parse_since(since)), parse_camp(camp) if camp is not None else None, min_articles)

    def keep(self, size: int, camps: Collection[str], end: float | None) -> bool:
        """A story of `size` articles in `camps`, whose latest article was published at `end`."""
        if size < self.min_articles or (self.camp and self.camp not in camps):
            return False
        return self.since_instant is None or (end is not None and end >= self.since_instant)


@dataclass
class StoryPage:
    """The newest stories of a listing, with titles, and how many it leaves out."""

    stories: list[Story]
    matching: int  # stories that pass the filters, listed or not
    smaller: int   # stories that pass the filters but have fewer than min_articles articles


def newest_stories(index: Index, since: str | None = None, camp: str | None = None, min_articles: int = 1,
                   limit: int | None = None) -> StoryPage:
    """The `limit` newest stories (None: all) that pass the filters of list_stories, titled, and
    the counts a listing states: a terminal shows the newest few and says how many more there
    are, and that the one-article stories are left out. With a limit, the stories are chosen
    from each article's story, camp and date alone, and only those shown are read whole: on
    100,000 articles, reading every article of every story took 0.75 of the 2.3 s of
    `crosscheck stories` (docs/performance.md)."""
    if limit is None:
        found = story_listing(index, since, camp, with_text=False)
        kept = [s for s in found if len(s.articles) >= min_articles]
        return StoryPage(with_titles(index, kept), len(kept), len(found) - len(kept))
    summaries = _Summaries.read(index)
    newest = summaries.newest(_Filters.of(since, camp, min_articles))
    smaller = len(summaries.newest(_Filters.of(since, camp, 1))) - len(newest)
    shown = [Story(story_id, "", index.store.story_members(story_id)) for story_id in newest[:limit]]
    return StoryPage(with_titles(index, shown), len(newest), smaller)


@dataclass
class _Summaries:
    """Each story's size, camps and end (the instant of its latest article), from the story, camp
    and date of each article alone."""

    sizes: dict[str, int]
    camps: dict[str, set[str]]
    ends: dict[str, float]  # undated stories have none

    @classmethod
    def read(cls, index: Index) -> _Summaries:
        out = cls({}, {}, {})
        for story_id, size, camps, latest_utc in index.store.story_summaries():
            out.sizes[story_id] = size
            out.camps[story_id] = set(camps)
            end = published_instant(latest_utc)
            if end is not None:
                out.ends[story_id] = end
        return out

    def newest(self, filters: _Filters) -> list[str]:
        """The ids of the stories `filters` keeps, newest first (as filter_stories orders them)."""
        kept = [i for i in self.sizes if filters.keep(self.sizes[i], self.camps[i], self.ends.get(i))]
        return sorted(kept, key=lambda i: (self.ends.get(i, float("-inf")), i), reverse=True)


def with_titles(index: Index, stories: list[Story]) -> list[Story]:
    """`stories`, each that has no title yet given the title of its most central article."""
    for story in stories:
        if not story.title:
            story.title = _representative_title(index, story.articles)
    return stories


def title_language(story: Story) -> str | None:
    """The language of the story's title (the article it was taken from), None if unknown. A
    title is in the display language when the story has an article in it, else it is shown as
    written, untranslated, and the lists say so."""
    return next((a.language for a in story.articles if a.title == story.title), None)


def untranslated_title_note(story: Story) -> str:
    """"title in Russian, untranslated" when the story's title is not in the display language,
    else "": what the lists of stories say beside such a title."""
    code = title_language(story)
    if code is None or code == DISPLAY_LANGUAGE:
        return ""
    rules = languages.SUPPORTED.get(code)
    return f"title in {rules.name if rules else code}, untranslated"
