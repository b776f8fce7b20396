"""Who a sentence says it comes from: the name phrase next to a speech verb or a source phrase.

`attribution` looks for a speech verb or a source phrase ("said", "according to", "заявил",
"по словам", "göre", "... dedi", "sagte", "laut", "a déclaré", "selon") and takes the name
phrase next to it from a small grammar: capitalised words, role nouns (senator, источник,
kaynak, Sprecher, porte-parole), a few modifiers and a determiner. Quoted speech is masked
first, so a verb inside a quotation is never taken for the attribution. The grammar is the
language's (`LanguageRules.grammar`: svo, free, suffixing, none).

Known limits: precision over recall. `attribution` returns None for pronouns ("he said", "по
его словам"), for long Turkish sentences whose subject is not first, and for phrasings its
grammar does not know. Names come back as written: Russian and Turkish names keep their case
ending ("по словам Клинцевича" -> "Клинцевича"), except that the Turkish dative before "göre"
is undone ("Rus basınına göre" -> "Rus basını").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..languages import LanguageRules
from .lemmas import is_dictionary_word
from .rules import Language, TextRules, rules_for

__all__ = ["attribution"]


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
        german_close = opener == "“" and text.rfind("„", 0, o) > text.rfind("“", 0, o)  # „...“
        if o >= 0 and c < o and not german_close and len(text[o:].split()) > 2:
            mask(o, len(text))
            text = "".join(chars)
    return text


def _kind(token: str, c: TextRules, initial: bool) -> str:
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
    low = c.lower(token)
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


def _tokens(masked: str, c: TextRules) -> list[_Tok]:
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


def _skip_adverbials(toks: list[_Tok], j: int, c: TextRules) -> int:
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


def _bracketed(toks: list[_Tok], j: int) -> bool:
    """toks[j] closes brackets around one capitalised word right after a name or role: "Central
    Command (CENTCOM)", "Olaf Scholz (SPD)"."""
    return (j >= 3 and toks[j].text == ")" and toks[j - 1].kind == "CAP" and toks[j - 2].text == "("
            and toks[j - 3].kind in ("CAP", "ROLE"))


def _after_person(toks: list[_Tok], j: int, c: TextRules) -> bool:
    """The brackets closing at toks[j] follow a person's name (two capitalised words, the last no
    institution's word nor an acronym): they hold a party or a post ("Olaf Scholz (SPD)")."""
    last = toks[j - 3]
    return (j >= 4 and toks[j - 4].kind == "CAP" and last.kind == "CAP" and not last.text.isupper()
            and not c.evidence.institution_speaker.search(last.text))


def _bracketed_name(toks: list[_Tok], j: int, c: TextRules) -> _Tok | None:
    """The short name an article gives in brackets to the institution it named, the name the other
    articles use ("Central Command (CENTCOM)", "Ассоциация туроператоров России (АТОР)"), when
    brackets close at toks[j]; None after a person's name."""
    return toks[j - 1] if _bracketed(toks, j) and not _after_person(toks, j, c) else None


def _appositive_subject(toks: list[_Tok], j: int, sentence: str) -> str | None:
    """The name opening a sentence, when what stands between it and the verb is an appositive set
    off by commas: "Senator Viktor Saburov, a member of the defence committee, told TASS"."""
    _, opening = _collect(toks, 0, 1)
    if (opening >= 0 and opening + 2 < j and toks[opening + 1].kind == "COMMA"
            and toks[opening + 2].kind in ("DET", "ROLE", "MOD")):
        return _phrase(toks[:opening + 1], sentence)
    return None


def _backward(toks: list[_Tok], i: int, sentence: str, c: TextRules) -> str | None:
    j = _skip_adverbials(toks, i - 1, c)
    if _bracketed(toks, j):
        if not _after_person(toks, j, c):
            return toks[j - 1].text
        j -= 3  # "Olaf Scholz (SPD) sagte": the person, their party left out
    comma = j >= 0 and toks[j].kind == "COMMA"
    if comma:
        j -= 1
    first, last = _collect(toks, j, -1)
    if first > last:
        return _appositive_subject(toks, j, sentence) if comma else None
    if first > 0 and toks[first - 1].kind == "DET":
        first -= 1
    elif comma and first > 0 and toks[first - 1].kind not in ("COMMA", "PAREN"):
        return _appositive_subject(toks, j, sentence)  # else "... in Syria, reported AMN": Syria is no speaker
    if comma and first > 0 and toks[first - 1].kind == "COMMA":
        # "Vladimir Avatkov, Director of ..., Public Diplomacy, said": the subject opens the sentence
        _, opening = _collect(toks, 0, 1)
        if 0 <= opening < first - 1 and toks[opening + 1].kind == "COMMA":
            subject = _phrase(toks[:opening + 1], sentence)
            if subject:
                return subject
    return _phrase(toks[first:last + 1], sentence)


