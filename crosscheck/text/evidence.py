"""Evidence about one claim beyond its vector: what its numbers count, its dates, the names it
mentions, who says it, and whether it denies.

Two claims whose vectors are close may still state different facts: "NATO asked Ankara" and
"Ankara asked NATO", "the Russian defence ministry did not comment" and "the Ukrainian navy did
not comment", "two ministers" and "1.5 billion m³". compare.py weighs this evidence with the
cosine in one calibrated pair model (crosscheck/data/claim_pairs.json).

- `quantities`: the numbers of `numbers.extract_numbers`, each with a *kind* read from the words
  around it: `dead`, `injured`, `duration`, `percent`, `money`, `magnitude`, a measurement unit
  (`unit:mw`, `unit:m3`, ...), or plain `count` (a span's unit and a sum's currency are its
  `thing`; a person's age is flagged, `age`, and disputes nothing); and the years and calendar dates that
  `extract_numbers` leaves out (kinds `year` and `date`, a date's value being month * 100 +
  day). Numbers of different kinds never conflict: two ministers are not 1.5 billion m³, and
  deaths are not injuries. A sum of money has its currency (`thing`: "RUB", "TRY", ...) where the
  sign or word says it: 9 billion roubles and 130 million liras are never one sum.
- `names`: folded keys of the names in the claim (crosscheck/anchors.py), numbers left out,
  and their order: "NATO asked Ankara" names NATO first, "Ankara asked NATO" Ankara.
- `negated`: the claim denies or negates ("did not", "не", "-madı", "nicht", "ne ... pas").
- `speaker`: name keys of who the claim is attributed to (attribution.attribution).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import languages
from ..records import parse_datetime
from .anchors import name_keys
from .attribution import attribution
from .lemmas import lemmas
from .numbers import Number, extract_numbers
from .rules import EvidencePatterns, Language, TextRules, rules_for

__all__ = ["days_named", "Quantity", "ClaimEvidence", "PEOPLE", "quantities", "negated", "denies", "evidence", "kinds_compatible",
           "same_quantity", "close_values"]


@dataclass(frozen=True)
class Quantity:
    """A number of a claim, where it stands in the sentence, and what it counts."""

    value: float
    text: str
    start: int
    end: int
    kind: str
    what: str | None = None  # for a count: the word it counts, as written ("provinces", "человек")
    thing: str | None = None  # what it counts as compare resolved it across languages ("people", ...);
                              # for money, its currency ("RUB") when the sign or word says it; for a
                              # span of time, its unit ("hour", "day", "week", "month", "year")
    # a person's age ("a 9-year-old boy", "46 yaşındaki"): read with the kind it always had, which
    # the claim pair model was fitted on (reading it as a kind of its own lowered held-out statuses:
    # docs/accuracy.md), but it disputes no figure (compare/diff.py); two ages of one value are one
    # figure whatever word follows each (`same_quantity`)
    age: bool = False


@dataclass(frozen=True)
class ClaimEvidence:
    quantities: tuple[Quantity, ...]
    names: frozenset[str]
    speaker: frozenset[str]
    negated: bool
    denies: bool  # rejects a claim ("denied", "отвергли утверждения", "iddiaların doğru olmadığını")
    name_order: tuple[str, ...] = ()  # name keys in the order they appear


# Words after (or, for magnitude and percent, before) a number that say what it counts.
# The kinds are language-independent; the words are each language's.
_WINDOW = 40  # characters read after (or before) a number for its unit or currency: two or three words


_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:\.|-?(?:st|nd|rd|th))?\s+(?:of\s+)?([^\W\d_]{3,})", re.IGNORECASE)
_MONTH_DAY = re.compile(r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?!\d)", re.IGNORECASE)


MONTH_ENDING = 3  # letters a month name may carry past its listed form: "августа", "Nisan'da" -> nisan


def _month(word: str, rules: EvidencePatterns) -> int | None:
    w = word.lower().rstrip(".")
    if w in rules.function_words:
        return None
    for stem, number in rules.months.items():
        if w == stem or (w.startswith(stem) and len(w) - len(stem) <= MONTH_ENDING):
            return number
    return None


def _dates(sentence: str, rules: EvidencePatterns) -> list[tuple[int, int, int, int]]:
    """(day, month, start, end) of each calendar date: "24 August", "24 августа", "April 15"."""
    out = []
    for m in _DAY_MONTH.finditer(sentence):
        month = _month(m.group(2), rules)
        if month and 1 <= int(m.group(1)) <= 31:
            out.append((int(m.group(1)), month, m.start(), m.end()))
    for m in _MONTH_DAY.finditer(sentence):
        month = _month(m.group(1), rules)
        if month and 1 <= int(m.group(2)) <= 31 and not any(s <= m.start() < e for _, _, s, e in out):
            out.append((int(m.group(2)), month, m.start(), m.end()))
    return out


PEOPLE = "people"  # the thing the dead, the injured and the missing are


def kinds_compatible(a: str, b: str) -> bool:
    """Whether two kinds of number can state the same quantity: a plain count may be a death
    toll written without the word ("21 of them"); every other kind only matches itself."""
    return a == b or {a, b} <= {"count", "dead", "injured", "missing"} and "count" in (a, b)


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Whether two numbers can state one quantity: compatible kinds, counts of one thing when
    compare has told what each counts, and sums in one currency when both say which (`thing`;
    an unknown thing or currency never keeps two apart)."""
    if a.age and b.age and a.kind == b.kind and a.value == b.value:  # whatever word each stands with:
        return True                                                    # "44-летний", "der 44-Jährige"
    if not kinds_compatible(a.kind, b.kind):
        return False
    if a.kind == b.kind == "money":  # a sum in roubles and one in liras are two sums
        return not (a.thing and b.thing and a.thing != b.thing)
    things = {q.thing if q.kind == "count" else PEOPLE for q in (a, b) if q.kind != "count" or q.thing}
    return len(things) <= 1


