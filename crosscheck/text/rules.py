"""One compiled rule set per language for the text stage: every pattern that numbers,
attribution, citations, claims and evidence read, built once from the language's
`LanguageRules` (crosscheck/languages/) and passed down.

Callers resolve a language once per article or claim with `rules_for(code)` and hand the
`TextRules` to each function; the functions also take a language code, for callers that ask
about one sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .. import languages
from ..languages import LanguageRules
from ..languages.base import EvidenceRules

__all__ = ["TextRules", "EvidencePatterns", "Language", "rules_for", "alternation"]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, a space matching any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _maybe(pattern: str, template: str = "{}", flags: int = 0) -> re.Pattern[str] | None:
    return re.compile(template.format(pattern), flags) if pattern else None


def _rx(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern; one that never matches for a rule the language lacks."""
    return re.compile(pattern, re.IGNORECASE) if pattern else re.compile(r"(?!)")


# A digit token; languages that group thousands with a plain space ("1 500") get the first,
# everyone may use no-break and thin spaces.
_TOKEN_SPACED = re.compile(r"(?<!\d)(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)(?:,\d+)?|\d+(?:[.,]\d+)*)")
_TOKEN = re.compile(r"(?<!\d)(?:\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*)")
# An opening quotation mark that may stand before an outlet's name ("citing «Известия»").
QUOTE_OPEN = r"[«\"“„]?"
# Units written the same way in every language.
_UNIVERSAL_UNITS = {"mw": r"\W{0,2}(?:mw|gw)\b", "m3": r"\W{0,2}(?:m³|m3\b)", "km": r"\W{0,2}km\b"}


@dataclass(frozen=True)
class EvidencePatterns:
    """A language's EvidenceRules, compiled (crosscheck/text/evidence.py)."""

    percent_before: re.Pattern[str]   # ends where the number starts: "yüzde "
    percent_opening: re.Pattern[str]  # opens the number's own text: "yüzde 8,3"
    percent_after: re.Pattern[str]
    money_after: re.Pattern[str]
    magnitude_before: re.Pattern[str]
    magnitude_after: re.Pattern[str]
    units: dict[str, re.Pattern[str]]
    duration_after: re.Pattern[str]
    age_before: re.Pattern[str]  # ends where the number starts: "aged "
    age_after: re.Pattern[str]
    people: dict[tuple[str, ...], str]  # a lemma sequence -> the kind it gives a count (dead, injured, missing)
    longest_people: int                 # words in the longest such sequence
    not_tolls_before: dict[str, re.Pattern[str]]  # a toll word's lemma -> what after it makes it none
    not_tolls_after: dict[str, re.Pattern[str]]   # ... -> what before it makes it none
    no_toll: re.Pattern[str]                       # "no one was injured": its clause's toll words give no kind
    clause_words: frozenset[str]
    kind_after_number: bool
    count_fillers: frozenset[str]
    auxiliaries: frozenset[str]  # never what a number counts: "douze ont été secourus"
    ordinal_after: re.Pattern[str]
    months: Mapping[str, int]
    function_words: frozenset[str]  # never a month, whatever it starts with (French "mais" is no "mai")
    negation: re.Pattern[str]
    denial: re.Pattern[str]
    weekdays: Mapping[str, int]
    relative_days: Mapping[str, int]
    media_speaker: re.Pattern[str]
    institution_speaker: re.Pattern[str]


@dataclass(frozen=True, eq=False)
class TextRules:
    """A language's rules as compiled patterns, made once per language (`rules_for`)."""

    rules: LanguageRules
    # numbers (text/numbers.py)
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
    continuation: re.Pattern[str] | None  # the next word of a compound number, after a joiner
    before_plural: re.Pattern[str] | None  # a cardinal read only before a plural: "neuf personnes"
    ones: re.Pattern[str] | None  # a word for one standing alone ("one", "один", "bir")
    one_of: re.Pattern[str] | None  # what after it makes it a count: "of the", "из"
    survivor_groups: re.Pattern[str] | None  # a group of the rescued: one of it is no toll
    one_span_before: re.Pattern[str] | None  # ends before it when a unit of time follows: "by "
    one_span_after: re.Pattern[str] | None  # follows that unit: " süreyle"
    # attribution (text/attribution.py)
    roles: re.Pattern[str] | None
    modifiers: re.Pattern[str] | None
    verb_end: re.Pattern[str] | None
    statement: re.Pattern[str] | None
    report_noun: re.Pattern[str] | None
    # citations (text/citations.py)
    cite_before: re.Pattern[str] | None
    cite_after: re.Pattern[str] | None
    report_verb_end: re.Pattern[str] | None
    # claims (text/claims.py)
    boilerplate: tuple[re.Pattern[str], ...]
    attribution_only: tuple[re.Pattern[str], ...]
    # what a number counts, dates, negation, denial, speakers (text/evidence.py)
    evidence: EvidencePatterns

    @property
    def code(self) -> str:
        return self.rules.code

    def lower(self, text: str) -> str:
        return self.rules.lower(text)