def _role_complement(toks: list[_Tok], last: int, c: TextRules) -> int:
    """Where a role's complement after it ends, in a language that puts it there in lower case
    before a name ("в Министерстве транспорта России": the ministry of Russia's transport, not
    "Министерстве" alone); `last` when there is none. A preposition ends it: "агентство со
    ссылкой на Минздрав" is the agency citing the ministry, "собеседник агентства в АТОР" the
    agency's source."""
    if not c.rules.role_complements or toks[last].kind != "ROLE":
        return last
    k = last + 1
    while k < len(toks) and k - last <= _COMPLEMENT_WORDS and toks[k].kind in ("OTHER", "MOD") \
            and toks[k].text.islower() and toks[k].text not in c.rules.stopwords:
        k += 1
    if k == last + 1 or k >= len(toks) or toks[k].kind != "CAP":
        return last
    return _collect(toks, k, 1)[1]


_COMPLEMENT_WORDS = 3  # lower-case words of a role's complement: "министерства иностранных дел"


def _appositive_name(toks: list[_Tok], last: int, c: TextRules) -> int:
    """Where a person's name set off by commas after a role ends ("the governor of Samsun, Orhan
    Tavlı, said", "nach Angaben des Gouverneurs von Samsun, Orhan Tavlı,"): the name is who
    speaks, the place is whose governor; `last` when no such name follows. A name is two or three
    capitalised words, the last one no dictionary noun where every noun is capitalised."""
    k = last + 1
    if k + 1 < len(toks) and toks[k].kind == "CONN" and toks[k + 1].kind == "CAP":
        k = _collect(toks, k + 1, 1)[1] + 1  # "of Samsun"
    if k >= len(toks) or toks[k].kind != "COMMA":
        return last
    end = k + 1
    while end < len(toks) and toks[end].kind == "CAP":
        end += 1
    if not 2 <= end - k - 1 <= 3 or end < len(toks) and toks[end].kind not in ("COMMA", "PUNCT"):
        return last
    closed = end < len(toks) and toks[end].kind == "COMMA"  # "..., Orhan Tavlı, said": set off on both sides
    if (c.rules.capitalised_nouns or not closed) and is_dictionary_word(toks[end - 1].text, c.code):
        return last  # "the governor of Samsun, Black Sea Region.": a place or a thing, not a name
    return end - 1


