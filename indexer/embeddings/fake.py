"""Deterministic, dependency-free embedder for tests: hashed words and character n-grams.

Not semantic, only lexical: texts that share words (or word pieces) get close vectors,
unrelated texts land near zero similarity because each feature gets a hashed sign.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from typing import Sequence

import numpy as np

from indexer.embeddings.base import empty, normalise

_WORD = re.compile(r"\w+", re.UNICODE)
WORD_WEIGHT = 1.0
NGRAM_WEIGHT = 0.5  # n-grams give partial credit for inflections and compounds
NGRAM = 3


class FakeEmbedder:
    """Hashing-trick embedder; ``name`` is ``fake:<dim>`` so caches of other dims never mix."""

    batch_size = 1024

    def __init__(self, dim: int = 64):
        if dim < 2:
            raise ValueError("fake embedder dim must be >= 2")
        self.dim = int(dim)
        self.name = f"fake:{self.dim}"

    def _features(self, text: str):
        text = unicodedata.normalize("NFKC", text).lower()
        for word in _WORD.findall(text):
            yield "w:" + word, WORD_WEIGHT
            padded = f"<{word}>"
            if len(padded) > NGRAM:
                for i in range(len(padded) - NGRAM + 1):
                    yield "c:" + padded[i : i + NGRAM], NGRAM_WEIGHT

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for feature, weight in self._features(text):
            # crc32 is stable across processes (unlike hash()), so vectors are reproducible
            h = zlib.crc32(feature.encode("utf-8"))
            sign = 1.0 if (h >> 31) & 1 else -1.0
            vec[h % self.dim] += sign * weight
        return vec

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return empty(self.dim)
        return normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._vector(text))

    def __repr__(self) -> str:
        return f"FakeEmbedder(dim={self.dim})"
