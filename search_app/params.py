"""Search parameters from the query string, shared by the pages, the API and the export.

Everything a user can type passes through here first. Bad values raise QueryError (HTTP 400)
with a Dutch message that says how to fix it, so no view hands the service an unchecked value.
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.model import FACET_FIELDS, MODES, SearchRequest
from indexer.ranking.query_syntax import MAX_QUERY_CHARS

MAX_K = 50
MAX_PAGE = 50
MAX_VALUES_PER_FIELD = 20
MAX_VALUE_CHARS = 200

# Dutch names from the interface map onto the engine's mode names.
MODE_ALIASES = {"hybride": "hybrid", "trefwoord": "keyword", "semantisch": "semantic"}
# "title" is how a list of filters alone is ordered (and what its response says): taken back as
# the default order there, refused with a query, whose results have no title order
LISTED_SORT = "title"
SORT_ALIASES = {"relevantie": "relevance", "datum": "date", "titel": LISTED_SORT}
SORTS = ("relevance", "date")
CONTROL_PARAMS = frozenset({"q", "mode", "k", "per_page", "page", "collapse", "sort", "doc_id", "exact"})
# Tracking parameters that shared links pick up (newsletters, ads); the pages ignore them.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
                             "ttclid", "li_fat_id", "igshid", "si", "mc_cid", "mc_eid", "_ga", "_gl", "ref",
                             "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid"})
TRACKING_PREFIXES = ("utm_", "_hs", "pk_", "mtm_")
_TRUE = {"1", "true", "ja", "on", "yes"}
_FALSE = {"0", "false", "nee", "off", "no"}
# Control characters (except tab/newline) never belong in a query; they only confuse engines.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_search_args(
    args: MultiDict,
    *,
    default_k: int = 10,
    default_collapse: bool = False,
    extra_params: Iterable[str] = (),
    any_page: bool = False,
) -> SearchRequest:
    """Build a validated SearchRequest from request args (``?q=...&gemeente=Rotterdam``).

    ``extra_params`` are names a view reads itself (not filters, not an error). With
    ``any_page`` every whole number is a page (the search page explains one it cannot show);
    otherwise a page outside 1..MAX_PAGE is a QueryError.
    """
    check_single(args, CONTROL_PARAMS)
    doc_id = _clean(args.get("doc_id", "")) or None
    collapse = parse_bool("collapse", args.get("collapse"), default_collapse)
    query = parse_query_text(args.get("q", ""))
    sort = parse_sort(args.get("sort"))
    if sort == LISTED_SORT:
        if query.strip():
            raise QueryError("Sorteren op titel kan alleen zonder zoekvraag; kies relevantie of datum.")
        sort = "relevance"  # filters alone list by title in that order
    return SearchRequest(
        query=query,
        mode=parse_mode(args.get("mode")),
        k=parse_page_size(args, default_k),
        page=parse_int("page", args.get("page"), 1, None, None) if any_page else parse_page(args.get("page")),
        filters=parse_filters(args, ignore=CONTROL_PARAMS | set(extra_params)),
        collapse=collapse and doc_id is None,  # within one document there is nothing to collapse
        sort=sort,
        doc_id=doc_id,
        exact=parse_bool("exact", args.get("exact"), False),
    )


def check_params(args: MultiDict, takes: Iterable[str] = ()) -> None:
    """Refuse a parameter an API endpoint does not take: a typo there would be silently ignored.
    Tracking parameters too, as /api/search refuses them (only the pages ignore those)."""
    takes = tuple(takes)
    unknown = next((name for name in args.keys() if name not in takes), None)
    if unknown is not None:
        hint = f"dit adres kent alleen {', '.join(takes)}" if takes else "dit adres kent geen parameters"
        raise QueryError(f"Onbekende parameter {_short(repr(unknown))}; {hint}.")


def require_query_or_filter(req: SearchRequest, purpose: str) -> None:
    """Refuse a request with neither a query nor a filter (``purpose``: "om te zoeken"): its
    answer would be no results beside the whole index's facets."""
    if not req.query and not req.filters:
        raise QueryError(f"Geef een zoekvraag (parameter q) of een filter (zoals gemeente=Rotterdam) op {purpose}.")


