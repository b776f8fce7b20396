"""French: Le Monde, Le Figaro, France 24, Libération and AFP's French wire."""

from __future__ import annotations

from .base import EvidenceRules, LanguageRules, frozen_map, words

__all__ = ["RULES"]

_MONTHS = (r"(?i:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
           r"|décembre|decembre|janv|févr|fevr|avr|juil|sept|oct|nov|déc|dec)\.?(?![^\W\d_])")

_UNITS = {"un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
          "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19}


def _cardinals() -> dict[str, int]:
    """2-99 as French writes them: "trente-six", "vingt et un", "soixante-dix", "quatre-vingt-douze"."""
    out = {w: v for w, v in {**_UNITS, **_TEENS}.items() if v > 1 and w != "neuf"}  # "neuf" is also "new": see cardinals_before_plural
    for tens, t in {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}.items():
        out[tens] = t
        for unit, u in _UNITS.items():
            out[f"{tens} et un" if u == 1 else f"{tens}-{unit}"] = t + u
        out[f"{tens}-et-un"] = t + 1
    for teen, v in _TEENS.items():
        out["soixante-" + teen] = 60 + v
        out["quatre-vingt-" + teen] = 80 + v
    out["soixante et onze"] = 71
    # about so many: "une vingtaine de morts"
    out.update({"une douzaine": 12, "une quinzaine": 15, "une vingtaine": 20, "une trentaine": 30,
                "une quarantaine": 40, "une cinquantaine": 50, "une centaine": 100})
    out["quatre-vingts"] = 80
    for unit, u in _UNITS.items():
        out[f"quatre-vingt-{unit}"] = 80 + u
    return out


EVIDENCE = EvidenceRules(
    money_after=r"\s?(?:(?:millions?|milliards?)\s+)?(?:de\s+|d['’]\s?)?(?:dollars|euros|roubles|livres)\b",
    magnitude_before=r"magnitude(?:\s+de)?\s*$",
    units=frozen_map({
        "mw": r"\s?(?:mw|gw|mégawatts?|gigawatts?)\b",
        "m3": r"\s?(?:(?:millions?|milliards?)\s+)?(?:de\s+)?(?:mètres\s+cubes|m³|m3)",
        "km": r"\s?(?:km|kilomètres?)\b",
        "t": r"\s?(?:(?:millions?|milliards?)\s+)?(?:de\s+)?tonnes\b",
        "nmi": r"\s?milles?\s+(?:nautiques?|marins?)\b",
        "m2": r"\s?(?:mètres?\s+carrés?|m²)",
        "m": r"\s?mètres?\b",
    }),
    # "deux semaines", and with the adjectives that stand between: "deux dernières semaines"
    duration_after=(r"\s?(?:(?:derni[eè]re?s?|prochaine?s?|premi[eè]re?s?|longue?s?|bonne?s?)\s+)?"
                    r"(?:heures?|jours?|semaines?|mois|ans?|années?)\b"),
    age_before=r"\bâgée?s?\s+de",
    dead=frozenset({'corps', 'décéder', 'décédé', 'mort', 'mourir', 'péri', 'périr', 'trouver le mort', 'tuant', 'tuer', 'tué', 'victime', 'vie'}),
    injured=frozenset({'blessant', 'blesser', 'blessé', 'blessure'}),
    missing=frozenset({'disparaître', 'disparu'}),
    clause_words=words("et tandis mais"),
    # auxiliaries and modals, never what a number counts ("douze ont été secourus")
    auxiliaries=words("a ont avait avaient aura auront aurait auraient est sont était étaient sera seront serait "
                      "seraient été fut furent soit soient peut peuvent pouvait pouvaient doit doivent devait "
                      "devaient"),
    ordinal_after=r"(?:e|er|ème|eme)\b",
    month_numbers={m: i for i, m in enumerate(("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                                "août", "septembre", "octobre", "novembre", "décembre"), 1)},
    weekdays={"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6},
    relative_days={"hier": -1, "aujourd'hui": 0},
    no_toll=r"\b(?:personne\s+n['’e]|aucun\w*\s+(?:bless|victim|mort|décès|disparu)\w*|pas\s+de\s+(?:bless|victim|mort)\w*|"
            r"n['’](?:a|ont)\s+pas\s+été\s+(?:blessé|tué)\w*|sans\s+(?:bless|victim)\w*)",
    negation=r"\b(?:ne|n['’])\s*\w+(?:\s+\w+)?\s+(?:pas|jamais|plus|aucun\w*|personne|rien)\b",
    denial=r"\b(?:démenti\w*|dément\w*|nié\w*|ni(?:e|ent|ant)|rejeté\w*|rejette\w*|contesté\w*|infondé\w*)\b",
    media_speaker=r"(?:(?:l['’]|le\s+|la\s+|les\s+))?(?:agence|journal|quotidien|chaîne|média|médias|site|hebdomadaire|radio|télévision)(?:\s+(?:russe|turque|d['’]État|officielle|publique))*",
    institution_speaker=r"(?:ministère\w*|gouvernement\w*|ambassade\w*|consulat\w*|communiqué\w*|déclaration\w*|état-major|Kremlin|armée\w*|mission\w*|présidence\w*|autorités|commandement\w*|centre\w*|association\w*|union\w*|service\w*|organisation\w*|agence\w*|banque\w*)",
    attribution_only=(
        r"^(?:C['’]est\s+ce\s+qu['’](?:a|ont)|L['’]information\s+a\s+été)\s+",
    ),
)

RULES = LanguageRules(
    code="fr",
    name="French",
    people_word="personnes",
    evidence=EVIDENCE,
    upper_letters="ÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ",
    stopwords=words("le la les l de du des d et en a au aux un une pour sur par dans après mais sous vers plus depuis jamais pas très tout"),
    segmenter="fr",
    abbreviations=words("janv févr fevr avr juil sept oct nov déc dec"),
    titles=words("m mm mme mmes mlle dr pr me st ste"),
    months=_MONTHS,
    space_groups_thousands=True,
    comma_groups_thousands=False,
    dot_groups_thousands="unless_scale",
    scale_words=(
        (r"mille\b", 1e3),
        (r"millions?\b", 1e6),
        (r"milliards?\b|mds?\b|mrds?\b", 1e9),
        (r"billions?\b", 1e12),  # French "billion" is 10^12
    ),
    percent_after=r"%|pour\s+cent\b|pourcents?\b",
    ordinal_suffix=r"(?:er|re|ère|e|ème|eme|nd|nde)\b",
    cardinals=_cardinals(),
    cardinal_multipliers=((r"cents?\b", 100.0),),
    cardinal_joiner=r"[ \u00a0]+(?:et[ \u00a0]+)?|-",
    cardinal_ones={"un": 1, "une": 1},
    one_span_before=r"(?<!\w)(?:pendant|durant|depuis|pour|après|dans|en)\s+",
    cardinals_before_plural={"neuf": 9},
    label_nouns=words("terminal porte bloc ligne réacteur vol quai salle hall pavillon tranche voie secteur unité"),
    not_quantities=(r"(?<![\d.,])(?:[01]?\d|2[0-3])\s?h\s?(?:[0-5]\d)?(?![\w])",
                    # an hour of the clock, not a span: "à 11 heures", "vers 3 heures", "entre 11 heures et 16
                    # heures", "entre 11 et 16 heures", "de 9 heures à 17 heures"; not "à 3 heures de Paris",
                    # "limité à 10 heures par jour", "jusqu'à 12 heures", "passer de 8 à 12 heures" (spans)
                    r"(?<!['’])(?<!\d )\b(?:à|vers|dès)\s+(?:[01]?\d|2[0-3])\s?heures?\b(?!\s+(?:de|d['’]|par)\b)",
                    r"\bentre\s+(?:[01]?\d|2[0-3])(?:\s?heures?)?\s+et\s+(?:[01]?\d|2[0-3])\s?heures?\b",
                    r"\bde\s+(?:[01]?\d|2[0-3])\s?heures?\s+à\s+(?:[01]?\d|2[0-3])\s?heures?\b"),
    time_cues_before=r"\b(?:à|vers|dès|jusqu['’]à)",
    time_cues_after=r"h\b|heures?\b",
    year_cues_before=r"\b(?:en|depuis|dès|avant|après|fin|début|mi|année|l['’]an|d['’]ici|jusqu['’]en|de)",
    grammar="svo",
    speech_verbs=words(
        "déclaré dit affirmé indiqué souligné expliqué ajouté précisé annoncé assuré confirmé rapporté "
        "écrit averti reconnu démenti nié martelé insisté prévenu dément démentent nie nient "
        "déclare affirme indique souligne explique ajoute précise annonce assure confirme rapporte "
        "déclarent disent affirment indiquent soulignent expliquent ajoutent précisent annoncent "
        "assurent confirment rapportent écrivent"),
    source_phrases=frozenset({("", "selon"), ("d'", "après"), ("d’", "après"), ("", "citant")}),
    pronouns=words("il elle ils elles on nous vous je cela ce celui celle ceux qui lequel laquelle"),
    determiners=words("le la les l' l’ un une des du son sa ses leur leurs"),
    adverbs=words("a ont avait avaient aurait auraient a-t-il a-t-elle également aussi déjà encore lundi mardi "
                  "mercredi jeudi vendredi samedi dimanche"),
    connectors=words("de du des d'"),
    elisions=("l'", "l’", "d'", "d’"),
    sentence_starters=words(
        "le la les un une des mais et ou donc car selon après avant lors depuis pour dans en à au aux ce cette "
        "il elle ils elles on lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui ainsi enfin "
        "toutefois cependant par ailleurs"),
    after_inverted_speaker=words("lundi mardi mercredi jeudi vendredi samedi dimanche à au en dans selon lors "
                                 "et qui citant"),
    roles=(r"(?:porte-parole|ministres?|ministères?|gouvernements?|sources?|responsables?|experts?|analystes?"
           r"|diplomates?|ambassadeurs?|ambassades?|présidents?|présidence|sénateurs?|députés?|agences?|journal"
           r"|journaux|quotidiens?|armées?|militaires?|police|autorités|officiels?|kremlin|état-major|chefs?"
           r"|commandants?|correspondants?|observatoire|témoins?|habitants?|militants?|conseillers?|diplomatie"
           r"|élysée|otan)"),
    modifiers=(r"(?:russes?|turcs?|turques?|américains?|américaines?|syriens?|syriennes?|kurdes?|français\w*"
               r"|anciens?|ancienne|hauts?|haute|diplomatiques?|militaires?|officiels?|officielles?|anonymes?"
               r"|proches?|bien|informée?s?|locale?s?|locaux|occidentale?s?|occidentaux)"),
    cite_before=(
        r"(?i)(?<!\w)(?:selon|d['’]après|citant|cité\s+par|citée\s+par|rapporté\s+par|a\s+rapporté|rapporte"
        r"|indique|a\s+indiqué|écrit|a\s+écrit|annonce|a\s+annoncé|a\s+déclaré|a\s+dit|a\s+confié"
        r"|(?:dans\s+)?(?:un\s+)?entretien\s+(?:au|à|avec)|interrogé\s+par|interrogée\s+par)\s*"
        r"(?:(?:l['’]|le\s+|la\s+|les\s+|du\s+|de\s+la\s+|des\s+|agence\s+|quotidien\s+|journal\s+|hebdomadaire\s+"
        r"|chaîne\s+|site\s+|média\s+|russe\s+|turque?\s+|officielle\s+|de\s+presse\s+|d['’]État\s+"
        r"|publique\s+|d['’]information\s+)){0,5}"),
    cite_after=(
        r"(?i)\A\s*(?:rapporte|rapportait|a\s+rapporté|indique|a\s+indiqué|écrit|a\s+écrit|annonce|a\s+annoncé"
        r"|affirme|a\s+affirmé|cite|citait)\b"),
    boilerplate=(
        r"^Par\s+(?:[A-ZÉ][\w.'’-]*(?:\s+|,\s*|\s+et\s+)?){1,6}$",
        r"(?i)^(?:Auteur|Rédaction|Rédacteur)\s*:",
        r"(?i)^\(?(?:Photo|Vidéo|Crédit|Illustration)s?\b\s*(?::|/)",
        r"(?i)^(?:Lire\s+aussi|À\s+lire\s+aussi|A\s+lire\s+aussi|Abonnez-vous|Inscrivez-vous|Newsletter"
        r"|Partager|Suivez-nous|Voir\s+aussi|En\s+savoir\s+plus)",
        r"(?i)Tous\s+droits\s+réservés",
        r"(?i)^(?:Nous\s+utilisons\s+des\s+cookies|Ce\s+site\s+utilise\s+des\s+cookies)",
    ),
    place_words=frozen_map({
        "turc": "TR", "turcs": "TR", "turque*": "TR", "russe": "RU", "russes": "RU", "américain*": "US", "britannique*": "GB",
        "chinois*": "CN", "iranien*": "IR", "irakien*": "IQ", "allemand*": "DE", "français*": "FR",
        "ankara": "ankara", "alep": "aleppo", "idleb": "idlib", "idlib": "idlib", "raqqa": "raqqa",
        "sotchi": "sochi", "washington": "washington", "genève": "geneva", "pétersbourg": "saint petersburg",
        "bosphore": "bosphorus", "dardanelles": "dardanelles", "crimée": "crimea",
    }),
)
