"""Claims: which sentences state something checkable, the numbers in them, and whom they cite.

Everything here is a pure function of one sentence (or one article text), written as
rules for Russian, Turkish and English news prose; nothing is learnt and nothing is
embedded (sentences are aligned across articles elsewhere).

- `extract_numbers` scans digit tokens with each language's separators (en "1,500.5",
  ru "1 500,5", tr "1.500,5"), adds a scale word after them (million, млрд, milyar, ...)
  and percent markers ("12%", "%12", "yüzde 12", "12 процентов"), and reads spelled-out
  cardinals 2-20 ("two weeks", "две недели", "iki hafta"). It drops what is not a
  quantity: full dates, times, a day next to a month name, years, ordinals and numbers
  inside names ("S-400", "Су-24", "G20", "COVID-19").
- `attribution` looks for a speech verb or a source phrase ("said", "according to",
  "заявил", "по словам", "göre", "... dedi") and takes the name phrase next to it
  from a small grammar: capitalised words, role nouns (senator, источник, kaynak),
  a few modifiers and a determiner. Quoted speech is masked first, so a verb inside
  a quotation is never taken for the attribution.
- `cited_outlets` finds known outlet names (case-, accent-, Russian-ending- and
  Turkish-suffix-tolerant) and keeps those standing next to a citation cue
  ("citing", "сообщает", "'ın haberine göre", ...).
- `is_claim` drops boilerplate (`BOILERPLATE`), questions, datelines alone and fragments.

Known limits, by design of rules over understanding:
- Precision over recall: `attribution` returns None for pronouns ("he said", "по его
  словам"), for long Turkish sentences whose subject is not first, and for phrasings its
  grammar does not know. Names come back as written: Russian and Turkish names keep their
  case ending ("по словам Клинцевича" -> "Клинцевича"), except that the Turkish dative
  before "göre" is undone ("Rus basınına göre" -> "Rus basını").
- A bare 1900-2100 number is read as a year unless a lowercase noun follows it with no
  year cue ("2000 человек" is a number, "the 2016 coup" and "в 2000 километрах" are read
  as years). "March 12 people" reads as a date.
- A single separator followed by three digits is ambiguous: en and unknown languages read
  "1,500" as 1500 and "1.500" as 1.5; tr reads "1.500" as 1500; ru reads "1.500" as 1500
  unless a scale word follows. "one", "один" and "bir" are never read as numbers (they
  are mostly articles and pronouns); vague amounts ("dozens", "десятки") are skipped.
- `cited_outlets` counts an outlet that an article names as its own source or as the
  recipient of an interview ("told Reuters"): the caller drops the article's own outlet.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BOILERPLATE",
    "ClaimInfo",
    "Number",
    "analyse",
    "attribution",
    "cited_outlets",
    "extract_numbers",
    "is_claim",
]


@dataclass(frozen=True)
class Number:
    """A quantity in a sentence: its value, and the text and offsets it was read from."""

    value: float
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ClaimInfo:
    """A checkable sentence with its source (if it names one) and its numbers."""

    text: str
    attributed_to: str | None
    numbers: tuple[Number, ...]


def _words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(text.split())


def _lang(language: str | None) -> str:
    """'en', 'ru' or 'tr'; '' for anything else (all rules apply)."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return code if code in ("en", "ru", "tr") else ""


def _tr_lower(text: str) -> str:
    """Lowercase with Turkish dotted/dotless i, keeping the length (offsets stay valid)."""
    lowered = text.replace("İ", "i").replace("I", "ı").lower()
    return lowered if len(lowered) == len(text) else text.lower()


# == numbers =================================================================================
_CURRENCY_SIGNS = "$€£₺₽"
_MONTHS_EN = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
              r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![^\W\d_])")
_MONTHS_RU = (r"(?i:январ[ьяею]|феврал[ьяею]|март[аеу]?|апрел[ьяею]|ма[йяею]|июн[ьяею]|июл[ьяею]|август[аеу]?"
              r"|сентябр[ьяею]|октябр[ьяею]|ноябр[ьяею]|декабр[ьяею]"
              r"|янв|фев|февр|мар|апр|авг|сен|сент|окт|ноя|нояб|дек)\.?(?![^\W\d_])")
_MONTHS_TR = r"(?i:ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık)(?![^\W\d_])"
_MONTH = f"(?:{_MONTHS_EN}|{_MONTHS_RU}|{_MONTHS_TR})"

_DAY_BEFORE_MONTH = re.compile(rf"(?:\s*[-–]\s*\d{{1,2}})?\s*(?:of\s+)?{_MONTH}")
_MONTH_BEFORE_DAY = re.compile(rf"{_MONTH}\s*(?:\d{{1,2}}\s*[-–]\s*)?\Z")

# Spans that are never quantities: full dates, clock times, year ranges.
_NOT_QUANTITIES = (
    re.compile(r"(?<![\d.,])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d])"),
    re.compile(r"(?<![\d.,])\d{4}-\d{1,2}-\d{1,2}(?!\d)"),
    re.compile(r"(?<![\d.,])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)"),
    re.compile(r"(?<![\d.,])(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?\s?(?:[ap]\.m\.|[ap]m\b)", re.IGNORECASE),
    re.compile(r"(?<![\d.,])(?:19|20)\d{2}\s?[-–—/]\s?(?:(?:19|20)\d{2}|\d{2})(?![\d.,]?\d)"),
)

# A digit token: Russian groups thousands with spaces, everyone may use no-break spaces.
_TOKEN_RU = re.compile(r"(?<!\d)(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)(?:,\d+)?|\d+(?:[.,]\d+)*)")
_TOKEN = re.compile(r"(?<!\d)(?:\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*)")

_SCALE_WORDS = (r"thousands?\b|millions?\b|billions?\b|trillions?\b|bn\b|mln\b"
                r"|тысяч[аиу]?\b|тыс\b\.?|миллион(?:а|ов)?\b|млн\b\.?|миллиард(?:а|ов)?\b|млрд\b\.?"
                r"|триллион(?:а|ов)?\b|трлн\b\.?|milyon\w*|milyar\w*|trilyon\w*")