def _forward(toks: list[_Tok], i: int, sentence: str, c: TextRules, *, inverted: bool = False,
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
    last = _appositive_name(toks, _role_complement(toks, last, c), c)
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
    low = rules.lower(toks[i].text)
    prev = rules.lower(toks[i - 1].text) if i > 0 else ""
    return (prev, low) in rules.source_phrases or ("", low) in rules.source_phrases


def _candidates_svo(toks: list[_Tok], sentence: str, c: TextRules) -> list[tuple[int, str | None]]:
    """The speaker before the verb, or after it when the verb follows a quotation, comma or dash."""
    r = c.rules
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = c.lower(t.text)
        if _is_source_phrase(toks, i, r):
            out.append((t.start, _forward(toks, i, sentence, c)))
        elif (low in r.speech_verbs or low in r.speech_before_claims) and t.kind not in ("CAP", "ROLE"):
            if i > 0 and c.lower(toks[i - 1].text) in r.passive_auxiliaries:
                continue  # "Losses were estimated at ...": a passive names nobody
            if low in r.speech_before_claims and (i + 1 >= len(toks) or c.lower(toks[i + 1].text) not in r.claim_nouns):
                continue  # "dismissed the governor": no speech
            who = _backward(toks, i, sentence, c)
            j = _skip_adverbials(toks, i - 1, c)
            prev = toks[j].kind if j >= 0 else ""
            if who is None and low not in r.verbs_without_inversion and prev in ("COMMA", "QUOTE", "DASH"):
                who = _forward(toks, i, sentence, c, inverted=True)
            out.append((t.start, who))
    return out


def _candidates_free(toks: list[_Tok], sentence: str, c: TextRules) -> list[tuple[int, str | None]]:
    """The speaker on either side of the verb: before it, else after it."""
    r = c.rules
    endings, _ = r.preposition_after_verb
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = c.lower(t.text)
        if _is_source_phrase(toks, i, r):
            out.append((t.start, _forward(toks, i, sentence, c)))
        elif low in r.speech_verbs:
            who = _backward(toks, i, sentence, c)
            if who is None and low not in r.verbs_without_inversion:
                who = _forward(toks, i, sentence, c, skip_preposition=bool(endings) and low.endswith(endings))
            out.append((t.start, who))
    return out


def _drop_dative(word: str, c: TextRules) -> str:
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


def _postposition_source(toks: list[_Tok], g: int, sentence: str, c: TextRules) -> str | None:
    """'TASS'ın haberine göre' -> TASS; 'Rus basınına göre' -> Rus basını; 'Habere göre' -> None."""
    if g == 0:
        return None
    w = toks[g - 1]
    if w.kind == "SFX" and w.text[0].isupper():
        return _owner(toks, g - 1, sentence)
    low = c.lower(w.text)
    if c.report_noun and c.report_noun.match(low):
        return _owner(toks, g - 2, sentence)
    if c.roles and c.roles.fullmatch(low):
        first, _ = _collect(toks, g - 2, -1)
        mods = [t for t in toks[first:g - 1] if t.kind in ("CAP", "MOD")][-3:]
        start = mods[0].start if mods else w.start
        return sentence[start:w.start] + _drop_dative(w.text, c)
    return None


def _opening_subject(toks: list[_Tok], sentence: str, c: TextRules) -> str | None:
    """The subject opening a sentence whose verb ends it: 'Klintsevich, "..." dedi.' -> Klintsevich;
    also after an opening "according to" ('Habere göre uzman Avatkov ... söyledi': the report
    relays, Avatkov speaks)."""
    r = c.rules
    assert r.suffix_grammar is not None
    j = 0
    if len(toks) > 2 and c.lower(toks[1].text) == r.suffix_grammar.postposition:
        j = 3 if toks[2].kind == "COMMA" else 2  # "Habere göre(,) Rus uzman Avatkov ... söyledi"
    opening = j
    while j < len(toks) and (toks[j].kind in ("CAP", "ROLE", "MOD")
                             or (toks[j].kind == "CONN" and j > 0 and toks[j - 1].kind == "CAP")):
        j += 1
    phrase = toks[opening:j]
    while phrase and phrase[-1].kind == "CONN":
        phrase.pop()
    if not phrase:
        return None
    closing = j + 2  # where a bracket right after the phrase closes: "Komutanlığı (CENTCOM),"
    short = _bracketed_name(toks, closing, c) if closing < len(toks) else None
    if short is not None:
        return short.text  # "ABD Merkez Kuvvetler Komutanlığı (CENTCOM), ... duyurdu"
    stop = toks[j] if j < len(toks) else None
    roles = sum(t.kind == "ROLE" for t in phrase)
    caps = sum(t.kind == "CAP" for t in phrase)
    if stop is not None and stop.kind == "COMMA" or stop is not None and c.lower(stop.text) in r.suffix_grammar.particles:
        if not roles and caps == 1 and c.lower(phrase[0].text) in r.sentence_starters:
            return None
    elif not (roles or caps >= 2):
        return None
    if len(phrase) > 4:
        tail = [t for t in phrase[-2:] if t.kind == "CAP"]
        if len(tail) != 2:
            return None
        phrase = tail
    return _phrase(phrase, sentence)


def _candidates_suffixing(toks: list[_Tok], masked: str, sentence: str, c: TextRules) -> list[tuple[int, str | None]]:
    """Sources marked by a postposition ("TASS'a göre"), a statement noun ("... açıklamasında"),
    or the subject opening a sentence that a reporting verb ends ("Klintsevich, ... dedi.")."""
    sg = c.rules.suffix_grammar
    assert sg is not None and c.statement is not None and c.verb_end is not None
    out: list[tuple[int, str | None]] = []
    for i, t in enumerate(toks):
        low = c.lower(t.text)
        if low == sg.postposition:
            out.append((t.start, _postposition_source(toks, i, sentence, c)))
        elif c.statement.match(low):
            j = i - 1
            while j >= 0 and c.lower(toks[j].text) in sg.fillers:
                j -= 1
            if j >= 0 and toks[j].kind == "SFX":
                out.append((t.start, _owner(toks, j, sentence)))
            else:
                out.append((0, _opening_subject(toks, sentence, c)))
    if c.verb_end.search(masked):
        out.append((0, _opening_subject(toks, sentence, c)))
    return out


def attribution(sentence: str, language: Language) -> str | None:
    """Who `sentence` says it comes from ("Klintsevich", "the senator", "ТАСС", "Rus basını"), or None."""
    c = rules_for(language)
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
