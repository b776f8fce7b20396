"""crosscheck: compare how outlets in different languages cover the same news, claim by claim.

The flow, one folder per stage: sources (files, feeds) → ingest → index → stories → compare →
present → web, with text/ and languages/ beneath them and the command line (cli.py) on top;
docs/architecture.md walks through the house. Public names are imported lazily so that
`crosscheck --help` starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # records, errors, vocabulary
    "Article": "records",
    "ArticleRecord": "records",
    "Hit": "records",
    "IngestReport": "records",
    "Outlet": "records",
    "Problem": "records",
    "Story": "records",
    "Feed": "records",
    "Status": "vocabulary",
    "Camp": "vocabulary",
    "CrosscheckError": "errors",
    "IndexNotFound": "errors",
    "IndexModelMismatch": "errors",
    "IndexLocked": "errors",
    "IndexReadOnly": "errors",
    "IndexNeedsUpgrade": "errors",
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
    # sources
    "read_paths": "sources.files",
    "OutletDirectory": "sources.outlets",
    "load_outlets_file": "sources.outlets",
    "Fetcher": "sources.http",
    "FetchPolicy": "sources.http",
    # ingest
    "add_records": "ingest.writer",
    "ingest_paths": "ingest.writer",
    "detect_language": "ingest.prepare",
    "prepare_batch": "ingest.prepare",
    "LocalExecutor": "ingest.workers",
    "RayExecutor": "ingest.ray_workers",
    "add_feed": "ingest.follow",
    "import_feeds": "ingest.follow",
    "fetch_feeds": "ingest.follow",
    "FetchReport": "ingest.follow",
    # index
    "Index": "index.folder",
    "VectorIndex": "index.vectors",
    "Embedder": "index.embed",
    "get_embedder": "index.embed",
    "register": "index.embed",
    "DEFAULT_MODEL": "index.paths",
    "index_dir": "index.paths",
    "search": "index.query",
    "check_index": "index.check",
    "CheckReport": "index.check",
    # text
    "split_sentences": "text.sentences",
    # stories
    "StoryParams": "stories.params",
    "update_stories": "stories.clustering",
    "list_stories": "stories.catalog",
    "get_story": "stories.catalog",
    # compare
    "Comparison": "compare.results",
    "ClaimGroup": "compare.results",
    "compare_story": "compare.diff",
    "compare_articles": "compare.diff",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'crosscheck' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