# A currency by its sign or the start of its word (lower case), looked for in the number's own
# text and in what the language's `money_after` (crosscheck/languages) matched after it. A pound
# or "livre" says no currency by itself (sterling, Egyptian, Turkish: "livres turques"), nor does
# a word no entry starts: such a sum stays of an unknown currency, which never keeps two apart.
_CURRENCIES = {
    "USD": ("$", "dollar", "dolar", "долл"),
    "EUR": ("€", "euro", "евро", "avro"),
    "RUB": ("₽", "rubl", "roubl", "rubel", "ruble", "рубл"),
    "TRY": ("₺", "lira", "lire", "лир", "tl"),
    "GBP": ("£",),
    "UAH": ("грив", "hryvn"),
    "CNY": ("yuan", "юан"),
}
_WORD_START = r"(?<![^\W\d_])"  # at a word's start: "tl" alone, not inside "title"


def _currency_pattern(marks: tuple[str, ...]) -> str:
    return "|".join(re.escape(m) if not m[0].isalpha() else _WORD_START + re.escape(m) for m in marks)


_CURRENCY = re.compile("|".join(f"(?P<{code}>{_currency_pattern(marks)})" for code, marks in _CURRENCIES.items()))


def _currency(sentence: str, start: int, end: int, rules: EvidencePatterns) -> str | None:
    """The currency of the sum of money at sentence[start:end]: its sign, or the word after it."""
    m = _CURRENCY.search(sentence[start:end].lower())
    if m is None:
        after = rules.money_after.match(sentence[end:end + _WINDOW].lower())
        m = _CURRENCY.search(after.group()) if after else None
    return m.lastgroup if m else None


# A span's unit by the start of the word the language's `duration_after` matched (lower case):
# Turkish "ay" is a month (matched whole), French "an"/"ans"/"année" a year.
_TIME_UNITS = (
    ("hour", ("hour", "stunde", "час", "saat", "heure")),
    ("day", ("day", "tag", "дн", "день", "сут", "gün", "jour")),
    ("week", ("week", "woche", "недел", "hafta", "semaine")),
    ("month", ("month", "monat", "месяц", "mois")),
    ("year", ("year", "jahr", "год", "лет", "yıl", "sene", "an")),
)


