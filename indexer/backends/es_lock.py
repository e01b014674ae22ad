"""The Elasticsearch build lock: one document, created with ``op_type=create``.

``<alias>-build-lock/_doc/build`` names the host, pid and UTC start of the running build.
Creating it answers 409 while another build holds it; the build deletes it when it ends, also
on errors. A build that died leaves it behind: a lock older than STALE_AFTER is taken over
(a delete conditional on the seq_no read, then a create again, so two builds cannot both take
it); a younger one is removed by hand, as the refusal says.
"""
from __future__ import annotations

import logging
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from indexer.backends.es_client import import_elasticsearch, safe_url, translated_errors
from indexer.errors import BackendUnavailable, BuildLocked, GkaError

log = logging.getLogger(__name__)

LOCK_ID = "build"
STALE_AFTER = timedelta(hours=6)  # generous: a full national build with a real embedder takes hours
ATTEMPTS = 3  # the lock may change hands between our reads; then look again
LOCK_INDEX_SETTINGS = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}

Clock = Callable[[], datetime]


def lock_index(alias: str) -> str:
    return f"{alias}-build-lock"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def build_lock(client: Any, url: str, alias: str, now: Clock = _utcnow) -> Iterator[None]:
    """Held for a whole build; BuildLocked (as the embedded backend's) while another holds it."""
    index = lock_index(alias)
    held = _acquire(client, url, index, now)
    try:
        yield
    finally:
        _release(client, url, index, held)


def _acquire(client: Any, url: str, index: str, now: Clock) -> tuple[int, int]:
    """(seq_no, primary_term) of the lock document this build created."""
    es = import_elasticsearch()
    holder = {"host": socket.gethostname(), "pid": os.getpid(),
              "started": now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    current = None
    for _ in range(ATTEMPTS):
        current = None
        with translated_errors(url, f"take the build lock {index}"):
            try:
                body = client.create(index=index, id=LOCK_ID, document=holder).body
                return int(body["_seq_no"]), int(body["_primary_term"])
            except es.ConflictError:
                current = _read(client, index)
            except es.NotFoundError:  # action.auto_create_index is off: create the lock index
                _create_index(client, index)
                continue
        if current is None:
            continue  # released between our create and read
        source, seq_no, term = current
        if not _stale(source, now()):
            raise _locked(url, index, source)
        log.warning("taking over the build lock %s: %s (older than %s, that build died)",
                    index, _holder(source), STALE_AFTER)
        with translated_errors(url, f"take over the stale build lock {index}"):
            try:
                client.delete(index=index, id=LOCK_ID, if_seq_no=seq_no, if_primary_term=term)
            except (es.ConflictError, es.NotFoundError):
                pass  # another build took or freed it meanwhile: look again
    if current is None:
        raise BackendUnavailable(f"could not take the build lock {index} at {safe_url(url)} "
                                 f"in {ATTEMPTS} attempts", hint="try the build again")
    raise _locked(url, index, current[0])


def _release(client: Any, url: str, index: str, held: tuple[int, int]) -> None:
    """Delete our lock document; only ours (conditional), and never raise over the build's result."""
    es = import_elasticsearch()
    seq_no, term = held
    try:
        with translated_errors(url, f"release the build lock {index}"):
            try:
                client.delete(index=index, id=LOCK_ID, if_seq_no=seq_no, if_primary_term=term)
            except (es.ConflictError, es.NotFoundError):
                log.warning("the build lock %s was taken over or removed while this build ran; "
                            "left as it is", index)
    except GkaError as exc:
        log.warning("could not release the build lock %s (%s); the next build will refuse to start: %s",
                    index, exc, _clear_hint(url, index))


def _read(client: Any, index: str) -> tuple[dict[str, Any], int, int] | None:
    """(holder, seq_no, primary_term) of the lock document, or None when there is none."""
    es = import_elasticsearch()
    try:
        body = client.get(index=index, id=LOCK_ID).body
    except es.NotFoundError:
        return None
    return dict(body.get("_source") or {}), int(body["_seq_no"]), int(body["_primary_term"])


def _create_index(client: Any, index: str) -> None:
    es = import_elasticsearch()
    try:
        client.indices.create(index=index, settings=LOCK_INDEX_SETTINGS)
    except es.BadRequestError as exc:  # created by a concurrent build: fine
        if "resource_already_exists" not in str(getattr(exc, "body", "")):
            raise


def _stale(source: dict[str, Any], now: datetime) -> bool:
    """Older than STALE_AFTER; an unreadable start time is never stale (left to a person)."""
    try:
        started = datetime.fromisoformat(str(source.get("started", "")))
    except ValueError:
        return False
    if started.tzinfo is None:
        started = started.replace(tzinfo=timezone.utc)
    return now - started > STALE_AFTER


def _holder(source: dict[str, Any]) -> str:
    return (f"host {source.get('host', '?')}, pid {source.get('pid', '?')}, "
            f"since {source.get('started', '?')}")


def _clear_hint(url: str, index: str) -> str:
    return f"curl -X DELETE '{safe_url(url).rstrip('/')}/{index}/_doc/{LOCK_ID}'"


def _locked(url: str, index: str, source: dict[str, Any]) -> GkaError:
    return BuildLocked(
        f"another build is running on Elasticsearch at {safe_url(url)}: {_holder(source)}",
        hint=(f"wait for it to finish; if that build died, remove its lock (with your credentials): "
              f"{_clear_hint(url, index)}; a lock older than {int(STALE_AFTER.total_seconds() // 3600)} hours "
              "is taken over by the next build"),
    )
