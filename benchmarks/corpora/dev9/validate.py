"""Validate the hand-annotated multilingual evaluation corpus dev9 (corpus.jsonl, outlets.json, answers.json).

usage: python3 validate.py        exits 1 and lists every problem found; prints counts.

Copied from benchmarks/corpora/dev7/validate.py (itself a copy of dev5's and dev4's, which come from
../shared/eval/annotated_dev/validate.py) and adapted to this corpus only where needed: the article
ids (h01, h02, ...) and the hard-coded lists of dev9's own hard cases (relays, own-figure revisions,
distractors, number wordings). Every generic check is kept unchanged. Relative to annotated_dev's
validator the generic checks are the same (schema, keys are exact substrings, one annotated claim
per sentence unless all are conflicts, counts), with these differences (all inherited from dev4):
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
- dev4's changes: ids (here h01, h02, ...) must follow publication order; articles have
  120-230 words and 7-13 sentences; independent_sources never exceeds the number of distinct
  outlets among a claim's sources (an outlet's second article on a story is not a new source).
  The blindspot check of annotated_dev is replaced by the corpus's own hard cases: an outlet revising
  its own figure (annotated as a conflict whose note says so), one event told over >= 10 days,
  the relay chains with their attribution markers, the same-day distractor for each story, and
  number words / digits for the same claim across languages.
- Changes for dev9 (relative to dev7's copy): ids h01..hNN; the RELAYS, SELF_UPDATES, DISTRACTORS
  and NUMBER_WORDS lists describe dev9's articles and claims. Nothing else is changed.
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
    if not re.fullmatch(r"h\d{2}", a["id"]):
        err(f"{a['id']}: ids are h01, h02, ...")
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
if [a["id"] for a in arts] != [f"h{i:02d}" for i in range(1, len(arts) + 1)]:
    err("article ids are not h01..hNN in order")
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

# dev9's own hard cases (hard-coded for this corpus)
RELAYS = [  # (rewrite, original, attribution marker in the rewrite's text)
    ("h04", "h01", "передает турецкое агентство Anadolu"),                # RIA Novosti <- Anadolu Ajansı (S1), across camps
    ("h05", "h03", "wie die Nachrichtenagentur Reuters berichtete"),      # Deutsche Welle <- Reuters (S1)
    ("h08", "h06", "TASS'ın Roskosmos'a dayandırdığı habere göre"),       # Anadolu Ajansı <- TASS (S2), across camps
    ("h09", "h06", "nach Angaben der russischen Staatsagentur Tass"),     # Der Spiegel <- TASS (S2), across camps
    ("h15", "h14", "Rus haber ajansı TASS'ın aktardığına göre"),          # Sputnik Türkiye <- TASS (S5), in Turkish
    ("h17", "h12", "Anadolu Agency (AA) reported on Thursday"),           # Daily Sabah <- Anadolu Ajansı (S5)
    ("h20", "h19", "сообщает газета Süddeutsche Zeitung"),                # TASS <- Süddeutsche Zeitung (S3), across camps
    ("h25", "h18", "Как ранее сообщало агентство Anadolu"),               # RIA Novosti <- Anadolu Ajansı (S1), across camps
    ("h32", "h27", "selon l'agence officielle Anadolu"),                  # AFP <- Anadolu Ajansı (S4), across camps
    ("h33", "h27", "as reported by Anadolu Agency (AA)"),                 # Daily Sabah <- Anadolu Ajansı (S4)
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
SELF_UPDATES = [("S1-k2", "h01", "h18"), ("S1-k10", "h04", "h25"), ("S5-k2", "h14", "h16")]  # (claim, first, revised): AA capital gap 2.5 -> 7.2 bn lira, RIA Russian depositors 4,000 -> 5,600, TASS coins 1,340 -> 1,420
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
    ("S1-k2", "h01", "2,5 milyar"), ("S1-k2", "h03", "($57 million)"), ("S1-k2", "h18", "7,2 milyar"), ("S1-k2", "h25", "7,2 млрд"),
    ("S1-k2", "h34", "plus de 7 milliards"), ("S1-k3", "h01", "310 bin"), ("S1-k3", "h03", "310,000"), ("S1-k3", "h05", "310.000"),
    ("S1-k4", "h01", "18,4 milyar"), ("S1-k4", "h03", "($420 million)"), ("S1-k4", "h04", "420 млн долларов"), ("S1-k4", "h05", "360 Millionen Euro"),
    ("S1-k10", "h04", "4 тысяч"), ("S1-k10", "h25", "5,6 тысячи"), ("S1-k10", "h34", "5 600"), ("S1-k14", "h05", "sechs Prozent"),
    ("S1-k18", "h18", "3 bin"), ("S1-k18", "h25", "10 тысяч"), ("S1-k18", "h34", "plusieurs milliers"),
    ("S1-k20", "h18", "yüzde 92"), ("S1-k20", "h34", "8 %"), ("S1-k21", "h25", "еще пятерых"), ("S1-k21", "h34", "Six responsables"),
    ("S2-k1", "h06", "08:02 мск"), ("S2-k1", "h07", "0502 GMT"), ("S2-k1", "h09", "6.02 Uhr"),
    ("S2-k3", "h06", "18 космических"), ("S2-k3", "h07", "21 satellites"), ("S2-k3", "h08", "18 uydu"), ("S2-k3", "h09", "zwei Dutzend"),
    ("S2-k5", "h06", "девятой минуте"), ("S2-k18", "h07", "nine countries"), ("S2-k7", "h07", "Two of them"), ("S2-k7", "h08", "2'si"),
    ("S2-k9", "h07", "60 million lira"), ("S2-k9", "h08", "1,8 milyon dolar"), ("S2-k9", "h11", "60m lira"),
    ("S3-k3", "h19", "24 Tonnen"), ("S3-k3", "h20", "24 тонны"), ("S3-k3", "h21", "24 ton"),
    ("S3-k10", "h19", "Mehr als 1300"), ("S3-k10", "h20", "более 1300"), ("S3-k10", "h21", "bin 300"), ("S3-k10", "h23", "More than 1,300"),
    ("S3-k10", "h26", "Plus de 1 300"), ("S3-k11", "h19", "14 Menschen"), ("S3-k11", "h20", "14 пострадавшим"), ("S3-k11", "h21", "9 kişi"),
    ("S3-k11", "h23", "Seventeen"), ("S3-k11", "h24", "17 kişi"), ("S3-k11", "h26", "Dix-sept"), ("S3-k12", "h23", "Six of them"),
    ("S3-k15", "h24", "31 saat"), ("S3-k15", "h26", "31 heures"), ("S3-k20", "h19", "fünf Kilometern"), ("S3-k20", "h23", "five kilometres"),
    ("S4-k2", "h27", "212 seferin"), ("S4-k2", "h28", "более 200"), ("S4-k2", "h30", "About 240"), ("S4-k2", "h32", "212 vols"),
    ("S4-k2", "h33", "212 flights"), ("S4-k3", "h27", "35 bin"), ("S4-k3", "h32", "35 000"), ("S4-k3", "h33", "35,000"),
    ("S4-k4", "h31", "12.000"), ("S4-k5", "h28", "4 тыс."), ("S4-k6", "h27", "yüzde 70"), ("S4-k6", "h28", "70%"),
    ("S4-k6", "h31", "70 Prozent"), ("S4-k6", "h32", "70 %"), ("S4-k8", "h27", "yüzde 62"), ("S4-k8", "h30", "98%"),
    ("S4-k13", "h32", "soixante jours"), ("S4-k13", "h33", "60 days"), ("S4-k22", "h28", "35 рейсов"),
    ("S5-k2", "h12", "1.340"), ("S5-k2", "h14", "1340"), ("S5-k2", "h16", "1420"), ("S5-k2", "h17", "1,340"),
    ("S5-k3", "h12", "4. yüzyıla"), ("S5-k3", "h14", "IV веке"), ("S5-k3", "h16", "2400 лет"), ("S5-k3", "h17", "fourth century"),
    ("S5-k4", "h12", "3 metre"), ("S5-k4", "h14", "трех метров"), ("S5-k4", "h17", "3 meters"),
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
