"""Where an article's text is split into sentences.

Segmenter: Wikimedia's `sentencex`. It is rule-based with per-language abbreviation lists
for about 300 languages, Russian, Turkish and English among them, needs no model download
and is fast. The alternatives fell short on our languages: pysbd has no Turkish rules;
razdel is Russian-only and still splits "Sept. | 12"; NLTK's punkt needs its models fetched
at run time. sentencex's remaining errors on news text are splits after an abbreviation
followed by a lowercase word ("Т.е. | обмен", "vb. | konulara"); a sentence in a cased
script never starts in lowercase, so such pieces are joined back to the sentence before
them. The language's rules (`crosscheck.languages`) add the abbreviations sentencex lacks:
a month before a number ("Sept. | 12", "24. | Aug. 2016"), a title before a name
("M. | Dupont"), and in languages that write ordinals with a dot, a day before a month
("am 24. | August").
sentencex keeps a quotation of several sentences in one piece; each of them can be a claim of
its own, so a quotation is split where sentencex splits its text without the quote marks.
sentencex also runs a headline into the sentence on the next line ("Grain corridor to reopen
on March 15\nRussia and Turkey agreed ..."): trafilatura gives each block of a web page as one
line, and many JSONL texts start with their headline. A line break after a line that looks like
a headline ends a sentence (`_headline_cuts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .. import languages
from ..limits import MAX_SENTENCE_CHARS
from ..languages.base import LanguageRules

__all__ = ["Span", "split_sentences", "paragraphs"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_ORDINAL_END = re.compile(r"(?<![\d.,])\d{1,2}\.$")


@dataclass(frozen=True)
class _Joins:
    """A language's reasons to join two pieces the segmenter split."""

    before_number: re.Pattern[str] | None  # "9 авг. | 2016 г.", "Sept. | 12"
    before_name: re.Pattern[str] | None  # "M. | Dupont"
    month_start: re.Pattern[str] | None  # "am 24. | August"


def _abbreviation_end(abbreviations: frozenset[str]) -> re.Pattern[str] | None:
    if not abbreviations:
        return None
    alternation = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternation})\.$", re.IGNORECASE)


@cache
def _joins(rules: LanguageRules) -> _Joins:
    return _Joins(
        before_number=_abbreviation_end(rules.abbreviations),
        before_name=_abbreviation_end(rules.titles),
        month_start=re.compile(rf"(?:{rules.months})") if rules.ordinal_dot and rules.months else None,
    )


def _joins_previous(previous: str, piece: str, joins: _Joins) -> bool:
    """Whether `piece` goes on the sentence `previous` rather than starting one."""
    if _starts_lowercase(piece):
        return True
    if piece[0].isdigit():
        return bool(joins.before_number and joins.before_number.search(previous))
    if joins.before_name and joins.before_name.search(previous):
        return True
    return bool(joins.month_start and _ORDINAL_END.search(previous) and joins.month_start.match(piece))


