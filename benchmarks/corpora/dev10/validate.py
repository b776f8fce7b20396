"""Validate the hand-annotated multilingual evaluation corpus dev10 (corpus.jsonl, outlets.json, answers.json).

usage: python3 validate.py        exits 1 and lists every problem found; prints counts.

Copied from benchmarks/corpora/dev5/validate.py (itself copied from dev4's, a copy of
../shared/eval/annotated_dev/validate.py) and adapted to this corpus only where needed: the article
ids (j01, j02, ...) and the hard-coded lists of dev10's own hard cases (relays, own-figure revisions,
distractors, number wordings). Every generic check is kept unchanged. Relative to annotated_dev's
validator the generic checks are the same (schema, keys are exact substrings, one annotated claim per
sentence unless all are conflicts, counts), with these differences (all inherited from dev4/dev5):
- Each article's language is read from answers.json `languages` (ru, tr, en, de, fr), not from the
  script of its text. A sanity check still rejects a declared language that the text contradicts
  (Cyrillic for ru only, Turkish letters for tr, function words for en/de/fr/tr).
- The sentence splitter also knows German ordinal dates ("am 22. April"), German and Spiegel-style
  quotes (»...«, „...“) and capitals such as É, À, Ä.
- Multi-article stories have 3-7 articles; at least 4 are covered by all three camps and at least
  one by exactly two camps. Every multi-article story has a conflict and a reprint claim.
- Extra hard-case checks: near-miss pairs, denials annotated as their own claims, a Western wire
  copy of a Reuters story, German and French articles stating shared claims, singletons that
  share a date with a multi-article story.
- ids (here j01, j02, ...) must follow publication order; articles have 120-230 words and 7-13
  sentences; independent_sources never exceeds the number of distinct outlets among a claim's
  sources (an outlet's second article on a story is not a new source); the articles span at most
  two weeks. The corpus's own hard cases: an outlet revising its own figure (annotated as a
  conflict whose note says so), one event told over >= 10 days, the relay chains with their
  attribution markers, the same-day distractor for each story, and number words / digits for the
  same claim across languages.
- Changes for dev10: ids j01..jNN; the RELAYS, SELF_UPDATES, DISTRACTORS and NUMBER_WORDS lists
  describe dev10's articles and claims.
"""
import collections, json, os, re, sys
from datetime import datetime
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "url", "outlet", "title", "text", "published"]
KINDS = {"shared", "camp_only", "single_source", "conflict"}
CAMPS = ("ru", "tr", "west")
LANGS = ("ru", "tr", "en", "de", "fr")
errors = []


def err(msg):
    errors.append(msg)


UPPER = "A-ZА-ЯЁÇĞİÖŞÜÄÉÈÀÂÎÔÛ"
OPEN_Q = "«“\"„»"
CLOSE_Q = "»”\"“«"
DE_MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"


def sentences(text):
    """Rough splitter, good enough to check one annotated claim per sentence."""
    out = []
    for para in text.split("\n\n"):
        p = para.replace("U.S.", "U\u00a7S\u00a7")
        p = re.sub(r"(\d)\. (?=(?:%s)\b)" % DE_MONTHS, "\\1\u00a7 ", p)  # "am 22. April"
        for s in re.split(r"(?:(?<=[.!?…])|(?<=[.!?…][%s]))\s+(?=[%s%s])" % (CLOSE_Q, OPEN_Q, UPPER), p):
            if s.strip():
                out.append(s.strip().replace("\u00a7", "."))
    return out


def norm(s):
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", s.lower())).strip()


def loose_match(key, sent):  # the acceptance checks' text match, minus the containment-of-mention branch
    k, m = norm(key), norm(sent)
    return k in m or len(set(k.split()) & set(m.split())) >= 0.7 * len(set(k.split()))


STOP = {
    "en": {"the", "and", "of", "to", "in", "was", "said", "on", "for", "that", "with", "from", "its", "were"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "des", "wurde", "sich", "ein", "eine", "zu", "von", "im", "auf"},
    "fr": {"le", "la", "les", "et", "des", "du", "une", "un", "est", "dans", "pour", "qui", "sur", "au", "par", "de"},
    "tr": {"ve", "bir", "bu", "ile", "için", "olarak", "göre", "ise", "olan", "yapılan", "ilk", "sonra"},
}


