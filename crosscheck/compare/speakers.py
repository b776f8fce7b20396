"""Who is quoted, and by whom: the people and institutions a story's claims are attributed to,
one speaker across scripts ("Лавров", "Lavrov", "Lavrov'un"), with, per camp, the outlets that
quote them and the claims they are quoted in.

A claim's speaker is what text/attribution.py reads ("AFAD Başkanı Orhan Sezgin", "глава МЧС
Виктор Ладыгин", "Interior Minister Kenan Aksoy", "по словам Ладыгина"). A speaker is named by
the last capitalised word of that phrase, keyed as anchors key names (text/anchors.py
`name_key`: Cyrillic folded to Latin, a Turkish suffix after the apostrophe and a Russian case
ending dropped, the vowels left out), so "Ладыгин", "Ladıgin" and "Ladygin" are one speaker:
`ldgn`. An acronym at the end ("AFAD", "МЧС", "NATO") names an institution, keyed as the word
it reads as ("CENTCOM" and "Centcom" meet). A
phrase with no capitalised word ("the ministry", "two security sources") names nobody and is
left out, and so is an outlet cited as a source ("ТАСС", "Izvestia"): provenance.py counts
those. Collisions of two surnames with one skeleton are the price, as for anchors.

Across the index (`index_speakers`), the speakers of every story listed are merged by key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import languages
from ..text.anchors import name_key, name_keys
from ..text.evidence import is_institution_speaker, is_media_speaker
from ..text.lemmas import is_dictionary_word
from ..vocabulary import CAMPS, DISPLAY_LANGUAGE, as_camp
from .results import Comparison, Mention

if TYPE_CHECKING:
    from ..index.folder import Index

__all__ = ["Quote", "Speaker", "speaker_key", "story_speakers", "speakers_of", "index_speakers", "speakers_json"]

_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Quote:
    """One claim as one article attributes it to a speaker."""

    story_id: str
    claim_id: str
    status: str
    article_id: str
    outlet: str
    camp: str
    published: str | None
    language: str | None
    as_named: str            # the speaker as the article names them ("глава МЧС Виктор Ладыгин")
    name: str                # their name in it ("Виктор Ладыгин")
    text: str                # the claim's sentence

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story_id, "claim_id": self.claim_id, "status": self.status,
                "article_id": self.article_id, "outlet": self.outlet, "camp": self.camp,
                "published": self.published, "language": self.language, "as_named": self.as_named,
                "name": self.name, "text": self.text}


@dataclass
class Speaker:
    key: str                                  # name_key of their name ("ldgn"), or an acronym's
    name: str = ""                            # as shown: the display language's spelling if any
    quotes: list[Quote] = field(default_factory=list)

    @property
    def spellings(self) -> list[str]:
        return sorted({q.name for q in self.quotes})

    @property
    def outlets(self) -> list[str]:
        return sorted({q.outlet for q in self.quotes})

    @property
    def camps(self) -> dict[str, dict[str, Any]]:
        """Per camp (in the vocabulary's order): the outlets that quote them and their quotes."""
        out: dict[str, dict[str, Any]] = {}
        for camp in CAMPS:
            mine = [q for q in self.quotes if as_camp(q.camp) == camp]
            if mine:
                out[str(camp)] = {"outlets": sorted({q.outlet for q in mine}), "quotes": mine}
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "spellings": self.spellings, "outlets": len(self.outlets),
                "stories": sorted({q.story_id for q in self.quotes}),
                "camps": {c: {"outlets": v["outlets"], "claims": [q.as_dict() for q in v["quotes"]]}
                          for c, v in self.camps.items()}}


def _capitalised_run(phrase: str) -> list[str]:
    """The capitalised words that end the phrase's last run of them, each separated from the next
    by spaces alone ("Orhan Sezgin", "Azerbaijan's Defense Ministry", "МЧС Виктор Ладыгин")."""
    run: list[str] = []
    last_end = -1
    for m in _WORD.finditer(phrase):
        word = m.group()
        if not word[0].isupper():
            continue
        if run and phrase[last_end:m.start()].strip():
            run = []
        run.append(word)
        last_end = m.end()
    return run


def _acronym_key(word: str, rules: Any = None) -> str:
    """An acronym keyed as the word it is read as ("CENTCOM" as "Centcom", "АТОР" as "ATOR"), so
    that the spellings of one institution meet; a short one keeps its letters ("NATO": "nato")."""
    return name_key(word[:1] + word[1:].lower(), rules)


def _is_place(word: str) -> bool:
    keys = name_keys(word)
    return bool(keys) and keys[0].startswith("@")


def _is_country(word: str) -> bool:
    """A country or its adjective ("Turkish": "@TR"); a city's key ("@karachi") is no bar, since
    place names match loosely and a surname may look like a city ("Karaca")."""
    keys = name_keys(word)
    return bool(keys) and keys[0].startswith("@") and keys[0][1:].isupper()


