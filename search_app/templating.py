"""Template globals: labels, link builders that keep the current search, versioned asset URLs."""
from __future__ import annotations

from flask import Flask, current_app, url_for

from indexer.model import SearchRequest
from indexer.passages import document_of, ordinal_of
from indexer.ranking.query_syntax import MAX_QUERY_CHARS
from search_app import labels
from search_app.params import request_params, toggle_filter
from search_app.present import facet_groups, filter_summary


def init_app(app: Flask, asset_version: str) -> None:
    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=asset_version)

    app.jinja_env.globals.update(
        asset_url=asset_url,
        search_url=search_url,
        document_url=document_url,
        toggle_url=toggle_url,
        toggler=lambda req: (lambda field, value: toggle_url(req, field, value)),
        page_linker=lambda req: (lambda n: search_url(req, page=n if n > 1 else None)),
        export_url=export_url,
        facet_groups=facet_groups,
        filter_summary=filter_summary,
        catalogue_linker=lambda filters: (
            lambda field, value: url_for("pages.interventions", **toggle_filter(filters, field, value))
        ),
        catalogue_page_linker=lambda filters: (
            lambda n: url_for("pages.interventions", **filters, page=n if n > 1 else None)
        ),
        field_label=labels.field_label,
        value_label=labels.value_label,
        not_found_note=labels.not_found_note,
        type_label=lambda t: labels.TYPE_LABELS.get(t, t or "Document"),
        type_label_plural=lambda t: labels.TYPE_LABELS_PLURAL.get(t, t),
        MODE_LABELS=labels.MODE_LABELS,
        SORT_LABELS=labels.SORT_LABELS,
        LISTED_SORT_LABEL=labels.LISTED_SORT_LABEL,
        MAX_QUERY_CHARS=MAX_QUERY_CHARS,  # the search boxes' maxlength: what the params accept
    )
    app.jinja_env.filters["nl_number"] = nl_number
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def search_url(req: SearchRequest | None = None, *, filters=None, **changes) -> str:
    """URL of the search page for ``req`` with ``changes`` (e.g. page=2, doc_id=...)."""
    req = req or SearchRequest(query="", collapse=True)  # the page's default: no collapse=0
    params = request_params(
        req, filters=filters, default_k=current_app.config["PER_PAGE"], default_collapse=True, **changes
    )
    return url_for("pages.search", **params)


def document_url(req: SearchRequest, doc_id: str, passage_id: str = "") -> str:
    """A result's document page, carrying the search it came from for the back link, opened at
    the hit's passage (a first passage: at the top, with the title and facts)."""
    params = request_params(req, default_k=current_app.config["PER_PAGE"], default_collapse=True)
    if params.pop("doc_id", None):
        params["in_document"] = "1"  # the path already names the document
    ordinal = ordinal_of(passage_id) if document_of(passage_id) == doc_id else None
    anchor = f"passage-{ordinal}" if ordinal else None  # not for the first: the top shows the title
    return url_for("pages.document", doc_id=doc_id, _anchor=anchor, **params)


def toggle_url(req: SearchRequest, field: str, value: str) -> str:
    """Add or remove one filter value; back to page 1 because the result set changes."""
    return search_url(req, filters=toggle_filter(req.filters, field, value), page=None)


def export_url(req: SearchRequest, endpoint: str) -> str:
    """Same search as on screen, but every result (the export pages through them itself)."""
    params = request_params(req, default_k=current_app.config["PER_PAGE"], default_collapse=True)
    params.pop("page", None)
    params.pop("per_page", None)
    return url_for(endpoint, **params)


def nl_number(value: float | int, digits: int = 3) -> str:
    """Dutch decimal comma for scores shown to people."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:.{digits}f}".replace(".", ",")
