"""Story ids: the date of a story's first report and the first words of its title, folded to
Latin ("160912-turkey-russia-exchanging"); stable once given."""

from __future__ import annotations

import functools
import re

from .. import languages
from ..languages import LanguageRules, fold
from ..records import Article, time_order
from ..vocabulary import DISPLAY_LANGUAGE

__all__ = ["slugify", "new_story_id"]


@functools.cache
def _slug_stopwords(rules: LanguageRules) -> frozenset[str]:
    return frozenset(fold(w) for w in rules.stopwords)


def slugify(text: str, words: int = 3, language: str | None = None) -> str:
    """'Russia, Turkey exchange military intelligence' -> 'russia-turkey-exchange': the first words
    folded to Latin (Cyrillic transliterated), without the language's function words."""
    stopwords = _slug_stopwords(languages.get(language)) if language else frozenset()
    tokens = [t for t in re.findall(r"[a-z0-9]+", fold(text)) if t not in stopwords]
    return "-".join(tokens[:words]) or "story"


def new_story_id(articles: list[Article], taken: set[str]) -> str:
    """An id for a new story of `articles` that no story in `taken` has (added to it): the
    first report's date, and the title of the first report in the display language if there
    is one, else of the first report."""
    first = min(articles, key=time_order)  # the earliest instant, undated last
    preferred = [a for a in articles if a.language == DISPLAY_LANGUAGE]
    title_source = min(preferred, key=time_order) if preferred else first
    date = (first.published or "")[:10].replace("-", "")[2:] or "undated"
    base = f"{date}-{slugify(title_source.title, language=title_source.language)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