def language_problem(text, lang):
    """None if the text can be in `lang`, else a reason."""
    letters = [c for c in text if c.isalpha()]
    cyr = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    if lang == "ru":
        return None if cyr > 0.5 * len(letters) else "too little Cyrillic for ru"
    if cyr:
        return "Cyrillic in a non-ru text"
    if lang == "tr" and not re.search(r"[ğışİĞŞ]", text):
        return "no Turkish letters in a tr text"
    words = re.findall(r"\w+", text.lower())
    score = {l: sum(w in STOP[l] for w in words) for l in STOP}
    best = max(score, key=score.get)
    return None if best == lang else f"function words look {best}, not {lang} ({score})"


def shingles(text, n=4):
    w = norm(text).split()
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


arts = [json.loads(l) for l in open(os.path.join(HERE, "corpus.jsonl"), encoding="utf-8") if l.strip()]
outlets = json.load(open(os.path.join(HERE, "outlets.json"), encoding="utf-8"))
answers = json.load(open(os.path.join(HERE, "answers.json"), encoding="utf-8"))
by_id = {}

# ---- articles and outlets
if set(answers) != {"languages", "stories", "claims"}:
    err(f"answers.json: top-level keys {sorted(answers)}")
for name, o in outlets.items():
    if set(o) != {"camp", "country", "domain"} or o["camp"] not in CAMPS or not re.fullmatch(r"[A-Z]{2}", o["country"]):
        err(f"outlets.json: bad entry for {name}: {o}")
for a in arts:
    if list(a) != FIELDS:
        err(f"{a.get('id')}: fields {list(a)} != {FIELDS}")
        continue
    if a["id"] in by_id:
        err(f"duplicate article id {a['id']}")
    if not re.fullmatch(r"j\d{2}", a["id"]):
        err(f"{a['id']}: ids are j01, j02, ...")
    by_id[a["id"]] = a
    o = outlets.get(a["outlet"])
    if not o:
        err(f"{a['id']}: outlet {a['outlet']!r} not in outlets.json")
    else:
        host = urlparse(a["url"]).netloc
        if urlparse(a["url"]).scheme != "https" or not (host == o["domain"] or host.endswith("." + o["domain"])):
            err(f"{a['id']}: url {a['url']} not on {o['domain']}")
    try:
        if datetime.fromisoformat(a["published"].replace("Z", "+00:00")).tzinfo is None:
            err(f"{a['id']}: published has no timezone")
    except ValueError:
        err(f"{a['id']}: bad published {a['published']!r}")
    words, sents = len(a["text"].split()), len(sentences(a["text"]))
    if not 120 <= words <= 230:
        err(f"{a['id']}: {words} words (want 120-230)")
    if not 7 <= sents <= 13:
        err(f"{a['id']}: {sents} sentences (want 7-13)")
if [a["id"] for a in arts] != [f"j{i:02d}" for i in range(1, len(arts) + 1)]:
    err("article ids are not j01..jNN in order")
try:
    _t = [datetime.fromisoformat(a["published"]) for a in arts]
    for x, y, t0, t1 in zip(arts, arts[1:], _t, _t[1:]):
        if t1 < t0:
            err(f"{y['id']} is published before {x['id']}: ids must follow publication order")
except (ValueError, TypeError):
    pass
if len({a["url"] for a in arts}) != len(arts):
    err("duplicate urls")
unused = set(outlets) - {a["outlet"] for a in arts}
if unused:
    err(f"outlets.json lists unused outlets {sorted(unused)}")
camp = {a["id"]: outlets[a["outlet"]]["camp"] for a in arts if a["outlet"] in outlets}
lang = dict(answers.get("languages", {}))
if set(lang) != set(by_id):
    err(f"languages: missing {sorted(set(by_id) - set(lang))}, unknown {sorted(set(lang) - set(by_id))}")
