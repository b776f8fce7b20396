"""Evidence about one claim beyond its vector: what its numbers count, its dates, the names it
mentions, who says it, and whether it denies.

Two claims whose vectors are close may still state different facts: "NATO asked Ankara" and
"Ankara asked NATO", "the Russian defence ministry did not comment" and "the Ukrainian navy did
not comment", "two ministers" and "1.5 billion m³". compare.py weighs this evidence with the
cosine in one calibrated pair model (crosscheck/data/claim_pairs.json).

- `quantities`: the numbers of `claims.extract_numbers`, each with a *kind* read from the words
  around it: `dead`, `injured`, `duration`, `percent`, `money`, `magnitude`, a measurement unit
  (`unit:mw`, `unit:m3`, ...), or plain `count`; and the years and calendar dates that
  `extract_numbers` leaves out (kinds `year` and `date`, a date's value being month * 100 +
  day). Numbers of different kinds never conflict: two ministers are not 1.5 billion m³, and
  deaths are not injuries.
- `names`: folded keys of the names in the claim (crosscheck/anchors.py), numbers left out.
- `negated`: the claim denies or negates ("did not", "не", "-madı", "nicht", "ne ... pas").
- `speaker`: name keys of who the claim is attributed to (claims.attribution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .anchors import extract_anchors
from .claims import attribution, extract_numbers
from .models import parse_datetime

__all__ = ["Quantity", "ClaimEvidence", "quantities", "negated", "denies", "evidence", "kinds_compatible", "close_values"]


@dataclass(frozen=True)
class Quantity:
    """A number of a claim, where it stands in the sentence, and what it counts."""

    value: float
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class ClaimEvidence:
    quantities: tuple[Quantity, ...]
    names: frozenset[str]
    speaker: frozenset[str]
    negated: bool
    denies: bool  # rejects a claim ("denied", "отвергли утверждения", "iddiaların doğru olmadığını")


# Words after (or, for magnitude and percent, before) a number that say what it counts.
# The kinds are language-independent; the words are each language's.
_WINDOW = 40  # characters read after a number for its kind: two or three words


@dataclass(frozen=True)
class _Rules:
    percent_before: re.Pattern[str]
    percent_after: re.Pattern[str]
    money_after: re.Pattern[str]
    magnitude_before: re.Pattern[str]
    magnitude_after: re.Pattern[str]
    units: dict[str, re.Pattern[str]]
    duration_after: re.Pattern[str]
    dead: re.Pattern[str]
    injured: re.Pattern[str]
    ordinal_after: re.Pattern[str]
    months: dict[str, int]
    negation: re.Pattern[str]
    denial: re.Pattern[str]
    weekdays: dict[str, int]       # word -> 0 (Monday) .. 6
    relative_days: dict[str, int]  # "yesterday" -> -1, "today" -> 0


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE) if pattern else re.compile(r"(?!)")


_NEVER = ""
_UNITS_COMMON = {"mw": r"\W{0,2}(?:mw|gw)\b", "m3": r"\W{0,2}m³|\W{0,2}m3\b", "km": r"\W{0,2}km\b",
                 "t": r"\W{0,2}t\b"}
_TABLES: dict[str, dict[str, object]] = {
    "en": dict(
        weekdays=dict(monday=0, tuesday=1, wednesday=2, thursday=3, friday=4, saturday=5, sunday=6),
        relative_days=dict(yesterday=-1, today=0),
        percent_before=_NEVER, percent_after=r"\s?(?:percent|per\s+cent|pct)\b",
        money_after=r"\s?(?:(?:million|billion|thousand)\s+)?(?:dollars|euros|rubles|roubles|lira|pounds)\b",
        magnitude_before=r"magnitude[\s-]*$", magnitude_after=r"\s?(?:-|\s)?magnitude\b",
        units={"mw": r"\s?(?:mw|gw|megawatts?|gigawatts?)\b", "m3": r"\s?(?:(?:million|billion)\s+)?(?:m³|m3|cubic\s+met(?:re|er)s?)",
               "km": r"\s?(?:km|kilomet(?:re|er)s?)\b", "t": r"\s?(?:(?:million|billion)\s+)?(?:tonnes|tons)\b"},
        duration_after=r"\s?(?:more\s+)?(?:hours?|days?|weeks?|months?|years?)\b(?!\s+(?:old|ago))",
        dead=r"\b(?:killed|dead|died|deaths?|fatalities|lives)\b", injured=r"\b(?:injured|wounded|hurt|injuries)\b",
        ordinal_after=r"(?!)",
        months=dict(january=1, february=2, march=3, april=4, may=5, june=6, july=7, august=8, september=9,
                    october=10, november=11, december=12, jan=1, feb=2, mar=3, apr=4, jun=6, jul=7, aug=8,
                    sep=9, sept=9, oct=10, nov=11, dec=12),
        negation=r"\b(?:not|no|none|never|nobody|nothing)\b|n['’]t\b",
        denial=r"\b(?:denied|denies|deny|denying|dismissed|rejected|refuted|disputed)\b|\b(?:was|were|is|are)\s+(?:false|untrue|baseless|groundless)\b"),
    "ru": dict(
        weekdays={"понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4,
                  "субботу": 5, "суббота": 5, "воскресенье": 6},
        relative_days={"вчера": -1, "сегодня": 0},
        percent_before=_NEVER, percent_after=r"\s?(?:процент\w*|проц\.)",
        money_after=r"\s?(?:(?:тыс\.?|млн\.?|млрд\.?|миллион\w*|миллиард\w*)\s+)?(?:долл\w*|евро|рубл\w*|лир\w*)",
        magnitude_before=r"магнитуд\w*\s*$", magnitude_after=r"\s?балл\w*",
        units={"mw": r"\s?(?:мвт|гвт|мегаватт\w*|гигаватт\w*)", "m3": r"\s?(?:(?:млн|млрд|миллион\w*|миллиард\w*)\.?\s+)?(?:куб\w*|м³|м3)",
               "km": r"\s?(?:км|километр\w*)", "t": r"\s?(?:(?:млн|млрд|тыс)\.?\s+)?тонн\w*"},
        duration_after=r"\s?(?:час\w*|сут\w*|дн\w*|день|недел\w*|месяц\w*|год\w*|лет)\b",
        dead=r"(?:погиб\w*|убит\w*|жертв\w*|смерт\w*|погибш\w*)", injured=r"(?:ранен\w*|пострадал\w*|пострадавш\w*)",
        ordinal_after=r"[\s-]*(?:й|я|е|го|м|ым|ой|ом)\b",
        months=dict(январ=1, феврал=2, март=3, апрел=4, ма=5, июн=6, июл=7, август=8, сентябр=9, октябр=10,
                    ноябр=11, декабр=12),
        negation=r"(?<![\w-])(?:не|нет|ни|никто|ничего|никак\w*)(?![\w-])",
        denial=r"(?<![\w-])(?:отрица\w*|опроверг\w*|отверг\w*|не\s+соответству\w*|ложн\w*|беспочвенн\w*)"),
    "tr": dict(
        weekdays={"pazartesi": 0, "salı": 1, "çarşamba": 2, "perşembe": 3, "cuma": 4, "cumartesi": 5, "pazar": 6},
        relative_days={"dün": -1, "bugün": 0},
        percent_before=r"(?:yüzde|%)\s*$", percent_after=_NEVER,
        money_after=r"\s?(?:(?:bin|milyon|milyar)\s+)?(?:dolar|avro|euro|lira|tl|ruble)\w*",
        magnitude_before=r"(?:büyüklüğünde)\s*$", magnitude_after=r"\s?büyüklüğünde",
        units={"mw": r"\s?(?:mw|gw|megavat\w*|gigavat\w*)", "m3": r"\s?(?:(?:milyon|milyar)\s+)?(?:metreküp\w*|m³|m3)",
               "km": r"\s?(?:km|kilometre\w*)", "t": r"\s?(?:(?:bin|milyon|milyar)\s+)?ton\b\w*"},
        duration_after=r"\s?(?:saat\w*|gün\w*|hafta\w*|ay\b\w*|yıl\w*|sene\w*)",
        dead=r"(?:öldü\w*|ölü\w*|hayatını\s+kaybet\w*|can\s+kayb\w*|şehit\w*)", injured=r"(?:yaral\w*)",
        ordinal_after=r"['’]?(?:inci|ıncı|uncu|üncü|nci|ncı|ncu|ncü)",
        months=dict(ocak=1, şubat=2, mart=3, nisan=4, mayıs=5, haziran=6, temmuz=7, ağustos=8, eylül=9, ekim=10,
                    kasım=11, aralık=12),
        negation=r"\b(?:değil\w*|yok|hayır)\b|\w+(?:ma|me)(?:dı|di|dığ\w*|diğ\w*|mış|miş|yacak|yecek|z)\b",
        denial=r"\b(?:yalanla\w*|reddet\w*|asılsız\w*)|gerçeği\s+yansıtma\w*|doğru\s+olmadığ\w*|iddiaları\w*\s+\w+\s+(?:yalanladı|reddetti)"),
    "de": dict(
        weekdays=dict(montag=0, dienstag=1, mittwoch=2, donnerstag=3, freitag=4, samstag=5, sonnabend=5, sonntag=6),
        relative_days=dict(gestern=-1, heute=0),
        percent_before=_NEVER, percent_after=r"\s?prozent\b",
        money_after=r"\s?(?:(?:mio|mrd|millionen|milliarden)\.?\s+)?(?:dollar|euro|rubel|lira)\b",
        magnitude_before=r"(?:stärke)\s*$", magnitude_after=_NEVER,
        units={"mw": r"\s?(?:mw|gw|megawatt|gigawatt)\b", "m3": r"\s?(?:(?:mio|mrd|millionen|milliarden)\.?\s+)?(?:kubikmeter|m³|m3)",
               "km": r"\s?(?:km|kilometer\w*)", "t": r"\s?(?:(?:mio|mrd)\.?\s+)?tonnen\b"},
        duration_after=r"\s?(?:stunden?|tagen?|wochen?|monaten?|jahren?|jahre)\b",
        dead=r"\b(?:getötet|tot\w*|starben|ums\s+leben)\b", injured=r"\b(?:verletzt\w*|verwundet\w*)\b",
        ordinal_after=r"\.(?=\s+[a-zäöü])",
        months=dict(januar=1, februar=2, märz=3, april=4, mai=5, juni=6, juli=7, august=8, september=9,
                    oktober=10, november=11, dezember=12),
        negation=r"\b(?:nicht|kein\w*|nie|niemals|niemand|nichts)\b",
        denial=r"\b(?:bestritt\w*|bestreit\w*|dementier\w*|zurückgewiesen|wies\s+\w+(?:\s+\w+)?\s+zurück|falsch|haltlos)\b"),
    "fr": dict(
        weekdays=dict(lundi=0, mardi=1, mercredi=2, jeudi=3, vendredi=4, samedi=5, dimanche=6),
        relative_days={"hier": -1, "aujourd'hui": 0},
        percent_before=_NEVER, percent_after=r"\s?(?:pour\s*cent|%)",
        money_after=r"\s?(?:(?:millions?|milliards?)\s+(?:de\s+)?)?(?:dollars|euros|roubles|livres)\b",
        magnitude_before=r"magnitude\s*$", magnitude_after=_NEVER,
        units={"mw": r"\s?(?:mw|gw|mégawatts?|gigawatts?)\b", "m3": r"\s?(?:(?:millions?|milliards?)\s+de\s+)?(?:mètres\s+cubes|m³|m3)",
               "km": r"\s?(?:km|kilomètres?)\b", "t": r"\s?(?:(?:millions?|milliards?)\s+de\s+)?tonnes\b"},
        duration_after=r"\s?(?:heures?|jours?|semaines?|mois|ans|années?)\b",
        dead=r"\b(?:morts?|tués?|décédés?|victimes)\b", injured=r"\b(?:blessés?)\b",
        ordinal_after=r"(?:e|er|ème|eme)\b",
        months=dict(janvier=1, février=2, mars=3, avril=4, mai=5, juin=6, juillet=7, août=8, septembre=9,
                    octobre=10, novembre=11, décembre=12),
        negation=r"\b(?:ne|n['’])\s*\w+(?:\s+\w+)?\s+(?:pas|jamais|plus|aucun\w*|personne|rien)\b",
        denial=r"\b(?:démenti\w*|dément\w*|nié\w*|nie|rejeté\w*|rejette\w*|contesté\w*|infondé\w*|faux|fausses?)\b"),
}


def _compile(table: dict[str, object]) -> _Rules:
    units = {**_UNITS_COMMON, **table.get("units", {})}  # type: ignore[dict-item]
    return _Rules(
        percent_before=_rx(str(table.get("percent_before", ""))), percent_after=_rx(str(table.get("percent_after", ""))),
        money_after=_rx(str(table.get("money_after", ""))), magnitude_before=_rx(str(table.get("magnitude_before", ""))),
        magnitude_after=_rx(str(table.get("magnitude_after", ""))),
        units={k: _rx(v) for k, v in units.items()}, duration_after=_rx(str(table.get("duration_after", ""))),
        dead=_rx(str(table.get("dead", ""))), injured=_rx(str(table.get("injured", ""))),
        ordinal_after=_rx(str(table.get("ordinal_after", ""))),
        months=dict(table.get("months", {})),  # type: ignore[call-overload]
        negation=_rx(str(table.get("negation", ""))), denial=_rx(str(table.get("denial", ""))),
        weekdays=dict(table.get("weekdays", {})),  # type: ignore[call-overload]
        relative_days=dict(table.get("relative_days", {})))  # type: ignore[call-overload]


_COMPILED = {code: _compile(t) for code, t in _TABLES.items()}
_GENERIC = _compile({})


def _rules(language: str | None) -> _Rules:
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return _COMPILED.get(code, _GENERIC)


_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:\.|-?(?:st|nd|rd|th))?\s+(?:of\s+)?([^\W\d_]{3,})", re.IGNORECASE)
_MONTH_DAY = re.compile(r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?!\d)", re.IGNORECASE)


def _month(word: str, rules: _Rules) -> int | None:
    w = word.lower()
    for stem, number in rules.months.items():
        if w.startswith(stem) and (len(w) - len(stem) <= 2 or len(stem) >= 5):
            return number
    return None


def _dates(sentence: str, rules: _Rules) -> list[tuple[int, int, int, int]]:
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


def kinds_compatible(a: str, b: str) -> bool:
    """Whether two kinds of number can state the same quantity: a plain count may be a death
    toll written without the word ("21 of them"); every other kind only matches itself."""
    return a == b or {a, b} <= {"count", "dead", "injured"} and "count" in (a, b)


def _kind(sentence: str, start: int, end: int, rules: _Rules) -> str:
    before = sentence[max(0, start - _WINDOW):start].lower()
    after = sentence[end:end + _WINDOW].lower()
    text = sentence[start:end]
    if "%" in text or rules.percent_before.search(before) or rules.percent_after.match(after):
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
    if rules.dead.search(after) or rules.dead.search(before[-20:]):
        return "dead"
    if rules.injured.search(after) or rules.injured.search(before[-20:]):
        return "injured"
    return "count"


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


_YEAR = re.compile(r"(?<![\d.,:/-])(19\d{2}|20\d{2})(?![\d.,]?\d)")


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _relative_dates(sentence: str, rules: _Rules, published: datetime) -> list[Quantity]:
    """"on Wednesday", "в среду", "dün", "hier": the calendar date they name, counted back from the
    day the article was published (news tells what happened, so a weekday is the latest one on
    or before that day)."""
    out = []
    for m in _WORD.finditer(sentence):
        word = m.group().lower()
        if word in rules.weekdays:
            back = (published.weekday() - rules.weekdays[word]) % 7
        elif word in rules.relative_days:
            back = -rules.relative_days[word]
        else:
            continue
        day = published.date() - timedelta(days=back)
        out.append(Quantity(float(day.month * 100 + day.day), m.group(), m.start(), m.end(), "date"))
    return out


def quantities(sentence: str, language: str | None, published: str | None = None) -> tuple[Quantity, ...]:
    """The numbers of `sentence` with their kinds, plus its years and calendar dates; with the
    article's `published` date, weekdays and "yesterday" are read as dates too."""
    rules = _rules(language)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for n in extract_numbers(sentence, language):
        if rules.ordinal_after.match(sentence[n.end:n.end + 20]):
            continue  # "третьим фильмом", "third": a rank, not an amount
        found.append(Quantity(n.value, n.text, n.start, n.end, _kind(sentence, n.start, n.end, rules)))
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


def negated(sentence: str, language: str | None) -> bool:
    return bool(_rules(language).negation.search(sentence))


def denies(sentence: str, language: str | None) -> bool:
    return bool(_rules(language).denial.search(sentence))


def _name_keys(text: str) -> frozenset[str]:
    return frozenset(k for k in extract_anchors("", " . " + text) if not k.startswith("#"))


def evidence(sentence: str, language: str | None, published: str | None = None) -> ClaimEvidence:
    """Everything above about one claim; `published` (ISO 8601) dates its weekdays."""
    speaker = attribution(sentence, language)
    found = quantities(sentence, language, published)
    dates = frozenset().union(*(_name_keys(q.text) for q in found if q.kind == "date"))
    return ClaimEvidence(found, _name_keys(sentence) - dates,
                         _name_keys(speaker) if speaker else frozenset(), negated(sentence, language),
                         denies(sentence, language))
