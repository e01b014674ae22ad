"""The alias and its physical indices: names, the compatibility check of incremental builds,
and the per-thread pin that makes one search read one physical index."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator

from indexer.backends.es_mappings import MAPPING_VERSION
from indexer.errors import IndexMismatch
from indexer.model import IndexMeta

REINDEX_HINT = "rebuild the index: python -m indexer build --rebuild"


def physical_index_name(alias: str, now: datetime | None = None) -> str:
    """``<alias>-v<mapping version>-<UTC timestamp>``, lowercase as ES requires."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dt%H%M%S%fz")
    return f"{alias}-v{MAPPING_VERSION}-{stamp}".lower()


def check_compatible(live: IndexMeta | None, wanted: IndexMeta) -> None:
    """IndexMismatch unless the live index has this mapping version, embedder and dimension."""
    if live is None:
        raise IndexMismatch("the live index records no metadata", hint=REINDEX_HINT)
    problems = []
    if live.mapping_version != MAPPING_VERSION:
        problems.append(f"mapping version {live.mapping_version!r} (this code writes {MAPPING_VERSION!r})")
    if live.embedder != wanted.embedder:
        problems.append(f"embedder {live.embedder!r} (requested {wanted.embedder!r})")
    if int(live.dim) != int(wanted.dim):
        problems.append(f"dimension {live.dim} (requested {wanted.dim})")
    if problems:
        raise IndexMismatch("cannot update the live index incrementally: it has " + ", ".join(problems),
                            hint=REINDEX_HINT)


class IndexPin:
    """Which index this thread's reads address: the physical index resolved when the outermost
    ``hold`` began, else the alias (resolved by the server on every request)."""

    def __init__(self, alias: str):
        self.alias = alias
        self._local = threading.local()

    @property
    def index(self) -> str | None:
        return getattr(self._local, "index", None)

    def target(self) -> str:
        return self.index or self.alias

    @contextmanager
    def hold(self, resolve: Callable[[], list[str]]) -> Iterator[None]:
        """Pin the alias's index for the block; nested holds keep the outer pin.

        :param resolve: the indices behind the alias (none: missing). Only a single index is
            pinned: without one, reads keep addressing the alias and fail or answer as before."""
        outer = self.index
        if outer is None:
            indices = resolve()
            self._local.index = indices[0] if len(indices) == 1 else None
        try:
            yield
        finally:
            self._local.index = outer
