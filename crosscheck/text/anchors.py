"""Anchors: the names and numbers in an article that survive translation.

"Klintsevich", "Клинцевич" and "Klintseviç'in" fold to the same key, and so do "Izvestia",
"«Известия»" and "İzvestiya'ya"; "24 August", "24 августа" and "24 Ağustos" all carry "#24".
Stories use these keys as evidence next to the embedding: two reports of one event share
rare names and figures even when the multilingual model scores the pair low (the model is
weakest on Turkish). Each key is weighted by its rarity in the index (inverse document
frequency), so "Russia" or "Syria" count for little and "Hangzhou" or "#15" for a lot.

Places have one key in every language (`crosscheck.languages.places`: CLDR's country and
city names plus each language module's adjectives and straits): "Турция", "Türkiye'nin",
"Turkey", "Türkei", "Turquie" and "турецкий" all give "@TR", "Босфор", "Boğazı" and
"Bosphorus" give "@bosphorus". A place counts wherever it stands, lowercase adjectives
("турецкие", "russische") and sentence openers included.

A name is a capitalised word that does not open a sentence (so "The" and "Бывший" are not
names) and is not one of the language's function words ("And" in an English title), or an
all-capitals acronym anywhere ("TASS", "ТАСС", "NATO"). In a language that capitalises its
nouns (German), a capitalised word right after an article ("der Senator") is a noun, not a
name; nor is a German word the lemmatiser's dictionary knows ("Flughafen", "Angaben"). Keys are folded to Latin by `crosscheck.languages.fold` (Cyrillic transliterated,
Turkish and other accents removed), without the suffix after an apostrophe ("Putin'in") or
the language's case ending ("Ларсом"), and then reduced to a skeleton that survives
transliteration: the digraphs of the transliterations folded ("ch", "sh", "zh", "kh", "dzh"),
the vowels after the first letter dropped, and the first SKELETON_LETTERS letters kept. So
"Karlıova", "Карлыова" and "Karliova" are all "krlv", "Çavuşoğlu" and "Чавушоглу" "cvsgl",
"Ekinci" and "Экинджи" "eknc", "Bingöl" and "Бингёль" "bngl". Acronyms keep their letters
("TASS", "ТАСС": "tass"). Collisions between names are the price, which rarity weighting
mostly makes harmless.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from .. import languages
from ..languages import LanguageRules, fold
from ..languages.places import place_table
from .lemmas import is_dictionary_word
from .rules import Language, TextRules

__all__ = ["fold", "extract_anchors", "query_anchors", "name_key", "name_keys", "skeleton", "anchor_weights", "sparse_dot",
           "KEY_LETTERS"]

KEY_LETTERS = 5  # letters of an acronym's key, and of a query word's (index/query.py)
# letters of a name's skeleton: its first letter and up to four consonants, enough to tell most
# names apart while a case ending that adds a consonant ("-ом") is cut off beforehand
SKELETON_LETTERS = 5
# What transliterations write differently for one sound, folded to one letter: Russian дж and
# Turkish c ("Экинджи", "Ekinci"), ч and ç, ш and ş, ж, х, and German "sch".
_DIGRAPHS = (("dzh", "c"), ("tsch", "c"), ("sch", "s"), ("dj", "c"), ("ch", "c"), ("sh", "s"), ("zh", "j"),
             ("kh", "h"), ("ts", "c"), ("ph", "f"), ("ck", "k"), ("w", "v"), ("q", "k"), ("x", "ks"))
_VOWELS = re.compile(r"[aeiouy]+")

_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\w])")
_OPENERS = " \t\u00a0«»\"“”„'’()-–—"  # may stand between a sentence's end and its first word
_SUFFIX = re.compile(r"['’].*\Z")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \u00a0]+\Z")
# a lowercase word names a place only through a stem or a whole word this long ("us" is a pronoun)
_MIN_LOWERCASE_PLACE = 4


@lru_cache(maxsize=200_000)
def _folded(word: str) -> str:
    return "".join(c for c in fold(_SUFFIX.sub("", word)) if c.isalpha())


@cache
def _case_ending(rules: LanguageRules) -> re.Pattern[str] | None:
    """The case endings the language puts on names that add a consonant to the skeleton
    (Russian "-ом", "-ами"), at a word's end; endings of vowels alone drop out anyway."""
    endings = [e for e in rules.name_endings.split("|") if _folded(e) and skeleton(_folded(e)).strip("aeiouy")]
    return re.compile(f"(?:{'|'.join(endings)})$") if endings else None


def _digraphs_folded(folded: str) -> str:
    for digraph, letter in _DIGRAPHS:
        folded = folded.replace(digraph, letter)
    return folded


def skeleton(folded: str) -> str:
    """A folded name's skeleton: digraphs folded, the vowels after the first letter dropped,
    doubled letters once, its first SKELETON_LETTERS letters ("karliova" -> "krlv")."""
    folded = _digraphs_folded(folded)
    out = folded[:1] + _VOWELS.sub("", folded[1:])
    out = re.sub(r"(.)\1+", r"\1", out)
    return out[:SKELETON_LETTERS]


def name_key(word: str, rules: LanguageRules | None = None) -> str:
    """The anchor key of a capitalised word (a name) in a language."""
    return _key(word, rules)