def _named(phrase: str, language: str | None, names: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(key, name as written) of who `phrase` names, or None when it names nobody. In order:
    - a run of capitalised words ending in an institution's word ("Azerbaijan's Defense Ministry",
      "Savunma Bakanlığı"): the institution, keyed by all of them;
    - a surname after a first name ("Orhan Sezgin", "Виктор Ладыгин"; both are often words a
      dictionary knows, "Kenan Aksoy"), or alone when no dictionary knows it ("Ладыгина"): the
      person, keyed by the surname;
    - an acronym ("AFAD", "МЧС", "NATO"): the institution, keyed by its letters;
    - a place alone ("Kyiv", "Дамаске"): its government, keyed as the place;
    and a word a dictionary knows that stands alone only when the story writes it as a name
    elsewhere (`names`: "Лавров" is also "laurels", and "сказал Лавров" names him), not when it
    only opens sentences ("Kaynaklar", "Analysts", "Thursday")."""
    run = _capitalised_run(phrase)
    if not run:
        return None
    rules = languages.get(language) if language else None
    code = rules.code if rules is not None else ""
    last = run[-1]
    acronym = len(last) >= 2 and last.isupper()
    if len(run) > 1 and not acronym and is_institution_speaker(last, language):
        keys = [k for w in run for k in (name_keys(w)[:1] or [name_key(w, rules)])]
        return " ".join(keys), " ".join(run)
    before = run[-2] if len(run) > 1 else None
    if acronym:
        return _acronym_key(last, rules), last
    if before is not None and not before.isupper() and not _is_place(before) and not _is_country(last):
        return name_key(last, rules), f"{before} {last}"
    if len(run) == 1 and _is_place(last):
        return (name_keys(last)[0], last) if len(_WORD.findall(phrase)) == 1 else None
    key = name_key(last, rules)
    if not is_dictionary_word(last, code) or key in names:
        return key, last
    return None


def speaker_key(phrase: str, language: str | None = None, names: frozenset[str] = frozenset()) -> str | None:
    """The key of who `phrase` names ("Orhan Sezgin": "szgn"), or None when it names nobody;
    `names` are the keys of the words the story writes as names mid-sentence (see `_named`)."""
    found = _named(phrase, language, names)
    return found[0] if found else None


def _outlet_keys(comparison: Comparison) -> set[str]:
    """Keys of the outlets of the story and of those its articles cite, as speakers would be keyed
    ("AA" for Anadolu Ajansı, "РИА Новости"): they are sources, which provenance.py follows."""
    names = {a.outlet for a in comparison.story.articles}
    names |= {m.origin for g in comparison.groups for m in g.mentions if m.origin}
    keys: set[str] = set()
    for n in names:
        words = [w for w in _WORD.findall(n) if w[0].isupper()]
        keys |= {_acronym_key(w) if w.isupper() else name_key(w) for w in words}
        keys.add(" ".join(k for w in words for k in (name_keys(w)[:1] or [name_key(w)])))
        if len(words) > 1:
            keys.add(_acronym_key("".join(w[0] for w in words).upper()))  # its initials
    return {k for k in keys if len(k) >= 2}


def _quote(comparison: Comparison, group_id: str, status: str, m: Mention, name: str) -> Quote:
    a = m.article
    return Quote(comparison.story.id, group_id, status, a.id, a.outlet, str(a.camp), a.published, a.language,
                 m.attributed_to or "", name, m.text)


def _names_a_person(key: str, name: str) -> bool:
    """`_named` read a first name and a surname ("Олег Самарин" keyed by the surname alone)."""
    return " " in name and " " not in key and not key.startswith("@")


def story_speakers(comparison: Comparison) -> list[Speaker]:
    """The story's speakers, quoted by most outlets first."""
    outlets = _outlet_keys(comparison)
    names = frozenset().union(*(m.evidence.names for g in comparison.groups for m in g.mentions if m.evidence))
    quoted = []
    for g in comparison.groups:
        for m in g.mentions:
            phrase = m.attributed_to
            if not phrase or is_media_speaker(phrase, m.article.language):
                continue
            named = _named(phrase, m.article.language, names)
            if named is not None and len(named[0]) >= 2 and named[0] not in outlets:
                quoted.append((g, m, *named))
    # surnames the story gives with a first name ("Олег Самарин"): the same word alone is that
    # person, even where it also reads as a place ("добавил Самарин" is no "Samara"; the price: a
    # place keyed like a quoted person's surname, "Paris" and "Peres", would be folded into them)
    people = {key for _, _, key, name in quoted if _names_a_person(key, name)}
    found: dict[str, Speaker] = {}
    for g, m, key, name in quoted:
        if key.startswith("@") and " " not in name:
            person = name_key(name, languages.get(m.article.language) if m.article.language else None)
            key = person if person in people else key
        found.setdefault(key, Speaker(key)).quotes.append(_quote(comparison, g.id, str(g.status), m, name))
    return _finished(found.values())


def _finished(speakers: Iterable[Speaker]) -> list[Speaker]:
    """Each speaker named and their quotes in order; the list by outlets, camps, then name."""
    out = []
    for s in speakers:
        s.quotes.sort(key=lambda q: (q.story_id, q.claim_id, q.outlet, q.article_id))
        shown = [q.name for q in s.quotes if q.language == DISPLAY_LANGUAGE]
        spellings = Counter(shown or [q.name for q in s.quotes])
        s.name = max(spellings, key=lambda n: (len(n.split()), spellings[n], n))
        out.append(s)
    return sorted(out, key=lambda s: (-len(s.outlets), -len(s.camps), s.name.lower(), s.key))


def speakers_of(comparisons: Iterable[Comparison]) -> list[Speaker]:
    """The speakers of several stories, merged by key."""
    merged: dict[str, Speaker] = {}
    for comparison in comparisons:
        for s in story_speakers(comparison):
            merged.setdefault(s.key, Speaker(s.key)).quotes.extend(s.quotes)
    return _finished(merged.values())


def index_speakers(index: Index, since: str | None = None, story_id: str | None = None) -> list[Speaker]:
    """The speakers of every story (ending on or after `since`), or of one story, merged by key
    across stories. Reads only."""
    from ..stories.catalog import get_story, list_stories
    from .diff import compare_articles

    stories = [get_story(index, story_id)] if story_id else list_stories(index, since=since)
    return speakers_of(compare_articles(index, story) for story in stories)


def speakers_json(speakers: Iterable[Speaker]) -> list[dict[str, Any]]:
    """`crosscheck speakers --json` and `GET /api/speakers`."""
    return [s.as_dict() for s in speakers]
