"""The Elasticsearch backend: the Backend protocol over an alias of versioned indices.

Layout: the alias ``settings.es_index`` (default ``gka``) points at one physical index
``<alias>-v<mapping version>-<UTC timestamp>``. Each passage is one ES doc (``kind=passage``,
with facets and vector) and each document one ES doc (``kind=document``, id
``doc::<doc_id>``, with full text, metadata, entities, document vector, content hash).
Request bodies are built in es_queries, responses read in es_results; no Elasticsearch
payload leaves this package. Nothing contacts the cluster before the first method call.
Inside ``pinned()`` reads address the physical index the alias named at entry (es_index);
the requests themselves are in es_transport.
"""
from __future__ import annotations

import logging
from typing import Any, Iterator, Sequence

import numpy as np

from indexer.backends import es_counts as c
from indexer.backends import es_documents as dq
from indexer.backends import es_paging as paging
from indexer.backends import es_queries as q
from indexer.backends import es_results as r
from indexer.backends import es_windows as w
from indexer.backends.es_client import (
    import_elasticsearch,
    is_license_error,
    make_client,
    safe_url,
)
from indexer.backends.es_index import IndexPin, check_compatible, physical_index_name
from indexer.backends.es_lock import build_lock
from indexer.backends.es_features import QueryFeatures
from indexer.backends.es_transport import EsTransport
from indexer.backends.es_mappings import MAPPING_VERSION, load_index_body
from indexer.backends.es_writer import ElasticsearchWriter, cloned_writer
from indexer.config import Settings
from indexer.errors import DocumentNotFound, IndexNotFound
from indexer.model import DocumentRecord, IndexedDocument, IndexMeta, IndexStats, Passage, Scored
from indexer.ranking.query_syntax import ParsedQuery

log = logging.getLogger(__name__)

Filters = dict[str, list[str]]
PAGE = 1000


