"""Validate the quake10 corpus (corpus.jsonl, outlets.json, answers.json, figures.json, speakers.json).

usage: python3 validate.py        exits 1 and lists every problem found; prints counts.

After annotated_dev's validator (the same schema and key checks), cut to what this corpus is for
and with checks of its own design:
- schema: the six fields of every article; answers' languages, stories and claims as annotated_dev;
- keys: exact substrings of their article, each inside one sentence, in exactly one sentence;
- design: one event told over ten days or more by six outlets in ru, tr, en and de, two of each
  camp; the death toll rises day by day; one outlet updates its own figure in a later article;
  two outlets of different camps give different tolls the same day;
- figures.json: every figure's words are in its article and hold its value (digits or a number
  word), kinds are crosscheck's (text/evidence.py), and no figure is listed twice;
- speakers.json: each quote's words are in its article and name the speaker as that language
  writes them.
"""
import json
import os
import re
import sys
from collections import Counter
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["id", "url", "outlet", "title", "text", "published"]
KINDS = {"shared", "camp_only", "single_source", "conflict"}
FIGURE_KINDS = {"dead", "injured", "missing", "count", "magnitude", "duration", "money", "percent", "unit:km", "unit:t"}
NUMBER_WORDS = {2: ["Два"], 3: ["three", "трех"]}
errors = []


def err(msg):
    errors.append(msg)


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()] if name.endswith(".jsonl") else json.load(f)


def sentences(text):
    """Rough splitter: at . ! ? followed by a capital, an opening quote or a digit."""
    out = []
    for para in text.split("\n\n"):
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[\"«A-ZА-ЯЁÇĞİÖŞÜ0-9])", para) if s.strip()]
    return out


def check_articles(articles, outlets):
    for a in articles:
        if list(a) != FIELDS:
            err(f"{a.get('id')}: fields {list(a)} are not {FIELDS}")
        if a["outlet"] not in outlets:
            err(f"{a['id']}: outlet {a['outlet']} not in outlets.json")
        when = datetime.fromisoformat(a["published"])
        if when.tzinfo is None or when > datetime.now(timezone.utc):
            err(f"{a['id']}: published {a['published']} has no timezone or lies in the future")
    days = sorted(datetime.fromisoformat(a["published"]).astimezone(timezone.utc).date() for a in articles)
    if (days[-1] - days[0]).days < 9:
        err(f"the event is told over {(days[-1] - days[0]).days + 1} days, not ten")


def check_keys(text_of, claims):
    for c in claims:
        if c["kind"] not in KINDS:
            err(f"{c['id']}: kind {c['kind']}")
        if sorted(c["keys"]) != sorted(c["sources"]):
            err(f"{c['id']}: keys and sources differ")
        for article, key in c["keys"].items():
            found = [s for s in sentences(text_of[article]) if key in s]
            if len(found) != 1:
                err(f"{c['id']}: key {key!r} is in {len(found)} sentences of {article}")


def check_figures(text_of, figures):
    seen = Counter((f["article"], f["words"]) for f in figures["figures"])
    for (article, words), n in seen.items():
        if n > 1:
            err(f"figure {article} {words!r} listed {n} times")
    for f in figures["figures"]:
        if f["words"] not in text_of[f["article"]]:
            err(f"figure {f['article']}: {f['words']!r} not in the text")
        if f["kind"] not in FIGURE_KINDS:
            err(f"figure {f['article']}: kind {f['kind']}")
        digits = re.sub(r"[.,\s]|bin|Milliarden|milyar", "", f["words"])
        value = f["value"]
        spelled = any(w in f["words"] for w in NUMBER_WORDS.get(value, []))
        if not spelled and str(int(value) if value < 1e9 else int(value // 1e9)) not in digits \
                and f"{value}".replace(".", ",") not in f["words"] and f"{value}" not in f["words"] \
                and not ("bin" in f["words"] and str(int(value) // 1000) in f["words"]):
            err(f"figure {f['article']}: {f['words']!r} does not hold {value}")


def check_design(articles, outlets, answers, figures):
    camps = Counter(outlets[o]["camp"] for o in {a["outlet"] for a in articles})
    if len({a["outlet"] for a in articles}) != 6 or camps != Counter({"ru": 2, "tr": 2, "west": 2}):
        err(f"outlets by camp: {dict(camps)}, not two in each of six")
    if set(answers["languages"].values()) != {"ru", "tr", "en", "de"}:
        err(f"languages {sorted(set(answers['languages'].values()))}")
    tolls = sorted((datetime.fromisoformat(a["published"]), f["value"]) for f in figures["figures"] if f["kind"] == "dead"
                   for a in articles if a["id"] == f["article"])
    by_day = {}
    for when, value in tolls:
        by_day.setdefault(when.date(), []).append(value)
    maxima = [max(v) for _, v in sorted(by_day.items())]
    if maxima != sorted(maxima) or len(set(maxima)) < 5:
        err(f"the death toll does not rise day by day: {maxima}")
    up, clash = figures["update"], figures["conflict"]
    outlet_of = {a["id"]: a["outlet"] for a in articles}
    if not (outlet_of[up["from"]["article"]] == outlet_of[up["to"]["article"]] == up["outlet"]):
        err("the update is not one outlet's two articles")
    if len({outlets[v["outlet"]]["camp"] for v in clash["values"]}) != 2 or len({v["value"] for v in clash["values"]}) != 2:
        err("the conflict is not two camps giving two values")


def check_speakers(text_of, speakers):
    for s in speakers["speakers"]:
        for article, words in s["quoted"].items():
            if words not in text_of[article]:
                err(f"speaker {s['name']}: {words!r} not in {article}")
            elif not any(name in words for name in [s["name"], *s["spellings"]]):
                err(f"speaker {s['name']}: {words!r} does not name them")


def main():
    articles, outlets, answers = load("corpus.jsonl"), load("outlets.json"), load("answers.json")
    figures, speakers = load("figures.json"), load("speakers.json")
    text_of = {a["id"]: a["text"] for a in articles}
    check_articles(articles, outlets)
    check_keys(text_of, answers["claims"])
    check_figures(text_of, figures)
    check_design(articles, outlets, answers, figures)
    check_speakers(text_of, speakers)
    print(f"articles {len(articles)} | outlets {len({a['outlet'] for a in articles})} | claims {len(answers['claims'])} "
          f"{dict(Counter(c['kind'] for c in answers['claims']))}")
    print(f"figures {len(figures['figures'])} {dict(Counter(f['kind'] for f in figures['figures']))}")
    print(f"speakers {len(speakers['speakers'])}: " + ", ".join(f"{s['name']} ({len(s['quoted'])} articles)"
                                                               for s in speakers["speakers"]))
    for e in errors:
        print("PROBLEM:", e)
    print("OK: all checks passed" if not errors else f"{len(errors)} problems")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
