"""HTML pages: search, document, source file, interventions catalogue, municipality page."""
from __future__ import annotations

import mimetypes
from dataclasses import replace

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for

from indexer.analysis import get_analyzer
from indexer.errors import QueryError
from indexer.model import FACET_FIELDS, SearchRequest
from indexer.ranking.word_coverage import nothing_to_search
from search_app import present
from search_app.document_view import matching_passages, shown_passages
from search_app.marking import Marker
from search_app.params import (
    MAX_PAGE,
    check_single,
    parse_bool,
    parse_filters,
    parse_int,
    parse_query_text,
    parse_search_args,
    without_tracking,
)
from search_app.service import get_service
from search_app.sources import app_source_names

bp = Blueprint("pages", __name__)

CATALOGUE_FIELDS = ("sector", "thema", "provincie", "gemeente", "doelgroep", "bewijskracht")
CATALOGUE_PER_PAGE = 20
BROWSE_CAP = 2000  # catalogue and municipality pages list at most this many documents
# Plain-text formats are shown as text; markup formats are sandboxed by a strict CSP (see __init__).
_TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".yaml", ".yml", ".json", ".csv"}


@bp.get("/")
def search():
    args = without_tracking(request.args)
    # any whole page number: one past what the page can show gets the "past the last page" note
    req = parse_search_args(args, default_k=current_app.config["PER_PAGE"], default_collapse=True, any_page=True)
    if req.doc_id and not req.query.strip():  # "more passages" without a question: the document itself
        return redirect(url_for("pages.document", doc_id=req.doc_id))
    # the empty state needs no index; filters alone list the documents that pass them
    service = get_service() if req.query or req.filters else None
    if service and req.filters:  # the page shows and links the values as the index spells them
        req = replace(req, filters=service.canonical_filters(req.filters))
    response = _search_page(service, req) if service else None
    pages = present.paginate(response.total, req.page, req.k, MAX_PAGE) if response else None
    # within one document ("Meer passages") there are no facets to offer values from
    detected = present.detected_values(response.detected, response.facets, req.filters) \
        if response and not req.doc_id else []
    detected = [_exact_count(service, req, d) for d in detected]
    if any(not d.count for d in detected):  # "goed onderbouwd" in no result, yet in the index
        everywhere = service.facets()
        detected = [d if d.count else replace(d, elsewhere=everywhere.get(d.field, {}).get(d.value, 0))
                    for d in detected]
    multi = _with_other_passages(service, response.hits) if response and not req.doc_id else set()
    return render_template(
        "search.html", req=req, response=response, pages=pages, examples=present.EXAMPLE_QUERIES,
        facet_fields=FACET_FIELDS, detected=detected, multi_passage_docs=multi,
        offer_semantic=bool(response) and not response.total and _semantic_finds(service, req),
        nothing_to_find=bool(response) and not response.total and _nothing_to_find(service, req.query),
        unquoted=_unquoted(req.query) if response and not response.total else "",
    )


QUOTES = '"\u201c\u201d\u201e'


def _unquoted(query: str) -> str:
    """A query that found nothing with a quoted phrase, without its quotes: a phrase that does not
    occur word for word (or holds a typo, "brede brugklasen") may still find its words."""
    if not any(q in query for q in QUOTES):
        return ""
    plain = " ".join(query.translate({ord(q): " " for q in QUOTES}).split())
    return plain if plain and plain != query else ""


def _nothing_to_find(service, query: str) -> str | None:
    """Why ``query`` finds nothing in any index: "uitsluiten" (it only excludes: "-ouders"),
    "stopwoorden" (only stop words, punctuation or syntax: "de het", "OF"), "leeg" (the index
    holds no documents); None when it has a word to search for. Other words or fewer would not
    help there, so the page says this instead."""
    if not service.facets().get("type"):  # every document has a type
        return "leeg"
    why = nothing_to_search(_analyzer(service), query)  # None for filters alone: their own tips
    return {"exclusions": "uitsluiten", "stop words": "stopwoorden"}.get(why)


def _semantic_finds(service, req: SearchRequest) -> bool:
    """Whether semantic mode finds something for a query that found nothing (asked, on this rare
    page only: an exact phrase binds the semantic side too, stop words alone find nothing)."""
    if req.mode == "semantic" or not req.query.strip():
        return False
    return service.search(replace(req, mode="semantic", page=1, k=1)).total > 0


def _search_page(service, req: SearchRequest):
    """The response for ``req``; for a page outside 1..MAX_PAGE the result set of page 1 (the
    total, facets and suggestion do not depend on the page) without its hits."""
    if 1 <= req.page <= MAX_PAGE:
        return service.search(req)
    return replace(service.search(replace(req, page=1)), hits=[])