for aid, a in by_id.items():
    if lang.get(aid) not in LANGS:
        err(f"{aid}: language {lang.get(aid)!r} not one of {LANGS}")
        continue
    why = language_problem(a["text"], lang[aid])
    if why:
        err(f"{aid}: declared {lang[aid]} but {why}")
    if (lang[aid] == "ru") != bool(re.search(r"[\u0400-\u04FF]", a["title"])):
        err(f"{aid}: title script does not fit language {lang[aid]}")
times = []
for a in arts:
    try:
        t = datetime.fromisoformat(a["published"].replace("Z", "+00:00"))
    except (ValueError, TypeError):
        continue
    if t.tzinfo is not None:
        times.append(t)
if times and (max(times) - min(times)).days > 14:
    err(f"articles span {(max(times) - min(times)).days} days (want a two-week window)")

# ---- stories
story_of = {}
for sid, members in answers["stories"].items():
    for aid in members:
        if aid not in by_id:
            err(f"story {sid}: unknown article {aid}")
        if aid in story_of:
            err(f"article {aid} in both {story_of[aid]} and {sid}")
        story_of[aid] = sid
for aid in by_id:
    if aid not in story_of:
        err(f"article {aid} is in no story")

# ---- claims
seen = set()
per_story = collections.defaultdict(list)
key_sentence = collections.defaultdict(list)  # (article, sentence index) -> claims keyed there
for c in answers["claims"]:
    cid = c.get("id")
    if set(c) != {"story", "id", "kind", "sources", "camps", "independent_sources", "keys", "note"}:
        err(f"{cid}: fields {sorted(c)}")
        continue
    if cid in seen:
        err(f"duplicate claim id {cid}")
    seen.add(cid)
    per_story[c["story"]].append(c)
    members = answers["stories"].get(c["story"])
    if members is None:
        err(f"{cid}: unknown story {c['story']}")
        continue
    if c["kind"] not in KINDS:
        err(f"{cid}: bad kind {c['kind']}")
    if c["sources"] != list(c["keys"]):
        err(f"{cid}: sources {c['sources']} != keys {list(c['keys'])}")
    want_camps = [x for x in CAMPS if x in {camp.get(s) for s in c["sources"]}]
    if c["camps"] != want_camps:
        err(f"{cid}: camps {c['camps']} != {want_camps}")
    n, ind = len(c["sources"]), c["independent_sources"]
    if not (isinstance(ind, int) and 1 <= ind <= n):
        err(f"{cid}: independent_sources {ind} not in 1..{n}")
    if c["kind"] == "single_source" and ind != 1:
        err(f"{cid}: single_source with {ind} independent sources")
    if c["kind"] == "camp_only" and (ind < 2 or len(want_camps) != 1):
        err(f"{cid}: camp_only needs >= 2 independent sources in one camp")
    if c["kind"] == "shared" and len(want_camps) < 2:
        err(f"{cid}: shared needs >= 2 camps")
    if c["kind"] == "conflict" and n < 2:
        err(f"{cid}: conflict needs >= 2 sources")
    n_outlets = len({by_id[s]["outlet"] for s in c["sources"] if s in by_id})
    if isinstance(ind, int) and ind > n_outlets:
        err(f"{cid}: independent_sources {ind} > {n_outlets} distinct outlets among the sources")
    if not c["note"] or "\n" in c["note"]:
        err(f"{cid}: note must be one line")
    for aid, key in c["keys"].items():
        if aid not in members:
            err(f"{cid}: source {aid} not in story {c['story']}")
            continue
        text = by_id[aid]["text"]
        if key not in text:
            err(f"{cid}: key for {aid} is not a substring: {key!r}")
            continue
        if not 20 <= len(key) <= 120:
            err(f"{cid}: key for {aid} has {len(key)} chars")
        sents = sentences(text)
        home = [i for i, s in enumerate(sents) if key in s]
        if len(home) != 1:
            err(f"{cid}: key for {aid} spans sentences or repeats: {key!r}")
            continue
        key_sentence[(aid, home[0])].append(c)
        loose = [i for i, s in enumerate(sents) if loose_match(key, s)]
        if loose != home:
            err(f"{cid}: key for {aid} also loosely matches sentence(s) {[sents[i][:60] for i in loose if i not in home]}")
