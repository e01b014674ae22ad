"""The OpenAPI 3.1 document of the JSON API, built from the same constants the code validates with.

Tests check that every /api route and /healthz is documented (and nothing more), that the
document is valid, and that real responses validate against these schemas.
"""
from __future__ import annotations

from functools import lru_cache

from indexer.filter_values import CONTROLLED, vocabulary
from indexer.model import FACET_FIELDS, MODES
from indexer.ranking.query_syntax import MAX_QUERY_CHARS
from search_app.params import LISTED_SORT, MAX_K, MAX_PAGE, MODE_ALIASES, SORT_ALIASES, SORTS

_STR = {"type": "string"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_FACET_MAP = {"type": "object", "additionalProperties": {"type": "array", "items": _STR}}
_FACET_COUNTS = {
    "type": "object",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {"status": {"type": "integer"}, "message": _STR},
            }
        },
    },
    "Hit": {
        "type": "object",
        "required": ["doc_id", "passage_id", "title", "type", "heading", "text", "snippet", "score"],
        "properties": {
            "doc_id": _STR,
            "passage_id": _STR,
            "title": _STR,
            "type": _STR,
            "heading": _STR,
            "text": _STR,
            "snippet": {"type": "string", "description": "HTML-safe; query terms wrapped in <mark>."},
            "score": {"type": ["number", "null"], "description": (
                "Null without a query (filters alone list documents by title or date: nothing is ranked), "
                "as are the ranks and scores below.")},
            "keyword_rank": {**_INT_OR_NULL, "description": "Null when the keyword side did not rank it: no match, or past the first 200 matches."},
            "keyword_score": _NUM_OR_NULL,
            "semantic_rank": {**_INT_OR_NULL, "description": "Null when the semantic side did not find it."},
            "semantic_score": _NUM_OR_NULL,
            "facets": _FACET_MAP,
            "source_path": _STR,
            "date": {"type": "string", "description": "YYYY-MM-DD or year; empty when unknown."},
            "more_passages": {"type": "array", "items": _STR},
            "boosted_by": {**_FACET_MAP, "description": (
                "The filters recognised in the query (detected; not themes) that this hit's document "
                "carries: each raised its score.")},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": ["query", "mode", "total", "page", "k", "hits", "facets", "suggestion", "detected", "took_ms"],
        "properties": {
            "query": _STR,
            "mode": {"enum": list(MODES)},
            "total": {"type": "integer", "minimum": 0, "description": (
                "Results of the query and filters: documents with collapse=1, passages with collapse=0.")},
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "k": {"type": "integer", "minimum": 1, "maximum": MAX_K},
            "filters": _FACET_MAP,
            "collapse": {"type": "boolean"},
            "sort": {"enum": [*SORTS, LISTED_SORT], "description": "The rows' order; filters alone list by title."},
            "doc_id": {"type": ["string", "null"]},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {**_FACET_COUNTS, "description": (
                "field -> value -> documents among the results that hold it, counted with the other "
                "fields' filters (not the field's own). Always documents: with collapse=1 a value's "
                "count is the total its filter gives, with collapse=0 the passages of those documents "
                "may number more.")},
            "suggestion": {"type": ["string", "null"], "description": "'Bedoelde u ...'"},
            "corrected": {"type": ["string", "null"], "description": (
                "The query searched instead of q, its typos corrected ('praktijkonderwjs' -> "
                "'praktijkonderwijs'); null when q was searched as typed. exact=1 searches q as typed.")},
            "exact": {"type": "boolean", "description": "Whether q was searched as typed (exact=1)."},
            "detected": {**_FACET_MAP, "description": "Filters recognised in the query."},
            "took_ms": {"type": "number"},
            "word_matches": {"type": ["boolean", "null"], "description": (
                "Whether any result holds the query's words or their variants; false: every result "
                "is only close in meaning. Null in semantic mode, which does not look.")},
            "partial_words": {"type": "array", "items": {"type": "string"}, "description": (
                "Query words no passage holds, found only through their compound parts "
                "('zomerschool' through 'school'); empty in semantic mode.")},
            "missing_words": {"type": "array", "items": {"type": "string"}, "description": (
                "Query words no passage holds in any form (inflection, synonym, translation or "
                "compound part): the results answer the rest of the query; empty in semantic mode.")},
        },
    },
    "Document": {
        "type": "object",
        "required": ["id", "doc_id", "title", "type", "source_path", "text", "facets", "metadata", "sources",
                     "entities", "passages"],
        "properties": {
            "id": _STR,
            "doc_id": {**_STR, "description": "The same as id, under the name hits and related documents use."},
            "title": _STR,
            "type": _STR,
            "source_path": _STR,
            "text": _STR,
            "facets": _FACET_MAP,
            "metadata": {"type": "object", "description": "As stored (front matter or record fields)."},
            "sources": {
                "type": "array",
                "description": "The files metadata.bronnen cites, in its order, with readable names.",
                "items": _ref("Source"),
            },
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["label", "text", "value"],
                    "properties": {
                        "label": _STR, "text": _STR, "value": _STR,
                        "start": {"type": "integer"}, "end": {"type": "integer"},
                    },
                },
            },
            "passages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "passage_id", "ordinal", "heading", "text"],
                    "properties": {"id": _STR, "passage_id": {**_STR, "description": "The same as id, as hits name it."},
                                   "ordinal": {"type": "integer"}, "heading": _STR, "text": _STR},
                },
            },
        },
    },
    "Source": {
        "type": "object",
        "required": ["file", "name", "location"],
        "properties": {
            "file": {"type": "string", "description": "The cited file as stored; empty when the source names none."},
            "name": {"type": "string", "description": "The corpus's name for the file (corpus/bronnen.yaml); "
                     "the file name when it has none, the source's own text when it names no file."},
            "location": {"type": "string", "description": "Where in the file (vindplaats); may be empty."},
        },
    },
    "RelatedList": {
        "type": "object",
        "required": ["doc_id", "related"],
        "properties": {
            "doc_id": _STR,
            "related": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["doc_id", "title", "type", "score"],
                    "properties": {"doc_id": _STR, "title": _STR, "type": _STR, "score": {"type": "number"}},
                },
            },
        },
    },
    "Facets": {"type": "object", "required": ["facets"], "properties": {"facets": _FACET_COUNTS}},
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
            "query": _STR,
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "kind"],
                    "properties": {
                        "text": _STR,
                        "kind": {"enum": ["titel", "interventie", "gemeente", "provincie", "term"]},
                        "doc_id": {"type": ["string", "null"]},
                    },
                },
            },
        },
    },
    "Health": {
        "type": "object",
        "required": ["ok"],
        "properties": {
            "ok": {"type": "boolean"},
            "documents": {"type": "integer"},
            "backend": _STR,
            "embedder": _STR,
            "detail": _STR,
        },
    },
}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def _filter_param(field: str) -> dict:
    items = _STR  # values are matched loosely (case, accents, labels, other names): no enum
    text = f"Filter on facet '{field}'; repeat the parameter for OR (?{field}=a&{field}=b)."
    if field == "jaar":
        items = {"type": "string", "pattern": "^(19|20)[0-9]{2}$"}
        text += " A year of four digits from 1900 to 2099; another value is a 400."
    if field in CONTROLLED:
        values = ", ".join(sorted(set(vocabulary()[field].values())))
        text += (f" One of: {values} (case and accents ignored; a value's label or common name, such as"
                 " 'primair onderwijs' or 'basisonderwijs' for po, is accepted); another value is a 400.")
    return _query(field, {"type": "array", "items": items}, text, style="form", explode=True)


