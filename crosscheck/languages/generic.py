"""The generic profile: what crosscheck does for a language without a module of its own.

It reads numbers written in digits (a comma before three digits groups thousands, as in
English; a dot is a decimal point), the currency signs and "%", and treats capitalised words
as names; it knows no month names, speech verbs, citation cues or boilerplate of the
language, so an article in it still joins stories and has claims with numbers, but no
attribution and no cited outlets. It never borrows another language's rules.

It also holds the transliteration of letters no language module owns, so that names written
in them still fold to Latin: the Cyrillic letters of Ukrainian and Belarusian.
"""

from __future__ import annotations

from .base import LanguageRules, frozen_map

__all__ = ["RULES"]

# Ukrainian and Belarusian letters beyond the Russian alphabet, in the Ukrainian national
# transliteration (2010) ("Київ" -> kyiv with the Russian table for the other letters).
_EXTRA_CYRILLIC = {"і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u"}


RULES = LanguageRules(
    code="",
    name="generic",
    generic=True,
    # letters that Unicode does not decompose into a base letter and an accent
    char_folds=frozen_map({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe"}),
    to_latin=frozen_map(_EXTRA_CYRILLIC),
    upper_letters="ІЇЄҐЎ",
)
