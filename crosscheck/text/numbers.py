"""Numbers in a sentence: digits with the language's separators, scale words, percent
markers and spelled-out cardinals.

`extract_numbers` scans digit tokens with the language's separators (en "1,500.5", ru "1 500,5",
tr and de "1.500,5"), adds a scale word after them (million, млрд, milyar, Mio., milliards) and
percent markers ("12%", "%12", "yüzde 12", "12 процентов", "12 Prozent"), and reads spelled-out
cardinals ("two weeks", "две недели", "iki hafta", "zwölf", "trente-six"). It drops what is not
a quantity: full dates, times, a day next to a month name, years, ordinals and numbers inside
names ("S-400", "Су-24", "G20", "COVID-19"). What a number counts is text/evidence.py's.

Known limits, by design of rules over understanding:
- A bare 1900-2100 number is read as a year unless a lowercase noun follows it with no year
  cue ("2000 человек" is a number, "the 2016 coup" and "в 2000 километрах" are read as
  years); in German, where nouns are capitalised, unless a word other than a function word
  follows ("2000 Soldaten" is a number, "die 2022 in Mariupol" a year). "March 12 people" reads as a date.
- A single separator followed by three digits is ambiguous: en and the generic profile read
  "1,500" as 1500 and "1.500" as 1.5; tr and de read "1.500" as 1500; ru and fr read "1.500" as
  1500 unless a scale word follows. "one", "один", "bir" and "un" are read as numbers only
  before a unit of time or as one of a group ("one of the sailors"), and "ein" never: elsewhere
  they are mostly articles and pronouns; vague amounts ("dozens", "десятки") are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..languages import LanguageRules
from .. import languages
from .lemmas import lemma
from .rules import Language, TextRules, rules_for

__all__ = ["Number", "extract_numbers"]


@dataclass(frozen=True)
class Number:
    """A quantity in a sentence: its value, and the text and offsets it was read from."""

    value: float
    text: str
    start: int
    end: int


# == numbers =================================================================================
_CURRENCY_SIGNS = "$€£₺₽"


# Spans that are never quantities, in any language: full dates, clock times, year ranges.
_NOT_QUANTITIES = (
    re.compile(r"(?<![\d.,])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d])"),
    re.compile(r"(?<![\d.,])\d{4}-\d{1,2}-\d{1,2}(?!\d)"),
    re.compile(r"(?<![\d.,])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)"),
    re.compile(r"(?<![\d.,])(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?\s?(?:[ap]\.m\.|[ap]m\b)", re.IGNORECASE),
    re.compile(r"(?<![\d.,])(?:[01]\d|2[0-3])[0-5]\d\s?(?:GMT|UTC)\b", re.IGNORECASE),  # wire copy's "0120 GMT"
    re.compile(r"(?<![\d.,])(?:19|20)\d{2}\s?[-–—/]\s?(?:(?:19|20)\d{2}|\d{2})(?![\d.,]?\d)"),
)


_CURRENCY_BEFORE = re.compile(rf"(?:US)?[{_CURRENCY_SIGNS}][ \u00a0]?\Z")


_NAME_BEFORE = re.compile(r"(?:[^\W\d_][-‐–]?|[№#][ \u00a0]?|\bNo\.\s?)\Z")


_CODE_AFTER = re.compile(f"[{languages.upper_letters()}]")  # "9M729", "5G": a capital right after digits


_ORDINAL_DOT = re.compile(r"\.\s+[^\W\d_]")  # Turkish "3. Ordu", German "22. April"


_LOWERCASE_WORD_AFTER = re.compile(r"\A[ \u00a0]+[^\W\d_]")
_WORD_AFTER = re.compile(r"\A[ \u00a0]+([^\W\d_]+)")
_WORDS = re.compile(r"[^\W\d_]+")
_CLAUSE_END = re.compile(r"[,;:.!?()«»\"“”]")


def _valid_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _parse_number(token: str, rules: LanguageRules, scale_follows: bool) -> float | None:
    """The value of a digit token under the language's separator conventions (None if malformed)."""
    t = re.sub(r"[ \u00a0\u202f\u2009]", "", token)
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        thousands = "." if dec == "," else ","
        whole, _, frac = t.rpartition(dec)
        groups = whole.split(thousands)
        if not _valid_groups(groups) or not frac:
            return None
        return float("".join(groups) + "." + frac)
    for sep in ",.":
        if sep not in t:
            continue
        parts = t.split(sep)
        if len(parts) > 2:
            return float("".join(parts)) if _valid_groups(parts) else None
        whole, frac = parts
        grouped = len(frac) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")
        if grouped:
            if sep == ",":
                grouped = rules.comma_groups_thousands
            else:
                grouped = (rules.dot_groups_thousands == "always"
                           or rules.dot_groups_thousands == "unless_scale" and not scale_follows)
        return float(whole + frac) if grouped else float(whole + "." + frac)
    return float(t)


