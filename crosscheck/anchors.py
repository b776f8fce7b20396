"""Anchors: the names and numbers in an article that survive translation.

"Klintsevich", "Клинцевич" and "Klintseviç'in" fold to the same key, and so do "Izvestia",
"«Известия»" and "İzvestiya'ya"; "24 August", "24 августа" and "24 Ağustos" all carry "#24".
Stories use these keys as evidence next to the embedding: two reports of one event share
rare names and figures even when the multilingual model scores the pair low (the model is
weakest on Turkish). Each key is weighted by its rarity in the index (inverse document
frequency), so "Russia" or "Syria" count for little and "Hangzhou" or "#15" for a lot.

A name is a capitalised word that does not open a sentence (so "The" and "Бывший" are not
names) and is not one of the language's function words ("And" in an English title), or an
all-capitals acronym anywhere ("TASS", "ТАСС", "NATO"). Keys are folded to Latin by
`crosscheck.languages.fold` (Cyrillic transliterated, Turkish and other accents removed) and
cut to their first
KEY_LETTERS letters, which absorbs case endings and suffixes ("Путина", "Putin'in") at the
price of some collisions between long names, which rarity weighting mostly makes harmless.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from . import languages
from .languages import LanguageRules, fold

__all__ = ["fold", "extract_anchors", "name_keys", "anchor_weights", "sparse_dot", "KEY_LETTERS"]

KEY_LETTERS = 5  # measured on SemEval-2022 pairs: 4, 5 and 6 letters within 0.002 Pearson of each other

_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\w])")
_OPENERS = " \t\u00a0«»\"“”„'’()-–—"  # may stand between a sentence's end and its first word
_SUFFIX = re.compile(r"['’].*\Z")


@lru_cache(maxsize=200_000)
def _key(word: str) -> str:
    return "".join(c for c in fold(_SUFFIX.sub("", word)) if c.isalpha())[:KEY_LETTERS]


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 12):start].rstrip(_OPENERS)
    return not before or before[-1] in ".!?…:;\n"


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


@cache
def _not_names(rules: LanguageRules) -> frozenset[str]:
    """Keys of the language's function words, capitalised mid-sentence in titles yet not names."""
    return frozenset(_key(w) for w in rules.stopwords)


def extract_anchors(title: str, text: str, language: str | None = None) -> list[str]:
    """The article's anchor keys, sorted: folded name prefixes, and numbers as "#24".

    A name that only ever opens a sentence or the title is missed; news names its actors
    more than once, mostly mid-sentence.
    """
    not_names = _not_names(languages.get(language)) if language else frozenset()
    keys: set[str] = set()
    for part in (title, text):
        for m in _WORD.finditer(part):
            word = m.group()
            if not word[0].isupper() or (not _is_acronym(word) and _opens_sentence(part, m.start())):
                continue
            key = _key(word)
            if len(key) >= 3 and key not in not_names:
                keys.add(key)
        for m in _NUMBER.finditer(part):
            keys.add("#" + re.sub(r"[\u00a0\u202f ]", "", m.group()))
    return sorted(keys)


def name_keys(sentence: str, language: str | None = None) -> list[str]:
    """The name keys of one sentence in the order they first appear (claims compare who comes
    first: "NATO asked Ankara" is not "Ankara asked NATO"). Unlike `extract_anchors`, a name
    may open the sentence ("Rusya Savunma Bakanlığı ..."), unless it is a function word or a
    usual sentence opener of the language."""
    rules = languages.get(language) if language else None
    skip = _not_names(rules) | frozenset(_key(w) for w in rules.sentence_starters) if rules else frozenset()
    out: list[str] = []
    for m in _WORD.finditer(sentence):
        word = m.group()
        if not word[0].isupper():
            continue
        key = _key(word)
        if len(key) >= 3 and key not in skip and key not in out:
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
