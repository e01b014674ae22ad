"""Library exceptions translated at the web edge: JSON for the API, friendly Dutch pages otherwise.

QueryError -> 400, DocumentNotFound -> 404, IndexNotFound/BackendUnavailable -> 503, SearchTimeout -> 504.
Anything unexpected is logged and answered with a plain 500 that leaks no internals.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    BackendUnavailable,
    DocumentNotFound,
    IndexNotFound,
    InvalidYear,
    QueryError,
    SearchTimeout,
    UnknownFilterValue,
)
from indexer.model import SearchRequest
from search_app.labels import value_label
from search_app.params import clean_query, parse_search_args, without_tracking
from search_app.service import discard_failed_service

RETRY_AFTER_SECONDS = 5

PAGE_TEXT = {
    400: ("Ongeldige zoekopdracht", "Er klopt iets niet aan de zoekopdracht."),
    404: ("Niet gevonden", "Deze pagina of dit document bestaat niet (meer)."),
    405: ("Niet toegestaan", "Deze actie is hier niet mogelijk."),
    503: (
        "Zoeken is even niet beschikbaar",
        "De zoekindex is op dit moment niet bereikbaar. Probeer het over een paar minuten opnieuw.",
    ),
    504: ("Zoeken duurde te lang", "Deze zoekopdracht kostte te veel tijd. Probeer een kortere zoekvraag."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw."),
}

NO_INDEX_MESSAGE = "Er is nog geen zoekindex: de documenten zijn nog niet geïndexeerd."
EMPTY_INDEX_MESSAGE = "De zoekindex bevat geen documenten: er is niets geïndexeerd."


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(DocumentNotFound, lambda e: error_response(404, _no_document_message()))
    app.register_error_handler(SearchTimeout, _timeout)
    app.register_error_handler(IndexNotFound, _unavailable)
    app.register_error_handler(BackendUnavailable, _unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/healthz" or path.endswith(".json")


def error_response(status: int, message: str, detail: str | None = None):
    """One error shape for the API, one page template for people."""
    if wants_json():
        response = jsonify({"error": {"status": status, "message": message}})
    else:
        title, text = PAGE_TEXT.get(status, PAGE_TEXT[500])
        body = render_template("error.html", status=status, title=title, text=text, detail=detail,
                               req=_form_request())
        response = current_app.response_class(body, mimetype="text/html")
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _query_error(exc: QueryError):
    if isinstance(exc, UnknownFilterValue):
        message = unknown_value_message(exc)
    elif isinstance(exc, InvalidYear):
        first, last = exc.years  # "1899" has four digits: the message names the range too
        message = (f"Ongeldig jaar {exc.value!r}: een jaartal heeft vier cijfers, van {first} tot en met {last}, "
                   "bijvoorbeeld jaar=2019.")
    else:
        message = str(exc)
    return error_response(400, message, detail=message)


def unknown_value_message(exc: UnknownFilterValue) -> str:
    """The library words this in English with bare codes; the app answers in Dutch and names
    each valid value with its label (po -> primair onderwijs) where that differs."""
    def named(value: str) -> str:
        label = value_label(exc.field, value)
        return value if label.casefold() == value.casefold() else f"{value} ({label})"

    return (f"Onbekende waarde {exc.value!r} voor filter {exc.field}. "
            f"Kies uit: {', '.join(map(named, exc.valid))}.")


def _no_document_message() -> str:
    # The backends word this in English; the API answers in Dutch.
    doc_id = (request.view_args or {}).get("doc_id") or request.args.get("doc_id")  # or a search's
    return f"Geen document met id {doc_id!r}." if doc_id else "Dit document bestaat niet."


def _form_request() -> SearchRequest:
    """The search box of an error page, filled with what was asked (even a query too long to run)."""
    args, per_page = without_tracking(request.args), current_app.config["PER_PAGE"]
    query = clean_query(args.get("q"))
    rest = MultiDict([(k, v) for k, v in args.items(multi=True) if k != "q"])
    try:  # the other choices too, when they are valid (only the query may be what failed)
        req = parse_search_args(rest, default_k=per_page, default_collapse=True, any_page=True)
    except QueryError:
        return SearchRequest(query=query, k=per_page, collapse=True)
    return replace(req, query=query, filters=_known_values(req.filters))


def _known_values(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """``filters`` less the values a fixed vocabulary refuses (sector=xx): the form sends its
    filters as hidden fields, so one kept would fail every next search again, unseen."""
    from indexer.filter_values import canonical
    from indexer.query_understanding import value_namer

    def known(field: str, value: str) -> bool:
        try:
            canonical({field: [value]}, {}, value_namer())
        except QueryError:
            return False
        return True

    kept = {field: [v for v in values if known(field, v)] for field, values in filters.items()}
    return {field: values for field, values in kept.items() if values}


def _unavailable(exc: Exception):
    discard_failed_service(exc)
    # the library's reason names server paths and internals: the log has it, the visitor not
    current_app.logger.warning("backend unavailable on %s: %s", request.path, exc)
    message = unavailable_message(exc)
    return error_response(503, message, detail=message if message != PAGE_TEXT[503][1] else None)


def _timeout(exc: SearchTimeout):
    current_app.logger.warning("search timed out on %s: %s", request.path, exc)
    return error_response(504, PAGE_TEXT[504][1])


def unavailable_message(exc: Exception | None) -> str:
    """What a visitor (and /healthz) is told when the index cannot be used: short and Dutch."""
    return NO_INDEX_MESSAGE if isinstance(exc, IndexNotFound) else PAGE_TEXT[503][1]


def _http_error(exc: HTTPException):
    status = exc.code or 500
    if status == 404:
        return error_response(404, "Niet gevonden.")
    # Werkzeug's descriptions are English: Dutch text for the statuses we know.
    message = PAGE_TEXT[status][1] if status in PAGE_TEXT else exc.description
    response = error_response(status, message or PAGE_TEXT[500][0])
    for name, value in exc.get_headers():  # a 405's Allow (RFC 9110 requires it); not its Content-Type
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(exc: Exception):
    current_app.logger.exception("unexpected error on %s", request.path)
    return error_response(500, "Interne fout.")