def _is_year(sentence: str, start: int, end: int, value: float, marked: bool, c: TextRules) -> bool:
    if marked or not 1900 <= value <= 2100:
        return False
    before, after = sentence[:start], sentence[end:]
    if (c.year_before and c.year_before.search(before)) or (c.year_after and c.year_after.match(after)):
        return True
    if c.rules.capitalised_nouns:  # German: what a number counts is a noun, capitalised ("2000 Soldaten")
        word = _WORD_AFTER.match(after)
        return word is None or c.lower(word.group(1)) in c.rules.stopwords  # "die 2022 in Mariupol"
    return not _LOWERCASE_WORD_AFTER.match(after)


def _is_clock_time(token: str, before: str, after: str, c: TextRules) -> bool:
    m = re.fullmatch(r"(\d{1,2})\.(\d{2})", token)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return False
    if len(m.group(1)) == 2 and m.group(1).startswith("0"):
        return True
    return bool((c.time_before and c.time_before.search(before)) or (c.time_after and c.time_after.match(after)))


def _scale(after: re.Match[str] | None, c: TextRules) -> float | None:
    """The multiplier of the scale word `after` matched, if it matched one."""
    if after is None:
        return None
    for k, value in enumerate(c.scales):
        if after.group(f"s{k}"):
            return value
    return None


def _extend(sentence: str, start: int, end: int, value: float, c: TextRules) -> tuple[float, int, int, bool]:
    """Widen a number over a currency sign, percent marker or scale word; (value, start, end, marked)."""
    marked = False
    after = c.after.match(sentence, end)
    scale = _scale(after, c)
    if after:
        if scale is not None:
            value *= scale
        end = after.end()
        marked = True
    before = sentence[:start]
    pct = c.percent_before.search(before)
    cur = _CURRENCY_BEFORE.search(before)
    if pct and not (after and after.group("pct")):
        start, marked = pct.start(), True
    elif cur:
        start, marked = cur.start(), True
        if scale is None and re.match(r"m\b", sentence[end:]):
            value, end = value * 1e6, end + 1  # "$5m"
    if sentence[end - 1:end] == "." and not sentence[end:].strip():
        end -= 1  # "5 млн." ending the sentence: the dot is the full stop
    return value, start, end, marked


def _digit_numbers(sentence: str, c: TextRules) -> list[Number]:
    blocked = [m.span() for pattern in (*_NOT_QUANTITIES, *c.not_quantities) for m in pattern.finditer(sentence)]
    found: list[Number] = []
    for m in c.token.finditer(sentence):
        start, end, token = m.start(), m.end(), m.group()
        if any(s < end and start < e for s, e in blocked):
            continue
        before, after = sentence[:start], sentence[end:]
        plain = token.isdigit()
        if (_NAME_BEFORE.search(before) or (c.ordinal_after and c.ordinal_after.match(after))
                or _CODE_AFTER.match(after) or (plain and len(token) <= 3 and _labels(before, c))):
            continue
        if plain and c.rules.ordinal_dot and _ORDINAL_DOT.match(after):
            continue
        if (plain and 1 <= int(token) <= 31 and c.day_before_month and c.month_before_day
                and (c.day_before_month.match(after) or c.month_before_day.search(before))):
            continue
        scale_follows = bool(c.after.match(after))
        if not scale_follows and _is_clock_time(token, before, after, c):
            continue
        value = _parse_number(token, c.rules, scale_follows)
        if value is None:
            continue
        value, s, e, marked = _extend(sentence, start, end, value, c)
        if plain and len(token) == 4 and _is_year(sentence, start, end, value, marked, c):
            continue
        found.append(Number(value, sentence[s:e], s, e))
    return found


def _place(value: float) -> int:
    """The smallest place a whole number fills: 10 for 250, 100 for 200, 1 for 25."""
    place, v = 1, int(value)
    while v and v % 10 == 0:
        place, v = place * 10, v // 10
    return place if value == int(value) else 1


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \u00a0]\Z")
_SENTENCE_OPENING = re.compile(r"(?:\A|[.!?:;]\s+|\n)\Z")


def _labels(before: str, c: TextRules) -> bool:
    """A short number right after a capitalised word within the sentence is part of a name:
    "Terminal 2", "Block 4", "Flight 370" (not a month or weekday: "April 15" is a date; not after
    a name in an oblique case where names take case endings: in "в Турции 48 спасателей" Turkey
    is the place of the phrase before, and a label's head is in the nominative). Where capitals
    cannot tell (German capitalises every noun, French writes labels in lower case), only after
    one of the language's label nouns: "Terminal 2 des Flughafens", "au terminal 2"; "laut
    Ärzten 3" and "dans la nuit 25 drones" are counts."""
    m = _WORD_BEFORE.search(before)
    if c.rules.label_nouns:  # "Terminal 2 des Flughafens", "au terminal 2", not "laut Ärzten 3"
        return m is not None and c.lower(m.group(1)) in c.rules.label_nouns
    if c.rules.capitalised_nouns:
        return False
    if m is None or not m.group(1)[0].isupper() or m.group(1).isupper():
        return False
    if _SENTENCE_OPENING.search(before, 0, m.start()):
        return False
    word = c.lower(m.group(1))
    if c.rules.name_endings and lemma(word, c) != word:
        return False  # a name in an oblique case belongs to the words before it: "в Турции 48 спасателей"
    months = c.rules.evidence.month_numbers
    return not any(word.startswith(stem) for stem in months) and word not in c.rules.evidence.weekdays


