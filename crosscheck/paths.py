"""The one place that decides where an index lives and what its files are called."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "DEFAULT_INDEX", "index_dir", "DB_NAME", "ARTICLE_VECTORS", "SENTENCE_VECTORS"]

ENV_VAR = "CROSSCHECK_INDEX"
DEFAULT_INDEX = Path("indexes") / "default"

DB_NAME = "crosscheck.db"
ARTICLE_VECTORS = "articles.faiss"
SENTENCE_VECTORS = "sentences.faiss"


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--index` if given, else $CROSSCHECK_INDEX, else indexes/default under the current directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_INDEX
