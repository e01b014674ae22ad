"""Pure conversions from Elasticsearch responses (plain dicts) to the project's types."""
from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, Mapping

import numpy as np

from indexer.model import (
    FACET_FIELDS,
    DocumentRecord,
    Entity,
    IndexedDocument,
    IndexMeta,
    Passage,
    Scored,
)

Response = Mapping[str, Any]
_META_FIELDS = {f.name for f in fields(IndexMeta)}


def hits(response: Response) -> list[dict[str, Any]]:
    return list(response.get("hits", {}).get("hits", []))


def scored(response: Response, id_field: str | None = None, whole: str | None = None) -> list[Scored]:
    """Hits as Scored, best first; ``id_field`` takes the id from ``_source`` instead of ``_id``;
    ``whole``: the named clause a hit must have met not to be a match only in part."""
    out: list[Scored] = []
    for hit in hits(response):
        ident = hit.get("_source", {}).get(id_field) if id_field else hit.get("_id")
        if ident is not None:
            partial = whole is not None and whole not in (hit.get("matched_queries") or ())
            out.append(Scored(str(ident), float(hit.get("_score") or 0.0), partial))
    return out


def facets_of(source: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every facet field, ``[]`` when the doc has no value: the writer stores none for an empty
    field, and records must read as the embedded backend's (all FACET_FIELDS, in order)."""
    out: dict[str, list[str]] = {}
    for field in FACET_FIELDS:
        value = source.get(field)
        if value in (None, "", []):
            out[field] = []
        else:
            out[field] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return out


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return asdict(entity)


def entities_of(source: Mapping[str, Any]) -> list[Entity]:
    out = []
    for item in source.get("entities") or []:
        try:
            out.append(Entity(**{k: item[k] for k in ("label", "text", "value") if k in item},
                              start=int(item.get("start", -1)), end=int(item.get("end", -1))))
        except (TypeError, KeyError):
            continue
    return out


def passage_of(es_id: str, source: Mapping[str, Any]) -> Passage:
    return Passage(
        id=str(source.get("passage_id") or es_id),
        doc_id=str(source.get("doc_id", "")),
        ordinal=int(source.get("ordinal", 0) or 0),
        heading=str(source.get("heading") or ""),
        text=str(source.get("text") or ""),
        hash=str(source.get("passage_hash") or ""),
    )


def document_of(source: Mapping[str, Any], passages: list[Passage] | None = None,
                with_text: bool = True) -> DocumentRecord:
    return DocumentRecord(
        id=str(source.get("doc_id", "")),
        title=str(source.get("title") or ""),
        doc_type=str(source.get("doc_type") or ""),
        source_path=str(source.get("source_path") or ""),
        text=str(source.get("text") or "") if with_text else "",
        facets=facets_of(source),
        metadata=dict(source.get("metadata") or {}),
        entities=entities_of(source),
        passages=list(passages or []),
    )


def light_documents_of(response: Response) -> list[DocumentRecord]:
    """The hits of a document-list search as light records (no text, passages or entities), in order."""
    return [document_of({k: v for k, v in (hit.get("_source") or {}).items() if k != "entities"}, with_text=False)
            for hit in hits(response)]


def total_hits(response: Response) -> int:
    """``hits.total`` (an object from 7.0 on, a number before; 0 when not tracked)."""
    total = response.get("hits", {}).get("total", 0)
    return int(total.get("value", 0) if isinstance(total, dict) else total or 0)


def indexed_document_of(doc_source: Mapping[str, Any], passage_hits: list[dict[str, Any]],
                        dim: int) -> IndexedDocument | None:
    """Rebuild an IndexedDocument from its stored docs; None when a vector is missing
    (e.g. a server that leaves vectors out of _source), so the caller re-embeds."""
    passages = [passage_of(h["_id"], h.get("_source", {})) for h in passage_hits]
    raw_vectors = [h.get("_source", {}).get("vector") for h in passage_hits]
    if any(v is None or len(v) != dim for v in raw_vectors):
        return None
    doc_vector = doc_source.get("vector")
    record = document_of(doc_source)
    windows = [window_matrix(h.get("_source", {}), dim) for h in passage_hits]
    return IndexedDocument(
        id=record.id,
        title=record.title,
        doc_type=record.doc_type,
        source_path=record.source_path,
        text=record.text,
        content_hash=str(doc_source.get("content_hash") or ""),
        facets=record.facets,
        metadata=record.metadata,
        entities=record.entities,
        passages=passages,
        vectors=np.asarray(raw_vectors, dtype=np.float32).reshape(len(passages), dim),
        doc_vector=None if doc_vector is None else np.asarray(doc_vector, dtype=np.float32),
        window_vectors=np.concatenate(windows) if windows else np.zeros((0, dim), np.float32),
        window_owner=[n for n, w in enumerate(windows) for _ in range(len(w))],
    )


def window_matrix(passage_source: Mapping[str, Any], dim: int) -> np.ndarray:
    """A passage's stored sentence-window vectors as rows (none when absent or malformed)."""
    flat = np.asarray(passage_source.get("window_vectors") or [], dtype=np.float32).ravel()
    if dim <= 0 or len(flat) % dim:
        return np.zeros((0, max(dim, 0)), np.float32)
    return flat.reshape(-1, dim)


def meta_to_mapping(meta: IndexMeta, mapping_version: str) -> dict[str, Any]:
    """IndexMeta as the index's ``_meta`` (the mapping version is the file's, not the caller's)."""
    data = asdict(meta)
    data["mapping_version"] = mapping_version
    data["backend"] = "elasticsearch"
    return data


def meta_of(mapping_meta: Mapping[str, Any] | None) -> IndexMeta | None:
    if not mapping_meta:
        return None
    known = {k: v for k, v in mapping_meta.items() if k in _META_FIELDS}
    extra = dict(known.pop("extra", None) or {})
    extra.update({k: v for k, v in mapping_meta.items() if k not in _META_FIELDS})
    try:
        dim = int(known.pop("dim", 0) or 0)
    except (TypeError, ValueError):
        dim = 0
    return IndexMeta(
        backend=str(known.pop("backend", "elasticsearch")),
        embedder=str(known.pop("embedder", "")),
        dim=dim,
        pipeline=str(known.pop("pipeline", "")),
        analyzer_version=str(known.pop("analyzer_version", "")),
        mapping_version=str(known.pop("mapping_version", "")),
        created=str(known.pop("created", "")),
        extra=extra,
    )


def facet_counts_of(response: Response) -> dict[str, dict[str, int]]:
    """``{field: {value: documents}}`` from facet_body's aggregations (cardinality when present)."""
    aggs = response.get("aggregations", {})
    out: dict[str, dict[str, int]] = {}
    for field in FACET_FIELDS:
        buckets = aggs.get(field, {}).get("values", {}).get("buckets", [])
        counts = {}
        for bucket in buckets:
            docs = bucket.get("docs", {}).get("value", bucket.get("doc_count", 0))
            if docs:
                counts[str(bucket.get("key_as_string", bucket["key"]))] = int(docs)
        out[field] = counts
    return out


def stats_counts_of(response: Response) -> tuple[int, int, dict[str, dict[str, int]]]:
    """(documents, passages, by_facet) from stats_body's aggregations."""
    aggs = response.get("aggregations", {})
    kinds = {b["key"]: int(b["doc_count"]) for b in aggs.get("kinds", {}).get("buckets", [])}
    docs_aggs = aggs.get("documents", {})
    by_facet = {
        field: {str(b["key"]): int(b["doc_count"]) for b in docs_aggs.get(field, {}).get("buckets", [])}
        for field in FACET_FIELDS
    }
    return kinds.get("document", 0), kinds.get("passage", 0), by_facet


def passage_counts_of(response: Response) -> dict[str, int]:
    """document id -> passages, from passage_counts_body's aggregation."""
    buckets = response.get("aggregations", {}).get("per_document", {}).get("buckets", [])
    return {str(b["key"]): int(b["doc_count"]) for b in buckets}


def term_counts_of(response: Response) -> dict[str, int]:
    """term -> passages holding it, from term_counts_body's aggregation."""
    buckets = response.get("aggregations", {}).get("terms", {}).get("buckets", {})
    return {str(term): int(b.get("doc_count", 0)) for term, b in buckets.items()}


def highlights_of(response: Response) -> dict[str, str]:
    out = {}
    for hit in hits(response):
        fragments = hit.get("highlight", {}).get("text") or []
        if fragments:
            out[str(hit["_id"])] = " … ".join(fragments)
    return out


def vocabulary_of(response: Response) -> list[tuple[str, int]]:
    """Words of the most frequent titles with summed counts (best effort)."""
    counts: dict[str, int] = {}
    for bucket in response.get("aggregations", {}).get("titles", {}).get("buckets", []):
        for word in str(bucket["key"]).lower().split():
            word = word.strip(".,;:!?()[]\"'")
            if len(word) > 1 and word.isalpha():
                counts[word] = counts.get(word, 0) + int(bucket["doc_count"])
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def error_reason(body: Any) -> str:
    """``type: reason`` of an Elasticsearch error body (root cause first), or ''."""
    if not isinstance(body, Mapping):
        return str(body or "")[:300]
    error = body.get("error")
    if isinstance(error, Mapping):
        causes = error.get("root_cause") or [error]
        first = causes[0] if isinstance(causes[0], Mapping) else error
        kind, reason = first.get("type", ""), first.get("reason", "")
        return f"{kind}: {reason}".strip(": ")[:300]
    return str(error or "")[:300]


def count_of(response: Response, by_document: bool) -> int:
    """Documents (the ``docs`` cardinality) or passages (``hits.total``) of count_body's search."""
    if by_document:
        return int(response.get("aggregations", {}).get("docs", {}).get("value", 0))
    return total_hits(response)
