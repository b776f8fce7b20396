"""The record every language module fills in: what crosscheck knows about one language.

Each field says which stage reads it. Regular expressions are given as source strings,
compiled once by the stage that uses them as written (write `(?i)` where case does not
matter), except the number words (scale, percent, ordinal, time and year cues), which are
always matched ignoring case. Word lists are lowercase. A field left at its default means "this language has
no such rule", never "use another language's": the generic profile (`generic.py`) is this
record with almost everything empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = ["EvidenceRules", "Grammar", "LanguageRules", "SuffixGrammar", "ThousandsDot", "frozen_map", "words"]

# How `claims.attribution` finds the speaker next to a speech verb:
# - "svo": the speaker stands before the verb ("X said"), or after it when the verb follows
#   a quotation or a comma ("..., said X"); en, de, fr;
# - "free": the speaker stands on either side of the verb ("X заявил", "заявил X"); ru;
# - "suffixing": the speaker opens the sentence and the verb ends it, sources are marked by
#   case suffixes ("TASS'ın haberine göre"); tr, with the data in `SuffixGrammar`;
# - "none": no attribution (the generic profile).
Grammar = Literal["svo", "free", "suffixing", "none"]
# How a dot followed by three digits reads ("1.500"): always a thousands separator (tr, de),
# never one (en: a decimal point), or one unless a scale word follows (ru: "1.5 млрд").
ThousandsDot = Literal["always", "never", "unless_scale"]


def words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(text.split())


def frozen_map(mapping: Mapping[str, str] | None = None, **extra: str) -> Mapping[str, str]:
    """A read-only mapping (a frozen record's fields must not change after import)."""
    return MappingProxyType({**(mapping or {}), **extra})


@dataclass(frozen=True)
class SuffixGrammar:
    """Attribution in a language that marks sources with case suffixes (Turkish)."""

    postposition: str  # "göre": "TASS'a göre" = according to TASS
    verb_end: str  # a reporting verb ending the sentence ("... dedi.")
    statement: str  # "açıklamasında": in X's statement
    report_noun: str  # "haberine göre": the noun between the source and the postposition
    particles: frozenset[str]  # after a sentence-opening subject: "Ayrıca da ..."
    fillers: frozenset[str]  # between a genitive and the statement noun: "yaptığı yazılı bir açıklamada"
    dative_endings: tuple[tuple[str, int], ...]  # (regex on a word's end, letters to drop): basınına -> basını
    report_verb_end: str  # "TASS, ... bildirdi.": an outlet opening a sentence that ends in a reporting verb


@dataclass(frozen=True)
class EvidenceRules:
    """What a claim's words say beyond its vector (crosscheck/evidence.py): what a number counts,
    its dates, whether it negates or denies. Regexes read case-insensitively; `*_after` ones are
    matched right after a number, `*_before` ones end right before it."""

    money_after: str = ""  # "12 million dollars", "5 млрд рублей"
    magnitude_before: str = ""  # "magnitude 7.8"
    magnitude_after: str = ""  # "7,8 büyüklüğünde"
    units: Mapping[str, str] = field(default_factory=frozen_map)  # unit key -> regex after: "mw": "megawatts?"
    duration_after: str = ""  # "3 months", "3 ay": a span of time
    # a person's age, never a count of people: "a 9-year-old boy", "46 yaşındaki", "31-летняя"
    age_before: str = ""  # "aged ", "в возрасте ", "âgé de "
    age_after: str = ""   # "-year-old", " yaşında", "-летний", " Jahre alt"
    # Words that say a count is of the dead, the injured or the missing, as lemmas (crosscheck/
    # text/lemmas.py) or as written, in lower case; a phrase is its words' lemmas joined by a space
    # ("hayat kaybet": "hayatını kaybetti"). Read in the number's clause first, then in the
    # clauses next to it that hold no other number (crosscheck/text/evidence.py).
    dead: frozenset[str] = frozenset()  # "kill", "die", "death", "погибнуть", "öl", "hayat kaybet"
    injured: frozenset[str] = frozenset()  # "injure", "wound", "ранить", "yarala"
    missing: frozenset[str] = frozenset()  # "missing", "пропасть", "kayıp", "vermissen"
    # a toll word that is none before these words: German "Verletzung der Waffenruhe" (a violation)
    not_tolls_before: Mapping[str, str] = field(default_factory=dict)
    # ... and when the text before it ends with a match of this regex (which must reach up to the
    # word, spaces included): Russian "из-за отмены рейсов пострадали 38 тыс. туристов" (affected
    # by a circumstance, not hurt by an event)
    not_tolls_after: Mapping[str, str] = field(default_factory=dict)
    # says that nobody was killed, hurt or lost ("no one was injured", "никто не пострадал",
    # "kimse yaralanmadı"): the toll words of its clause give no number a kind
    no_toll: str = ""
    # words that open a new clause within a sentence, beside punctuation ("and", "и", "ve", "und")
    clause_words: frozenset[str] = frozenset()
    # the word that says what a number counts stands after it (a verb-final language: "23 kişinin
    # öldüğü 10 ilde" is 23 dead in 10 provinces), so it belongs to the number before it
    kind_after_number: bool = False
    # words that may stand between a number and the noun it counts ("3 binden fazla kişi")
    count_fillers: frozenset[str] = frozenset()
    # verbs that carry only tense, voice or mood ("were", "ont", "wurden", "были", "oldu"): right
    # after a number that counts people left unnamed ("douze ont été secourus"), they are never
    # what it counts, like the language's stopwords and pronouns (evidence._counted)
    auxiliaries: frozenset[str] = frozenset()
    ordinal_after: str = ""  # after a number: a rank, not an amount ("третьим", "3'üncü")
    month_numbers: Mapping[str, int] = field(default_factory=dict)  # month name stem -> 1..12
    weekdays: Mapping[str, int] = field(default_factory=dict)  # "wednesday" -> 2 (Monday is 0)
    relative_days: Mapping[str, int] = field(default_factory=dict)  # "yesterday" -> -1
    negation: str = ""  # "not", "не", "-madı", "nicht", "ne ... pas"
    denial: str = ""  # rejects a claim: "denied", "отвергли", "iddiaların doğru olmadığını"
    # a thousand written as a word between digits: Turkish "2 bin 400" is 2,400, "bin 200" 1,200
    thousand_word: str = ""
    # sentences that only say where the news came from ("Об этом сообщают «Известия»", "Ajans,
    # bilgileri ... dayandırdı", "This was reported by TASS"): not claims (claims.is_claim)
    attribution_only: tuple[str, ...] = ()
    # a speaker that is a news outlet, not a source of its own ("the agency said", "агентство",
    # "ajans"): a sentence attributed so relays the outlet the article cites (compare._Sources)
    media_speaker: str = ""
    # a speaker that is an institution ("the ministry", "the statement", "МИД", "Bakanlık"):
    # institutions speak to every outlet, so an outlet quoting one had the statement itself,
    # while a person's words ("the senator said") are relayed from the outlet that had them
    institution_speaker: str = ""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one record per language
class LanguageRules:
    """One language's rules, looked up by `crosscheck.languages.get(code)`."""

    code: str  # ISO 639-1, as langdetect reports it
    name: str  # in English, for messages
    evidence: EvidenceRules = field(default_factory=EvidenceRules)  # numbers' kinds, dates, denials (evidence.py)
    generic: bool = False  # the fallback profile for languages without a module
    # the language's word for people, as counts of people are written ("12 people"): compare
    # tells a count of people from a count of other things by it (crosscheck/compare/things.py)
    people_word: str = ""
    # the default embedder (USE multilingual) reads this language worst of the supported ones:
    # the claim pair model weighs a pair with such a side differently (compare.PAIR_FEATURES)
    weak_in_default_model: bool = False

    # -- letters (anchors, outlet names, slugs) -----------------------------------------------
    # characters that fold to another before accents are stripped (case-folded input)
    char_folds: Mapping[str, str] = field(default_factory=frozen_map)
    # letters of a non-Latin alphabet and their Latin transliteration (case-folded input)
    to_latin: Mapping[str, str] = field(default_factory=frozen_map)
    # capitals whose lower case is not Python's: Turkish "I" -> "ı" and "İ" -> "i" (`lower`)
    lower_case: Mapping[str, str] = field(default_factory=frozen_map)
    upper_letters: str = ""  # capitals beyond A-Z, for datelines ("МОСКВА", "İSTANBUL")
    stopwords: frozenset[str] = frozenset()  # function words: not in a story's slug, not names in a title
    capitalised_nouns: bool = False  # every noun is capitalised (German): "der Senator" is no name

    # -- sentences ------------------------------------------------------------------------------
    segmenter: str | None = None  # sentencex language code (None: its default rules)
    # abbreviations (without their dot) after which a sentence does not end before a number: "Sept. 12"
    abbreviations: frozenset[str] = frozenset()
    # titles (without their dot) after which a sentence does not end before a name: "M. Dupont"
    titles: frozenset[str] = frozenset()
    # a day number with a dot is an ordinal and does not end a sentence: "am 22. April", "3. Ordu"
    ordinal_dot: bool = False

    # -- numbers --------------------------------------------------------------------------------
    months: str = ""  # regex: month names and abbreviations (a day next to one is a date)
    space_groups_thousands: bool = False  # "1 500" (a plain space between digit groups)
    comma_groups_thousands: bool = True  # "1,500" is 1500 (else 1.5)
    dot_groups_thousands: ThousandsDot = "never"
    scale_words: tuple[tuple[str, float], ...] = ()  # (regex, multiplier): ("млрд\\b\\.?", 1e9)
    percent_after: str = "%"  # regex after a number: "12%", "12 процентов"
    percent_before: str = "%[ \u00a0]?"  # regex before a number: "%12", "yüzde 12"
    ordinal_suffix: str = ""  # regex right after digits that makes an ordinal: "3rd", "2-й", "3'üncü"
    cardinals: Mapping[str, int] = field(default_factory=dict)  # spelled-out numbers: "twelve" 12
    cardinal_multipliers: tuple[tuple[str, float], ...] = ()  # words after a cardinal: "hundred" 100
    cardinal_not_before: str = r"[\w\-]"  # a cardinal is not read when this precedes it
    cardinal_not_after: str = r"[\w\-]"  # ... or when this follows it ("on'u")
    # between the words of one compound number ("two hundred and fifty", "thirty-one", "двадцать пять")
    cardinal_joiner: str = r"[ \u00a0]+"
    # words for one, read only as the last word of a compound ("thirty-one", "trente et une", "otuz bir")
    cardinal_ones: Mapping[str, int] = field(default_factory=dict)
    # words for a number that are also other words, read only before a plural noun: French "neuf"
    # ("neuf personnes"; "un navire neuf" is new)
    cardinals_before_plural: Mapping[str, int] = field(default_factory=dict)
    # nouns a short number after which is part of a name, where capitals cannot tell (German
    # capitalises every noun, French writes "au terminal 2" in lower case): "Terminal 2", "Gleis 4"
    label_nouns: frozenset[str] = frozenset()
    # words before a speech verb that make it a passive, not who said it: "Losses were estimated
    # at 2 billion euros, the ministry said"
    passive_auxiliaries: frozenset[str] = frozenset()
    # verbs that report speech only before a word for what was said: "dismissed claims", not
    # "dismissed the governor" (fired him)
    speech_before_claims: frozenset[str] = frozenset()
    claim_nouns: frozenset[str] = frozenset()
    # words right after a word for one that make it a count of one thing: "one of the sailors",
    # "один из моряков"
    one_of: str = ""
    # words (a regex, whole lowercase word) that describe that group as people who came through
    # the event: the rescued, the evacuated, survivors. One of them killed or hurt later is a
    # member of a group the story counts, not its toll ("one of the rescued sailors died in
    # hospital" beside "seven died"), as one of the dead is a member of the dead
    survivor_groups: str = ""
    # a word for one before a unit of time is a span of time only with a word that says so, ending
    # right before it ("by one year", "на один год") or right after the unit ("bir hafta süreyle"):
    # "one day" alone is also "some day", "bir Güney Koreli" a South Korean
    one_span_before: str = ""
    one_span_after: str = ""
    not_quantities: tuple[str, ...] = ()  # regexes of spans that are never quantities: "19 Uhr", "19h30"
    time_cues_before: str = ""  # regex ending right before a clock time written "19.00": "at", "saat"
    time_cues_after: str = ""  # regex right after it: "local", "по местному", "'da"
    year_cues_before: str = ""  # regex ending right before a year: "in", "since", "в"
    year_cues_after: str = ""  # regex right after a year: "г.", "yılında"

    # -- attribution ----------------------------------------------------------------------------
    grammar: Grammar = "none"
    speech_verbs: frozenset[str] = frozenset()  # "said", "заявил": the speaker is next to them
    verbs_without_inversion: frozenset[str] = frozenset()  # "told X": X is the listener
    # (word before, word) pairs or single words after which the source is named: "according to",
    # "по словам", "citing"; the first element may be "" for a single word
    source_phrases: frozenset[tuple[str, str]] = frozenset()
    pronouns: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    adverbs: frozenset[str] = frozenset()  # may stand between speaker and verb: "also", "ранее"
    connectors: frozenset[str] = frozenset()  # inside names: "Minister of Defence", "Jean de ..."
    sentence_starters: frozenset[str] = frozenset()  # capitalised openers that are not names
    not_names: frozenset[str] = frozenset()  # capitalised, yet read as adverbs, never a speaker: "Montag"
    elisions: tuple[str, ...] = ()  # articles written onto the next word: French "l'AFP", "d'Ankara"
    recipients: frozenset[str] = frozenset()  # listeners after the verb: "журналистам"
    # phrases between speaker and verb, as word patterns ("*" any word): ("в", "интервью", "*")
    adverbial_phrases: tuple[tuple[str, ...], ...] = ()
    after_inverted_speaker: frozenset[str] = frozenset()  # "said X on Monday": words that may follow X
    # after a verb ending in one of these, a preposition may stand before the speaker ("сообщили в Минобороны")
    preposition_after_verb: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    quoted_listener_first: bool = False  # «Коммерсанту» источник: the quoted name is the listener
    roles: str = ""  # regex, whole lowercase word: nouns that head a source ("senator", "источник")
    # a role's complement follows it in lower case before a name, in the genitive: "в Министерстве
    # транспорта России" is the ministry, not "Министерстве" alone
    role_complements: bool = False
    modifiers: str = ""  # regex, whole lowercase word: adjectives in a source ("senior", "российский")
    suffix_grammar: SuffixGrammar | None = None

    # -- citations (cited_outlets) --------------------------------------------------------------
    cite_before: str = ""  # regex ending right before an outlet's name: "citing", "ссылаясь на"
    cite_after: str = ""  # regex right after it: "reported", "'ın haberine göre"
    name_endings: str = ""  # regex: case endings an outlet name takes ("Известиям")
    name_endings_script: str = ""  # regex: the letters of names that take those endings
    name_stem: str = ""  # regex: what to cut from a name's end before adding an ending

    # -- claims ---------------------------------------------------------------------------------
    boilerplate: tuple[str, ...] = ()  # regexes: bylines, credits, "read more", copyright lines

    # -- names across languages (anchors) -------------------------------------------------------
    # words naming a country or place that CLDR does not list (adjectives, demonyms, cities,
    # straits), each mapped to the anchor key it shares in every language: "турецкий": "tr"
    place_words: Mapping[str, str] = field(default_factory=frozen_map)

    def lower(self, text: str) -> str:
        """`text` in lower case by this language's rules (Turkish dotted and dotless i), keeping
        its length, so that offsets into it stay valid."""
        if self.lower_case:
            lowered = "".join(self.lower_case.get(c, c) for c in text).lower()
            if len(lowered) == len(text):
                return lowered
        return text.lower()
