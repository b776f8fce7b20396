"""Words as their dictionary form (lemma), so that rules match every inflection: "killing",
"killed" and "kills" are "kill"; "погибли" and "погибло" "погибнуть"; "yaralandı" "yarala".

simplemma does the work: one dictionary per language for all five of crosscheck's (and fifty
more), no dependencies, a few microseconds a word once a language's dictionary is loaded (about
half a second, on first use). pymorphy3 (Russian only) and zeyrek (Turkish only) analyse more
finely, but each covers one language, and the rules here only need the lemma of common words.
A language simplemma does not know, or the generic profile, gets the word in lower case.
"""

from __future__ import annotations

import functools
import re

from .rules import Language, rules_for

__all__ = ["lemma", "lemmas", "is_dictionary_word", "WORD"]

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# The languages simplemma is asked about (crosscheck's own; the generic profile is not one).
_KNOWN = frozenset({"en", "ru", "tr", "de", "fr"})


@functools.lru_cache(maxsize=100_000)
def _lemma(word: str, code: str) -> str:
    import simplemma  # its dictionaries load on first use of each language

    if code not in _KNOWN:
        return word
    return str(simplemma.lemmatize(word, lang=code)).lower()


def lemma(word: str, language: Language) -> str:
    """The lemma of one word, in lower case (a Turkish word without its suffix after an apostrophe)."""
    rules = rules_for(language)
    lowered = rules.lower(re.split(r"['’]", word, maxsplit=1)[0])
    return _lemma(lowered, rules.code)


def lemmas(text: str, language: Language) -> list[tuple[str, int, int]]:
    """(lemma, start, end) of each word of `text`."""
    rules = rules_for(language)
    return [(lemma(m.group(), rules), m.start(), m.end()) for m in WORD.finditer(text)]


@functools.lru_cache(maxsize=100_000)
def is_dictionary_word(word: str, code: str) -> bool:
    """Whether simplemma's dictionary of language `code` holds `word`: in German, where every noun is
    capitalised, what tells "Flughafen" and "Angaben" from "Fraport" and "Baerbock". The dictionary
    holds some surnames too ("Scholz", "Müller"): a German report loses those as names, a smaller
    loss than every noun counting as one."""
    import simplemma

    return code in _KNOWN and bool(simplemma.is_known(word, lang=code))
