"""Export of search results as CSV and JSON, with the same query parameters as the search page.

A query exports its results; filters without a query export the documents they browse (no score).
Either way the whole list, in the page's order: page, k and per_page are ignored.

Rows are capped (EXPORT_MAX_ROWS) and CSV cells are made safe for spreadsheets: a cell that
starts with = + - @ (or a tab/CR) would run as a formula in Excel, so it gets a leading quote.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from flask import Blueprint, current_app, request, url_for

from indexer.model import Hit, SearchRequest
from search_app.params import (
    MAX_K, MAX_PAGE, parse_search_args, require_query_for_document, require_query_or_filter, without_tracking,
)
from search_app.serialize import hit_to_dict, jsonable, listed_sort
from search_app.service import get_service

bp = Blueprint("export", __name__)

CSV_COLUMNS = (
    "rang", "titel", "type", "kop", "passage", "score", "gemeente", "provincie", "sector", "thema",
    "jaar", "bewijskracht", "doc_id", "url", "datum",  # datum last: earlier columns keep their place
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PAGING_PARAMS = ("page", "k", "per_page")


def csv_safe(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells (OWASP 'CSV injection')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@bp.get("/export.csv")
def export_csv():
    _, hits, _ = _collect()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Excel with Dutch settings splits on ";"
    writer.writerow(CSV_COLUMNS)
    for rank, hit in enumerate(hits, start=1):
        writer.writerow([csv_safe(v) for v in _csv_row(rank, hit)])
    # The BOM lets spreadsheet programs read the Dutch characters as UTF-8.
    body = "\ufeff" + buffer.getvalue()
    return _download(body, "text/csv; charset=utf-8", "zoekresultaten.csv")


@bp.get("/export.json")
def export_json():
    req, hits, corrected = _collect()
    payload = {
        "query": req.query, "corrected": corrected, "exact": req.exact, "mode": req.mode,
        "filters": jsonable(req.filters),
        "collapse": req.collapse, "sort": listed_sort(req), "doc_id": req.doc_id,
        "count": len(hits),
        "hits": [hit_to_dict(h) for h in hits],
    }
    body = json.dumps(payload, ensure_ascii=False, indent=1)
    return _download(body, "application/json; charset=utf-8", "zoekresultaten.json")


def _collect() -> tuple[SearchRequest, list[Hit], str | None]:
    """The results (or browsed documents) the search page lists, over all its pages, until
    EXPORT_MAX_ROWS or the end, and the query searched instead of the request's (corrected).
    Read in the largest pages: a search's results and their order do not depend on the page
    size, and a small one (per_page=1) would meet the page limit long before the end."""
    args = without_tracking(request.args)
    for name in _PAGING_PARAMS:  # the export reads every page itself; a stale page= is no error
        args.poplist(name)
    req = parse_search_args(args, default_k=current_app.config["PER_PAGE"], default_collapse=True)
    require_query_or_filter(req, "om resultaten te exporteren")
    if req.doc_id:  # as the API: with filters and no question the export was an empty list, unsaid
        require_query_for_document(req, f"open het document: {url_for('pages.document', doc_id=req.doc_id)}")
    cap = int(current_app.config["EXPORT_MAX_ROWS"])
    service = get_service()
    if req.filters:  # as the page does, so the export names the values as the page shows them
        req = replace(req, filters=service.canonical_filters(req.filters))
    hits, reading, corrected = [], replace(req, k=MAX_K), None
    for page in range(1, MAX_PAGE + 1):
        response = service.search(replace(reading, page=page))
        hits.extend(response.hits)
        corrected = response.corrected
        # by the total, not a short page: browsing skips a document without text, mid-list
        if len(hits) >= cap or not response.hits or page * reading.k >= response.total:
            break
    return req, hits[:cap], corrected


def _csv_row(rank: int, hit: Hit) -> list[object]:
    facets = hit.facets or {}
    joined = {f: "; ".join(map(str, facets.get(f, []))) for f in ("gemeente", "provincie", "sector", "thema", "jaar", "bewijskracht")}
    url = url_for("pages.document", doc_id=hit.doc_id, _external=True)
    # a decimal comma, as Dutch Excel reads it; a browsed hit (filters alone) has no score
    score = "" if hit.score is None else f"{float(hit.score):.6f}".replace(".", ",")
    return [
        rank, hit.title, hit.doc_type, hit.heading, hit.text, score,
        joined["gemeente"], joined["provincie"], joined["sector"], joined["thema"], joined["jaar"],
        joined["bewijskracht"], hit.doc_id, url, getattr(hit, "date", "") or "",
    ]


def _download(body: str, content_type: str, filename: str):
    # content_type, not mimetype: Flask would append a second "; charset=utf-8"
    response = current_app.response_class(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