def require_query_for_document(req: SearchRequest, instead: str) -> None:
    """Refuse ``doc_id`` without a query: a document's passages are shown for a question, and
    the answer was silently empty. ``instead``: where the document itself is."""
    if req.doc_id and not req.query.strip():
        raise QueryError("De parameter doc_id toont de passages van één document voor een zoekvraag; "
                         f"geef ook q, of {instead}.")


def check_single(args: MultiDict, names: Iterable[str]) -> None:
    """Refuse a one-value parameter given twice ("?q=ouders&q=school"): one of the two would be
    dropped without a word."""
    twice = next((name for name in names if len(args.getlist(name)) > 1), None)
    if twice is not None:
        raise QueryError(f"De parameter {twice!r} staat er meer dan eens in; geef hem één waarde.")


def without_tracking(args: MultiDict) -> MultiDict:
    """``args`` minus well-known tracking parameters (utm_*, fbclid, ...)."""
    return MultiDict([
        (k, v) for k, v in args.items(multi=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ])


def clean_query(raw: str | None) -> str:
    """The query without control characters, not yet checked."""
    return _CONTROL_CHARS.sub(" ", _latin1_escapes(raw or "")).strip()


_ESCAPE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _latin1_escapes(text: str) -> str:
    """Percent escapes the URL decoding left because they are no UTF-8 ("caf%E9", sent by an old
    Latin-1 form), read as Windows-1252 ("café") instead of searched as "caf%E9"."""
    def decode(match: re.Match) -> str:
        data = unquote_to_bytes(match.group())
        try:
            data.decode("utf-8")
            return match.group()  # valid UTF-8 here was typed as such: leave it
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")

    return _ESCAPE.sub(decode, text) if "%" in text else text


def parse_query_text(raw: str | None) -> str:
    text = clean_query(raw)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"De zoekvraag is te lang ({len(text)} tekens); gebruik maximaal {MAX_QUERY_CHARS} tekens."
        )
    return text


def parse_mode(raw: str | None) -> str:
    value = (raw or "").strip().lower()
    if not value:
        return "hybrid"
    value = MODE_ALIASES.get(value, value)
    if value not in MODES:
        raise QueryError(f"Onbekende zoekmodus {raw!r}; kies uit: hybride, trefwoord, semantisch.")
    return value


def parse_sort(raw: str | None) -> str:
    value = (raw or "").strip().lower()
    if not value:
        return "relevance"
    value = SORT_ALIASES.get(value, value)
    if value not in SORTS and value != LISTED_SORT:
        raise QueryError(f"Onbekende sortering {raw!r}; kies uit: relevantie, datum (titel zonder zoekvraag).")
    return value


def parse_page_size(args: MultiDict, default: int) -> int:
    """``k`` or its alias ``per_page``. Both with different values is a QueryError: guessing which
    one was meant would silently show another page size. Messages name the parameter sent."""
    sent = {name: args.get(name) for name in ("k", "per_page") if (args.get(name) or "").strip()}
    sizes = {name: parse_int(name, raw, default, 1, MAX_K) for name, raw in sent.items()}
    if len(set(sizes.values())) > 1:
        raise QueryError(
            f"De parameters k en per_page betekenen hetzelfde (resultaten per pagina); geef er één op, "
            f"niet k={sizes['k']} en per_page={sizes['per_page']}."
        )
    return next(iter(sizes.values()), default)


