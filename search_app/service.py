"""The app's one SearchService per process: opened lazily, shared by threads, reopened after failure.

Like flaskr's ``get_db()``, but the service outlives a request: opening an index is costly and
the service is thread-safe, so it is cached on the app. When the backend fails, the broken
instance is dropped and the next request (after a short pause) opens a fresh one, so the app
recovers by itself when the index or the cluster comes back.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from flask import Flask, current_app, g

from indexer.errors import BackendUnavailable, IndexNotFound, QueryModelUnavailable
from indexer.service import SearchService

EXTENSION = "gka_service"


class ServiceHolder:
    def __init__(self, factory: Callable[[], SearchService], retry_seconds: float = 2.0):
        self._factory = factory
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._service: SearchService | None = None
        self._failed_at: float | None = None
        self._last_error: Exception | None = None

    def get(self) -> SearchService:
        service = self._service
        if service is not None:
            return service
        with self._lock:
            if self._service is None:
                self._open_locked()
            return self._service  # type: ignore[return-value]

    def _open_locked(self) -> None:
        # Don't hammer a missing index or a down cluster: fail fast for a little while.
        if self._failed_at is not None and time.monotonic() - self._failed_at < self._retry_seconds:
            error = self._last_error  # the same kind of failure, reworded for the log only
            raise (IndexNotFound if isinstance(error, IndexNotFound) else BackendUnavailable)(
                f"not retried yet after: {error}")
        try:
            self._service = self._factory()
        except (IndexNotFound, BackendUnavailable) as exc:
            self._failed_at, self._last_error = time.monotonic(), exc
            raise
        self._failed_at = self._last_error = None

    def discard(self, service: SearchService | None) -> None:
        """Forget ``service`` (if it is still the current one) so the next request reopens it.

        Not closed here: other threads may still be using it; it closes when collected.
        """
        with self._lock:
            if service is not None and self._service is service:
                self._service = None

    def close(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.close()
                self._service = None


def init_app(app: Flask) -> None:
    factory = app.config.get("SERVICE_FACTORY") or (lambda: _open_default(app))
    app.extensions[EXTENSION] = ServiceHolder(factory, float(app.config["SERVICE_RETRY_SECONDS"]))


def get_service() -> SearchService:
    """The process-wide service, remembered on ``g`` so a failure discards this very instance."""
    if "gka_service" not in g:
        g.gka_service = current_app.extensions[EXTENSION].get()
    return g.gka_service


def discard_failed_service(failure: Exception | None = None) -> None:
    """Drop the service so a later request reopens it: recovery without a restart. Not for a
    query model that cannot be used: the service remembers that until the next build, and a
    reopened one would load a large model again on every request."""
    if isinstance(failure, QueryModelUnavailable):
        return
    current_app.extensions[EXTENSION].discard(g.pop("gka_service", None))


def _open_default(app: Flask) -> SearchService:
    from indexer.search import open_service  # imported late: nothing touches the index at import

    return open_service(app.config["GKA_SETTINGS"])
