"""The Elasticsearch backend's requests: each addresses the index this thread is pinned to (or
the alias), and client errors become the library's own (es_client.translated_errors)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from indexer.backends.es_client import import_elasticsearch, translated_errors
from indexer.errors import BackendUnavailable, IndexNotFound


class EsTransport:
    """Mixed into ElasticsearchBackend, which sets ``_client``, ``_url``, ``_pin``, ``alias``
    and ``_source_exclude_vectors``."""

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            with translated_errors(self._url, action):
                yield
        except IndexNotFound:
            pinned = self._pin.index
            if pinned is None:
                raise
            # a full build deletes the index it replaces: this search started on it
            raise BackendUnavailable(f"index {pinned} was replaced by a new build during this search",
                                     hint="search again: it reads the new index") from None

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        index = self._pin.target()
        with self._errors(f"search {index}"):
            return self._client.search(index=index, body=body).body

    def _search_with_vectors(self, body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        """Search returning vectors in _source: ES >= 9.2 leaves them out unless
        ``_source.exclude_vectors`` is false, which older servers reject (then retried plainly)."""
        es = import_elasticsearch()
        if self._source_exclude_vectors is not False:
            with_flag = {**body, "_source": {"includes": fields, "exclude_vectors": False}}
            index = self._pin.target()
            with self._errors(f"search {index}"):
                try:
                    resp = self._client.search(index=index, body=with_flag).body
                    self._source_exclude_vectors = True
                    return resp
                except es.BadRequestError:
                    self._source_exclude_vectors = False
        return self._search({**body, "_source": fields})

    def _mget(self, ids: list[str], fields: list[str] | None) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        kwargs = {"source_includes": fields} if fields else {}
        index = self._pin.target()
        with self._errors(f"fetch documents from {index}"):
            resp = self._client.mget(index=index, ids=ids, **kwargs).body
        return {d["_id"]: d.get("_source", {}) for d in resp.get("docs", []) if d.get("found")}

    def _alias_indices(self) -> list[str]:
        es = import_elasticsearch()
        with self._errors(f"resolve alias {self.alias}"):
            try:
                resp = self._client.indices.get_alias(name=self.alias)
            except es.NotFoundError:
                return []
        return sorted(resp.body)

    def _live_index(self) -> str | None:
        indices = self._alias_indices()
        return indices[-1] if indices else None