for (aid, i), cs in key_sentence.items():
    if len(cs) > 1 and not all(c["kind"] == "conflict" for c in cs):
        err(f"{aid} sentence {i}: several claims keyed in one sentence: {[c['id'] for c in cs]}")

# ---- story-level design rules
cl = answers["claims"]
multi = {s for s, m in answers["stories"].items() if len(m) > 1}
days = {s: {by_id[m]["published"][:10] for m in ms if m in by_id} for s, ms in answers["stories"].items()}
story_camps = {s: {camp[m] for m in ms if m in camp} for s, ms in answers["stories"].items()}
for sid, members in answers["stories"].items():
    if len(members) == 1:
        continue
    langs = {lang.get(m) for m in members}
    outs = {by_id[m]["outlet"] for m in members if m in by_id}
    camps = story_camps[sid]
    cs = per_story[sid]
    kinds = collections.Counter(c["kind"] for c in cs)
    if not 3 <= len(members) <= 7:
        err(f"{sid}: {len(members)} articles (want 3-7)")
    if len(camps) == 3 and not {"ru", "tr", "en"} <= langs:
        err(f"{sid}: covered by all camps but languages {sorted(langs)}")
    if len(langs) < 2 or len(outs) < 3:
        err(f"{sid}: {len(langs)} languages, {len(outs)} outlets")
    if len(cs) < 5 or kinds["single_source"] + kinds["camp_only"] < 2:
        err(f"{sid}: claims {dict(kinds)}")
    if len(camps) >= 2 and kinds["shared"] < 1:
        err(f"{sid}: no shared claim")
    if kinds["camp_only"] < 1 or kinds["conflict"] < 1:
        err(f"{sid}: needs a camp_only and a conflict claim, has {dict(kinds)}")
    if not any(c["independent_sources"] < len(c["sources"]) for c in cs):
        err(f"{sid}: no reprint (a claim with fewer independent sources than articles)")
for sid, members in answers["stories"].items():
    if len(members) == 1 and not any(days[sid] & days[m] for m in multi):
        err(f"singleton {sid} shares no publication date with a multi-article story")

# ---- the hard cases the corpus must contain
by_cid = {c["id"]: c for c in cl}
near = set()
for c in cl:
    for frag in re.findall(r"[Nn]ear miss with ([^.]*)", c["note"]):  # "Near miss with S1-k2 (...) and S1-k5."
        for o in re.findall(r"S\d+-k\d+", frag):
            t = by_cid.get(o)
            if not t or t["story"] != c["story"]:
                err(f"{c['id']}: near miss with {o}, which is not a claim of the same story")
            elif set(t["sources"]) == set(c["sources"]):
                err(f"{c['id']}: near miss with {o}, but both claims have the same sources")
            else:
                near.add(tuple(sorted((c["id"], o))))
denials = []
for c in cl:
    for o in re.findall(r"[Cc]ontradicts (S\d+-k\d+)", c["note"]):
        t = by_cid.get(o)
        if not t or t["story"] != c["story"]:
            err(f"{c['id']}: contradicts {o}, which is not a claim of the same story")
        elif c["kind"] not in ("single_source", "camp_only") or set(c["camps"]) == set(t["camps"]):
            err(f"{c['id']}: a denial must be single_source/camp_only and come from another camp mix than {o}")
        else:
            denials.append((c["id"], o))
wire = []  # (copy, original): a Western article that reprints a Reuters article nearly verbatim
for s, ms in answers["stories"].items():
    for a in ms:
        for b in ms:
            if a != b and by_id[b]["outlet"] == "Reuters" and by_id[a]["outlet"] != "Reuters" and camp[a] == "west":
                sa, sb = shingles(by_id[a]["text"]), shingles(by_id[b]["text"])
                if sa and len(sa & sb) / min(len(sa), len(sb)) >= 0.6:
                    wire.append((a, b))
