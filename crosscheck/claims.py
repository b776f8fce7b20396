"""Claims: which sentences state something checkable, the numbers in them, and whom they cite.

Everything here is a pure function of one sentence (or one article text) and its language's
rules (`crosscheck.languages`: months, separators, scale, percent and number words, speech
verbs, citation cues, roles, boilerplate); nothing is learnt and nothing is embedded
(sentences are aligned across articles elsewhere). A language without a module gets the
generic profile: numbers written in digits, no attribution, no citation cues.

- `extract_numbers` scans digit tokens with the language's separators (en "1,500.5",
  ru "1 500,5", tr and de "1.500,5"), adds a scale word after them (million, млрд, milyar,
  Mio., milliards) and percent markers ("12%", "%12", "yüzde 12", "12 процентов", "12 Prozent"),
  and reads spelled-out cardinals ("two weeks", "две недели", "iki hafta", "zwölf", "trente-six").
  It drops what is not a quantity: full dates, times, a day next to a month name, years,
  ordinals and numbers inside names ("S-400", "Су-24", "G20", "COVID-19").
- `attribution` looks for a speech verb or a source phrase ("said", "according to",
  "заявил", "по словам", "göre", "... dedi", "sagte", "laut", "a déclaré", "selon") and takes
  the name phrase next to it from a small grammar: capitalised words, role nouns (senator,
  источник, kaynak, Sprecher, porte-parole), a few modifiers and a determiner. Quoted speech
  is masked first, so a verb inside a quotation is never taken for the attribution.
- `cited_outlets` finds known outlet names (case-, accent-, Russian-ending- and
  Turkish-suffix-tolerant) and keeps those standing next to a citation cue
  ("citing", "сообщает", "'ın haberine göre", "unter Berufung auf", "selon l'agence", ...).
- `is_claim` drops boilerplate (`BOILERPLATE` and the language's own), questions, datelines
  alone and fragments.

Known limits, by design of rules over understanding:
- Precision over recall: `attribution` returns None for pronouns ("he said", "по его
  словам"), for long Turkish sentences whose subject is not first, and for phrasings its
  grammar does not know. Names come back as written: Russian and Turkish names keep their
  case ending ("по словам Клинцевича" -> "Клинцевича"), except that the Turkish dative
  before "göre" is undone ("Rus basınına göre" -> "Rus basını").
- A bare 1900-2100 number is read as a year unless a lowercase noun follows it with no
  year cue ("2000 человек" is a number, "the 2016 coup" and "в 2000 километрах" are read
  as years). "March 12 people" reads as a date.
- A single separator followed by three digits is ambiguous: en and the generic profile read
  "1,500" as 1500 and "1.500" as 1.5; tr and de read "1.500" as 1500; ru and fr read "1.500" as
  1500 unless a scale word follows. "one", "один", "bir", "ein" and "un" are never read as
  numbers (they are mostly articles and pronouns); vague amounts ("dozens", "десятки") are skipped.
- `cited_outlets` counts an outlet that an article names as its own source or as the
  recipient of an interview ("told Reuters"): the caller drops the article's own outlet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import languages
from .languages import LanguageRules

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


def _lower(text: str, rules: LanguageRules) -> str:
    """Lowercase, with Turkish dotted/dotless i where the language has them, keeping the length
    (offsets stay valid)."""
    if rules.turkish_case:
        lowered = text.replace("İ", "i").replace("I", "ı").lower()
        if len(lowered) == len(text):
            return lowered
    return text.lower()


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _maybe(pattern: str, template: str = "{}", flags: int = 0) -> re.Pattern[str] | None:
    return re.compile(template.format(pattern), flags) if pattern else None


@dataclass(frozen=True)
class _Compiled:
    """A language's rules as compiled patterns, made once per language (`_compiled`)."""

    rules: LanguageRules
    day_before_month: re.Pattern[str] | None
    month_before_day: re.Pattern[str] | None
    token: re.Pattern[str]
    after: re.Pattern[str]
    scales: tuple[float, ...]
    percent_before: re.Pattern[str]
    ordinal_after: re.Pattern[str] | None
    not_quantities: tuple[re.Pattern[str], ...]
    time_before: re.Pattern[str] | None
    time_after: re.Pattern[str] | None
    year_before: re.Pattern[str] | None
    year_after: re.Pattern[str] | None
    spelled: re.Pattern[str] | None
    multipliers: tuple[tuple[float, re.Pattern[str]], ...]
    roles: re.Pattern[str] | None
    modifiers: re.Pattern[str] | None
    cite_before: re.Pattern[str] | None
    cite_after: re.Pattern[str] | None
    boilerplate: tuple[re.Pattern[str], ...]
    verb_end: re.Pattern[str] | None
    statement: re.Pattern[str] | None
    report_noun: re.Pattern[str] | None
    report_verb_end: re.Pattern[str] | None