SEARCH_PARAMS = [
    _query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS},
           'Query; supports "exacte zin", -uitsluiten and OF/OR. Without q, a filter lists the documents '
           "that pass it; with neither the answer is 400."),
    _query("mode", {"enum": list(MODES) + list(MODE_ALIASES)}, "Retrieval mode (Dutch aliases accepted)."),
    _query("k", {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 10}, "Results per page."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_K},
           "Alias of k. Both with the same value is fine; with different values the answer is 400."),
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           f"Page number, 1 to {MAX_PAGE}; outside that range (or not a whole number) the answer is 400 "
           "naming the limit. A page past the last one within the range is 200 with no hits (see total)."),
    _query("collapse", {"enum": ["1", "0", "true", "false", "ja", "nee", "on", "off", "yes", "no"], "default": "0"},
           "One best passage per document. Default 0 here (every passage; total counts passages); the "
           "search page and the exports default to 1, so their links copied here count passages."),
    _query("sort", {"enum": [*SORTS, LISTED_SORT, *SORT_ALIASES]},
           "relevance (default) or date; title only for filters without a query (their default order)."),
    _query("doc_id", _STR, "Restrict to the passages of one document (needs q; an unknown id is 404)."),
    _query("exact", {"enum": ["1", "0", "true", "false", "ja", "nee", "on", "off", "yes", "no"]},
           "Search q as typed; by default a typo the speller corrects is searched corrected (see corrected)."),
] + [_filter_param(f) for f in FACET_FIELDS]

DOC_ID_PARAM = {
    "name": "doc_id", "in": "path", "required": True, "schema": _STR,
    "description": "Document id; may contain slashes.",
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _op(summary: str, ok: str, errors: tuple[int, ...], params: list | None = None) -> dict:
    text = {400: "Invalid parameters", 404: "Unknown document", 503: "Search backend unavailable",
            504: "Search ran past its time budget"}
    responses = {"200": _json(ok, "OK")}
    responses.update({str(code): _json("Error", text[code]) for code in errors})
    return {"get": {"summary": summary, "parameters": params or [], "responses": responses}}


@lru_cache(maxsize=1)
def build_openapi() -> dict:
    health = _op("Health of the search backend", "Health", (400,))
    health["get"]["responses"]["503"] = _json("Health", "Backend not usable")
    spec = {
        "openapi": "3.1.0",
        "info": {
            "title": "Kennisbank Gelijke Kansen API",
            "version": "1.0.0",
            "description": (
                "Search the Dutch Gelijke Kansen knowledge base. Errors: {error: {status, message}}. Every "
                "endpoint answers 400 to a query parameter it does not list (tracking parameters such as "
                "utm_* included)."),
        },
        "paths": {
            "/api/search": _op("Search passages and documents", "SearchResponse", (400, 404, 503, 504), SEARCH_PARAMS),
            "/api/documents/{doc_id}": _op("One document", "Document", (400, 404, 503), [DOC_ID_PARAM]),
            "/api/documents/{doc_id}/related": _op(
                "Similar documents", "RelatedList", (400, 404, 503),
                [DOC_ID_PARAM, _query("k", {"type": "integer", "minimum": 1, "maximum": 20, "default": 5}, "How many.")],
            ),
            "/api/facets": _op("Facet counts over the whole index", "Facets", (400, 503)),
            "/api/suggest": _op(
                "Autocomplete suggestions", "Suggestions", (400, 503),
                [_query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "Prefix typed so far."),
                 _query("limit", {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}, "Max suggestions.")],
            ),
            "/healthz": health,
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": {"description": "OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": _json("Error", "Invalid parameters"),
            }}},
        },
        "components": {"schemas": SCHEMAS},
    }
    return spec