for copy, orig in wire:
    for c in cl:
        if copy in c["sources"] and orig in c["sources"] and c["independent_sources"] > len(c["sources"]) - 1:
            err(f"{c['id']}: counts wire copy {copy} of {orig} as an independent source")
shared_langs = collections.defaultdict(set)
for c in cl:
    if c["kind"] == "shared":
        for aid in c["sources"]:
            shared_langs[lang.get(aid)].add(c["story"])
three_camp = [s for s in multi if len(story_camps[s]) == 3]
two_camp = [s for s in multi if len(story_camps[s]) == 2]

# dev10's own hard cases (hard-coded for this corpus)
RELAYS = [  # (rewrite, original, attribution marker in the rewrite's text)
    ("j03", "j01", "По данным агентства Anadolu"),                              # RIA Novosti <- Anadolu Ajansı (S1), across camps
    ("j05", "j01", "wie die staatliche Nachrichtenagentur Anadolu berichtete"),  # Deutsche Welle <- Anadolu Ajansı (S1), across camps
    ("j10", "j08", "wie die Oppositionszeitung Cumhuriyet berichtete"),         # Süddeutsche Zeitung <- Cumhuriyet (S4), across camps
    ("j14", "j12", "rapporte l'agence TASS"),                                   # Le Figaro <- TASS (S2), across camps
    ("j18", "j16", "RIA Novosti ajansının aktardığına göre"),                   # Hürriyet <- RIA Novosti (S2), across camps
    ("j24", "j19", "Как сообщал «Интерфакс»"),                                  # Kommersant <- Interfax (S3)
    ("j25", "j22", "Anadolu Agency (AA) reported"),                             # Daily Sabah <- Anadolu Ajansı (S3)
    ("j28", "j27", "Der Spiegel reported"),                                     # RT <- Der Spiegel (S5), across camps
    ("j31", "j29", "Как передает агентство Anadolu"),                           # TASS <- Anadolu Ajansı (S5), across camps
]
relays_ok = []
for copy, orig, marker in RELAYS:
    if copy not in by_id or orig not in by_id:
        err(f"relay {copy} <- {orig}: unknown article")
        continue
    if marker not in by_id[copy]["text"]:
        err(f"relay {copy} <- {orig}: marker {marker!r} not in the text")
    elif story_of.get(copy) != story_of.get(orig) or copy <= orig:
        err(f"relay {copy} <- {orig}: not a later article of the same story")
    elif not any(copy in c["sources"] and orig in c["sources"] and c["independent_sources"] < len(c["sources"]) for c in cl):
        err(f"relay {copy} <- {orig}: no claim discounts the rewrite")
    else:
        relays_ok.append((copy, orig))
SELF_UPDATES = [("S1-k2", "j01", "j11"), ("S1-k11", "j04", "j26")]  # (claim, first, revised): AA 42 -> 64 neighbourhoods, Reuters 90,000 -> 130,000 residents
updates_ok = []
for cid, first, later in SELF_UPDATES:
    c = by_cid.get(cid)
    if (not c or c["kind"] != "conflict" or not {first, later} <= set(c["sources"]) or not {first, later} <= set(by_id)
            or by_id[first]["outlet"] != by_id[later]["outlet"] or "updated its own" not in c["note"]):
        err(f"self-update {cid}: want a conflict keyed in {first} and {later} (same outlet) whose note says 'updated its own'")
    else:
        updates_ok.append(cid)
DISTRACTORS = {"S6": "S1", "S7": "S2", "S8": "S3", "S9": "S4", "S10": "S5"}  # singleton -> story it imitates
for single, story in DISTRACTORS.items():
    if len(answers["stories"].get(single, [])) != 1 or not days.get(single, set()) & days.get(story, set()):
        err(f"distractor {single} should be a singleton published on a day of {story}")