def _time_unit(sentence: str, end: int, rules: EvidencePatterns) -> str | None:
    """The unit of the span of time whose number ends at `end` ("hour", "day", ...; None when its
    word is none of _TIME_UNITS'): two hours and two days are two spans, not one figure."""
    m = rules.duration_after.match(sentence[end:end + _WINDOW].lower())
    words = m.group().split() if m else []
    word = re.sub(r"^\W+", "", words[-1]) if words else ""
    if word == "ay":
        return "month"
    return next((unit for unit, starts in _TIME_UNITS if word.startswith(starts)), None)


def _fixed_kind(sentence: str, start: int, end: int, rules: EvidencePatterns) -> str | None:
    """A kind the words right around a number settle: percent, money, magnitude, a unit, a duration."""
    before = sentence[max(0, start - _WINDOW):start].lower()
    after = sentence[end:end + _WINDOW].lower()
    text = sentence[start:end]
    if (rules.percent_after.search(text) or rules.percent_before.search(before) or rules.percent_opening.match(text)
            or rules.percent_after.match(after.lstrip())):
        return "percent"
    if any(sign in text for sign in "$€£₺₽") or rules.money_after.match(after):
        return "money"
    if rules.magnitude_before.search(before) or rules.magnitude_after.match(after):
        return "magnitude"
    for unit, pattern in rules.units.items():
        if pattern.match(after):
            return f"unit:{unit}"
    if rules.duration_after.match(after):
        return "duration"
    return None


# an age set between commas after a name, as wire copy writes it: "Elif Aydemir, 31, was stabbed";
# not a list of places and figures ("Kahramanmaraş, 900, Adana, 450, ...")
_UP = languages.upper_letters()
_APPOSED_AGE_BEFORE = re.compile(rf"(?<!\d,\s)[{_UP}][\w'’-]+(?:\s[{_UP}][\w'’-]+){{0,2}},\s\Z")
_APPOSED_AGE_AFTER = re.compile(r",\s(?![^\W\d_][\w'’-]*,\s?\d)")


def _is_age(sentence: str, start: int, end: int, rules: EvidencePatterns) -> bool:
    """Whether the number is a person's age ("a 9-year-old boy", "46 yaşındaki", "31-летняя", "Elif
    Aydemir, 31,"): `Quantity.age`."""
    before = sentence[max(0, start - _WINDOW):start]
    after = sentence[end:end + _WINDOW]
    return bool(rules.age_after.match(after) or rules.age_before.search(before)
                or end - start <= 3 and _APPOSED_AGE_BEFORE.search(before) and _APPOSED_AGE_AFTER.match(after))


_CLAUSE_MARK = re.compile(r"[,;:()\[\]–—]")


def _clause_breaks(sentence: str, words: list[tuple[str, int, int]], rules: TextRules) -> list[int]:
    """Where the sentence's clauses begin: at punctuation, and at the language's clause words
    ("and", "и", "ve"), so that "killing 12 people and injuring 40 others" is two clauses."""
    breaks = [m.start() for m in _CLAUSE_MARK.finditer(sentence)]
    breaks += [start for lemma_, start, end in words
               if lemma_ in rules.evidence.clause_words or rules.lower(sentence[start:end]) in rules.evidence.clause_words]
    return sorted(breaks)


def _people_words(words: list[tuple[str, int, int]], sentence: str, rules: TextRules) -> list[tuple[int, str]]:
    """(position, kind) of each word or phrase that says a count is of the dead, the injured or
    the missing, matched by lemma or as written."""
    e = rules.evidence
    out: list[tuple[int, str]] = []
    forms = [(w, rules.lower(sentence[s:end])) for w, s, end in words]
    i = 0
    while i < len(words):
        size = min(e.longest_people, len(words) - i)
        while size:
            span = forms[i:i + size]
            kind = e.people.get(tuple(w for w, _ in span)) or e.people.get(tuple(f for _, f in span))
            if kind and size == 1 and _not_a_toll(words[i], sentence, e):
                kind = None  # "Verletzung der Waffenruhe": a violation, not an injury
            if kind:
                out.append((words[i][1], kind))
                break
            size -= 1
        i += max(size, 1)  # a phrase's words are not read again on their own ("can kaybı" is no "kayıp")
    return out


