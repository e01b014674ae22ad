"""The copy an incremental build writes to: the live index cloned (``_clone``) under a new name.

Elasticsearch clones only an index with a write block: the block is set for the clone request
alone and removed again whatever happens (searches are unaffected, and the build lock keeps other
builds out). The clone inherits the source's settings, the block too; the clone request resets it
(``null``, as the resize API's own example does). Aliases are not copied, so nobody sees the clone
until the build moves the alias to it. A clone hard-links the segment files where the file system
allows (same node, same disk): quick, and little extra disk until the copies diverge.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

from indexer.backends.es_client import translated_errors
from indexer.errors import BackendUnavailable, GkaError

log = logging.getLogger(__name__)

WRITE_BLOCK = "index.blocks.write"
CLONE_WAIT_S = 60  # how long the server may wait for the clone's primary shards to start
CLONE_HINT = ("an incremental build clones the live index: the cluster must be healthy (green) with disk "
              "for a second copy, and the API key needs the manage privilege on gka*; "
              "or rebuild it whole: python -m indexer build --rebuild")


def clone_index(client: Any, url: str, live: str, target: str) -> None:
    """Clone ``live`` to ``target`` (a new name), writable, its primary shards started.

    :raises BackendUnavailable: the cluster refused or failed (``target`` may exist then: the
        caller deletes it); ``live`` is left without a write block in every case."""
    with translated_errors(url, f"block writes to {live} for its clone"):
        client.indices.put_settings(index=live, settings={WRITE_BLOCK: True})
    try:
        with _hinted(), translated_errors(url, f"clone {live} to {target}"):
            # the server waits up to CLONE_WAIT_S for the clone's primaries; the client, whose
            # own timeout (GKA_ES_TIMEOUT, 10 s) is shorter, waits longer than that
            resp = client.options(request_timeout=CLONE_WAIT_S + 30).indices.clone(
                index=live, target=target, settings={WRITE_BLOCK: None}, wait_for_active_shards=1,
                timeout=f"{CLONE_WAIT_S}s")
        if not resp.body.get("shards_acknowledged"):
            raise BackendUnavailable(f"the clone {target} of {live} did not start within the request's timeout",
                                     hint=CLONE_HINT)
    finally:
        _unblock(client, url, live)


@contextmanager
def _hinted() -> Iterator[None]:
    """An error without a hint of its own gets the clone's prerequisites as its hint."""
    try:
        yield
    except BackendUnavailable as exc:
        if exc.hint:
            raise
        raise BackendUnavailable(str(exc), hint=CLONE_HINT) from None


def _unblock(client: Any, url: str, live: str) -> None:
    """Remove the write block (reset to the default), best effort: a block left behind stops no
    search and no build (builds never write to the live index), so it must not hide the result."""
    try:
        with translated_errors(url, f"remove the write block of {live}"):
            client.indices.put_settings(index=live, settings={WRITE_BLOCK: None})
    except GkaError as exc:
        log.warning("could not remove the write block of %s (%s); searches are unaffected. Remove it with: "
                    "PUT %s/_settings {\"%s\": null}", live, exc, live, WRITE_BLOCK)