NUMBER_WORDS = [  # (claim, article, word in its key): the same figure as words in one article, digits in another
    ("S1-k2", "j01", "42 mahallede"), ("S1-k2", "j03", "42 микрорайонах"), ("S1-k2", "j05", "42 Stadtviertel"), ("S1-k2", "j11", "64'e"),
    ("S1-k2", "j34", "soixante-quatre"), ("S1-k3", "j01", "yüzde 11,4"), ("S1-k3", "j04", "9%"), ("S1-k3", "j05", "11,4 Prozent"),
    ("S1-k5", "j01", "günde 10 saat"), ("S1-k5", "j03", "по десять часов"), ("S1-k5", "j04", "10 hours a day"), ("S1-k5", "j05", "zehn Stunden"),
    ("S1-k5", "j34", "dix heures"), ("S1-k6", "j01", "yüzde 46"), ("S1-k6", "j04", "46%"), ("S1-k6", "j34", "près de moitié"),
    ("S1-k10", "j01", "24 arazözle"), ("S1-k10", "j04", "two dozen"), ("S1-k11", "j04", "About 90,000"), ("S1-k11", "j26", "more than 130,000"),
    ("S1-k11", "j34", "Plus de 130 000"), ("S1-k19", "j11", "2,7 milyar lira"), ("S1-k19", "j26", "$60 million"),
    ("S1-k19", "j34", "53 millions d'euros"), ("S1-k20", "j11", "90 gün"), ("S1-k20", "j26", "three months"), ("S1-k22", "j11", "15 bin lira"),
    ("S1-k22", "j26", "15,000 lira ($330)"), ("S1-k23", "j11", "yüzde 38"), ("S1-k23", "j26", "more than a third"), ("S1-k23", "j34", "38 %"),
    ("S2-k2", "j12", "27 человек"), ("S2-k2", "j13", "en az 31"), ("S2-k2", "j14", "Au moins 27"), ("S2-k2", "j15", "Thirty-four"),
    ("S2-k2", "j16", "до 34"), ("S2-k2", "j18", "34'e"), ("S2-k3", "j12", "Девять"), ("S2-k3", "j15", "Nine"), ("S2-k3", "j16", "девять человек"),
    ("S2-k5", "j12", "11 тыс."), ("S2-k5", "j13", "11 bin"), ("S2-k5", "j15", "11,000"), ("S2-k5", "j16", "11 тысяч"),
    ("S2-k22", "j16", "по 100 тысяч рублей"), ("S2-k22", "j18", "100 bin ruble"), ("S3-k5", "j19", "более 180 тыс. га"),
    ("S3-k5", "j21", "250,000 hectares"), ("S3-k5", "j22", "180 bin hektar"), ("S3-k7", "j21", "1.3 million"), ("S3-k7", "j22", "1,1 milyon"),
    ("S3-k7", "j23", "1.3m"), ("S3-k7", "j25", "1.1 million"), ("S3-k11", "j19", "9 млрд рублей"), ("S3-k11", "j21", "9 billion roubles ($112 million)"),
    ("S3-k11", "j23", "9bn roubles (£84m)"), ("S4-k1", "j06", "yüzde 25"), ("S4-k1", "j09", "25 %"), ("S4-k1", "j10", "25 Prozent"),
    ("S4-k5", "j06", "210 lira"), ("S4-k5", "j08", "360 lira"), ("S4-k5", "j09", "360 livres (environ 7 euros)"), ("S4-k9", "j08", "23 kişi"),
    ("S4-k9", "j09", "14 personnes"), ("S4-k9", "j10", "23 Menschen"), ("S5-k1", "j28", "two employees"), ("S5-k1", "j29", "2 personeli"),
    ("S5-k1", "j33", "deux employés"), ("S5-k4", "j27", "mehr als 1300"), ("S5-k4", "j28", "more than 1,300"), ("S5-k4", "j33", "environ 800"),
    ("S5-k17", "j28", "40 Russian"), ("S5-k17", "j31", "40 российских"),
]
for cid, aid, word in NUMBER_WORDS:
    c = by_cid.get(cid)
    if not c or word not in c["keys"].get(aid, ""):
        err(f"number wording: {word!r} not in the key of {cid} for {aid}")