def _not_a_toll(word: tuple[str, int, int], sentence: str, e: EvidencePatterns) -> bool:
    """Whether the words around a toll word say it is none here: "Verletzung der Waffenruhe" (a
    violation), "из-за приостановки сообщения пострадали" (affected, not hurt)."""
    lemma_, start, end = word
    before, after = e.not_tolls_before.get(lemma_), e.not_tolls_after.get(lemma_)
    return bool(before and before.match(sentence[end:]) or after and after.search(sentence[:start]))


def _people_kinds(sentence: str, numbers: list[tuple[int, int]], rules: TextRules) -> list[str | None]:
    """For each number (start, end): dead, injured or missing when a word of its clause says so
    (in a clause of several numbers, a word belongs to the number nearest it), else when the
    nearest clause that says so holds no other number and none lies between; None otherwise."""
    words = lemmas(sentence, rules)
    found = _people_words(words, sentence, rules)
    if not found or not numbers:
        return [None] * len(numbers)
    breaks = _clause_breaks(sentence, words, rules)
    found = _not_denied(found, sentence, breaks, rules.evidence.no_toll)
    clause = [bisect.bisect_right(breaks, start) for start, _end in numbers]
    kinds: list[str | None] = []
    for n, (start, end) in enumerate(numbers):
        mine = []
        for at, kind in found:
            if bisect.bisect_right(breaks, at) != clause[n]:
                continue
            owner = min((m for m in range(len(numbers)) if clause[m] == clause[n]),
                        key=lambda m: _distance(at, numbers[m], rules.evidence.kind_after_number))
            if owner == n:
                mine.append((min(abs(at - start), abs(at - end)), kind))
        kinds.append(min(mine)[1] if mine else _nearby_kind(clause[n], found, breaks, set(clause) - {clause[n]}))
    return kinds


def _not_denied(found: list[tuple[int, str]], sentence: str, breaks: list[int],
                no_toll: re.Pattern[str]) -> list[tuple[int, str]]:
    """The toll words of `found` whose clause does not say that nobody was killed, hurt or lost
    ("никто не пострадал, однако 120 горняков были эвакуированы": 120 is no toll)."""
    edges = [0, *breaks, len(sentence)]
    denied = {c for c in range(len(edges) - 1) if no_toll.search(sentence, edges[c], edges[c + 1])}
    return [(at, kind) for at, kind in found if bisect.bisect_right(breaks, at) not in denied]


def _distance(at: int, number: tuple[int, int], after_number: bool) -> tuple[int, int]:
    """How far a kind word at `at` is from a number: characters, with the side the language puts
    such words on first (a verb-final language: after the number)."""
    start, end = number
    wrong_side = (at < start) if after_number else False
    return (int(wrong_side), min(abs(at - start), abs(at - end)))


def _nearby_kind(clause: int, found: list[tuple[int, str]], breaks: list[int], taken: set[int]) -> str | None:
    """The kind said in the nearest clause after or before `clause` (after first), not reaching
    past a clause with another number (`taken`)."""
    said: dict[int, str] = {}
    for at, kind in found:
        said.setdefault(bisect.bisect_right(breaks, at), kind)
    for distance in range(1, len(breaks) + 1):
        for c in (clause + distance, clause - distance):
            if c in said and not any(min(c, clause) < t < max(c, clause) or t == c for t in taken):
                return said[c]
    return None


