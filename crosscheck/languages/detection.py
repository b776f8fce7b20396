"""Language detection: langdetect's algorithm and profiles, the same answers at less cost.

langdetect (a port of Nakatani Shuyo's language-detection) reads a text's character 1- to
3-grams, then in 7 seeded trials draws n-grams at random and multiplies 55 languages'
probabilities by each drawn n-gram's frequency in them until one language passes 0.99999.
Its pure-Python loops (a method call per character, a 55-step loop per draw) were the
largest cost of ingest outside the model (benchmarks/perf.py ingest: 16% of a 100,000-article
run). `detect_langs` here runs the same steps on the same profiles, in the same order, with
the same random draws, but normalises each character once per process, keeps each n-gram's
probabilities as a numpy row and multiplies the 55 of them at once. Every floating-point
operation is the one langdetect performs (a product, a sum left to right, a division), so
the languages and probabilities are identical to langdetect's, bit for bit; the tests check
that on real articles in 13 languages, and `detect_langs(text, exact=True)` calls langdetect
itself for comparison.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import numpy as np

__all__ = ["Detected", "detect_langs", "NoFeatures"]

SEED = 0  # langdetect is random; a fixed seed makes each text's answer repeat
# langdetect's own settings (langdetect.detector.Detector), kept as its defaults
_TRIALS = 7
_ALPHA = 0.5
_ALPHA_WIDTH = 0.05
_ITERATION_LIMIT = 1000
_CONVERGED = 0.99999
_BASE_FREQ = 10000
_PROB_THRESHOLD = 0.1
_MAX_TEXT = 10000
_NGRAM = 3
_WORD_CACHE = 200_000  # words whose n-grams are remembered (about 40 MB at most), then forgotten


class NoFeatures(ValueError):
    """The text has no letters langdetect knows (digits, punctuation, an unknown script)."""


class Detected(tuple[str, float]):
    """(language code, probability), as langdetect's `Language` gives them."""

    @property
    def lang(self) -> str:
        return self[0]

    @property
    def prob(self) -> float:
        return self[1]


class _Profiles:
    """langdetect's profiles, loaded once, with per-character and per-n-gram caches."""

    def __init__(self) -> None:
        from langdetect import detector_factory
        from langdetect.detector import Detector
        from langdetect.utils.ngram import NGram

        detector_factory.init_factory()
        factory: Any = detector_factory._factory
        self.langs: list[str] = list(factory.langlist)
        # n-gram -> its row in `matrix`: its probability in each of the 55 languages (38 MB)
        self.words: dict[str, int] = {w: k for k, w in enumerate(factory.word_lang_prob_map)}
        self.matrix = np.array(list(factory.word_lang_prob_map.values()), dtype=np.float64)
        self.normal: dict[int, str] = {}        # code point -> NGram.normalize(character)
        self.word_ngrams: dict[str, tuple[int, ...]] = {}  # word (and the space after) -> its n-grams' rows
        self.script: dict[str, tuple[int, int]] = {}  # character -> (latin, non-latin) for cleaning
        self.url = Detector.URL_RE
        self.mail = Detector.MAIL_RE
        self.normalize_vi = NGram.normalize_vi
        self.normalize = NGram.normalize

    def classify(self, ch: str) -> tuple[int, int]:
        """(is latin, is non-latin) as langdetect's Detector.cleaning_text counts a character."""
        from langdetect.utils.unicode_block import unicode_block

        found = self.script.get(ch)
        if found is None:
            latin = "A" <= ch <= "z"
            # langdetect compares the block's number with a name here, so the test is always true:
            # kept as it is, for the same answers
            other = not latin and ch >= "\u0300" and unicode_block(ch) != "Latin Extended Additional"
            found = self.script[ch] = (int(latin), int(other))
        return found


_profiles: _Profiles | None = None
_SPACES = re.compile(" +")


def _get_profiles() -> _Profiles:
    global _profiles
    if _profiles is None:
        _profiles = _Profiles()
    return _profiles


def _clean(p: _Profiles, text: str) -> str:
    """Detector.append and Detector.cleaning_text: URLs and e-mail addresses out, runs of spaces
    as one, and Latin letters dropped from a text mostly in another script."""
    text = p.url.sub(" ", text)
    text = p.mail.sub(" ", text)
    text = p.normalize_vi(text)
    text = _SPACES.sub(" ", text[:_MAX_TEXT])
    latin = other = 0
    for ch, count in Counter(text).items():
        is_latin, is_other = p.classify(ch)
        latin += is_latin * count
        other += is_other * count
    if latin * 2 < other:
        text = "".join(ch for ch in text if ch < "A" or "z" < ch)
    return text