_PERCENT_WORDS = r"%|percent\b|per\s+cent\b|процент(?:а|ов)?\b|проц\.|pct\b"
_AFTER = re.compile(rf"[ \u00a0\u202f]?(?:(?P<pct>{_PERCENT_WORDS})|(?P<scale>{_SCALE_WORDS}))", re.IGNORECASE)
_AFTER_TR = re.compile(rf"[ \u00a0\u202f]?(?:(?P<pct>{_PERCENT_WORDS})|(?P<scale>{_SCALE_WORDS}|bin\b))",
                       re.IGNORECASE)
_PERCENT_BEFORE = re.compile(r"(?:%[ \u00a0]?|(?i:yüzde)\s+)\Z")
_CURRENCY_BEFORE = re.compile(rf"(?:US)?[{_CURRENCY_SIGNS}][ \u00a0]?\Z")

_NAME_BEFORE = re.compile(r"(?:[^\W\d_][-‐–]?|[№#][ \u00a0]?|\bNo\.\s?)\Z")
_ORDINAL_AFTER = re.compile(
    r"(?:st|nd|rd|th)\b"
    r"|[-‐–](?:й|я|е|го|му|м|ю|х|ми|ый|ой|ий|ая|ое|ого|ому|ым|ых|ую|ые)(?![^\W\d_])"
    r"|['’](?:inci|ıncı|uncu|üncü|nci|ncı|ncu|ncü)",
    re.IGNORECASE,
)
_CODE_AFTER = re.compile(r"[A-ZА-ЯЁ]")  # "9M729", "5G"
_TR_ORDINAL_DOT = re.compile(r"\.\s+[^\W\d_]")  # Turkish "3. Ordu"

_TIME_CUE_BEFORE = re.compile(r"(?:\b(?:saat|at|from|until|till|в|с|до|к|после|около)|ч\.)\s*\Z", re.IGNORECASE)
_TIME_CUE_AFTER = re.compile(
    r"\A(?:['’]\w|\s*(?:local|GMT|UTC|CET|мск|MSK|по\s+(?:местному|московскому)|hrs\b|h\b|ч\b|час"
    r"|saat|sıralarında|itibarıyla|itibariyle))",
    re.IGNORECASE,
)

_YEAR_CUE_BEFORE = re.compile(
    rf"(?:\b(?:in|since|by|until|till|from|of|during|before|after|early|late|mid|the|this|that|its|their|his|her"
    rf"|last|next|summer|spring|autumn|fall|winter|в|во|с|со|до|к|от|по|после|перед|летом|зимой|весной|осенью"
    rf"|начале|конце|середине)|['’]s|{_MONTH})\s*\Z",
    re.IGNORECASE,
)
_YEAR_CUE_AFTER = re.compile(
    r"\A(?:\s*(?:г\.|гг\.|год\w*|yıl\w*|senesi\w*|tarih\w*)"
    r"|['’](?!\w+\s+(?:fazla|az|aşkın|çok|üzerinde)\b)[^\W\d_]+)",
    re.IGNORECASE,
)
_LOWERCASE_WORD_AFTER = re.compile(r"\A[ \u00a0]+[^\W\d_]")


def _valid_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _parse_number(token: str, lang: str, scale_follows: bool) -> float | None:
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
                grouped = lang in ("en", "")
            elif lang == "tr":
                grouped = True
            elif lang == "ru":
                grouped = not scale_follows
            else:
                grouped = False
        return float(whole + frac) if grouped else float(whole + "." + frac)
    return float(t)


def _scale_value(word: str) -> float:
    w = word.lower()
    if w.startswith(("thousand", "тыс", "bin")):
        return 1e3
    if w.startswith(("million", "mln", "млн", "миллион", "milyon")):
        return 1e6
    if w.startswith(("billion", "bn", "млрд", "миллиард", "milyar")):
        return 1e9
    return 1e12


def _is_year(sentence: str, start: int, end: int, value: float, marked: bool) -> bool:
    if marked or not 1900 <= value <= 2100:
        return False
    before, after = sentence[:start], sentence[end:]
    if _YEAR_CUE_BEFORE.search(before) or _YEAR_CUE_AFTER.match(after):
        return True
    return not _LOWERCASE_WORD_AFTER.match(after)


def _is_clock_time(token: str, before: str, after: str) -> bool:
    m = re.fullmatch(r"(\d{1,2})\.(\d{2})", token)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return False
    if len(m.group(1)) == 2 and m.group(1).startswith("0"):
        return True
    return bool(_TIME_CUE_BEFORE.search(before) or _TIME_CUE_AFTER.match(after))


def _extend(sentence: str, start: int, end: int, value: float, lang: str) -> tuple[float, int, int, bool]:
    """Widen a number over a currency sign, percent marker or scale word; (value, start, end, marked)."""
    marked = False
    after = (_AFTER_TR if lang in ("tr", "") else _AFTER).match(sentence, end)
    if after:
        if after.group("scale"):
            value *= _scale_value(after.group("scale"))
        end = after.end()
        marked = True
    before = sentence[:start]
    pct = _PERCENT_BEFORE.search(before)
    cur = _CURRENCY_BEFORE.search(before)
    if pct and not (after and after.group("pct")):
        start, marked = pct.start(), True
    elif cur:
        start, marked = cur.start(), True
        if not (after and after.group("scale")) and re.match(r"m\b", sentence[end:]):
            value, end = value * 1e6, end + 1  # "$5m"
    if sentence[end - 1:end] == "." and not sentence[end:].strip():
        end -= 1  # "5 млн." ending the sentence: the dot is the full stop
    return value, start, end, marked


def _digit_numbers(sentence: str, lang: str) -> list[Number]:
    blocked = [m.span() for pattern in _NOT_QUANTITIES for m in pattern.finditer(sentence)]
    found: list[Number] = []
    for m in (_TOKEN_RU if lang in ("ru", "") else _TOKEN).finditer(sentence):
        start, end, token = m.start(), m.end(), m.group()
        if lang == "" and re.search(r"[ \u00a0\u202f\u2009]", token) and not re.search(r"[а-яё]", sentence, re.IGNORECASE):
            # unknown language and not Cyrillic: a plain space is not a thousands separator
            m2 = _TOKEN.match(sentence, start)
            if not m2:
                continue
            end, token = m2.end(), m2.group()
        if any(s < end and start < e for s, e in blocked):
            continue
        before, after = sentence[:start], sentence[end:]
        if _NAME_BEFORE.search(before) or _ORDINAL_AFTER.match(after) or _CODE_AFTER.match(after):
            continue
        plain = token.isdigit()
        if plain and lang in ("tr", "") and _TR_ORDINAL_DOT.match(after):
            continue
        if plain and 1 <= int(token) <= 31 and (_DAY_BEFORE_MONTH.match(after) or _MONTH_BEFORE_DAY.search(before)):
            continue
        scale_follows = bool((_AFTER_TR if lang in ("tr", "") else _AFTER).match(after))
        if not scale_follows and _is_clock_time(token, before, after):
            continue
        value = _parse_number(token, lang, scale_follows)
        if value is None:
            continue
        value, s, e, marked = _extend(sentence, start, end, value, lang)
        if plain and len(token) == 4 and _is_year(sentence, start, end, value, marked):
            continue
        found.append(Number(value, sentence[s:e], s, e))
    return found


