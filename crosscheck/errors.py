"""The exceptions crosscheck raises; the CLI prints each as one line that names the fix.

    CrosscheckError
    ├── IndexNotFound          no index folder where one was expected
    ├── IndexModelMismatch     the index was built with another embedding model
    ├── IndexLocked            another process is writing to the index (and we were told not to wait)
    ├── IndexReadOnly          a write asked of an index opened read-only, or in a read-only folder
    ├── IndexNeedsUpgrade      a read-only open found migrations only a writing command can apply
    ├── UnknownModel           no embedder registered under that name
    ├── ModelUnavailable       the embedder's package or weights are not installed
    ├── OutletsFileError       an --outlets file that cannot be read
    ├── NothingIngested        every input was bad or missing
    ├── StoryNotFound          no story with that id
    └── ArticleNotFound        no article with that id
"""

from __future__ import annotations

__all__ = [
    "CrosscheckError",
    "IndexNotFound",
    "IndexModelMismatch",
    "IndexLocked",
    "IndexReadOnly",
    "IndexNeedsUpgrade",
    "UnknownModel",
    "ModelUnavailable",
    "OutletsFileError",
    "NothingIngested",
    "StoryNotFound",
    "ArticleNotFound",
]


class CrosscheckError(Exception):
    """Base class: every error crosscheck raises on purpose."""


class IndexNotFound(CrosscheckError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"no index at {path}: run `crosscheck ingest samples/` (or your own files) first, "
            "or point --index / CROSSCHECK_INDEX at an existing index"
        )
        self.path = path


class IndexModelMismatch(CrosscheckError):
    def __init__(self, path: object, stored: str, requested: str) -> None:
        super().__init__(
            f"the index at {path} was built with model {stored!r}, not {requested!r}: "
            f"drop --model (or pass --model {stored}), or use another --index for the new model"
        )
        self.stored = stored
        self.requested = requested


class IndexLocked(CrosscheckError):
    def __init__(self, path: object, pid: int | None) -> None:
        who = f"pid {pid}" if pid else "another process"
        super().__init__(f"another crosscheck ({who}) is writing to the index at {path}: "
                         "run this again when it ends, or drop --no-wait to wait for it")
        self.path = path
        self.pid = pid


class IndexReadOnly(CrosscheckError):
    def __init__(self, path: object, detail: str = "") -> None:
        super().__init__(f"the index at {path} is read-only{detail}: this command writes to it; "
                         "run it on a copy of the index you can write to")
        self.path = path


class IndexNeedsUpgrade(CrosscheckError):
    def __init__(self, path: object, pending: list[str]) -> None:
        super().__init__(f"the index at {path} was made by an older crosscheck and needs "
                         f"{len(pending)} upgrade(s) ({', '.join(pending)}) that a read-only open cannot apply: "
                         "run `crosscheck check --repair` once (it writes), then try again")
        self.path = path
        self.pending = pending


class UnknownModel(CrosscheckError):
    pass


class ModelUnavailable(CrosscheckError):
    pass


class OutletsFileError(CrosscheckError):
    pass


class NothingIngested(CrosscheckError):
    pass


class StoryNotFound(CrosscheckError):
    def __init__(self, story_id: str, closest: list[str]) -> None:
        hint = f"; closest ids: {', '.join(closest)}" if closest else ""
        super().__init__(f"no story {story_id!r}{hint} (list them with `crosscheck stories`)")
        self.story_id = story_id
        self.closest = closest


class ArticleNotFound(CrosscheckError):
    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article {article_id!r} in the index: article ids are listed by "
                         "`crosscheck query ... --json` and `crosscheck stories --json`")
        self.article_id = article_id