def _ngrams(p: _Profiles, text: str) -> list[int]:
    """Detector._extract_ngrams: the known 1- to 3-grams of the text, in order (as rows of the matrix).

    langdetect feeds the characters, normalised (NGram.normalize), to a 3-character buffer that
    starts afresh after each space, so a word's n-grams depend on that word alone: they are
    worked out once per word (`_word_ngrams`) and looked up after."""
    table = p.normal
    new = {ord(ch) for ch in set(text)} - table.keys()
    for code in new:
        table[code] = p.normalize(chr(code))
    words = text.translate(table).split(" ")
    out: list[int] = []
    cache = p.word_ngrams
    if len(cache) > _WORD_CACHE:
        cache.clear()
    last = len(words) - 1
    for number, word in enumerate(words):
        if word:
            key = word + " " if number < last else word  # a space follows every word but the last
            found = cache.get(key)
            if found is None:
                found = cache[key] = _word_ngrams(p, key)
            out.extend(found)
    return out


def _word_ngrams(p: _Profiles, chars: str) -> tuple[int, ...]:
    """NGram.add_char and the loop of Detector._extract_ngrams over one word (and the space after
    it), from the state after a space: the buffer " ", no capital word."""
    words = p.words
    grams, capital, last = " ", False, " "
    out: list[int] = []
    for ch in chars:
        if last == " ":
            grams, capital = " ", False
        elif len(grams) >= _NGRAM:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        last = ch
        if capital:
            continue
        for n in range(1, min(_NGRAM, len(grams)) + 1):
            found = words.get(grams[-n:])  # " " is no n-gram of the profiles
            if found is not None:
                out.append(found)
    return tuple(out)


def _detect_block(p: _Profiles, ngrams: list[int]) -> list[float]:
    """Detector._detect_block: 7 trials of random n-gram draws, each until one language passes
    0.99999 (checked after the first draw, then every 5) or 1,000 draws; the mean of the trials.

    The draws between two checks do not depend on the probabilities, so they are made first
    (the same calls to the same seeded generator) and multiplied in, in their order."""
    rnd = random.Random()
    rnd.seed(SEED)
    choice, matrix = rnd.choice, p.matrix
    count = len(p.langs)
    total = np.zeros(count, dtype=np.float64)
    for _ in range(_TRIALS):
        prob = np.full(count, 1.0 / count, dtype=np.float64)
        weight = (_ALPHA + rnd.gauss(0.0, 1.0) * _ALPHA_WIDTH) / _BASE_FREQ
        i = 0  # langdetect's counter: draws made so far, less one
        group = 1
        while True:
            factors = matrix[[choice(ngrams) for _ in range(group)]]
            factors += weight
            for factor in factors:
                prob *= factor
            i += group - 1
            # langdetect sums a Python list left to right (numpy would sum pairwise)
            prob /= sum(prob.tolist())
            if prob.max() > _CONVERGED or i >= _ITERATION_LIMIT:
                break
            i += 1
            group = 5
        total += prob / _TRIALS
    return total.tolist()


def detect_langs(text: str, exact: bool = False) -> list[Detected]:
    """The languages langdetect finds in `text` with a probability over 0.1, most likely first,
    seeded with SEED. NoFeatures for a text with nothing to go on. `exact=True` asks langdetect
    itself (slower; the same answer)."""
    if exact:
        return _langdetect(text)
    p = _get_profiles()
    ngrams = _ngrams(p, _clean(p, text))
    if not ngrams:
        raise NoFeatures("no features in text")
    found = [(lang, prob) for lang, prob in zip(p.langs, _detect_block(p, ngrams)) if prob > _PROB_THRESHOLD]
    found.sort(key=lambda pair: pair[1], reverse=True)  # stable, as langdetect's sort of Language
    return [Detected(pair) for pair in found]


def _langdetect(text: str) -> list[Detected]:
    from langdetect import DetectorFactory, detect_langs as original
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = SEED
    try:
        return [Detected((str(lang.lang), float(lang.prob))) for lang in original(text)]
    except LangDetectException as e:
        raise NoFeatures(str(e)) from None
