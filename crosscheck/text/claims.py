"""Claims: which sentences of an article state something checkable.

`is_claim` drops boilerplate (`BOILERPLATE` and the language's own: bylines, credits, "read
more"), questions, datelines alone, sentences that only say where the news came from ("Об
этом сообщают «Известия»") and fragments; `analyse` gives a claim with its attribution and
numbers. The text stage, beside this module: sentences.py (splitting), numbers.py,
attribution.py, citations.py, anchors.py (names and numbers that survive translation),
evidence.py (what a claim's numbers count, its names, speaker, negation) and rules.py (each
language's rules compiled once).

Everything here is a pure function of one sentence (or one article text) and its language's
rules (crosscheck/languages/); nothing is learnt and nothing is embedded (sentences are
aligned across articles in crosscheck/compare/). A language without a module gets the
generic profile: numbers written in digits, no attribution, no citation cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import languages
from .attribution import attribution
from .numbers import Number, extract_numbers
from .rules import Language, rules_for

__all__ = ["BOILERPLATE", "ClaimInfo", "analyse", "is_claim", "says_only_who"]


@dataclass(frozen=True)
class ClaimInfo:
    """A checkable sentence with its source (if it names one) and its numbers."""

    text: str
    attributed_to: str | None
    numbers: tuple[Number, ...]


# == claims ==================================================================================
# Boilerplate in any language; each language adds its own (bylines, credits, "read more").
BOILERPLATE: tuple[re.Pattern[str], ...] = (
    # copyright
    re.compile(r"^(?:©|\(c\)|Copyright\b)", re.IGNORECASE),
    # only a URL, only hashtags
    re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE),
    re.compile(r"^(?:#[\w-]+[\s,]*)+$"),
)

_UPPER = languages.upper_letters()
_DATELINE = re.compile(
    rf"^\s*(?:[{_UPPER}]{{2,}}(?:[ -][{_UPPER}]{{2,}})*(?:\s*/\s*[{_UPPER}][\w-]+)?"
    rf"(?:\s*,\s*[^()/\n\-–—]{{1,25}}?)?\s*(?:\([^)\n]{{1,30}}\)|/[^/\n]{{1,30}}/)?\s*[.,]?\s*[-–—]+"
    rf"|[{_UPPER}][\w'-]*(?:\s+[{_UPPER}][\w'-]*){{0,2}}(?:\s*,\s*[^()/\n\-–—]{{1,25}}?)?"
    rf"\s*(?:\([^)\n]{{1,30}}\)\s*[.,]?\s*[-–—]+|/[^/\n]{{1,30}}/\s*[.,]?\s*[-–—]*)"
    rf"|[{_UPPER}]{{2,}}(?:[ -][{_UPPER}]{{2,}})*\s*,\s*[^()/\n]{{1,25}}?\.\s*/[^/\n]{{1,30}}/\.?)\s*"
)


def dateline_end(sentence: str) -> int:
    """Where a wire dateline opening `sentence` ends ("MOSCOW, Sept 12 (Reuters) - ", "МОСКВА, 12
    сентября. /ТАСС/."); 0 without one. Its date is when the report was filed, not a fact of it."""
    found = _DATELINE.match(sentence)
    return found.end() if found else 0


ATTRIBUTION_ONLY_WORDS = 14  # longer sentences that open with "Об этом сообщает ..." say more than that


def says_only_who(sentence: str, language: Language) -> bool:
    """Whether `sentence` only names who said the sentence before it ("Об этом сообщил ТАСС",
    "Das sagte Innenminister Kenan Aksoy."): no claim of its own; its speaker is the previous
    claim's (`crosscheck.compare.diff.claim_mentions`)."""
    text = sentence.strip()
    rules = rules_for(language)
    return len(text.split()) <= ATTRIBUTION_ONLY_WORDS and any(p.search(text) for p in rules.attribution_only)


def is_claim(sentence: str, language: Language) -> bool:
    """Whether `sentence` states something checkable: not boilerplate, a question, a dateline or a fragment."""
    text = sentence.strip()
    text = text[dateline_end(text):].strip()
    rules = rules_for(language)
    if not text or any(p.search(text) for p in (*BOILERPLATE, *rules.boilerplate)):
        return False
    if says_only_who(text, rules):
        return False
    if text.rstrip("»”\"' )").endswith(("?", "？")):
        return False
    return len(re.findall(r"\w+", text)) >= 4


def analyse(sentence: str, language: Language) -> ClaimInfo | None:
    """The claim in `sentence` with its attribution and numbers; None when it is not a claim."""
    rules = rules_for(language)
    if not is_claim(sentence, rules):
        return None
    return ClaimInfo(sentence, attribution(sentence, rules), tuple(extract_numbers(sentence, rules)))