@functools.cache
def _compile(rules: LanguageRules) -> _Compiled:
    month = f"(?:{rules.months})" if rules.months else ""
    scale_groups = "".join(f"|(?P<s{k}>{pattern})" for k, (pattern, _) in enumerate(rules.scale_words))
    year_before = "|".join(p for p in (rules.year_cues_before, month) if p)
    sg = rules.suffix_grammar
    return _Compiled(
        rules=rules,
        day_before_month=_maybe(month, r"(?:\s*[-–]\s*\d{{1,2}})?\s*(?:of\s+)?{}"),
        month_before_day=_maybe(month, r"{}\s*(?:\d{{1,2}}\s*[-–]\s*)?\Z"),
        token=_TOKEN_SPACED if rules.space_groups_thousands else _TOKEN,
        after=re.compile(rf"[ \u00a0\u202f]?(?:(?P<pct>{rules.percent_after}){scale_groups})", re.IGNORECASE),
        scales=tuple(value for _, value in rules.scale_words),
        percent_before=re.compile(rf"(?:{rules.percent_before})\Z", re.IGNORECASE),
        ordinal_after=_maybe(rules.ordinal_suffix, "(?:{})", re.IGNORECASE),
        not_quantities=tuple(re.compile(p, re.IGNORECASE) for p in rules.not_quantities),
        time_before=_maybe(rules.time_cues_before, r"(?:{})\s*\Z", re.IGNORECASE),
        time_after=_maybe(rules.time_cues_after, r"\A\s*(?:{})", re.IGNORECASE),
        year_before=_maybe(year_before, r"(?:{})\s*\Z", re.IGNORECASE),
        year_after=_maybe(rules.year_cues_after, r"\A(?:{})", re.IGNORECASE),
        spelled=_maybe(_alternation(rules.cardinals),
                       rf"(?<!{rules.cardinal_not_before})(?P<w>{{}})(?!{rules.cardinal_not_after})",
                       re.IGNORECASE),
        multipliers=tuple((value, re.compile(rf"\s+(?:{pattern})", re.IGNORECASE))
                          for pattern, value in rules.cardinal_multipliers),
        roles=_maybe(rules.roles),
        modifiers=_maybe(rules.modifiers),
        cite_before=_maybe(rules.cite_before, "{}" + _Q_OPEN + r"\Z"),
        cite_after=_maybe(rules.cite_after),
        boilerplate=tuple(re.compile(p) for p in rules.boilerplate),
        verb_end=re.compile(sg.verb_end) if sg else None,
        statement=re.compile(sg.statement) if sg else None,
        report_noun=re.compile(sg.report_noun) if sg else None,
        report_verb_end=re.compile(sg.report_verb_end) if sg else None,
    )


def _compiled(language: str | None) -> _Compiled:
    return _compile(languages.get(language))


# == numbers =================================================================================
_CURRENCY_SIGNS = "$€£₺₽"

