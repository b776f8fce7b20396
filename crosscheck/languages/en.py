"""English: news prose of Reuters, AP, the BBC and the English services of TASS, RT and AA."""

from __future__ import annotations

from .base import EvidenceRules, LanguageRules, frozen_map, words

__all__ = ["RULES"]

_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
           r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![^\W\d_])")

EVIDENCE = EvidenceRules(
    # a currency, after at most one word saying whose ("20,000 Turkish liras", "5 US dollars"; not
    # "the 20 euro zone countries")
    money_after=(r"\s?(?:(?:million|billion|thousand)\s+)?(?:(?:us|[^\W\d_]+(?:ish|ian|ese|an|i))\s+)?"
                 r"(?:dollars?|euros|rubles?|roubles?|liras?|lire|pounds|yuan|hryvnias?)\b"),
    magnitude_before=r"magnitude(?:\s+of)?[\s-]*$",
    magnitude_after=r"\s?(?:-|\s)?magnitude\b",
    units=frozen_map({
        "mw": r"\s?(?:mw|gw|megawatts?|gigawatts?)\b",
        "m3": r"\s?(?:(?:million|billion)\s+)?(?:m³|m3|cubic\s+met(?:re|er)s?)",
        "km": r"\s?(?:km|kilomet(?:re|er)s?)\b",
        "t": r"\s?(?:(?:million|billion)\s+)?(?:metric\s+)?(?:tonnes?|tons?)\b",
        "nmi": r"\s?(?:nautical\s+miles?|nmi)\b",
        "m2": r"\s?(?:square\s+met(?:re|er)s?|sq\.?\s?m\b|m²)",
        "m": r"(?:\s|[-‐])?met(?:re|er)s?\b",  # after km, m3 and m2, which hold "metre" too
    }),
    # "11 days", "an 11-day shutdown" (a number and a unit of time made one adjective), not an age
    duration_after=r"(?:\s|[-‐])?(?:more\s+)?(?:hours?|days?|weeks?|months?|years?)\b(?![\s\-‐]+(?:old|ago))",
    age_before=r"\baged", age_after=r"[-‐\s]years?[-‐\s]old\b",
    dead=frozenset({'body', 'dead', 'death', 'die', 'fatality', 'kill', 'lives', 'perish', 'toll'}),
    injured=frozenset({'hurt', 'injure', 'injured', 'injury', 'wound', 'wounded'}),
    missing=frozenset({'miss', 'missing', 'unaccounted'}),
    clause_words=words("and while whereas but"),
    # auxiliaries and modals, never what a number counts ("twelve were rescued")
    auxiliaries=words("was were is are be been being has have had will would can could may might must shall should "
                      "do does did"),
    month_numbers={**{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                                  "august", "september", "october", "november", "december"), 1)},
                   "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                   "oct": 10, "nov": 11, "dec": 12},
    weekdays={"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6},
    relative_days={"yesterday": -1, "today": 0},
    no_toll=r"\b(?:no\s+one|nobody|none\s+of\s+(?:them|the)\b|no\s+(?:injur|casualt|death|fatalit|victim)\w*|"
            r"not\s+(?:been\s+)?(?:hurt|injured|killed|harmed|wounded))\b|\bwithout\s+(?:injur|casualt)\w*",
    negation=r"\b(?:not|no|none|never|nobody|nothing)\b|n['’]t\b",
    denial=(r"\b(?:denied|denies|deny|denying|dismissed|rejected|refuted|disputed)\b"
            r"|\b(?:was|were|is|are)\s+(?:false|untrue|baseless|groundless)\b"),
    media_speaker=r"(?:the\s+)?(?:(?:state|state-run|news|Russian|Turkish)\s+)*(?:agency|newspaper|daily|broadcaster|channel|outlet|paper|website|report|wire|tabloid|magazine|TV|television|radio)",
    institution_speaker=r"\b(?:ministry|ministries|statement|government|office|embassy|consulate|council|committee|authorities|kremlin|pentagon|army|military|navy|police|alliance|forces|parliament|headquarters|department|agency\s+for|administration|presidency|mission|command|staff|cent(?:re|er)|association|organi[sz]ation|union|commission|authority"
                         r"|bureau|service|court|bank|fund|company|corporation)\b",
    attribution_only=(
        r"^(?:this|that|the\s+(?:news|report|information))\s+(?:was|has\s+been)\s+(?:reported|announced|confirmed)\b",
        r"^(?:the\s+)?(?:agency|newspaper|daily|broadcaster|report)\s+(?:cited|quoted|attributed\s+(?:this|the\s+information))\b",
        r"\b(?:reported|said|wrote)\s+(?:this|it|so)\W*$",
    ),
)