def _counted(sentence: str, end: int, rules: TextRules) -> str | None:
    """The word a count counts: the word right after the number, unless the number carries a
    suffix of its own ("41'e") or a function word follows: a stopword, a pronoun ("the 12 who were
    rescued") or an auxiliary ("douze ont été secourus", "zwölf wurden gerettet"). A word joined to
    the number by a hyphen makes one compound with it, and is what the number measures: "a
    23-storey building", "23-этажного дома", "des 23-stöckigen Hauses" count storeys, not people."""
    if sentence[end:end + 1] in "'’":
        return None
    m = (_JOINED_WORD if sentence[end:end + 1] == "-" else _NEXT_WORD).match(sentence, end)
    if m is not None and rules.lower(m.group(1)) in rules.evidence.count_fillers:
        m = _NEXT_WORD.match(sentence, m.end())
    if m is None:
        return None
    word = m.group(1)
    low = rules.lower(word)
    if low in rules.rules.stopwords or low in rules.rules.pronouns or low in rules.evidence.auxiliaries or len(word) < 3:
        return None
    return word


_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+(?:-[^\W\d_]+)?)")
_JOINED_WORD = re.compile(r"-([^\W\d_]+(?:-[^\W\d_]+)?)")


# How far apart two values of one kind may be and still be two sources' figures for one fact
# (21 vs 19 crew, 12 vs 15 settlements, 2027 vs 2028, 12 vs 19 May) rather than two facts
# (400 engineers vs 2,400 workers, since 2022 vs since 2024, 3.6 million vs 6.9 million).
CLOSE_RATIO = 1.5      # counts, amounts, percentages: the larger at most 1.5 times the smaller
CLOSE_YEARS = 1
CLOSE_DAYS = 10