# A language as the text functions take it: a code (None when unknown), or rules resolved already.
Language = str | None | TextRules


def rules_for(language: Language) -> TextRules:
    """The compiled rules of a language code (the generic profile for one without a module), or
    `language` itself when it is compiled rules already."""
    if isinstance(language, TextRules):
        return language
    return _compile(languages.get(language))


@functools.cache
def _compile(rules: LanguageRules) -> TextRules:
    month = f"(?:{rules.months})" if rules.months else ""
    scale_groups = "".join(f"|(?P<s{k}>{pattern})" for k, (pattern, _) in enumerate(rules.scale_words))
    year_before = "|".join(p for p in (rules.year_cues_before, month) if p)
    sg = rules.suffix_grammar
    return TextRules(
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
        spelled=_maybe(alternation(rules.cardinals),
                       rf"(?<!{rules.cardinal_not_before})(?P<w>{{}})(?!{rules.cardinal_not_after})",
                       re.IGNORECASE),
        multipliers=tuple((value, re.compile(rf"\s+(?:{pattern})", re.IGNORECASE))
                          for pattern, value in rules.cardinal_multipliers),
        continuation=_maybe(alternation({**rules.cardinals, **rules.cardinal_ones}),
                            rf"(?:{rules.cardinal_joiner})(?P<w>{{}})(?!{rules.cardinal_not_after})", re.IGNORECASE),
        before_plural=_maybe(alternation(rules.cardinals_before_plural),
                             rf"(?<!{rules.cardinal_not_before})(?P<w>{{}})(?=[ \u00a0]+[^\W\d_]+[sx]\b)",
                             re.IGNORECASE),
        ones=_maybe(alternation(rules.cardinal_ones),
                    rf"(?<!{rules.cardinal_not_before})(?P<w>{{}})(?!{rules.cardinal_not_after})", re.IGNORECASE),
        one_of=_maybe(rules.one_of, r"\A(?:{})", re.IGNORECASE),
        survivor_groups=_maybe(rules.survivor_groups, "(?:{})", re.IGNORECASE),
        one_span_before=_maybe(rules.one_span_before, r"(?:{})\Z", re.IGNORECASE),
        one_span_after=_maybe(rules.one_span_after, r"\A(?:{})", re.IGNORECASE),
        roles=_maybe(rules.roles),
        modifiers=_maybe(rules.modifiers),
        verb_end=re.compile(sg.verb_end) if sg else None,
        statement=re.compile(sg.statement) if sg else None,
        report_noun=re.compile(sg.report_noun) if sg else None,
        cite_before=_maybe(rules.cite_before, "{}" + QUOTE_OPEN + r"\Z"),
        cite_after=_maybe(rules.cite_after),
        report_verb_end=re.compile(sg.report_verb_end) if sg else None,
        boilerplate=tuple(re.compile(p) for p in rules.boilerplate),
        attribution_only=tuple(re.compile(p, re.IGNORECASE) for p in rules.evidence.attribution_only),
        evidence=_evidence(rules),
    )


def _evidence(lang: LanguageRules) -> EvidencePatterns:
    e = lang.evidence
    return EvidencePatterns(
        percent_before=_rx(f"(?:{lang.percent_before})\\s*$"), percent_opening=_rx(lang.percent_before),
        percent_after=_rx(lang.percent_after),
        money_after=_rx(e.money_after), magnitude_before=_rx(e.magnitude_before),
        magnitude_after=_rx(e.magnitude_after),
        units={k: _rx(v) for k, v in {**_UNIVERSAL_UNITS, **e.units}.items()},
        not_tolls_before={w: re.compile(rf"\A(?:{p})", re.IGNORECASE) for w, p in e.not_tolls_before.items()},
        not_tolls_after={w: re.compile(rf"(?:{p})\Z", re.IGNORECASE) for w, p in e.not_tolls_after.items()},
        no_toll=_rx(e.no_toll),
        duration_after=_rx(e.duration_after), age_before=_rx(f"(?:{e.age_before})\\s*$" if e.age_before else ""),
        age_after=_rx(e.age_after), people=_people(e), longest_people=max(
            (len(w.split()) for w in (*e.dead, *e.injured, *e.missing)), default=1),
        clause_words=e.clause_words, kind_after_number=e.kind_after_number, count_fillers=e.count_fillers,
        auxiliaries=e.auxiliaries,
        ordinal_after=_rx(e.ordinal_after), months=e.month_numbers, function_words=lang.stopwords, negation=_rx(e.negation),
        denial=_rx(e.denial), weekdays=e.weekdays, relative_days=e.relative_days,
        media_speaker=_rx(e.media_speaker), institution_speaker=_rx(e.institution_speaker))


def _people(e: EvidenceRules) -> dict[tuple[str, ...], str]:
    """Each dead, injured or missing word or phrase as a word sequence, with its kind."""
    out: dict[tuple[str, ...], str] = {}
    for kind, words in (("missing", e.missing), ("injured", e.injured), ("dead", e.dead)):
        for w in words:
            out[tuple(w.split())] = kind
    return out
