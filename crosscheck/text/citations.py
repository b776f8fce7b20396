"""Which outlets a text cites as the source of its report.

`cited_outlets` finds known outlet names (case-, accent-, Russian-ending- and
Turkish-suffix-tolerant) and keeps those standing next to a citation cue ("citing",
"сообщает", "'ın haberine göre", "unter Berufung auf", "selon l'agence", ...), in a headline
("TASS: ..."), a wire dateline ("MOSCOW, Sept 12 (Reuters) -") or opening a sentence that a
reporting verb ends. It counts an outlet that an article names as its own source or as the
recipient of an interview ("told Reuters"): the caller drops the article's own outlet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .. import languages
from ..languages import LanguageRules
from .rules import Language, TextRules, rules_for

__all__ = ["cited_outlets"]


# punctuation folded for name matching (letters fold by `languages.fold_char`)
_PUNCT_FOLD = {"’": "'", "ʼ": "'", "‘": "'", "`": "'", "\u00a0": " "}


_FOLDED_CHARS: dict[str, str] = {}  # each character's folded form, filled as characters are met


def _fold_char(ch: str) -> str:
    return _PUNCT_FOLD.get(ch) or languages.fold_char(ch, transliterate=False)


def _fold(text: str) -> tuple[str, list[int]]:
    """Case- and accent-folded text, and for each folded character the index it came from."""
    table = _FOLDED_CHARS
    try:
        pieces = [table[ch] for ch in text]
    except KeyError:
        for ch in set(text) - table.keys():
            table[ch] = _fold_char(ch)
        pieces = [table[ch] for ch in text]
    folded = "".join(pieces)
    if all(len(p) == 1 for p in pieces):
        return folded, list(range(len(text)))
    return folded, [i for i, p in enumerate(pieces) for _ in p]


@functools.lru_cache(maxsize=4096)
def _name_regex(name: str, rules: LanguageRules) -> tuple[str, re.Pattern[str]] | None:
    """The pattern of an outlet name in folded text, declined as the language declines names
    ("Известиям"), and a piece of it any match contains (a cheap substring test skips the
    names a text does not mention)."""
    words = _fold(name)[0].split()
    if not words:
        return None
    parts = [re.escape(w) for w in words]
    last = words[-1]
    if rules.name_endings and re.fullmatch(rules.name_endings_script, last):
        stem = re.sub(rules.name_stem, "", last) if len(last) > 4 else last
        parts[-1] = f"{re.escape(stem)}(?:{rules.name_endings})?"
        words[-1] = stem
    return words[0], re.compile(r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?!\w)")


_HEADLINE_BEFORE = re.compile(r"(?:\A|\n)\s*[«\"“]?\Z")


# a wire dateline: "MOSCOW, Sept 12 (Reuters) -", "МОСКВА, 12 сентября. /ТАСС/."
_DATELINE_BEFORE = re.compile(rf"(?:\A|\n)\s*[{languages.upper_letters()}]{{2,}}[^\n()/]{{0,30}}[(/]\Z")


_DATELINE_AFTER = re.compile(r"\A[)/]\s*[.,]?\s*[-–—]?")


_HEADLINE_AFTER = re.compile(r"\A[»\"”]?\s*:\s")


def _reports_sentence(text: str, start: int, end: int, c: TextRules) -> bool:
    """'Rus haber ajansı TASS, ... bildirdi.': the outlet opens a sentence that ends in a reporting verb."""
    if c.report_verb_end is None:
        return False
    sent_start = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    if len(text[sent_start:start].split()) > 3 or text[end:end + 1] != ",":
        return False
    stop = re.search(r"[.!?](?:\s|\Z)", text[end:])
    sentence_end = end + stop.end() if stop else len(text)
    return bool(c.report_verb_end.search(text[end:sentence_end]))


def cited_outlets(text: str, outlet_names: Iterable[str], language: Language) -> list[str]:
    """Names from `outlet_names` that `text` cites as the source of its report, in order of first citation.

    Order is the order of appearance in the text ("reported AMN, citing TASS" -> ["AMN", "TASS"]); when
    two names overlap ("RIA" inside "RIA Novosti") the longer one counts.
    """
    c = rules_for(language)
    folded, index = _fold(text)
    mentions: list[tuple[int, int, str]] = []
    for name in dict.fromkeys(n for n in outlet_names if n and n.strip()):
        compiled = _name_regex(name, c.rules)
        if compiled is None or compiled[0] not in folded:
            continue
        for m in compiled[1].finditer(folded):
            mentions.append((index[m.start()], index[m.end() - 1] + 1, name))
    mentions.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    cited: list[str] = []
    covered_to = -1
    for start, end, name in mentions:
        if start < covered_to:
            continue
        covered_to = end
        if name in cited:
            continue
        before, after = text[max(0, start - 120):start], text[end:end + 160]
        if ((c.cite_before and c.cite_before.search(before)) or (c.cite_after and c.cite_after.match(after))
                or (_HEADLINE_BEFORE.search(text, max(0, start - 5), start) and _HEADLINE_AFTER.match(after))
                or (_DATELINE_BEFORE.search(text, max(0, start - 60), start) and _DATELINE_AFTER.match(after))
                or _reports_sentence(text, start, end, c)):
            cited.append(name)
    return cited
