"""Reads that walk the index in pages with ``search_after`` (longer than one response).

``search`` runs one request body against the backend's current target index; ``page`` is the
page size, passed by the caller (the backend's PAGE) so tests can shrink it.
"""
from __future__ import annotations

from typing import Any, Callable

from indexer.backends import es_documents as q
from indexer.backends import es_results as r
from indexer.model import DocumentRecord

Search = Callable[[dict[str, Any]], dict[str, Any]]
Filters = dict[str, list[str]]


def document_hashes(search: Search, page: int, field: str = "content_hash") -> dict[str, str]:
    """doc_id -> content hash (or another keyword ``field``: source_path) of every document."""
    out: dict[str, str] = {}
    after: list[Any] | None = None
    while True:
        hits = r.hits(search(q.document_hashes_body(page, after, field)))
        for hit in hits:
            src = hit.get("_source", {})
            out[str(src.get("doc_id"))] = str(src.get(field, ""))
        if len(hits) < page:
            return out
        after = hits[-1]["sort"]


def document_passage_hits(search: Search, doc_id: str, page: int) -> list[dict[str, Any]]:
    """The hits of a document's passages, in order."""
    out: list[dict[str, Any]] = []
    after: list[Any] | None = None
    while True:
        hits = r.hits(search(q.document_passages_body(doc_id, page, after)))
        out.extend(hits)
        if len(hits) < page:
            return out
        after = hits[-1]["sort"]


def documents_after(search: Search, filters: Filters, offset: int, limit: int,
                    page: int, order: str = "title") -> tuple[list[DocumentRecord], int]:
    """The document list past index.max_result_window: skip ``offset`` documents in pages of
    sort values only (no _source), then read records in pages of ``page``, each page continuing
    after the previous one's last sort values. Without a point in time, a build published
    during the walk may shift the pages (as a refresh would between two page views)."""
    after: list[Any] | None = None
    total: int | None = None
    seen = 0
    out: list[DocumentRecord] = []
    while len(out) < limit:
        reading = seen >= offset  # before the offset only sort values are read
        size = min(page, q.MAX_RESULT_WINDOW, limit - len(out)) if reading \
            else min(q.MAX_RESULT_WINDOW, offset - seen)
        resp = search(q.documents_body(filters, size, search_after=after, with_source=reading,
                                       track_total_hits=total is None, order=order))
        total = r.total_hits(resp) if total is None else total
        hits = r.hits(resp)
        if reading:
            out.extend(r.light_documents_of(resp))
        seen += len(hits)
        if len(hits) < size or seen >= total:
            break
        after = hits[-1]["sort"]
    return out, int(total or 0)
