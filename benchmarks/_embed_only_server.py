"""What `crosscheck serve` would answer if a search cost nothing: the bound of `perf.py searches`.

    python benchmarks/_embed_only_server.py PORT

The server's own stack (uvicorn with the same configuration, Starlette, and `web/embedding.py`'s
QueryEmbedder with its query processes, one per core, queries that arrive together embedded as
one batch) answers `GET /api/query?q=...` once the query's vector is back from a query process,
with an empty JSON list: no faiss, no SQLite, no re-ranking, no hits to send back and render, and
none of serve's checks of the request's parameters. Issue #24 compares serve's search throughput
with the bare model's; this server's throughput, measured beside them by `perf.py searches`, is
what HTTP and batched embedding alone leave of that ratio, so the gap between it and serve is what
the searches and their answers cost (the search itself, the parameters checked, the hits pickled
back from the query process and rendered as JSON).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

import uvicorn
from _common import REPO  # noqa: F401  (puts the repository on sys.path)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crosscheck.index.embed import UseMultilingual
from crosscheck.web.embedding import QueryEmbedder
from crosscheck.web.server import Terminated, _sigterm_raises, server_config


def main(port: int) -> None:
    embedder = QueryEmbedder(UseMultilingual.model_id)
    embedder.start()

    async def query(request: Request) -> Response:
        text = request.query_params.get("q", "")
        # the batched path serve's searches take (QueryEmbedder.search_async), less the search; a
        # private method, so tests/test_benchmarks_smoke.py runs this server, and fails if it changes
        await asyncio.wrap_future(embedder._submit_items([text]))
        return Response(b"[]", media_type="application/json")

    async def info(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    app = Starlette(routes=[Route("/api/query", query), Route("/api/info", info)])
    # as `serve` does: uvicorn raises SIGTERM again once it has stopped, and SIGTERM's default would
    # end this process at once, leaving its query processes running (perf.py stops it with SIGTERM)
    with contextlib.suppress(Terminated), _sigterm_raises():
        try:
            uvicorn.Server(server_config(app, "127.0.0.1", port)).run()
        finally:
            embedder.close()


if __name__ == "__main__":
    main(int(sys.argv[1]))
