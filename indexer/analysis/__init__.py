"""Dutch keyword analysis shared by indexing and querying (see analyzer.py for the pipeline)."""
from __future__ import annotations

from functools import lru_cache

from indexer.analysis.analyzer import VERSION, DutchAnalyzer, QueryTerm
from indexer.analysis.text_norm import Token

__all__ = ["DutchAnalyzer", "QueryTerm", "Token", "VERSION", "get_analyzer"]


@lru_cache(maxsize=1)
def get_analyzer() -> DutchAnalyzer:
    """The shared analyzer; its data files are read once per process."""
    return DutchAnalyzer()