@lru_cache(maxsize=200_000)
def _key(word: str, rules: LanguageRules | None = None) -> str:
    """A name's key: an acronym's first KEY_LETTERS letters, else its skeleton (see above); a
    short name whose skeleton is under three letters keeps its vowels ("Шойгу", "Şoygu" and
    "Shoigu": "soigu")."""
    if len(word) >= 2 and word.isupper():
        return _folded(word)[:KEY_LETTERS]
    ending = _case_ending(rules) if rules is not None else None
    lowered = rules.lower(word) if rules is not None else word.lower()
    if ending is not None and len(lowered) > 4 and re.fullmatch(rules.name_endings_script, lowered):  # type: ignore[union-attr]
        stem = ending.sub("", lowered)
        word = stem if len(stem) >= 3 else word
    folded = _folded(word)
    out = skeleton(folded)
    return out if len(out) >= 3 else _digraphs_folded(folded).replace("y", "i")[:KEY_LETTERS]


@lru_cache(maxsize=200_000)
def _place(word: str, table_code: str, query: bool) -> str | None:
    """The place key of `word` in the places of language `table_code` ("" for all languages);
    a lowercase word in an article is looked up in the language module's words only."""
    folded = _folded(word)
    lower = word[0].islower()
    if len(folded) < (_MIN_LOWERCASE_PLACE if lower else 2):
        return None
    return place_table(table_code, cldr=query or not lower).key(folded)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 12):start].rstrip(_OPENERS)
    return not before or before[-1] in ".!?…:;\n"


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


@cache
def _not_names(rules: LanguageRules) -> frozenset[str]:
    """Keys of the language's function words, capitalised mid-sentence in titles yet not names."""
    return frozenset(_key(w, rules) for w in rules.stopwords)


@cache
def _month(rules: LanguageRules) -> re.Pattern[str] | None:
    """A month name, capitalised yet no name ("24 Ağustos", "am 24. August")."""
    return re.compile(f"(?:{rules.months})\\Z") if rules.months else None


def _after_article(text: str, start: int, rules: LanguageRules) -> bool:
    before = _WORD_BEFORE.search(text, max(0, start - 16), start)
    return bool(before and before.group(1).lower() in rules.determiners)


def _keys(parts: tuple[str, ...], rules: LanguageRules, table_code: str, query: bool) -> list[str]:
    not_names = _not_names(rules)
    month = _month(rules)
    keys: set[str] = set()
    for part in parts:
        for m in _WORD.finditer(part):
            word = m.group()
            place = _place(word, table_code, query)
            if place:
                keys.add(place)
                continue
            if not word[0].isupper():
                continue
            if not _is_acronym(word):
                if not query and _opens_sentence(part, m.start()):
                    continue
                if rules.capitalised_nouns and (_after_article(part, m.start(), rules)
                                                or is_dictionary_word(word, rules.code)):
                    continue
                if month and month.match(word):
                    continue
            key = _key(word, rules)
            if len(key) >= 3 and key not in not_names:
                keys.add(key)
        for m in _NUMBER.finditer(part):
            keys.add("#" + re.sub(r"[\u00a0\u202f ]", "", m.group()))
    return sorted(keys)


def extract_anchors(title: str, text: str, language: str | None = None) -> list[str]:
    """The article's anchor keys, sorted: places ("@TR"), folded name prefixes, and numbers as "#24".

    A name that only ever opens a sentence or the title is missed; news names its actors
    more than once, mostly mid-sentence.
    """
    rules = languages.get(language) if language else languages.GENERIC
    return _keys((title, text), rules, rules.code, query=False)


def query_anchors(text: str) -> list[str]:
    """The anchor keys of a search query, in any language: places in every language's spelling,
    lowercase ones too ("rusya türkiye"), capitalised names and numbers."""
    return _keys((text,), languages.GENERIC, "", query=True)


@cache
def _not_names_first(rules: LanguageRules) -> frozenset[str]:
    """Keys of the language's function words and usual sentence openers."""
    return _not_names(rules) | frozenset(_key(w, rules) for w in rules.sentence_starters)


def name_keys(sentence: str, language: Language = None) -> list[str]:
    """The name keys of one sentence in the order they first appear (claims compare who comes
    first: "NATO asked Ankara" is not "Ankara asked NATO"), places as their place keys in every
    language ("Турция", "turecki", "Turkey": "@TR"). Unlike `extract_anchors`, a name
    may open the sentence ("Rusya Savunma Bakanlığı ..."), unless it is a function word or a
    usual sentence opener of the language."""
    rules = language.rules if isinstance(language, TextRules) else languages.get(language) if language else None
    skip = _not_names_first(rules) if rules is not None else frozenset()
    table = rules.code if rules is not None else languages.GENERIC.code
    out: list[str] = []
    for m in _WORD.finditer(sentence):
        word = m.group()
        key = _place(word, table, False)
        if key is None:
            if not word[0].isupper() or (rules is not None and rules.capitalised_nouns and not _is_acronym(word)
                                         and is_dictionary_word(word, rules.code)):
                continue
            key = _key(word, rules)
            if len(key) < 3 or key in skip:
                continue
        if key not in out:
            out.append(key)
    return out


def anchor_weights(keys: Iterable[str], counts: Mapping[str, int], articles: int) -> dict[str, float]:
    """A unit-length sparse vector: each key weighted by log(articles / articles with the key)."""
    weights = {k: math.log((articles + 1) / max(counts.get(k, 1), 1)) for k in keys}
    weights = {k: w for k, w in weights.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def sparse_dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[k] for k, w in a.items() if k in b)
