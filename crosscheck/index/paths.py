"""The one place that decides where an index lives, what its files are called, and which model a
new index is made with (light: the command's --help reads it)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "DEFAULT_INDEX", "DEFAULT_MODEL", "index_dir", "DB_NAME", "ARTICLE_VECTORS", "SENTENCE_VECTORS",
           "file_state", "vector_files_state"]

ENV_VAR = "CROSSCHECK_INDEX"
DEFAULT_INDEX = Path("indexes") / "default"

DB_NAME = "crosscheck.db"
ARTICLE_VECTORS = "articles.faiss"
SENTENCE_VECTORS = "sentences.faiss"

# The model of a new index unless `--model` names another (index/embed.py has them all).
DEFAULT_MODEL = "use-multilingual"


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--index` if given, else $CROSSCHECK_INDEX, else indexes/default under the current directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_INDEX


def file_state(path: Path) -> tuple[int, int, int]:
    """(inode, modification time in ns, size) of a file, zeros if there is none: what a reader
    compares to see that a writer has changed it (a file replaced by renaming has a new inode,
    even when its size and time stamp are the old one's)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def vector_files_state(folder: Path) -> tuple[tuple[int, int, int], ...]:
    """The `file_state` of an index folder's two vector files: it changes when an ingest saves them."""
    return (file_state(folder / ARTICLE_VECTORS), file_state(folder / SENTENCE_VECTORS))
