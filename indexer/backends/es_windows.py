"""Sentence windows in Elasticsearch's semantic ranking (mapping v7 on), blended as the embedded
backend blends them (embedded/scores.py ``Windows``): a passage's similarity is WINDOW_WEIGHT
times its best window's plus the rest times its own.

Written: each passage holds its window vectors in the nested field ``rank_windows``; one without
windows holds its own vector as its one window, so that its blend is its own similarity, as the
embedded backend keeps it. The mapping keeps them out of ``_source`` (``_source.excludes``):
``window_vectors`` holds the same vectors for snippets and read-back.

Searched: two top-level knn clauses with the same filters, ``vector`` boosted 1 - W and
``rank_windows.vector`` boosted W (a nested knn scores a passage by its nearest window).
Elasticsearch sums a hit's boosted clause scores, each (1 + cosine) / 2 for the ``cosine``
similarity; with boosts summing to 1 the sum is (1 + blend) / 2, which es_queries.cosine_of_score
reads back as the blend.

Approximation: each clause finds its own ``num_candidates(k)`` nearest passages (4k, at least
100); a passage found by one clause only gets that clause's share, about half its blend, and falls
behind the passages both found, as the embedded backend's exact search blends only the 1,024
passages nearest by their own vector. ``min_score`` (a cosine) applies to the blend, after it, not
as each clause's ``similarity``: a passage's blend may pass the floor while its own cosine does not.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from indexer.backends.base import WINDOW_WEIGHT
from indexer.backends.es_queries import Body, Filters, knn_clause, num_candidates
from indexer.model import Scored

RANK_WINDOWS = "rank_windows"
WINDOWS_FROM = 7  # the first mapping version with rank_windows


def rank_windows(own: list[float] | None, windows: np.ndarray) -> list[dict[str, Any]]:
    """A passage's nested windows: its window vectors (a zero one left out: ``cosine`` refuses
    it), else its own vector as its one window; none without either."""
    rows = [[float(x) for x in row] for row in np.asarray(windows, dtype=np.float32) if np.any(row)]
    if not rows and own is not None:
        rows = [own]
    return [{"vector": row} for row in rows]


def windows_search_body(vector: Sequence[float], filters: Filters, k: int) -> Body:
    """The k passages of the best blend: the passage clause and the window clause, each finding
    more passages than k so that most of the best are found by both."""
    candidates = num_candidates(k)
    own = {**knn_clause(vector, filters, candidates), "boost": 1.0 - WINDOW_WEIGHT}
    window = {**knn_clause(vector, filters, candidates), "field": f"{RANK_WINDOWS}.vector", "boost": WINDOW_WEIGHT}
    return {"knn": [own, window], "size": k, "_source": False}


def at_least(scored: list[Scored], min_score: float | None) -> list[Scored]:
    """The hits whose blended cosine reaches ``min_score`` (all of them without one)."""
    return scored if min_score is None else [s for s in scored if s.score >= min_score]