def _exact_count(service, req, value: "present.DetectedValue") -> "present.DetectedValue":
    """The number a chip shows is what clicking it gives. A facet count is that number when the
    chip's field has no value chosen yet and the page counts documents (one result set defines
    both); otherwise the search is run with the chip's filter."""
    if not value.count or (req.collapse and not req.filters.get(value.field)):
        return value
    filters = {**req.filters, value.field: [*req.filters.get(value.field, []), value.value]}
    return replace(value, count=service.search(replace(req, filters=filters, page=1)).total)


def _with_other_passages(service, hits) -> set[str]:
    """Ids of the hits' documents with other passages in the result set ("Meer passages" link:
    the link shows those, so a document whose other passages do not match gets none)."""
    return {h.doc_id for h in hits if h.more_passages}


@bp.get("/documenten/<path:doc_id>")
def document(doc_id: str):
    service = get_service()
    doc = service.get_document(doc_id)
    req = _search_state(doc_id)
    query = req.query
    texts = present.passage_texts(doc)
    show_passages = present.passages_cover_text(doc, texts)
    matching, searched = matching_passages(service, doc.id, query, req.exact)
    marker = Marker(_analyzer(service), searched) if matching else None
    shown = shown_passages(doc, texts, matching, marker)
    return render_template(
        "document.html", doc=doc, query=query, searched=searched, req=req, shown=shown, related=service.related(doc_id, k=5),
        matches=[sp for sp in shown if sp.matched], list_back=_list_back(req),
        # the plain text is marked only when passages matched, so its marks agree with the count
        plain_text=marker.mark(doc.text) if marker and not show_passages else doc.text,
        entities=present.group_entities(doc.entities),
        # a municipality has a page only when some document carries it as a facet value
        municipality_pages=set(service.facets().get("gemeente", {})),
        metadata=present.metadata_items(doc.metadata, app_source_names()),
        show_passages=show_passages, facet_fields=FACET_FIELDS,
        has_source=present.safe_source_path(current_app.config["CORPUS_DIR"], doc.source_path) is not None,
    )


def _list_back(req: SearchRequest) -> tuple[str, str] | None:
    """(url, label) of the catalogue or municipality page the document was opened from (``van``);
    None for a search or no list (the template's search back link covers those)."""
    source = request.args.get("van", "")
    if source == "interventies":
        # the catalogue's own filters, read here: doelgroep is one of them but no search filter,
        # so the search state (req) falls back to the query alone when the link carries it
        args = without_tracking(request.args)
        try:
            params = parse_filters(args, ignore=set(args) - set(CATALOGUE_FIELDS), allowed=CATALOGUE_FIELDS)
            page = parse_int("page", args.get("page"), 1, None, None)
        except QueryError:
            params, page = {}, 1
        return url_for("pages.interventions", **params, **({"page": page} if page > 1 else {})), \
            "de interventies"
    if source == "gemeente" and len(req.filters.get("gemeente", [])) == 1:
        naam = req.filters["gemeente"][0]
        return url_for("pages.municipality", naam=naam), naam
    return None


def _search_state(doc_id: str) -> SearchRequest:
    """The search the visitor came from (for the back link); only the query when the rest of
    the state is not valid, so a stray parameter never breaks a document page."""
    args = without_tracking(request.args)
    per_page = current_app.config["PER_PAGE"]
    try:
        req = parse_search_args(args, default_k=per_page, default_collapse=True, extra_params={"in_document", "van"},
                                any_page=True)
        in_document = parse_bool("in_document", args.get("in_document"), False)
    except QueryError:
        return SearchRequest(query=parse_query_text(args.get("q", "")), k=per_page, collapse=True)
    return replace(req, doc_id=doc_id if in_document else None)


def _analyzer(service):
    # the service's own (the one its snippets use); the shared default for a service without one
    return getattr(service, "analyzer", None) or get_analyzer()


