"""German: Deutsche Welle, Der Spiegel, FAZ, Süddeutsche Zeitung, Die Zeit and AFP's German wire.

German capitalises every noun, so a capitalised word is weaker evidence of a name than in
the other languages: weekdays and the like are listed in `not_names`, and an attribution
phrase may start with a noun ("Die Regierung teilte mit"), which is what a source often is.
"""

from __future__ import annotations

from .base import EvidenceRules, LanguageRules, frozen_map, words

__all__ = ["RULES"]

_MONTHS = (r"(?:Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
           r"|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez)\.?(?![^\W\d_])")

_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
         "achtzig": 80, "neunzig": 90}
# 2-99 ("zwölf", "sechsunddreißig"); "ein(s)" alone is an article, never read
_CARDINALS: dict[str, int] = {w: v for w, v in _UNITS.items() if v > 1}
_CARDINALS.update({"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
                   "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19})
for _tens, _t in _TENS.items():
    _CARDINALS[_tens] = _t
    for _unit, _u in _UNITS.items():
        _CARDINALS[f"{_unit}und{_tens}"] = _t + _u
# hundreds written as one word: "zweihundert", "hundertfünfzig", "dreihundertzwölf"; "ein Dutzend" is 12
for _hundreds, _h in {"hundert": 100, "einhundert": 100, **{f"{_w}hundert": 100 * _v for _w, _v in _UNITS.items()
                                                          if _v > 1}}.items():
    _CARDINALS[_hundreds] = _h
    for _rest, _r in list(_CARDINALS.items()):
        if _r < 100:
            _CARDINALS[_hundreds + _rest] = _h + _r
    _CARDINALS[_hundreds + "eins"] = _h + 1
_CARDINALS["ein dutzend"] = 12

_VERBS = ("sagte sagten sagt sagen erklärte erklärten erklärt betonte betonten betont teilte teilten "
          "berichtete berichteten berichtet schrieb schreibt meldete meldet warnte warnten warnt bestätigte "
          "bestätigten bestätigt räumte fügte kündigte unterstrich unterstrichen versicherte erläuterte "
          "behauptete behaupteten behauptet verkündete bekräftigte dementierte bestritt bestritten bestreitet zufolge")

EVIDENCE = EvidenceRules(
    money_after=r"\s?(?:(?:mio|mrd|millionen|milliarden)\.?\s+)?(?:(?:[^\W\d_]+(?:e|en)\s+)|us-)?(?:dollar|euro|rubel|lira|pfund|yuan)\b",
    magnitude_before=r"(?:stärke)\s*$",
    units=frozen_map({
        "mw": r"\s?(?:mw|gw|megawatt|gigawatt)\b",
        "m3": r"\s?(?:(?:mio|mrd|millionen|milliarden)\.?\s+)?(?:kubikmeter|m³|m3)",
        "km": r"\s?(?:km|kilometer\w*)",
        "t": r"\s?(?:(?:mio|mrd)\.?\s+)?tonnen\b",
        "nmi": r"\s?seemeilen?\b",
        "m2": r"\s?(?:quadratmeter\w*|m²)",
        "m": r"\s?meter(?:n)?\b",
    }),
    duration_after=r"\s?(?:stunden?|tagen?|wochen?|monaten?|jahren?|jahre)\b",
    age_before=r"\balter\s+von", age_after=r"(?:\s+jahre\s+alt(?:e[mnrs]?)?\b|[-‐]jährig\w*)",
    dead=frozenset({'leiche', 'getötet', 'sterben', 'todesopfer', 'tot', 'tote', 'toter', 'töten', 'ums leben', 'ums leben kommen', 'leben kosten', 'leben verlieren', 'leben verloren', 'menschenleben', 'tod'}),
    injured=frozenset({'verletzen', 'verletzt', 'verletzte', 'verletzter', 'verletzung', 'verwunden', 'verwundet'}),
    missing=frozenset({'vermissen', 'vermisst', 'vermisste', 'vermisster'}),
    not_tolls_before={"verletzung": r"\s+(?:der|des|von)\b"},  # "Verletzung der Waffenruhe": a violation
    clause_words=words("und während aber sowie"),
    # auxiliaries and modals, never what a number counts ("zwölf wurden gerettet")
    auxiliaries=words("ist sind war waren sei seien wäre wären wird werden wurde wurden worden hat haben hatte "
                      "hatten habe kann können konnte konnten muss müssen musste mussten soll sollen sollte "
                      "sollten darf dürfen durfte durften"),
    month_numbers={m: i for i, m in enumerate(("januar", "februar", "märz", "april", "mai", "juni", "juli",
                                                "august", "september", "oktober", "november", "dezember"), 1)},
    weekdays={"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
              "sonnabend": 5, "sonntag": 6},
    relative_days={"gestern": -1, "heute": 0},
    no_toll=r"\b(?:niemand\w*|keine?[rn]?\s+(?:Verletzt|Tote|Todesopfer|Opfer)\w*|nicht\s+verletzt|"
            r"ohne\s+(?:Verletzt|Tote)\w*)\b",
    negation=r"\b(?:nicht|kein\w*|nie|niemals|niemand|nichts)\b",
    denial=r"\b(?:bestritt\w*|bestreit\w*|dementier\w*|zurückgewiesen|wies\s+(?:\S+\s+){1,6}?zurück|haltlos)\b",
    media_speaker=r"(?:(?:die|der|das|den|dem)\s+)?(?:(?:staatlich\w*|russisch\w*|türkisch\w*)\s+)*(?:Nachrichtenagentur\w*|Agentur\w*|Zeitung\w*|Tageszeitung\w*|Sender\w*|Fernsehsender\w*|Blatt\w*|Magazin\w*|Bericht\w*)",
    institution_speaker=r"(?:Ministerium\w*|Regierung\w*|Botschaft\w*|Konsulat\w*|Erklärung\w*|Mitteilung\w*|Amt\b|Amtes|Stab\w*|Kreml\w*|Armee\w*|Streitkräfte\w*|Mission\w*|Kommando\w*|Behörde\w*|Zentrum\w*|Zentrale\w*|Verband\w*|Verbands|Dienst\w*|Organisation\w*|Gesellschaft\w*|Bank\w*)",
    attribution_only=(
        r"^(?:Das|Dies)\s+(?:berichtete|meldete|berichtet|meldet|teilte|sagte|schreibt|schrieb)\b",
    ),
)

RULES = LanguageRules(
    code="de",
    name="German",
    people_word="Menschen",
    evidence=EVIDENCE,
    char_folds=frozen_map({"ß": "ss"}),
    upper_letters="ÄÖÜ",
    capitalised_nouns=True,
    label_nouns=words("terminal block gleis flug reaktor halle tor gate bahnsteig linie sektor pier"),
    stopwords=words("der die das des dem den ein eine und in im am ins ans zu zur zum mit von vom für auf aufs nach bei beim an"),
    segmenter="de",
    abbreviations=words("jan feb mär apr jun jul aug sep sept okt nov dez nr"),
    titles=words("dr prof st hl"),
    ordinal_dot=True,
    months=_MONTHS,
    space_groups_thousands=True,
    comma_groups_thousands=False,
    dot_groups_thousands="always",
    scale_words=(
        (r"Tausend\b|Tsd\b\.?", 1e3),
        (r"Millionen\b|Million\b|Mio\b\.?", 1e6),
        (r"Milliarden\b|Milliarde\b|Mrd\b\.?", 1e9),
        (r"Billionen\b|Billion\b|Bio\b\.?", 1e12),  # German "Billion" is 10^12
    ),
    percent_after=r"%|Prozent\b|v\.\s?H\.",
    cardinals=_CARDINALS,
    cardinal_multipliers=((r"hundert\b", 100.0), (r"Dutzend\b", 12.0)),
    not_quantities=(r"(?<![\d.,])(?:[01]?\d|2[0-3])(?:[.:][0-5]\d)?\s?Uhr\b",),
    time_cues_before=r"\b(?:um|gegen|ab|bis)",
    time_cues_after=r"Uhr\b|MEZ|MESZ|Ortszeit",
    year_cues_before=r"\b(?:im|seit|bis|von|vor|nach|ab|Jahr|Jahres|Anfang|Ende|Mitte|Sommer|Winter|Frühjahr|Herbst)",
    year_cues_after="",
    grammar="free",
    speech_verbs=words(_VERBS),
    verbs_without_inversion=words("zufolge"),
    source_phrases=frozenset({("", "laut"), ("berufung", "auf"), ("nach", "angaben"), ("angaben", "von"),
                              ("", "zitierte"), ("", "zitiert")}),
    pronouns=words("er sie es wir ich man dies dieser diese dieses wer welche welcher"),
    determiners=words("der die das des dem den ein eine einer eines einem einen sein seine seiner ihr ihre ihrer"),
    adverbs=words("auch bereits zudem außerdem am montag dienstag mittwoch donnerstag freitag samstag sonntag "
                  "erneut inzwischen ebenfalls später zuvor nun weiter demnach hat haben hatte hatten"),
    connectors=words("von für und"),
    sentence_starters=words(
        "am im in an auf aus bei mit nach seit von vor zu zum zur der die das ein eine es er sie wir auch aber "
        "doch und oder wie wenn als da dann so nun laut demnach dort hier heute gestern zudem außerdem jedoch "
        "allerdings trotzdem bisher"),
    not_names=words("montag dienstag mittwoch donnerstag freitag samstag sonntag woche wochenende jahr jahres "
                    "monat monats tag tages abend morgen nachmittag uhr prozent millionen milliarden euro dollar"),
    after_inverted_speaker=words("am im in auf bei nach laut zufolge und der die das gegenüber"),
    roles=(r"\w*(?:sprecher(?:in)?|minister(?:in)?|ministerium|ministeriums|regierung|quelle|quellen|experte"
           r"|experten|expertin|analyst(?:en|in)?|diplomat(?:en|in)?|botschafter(?:in)?|präsident(?:in|en)?"
           r"|kanzler(?:in)?|abgeordnete[rn]?|senator(?:en|in)?|behörde|behörden|agentur|zeitung|militär"
           r"|armee|polizei|beamte[rn]?|vertreter(?:in)?|kreml|generalstab|kommandeur|chef(?:in)?|führung"
           r"|sender|kreise[n]?|korrespondent(?:en|in)?|beobachter|aktivisten|augenzeugen|bürgermeister(?:in)?"
           r"|gouverneur|botschaft|amt|rat|ausschuss|nato)"),
    modifiers=(r"(?:russisch\w*|türkisch\w*|amerikanisch\w*|us-amerikanisch\w*|syrisch\w*|kurdisch\w*|deutsch\w*"
               r"|französisch\w*|ehemalig\w*|hochrangig\w*|diplomatisch\w*|militärisch\w*|offiziell\w*|anonym\w*"
               r"|staatlich\w*|westlich\w*|informiert\w*|gut\s+unterrichtet\w*|örtlich\w*|lokal\w*)"),
    cite_before=(
        r"(?i)(?<!\w)(?:unter\s+Berufung\s+auf|laut|nach\s+(?:Angaben|Informationen)\s+(?:de[rs]|von)|berichtete"
        r"|berichteten|berichtet|meldete|meldet|zitiert|zitierte|sagte|sagten|teilte|schreibt|schrieb|gegenüber"
        r"|im\s+(?:Gespräch|Interview)\s+mit|wie)\s+"
        r"(?:(?:die|der|des|dem|den|das|russisch\w*|türkisch\w*|staatlich\w*|kremlnah\w*|regierungsnah\w*"
        r"|amtlich\w*|Nachrichtenagentur|Agentur|Zeitung|Tageszeitung|Zeitschrift|Sender|Fernsehsender|Magazin"
        r"|Nachrichtenmagazin|Wochenzeitung|Portal|Website|Webseite)\s+){0,4}"),
    cite_after=(
        r"(?i)\A(?:['’]s)?(?:\s+(?:am\s+\w+tag|auch|bereits|zuvor))*\s+(?:berichtete|berichtet|meldete|meldet"
        r"|schrieb|schreibt|zufolge|zitierte|zitiert)\b"),
    boilerplate=(
        r"^Von\s+(?:[A-ZÄÖÜ][\w.'’-]*(?:\s+|,\s*|\s+und\s+)?){1,6}$",
        r"(?i)^(?:Autor|Autorin|Redaktion|Mitarbeit)\s*:",
        r"(?i)^\(?(?:Foto|Bild|Video|Grafik|Quelle)\b\s*(?::|/)",
        r"(?i)^(?:Lesen\s+Sie\s+auch|Mehr\s+zum\s+Thema|Abonnieren|Jetzt\s+abonnieren|Newsletter|Teilen\b"
        r"|Folgen\s+Sie\s+uns|Zum\s+Artikel|Weiterlesen)",
        r"(?i)Alle\s+Rechte\s+vorbehalten",
        r"(?i)^(?:Wir\s+verwenden\s+Cookies|Diese\s+(?:Website|Seite)\s+verwendet\s+Cookies)",
    ),
    place_words=frozen_map({
        "türkisch*": "TR", "türken": "TR", "russisch*": "RU", "russen": "RU", "syrisch*": "SY",
        "amerikanisch*": "US", "usa": "US", "britisch*": "GB", "chinesisch*": "CN", "iranisch*": "IR",
        "irakisch*": "IQ", "deutsch*": "DE", "französisch*": "FR", "ankara": "ankara", "aleppo": "aleppo",
        "idlib": "idlib", "rakka": "raqqa", "sotschi": "sochi", "washington": "washington", "genf": "geneva",
        "petersburg": "saint petersburg", "bosporus": "bosphorus", "dardanellen": "dardanelles", "krim": "crimea",
    }),
)
