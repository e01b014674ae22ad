"""JSON API: search, documents, related, facets, autocomplete, health and the OpenAPI document.

Every shape returned here is documented in openapi.py (tests check both directions). Each
endpoint refuses query parameters it does not take (400), as /api/search does for non-filters.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.errors import BackendUnavailable, IndexNotFound
from search_app.errors import EMPTY_INDEX_MESSAGE, RETRY_AFTER_SECONDS, unavailable_message
from search_app.openapi import build_openapi
from search_app.params import (
    check_params, check_single, parse_int, parse_query_text, parse_search_args, require_query_for_document,
    require_query_or_filter,
)
from search_app.serialize import (
    document_to_dict,
    jsonable,
    related_to_dict,
    response_to_dict,
    suggestion_to_dict,
)
from search_app.service import discard_failed_service, get_service
from search_app.sources import app_source_names

bp = Blueprint("api", __name__)

RELATED_PARAMS = ("k",)
SUGGEST_PARAMS = ("q", "limit")


@bp.get("/api/search")
def search():
    req = parse_search_args(request.args)
    require_query_for_document(req, f"vraag het document op via /api/documents/{req.doc_id}")
    require_query_or_filter(req, "om te zoeken")  # the answer was "0 results" beside the whole index's facets
    return jsonify(response_to_dict(get_service().search(req)))  # an unknown doc_id: 404


@bp.get("/api/documents/<path:doc_id>")
def document(doc_id: str):
    check_params(request.args)
    return jsonify(document_to_dict(get_service().get_document(doc_id), app_source_names()))


@bp.get("/api/documents/<path:doc_id>/related")
def related(doc_id: str):
    check_params(request.args, RELATED_PARAMS)
    check_single(request.args, RELATED_PARAMS)
    k = parse_int("k", request.args.get("k"), 5, 1, 20)
    items = get_service().related(doc_id, k=k)  # an unknown id: 404, not an empty list
    return jsonify({"doc_id": doc_id, "related": [related_to_dict(r) for r in items]})


@bp.get("/api/facets")
def facets():
    check_params(request.args)
    return jsonify({"facets": jsonable(get_service().facets())})


@bp.get("/api/suggest")
def suggest():
    check_params(request.args, SUGGEST_PARAMS)
    check_single(request.args, SUGGEST_PARAMS)
    raw = request.args.get("q", "")
    prefix = parse_query_text(raw)
    limit = parse_int("limit", request.args.get("limit"), 8, 1, 20)
    # "ouders van " has a finished last word: completing it ("vanaf") would change what was typed
    finished = raw[-1:].isspace()
    items = get_service().suggest(prefix, limit=limit, complete_word=not finished) if prefix else []
    return jsonify({"query": prefix, "suggestions": [suggestion_to_dict(s) for s in items]})


@bp.get("/healthz")
def healthz():
    check_params(request.args)
    error, service = None, None
    try:
        service = get_service()
        health = jsonable(service.health())
    except (IndexNotFound, BackendUnavailable) as exc:
        error, health = exc, {"ok": False, "documents": 0, "backend": "", "embedder": "", "detail": str(exc)}
    if not health["ok"]:
        # the library's reason names server paths: the log has it, the answer a short Dutch line
        current_app.logger.warning("health check failed: %s", health["detail"])
        health["detail"] = unavailable_message(error)
        discard_failed_service(error or getattr(service, "query_model_failure", None))
    elif not health["documents"]:
        # an index of nothing (an empty or wrong corpus folder) finds nothing: not ready either
        health.update(ok=False, detail=EMPTY_INDEX_MESSAGE)
    if health["ok"]:
        return jsonify(health), 200
    return jsonify(health), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}  # as every other 503


@bp.get("/api/openapi.json")
def openapi():
    check_params(request.args)
    return jsonify(build_openapi())
