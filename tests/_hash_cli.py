"""The crosscheck command with the `hash-test` embedder, for tests that start real processes.

    python -m tests._hash_cli ingest FILE --index DIR

$HASH_TEST_DELAY (seconds, default 0) is slept per embedded batch, so that concurrent runs
really overlap.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import numpy as np

from crosscheck.cli import main
from crosscheck.index.embed import register

from .conftest import HashEmbedder


class SlowHashEmbedder(HashEmbedder):
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(float(os.environ.get("HASH_TEST_DELAY", "0")))
        return super().embed_batch(texts)


register("hash-test", lambda _arg: SlowHashEmbedder())

if __name__ == "__main__":
    main()