def parse_page(raw: str | None) -> int:
    """A page number within 1..MAX_PAGE (the API); the message names the limit."""
    text = str(raw).strip() if raw is not None else ""
    try:
        value = parse_int("page", text, 1, None, None)
    except QueryError:
        if not _INTEGER.fullmatch(text):
            raise
        value = 0 if text.startswith("-") else MAX_PAGE + 1  # too many digits to convert: out of range
    if not 1 <= value <= MAX_PAGE:
        beyond = f" (een zoekvraag heeft hooguit {MAX_PAGE} pagina's; verfijn haar of kies een grotere k)" \
            if value > MAX_PAGE else ""
        raise QueryError(f"De parameter page moet tussen 1 en {MAX_PAGE} liggen, niet {_short(text)}{beyond}.")
    return value


def parse_int(name: str, raw: str | None, default: int, low: int | None, high: int | None) -> int:
    """A whole number in ASCII digits (``int()`` would also take "1_000" and other scripts'
    digits); ``low``/``high`` None: no bound."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return default
    if not _INTEGER.fullmatch(text):
        raise QueryError(f"De parameter {name} moet een geheel getal zijn, niet {_short(repr(text))}.")
    try:
        value = int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise QueryError(f"De parameter {name} is veel te groot ({len(text)} cijfers).") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise QueryError(f"De parameter {name} moet tussen {low} en {high} liggen, niet {_short(text)}.")
    return value


def _short(text: str, limit: int = 40) -> str:
    """Messages echo what was sent, but not all of it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_bool(name: str, raw: str | None, default: bool) -> bool:
    value = (raw or "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise QueryError(f"De parameter {name} moet 1 of 0 zijn, niet {raw!r}.")


def parse_filters(
    args: MultiDict, ignore: Iterable[str] = CONTROL_PARAMS, allowed: Iterable[str] = FACET_FIELDS
) -> dict[str, list[str]]:
    """Facet filters: repeated keys are OR (``?gemeente=A&gemeente=B``), fields are AND."""
    ignore, allowed = set(ignore), tuple(allowed)
    filters: dict[str, list[str]] = {}
    for field in args.keys():
        if field in ignore:
            continue
        if field not in allowed:
            raise QueryError(f"Onbekend filter {field!r}; gebruik een van: {', '.join(allowed)}.")
        values = list(dict.fromkeys(v for v in map(_clean, args.getlist(field)) if v))
        if len(values) > MAX_VALUES_PER_FIELD:
            raise QueryError(f"Te veel waarden voor filter {field!r} (maximaal {MAX_VALUES_PER_FIELD}).")
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            raise QueryError(f"Een waarde voor filter {field!r} is te lang.")
        if values:
            filters[field] = values
    return filters


def request_params(
    req: SearchRequest,
    *,
    filters: dict[str, list[str]] | None = None,
    default_k: int = 10,
    default_collapse: bool = False,
    **changes,
) -> dict:
    """The canonical query-string dict for ``req`` (defaults left out), with ``changes`` applied
    and, when given, ``filters`` instead of the request's own.

    Used to build links (pagination, facet toggles) that keep every other choice.
    """
    params: dict[str, object] = {
        "q": req.query or None,
        "mode": req.mode if req.mode != "hybrid" else None,
        "per_page": req.k if req.k != default_k else None,
        "page": req.page if req.page != 1 else None,
        "sort": req.sort if req.sort != "relevance" else None,
        "collapse": ("1" if req.collapse else "0") if req.collapse != default_collapse else None,
        "doc_id": req.doc_id,
        "exact": "1" if req.exact else None,
    }
    chosen = req.filters if filters is None else filters
    params.update({field: list(values) for field, values in chosen.items()})
    params.update(changes)
    return {k: v for k, v in params.items() if v not in (None, "", [])}


def toggle_filter(filters: dict[str, list[str]], field: str, value: str) -> dict[str, list[str]]:
    """Filters with ``value`` added to ``field`` or, when already there, removed."""
    out = {f: list(vs) for f, vs in filters.items()}
    values = out.setdefault(field, [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    return {f: vs for f, vs in out.items() if vs}


def _clean(value: str) -> str:
    return _CONTROL_CHARS.sub("", value or "").strip()
