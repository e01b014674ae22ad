"""Pure builders of the document-level request bodies: the document list (filtered, ordered,
paged), a document's passages in order, and every document's content hash (the incremental
build's comparison). No client, no I/O; es_paging walks the pages."""
from __future__ import annotations

from typing import Any

from indexer.backends.es_queries import (DOCUMENT, PASSAGE, PASSAGE_SOURCE, Body, Filters, filter_clauses,
                                         kind_filter)
from indexer.model import FACET_FIELDS

# a document list's records: what the embedded backend's light records hold (no text, no entities)
DOC_LIST_SOURCE = ["doc_id", "title", "doc_type", "source_path", "metadata", *FACET_FIELDS]
# index.max_result_window (Elasticsearch's default): ``from + size`` may not pass it, so deeper
# pages of the document list are reached with ``search_after``
MAX_RESULT_WINDOW = 10_000
# The document list's order: the title lowercased (as the embedded backend's ``str.lower``), then
# the document id. Mapping v2 has no lowercase-normalised title keyword, so a runtime field
# computes it per request from ``title.keyword`` (doc values), or from ``_source`` for a title
# longer than its ``ignore_above`` (512). Only the documents that pass the filters are computed.
TITLE_SORT_FIELD = "gka_title_sort"
TITLE_SORT_SCRIPT = (
    "String t = '';"
    " if (doc['title.keyword'].size() > 0) { t = doc['title.keyword'].value; }"
    " else if (params._source.title != null) { t = params._source.title.toString(); }"
    " emit(t.toLowerCase(Locale.ROOT));"
)

DATE_SORT_FIELD = "gka_date_sort"
# model.document_date from _source: metadata.datum, else the first jaar, else "" (sorts last, descending)
DATE_SORT_SCRIPT = (
    "String d = ''; def m = params._source.metadata; def j = params._source.jaar;"
    " if (m != null && m.datum != null && m.datum.toString() != '') { d = m.datum.toString(); }"
    " else if (j instanceof List) { if (j.size() > 0 && j.get(0) != null) { d = j.get(0).toString(); } }"
    " else if (j != null) { d = j.toString(); }"
    " emit(d);"
)
DOCUMENT_ORDERS = ("title", "date")


def document_passages_body(doc_id: str, size: int, search_after: list[Any] | None = None,
                           with_vectors: bool = False) -> Body:
    body: Body = {
        "query": {"bool": {"filter": [kind_filter(PASSAGE), {"term": {"doc_id": doc_id}}]}},
        "sort": [{"ordinal": "asc"}, {"passage_id": "asc"}],
        "size": size,
        "_source": PASSAGE_SOURCE + (["vector"] if with_vectors else []),
    }
    if search_after:
        body["search_after"] = search_after
    return body


def document_hashes_body(size: int, search_after: list[Any] | None = None, field: str = "content_hash") -> Body:
    body: Body = {
        "query": {"bool": {"filter": [kind_filter(DOCUMENT)]}},
        "sort": [{"doc_id": "asc"}],
        "size": size,
        "_source": ["doc_id", field],
        "track_total_hits": False,
    }
    if search_after:
        body["search_after"] = search_after
    return body


def documents_body(filters: Filters, size: int, *, offset: int = 0, search_after: list[Any] | None = None,
                   with_source: bool = True, track_total_hits: bool = True, order: str = "title") -> Body:
    """A page of the document list: the ``kind=document`` docs (one per document, so no
    collapsing and ``hits.total`` counts documents) passing the filters, ordered by lowercased
    title then ``doc_id``. Paged by ``from`` (``offset``), or after a previous page's last sort
    values (``search_after``) beyond MAX_RESULT_WINDOW; ``with_source=False`` returns only the
    sort values (to walk past documents before a deep page). ``order="date"``: newest first
    (model.document_date), ties in title order."""
    runtime = {TITLE_SORT_FIELD: {"type": "keyword", "script": {"source": TITLE_SORT_SCRIPT}}}
    sort: list[Any] = [{TITLE_SORT_FIELD: "asc"}, {"doc_id": "asc"}]
    if order == "date":
        runtime[DATE_SORT_FIELD] = {"type": "keyword", "script": {"source": DATE_SORT_SCRIPT}}
        sort.insert(0, {DATE_SORT_FIELD: "desc"})
    body: Body = {
        "query": {"bool": {"filter": [kind_filter(DOCUMENT), *filter_clauses(filters)]}},
        "runtime_mappings": runtime,
        "sort": sort,
        "size": size,
        "_source": list(DOC_LIST_SOURCE) if with_source else False,
        "track_total_hits": track_total_hits,
    }
    if search_after:
        body["search_after"] = list(search_after)
    elif offset:
        body["from"] = offset
    return body
