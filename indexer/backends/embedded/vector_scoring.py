"""Semantic scores of a generation's passages: an exact scan or an IVF probe, blended with sentence windows."""
from __future__ import annotations

import numpy as np

from indexer.backends.embedded import ann
from indexer.backends.embedded.generation import Generation
from indexer.backends.embedded.linalg import matvec as _matvec
from indexer.backends.embedded.scores import ScoreSet
from indexer.model import Scored

SUBSET_EXACT = 2_000  # a filter allowing at most this many passages is scored exactly, row by row


def vector_scores(g: Generation, vector: np.ndarray, nprobe: int | None) -> ScoreSet:
    """The passages' similarities with ``vector`` (cached per generation); ``nprobe``: the
    backend's setting (None: ann.NPROBE, 0: every cluster)."""
    vector = np.asarray(vector, dtype=np.float32)
    return g.vector_cache.get(vector.tobytes(), lambda: _compute_vector_scores(g, vector, nprobe))


def _compute_vector_scores(g: Generation, vector: np.ndarray, nprobe: int | None) -> ScoreSet:
    if g.ivf is not None:
        return probe_scores(g, vector, clusters_read(g, nprobe))
    return exact_scores(g, vector)


def clusters_read(g: Generation, nprobe: int | None) -> int:
    if nprobe == 0:
        return len(g.ivf.centroids)  # every cluster: the same scores as an exact scan
    return nprobe or ann.NPROBE


def probe_scores(g: Generation, vector: np.ndarray, nprobe: int | None = None) -> ScoreSet:
    """Scores for the passages of the nearest IVF clusters only."""
    return _blend_windows(g, *g.ivf.probe(vector, g.vectors, nprobe), vector)


def _blend_windows(g: Generation, idx: np.ndarray, part: np.ndarray, vector: np.ndarray) -> ScoreSet:
    """Some passages' similarities, blended with their best sentence window's."""
    if g.windows is not None:
        part = g.windows.combine_subset(idx, part, vector)
    return ScoreSet(idx, part)


def exact_scores(g: Generation, vector: np.ndarray) -> ScoreSet:
    scores = _matvec(g.vectors, vector)
    return ScoreSet(None, scores if g.windows is None else g.windows.blend(scores, vector))


def widened_top(g: Generation, vector: np.ndarray, filters, k: int, top: list[Scored], nprobe: int | None,
                top_of) -> list[Scored]:
    """``top`` when a filter left too few probed passages: probe wider, or for a very narrow
    filter score the passages it allows directly (gathering rows costs ~10x a contiguous probe
    per row). ``top_of(g, scores, filters, k)``: the backend's best k of a score set."""
    vector = np.asarray(vector, dtype=np.float32)
    mask = g.facets.passage_mask(filters)
    allowed = np.flatnonzero(mask) if mask is not None else None
    if allowed is not None and len(allowed) <= SUBSET_EXACT:
        if len(top) >= len(allowed):
            return top
        part = _matvec(np.asarray(g.vectors[allowed], dtype=np.float32), vector)
        return top_of(g, _blend_windows(g, allowed, part, vector), {}, k)
    want = min(k, len(g.passage_ids) if allowed is None else len(allowed))
    probes, nlist = clusters_read(g, nprobe), len(g.ivf.centroids)
    while len(top) < want and probes < nlist:
        probes *= 4
        top = top_of(g, probe_scores(g, vector, probes), filters, k)
    return top
