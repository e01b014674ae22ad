"""What an Elasticsearch index can answer, by its mapping version, and the words a query
searches there: the query-side helpers of the backend (elasticsearch_backend), which needs
``meta()`` from its host class."""
from __future__ import annotations

from functools import lru_cache

from indexer.backends.es_fields import Fields, fields_for
from indexer.backends.es_terms import plan_query
from indexer.backends.es_windows import WINDOWS_FROM
from indexer.model import IndexMeta
from indexer.ranking.query_syntax import ParsedQuery


class QueryFeatures:
    def meta(self) -> IndexMeta | None:  # the host class reads it from the cluster
        raise NotImplementedError

    @property
    def marks_partial(self) -> bool:
        """Whether keyword hits say when they match a compound query word only in part: an
        index of mapping v3 on (older ones lack the analyzer; their counts include such hits)."""
        return self._mapping_from(3)

    @property
    def ranks_windows(self) -> bool:
        """Whether semantic scores blend each passage's best sentence window with its own, as the
        embedded backend's: an index of mapping v7 on (es_windows; older ones rank by the passage)."""
        return self._mapping_from(WINDOWS_FROM)

    def _mapping_from(self, version: int) -> bool:
        meta = self.meta()
        return meta is not None and meta.mapping_version.isdigit() and int(meta.mapping_version) >= version

    def _fields(self) -> Fields:
        """The fields this index's searches read (es_fields: by its mapping version)."""
        meta = self.meta()
        return fields_for(meta.mapping_version if meta is not None else "")

    def _parts(self, query: ParsedQuery | None) -> list[tuple[str, ...]]:
        """The compound query words' parts, where the index can tell matches only in part."""
        if query is None or query.is_empty:
            return []
        from indexer.analysis import get_analyzer  # the query side's own analyzer, loaded once

        parts = get_analyzer().compound_surfaces(" ".join(query.positive_terms()))
        return parts if parts and self.marks_partial else []

    @staticmethod
    def _plan(query: ParsedQuery | None) -> ParsedQuery | None:
        """The words Elasticsearch searches, and as what (es_terms: stop words out, English
        glossary phrases with their Dutch renderings, other English words not required)."""
        return None if query is None else _planned(query)


@lru_cache(maxsize=256)
def _planned(query: ParsedQuery) -> ParsedQuery:
    """One plan per query, not one per request of a search (hits, count, facets, highlights)."""
    from indexer.analysis import get_analyzer

    return plan_query(query, get_analyzer())
