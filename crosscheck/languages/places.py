"""Places across languages: "Турция", "Türkiye", "Turkey", "Türkei" and "Turquie" share one key.

Country names come from CLDR through Babel (`Locale(lang).territories`), city names from
CLDR's time-zone exemplar cities (`Locale(lang).time_zones`: Moscow, Istanbul, Damascus,
Kyiv, Beirut ...). CLDR has no adjectives or demonyms ("турецкий", "Turkish", "türkisch",
"turque"), no capitals or large cities that are not time-zone cities (Ankara, Aleppo,
Washington), no straits (Bosphorus) and, in English, only the new "Türkiye": each language
module adds those as `place_words`.

A country's key is "@" and its ISO 3166 code ("@TR"); a city's or another place's key is "@"
and its folded English name ("@moscow", "@bosphorus"). Names are matched folded to Latin
(`fold`), on their stem: a name of more than MIN_STEM letters loses up to two final vowels
("Rossiya" -> "rossi", which "России" and "российский" start with), and a word matches a stem
it starts with when at most MAX_ENDING letters follow ("rossi|yskiy"). Shorter names
("Iran", "Irak") match whole words only. A stem that two countries share is dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import LanguageRules

__all__ = ["PLACE_PREFIX", "PlaceTable", "place_table"]

log = logging.getLogger("crosscheck")

PLACE_PREFIX = "@"
# A stem keeps at least this many letters: "russi" (Russia) but not "russ", which "Russell" starts with.
MIN_STEM = 5
# Letters a word may add to a stem: Russian adjective endings ("rossi|yskogo") are the longest
# in the supported languages; longer additions are other words ("Russlanddeutsche").
MAX_ENDING = 6
_TRAILING_VOWELS = re.compile(r"[aeiouy]{1,2}$")
# CLDR codes that are not places a news story is about
_NOT_PLACES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ"}


def _stem(folded: str) -> str:
    if len(folded) <= MIN_STEM:
        return folded
    stripped = _TRAILING_VOWELS.sub("", folded)
    while len(stripped) < MIN_STEM:
        stripped = folded[:len(stripped) + 1]
    return stripped


@dataclass
class PlaceTable:
    """Stems and whole words of place names, each with its key."""

    stems: dict[str, str] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)
    _ambiguous: set[str] = field(default_factory=set)

    def add_name(self, folded: str, key: str) -> None:
        """A name as CLDR writes it: matched on its stem, or whole when it is short ("iran")."""
        if len(folded) >= MIN_STEM:
            self.add(_stem(folded), key, stem=True)
        else:
            self.add(folded, key, stem=False)

    def add(self, word: str, key: str, *, stem: bool, override: bool = False) -> None:
        """Add a folded stem (any ending up to MAX_ENDING letters) or whole word; a stem two places
        share is dropped unless `override`, and a country keeps its name against a city."""
        if not word:
            return
        table = self.stems if stem else self.exact
        if override:
            table[word] = key
            self._ambiguous.discard(word)
            return
        if word in self._ambiguous:
            return
        old = table.get(word)
        if old is None:
            table[word] = key
        elif old != key:
            if old[1:].isupper() and not key[1:].isupper():
                return  # a country keeps its name against a city ("Kuwait", "Mexico")
            if key[1:].isupper() and not old[1:].isupper():
                table[word] = key
                return
            del table[word]
            self._ambiguous.add(word)

    def update(self, other: "PlaceTable") -> None:
        for word, key in other.stems.items():
            self.add(word, key, stem=True)
        for word, key in other.exact.items():
            self.add(word, key, stem=False)

    def key(self, folded: str) -> str | None:
        """The key of the place a folded word names, or None."""
        found = self.exact.get(folded)
        if found:
            return found
        stems = self.stems
        for end in range(len(folded), max(2, len(folded) - MAX_ENDING - 1), -1):
            found = stems.get(folded[:end])
            if found:
                return found
        return None


def _single_word(name: str) -> bool:
    return bool(name) and not re.search(r"[\s()/,.]", name)


def _letters(folded: str) -> str:
    return "".join(c for c in folded if c.isalpha())


Fold = Callable[[str], str]


def _declined(name: str, rules: "LanguageRules | None") -> list[str]:
    """A name with the case endings its language gives names ("Сирия": "Сирии", "Сирию", "Сирией")."""
    if rules is None or not rules.name_endings or not re.fullmatch(rules.name_endings_script, name.lower()):
        return []
    stem = re.sub(rules.name_stem, "", name.lower()) if len(name) > 4 else name.lower()
    return [stem + ending for ending in rules.name_endings.split("|")]


def _cldr_places(code: str, fold: Fold, rules: "LanguageRules | None" = None) -> PlaceTable:
    """Country and time-zone city names of language `code` from CLDR (empty when Babel lacks it),
    with their declined forms where the language declines names."""
    table = PlaceTable()
    try:
        from babel import Locale, UnknownLocaleError
        from babel.core import get_global
    except ImportError:  # pragma: no cover - babel is a dependency
        return table
    try:
        locale, english = Locale.parse(code), Locale("en")
    except (UnknownLocaleError, ValueError):
        return table
    for territory, name in locale.territories.items():
        if len(territory) == 2 and territory.isalpha() and territory not in _NOT_PLACES and _single_word(name):
            table.add_name(_letters(fold(name)), PLACE_PREFIX + territory)
            for form in _declined(name, rules):
                table.add(_letters(fold(form)), PLACE_PREFIX + territory, stem=False)
    aliases = get_global("zone_aliases")
    for zone, territory in get_global("zone_territories").items():
        zone = aliases.get(zone, zone)
        parts = zone.split("/")
        if len(parts) != 2 or parts[0] in ("Etc", "Antarctica") or territory in _NOT_PLACES:
            continue
        english_city = (english.time_zones.get(zone) or {}).get("city") or parts[1].replace("_", " ")
        city = (locale.time_zones.get(zone) or {}).get("city") or english_city
        if _single_word(english_city) and _single_word(city):
            key = PLACE_PREFIX + _letters(fold(english_city))
            table.add_name(_letters(fold(city)), key)
            for form in _declined(city, rules):
                table.add(_letters(fold(form)), key, stem=False)
    return table


def _module_places(words: Mapping[str, str], fold: Fold, table: PlaceTable) -> None:
    """A module's `place_words`: "word" matches whole, "stem*" with endings; keys "TR" or "bosphorus"."""
    for word, key in words.items():
        full_key = PLACE_PREFIX + (key if len(key) == 2 and key.isupper() else _letters(fold(key)))
        table.add(_letters(fold(word.rstrip("*"))), full_key, stem=word.endswith("*"), override=True)


@cache
def place_table(code: str, cldr: bool = True) -> PlaceTable:
    """The places of one language, "" for all languages together: CLDR's names (unless not `cldr`)
    and the module's words. Articles look lowercase words up without CLDR: its names of small
    territories are common words ("reunion", "jersey"), its adjectives and demonyms none."""
    from . import SUPPORTED, fold

    if code:
        rules = SUPPORTED.get(code)
        table = _cldr_places(code, fold, rules) if cldr else PlaceTable()
        if rules is not None:
            _module_places(rules.place_words, fold, table)
        return table
    union = PlaceTable()
    for lang in SUPPORTED:
        union.update(place_table(lang, cldr))
    for lang in SUPPORTED:  # each module's own words win over CLDR stems of another language
        _module_places(SUPPORTED[lang].place_words, fold, union)
    return union