# Spans that are never quantities, in any language: full dates, clock times, year ranges.
_NOT_QUANTITIES = (
    re.compile(r"(?<![\d.,])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d])"),
    re.compile(r"(?<![\d.,])\d{4}-\d{1,2}-\d{1,2}(?!\d)"),
    re.compile(r"(?<![\d.,])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)"),
    re.compile(r"(?<![\d.,])(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?\s?(?:[ap]\.m\.|[ap]m\b)", re.IGNORECASE),
    re.compile(r"(?<![\d.,])(?:19|20)\d{2}\s?[-–—/]\s?(?:(?:19|20)\d{2}|\d{2})(?![\d.,]?\d)"),
)

# A digit token; languages that group thousands with a plain space ("1 500") get the first,
# everyone may use no-break and thin spaces.
_TOKEN_SPACED = re.compile(r"(?<!\d)(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)(?:,\d+)?|\d+(?:[.,]\d+)*)")
_TOKEN = re.compile(r"(?<!\d)(?:\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*)")

_CURRENCY_BEFORE = re.compile(rf"(?:US)?[{_CURRENCY_SIGNS}][ \u00a0]?\Z")
_NAME_BEFORE = re.compile(r"(?:[^\W\d_][-‐–]?|[№#][ \u00a0]?|\bNo\.\s?)\Z")
_CODE_AFTER = re.compile(r"[A-ZА-ЯЁ]")  # "9M729", "5G"
_ORDINAL_DOT = re.compile(r"\.\s+[^\W\d_]")  # Turkish "3. Ordu", German "22. April"
_LOWERCASE_WORD_AFTER = re.compile(r"\A[ \u00a0]+[^\W\d_]")


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


def _is_year(sentence: str, start: int, end: int, value: float, marked: bool, c: _Compiled) -> bool:
    if marked or not 1900 <= value <= 2100:
        return False
    before, after = sentence[:start], sentence[end:]
    if (c.year_before and c.year_before.search(before)) or (c.year_after and c.year_after.match(after)):
        return True
    return not _LOWERCASE_WORD_AFTER.match(after)


def _is_clock_time(token: str, before: str, after: str, c: _Compiled) -> bool:
    m = re.fullmatch(r"(\d{1,2})\.(\d{2})", token)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return False
    if len(m.group(1)) == 2 and m.group(1).startswith("0"):
        return True
    return bool((c.time_before and c.time_before.search(before)) or (c.time_after and c.time_after.match(after)))


def _scale(after: re.Match[str] | None, c: _Compiled) -> float | None:
    """The multiplier of the scale word `after` matched, if it matched one."""
    if after is None:
        return None
    for k, value in enumerate(c.scales):
        if after.group(f"s{k}"):
            return value
    return None


def _extend(sentence: str, start: int, end: int, value: float, c: _Compiled) -> tuple[float, int, int, bool]:
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


def _digit_numbers(sentence: str, c: _Compiled) -> list[Number]:
    blocked = [m.span() for pattern in (*_NOT_QUANTITIES, *c.not_quantities) for m in pattern.finditer(sentence)]
    found: list[Number] = []
    for m in c.token.finditer(sentence):
        start, end, token = m.start(), m.end(), m.group()
        if any(s < end and start < e for s, e in blocked):
            continue
        before, after = sentence[:start], sentence[end:]
        if (_NAME_BEFORE.search(before) or (c.ordinal_after and c.ordinal_after.match(after))
                or _CODE_AFTER.match(after)):
            continue
        plain = token.isdigit()
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


def _spelled_numbers(sentence: str, c: _Compiled) -> list[Number]:
    found: list[Number] = []
    if c.spelled is None:
        return found
    for m in c.spelled.finditer(sentence):
        value = float(c.rules.cardinals[" ".join(_lower(m.group("w"), c.rules).split())])
        end = m.end()
        for multiplier, extra in c.multipliers:
            more = extra.match(sentence, end)
            if more:
                value, end = value * multiplier, more.end()
        value, start, end, _ = _extend(sentence, m.start(), end, value, c)
        found.append(Number(value, sentence[start:end], start, end))
    return found


def extract_numbers(sentence: str, language: str | None) -> list[Number]:
    """The quantities stated in `sentence`, in order; dates, times, years, ordinals and names skipped."""
    c = _compiled(language)
    numbers = sorted(_digit_numbers(sentence, c) + _spelled_numbers(sentence, c), key=lambda n: n.start)
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