_EN_CARDINALS = {w: i for i, w in enumerate(
    ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
     "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"), start=2)}
_RU_CARDINALS: dict[str, int] = {}
for _value, _forms in {
    2: "два две двух двум двумя двое двоих двоим двоими",
    3: "три трёх трех трём трем тремя трое троих троим троими",
    4: "четыре четырёх четырех четырём четырем четырьмя четверо четверых",
    5: "пять пяти пятью пятеро пятерых",
    6: "шесть шести шестью шестеро шестерых",
    7: "семь семи семеро семерых",  # not "семью": also "family"
    8: "восемь восьми восемью восьмью",
    9: "девять девяти девятью",
}.items():
    _RU_CARDINALS.update(dict.fromkeys(_forms.split(), _value))
for _value, _stem in enumerate(("десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат",
                                "шестнадцат", "семнадцат", "восемнадцат", "девятнадцат", "двадцат"), start=10):
    _RU_CARDINALS.update({_stem + "ь": _value, _stem + "и": _value, _stem + "ью": _value})
_TR_UNITS = {"iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6, "yedi": 7, "sekiz": 8, "dokuz": 9}
_TR_CARDINALS = {**_TR_UNITS, "on": 10, "yirmi": 20, **{f"on {w}": 10 + v for w, v in _TR_UNITS.items()},
                 "on bir": 11}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_SPELLED_EN = re.compile(
    rf"(?<![\w\-‐–])(?:(?P<dozen>a\s+dozen)|(?P<w>{_alternation(_EN_CARDINALS)}))"
    r"(?![\w])(?![-‐–](?:one|two|three|four|five|six|seven|eight|nine|thirds?|quarters?|fifths?|halves|half)\b)",
    re.IGNORECASE,
)
_SPELLED_RU = re.compile(rf"(?<![\w\-])(?P<w>{_alternation(_RU_CARDINALS)})(?![\w\-])", re.IGNORECASE)
_SPELLED_TR = re.compile(rf"(?<![\w\-])(?P<w>{_alternation(_TR_CARDINALS)})(?![\w\-'’])", re.IGNORECASE)
_SPELLED_TR_NOT_ON = re.compile(rf"(?<![\w\-])(?P<w>{_alternation(k for k in _TR_CARDINALS if k != 'on')})"
                                r"(?![\w\-'’])", re.IGNORECASE)
_HUNDRED = re.compile(r"\s+(?:hundred|yüz)\b", re.IGNORECASE)
_DOZEN = re.compile(r"\s+dozen\b", re.IGNORECASE)


def _spelled_numbers(sentence: str, lang: str) -> list[Number]:
    patterns: list[tuple[re.Pattern[str], dict[str, int]]] = []
    if lang in ("en", ""):
        patterns.append((_SPELLED_EN, _EN_CARDINALS))
    if lang in ("ru", ""):
        patterns.append((_SPELLED_RU, _RU_CARDINALS))
    if lang == "tr":
        patterns.append((_SPELLED_TR, _TR_CARDINALS))
    elif lang == "":
        patterns.append((_SPELLED_TR_NOT_ON, _TR_CARDINALS))  # "on" is English too
    found: list[Number] = []
    for pattern, table in patterns:
        for m in pattern.finditer(sentence):
            if m.groupdict().get("dozen"):
                value = 12.0
            else:
                value = float(table[" ".join(_tr_lower(m.group("w")).split())])
            end = m.end()
            for multiplier, extra in ((100.0, _HUNDRED), (12.0, _DOZEN)):
                more = extra.match(sentence, end)
                if more:
                    value, end = value * multiplier, more.end()
            value, start, end, _ = _extend(sentence, m.start(), end, value, lang)
            found.append(Number(value, sentence[start:end], start, end))
    return found


def extract_numbers(sentence: str, language: str | None) -> list[Number]:
    """The quantities stated in `sentence`, in order; dates, times, years, ordinals and names skipped."""
    lang = _lang(language)
    numbers = sorted(_digit_numbers(sentence, lang) + _spelled_numbers(sentence, lang), key=lambda n: n.start)
    kept: list[Number] = []
    for n in numbers:
        if not kept or n.start >= kept[-1].end:
            kept.append(n)
    return kept


# == attribution =============================================================================
_TOKEN_RE = re.compile(
    r"\x00+"                                   # masked quotation
    r"|«[^«»]{1,60}»|„[^„“”]{1,60}[“”]|“[^“”]{1,60}”|\"[^\"]{1,60}\""  # short quoted names
    r"|(?:[^\W\d_]\.){2,}"                     # U.S.
    r"|[^\W\d_]\.(?=\s)"                       # initials: "Р. Т. Эрдоган"
    r"|\w[\w'’\-]*\w|\w|\S"
)
_QUOTE_PAIRS = (re.compile(r"«[^«»]*»"), re.compile(r"„[^„“”]*[“”]"), re.compile(r"“[^“”]*”"),
                re.compile(r"\"[^\"]*\""))

_PRONOUNS = _words(
    "he she they it we i you this that these those who which him them one "
    "он она они оно мы я вы это этом этого его её ее их кто который которая которые "
    "o bu şu biz siz onlar ben sen bunu bunun")
_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our"}
_ADVERBS = _words(
    "also has have had was were is are repeatedly previously earlier later reportedly further again then "
    "recently publicly separately already once would will has "
    "также ранее уже тоже вновь неоднократно впоследствии")
_CONNECTORS = {"of", "for", "and", "on", "de", "al", "и", "по", "ve"}
_SENTENCE_STARTERS = _words(
    "however but and also earlier later meanwhile separately yesterday today on in at as after before while "
    "when if many some others both all most several few there here so then thus still according "
    "однако но и также ранее позднее между тем кроме того при этом в на по как когда если многие некоторые все "
    "сегодня вчера тогда поэтому об о "
    "ayrıca ancak fakat ama öte yandan bu buna bununla diğer daha önce sonra yine bunun üzerine şu o ve ile de "
    "da ise hem habere göre son olarak anlaşmaya dün bugün")
_RU_RECIPIENTS = _words(
    "журналистам корреспонденту корреспондентам репортёрам репортерам изданию газете агентству телеканалу "
    "радиостанции нам мне ему ей им собравшимся прессе")
_TR_PARTICLES = {"da", "de", "ise", "ayrıca", "dahi"}

_ROLE = re.compile(
    r"(?:officials?|sources?|spokes(?:man|woman|person)|ministers?|ministry|ministries|senators?|lawmakers?"
    r"|legislators?|experts?|analysts?|diplomats?|government|military|army|police|agency|newspaper|daily"
    r"|broadcaster|commanders?|president|envoy|ambassador|observatory|monitor|witness(?:es)?|residents?"
    r"|activists?|officers?|staff|embassy|office|council|committee|authorities|leaders?|chief|adviser|advisor"
    r"|aides?|representatives?|correspondents?|journalists?|parliament|deputy|governor|mayor|general|admiral"
    r"|rebels?|groups?|militia|alliance|forces|secretary|kremlin|pentagon"
    r"|источник\w*|сенатор\w*|министр\w*|министерств\w*|ведомств\w*|эксперт\w*|аналитик\w*|представител\w*"
    r"|пресс-секретар\w*|пресс-служб\w*|газет\w*|агентств\w*|информагентств\w*|издани\w*|собеседник\w*"
    r"|дипломат(?:ы|ов|ам|ами|ах|а|у|ом|е)?|военны[еймх]\w*|генштаб\w*|командовани\w*|посол\w*|посольств\w*|президент\w*|премьер\w*"
    r"|депутат\w*|спикер\w*|директор\w*|зампред\w*|заместител\w*|председател\w*|глав[аеуыо]\w*|полици\w*"
    r"|сотрудник\w*|чиновник\w*|руководител\w*|журналист\w*|корреспондент\w*|сми|кремл\w*|правительств\w*"
    r"|администраци\w*|штаб\w*|наблюдател\w*|политолог\w*|специалист\w*|власт[иья]\w*|минобороны|мид"
    r"|kaynak\w*|yetkili\w*|uzman\w*|bakan\w*|sözcü\w*|senatör\w*|ajans\w*|gazete\w*|basın\w*|muhabir\w*"
    r"|diplomat\w*|analist\w*|komutan\w*|temsilci\w*|milletvekil\w*|büyükelçi\w*|başkan\w*|müdür\w*|hükümet\w*"
    r"|genelkurmay\w*|polis\w*|valilik\w*)")
_MODIFIER = re.compile(
    r"(?:senior|top|former|deputy|chief|foreign|defen[cs]e|energy|interior|economy|finance|military|security"
    r"|presidential|government|state|local|anonymous|unnamed|informed|diplomatic|official|intelligence"
    r"|western|regional|opposition|rebel|ruling|federal|national|naval|industry|health|rights|human|turkish"
    r"|russian|american|syrian|kurdish"
    r"|российск\w*|турецк\w*|американск\w*|сирийск\w*|военн\w*|дипломатическ\w*|официальн\w*|высокопоставлен\w*"
    r"|информированн\w*|осведомл[её]нн\w*|анонимн\w*|государственн\w*|иностранн\w*|местн\w*|правительственн\w*"
    r"|перв\w*|бывш\w*|нынешн\w*|западн\w*|европейск\w*|курдск\w*"
    r"|güvenlik|askeri|diplomatik|resmi|üst|düzey\w*|haber|savunma|istihbarat|yerel|rus|türk|amerikan|batılı"
    r"|dışişleri|sınır|denizcilik)")

_EN_VERBS = _words(
    "said says say told tells stated added adds noted explained stressed emphasised emphasized warned warns "
    "claimed reported announced confirmed confirms insisted insists argued argues wrote writes declared denied "
    "alleged alleges underlined revealed acknowledged admitted asserted maintained")
_EN_NO_INVERSION = {"told", "tells"}  # "told X": X is the listener
_RU_VERBS = _words(
    "заявил заявила заявили заявило заявляет заявляют сказал сказала сказали сообщил сообщила сообщили сообщило "
    "сообщает сообщают отметил отметила отметили отметило отмечает отмечают подчеркнул подчеркнула подчеркнули "
    "подчёркивает подчеркивает добавил добавила добавили пояснил пояснила пояснили рассказал рассказала "
    "рассказали передаёт передает передают пишет пишут уточнил уточнила уточнили признал признала признали "
    "подтвердил подтвердила подтвердили подтвердило утверждает утверждают заверил заверила заверили "
    "предупредил предупредила предупредили приводит объявил объявила объявили объявило")
_TR_VERB_END = re.compile(
    r"(?:dedi|söyledi|belirtti|ifade etti|kaydetti|açıkladı|vurguladı|bildirdi|dile getirdi|aktardı|iddia etti"
    r"|öne sürdü|ileri sürdü|doğruladı|duyurdu|yazdı|savundu|uyardı|anlattı|ekledi|değerlendirdi|konuştu"
    r"|belirtiyor|söylüyor|ifade ediyor|kaydediyor|vurguluyor|açıklıyor|bildiriyor|aktarıyor|iddia ediyor"
    r"|öne sürüyor|savunuyor)[\W\x00]*\Z")
_TR_STATEMENT = re.compile(r"^(?:açıklamasında|açıklamada|açıklamalarında)$")
_TR_REPORT_NOUN = re.compile(
    r"^(?:haber|bildirdiğ|aktardığ|yazdığ|açıklama|veri|iddia|ifade|rapor|bilgi|değerlendirme|tahmin)\w*$")
_APOSTROPHE = re.compile(r"['’]")


@dataclass
class _Tok:
    text: str
    start: int
    kind: str  # CAP ROLE MOD QNAME DET PRON ADV CONN COMMA PAREN DASH QUOTE SFX OTHER PUNCT


def _mask_quotations(sentence: str) -> str:
    """Replace quoted speech (not short quoted names) by NUL characters of the same length."""
    chars = list(sentence)

    def mask(a: int, b: int) -> None:
        chars[a:b] = ["\x00"] * (b - a)

    for pattern in _QUOTE_PAIRS:
        for m in pattern.finditer(sentence):
            inner = m.group()[1:-1]
            if len(inner.split()) > 4 or re.search(r"[,.!?;:…]", inner):
                mask(m.start(), m.end())
    text = "".join(chars)
    # a quotation opened in the sentence before, or going on into the next one
    for close, opener in (("»", "«"), ("”", "“")):
        c, o = text.find(close), text.find(opener)
        if c >= 0 and (o < 0 or c < o) and len(text[:c].split()) > 2:
            mask(0, c + 1)
            text = "".join(chars)
        o, c = text.rfind(opener), text.rfind(close)
        if o >= 0 and c < o and len(text[o:].split()) > 2:
            mask(o, len(text))
            text = "".join(chars)
    return text


def _kind(token: str, lang: str, initial: bool) -> str:
    if token.startswith("\x00"):
        return "QUOTE"
    if token[0] in "«„“\"":
        return "QNAME"
    if token == ",":
        return "COMMA"
    if token in "()[]":
        return "PAREN"
    if token in "-–—":
        return "DASH"
    if not token[0].isalnum():
        return "PUNCT"
    low = _tr_lower(token) if lang in ("tr", "") else token.lower()
    if low in _PRONOUNS:
        return "PRON"
    if lang in ("tr", "") and _APOSTROPHE.search(token) and not re.search(r"['’]s$", token):
        return "SFX"
    if low in _DETERMINERS:
        return "DET"
    if token[0].isupper():
        if initial and low in _SENTENCE_STARTERS:
            return "OTHER"
        return "ROLE" if _ROLE.fullmatch(low) else "CAP"
    if low in _ADVERBS:
        return "ADV"
    if _ROLE.fullmatch(low):
        return "ROLE"
    if _MODIFIER.fullmatch(low):
        return "MOD"
    if low in _CONNECTORS:
        return "CONN"
    return "OTHER"


def _tokens(masked: str, lang: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(masked):
        toks.append(_Tok(m.group(), m.start(), _kind(m.group(), lang, not toks)))
    return toks


def _phrase(toks: list[_Tok], sentence: str) -> str | None:
    """The name phrase `toks` spell, if it is one: headed by a name or role, no pronoun; long ones cut to
    their last three capitalised words."""
    while toks and toks[0].kind == "CONN":
        toks = toks[1:]
    core = [t for t in toks if t.kind != "DET"]
    if not core or core[-1].kind not in ("CAP", "ROLE", "QNAME") or any(t.kind == "PRON" for t in toks):
        return None
    if len(toks) > 8:
        tail: list[_Tok] = []
        for t in reversed(toks):
            if t.kind != "CAP" or len(tail) == 3:
                break
            tail.insert(0, t)
        if not tail:
            return None
        toks = tail
    text = sentence[toks[0].start:toks[-1].start + len(toks[-1].text)]
    if len(toks) == 1 and toks[0].kind == "QNAME":
        text = text[1:-1]
    return text.strip() or None


def _collect(toks: list[_Tok], i: int, step: int) -> tuple[int, int]:
    """From index i, walk in direction `step` over name-phrase tokens; return the (first, last) index walked."""
    j = i
    while 0 <= j < len(toks):
        k = toks[j].kind
        if k in ("CAP", "ROLE", "MOD", "QNAME"):
            j += step
            continue
        if (k == "CONN" and 0 <= j - step < len(toks) and 0 <= j + step < len(toks)
                and toks[j - step].kind == "CAP" and toks[j + step].kind in ("CAP", "ROLE")):
            j += step
            continue
        break
    return (j + 1, i) if step < 0 else (i, j - 1)


_RU_WEEKDAYS = {"понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"}


def _skip_adverbials(toks: list[_Tok], j: int) -> int:
    """Step back over adverbs and, in Russian, "в беседе с газетой", "в интервью ТАСС", "в понедельник"."""
    while j >= 0:
        words = [t.text.lower() for t in toks[max(0, j - 3):j + 1]]
        if toks[j].kind == "ADV":
            j -= 1
        elif len(words) == 4 and words[0] == "в" and words[1] in ("беседе", "разговоре") and words[2] == "с":
            j -= 4
        elif len(words) >= 3 and words[-3] == "в" and words[-2] == "интервью":
            j -= 3
        elif len(words) >= 2 and words[-2] in ("в", "во") and words[-1] in _RU_WEEKDAYS:
            j -= 2
        else:
            break
    return j


def _backward(toks: list[_Tok], i: int, sentence: str) -> str | None:
    j = _skip_adverbials(toks, i - 1)
    comma = j >= 0 and toks[j].kind == "COMMA"
    if comma:
        j -= 1
    first, last = _collect(toks, j, -1)
    if first > last:
        return None
    if first > 0 and toks[first - 1].kind == "DET":
        first -= 1
    elif comma and first > 0 and toks[first - 1].kind not in ("COMMA", "PAREN"):
        return None  # "... in Syria, reported AMN": "Syria" is not the speaker
    if comma and first > 0 and toks[first - 1].kind == "COMMA":
        # "Vladimir Avatkov, Director of ..., Public Diplomacy, said": the subject opens the sentence
        _, opening = _collect(toks, 0, 1)
        if 0 <= opening < first - 1 and toks[opening + 1].kind == "COMMA":
            subject = _phrase(toks[:opening + 1], sentence)
            if subject:
                return subject
    return _phrase(toks[first:last + 1], sentence)


_EN_AFTER_INVERTED = {"on", "in", "at", "during", "after", "earlier", "late", "later", "adding", "citing",
                      "quoting", "according", "told", "who", "as", "and"}


def _forward(toks: list[_Tok], i: int, sentence: str, lang: str, *, inverted: bool = False,
             skip_preposition: bool = False) -> str | None:
    j = i + 1
    while j < len(toks) and (toks[j].kind == "ADV" or toks[j].text.lower() in _RU_RECIPIENTS):
        j += 1
    if skip_preposition and j < len(toks) and toks[j].text.lower() in ("в", "во", "на"):
        j += 1
    det = j < len(toks) and toks[j].kind == "DET"
    first, last = _collect(toks, j + 1 if det else j, 1)
    if first > last:
        return None
    if lang == "ru" and toks[first].kind == "QNAME" and first < last:
        first += 1  # «Коммерсанту» источник: the quoted name is the listener
    if inverted:
        nxt = toks[last + 1] if last + 1 < len(toks) else None
        if nxt is not None and nxt.kind not in ("COMMA", "PAREN", "DASH", "PUNCT", "QUOTE") \
                and nxt.text.lower() not in _EN_AFTER_INVERTED:
            return None  # "said Turkey quietly joined": Turkey is what was said, not who
    return _phrase(toks[j if det else first:last + 1], sentence)


def _tr_drop_dative(word: str) -> str:
    if re.search(r"[ıiuü]n[ae]$", word):
        return word[:-2]
    if re.search(r"[aeıioöuü]y[ae]$", word):
        return word[:-2]
    if re.search(r"[ae]$", word):
        return word[:-1]
    return word


def _tr_owner(toks: list[_Tok], j: int, sentence: str) -> str | None:
    """The name ending at toks[j] when it is a genitive ("TASS'ın") or a bare name ("TSK verileri")."""
    if j < 0:
        return None
    tok = toks[j]
    if tok.kind == "SFX" and tok.text[0].isupper():
        base = _APOSTROPHE.split(tok.text)[0]
        first, _ = _collect(toks, j - 1, -1)
        names = [t for t in toks[first:j] if t.kind == "CAP"]
        names = names[-3:] if len(names) == len(toks[first:j]) else []
        prefix = sentence[names[0].start:tok.start] if names else ""
        return (prefix + base).strip() or None
    if tok.kind == "CAP":
        first, last = _collect(toks, j, -1)
        return _phrase([t for t in toks[first:last + 1] if t.kind == "CAP"][-3:], sentence)
    return None


def _tr_gore(toks: list[_Tok], g: int, sentence: str) -> str | None:
    """'TASS'ın haberine göre' -> TASS; 'Rus basınına göre' -> Rus basını; 'Habere göre' -> None."""
    if g == 0:
        return None
    w = toks[g - 1]
    if w.kind == "SFX" and w.text[0].isupper():
        return _tr_owner(toks, g - 1, sentence)
    low = _tr_lower(w.text)
    if _TR_REPORT_NOUN.match(low):
        return _tr_owner(toks, g - 2, sentence)
    if _ROLE.fullmatch(low):
        first, _ = _collect(toks, g - 2, -1)
        mods = [t for t in toks[first:g - 1] if t.kind in ("CAP", "MOD")][-3:]
        start = mods[0].start if mods else w.start
        return sentence[start:w.start] + _tr_drop_dative(w.text)
    return None


def _tr_subject(toks: list[_Tok], sentence: str) -> str | None:
    """The subject opening a Turkish sentence: 'Klintsevich, "..." dedi.' -> Klintsevich."""
    j = 0
    while j < len(toks) and (toks[j].kind in ("CAP", "ROLE", "MOD")
                             or (toks[j].kind == "CONN" and j > 0 and toks[j - 1].kind == "CAP")):
        j += 1
    phrase = toks[:j]
    while phrase and phrase[-1].kind == "CONN":
        phrase.pop()
    if not phrase:
        return None
    stop = toks[j] if j < len(toks) else None
    roles = sum(t.kind == "ROLE" for t in phrase)
    caps = sum(t.kind == "CAP" for t in phrase)
    if stop is not None and stop.kind == "COMMA" or stop is not None and _tr_lower(stop.text) in _TR_PARTICLES:
        if not roles and caps == 1 and _tr_lower(phrase[0].text) in _SENTENCE_STARTERS:
            return None
    elif not (roles or caps >= 2):
        return None
    if len(phrase) > 4:
        tail = [t for t in phrase[-2:] if t.kind == "CAP"]
        if len(tail) != 2:
            return None
        phrase = tail
    return _phrase(phrase, sentence)


def _candidates_en(toks: list[_Tok], sentence: str) -> list[tuple[int, str | None]]:
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = t.text.lower()
        according_to = low == "to" and i > 0 and toks[i - 1].text.lower() == "according"
        if according_to or low in ("citing", "quoting"):
            out.append((t.start, _forward(toks, i, sentence, "en")))
        elif low in _EN_VERBS and t.kind not in ("CAP", "ROLE"):
            who = _backward(toks, i, sentence)
            prev = toks[i - 1].kind if i > 0 else ""
            if who is None and low not in _EN_NO_INVERSION and prev in ("COMMA", "QUOTE", "DASH"):
                who = _forward(toks, i, sentence, "en", inverted=True)
            out.append((t.start, who))
    return out


def _candidates_ru(toks: list[_Tok], sentence: str) -> list[tuple[int, str | None]]:
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = t.text.lower()
        prev = toks[i - 1].text.lower() if i > 0 else ""
        source_phrase = (prev == "по" and low in ("словам", "данным", "информации", "сообщению", "мнению", "оценкам")
                         or (prev, low) in (("ссылкой", "на"), ("ссылаясь", "на"), ("со", "слов")))
        if source_phrase:
            out.append((t.start, _forward(toks, i, sentence, "ru")))
        elif low in _RU_VERBS:
            who = _backward(toks, i, sentence)
            if who is None:
                who = _forward(toks, i, sentence, "ru", skip_preposition=low.endswith("ли"))
            out.append((t.start, who))
    return out


def _candidates_tr(toks: list[_Tok], masked: str, sentence: str) -> list[tuple[int, str | None]]:
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = _tr_lower(t.text)
        if low == "göre":
            out.append((t.start, _tr_gore(toks, i, sentence)))
        elif _TR_STATEMENT.match(low):
            j = i - 1
            while j >= 0 and _tr_lower(toks[j].text) in ("yaptığı", "yazılı", "bir"):
                j -= 1
            if j >= 0 and toks[j].kind == "SFX":
                out.append((t.start, _tr_owner(toks, j, sentence)))
            else:
                out.append((0, _tr_subject(toks, sentence)))
    if _TR_VERB_END.search(masked):
        out.append((0, _tr_subject(toks, sentence)))
    return out


def attribution(sentence: str, language: str | None) -> str | None:
    """Who `sentence` says it comes from ("Klintsevich", "the senator", "ТАСС", "Rus basını"), or None."""
    lang = _lang(language)
    masked = _mask_quotations(sentence)
    toks = _tokens(masked, lang)
    candidates: list[tuple[int, str | None]] = []
    if lang in ("en", ""):
        candidates += _candidates_en(toks, sentence)
    if lang in ("ru", ""):
        candidates += _candidates_ru(toks, sentence)
    if lang in ("tr", ""):
        candidates += _candidates_tr(toks, masked, sentence)
    for _, who in sorted(candidates, key=lambda c: c[0]):
        if who:
            return who.strip(" ,.;:")
    return None


# == cited outlets ===========================================================================
_FOLD = str.maketrans({"ı": "i", "ё": "е", "’": "'", "ʼ": "'", "‘": "'", "`": "'", "\u00a0": " "})
_RU_ENDINGS = ("иями|иям|иях|ями|ами|ого|ему|ому|ий|ия|ии|ию|ям|ях|ам|ах|ом|ем|ой|ей|ью|ые|ых|ым"
               "|а|я|у|ю|е|о|ы|и|ь|ъ")


_FOLDED_CHARS: dict[str, str] = {}  # each character's folded form, filled as characters are met


def _fold_char(ch: str) -> str:
    low = ch.casefold().translate(_FOLD)
    if "\u0400" <= ch <= "\u04ff":
        return low
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


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
def _name_regex(name: str) -> tuple[str, re.Pattern[str]] | None:
    """The pattern of an outlet name in folded text, and a piece of it any match contains
    (a cheap substring test skips the names a text does not mention)."""
    words = _fold(name)[0].split()
    if not words:
        return None
    parts = [re.escape(w) for w in words]
    last = words[-1]
    if re.fullmatch(r"[а-яё]+", last):
        stem = re.sub(r"[аяоеиыйьъ]{1,2}$", "", last) if len(last) > 4 else last
        parts[-1] = f"{re.escape(stem)}(?:{_RU_ENDINGS})?"
        words[-1] = stem
    return words[0], re.compile(r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?!\w)")


_Q_OPEN = r"[«\"“„]?"
_CUE_BEFORE = {
    "en": re.compile(
        r"(?i:(?<!\w)(?:citing|according\s+to|quoting|cited\s+by|reported\s+by|quoted\s+by|told|via|speaking\s+to"
        r"|(?:in\s+)?(?:an\s+)?interview\s+(?:with|to))|,\s*(?:reported|reports|said|says|wrote|writes))\s+"
        r"(?:(?:(?i:the|a|an)|[A-Z][\w-]*['’]s|Russian|Turkish|state|state-run|state-owned|pro-Kremlin|pro-government"
        rf"|news|newswire|wire|agency|newspaper|daily|broadcaster|outlet|website|channel|TV|television|radio"
        rf"|service|media|paper|tabloid|magazine|weekly|official)\s+){{0,4}}{_Q_OPEN}\Z"),
    "ru": re.compile(
        r"(?<!\w)(?:ссылаясь\s+на|со\s+ссылкой\s+на|по\s+данным|по\s+информации|по\s+сообщению|по\s+словам"
        r"|со\s+слов|сообщает|сообщают|сообщило|сообщила|сообщили|сообщил|передаёт|передает|передают|пишет"
        r"|пишут|заявила|заявили|заявил|рассказала|рассказали|рассказал|сказала|сказали|сказал|в\s+интервью"
        r"|в\s+беседе\s+с|цитирует|приводит|информирует|отмечает|отмечают|уточняет|уточняют|утверждает"
        r"|утверждают)\s+"
        r"(?:(?:газет\w*|агентств\w*|информагентств\w*|издани\w*|телеканал\w*|портал\w*|сайт\w*|журнал\w*"
        r"|радиостанци\w*|российск\w*|турецк\w*|государственн\w*|в\s+понедельник|во\s+вторник|в\s+среду"
        rf"|в\s+четверг|в\s+пятницу|в\s+субботу|в\s+воскресенье|вечером|утром|ранее|также)\s+){{0,3}}{_Q_OPEN}\Z",
        re.IGNORECASE),
    "tr": re.compile(r"(?!)"),
}
_REPORT_TR = r"(?:haberine|bildirdiğine|aktardığına|yazdığına|açıklamasına|duyurduğuna|iddiasına|verilerine|raporuna)"
_CUE_AFTER = {
    "en": re.compile(
        r"\A(?:['’]s?)?(?:\s+(?:news\s+agency|agency|newspaper|daily|broadcaster|website|channel|TV|television"
        r"|wire\s+service|news\s+service|paper))?(?:\s+(?:also|earlier|later|previously|first|has|have|had"
        r"|on\s+\w+day))*\s+(?:reported|reports|quoted|cited|wrote|writes|said|says|claimed|revealed|published"
        r"|quotes|cites|carried)\b"
        r"|\A['’]s\s+(?:report|reporting|story|article)\b"),
    "ru": re.compile(
        r"\A[»\"”]?(?:\s+(?:также|ранее|уже))?\s+(?:сообщает|сообщают|сообщило|сообщила|сообщил|пишет|пишут"
        r"|передаёт|передает|передают|заявляет|заявило|информирует|отмечает|отмечают|утверждает|утверждают"
        r"|цитирует|приводит)\b",
        re.IGNORECASE),
    "tr": re.compile(
        r"\A(?:\s+(?:haber\s+)?(?:ajansı|gazetesi|televizyonu|kanalı|sitesi)(?:n[ıi]n)?)?(?:['’]\w+)?"
        rf"\s+{_REPORT_TR}\s+göre\b"
        r"|\A(?:['’](?:y?[ae]|n[ae])|\s+(?:haber\s+)?(?:ajansına|gazetesine|televizyonuna|kanalına))"
        r"\s+(?:göre|dayandırdı|dayandırarak|dayanarak|atfen|atıfta|konuştu|açıklama\s+yaptı"
        r"|yaptığı\s+açıklamada|verdiği\s+demeçte|verdiği\s+röportajda|demeç\s+verdi)\b"
        r"|\A(?:['’]\w+)?\s+(?:haberinde|sitesinde|yayınında|internet\s+sitesinde)\b",
        re.IGNORECASE),
}
_HEADLINE_BEFORE = re.compile(r"(?:\A|\n)\s*[«\"“]?\Z")
# a wire dateline: "MOSCOW, Sept 12 (Reuters) -", "МОСКВА, 12 сентября. /ТАСС/."
_DATELINE_BEFORE = re.compile(r"(?:\A|\n)\s*[A-ZА-ЯЁÇĞİÖŞÜ]{2,}[^\n()/]{0,30}[(/]\Z")
_DATELINE_AFTER = re.compile(r"\A[)/]\s*[.,]?\s*[-–—]?")
_HEADLINE_AFTER = re.compile(r"\A[»\"”]?\s*:\s")
_TR_REPORT_VERB_END = re.compile(
    r"(?:bildirdi|duyurdu|aktardı|yazdı|haberini verdi|haberine yer verdi|iddia etti|öne sürdü|ileri sürdü)"
    r"\W*\Z", re.IGNORECASE)


def _tr_reports_sentence(text: str, start: int, end: int) -> bool:
    """'Rus haber ajansı TASS, ... bildirdi.': the outlet opens a sentence that ends in a reporting verb."""
    sent_start = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    if len(text[sent_start:start].split()) > 3 or text[end:end + 1] != ",":
        return False
    stop = re.search(r"[.!?](?:\s|\Z)", text[end:])
    sentence_end = end + stop.end() if stop else len(text)
    return bool(_TR_REPORT_VERB_END.search(text[end:sentence_end]))


def cited_outlets(text: str, outlet_names: Iterable[str], language: str | None) -> list[str]:
    """Names from `outlet_names` that `text` cites as the source of its report, in order of first citation.

    Order is the order of appearance in the text ("reported AMN, citing TASS" -> ["AMN", "TASS"]); when
    two names overlap ("RIA" inside "RIA Novosti") the longer one counts.
    """
    lang = _lang(language)
    langs = (lang,) if lang else ("en", "ru", "tr")
    folded, index = _fold(text)
    mentions: list[tuple[int, int, str]] = []
    for name in dict.fromkeys(n for n in outlet_names if n and n.strip()):
        compiled = _name_regex(name)
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
        if (any(_CUE_BEFORE[c].search(before) or _CUE_AFTER[c].match(after) for c in langs)
                or (_HEADLINE_BEFORE.search(text, max(0, start - 5), start) and _HEADLINE_AFTER.match(after))
                or (_DATELINE_BEFORE.search(text, max(0, start - 60), start) and _DATELINE_AFTER.match(after))
                or ("tr" in langs and _tr_reports_sentence(text, start, end))):
            cited.append(name)
    return cited


# == claims ==================================================================================
BOILERPLATE: tuple[re.Pattern[str], ...] = (
    # bylines
    re.compile(r"^By\s+(?:[A-Z][\w.'’-]*(?:\s+|,\s*|\s+and\s+|\s*&\s*)?){1,6}$"),
    re.compile(r"^\(?(?:Reporting|Writing|Editing|Additional\s+reporting|Compiled)\s+by\b", re.IGNORECASE),
    re.compile(r"^(?:Автор|Авторы|Текст|Редактор|Корреспондент|Muhabir|Yazar|Editör|Haber\s+Merkezi|Author"
               r"|Editor)\s*:", re.IGNORECASE),
    # photo and video credits
    re.compile(r"^\(?(?:Фото|Фотография|Видео|Источник\s+фото|Fotoğraf|Foto|Video|Photo|Photograph|Picture|Image"
               r"|Credit|Graphic)s?\b\s*(?::|by\b|/)", re.IGNORECASE),
    # subscribe, follow, read more, share
    re.compile(r"^(?:Subscribe|Sign\s+up|Follow\s+(?:us|our|\w+\s+on)\b|Read\s+(?:more|also|the\s+full)"
               r"|See\s+also|Related\s*:|Share\s+(?:this|on)\b|Share\s*:?$|Click\s+here|Download\s+(?:our|the)"
               r"|Подписывайтесь|Подпишитесь|Читайте\s+(?:также|нас)|Смотрите\s+также|Поделиться|Следите\s+за"
               r"|Ayrıca\s+okuyun|İlgili\s+[Hh]aber|Abone\s+ol|Bizi\s+takip|Paylaş|Tıklayın|Haberin\s+devamı)",
               re.IGNORECASE),
    re.compile(r"(?:takip\s+edin|abone\s+olun?)\W*$", re.IGNORECASE),
    # copyright
    re.compile(r"^(?:©|\(c\)|Copyright\b)|All\s+rights\s+reserved|Все\s+права\s+защищены|Tüm\s+hakları\s+saklıdır"
               r"|Her\s+hakkı\s+saklıdır", re.IGNORECASE),
    # only a URL, only hashtags
    re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE),
    re.compile(r"^(?:#[\w-]+[\s,]*)+$"),
)

_UPPER = "A-ZА-ЯЁÇĞİÖŞÜ"
_DATELINE = re.compile(
    rf"^\s*(?:[{_UPPER}]{{2,}}(?:[ -][{_UPPER}]{{2,}})*(?:\s*/\s*[{_UPPER}][\w-]+)?"
    rf"(?:\s*,\s*[^()/\n\-–—]{{1,25}}?)?\s*(?:\([^)\n]{{1,30}}\)|/[^/\n]{{1,30}}/)?\s*[.,]?\s*[-–—]+"
    rf"|[{_UPPER}][\w'-]*(?:\s+[{_UPPER}][\w'-]*){{0,2}}(?:\s*,\s*[^()/\n\-–—]{{1,25}}?)?"
    rf"\s*(?:\([^)\n]{{1,30}}\)\s*[.,]?\s*[-–—]+|/[^/\n]{{1,30}}/\s*[.,]?\s*[-–—]*)"
    rf"|[{_UPPER}]{{2,}}(?:[ -][{_UPPER}]{{2,}})*\s*,\s*[^()/\n]{{1,25}}?\.\s*/[^/\n]{{1,30}}/\.?)\s*"
)


def is_claim(sentence: str, language: str | None) -> bool:
    """Whether `sentence` states something checkable: not boilerplate, a question, a dateline or a fragment."""
    text = sentence.strip()
    dateline = _DATELINE.match(text)
    if dateline:
        text = text[dateline.end():].strip()
    if not text or any(p.search(text) for p in BOILERPLATE):
        return False
    if text.rstrip("»”\"' )").endswith(("?", "？")):
        return False
    return len(re.findall(r"\w+", text)) >= 4


def analyse(sentence: str, language: str | None) -> ClaimInfo | None:
    """The claim in `sentence` with its attribution and numbers; None when it is not a claim."""
    if not is_claim(sentence, language):
        return None
    return ClaimInfo(sentence, attribution(sentence, language), tuple(extract_numbers(sentence, language)))
