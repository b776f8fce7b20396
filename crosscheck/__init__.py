"""crosscheck: compare how outlets in different languages cover the same news, claim by claim.

The flow, one module per stage: ingest (files, feeds) → embed → index → stories → claims → compare → report.
Public names are imported lazily so that `crosscheck --help` starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Index": "index",
    "VectorIndex": "index",
    "Embedder": "embed",
    "get_embedder": "embed",
    "register": "embed",
    "DEFAULT_MODEL": "embed",
    "OutletDirectory": "outlets",
    "load_outlets_file": "outlets",
    "split_sentences": "sentences",
    "detect_language": "ingest",
    "read_paths": "ingest",
    "index_dir": "paths",
    "Article": "models",
    "ArticleRecord": "models",
    "Hit": "models",
    "IngestReport": "models",
    "Outlet": "models",
    "Problem": "models",
    "CrosscheckError": "errors",
    "IndexNotFound": "errors",
    "IndexModelMismatch": "errors",
    "IndexLocked": "errors",
    "IndexReadOnly": "errors",
    "IndexNeedsUpgrade": "errors",
    "check_index": "check",
    "CheckReport": "check",
    "UnknownModel": "errors",
    "ModelUnavailable": "errors",
    "OutletsFileError": "errors",
    "NothingIngested": "errors",
    "StoryNotFound": "errors",
    "ArticleNotFound": "errors",
    "FetchFailed": "errors",
    "FeedError": "errors",
    "FeedNotFound": "errors",
    "NothingFetched": "errors",
    "ClusterError": "errors",
    "prepare_batch": "prepare",
    "LocalExecutor": "prepare",
    "RayExecutor": "ray_executor",
    "Feed": "models",
    "add_feed": "feeds",
    "import_feeds": "feeds",
    "fetch_feeds": "feeds",
    "FetchReport": "feeds",
    "Fetcher": "fetch",
    "FetchPolicy": "fetch",
    "Story": "models",
    "StoryParams": "stories",
    "update_stories": "stories",
    "list_stories": "stories",
    "get_story": "stories",
    "Comparison": "compare",
    "ClaimGroup": "compare",
    "compare_story": "compare",
    "compare_articles": "compare",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'crosscheck' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
