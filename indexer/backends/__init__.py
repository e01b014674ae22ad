"""Backend factory: a string picks the implementation; the choice is recorded in index metadata."""
from __future__ import annotations

from indexer.config import Settings
from indexer.errors import ConfigError

BACKENDS = ("embedded", "elasticsearch")


def open_backend(settings: Settings, analyzer=None):
    """Return the backend named by ``settings.backend`` (nothing connects until first use)."""
    name = settings.backend.strip().lower()
    if name == "embedded":
        from indexer.backends.embedded import EmbeddedBackend

        nprobe = settings.nprobe if settings.nprobe >= 0 else None  # None: the backend's default
        return EmbeddedBackend(settings.index_dir, analyzer=analyzer, nprobe=nprobe)
    if name == "elasticsearch":
        from indexer.backends.elasticsearch_backend import ElasticsearchBackend

        return ElasticsearchBackend(settings)
    raise ConfigError(f"unknown backend {settings.backend!r}; choose one of: {', '.join(BACKENDS)}")