long_story = [s for s in multi if len(answers["stories"][s]) >= 5 and set(answers["stories"][s]) <= set(by_id) and (
    max(datetime.fromisoformat(by_id[m]["published"]) for m in answers["stories"][s])
    - min(datetime.fromisoformat(by_id[m]["published"]) for m in answers["stories"][s])).days >= 10]
checks = {
    "a shared by all three camps": any(c["kind"] == "shared" and len(c["camps"]) == 3 for c in cl),
    "b camp_only in >= 2 articles": any(c["kind"] == "camp_only" and len(c["sources"]) >= 2 for c in cl),
    "c single_source": any(c["kind"] == "single_source" and c["story"] in multi for c in cl),
    "d reprint (2+ articles, 1 independent source)": any(len(c["sources"]) >= 2 and c["independent_sources"] == 1 for c in cl),
    "e numeric conflict across camps": any(c["kind"] == "conflict" and len(c["camps"]) >= 2 for c in cl),
    "f two multi-article stories sharing a date": any(a != b and days[a] & days[b] for a in multi for b in multi),
    "g a story spread over 3 days": any(len(days[s]) >= 3 for s in multi),
    "h >= 12 near-miss pairs": len(near) >= 12,
    "i a denial annotated as its own claim": bool(denials),
    "j a Western wire copy of a Reuters article": bool(wire),
    "k de and fr articles state shared claims in >= 2 stories each": all(len(shared_langs[l]) >= 2 for l in ("de", "fr")),
    "l >= 4 stories covered by all three camps and one by two camps": len(three_camp) >= 4 and bool(two_camp),
    "m an outlet revising its own figure (>= 2 such claims)": len(updates_ok) >= 2,
    "n one event told over >= 10 days in >= 5 articles": bool(long_story),
    "o >= 6 relays with attribution markers": len(relays_ok) >= 6,
    "p >= 4 denials and >= 4 same-day distractor singletons": len(denials) >= 4 and len(DISTRACTORS) >= 4,
}
for name, ok in checks.items():
    if not ok:
        err(f"missing hard case: {name}")

# ---- report
kinds = collections.Counter(c["kind"] for c in cl)
print(f"articles {len(arts)} | stories {len(answers['stories'])} ({len(multi)} multi-article, "
      f"{len(answers['stories']) - len(multi)} singletons) | claims {len(cl)}")
print("claims by kind:", dict(sorted(kinds.items())))
print("languages:", dict(sorted(collections.Counter(lang.values()).items())),
      "| camps:", dict(sorted(collections.Counter(camp.values()).items())), f"| outlets {len(outlets)}")
print("claims in multi-article stories:", sum(c["story"] in multi for c in cl),
      "| shared by all three camps:", sum(c["kind"] == "shared" and len(c["camps"]) == 3 for c in cl))
print("single_source claims resting on a report plus its reprint(s):",
      sum(c["kind"] == "single_source" and len(c["sources"]) > 1 for c in cl),
      "| near-miss pairs:", len(near), "| denials:", len(denials),
      "| wire copies:", ", ".join(f"{a} of {b}" for a, b in wire) or "none")
print(f"published {min(times).date() if times else '?'} .. {max(times).date() if times else '?'} | stories by all three camps: {len(three_camp)}"
      f" | by two camps: {', '.join(sorted(two_camp)) or 'none'}")
print(f"relays with markers: {len(relays_ok)} | own-figure revisions: {', '.join(updates_ok) or 'none'}"
      f" | stories told over >= 10 days: {', '.join(long_story) or 'none'} | same-day distractors: {len(DISTRACTORS)}")
for sid, members in answers["stories"].items():
    k = collections.Counter(c["kind"] for c in per_story[sid])
    print(f"  {sid}: {len(members)} art {'/'.join(sorted({lang.get(m, '?') for m in members}))} "
          f"camps {'/'.join(c for c in CAMPS if c in story_camps[sid])} "
          f"days {len(days[sid])} claims {sum(k.values())} {dict(sorted(k.items()))}")
if errors:
    print(f"\n{len(errors)} problem(s):")
    print("\n".join("  " + e for e in errors))
    sys.exit(1)
print("OK: all checks passed")
