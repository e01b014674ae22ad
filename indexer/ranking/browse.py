"""Filters without a query ("every document on ouderbetrokkenheid"): the documents that pass
them, by title (or newest first), as the backend lists them for the catalogue. One hit per document, its first
passage, with no score: nothing was asked, so nothing is ranked."""
from __future__ import annotations

import time

from indexer.model import Hit, SearchRequest, SearchResponse, document_date
from indexer.passages import passage_id
from indexer.ranking.snippets import Snippeter


def browse(backend, analyzer, request: SearchRequest, filters: dict[str, list[str]], start: float) -> SearchResponse:
    order = "date" if request.sort == "date" else "title"
    records, total = backend.documents(filters, (request.page - 1) * request.k, request.k, sort=order)
    first = {p.doc_id: p for p, _ in backend.passages([passage_id(d.id, 0) for d in records])}
    hits = [_hit(d, first[d.id]) for d in records if d.id in first]  # a document without text has none
    for hit, snippet in zip(hits, Snippeter(analyzer, "").snippets([h.text for h in hits])):
        hit.snippet = snippet  # the passage's opening, escaped
    return SearchResponse(request, total, hits, backend.facet_counts(None, None, filters),
                          took_ms=(time.perf_counter() - start) * 1000)


def _hit(doc, passage) -> Hit:
    return Hit(doc_id=doc.id, passage_id=passage.id, title=doc.title, doc_type=doc.doc_type,
               heading=passage.heading, text=passage.text, snippet="", score=None, facets=doc.facets,
               source_path=doc.source_path, date=document_date(doc))
