"""Kennisbank Gelijke Kansen: indexing and search of Dutch knowledge about equal opportunities."""

__version__ = "0.1.0"