@bp.get("/bron/<path:doc_id>")
def source(doc_id: str):
    doc = get_service().get_document(doc_id)
    path = present.safe_source_path(current_app.config["CORPUS_DIR"], doc.source_path)
    if path is None:
        abort(404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() in _TEXT_SUFFIXES or mimetype == "text/html":
        text = _as_read(path)
        if text is not None:  # sent as UTF-8, whatever the file's encoding (cp1252, UTF-16)
            response = Response(text, mimetype="text/plain" if path.suffix.lower() in _TEXT_SUFFIXES else mimetype)
            response.cache_control.max_age = 300
            return response
    inline = mimetype in ("text/html", "application/pdf", "text/plain")
    return send_file(path, mimetype=mimetype, as_attachment=not inline, max_age=300)


def _as_read(path) -> str | None:
    """A text file's characters decoded as the indexer decodes them; None when it cannot."""
    from indexer.errors import ReadError
    from indexer.repair import decode_bytes

    try:
        return decode_bytes(path.read_bytes(), path)
    except (OSError, ReadError):
        return None


@bp.get("/interventies")
def interventions():
    check_single(request.args, ("q", "page"))  # as every page: one of two would be dropped unseen
    query = request.args.get("q") if "q" in request.args else None
    # the catalogue's filters alone, with a question too: "jaar" or "type" is refused alike, not
    # passed on to the search (jaar) or replaced unseen (type=agenda by the interventions)
    filters = parse_filters(without_tracking(request.args), ignore={"page", "q"}, allowed=CATALOGUE_FIELDS)
    searchable = {k: request.args.getlist(k) for k in request.args if k in FACET_FIELDS and k != "type"}
    if query is not None and not any(v.strip() for v in request.args.getlist("doelgroep")):
        # a question about the catalogue is a search among the interventions, with the
        # catalogue's filters that searches know
        return redirect(url_for("pages.search", q=query, type="interventie", **searchable))
    # with a doelgroep filter (the catalogue's own: no search knows it) the page lists that
    # filter's interventions and says the question was not searched, with a link that searches
    # it among all interventions, rather than dropping the filter unseen
    search_link = url_for("pages.search", q=query, type="interventie", **searchable) if (query or "").strip() else None
    page = parse_int("page", request.args.get("page"), 1, None, None)  # one it cannot show gets a note
    service = get_service()
    filters = service.canonical_filters(filters)
    records = _browse(service, {"type": ["interventie"]})
    filters = present.canonical_audiences(filters, records)
    chosen = [r for r in records if present.matches(r, filters)]
    start = (page - 1) * CATALOGUE_PER_PAGE
    return render_template(
        "interventions.html", records=chosen[start : start + CATALOGUE_PER_PAGE] if page >= 1 else [],
        total=len(chosen),
        filters=filters, counts=present.count_facets(records, CATALOGUE_FIELDS, filters),
        fields=CATALOGUE_FIELDS, pages=present.paginate(len(chosen), page, CATALOGUE_PER_PAGE, 10**4),
        query=(query or "").strip(), search_link=search_link,
    )


@bp.get("/gemeente/<path:naam>")  # a name kept as written may hold a slash ("Bergen/Schoorl")
def municipality(naam: str):
    service = get_service()
    records = _browse(service, {"gemeente": [naam]})
    if not records:
        # any capitalisation or other name of the place: /gemeente/rotterdam -> Rotterdam,
        # /gemeente/Sittard -> Sittard-Geleen (as a gemeente filter reads it)
        canonical = service.canonical_filters({"gemeente": [naam]})["gemeente"][0]
        if canonical != naam and canonical in service.facets().get("gemeente", {}):
            return redirect(url_for("pages.municipality", naam=canonical))
        known = _known_municipality(naam)
        province = _province(service, naam) if known is None else None
        if province:  # /gemeente/Limburg: a province has no page; its documents are its filter
            return redirect(url_for("pages.search", provincie=province))
        if known is None:
            abort(404)
        # a real municipality the knowledge base holds nothing about: say so, and offer a search
        return render_template("municipality.html", naam=known, total=0, groups=[]), 404
    return render_template(
        "municipality.html", naam=naam, total=len(records), groups=present.group_by_type(records)
    )


def _known_municipality(naam: str) -> str | None:
    """The gazetteer's name for ``naam`` (any capitalisation or alias), None when it names none."""
    from indexer.nlp.resources import municipality_aliases

    return municipality_aliases().get(" ".join(naam.split()).lower())


def _province(service, naam: str) -> str | None:
    """The province ``naam`` names (any capitalisation or common name: Friesland), else None."""
    try:
        return service.canonical_filters({"provincie": [naam]})["provincie"][0]
    except QueryError:
        return None


def _browse(service, filters: dict[str, list[str]]) -> list:
    """All documents matching ``filters`` (up to BROWSE_CAP), fetched page by page."""
    records, page, per_page = [], 1, 200
    while len(records) < BROWSE_CAP:
        batch, total = service.documents(filters, page=page, per_page=per_page)
        records.extend(batch)
        if not batch or len(records) >= total:
            break
        page += 1
    return records[:BROWSE_CAP]