def _kind(token: str, c: _Compiled, initial: bool) -> str:
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
    r = c.rules
    low = _lower(token, r)
    if low in r.pronouns:
        return "PRON"
    if r.suffix_grammar and _APOSTROPHE.search(token) and not re.search(r"['’]s$", token):
        return "SFX"
    if low in r.determiners:
        return "DET"
    if token[0].isupper():
        if initial and low in r.sentence_starters:
            return "OTHER"
        if low in r.not_names:
            return "ADV"
        return "ROLE" if c.roles and c.roles.fullmatch(low) else "CAP"
    if low in r.adverbs:
        return "ADV"
    if c.roles and c.roles.fullmatch(low):
        return "ROLE"
    if c.modifiers and c.modifiers.fullmatch(low):
        return "MOD"
    if low in r.connectors:
        return "CONN"
    return "OTHER"


def _tokens(masked: str, c: _Compiled) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(masked):
        text, start = m.group(), m.start()
        for elision in c.rules.elisions:  # French "l'AFP": the article, then the name
            if len(text) > len(elision) and text.lower().startswith(elision):
                toks.append(_Tok(text[:len(elision)], start, "DET"))
                text, start = text[len(elision):], start + len(elision)
                break
        toks.append(_Tok(text, start, _kind(text, c, not toks)))
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


def _matches(word: str, alternatives: str) -> bool:
    return alternatives == "*" or word in alternatives.split("|")


def _skip_adverbials(toks: list[_Tok], j: int, c: _Compiled) -> int:
    """Step back over adverbs and the language's adverbial phrases ("в беседе с газетой", "в понедельник")."""
    while j >= 0:
        if toks[j].kind == "ADV":
            j -= 1
            continue
        for pattern in c.rules.adverbial_phrases:
            n = len(pattern)
            window = [t.text.lower() for t in toks[j - n + 1:j + 1]] if j - n + 1 >= 0 else []
            if len(window) == n and all(_matches(w, p) for w, p in zip(window, pattern)):
                j -= n
                break
        else:
            break
    return j


def _backward(toks: list[_Tok], i: int, sentence: str, c: _Compiled) -> str | None:
    j = _skip_adverbials(toks, i - 1, c)
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


def _forward(toks: list[_Tok], i: int, sentence: str, c: _Compiled, *, inverted: bool = False,
             skip_preposition: bool = False) -> str | None:
    r = c.rules
    j = i + 1
    while j < len(toks) and (toks[j].kind == "ADV" or toks[j].text.lower() in r.recipients):
        j += 1
    if skip_preposition and j < len(toks) and toks[j].text.lower() in r.preposition_after_verb[1]:
        j += 1
    det = j < len(toks) and toks[j].kind == "DET"
    first, last = _collect(toks, j + 1 if det else j, 1)
    if first > last:
        return None
    if r.quoted_listener_first and toks[first].kind == "QNAME" and first < last:
        first += 1  # «Коммерсанту» источник: the quoted name is the listener
    if inverted:
        nxt = toks[last + 1] if last + 1 < len(toks) else None
        if nxt is not None and nxt.kind not in ("COMMA", "PAREN", "DASH", "PUNCT", "QUOTE") \
                and nxt.text.lower() not in r.after_inverted_speaker:
            return None  # "said Turkey quietly joined": Turkey is what was said, not who
    return _phrase(toks[j if det else first:last + 1], sentence)


def _is_source_phrase(toks: list[_Tok], i: int, rules: LanguageRules) -> bool:
    """toks[i] ends a phrase after which the source is named: "according to", "по словам", "laut"."""
    low = _lower(toks[i].text, rules)
    prev = _lower(toks[i - 1].text, rules) if i > 0 else ""
    return (prev, low) in rules.source_phrases or ("", low) in rules.source_phrases