def _before_plurals(sentence: str, c: TextRules) -> list[re.Match[str]]:
    """The cardinals read only before a plural ("neuf blessés"), where the word after is no
    function or invariable word ("refait à neuf après", "neuf dans")."""
    if c.before_plural is None:
        return []
    return [m for m in c.before_plural.finditer(sentence)
            if c.lower(_WORDS.findall(sentence[m.end():])[0]) not in c.rules.stopwords]


def _spelled_numbers(sentence: str, c: TextRules) -> list[Number]:
    """Numbers written in words, compounds included: "twelve", "two hundred and fifty",
    "thirty-one", "двадцать пять", "iki yüz elli", "deux cent cinquante"."""
    found: list[Number] = []
    if c.spelled is None:
        return found
    words = {**c.rules.cardinals, **c.rules.cardinal_ones, **c.rules.cardinals_before_plural}
    for m in sorted([*c.spelled.finditer(sentence), *_before_plurals(sentence, c)], key=lambda m: m.start()):
        value = float(words[" ".join(c.lower(m.group("w")).split())])
        end = m.end()
        while True:
            for multiplier, extra in c.multipliers:
                more = extra.match(sentence, end)
                if more:
                    value, end = value * multiplier, more.end()
            nxt = c.continuation.match(sentence, end) if c.continuation is not None else None
            if nxt is None:
                break
            add = float(words[" ".join(c.lower(nxt.group("w")).split())])
            if not (10 <= _place(value) and add < _place(value)):
                break
            value, end = value + add, nxt.end()
        value, start, end, _ = _extend(sentence, m.start(), end, value, c)
        found.append(Number(value, sentence[start:end], start, end))
    return found


def _is_toll_word(word: str, c: TextRules) -> bool:
    return (lemma(c.lower(word), c),) in c.evidence.people or (c.lower(word),) in c.evidence.people


def _one_as_span(sentence: str, one: re.Match[str], c: TextRules) -> bool:
    """A word for one before a unit of time, with a word saying it is a span ("by one year", "на
    один год", "bir hafta süreyle"); not "one day" alone (also "some day")."""
    unit = c.evidence.duration_after.match(sentence, one.end())
    if unit is None:
        return False
    return bool((c.one_span_before and c.one_span_before.search(sentence, 0, one.start()))
                or (c.one_span_after and c.one_span_after.match(sentence[unit.end():])))


def _one_of_a_toll(sentence: str, one: re.Match[str], c: TextRules) -> bool:
    """One of a group, where the verb right after the group says it was killed, injured or missing
    ("one of the sailors was injured", "один из моряков получил ранения"). Not one of a toll ("one
    of the dead was a passer-by": a member of that count), nor one of a group a toll word right
    after describes ("one of the soldiers killed in the attack was 19"), nor one of the rescued
    ("one of the rescued sailors died in hospital": a member of a group the story counts, beside
    its toll), nor one of a group with nothing counted ("one of the victims was a passer-by")."""
    group = c.one_of.match(sentence[one.end():]) if c.one_of is not None else None
    if group is None:
        return False
    words = _WORDS.findall(_CLAUSE_END.split(sentence[one.end() + group.end():], 1)[0])[:3]
    if c.survivor_groups is not None and any(c.survivor_groups.fullmatch(w) for w in words[:2]):
        return False
    return (len(words) >= 2 and not _is_toll_word(words[0], c) and not _is_toll_word(words[1], c)
            and any(_is_toll_word(w, c) for w in words[1:]))


def _counted_ones(sentence: str, c: TextRules) -> list[Number]:
    """A word for one where it is a figure: a span of time or one of a toll (the two functions
    above); elsewhere it is an article or a pronoun."""
    if c.ones is None:
        return []
    return [Number(1.0, m.group(), m.start(), m.end()) for m in c.ones.finditer(sentence)
            if _one_as_span(sentence, m, c) or _one_of_a_toll(sentence, m, c)]


def extract_numbers(sentence: str, language: Language) -> list[Number]:
    """The quantities stated in `sentence`, in order; dates, times, years, ordinals and names skipped."""
    c = rules_for(language)
    numbers = sorted(_digit_numbers(sentence, c) + _spelled_numbers(sentence, c) + _counted_ones(sentence, c),
                     key=lambda n: n.start)
    kept: list[Number] = []
    for n in numbers:
        if not kept or n.start >= kept[-1].end:
            kept.append(n)
    return kept
