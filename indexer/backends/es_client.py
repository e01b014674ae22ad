"""Creating the Elasticsearch client from Settings and translating its errors.

The ``elasticsearch`` package is imported lazily, so the project runs without it when the
embedded backend is used. No message or log line produced here contains the API key or the
password: errors are rebuilt from the status and the server's error type/reason only, and
URLs are shown without user info.
"""
from __future__ import annotations

import contextlib
import importlib
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

from indexer.backends.es_results import error_reason
from indexer.config import Settings
from indexer.errors import BackendUnavailable, ConfigError, DependencyMissing, IndexNotFound

INSTALL_HINT = "the elasticsearch backend needs the client: pip install 'elasticsearch>=8,<10'"
MAX_RETRIES = 3
UNAVAILABLE_HINT = "check GKA_ES_URL and that the cluster is up (curl $GKA_ES_URL/_cluster/health)"


def import_elasticsearch() -> Any:
    try:
        return importlib.import_module("elasticsearch")
    except ImportError as exc:
        raise DependencyMissing(INSTALL_HINT) from exc


def safe_url(url: str) -> str:
    """The URL without ``user:password@`` (for messages, logs and IndexStats.location)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def make_client(settings: Settings, node_class: Any = None) -> Any:
    """An ``Elasticsearch`` client object; creating it does not contact the cluster."""
    if not settings.es_url:
        raise ConfigError("the elasticsearch backend needs GKA_ES_URL (e.g. http://localhost:9200)")
    es = import_elasticsearch()
    kwargs: dict[str, Any] = {
        "hosts": [settings.es_url],
        "request_timeout": settings.es_timeout,
        "retry_on_timeout": True,
        "max_retries": MAX_RETRIES,
    }
    if settings.es_api_key:
        kwargs["api_key"] = settings.es_api_key
    elif settings.es_username:
        kwargs["basic_auth"] = (settings.es_username, settings.es_password)
    if settings.es_ca_certs:
        kwargs["ca_certs"] = settings.es_ca_certs
    if node_class is not None:
        kwargs["node_class"] = node_class
    try:
        return es.Elasticsearch(**kwargs)
    except (ValueError, TypeError) as exc:
        # the client validates hosts and TLS options; its message names no secret
        raise ConfigError(f"invalid Elasticsearch settings for {safe_url(settings.es_url)}: {exc}") from exc


def status_of(exc: BaseException) -> int | None:
    meta = getattr(exc, "meta", None)
    status = getattr(meta, "status", None)
    return status if isinstance(status, int) else getattr(exc, "status_code", None)


def body_of(exc: BaseException) -> Any:
    return getattr(exc, "body", None)


def is_license_error(exc: BaseException) -> bool:
    """A 403 saying the licence does not cover a feature (e.g. RRF on Basic)."""
    return status_of(exc) == 403 and "license" in error_reason(body_of(exc)).lower()


@contextlib.contextmanager
def translated_errors(url: str, action: str) -> Iterator[None]:
    """Turn client/transport errors into the project's errors with a safe message.

    :param url: the configured URL (shown without credentials).
    :param action: what was being done, e.g. "search gka".
    """
    es = import_elasticsearch()
    where = safe_url(url)
    try:
        yield
    except es.ApiError as exc:
        status = status_of(exc) or 0
        reason = error_reason(body_of(exc)) or type(exc).__name__
        if status == 404 and "index_not_found" in reason:
            raise IndexNotFound(f"Elasticsearch at {where} has no index for {action}") from None
        if status in (401, 403):
            raise BackendUnavailable(
                f"Elasticsearch at {where} refused {action} ({status}: {reason})",
                hint="check GKA_ES_API_KEY or GKA_ES_USERNAME/GKA_ES_PASSWORD and the user's privileges",
            ) from None
        if status >= 500 or status == 429:
            raise BackendUnavailable(
                f"Elasticsearch at {where} failed {action} ({status}: {reason})", hint=UNAVAILABLE_HINT
            ) from None
        raise BackendUnavailable(f"Elasticsearch at {where} rejected {action} ({status}: {reason})") from None
    except es.TransportError as exc:  # ConnectionError, ConnectionTimeout, TLS, serialization
        kind = type(exc).__name__
        raise BackendUnavailable(
            f"Elasticsearch at {where} is unreachable during {action} ({kind})", hint=UNAVAILABLE_HINT
        ) from None