def _candidates_svo(toks: list[_Tok], sentence: str, c: _Compiled) -> list[tuple[int, str | None]]:
    """The speaker before the verb, or after it when the verb follows a quotation, comma or dash."""
    r = c.rules
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = _lower(t.text, r)
        if _is_source_phrase(toks, i, r):
            out.append((t.start, _forward(toks, i, sentence, c)))
        elif low in r.speech_verbs and t.kind not in ("CAP", "ROLE"):
            who = _backward(toks, i, sentence, c)
            j = _skip_adverbials(toks, i - 1, c)
            prev = toks[j].kind if j >= 0 else ""
            if who is None and low not in r.verbs_without_inversion and prev in ("COMMA", "QUOTE", "DASH"):
                who = _forward(toks, i, sentence, c, inverted=True)
            out.append((t.start, who))
    return out


def _candidates_free(toks: list[_Tok], sentence: str, c: _Compiled) -> list[tuple[int, str | None]]:
    """The speaker on either side of the verb: before it, else after it."""
    r = c.rules
    endings, _ = r.preposition_after_verb
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = _lower(t.text, r)
        if _is_source_phrase(toks, i, r):
            out.append((t.start, _forward(toks, i, sentence, c)))
        elif low in r.speech_verbs:
            who = _backward(toks, i, sentence, c)
            if who is None and low not in r.verbs_without_inversion:
                who = _forward(toks, i, sentence, c, skip_preposition=bool(endings) and low.endswith(endings))
            out.append((t.start, who))
    return out


def _drop_dative(word: str, c: _Compiled) -> str:
    assert c.rules.suffix_grammar is not None
    for ending, letters in c.rules.suffix_grammar.dative_endings:
        if re.search(ending, word):
            return word[:-letters]
    return word


def _owner(toks: list[_Tok], j: int, sentence: str) -> str | None:
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


def _postposition_source(toks: list[_Tok], g: int, sentence: str, c: _Compiled) -> str | None:
    """'TASS'ın haberine göre' -> TASS; 'Rus basınına göre' -> Rus basını; 'Habere göre' -> None."""
    if g == 0:
        return None
    w = toks[g - 1]
    if w.kind == "SFX" and w.text[0].isupper():
        return _owner(toks, g - 1, sentence)
    low = _lower(w.text, c.rules)
    if c.report_noun and c.report_noun.match(low):
        return _owner(toks, g - 2, sentence)
    if c.roles and c.roles.fullmatch(low):
        first, _ = _collect(toks, g - 2, -1)
        mods = [t for t in toks[first:g - 1] if t.kind in ("CAP", "MOD")][-3:]
        start = mods[0].start if mods else w.start
        return sentence[start:w.start] + _drop_dative(w.text, c)
    return None


def _opening_subject(toks: list[_Tok], sentence: str, c: _Compiled) -> str | None:
    """The subject opening a sentence whose verb ends it: 'Klintsevich, "..." dedi.' -> Klintsevich."""
    r = c.rules
    assert r.suffix_grammar is not None
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
    if stop is not None and stop.kind == "COMMA" or stop is not None and _lower(stop.text, r) in r.suffix_grammar.particles:
        if not roles and caps == 1 and _lower(phrase[0].text, r) in r.sentence_starters:
            return None
    elif not (roles or caps >= 2):
        return None
    if len(phrase) > 4:
        tail = [t for t in phrase[-2:] if t.kind == "CAP"]
        if len(tail) != 2:
            return None
        phrase = tail
    return _phrase(phrase, sentence)


def _candidates_suffixing(toks: list[_Tok], masked: str, sentence: str, c: _Compiled) -> list[tuple[int, str | None]]:
    """Sources marked by a postposition ("TASS'a göre"), a statement noun ("... açıklamasında"),
    or the subject opening a sentence that a reporting verb ends ("Klintsevich, ... dedi.")."""
    sg = c.rules.suffix_grammar
    assert sg is not None and c.statement is not None and c.verb_end is not None
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = _lower(t.text, c.rules)
        if low == sg.postposition:
            out.append((t.start, _postposition_source(toks, i, sentence, c)))
        elif c.statement.match(low):
            j = i - 1
            while j >= 0 and _lower(toks[j].text, c.rules) in sg.fillers:
                j -= 1
            if j >= 0 and toks[j].kind == "SFX":
                out.append((t.start, _owner(toks, j, sentence)))
            else:
                out.append((0, _opening_subject(toks, sentence, c)))
    if c.verb_end.search(masked):
        out.append((0, _opening_subject(toks, sentence, c)))
    return out