def close_values(kind: str, a: float, b: float) -> bool:
    if kind == "year":
        return abs(a - b) <= CLOSE_YEARS
    if kind == "date":
        day_a, day_b = (a // 100) * 31 + a % 100, (b // 100) * 31 + b % 100
        return abs(day_a - day_b) <= CLOSE_DAYS
    low, high = sorted((abs(a), abs(b)))
    return low > 0 and high / low <= CLOSE_RATIO


def _compound_thousands(numbers: list[Number], sentence: str, language: TextRules) -> list[Number]:
    """Join a thousand written as a word with the digits after it: "2 bin 400" -> 2400,
    "bin 200" -> 1200 (Turkish); other languages have no such word and pass unchanged."""
    word = language.rules.evidence.thousand_word
    if not word:
        return numbers
    out: list[Number] = []
    for n in numbers:
        gap = sentence[out[-1].end:n.start] if out else ""
        if (out and out[-1].text.lower().endswith(word) and gap.strip() == "" and len(gap) <= 2
                and n.text.isdigit() and n.value < 1000):
            last = out.pop()
            out.append(Number(last.value + n.value, sentence[last.start:n.end], last.start, n.end))
            continue
        bare = re.search(rf"(?<![\w\d]){word}\s+$", sentence[:n.start], re.IGNORECASE)
        if bare and n.text.isdigit() and n.value < 1000 and not (out and out[-1].end > bare.start()):
            out.append(Number(1000 + n.value, sentence[bare.start():n.end], bare.start(), n.end))
            continue
        out.append(n)
    return out


_YEAR = re.compile(r"(?<![\d.,:/-])(19\d{2}|20\d{2})(?![\d.,]?\d)")


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _relative_dates(sentence: str, rules: EvidencePatterns, published: datetime) -> list[Quantity]:
    """"on Wednesday", "в среду", "dün", "hier": the calendar date they name, counted back from the
    day the article was published (news tells what happened, so a weekday is the latest one on
    or before that day)."""
    out = []
    for m in _WORD.finditer(sentence):
        word = m.group().lower().replace("’", "'")
        if word not in rules.weekdays and word not in rules.relative_days:
            word = word.split("'", 1)[0]  # "Monday's", "Salı'dan" (but "aujourd'hui" whole)
        if word in rules.weekdays:
            back = (published.weekday() - rules.weekdays[word]) % 7
        elif word in rules.relative_days:
            back = -rules.relative_days[word]
        else:
            continue
        day = published.date() - timedelta(days=back)
        out.append(Quantity(float(day.month * 100 + day.day), m.group(), m.start(), m.end(), "date"))
    return out


def days_named(text: str, language: Language, published: str | None = None) -> frozenset[int]:
    """The calendar days a text names (month * 100 + day): its dates, and with `published` its
    weekdays and "yesterday" counted back from that day. A later report of an event names the
    day it happened ("the floods of 12 January", "14 Eylül Pazartesi günü meydana gelen deprem")."""
    rules = rules_for(language).evidence
    days = {month * 100 + day for day, month, _start, _end in _dates(text, rules)}
    when = parse_datetime(published)
    if when is not None:
        days |= {int(q.value) for q in _relative_dates(text, rules, when)}
    return frozenset(days)


def quantities(sentence: str, language: Language, published: str | None = None) -> tuple[Quantity, ...]:
    """The numbers of `sentence` with their kinds, plus its years and calendar dates; with the
    article's `published` date, weekdays and "yesterday" are read as dates too."""
    text_rules = rules_for(language)
    rules = text_rules.evidence
    numbers = [n for n in _compound_thousands(extract_numbers(sentence, text_rules), sentence, text_rules)
               if not rules.ordinal_after.match(sentence[n.end:n.end + 20])]  # "третьим фильмом": a rank
    fixed = [_fixed_kind(sentence, n.start, n.end, rules) for n in numbers]
    people = _people_kinds(sentence, [(n.start, n.end) for n, k in zip(numbers, fixed) if k is None], text_rules)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for n, kind in zip(numbers, fixed):
        if kind is None:
            kind = people.pop(0) or "count"
        what = _counted(sentence, n.end, text_rules) if kind == "count" else None
        thing = (_currency(sentence, n.start, n.end, rules) if kind == "money"
                 else _time_unit(sentence, n.end, rules) if kind == "duration" else None)
        found.append(Quantity(n.value, n.text, n.start, n.end, kind, what, thing, _is_age(sentence, n.start, n.end, rules)))
        taken.append((n.start, n.end))
    for day, month, start, end in _dates(sentence, rules):
        found.append(Quantity(float(month * 100 + day), sentence[start:end], start, end, "date"))
        taken.append((start, end))
    when = parse_datetime(published)
    if when is not None and not any(q.kind == "date" for q in found):
        found.extend(_relative_dates(sentence, rules, when))
    for m in _YEAR.finditer(sentence):
        if any(s <= m.start() < e for s, e in taken):
            continue
        found.append(Quantity(float(m.group(1)), m.group(1), m.start(), m.end(), "year"))
    return tuple(sorted(found, key=lambda q: q.start))


def negated(sentence: str, language: Language) -> bool:
    return bool(rules_for(language).evidence.negation.search(sentence))


def denies(sentence: str, language: Language) -> bool:
    return bool(rules_for(language).evidence.denial.search(sentence))


def is_media_speaker(speaker: str, language: Language) -> bool:
    """The speaker is a news outlet, not a source of its own: "the agency", "агентство", "ajans"."""
    return bool(rules_for(language).evidence.media_speaker.fullmatch(speaker.strip()))


def is_institution_speaker(speaker: str, language: Language) -> bool:
    """The speaker is an institution ("the ministry", "the statement", "МИД РФ", "Bakanlık")."""
    return bool(rules_for(language).evidence.institution_speaker.search(speaker))


def _name_keys(text: str, language: Language = None) -> frozenset[str]:
    return frozenset(name_keys(text, language))


def evidence(sentence: str, language: Language, published: str | None = None) -> ClaimEvidence:
    """Everything above about one claim; `published` (ISO 8601) dates its weekdays."""
    rules = rules_for(language)
    speaker = attribution(sentence, rules)
    found = quantities(sentence, rules, published)
    dates = frozenset().union(*(_name_keys(q.text) for q in found if q.kind == "date"))
    order = tuple(k for k in name_keys(sentence, rules) if k not in dates)
    return ClaimEvidence(found, frozenset(order), _name_keys(speaker, rules) if speaker else frozenset(),
                         negated(sentence, rules), denies(sentence, rules), order)