@dataclass(frozen=True)
class Span:
    """A sentence and where it stands in the article text."""

    text: str
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) for each non-empty paragraph (blank-line separated)."""
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        if text[pos:m.start()].strip():
            yield pos, text[pos:m.start()]
        pos = m.end()
    if text[pos:].strip():
        yield pos, text[pos:]


def _starts_lowercase(piece: str) -> bool:
    for ch in piece:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


# A line is headline-like (a headline, a subheading, a dateline) when it ends without punctuation,
# starts with no lowercase letter, is followed by a line that starts with no lowercase letter either,
# and is at most this share of that line's length. Why the length: a hard-wrapped line (a .txt
# file, an e-mail) also ends without punctuation, often before a capital (a name, a German noun),
# but it is about as long as the line after it, while a headline stands above a longer paragraph.
HEADLINE_SHARE = 0.7
# What ends a line that goes on, or ends, a sentence: a headline has none of these at its end.
_LINE_END_PUNCTUATION = frozenset(".!?…:;,-–—。！？；：，")
_CLOSING = "\"'»”’)]"  # quote marks and brackets after that punctuation


def _headline_like(line: str, following: str) -> bool:
    """Whether `line` is a headline (or subheading, or dateline) above `following`."""
    line, following = line.strip(), following.strip()
    if not line or not following or len(line) > HEADLINE_SHARE * len(following):
        return False
    end = line.rstrip(_CLOSING) or line
    if end[-1] in _LINE_END_PUNCTUATION:
        return False
    return _starts_not_lowercase(line) and _starts_not_lowercase(following)


def _starts_not_lowercase(text: str) -> bool:
    """True when the first letter or digit of `text` is a digit, a capital or a letter of a script
    without case (a sentence may start so; a hard-wrapped line mostly does not)."""
    for ch in text:
        if ch.isdigit():
            return True
        if ch.isalpha():
            return not ch.islower()
    return False


def _headline_cuts(para: str, start: int, end: int) -> list[tuple[int, int]]:
    """The piece para[start:end] cut after each headline-like line in it (one piece if none)."""
    out: list[tuple[int, int]] = []
    begin = start
    line_start = para.rfind("\n", 0, start) + 1  # a line that ends another sentence first is no headline
    newline = para.find("\n", start, end)
    while newline >= 0:
        next_end = para.find("\n", newline + 1)
        following = para[newline + 1: next_end if next_end >= 0 else len(para)]
        if (_headline_like(para[line_start:newline], following) and para[begin:newline].strip()
                and not para[line_start:begin].strip()):
            out.append((begin, newline))
            begin = newline + 1
        line_start = newline + 1
        newline = para.find("\n", line_start, end)
    out.append((begin, end))
    return [(a, b) for a, b in out if para[a:b].strip()]


_QUOTE = re.compile(r"«[^«»]+»|“[^“”]+”|\"[^\"]+\"")


def _split_quotations(piece: str, lang: str) -> list[tuple[int, int]]:
    """Offsets of the sentences inside `piece`, splitting quotations of several sentences."""
    from sentencex import segment

    cuts: list[int] = []
    for m in _QUOTE.finditer(piece):
        inner_start = m.start() + 1
        inner = piece[inner_start:m.end() - 1]
        cursor = 0
        parts = [p.strip() for p in segment(lang, inner) if p.strip()]
        for part in parts[1:]:
            at = inner.find(part, cursor + 1)
            if at > 0 and not _starts_lowercase(part):
                cuts.append(inner_start + at)
                cursor = at
    bounds = [0, *sorted(cuts), len(piece)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if piece[a:b].strip()]


def split_sentences(text: str, language: str | None = None) -> list[Span]:
    """Split `text` into sentences, never across paragraphs, with character offsets into `text`."""
    from sentencex import segment  # imported here: keeps `crosscheck --help` fast

    rules = languages.get(language)
    lang = rules.segmenter or languages.normalise_code(language)  # sentencex has rules for ~300
    joins = _joins(rules)
    spans: list[Span] = []
    for number, (offset, para) in enumerate(paragraphs(text)):
        cursor = 0
        pieces: list[tuple[int, int]] = []
        for piece in segment(lang, para):
            stripped = piece.strip()
            if not stripped:
                continue
            start = para.find(stripped, cursor)
            if start < 0:  # the segmenter changed the text; fall back to the cursor
                start = cursor
            end = start + len(stripped)
            cursor = end
            if pieces and _joins_previous(para[pieces[-1][0]:pieces[-1][1]], stripped, joins):
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
        for start, end in (cut for piece in pieces for cut in _headline_cuts(para, *piece)):
            for a, b in _split_quotations(para[start:end], lang):
                text = para[start + a:start + b]
                lead = len(text) - len(text.lstrip())
                text = text.strip()
                s0 = offset + start + a + lead
                spans.extend(_bounded(Span(text, s0, s0 + len(text), number)))
    return spans


def _bounded(span: Span) -> list[Span]:
    """`span` cut into pieces of at most MAX_SENTENCE_CHARS, at the last space before the limit
    (or at the limit in a text without spaces): text with no punctuation stays searchable
    without one huge "sentence" reaching the model."""
    if len(span.text) <= MAX_SENTENCE_CHARS:
        return [span]
    out: list[Span] = []
    text, start = span.text, span.start
    while text:
        if len(text) <= MAX_SENTENCE_CHARS:
            cut = len(text)
        else:
            cut = text.rfind(" ", 0, MAX_SENTENCE_CHARS + 1)
            if cut <= 0:
                cut = MAX_SENTENCE_CHARS
        piece = text[:cut].rstrip()
        if piece:
            out.append(Span(piece, start, start + len(piece), span.paragraph))
        rest = text[cut:]
        skipped = len(rest) - len(rest.lstrip())
        start += cut + skipped
        text = rest.lstrip()
    return out