def attribution(sentence: str, language: str | None) -> str | None:
    """Who `sentence` says it comes from ("Klintsevich", "the senator", "ТАСС", "Rus basını"), or None."""
    c = _compiled(language)
    grammar = c.rules.grammar
    if grammar == "none":
        return None
    masked = _mask_quotations(sentence)
    toks = _tokens(masked, c)
    if grammar == "svo":
        candidates = _candidates_svo(toks, sentence, c)
    elif grammar == "free":
        candidates = _candidates_free(toks, sentence, c)
    else:
        candidates = _candidates_suffixing(toks, masked, sentence, c)
    for _, who in sorted(candidates, key=lambda cand: cand[0]):
        if who:
            return who.strip(" ,.;:")
    return None


# == cited outlets ===========================================================================
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


_Q_OPEN = r"[«\"“„]?"
_HEADLINE_BEFORE = re.compile(r"(?:\A|\n)\s*[«\"“]?\Z")
# a wire dateline: "MOSCOW, Sept 12 (Reuters) -", "МОСКВА, 12 сентября. /ТАСС/."
_DATELINE_BEFORE = re.compile(rf"(?:\A|\n)\s*[{languages.upper_letters()}]{{2,}}[^\n()/]{{0,30}}[(/]\Z")
_DATELINE_AFTER = re.compile(r"\A[)/]\s*[.,]?\s*[-–—]?")
_HEADLINE_AFTER = re.compile(r"\A[»\"”]?\s*:\s")


def _reports_sentence(text: str, start: int, end: int, c: _Compiled) -> bool:
    """'Rus haber ajansı TASS, ... bildirdi.': the outlet opens a sentence that ends in a reporting verb."""
    if c.report_verb_end is None:
        return False
    sent_start = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    if len(text[sent_start:start].split()) > 3 or text[end:end + 1] != ",":
        return False
    stop = re.search(r"[.!?](?:\s|\Z)", text[end:])
    sentence_end = end + stop.end() if stop else len(text)
    return bool(c.report_verb_end.search(text[end:sentence_end]))


def cited_outlets(text: str, outlet_names: Iterable[str], language: str | None) -> list[str]:
    """Names from `outlet_names` that `text` cites as the source of its report, in order of first citation.

    Order is the order of appearance in the text ("reported AMN, citing TASS" -> ["AMN", "TASS"]); when
    two names overlap ("RIA" inside "RIA Novosti") the longer one counts.
    """
    c = _compiled(language)
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


ATTRIBUTION_ONLY_WORDS = 14  # longer sentences that open with "Об этом сообщает ..." say more than that


def is_claim(sentence: str, language: str | None) -> bool:
    """Whether `sentence` states something checkable: not boilerplate, a question, a dateline or a fragment."""
    text = sentence.strip()
    dateline = _DATELINE.match(text)
    if dateline:
        text = text[dateline.end():].strip()
    if not text or any(p.search(text) for p in (*BOILERPLATE, *_compiled(language).boilerplate)):
        return False
    if len(text.split()) <= ATTRIBUTION_ONLY_WORDS and any(
            re.search(p, text, re.IGNORECASE) for p in languages.get(language).evidence.attribution_only):
        return False
    if text.rstrip("»”\"' )").endswith(("?", "？")):
        return False
    return len(re.findall(r"\w+", text)) >= 4


def analyse(sentence: str, language: str | None) -> ClaimInfo | None:
    """The claim in `sentence` with its attribution and numbers; None when it is not a claim."""
    if not is_claim(sentence, language):
        return None
    return ClaimInfo(sentence, attribution(sentence, language), tuple(extract_numbers(sentence, language)))
