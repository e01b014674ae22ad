"""The project's types as plain JSON-ready dicts (API responses and JSON export).

Shapes here are the ones documented in openapi.py; change both together.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from indexer.model import DocumentRecord, Hit, SearchRequest, SearchResponse
from indexer.service import Related, Suggestion
from search_app.params import LISTED_SORT
from search_app.sources import cited_sources


def jsonable(value: Any) -> Any:
    """Metadata comes from YAML front matter: dates, sets and numbers must survive JSON."""
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def hit_to_dict(hit: Hit) -> dict:
    """The hit as the library gives it: a browsed one (filters alone) has no score or ranks."""
    return {
        "doc_id": hit.doc_id,
        "passage_id": hit.passage_id,
        "title": hit.title,
        "type": hit.doc_type,
        "heading": hit.heading,
        "text": hit.text,
        "snippet": hit.snippet,
        "score": None if hit.score is None else jsonable(float(hit.score)),  # jsonable() would string a numpy float32
        "keyword_rank": hit.keyword_rank,
        "keyword_score": jsonable(hit.keyword_score),
        "semantic_rank": hit.semantic_rank,
        "semantic_score": jsonable(hit.semantic_score),
        "facets": jsonable(hit.facets),
        "source_path": hit.source_path,
        "date": getattr(hit, "date", "") or "",
        "more_passages": list(hit.more_passages),
        "boosted_by": jsonable(hit.boosted_by),
    }


def listed_sort(req: SearchRequest) -> str:
    """The order the rows are in: filters alone list by title (or newest first), whatever was asked."""
    return req.sort if req.query.strip() or req.sort == "date" else LISTED_SORT


def response_to_dict(response: SearchResponse) -> dict:
    req = response.request
    return {
        "query": req.query,
        "mode": req.mode,
        "total": response.total,
        "page": req.page,
        "k": req.k,
        "filters": jsonable(req.filters),
        "collapse": req.collapse,
        "sort": listed_sort(req),
        "doc_id": req.doc_id,
        "hits": [hit_to_dict(h) for h in response.hits],
        "facets": jsonable(response.facets),
        "suggestion": response.suggestion,
        "corrected": response.corrected,
        "exact": req.exact,
        "detected": jsonable(response.detected),
        "took_ms": round(float(response.took_ms), 3),
        "word_matches": response.word_matches,
        "partial_words": list(response.partial_words),
        "missing_words": list(response.missing_words),
    }


def document_to_dict(doc: DocumentRecord, source_names: dict[str, str] | None = None) -> dict:
    """``metadata`` as stored; ``sources`` its cited files (``bronnen``) with readable names."""
    return {
        "id": doc.id,
        "doc_id": doc.id,  # the name hits use; id stays for the clients that read it
        "title": doc.title,
        "type": doc.doc_type,
        "source_path": doc.source_path,
        "text": doc.text,
        "facets": jsonable(doc.facets),
        "metadata": jsonable(doc.metadata),
        "sources": cited_sources(doc.metadata, source_names or {}),
        "entities": [
            {"label": e.label, "text": e.text, "value": e.value, "start": e.start, "end": e.end}
            for e in doc.entities
        ],
        "passages": [
            {"id": p.id, "passage_id": p.id, "ordinal": p.ordinal, "heading": p.heading, "text": p.text}
            for p in doc.passages
        ],
    }


def related_to_dict(rel: Related) -> dict:
    return {"doc_id": rel.doc_id, "title": rel.title, "type": rel.doc_type, "score": jsonable(float(rel.score))}


def suggestion_to_dict(sug: Suggestion) -> dict:
    return {"text": sug.text, "kind": sug.kind, "doc_id": sug.doc_id}