RULES = LanguageRules(
    code="en",
    name="English",
    people_word="people",
    evidence=EVIDENCE,
    stopwords=words("the a an of in on to and for with as at by is are from that this into over after about"),
    segmenter="en",
    abbreviations=words("jan feb mar apr jun jul aug sep sept oct nov dec no"),
    titles=words("mr mrs ms dr gen col lt sgt st prof sen rep gov"),
    months=_MONTHS,
    comma_groups_thousands=True,
    dot_groups_thousands="never",
    scale_words=(
        (r"thousands?\b", 1e3),
        (r"millions?\b|mln\b", 1e6),
        (r"billions?\b|bn\b", 1e9),
        (r"trillions?\b", 1e12),
    ),
    percent_after=r"%|percent\b|per\s+cent\b|pct\b",
    ordinal_suffix=r"(?:st|nd|rd|th)\b",
    cardinals={**{w: i for i, w in enumerate(
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
         "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"), start=2)},
        **{w: 10 * i for i, w in enumerate(("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=3)},
        "a dozen": 12, "a hundred": 100},
    cardinal_multipliers=((r"hundred\b", 100.0), (r"dozen\b", 12.0)),
    cardinal_not_before=r"[\w\-‐–]",
    cardinal_not_after=r"[\w]|[-‐–](?:thirds?|quarters?|fifths?|halves|half)\b",
    cardinal_joiner=r"[ \u00a0]+(?:and[ \u00a0]+)?|[-‐–]",
    cardinal_ones={"one": 1},
    one_of=r"\s+of\s+(?:the|its|their|his|her|our)\s+",
    # one of the rescued who died later is no toll ("one of the rescued sailors died in hospital")
    survivor_groups=r"rescued|evacuated|surviving|survivors?|hospitali[sz]ed|saved|freed|released",
    one_span_before=r"\b(?:by|for|within|over|after|than|of|another)\s+",
    time_cues_before=r"\b(?:at|from|until|till)",
    time_cues_after=r"local|GMT|UTC|CET|hrs\b|h\b",
    year_cues_before=(r"\b(?:in|since|by|until|till|from|of|during|before|after|early|late|mid|the|this|that|its"
                      r"|their|his|her|last|next|summer|spring|autumn|fall|winter)|['’]s"),
    year_cues_after=r"['’][^\W\d_]+",
    grammar="svo",
    speech_verbs=words(
        "said says say told tells stated added adds noted explained stressed emphasised emphasized warned warns "
        "claimed reported announced confirmed confirms insisted insists argued argues wrote writes declared denied "
        "alleged alleges underlined revealed acknowledged admitted asserted maintained described describes estimated "
        "rejected refuted"),
    passive_auxiliaries=words("was were is are be been being"),
    speech_before_claims=words("dismissed"),
    claim_nouns=words("claims claim reports report allegations allegation accusations rumours rumors speculation "
                      "suggestions"),
    verbs_without_inversion=words("told tells"),
    source_phrases=frozenset({("according", "to"), ("", "citing"), ("", "quoting")}),
    pronouns=words("he she they it we i you this that these those who which him them one"),
    determiners=words("the a an his her their its our"),
    adverbs=words("also has have had was were is are repeatedly previously earlier later reportedly further "
                  "again then recently publicly separately already once would will"),
    connectors=words("of for and on de al"),
    sentence_starters=words(
        "however but and also earlier later meanwhile separately yesterday today on in at as after before while "
        "when if many some others both all most several few there here so then thus still according"),
    after_inverted_speaker=words("on in at during after earlier late later adding citing quoting according told "
                                 "who as and"),
    roles=(r"(?:officials?|sources?|spokes(?:man|woman|person)|ministers?|ministry|ministries|statement|senators?|lawmakers?"
           r"|legislators?|experts?|analysts?|diplomats?|government|military|army|police|agency|newspaper|daily"
           r"|broadcaster|commanders?|president|envoy|ambassador|observatory|monitor|witness(?:es)?|residents?"
           r"|activists?|officers?|staff|embassy|office|council|committee|authorities|leaders?|chief|adviser"
           r"|advisor|aides?|representatives?|correspondents?|journalists?|parliament|deputy|governor|mayor"
           r"|general|admiral|rebels?|groups?|militia|alliance|forces|secretary|kremlin|pentagon)"),
    modifiers=(r"(?:senior|top|former|deputy|chief|foreign|defen[cs]e|energy|interior|economy|finance|military"
               r"|security|presidential|government|state|local|anonymous|unnamed|informed|diplomatic|official"
               r"|intelligence|western|regional|opposition|rebel|ruling|federal|national|naval|industry|health"
               r"|rights|human|turkish|russian|american|syrian|kurdish)"),
    cite_before=(
        r"(?i:(?<!\w)(?:citing|according\s+to|quoting|cited\s+by|reported\s+by|quoted\s+by|told|via|speaking\s+to"
        r"|(?:in\s+)?(?:an\s+)?interview\s+(?:with|to))|,\s*(?:reported|reports|said|says|wrote|writes))\s+"
        r"(?:(?:(?i:the|a|an)|[A-Z][\w-]*['’]s|Russian|Turkish|state|state-run|state-owned|pro-Kremlin"
        r"|pro-government|news|newswire|wire|agency|newspaper|daily|broadcaster|outlet|website|channel|TV"
        r"|television|radio|service|media|paper|tabloid|magazine|weekly|official)\s+){0,4}"),
    cite_after=(
        r"\A(?:['’]s?)?(?:\s+(?:news\s+agency|agency|newspaper|daily|broadcaster|website|channel|TV|television"
        r"|wire\s+service|news\s+service|paper))?(?:\s+(?:also|earlier|later|previously|first|has|have|had"
        r"|on\s+\w+day))*\s+(?:reported|reports|quoted|cited|wrote|writes|said|says|claimed|revealed|published"
        r"|quotes|cites|carried)\b"
        r"|\A['’]s\s+(?:report|reporting|story|article)\b"),
    boilerplate=(
        r"^By\s+(?:[A-Z][\w.'’-]*(?:\s+|,\s*|\s+and\s+|\s*&\s*)?){1,6}$",
        r"(?i)^\(?(?:Reporting|Writing|Editing|Additional\s+reporting|Compiled)\s+by\b",
        r"(?i)^(?:Author|Editor)\s*:",
        r"(?i)^\(?(?:Photo|Photograph|Picture|Image|Credit|Graphic|Video)s?\b\s*(?::|by\b|/)",
        r"(?i)^(?:Subscribe|Sign\s+up|Follow\s+(?:us|our|\w+\s+on)\b|Read\s+(?:more|also|the\s+full)"
        r"|See\s+also|Related\s*:|Share\s+(?:this|on)\b|Share\s*:?$|Click\s+here|Download\s+(?:our|the))",
        r"(?i)All\s+rights\s+reserved",
        r"(?i)^(?:We\s+use\s+cookies|This\s+(?:site|website)\s+uses\s+cookies|Accept\s+(?:all\s+)?cookies)",
    ),
    place_words=frozen_map({
        "turkey": "TR", "turkish": "TR", "turks": "TR", "american*": "US", "america": "US", "usa": "US",
        "britain": "GB", "british": "GB", "chinese": "CN", "iranian*": "IR", "iraqi*": "IQ", "french": "FR",
        "ankara": "ankara", "aleppo": "aleppo", "idlib": "idlib", "raqqa": "raqqa", "sochi": "sochi",
        "washington": "washington", "geneva": "geneva", "petersburg": "saint petersburg",
        "bosphorus": "bosphorus", "bosporus": "bosphorus", "dardanelles": "dardanelles", "crimea*": "crimea",
    }),
)