class ElasticsearchBackend(EsTransport, QueryFeatures):
    """:param settings: es_url, es_index (alias), credentials, es_server_rrf, es_timeout.
    :param node_class: transport node class (tests inject a fake node here)."""

    name = "elasticsearch"
    layout_version = MAPPING_VERSION
    whole_vocabulary = False  # the most frequent titles' words (vocabulary())

    def __init__(self, settings: Settings, *, node_class: Any = None):
        self.settings = settings
        self.alias = settings.es_index
        self._url = settings.es_url
        self._client = make_client(settings, node_class=node_class)
        self._rrf_unlicensed = False
        self._source_exclude_vectors: bool | None = None  # server understands _source.exclude_vectors
        # (live index, its meta): one object per build, as the embedded backend's, so callers that
        # cache per generation by the meta's identity hit; and one request per call, not two. Read
        # once per index: every build, incremental too, publishes a new index (es_writer)
        self._meta: tuple[str, IndexMeta | None] | None = None
        self._pin = IndexPin(self.alias)

    # -- lifecycle / metadata -------------------------------------------------------------
    def pinned(self):
        """Answer every call of this thread from the index the alias names now (nested: the
        outer pin), so a build swapping the alias mid-search cannot mix two indices."""
        return self._pin.hold(self._alias_indices)

    def build_guard(self):
        """Held for a whole build: a lock document in ``<alias>-build-lock`` (es_lock)."""
        return build_lock(self._client, self._url, self.alias)

    def meta(self) -> IndexMeta | None:
        index = self._pin.index or self._live_index()
        if index is None:
            return None
        if self._meta is not None and self._meta[0] == index:
            return self._meta[1]
        with self._errors(f"read the mapping of {index}"):
            resp = self._client.indices.get_mapping(index=index)
        meta = r.meta_of(resp.body.get(index, {}).get("mappings", {}).get("_meta"))
        self._meta = (index, meta)
        return meta

    def document_hashes(self) -> dict[str, str]:
        return paging.document_hashes(self._search, PAGE)

    def document_sources(self) -> dict[str, str]:
        return paging.document_hashes(self._search, PAGE, "source_path")

    def cached_document(self, doc_id: str) -> IndexedDocument | None:
        meta = self.meta()
        if meta is None:
            return None
        docs = r.hits(self._search_with_vectors({"query": {"ids": {"values": [q.document_es_id(doc_id)]}},
                                                 "size": 1}, ["*"]))
        if not docs:
            return None
        passage_hits = self._document_passage_hits(doc_id, with_vectors=True)
        return r.indexed_document_of(docs[0].get("_source", {}), passage_hits, meta.dim)

    def writer(self, meta: IndexMeta, full: bool) -> ElasticsearchWriter:
        import_elasticsearch()
        old = self._alias_indices()
        meta_body = r.meta_to_mapping(meta, MAPPING_VERSION)
        if full:
            index = physical_index_name(self.alias)
            body = load_index_body(meta.dim, meta.embedder)
            body["mappings"]["_meta"] = meta_body
            with self._errors(f"create index {index}"):
                self._client.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
            return ElasticsearchWriter(self._client, self._url, self.alias, index, True, old)
        if not old:
            raise IndexNotFound(f"alias {self.alias} does not exist at {safe_url(self._url)}; "
                                "an incremental build needs a live index")
        check_compatible(self.meta(), meta)
        return cloned_writer(self._client, self._url, self.alias, sorted(old)[-1], old, meta_body)

    # -- retrieval --------------------------------------------------------------------------
    def keyword_search(self, query: ParsedQuery, filters: Filters, k: int) -> list[Scored]:
        if query.is_empty:
            return []
        query = self._plan(query)
        parts = self._parts(query)
        body = q.keyword_search_body(query, filters, k, parts, fields=self._fields())
        return r.scored(self._search(body), whole=q.WHOLE if parts else None)

    def vector_search(self, vector: np.ndarray, filters: Filters, k: int,
                      min_score: float | None = None) -> list[Scored]:
        if self.ranks_windows:  # passage and window clauses, blended; the floor applies to the blend
            body = w.windows_search_body(_floats(vector), filters, k)
            return w.at_least(_as_cosines(r.scored(self._search(body))), min_score)
        body = q.vector_search_body(_floats(vector), filters, k, min_score=min_score)
        return _as_cosines(r.scored(self._search(body)))

    def hybrid_search(self, query: ParsedQuery, vector: np.ndarray, filters: Filters, k: int,
                      rank_window_size: int, min_score: float | None = None) -> list[Scored] | None:
        """Server-side RRF (``rrf`` retriever); None when disabled (settings.es_server_rrf) or
        not licensed, so the caller fuses keyword_search + vector_search itself."""
        if not self.settings.es_server_rrf or self._rrf_unlicensed or query.is_empty:
            return None
        query = self._plan(query)
        if self.ranks_windows:  # the floor is a blended cosine; this knn scores the passage vector alone
            min_score = None
        body = q.hybrid_search_body(query, _floats(vector), filters, k, rank_window_size, min_score=min_score,
                                    fields=self._fields())
        es = import_elasticsearch()
        index = self._pin.target()
        with self._errors(f"rrf search {index}"):
            try:
                resp = self._client.search(index=index, body=body)
            except es.ApiError as exc:
                if not is_license_error(exc):
                    raise
                self._rrf_unlicensed = True
                log.warning("server-side RRF is not covered by the cluster's licence; "
                            "fusing on the client instead (unset GKA_ES_SERVER_RRF to silence)")
                return None
        return r.scored(resp.body)

    def facet_counts(self, query: ParsedQuery | None, passage_ids: Sequence[str] | None,
                     filters: Filters) -> dict[str, dict[str, int]]:
        query = self._plan(query)
        body = c.facet_body(query, passage_ids, filters, self._parts(query), fields=self._fields())
        return r.facet_counts_of(self._search(body))

    def result_count(self, query: ParsedQuery | None, passage_ids: Sequence[str], filters: Filters,
                     by_document: bool = True) -> int:
        query = self._plan(query)
        body = c.count_body(query, passage_ids, filters, self._parts(query), fields=self._fields())
        return r.count_of(self._search(body), by_document)

    def passages(self, passage_ids: Sequence[str]) -> list[tuple[Passage, DocumentRecord]]:
        if not passage_ids:
            return []
        found = self._mget(list(dict.fromkeys(passage_ids)), q.PASSAGE_SOURCE)
        doc_ids = list(dict.fromkeys(src["doc_id"] for src in found.values() if "doc_id" in src))
        docs = self._mget([q.document_es_id(d) for d in doc_ids], q.DOC_LIGHT_SOURCE)
        out = []
        for pid in passage_ids:
            src = found.get(pid)
            doc_src = docs.get(q.document_es_id(src.get("doc_id", ""))) if src else None
            if src is not None and doc_src is not None:
                out.append((r.passage_of(pid, src), r.document_of(doc_src, with_text=False)))
        return out

    def window_similarities(self, passage_ids: Sequence[str], vector: np.ndarray) -> dict[str, np.ndarray]:
        """passage id -> the query's similarity with each of its sentence windows (stored in
        the passage's _source), in order: the semantic evidence of snippets."""
        vector = np.asarray(vector, dtype=np.float32)
        found = self._mget(list(dict.fromkeys(passage_ids)), ["window_vectors"])
        return {pid: r.window_matrix(src, len(vector)) @ vector for pid, src in found.items()}

    def get_document(self, doc_id: str) -> DocumentRecord:
        found = self._mget([q.document_es_id(doc_id)], None)
        source = found.get(q.document_es_id(doc_id))
        if source is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        passages = [r.passage_of(h["_id"], h.get("_source", {})) for h in self._document_passage_hits(doc_id)]
        return r.document_of(source, passages)

    def documents(self, filters: Filters, offset: int, limit: int,
                  sort: str = "title") -> tuple[list[DocumentRecord], int]:
        """A page of the documents passing the filters, by title (lowercased) then id, or newest
        first, as light records, and how many pass. One ``kind=document`` doc per document, so
        ``hits.total`` counts documents. Pages within index.max_result_window use ``from``/``size``;
        deeper ones (or longer lists) walk there with ``search_after`` (es_paging.documents_after)."""
        if sort not in dq.DOCUMENT_ORDERS:
            raise ValueError(f"unknown document order {sort!r}; choose one of: {', '.join(dq.DOCUMENT_ORDERS)}")
        offset, limit = max(0, int(offset)), max(0, int(limit))
        if offset + limit <= dq.MAX_RESULT_WINDOW:
            resp = self._search(dq.documents_body(filters, limit, offset=offset, order=sort))
            return r.light_documents_of(resp), r.total_hits(resp)
        return paging.documents_after(self._search, filters, offset, limit, PAGE, sort)

    def related(self, doc_id: str, k: int) -> list[Scored]:
        body = {"query": {"ids": {"values": [q.document_es_id(doc_id)]}}, "size": 1}
        docs = r.hits(self._search_with_vectors(body, ["doc_id", "vector"]))
        if not docs:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        vector = docs[0].get("_source", {}).get("vector")
        if not vector:
            return []
        return _as_cosines(r.scored(self._search(q.related_body(vector, doc_id, k)), id_field="doc_id"))

    def vocabulary(self) -> Iterator[tuple[str, int]]:
        """Best effort: words of the most frequent document titles (Elasticsearch has no cheap
        whole-index term list); may be empty, spelling suggestions then stay off."""
        return iter(r.vocabulary_of(self._search(c.vocabulary_body())))

    def highlight(self, passage_ids: Sequence[str], query: ParsedQuery) -> dict[str, str]:
        """HTML-safe fragments (``<mark>`` around matches, the rest HTML-escaped) per passage id."""
        if not passage_ids:
            return {}
        return r.highlights_of(self._search(q.highlight_body(passage_ids, self._plan(query))))

    def term_dfs(self, terms: Sequence[str]) -> dict[str, int] | None:
        """term -> passages holding it, in one request; None for an index older than mapping v5,
        whose terms for inflected words are Snowball's, not the embedded analyzer's (a count of
        "kind" there misses "kinderen")."""
        if not self._mapping_from(5):
            return None
        terms = sorted(set(terms))
        return r.term_counts_of(self._search(c.term_counts_body(terms))) if terms else {}

    def passage_counts(self, doc_ids: Sequence[str]) -> dict[str, int]:
        """document id -> its number of passages (unknown ids left out), in one request instead
        of a document read per id (a results page asks for its ten documents)."""
        ids = sorted(set(doc_ids))
        if not ids:
            return {}
        return r.passage_counts_of(self._search(c.passage_counts_body(ids)))

    def stats(self) -> IndexStats:
        meta = self.meta()
        if meta is None:
            raise IndexNotFound(f"alias {self.alias} does not exist at {safe_url(self._url)}")
        documents, passages, by_facet = r.stats_counts_of(self._search(c.stats_body()))
        index = self._pin.target()
        with self._errors(f"read stats of {index}"):
            st = self._client.indices.stats(index=index, metric="store").body
        size = st.get("_all", {}).get("primaries", {}).get("store", {}).get("size_in_bytes", 0)
        return IndexStats(documents, passages, by_facet, meta, int(size),
                          f"{safe_url(self._url).rstrip('/')}/{self.alias}")

    def close(self) -> None:
        self._client.close()

    # -- internals ----------------------------------------------------------------------------
    def _document_passage_hits(self, doc_id: str, with_vectors: bool = False) -> list[dict[str, Any]]:
        if not with_vectors:
            return paging.document_passage_hits(self._search, doc_id, PAGE)
        fields = q.PASSAGE_SOURCE + ["vector", "window_vectors"]
        return paging.document_passage_hits(lambda body: self._search_with_vectors(body, fields), doc_id, PAGE)


def _floats(vector: Any) -> list[float]:
    return [float(x) for x in np.asarray(vector, dtype=np.float32).ravel()]


def _as_cosines(scored: list[Scored]) -> list[Scored]:
    """knn scores on the embedded backend's scale (the cosine), one results contract for both."""
    return [s._replace(score=q.cosine_of_score(s.score)) for s in scored]
