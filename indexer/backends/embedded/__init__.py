"""Embedded backend: SQLite + numpy arrays in one directory, no server."""
from indexer.backends.embedded.backend import EmbeddedBackend

__all__ = ["EmbeddedBackend"]
