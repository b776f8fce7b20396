"""What crosscheck knows about each language, one module per language.

`get(code)` returns a language's `LanguageRules`: claims, sentences, anchors, story slugs and
outlet names look their rules up there and nowhere else. A language without a module gets
the generic profile (numbers and capitalised names only, see `generic.py`) and one warning
naming it, once per language and process; it never gets another language's rules.

Adding a language: see docs/languages.md.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import lru_cache

from . import de, en, fr, generic, ru, tr
from .base import LanguageRules

__all__ = ["GENERIC", "LanguageRules", "SUPPORTED", "fold", "fold_char", "get",
           "normalise_code", "upper_letters"]

log = logging.getLogger("crosscheck")

_MODULES = (en, ru, tr, de, fr)
SUPPORTED: dict[str, LanguageRules] = {m.RULES.code: m.RULES for m in _MODULES}
GENERIC: LanguageRules = generic.RULES

_warned: set[str] = set()
_warned_lock = threading.Lock()


def normalise_code(code: str | None) -> str:
    """'de-AT', 'DE', 'de_AT' -> 'de'; None -> ''."""
    return (code or "").strip().replace("_", "-").split("-")[0].lower()


def get(code: str | None) -> LanguageRules:
    """The rules for language `code`, or the generic profile (with one warning per language)."""
    key = normalise_code(code)
    rules = SUPPORTED.get(key)
    if rules is not None:
        return rules
    with _warned_lock:
        first = key not in _warned
        _warned.add(key)
    if first:
        if key:
            log.warning("language %r has no rules in crosscheck (supported: %s): its articles get the generic "
                        "profile, numbers and names only, no attribution or citations",
                        key, ", ".join(SUPPORTED))
        else:
            log.warning("an article's language is unknown: it gets the generic profile, numbers and names only, "
                        "no attribution or citations")
    return GENERIC


def _build_letter_tables() -> tuple[dict[str, str], dict[str, str]]:
    folds: dict[str, str] = {}
    latin: dict[str, str] = {}
    for rules in (GENERIC, *SUPPORTED.values()):
        folds.update(rules.char_folds)
        latin.update(rules.to_latin)
    return folds, latin


_CHAR_FOLDS, _TO_LATIN = _build_letter_tables()


@lru_cache(maxsize=8192)
def fold_char(ch: str, transliterate: bool = True) -> str:
    """One character case-folded, with every language's letter folds ("ı" -> "i", "ё" -> "е"),
    transliterated to Latin when asked, and without accents."""
    low = ch.casefold()
    if low == "i̇":  # "İ".casefold() keeps a combining dot
        low = "i"
    low = "".join(_CHAR_FOLDS.get(c, c) for c in low)
    if transliterate:
        low = "".join(_TO_LATIN.get(c, c) for c in low)
    elif any(c in _TO_LATIN for c in low):
        return low  # a letter of another script keeps its diacritics: "й" is not "и"
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case in Latin letters: scripts transliterated, accents and Turkish dotless i removed."""
    return "".join(fold_char(c) for c in text)


def upper_letters() -> str:
    """A regex character-class body of every capital letter the modules know (for datelines)."""
    return "A-Z" + "".join(r.upper_letters for r in (*SUPPORTED.values(), GENERIC))
