"""Hostile search input: arbitrary unicode queries, filters, modes, k and page.

Only QueryError may come out (never another exception, never an engine syntax error), results
are well formed, and snippets contain no '<' except our own <mark>/</mark> tags.
"""
from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import QueryError
from indexer.model import FACET_FIELDS, MODES, SearchRequest
from indexer.ranking.query_syntax import MAX_QUERY_CHARS, parse_query
from rhelpers import LONG

EXAMPLES = 600 if LONG else 120
SYNTAX = st.sampled_from(['"', "-", " OF ", " OR ", "|", "(", ")", "*", "?", "~", "^", ":", "\\", "/", "AND", "NOT",
                          "<script>", "&amp;", "'; DROP TABLE documents;--", "%", "_", "\x00", "\u202e", "ﬁ", "İ",
                          "ß", "é", "🙂", "\ud7ff", "\t", "\n", "  "])
WORDS = st.sampled_from(["taal", "ouders", "mbo", "Rotterdam", "huiswerk", "peuters", "sport", "brugklas",
                         "gelijke", "kansen", "vve", "Schiedam", "zomerschool"])
QUERY = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(WORDS, SYNTAX, st.text(max_size=6)), max_size=15).map("".join),
    st.lists(st.one_of(WORDS, SYNTAX), max_size=12).map(" ".join),
    st.text(min_size=MAX_QUERY_CHARS - 5, max_size=MAX_QUERY_CHARS + 5, alphabet="ab \"-"),
)
FIELD = st.one_of(st.sampled_from(FACET_FIELDS), st.text(max_size=10))
FILTERS = st.dictionaries(FIELD, st.lists(st.one_of(st.text(max_size=20), WORDS), max_size=3), max_size=3)
MODE = st.one_of(st.sampled_from(MODES), st.text(max_size=8))
INT = st.one_of(st.integers(-3, 60), st.integers(-(2**63), 2**63))
_TAG = re.compile(r"</?mark>")

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                    HealthCheck.function_scoped_fixture])


@SETTINGS
@given(QUERY)
def test_parse_query_never_raises(raw):
    parsed = parse_query(raw)
    assert isinstance(parsed.text, str)
    for clause in parsed.clauses:
        assert all(t and not t.isspace() for t in clause.terms)
    assert all(p for p in parsed.phrases)


@pytest.fixture(scope="module")
def svc(built_index):
    from indexer.search import open_service

    service = open_service(built_index[0])
    yield service
    service.close()


def _check_response(resp, req):
    assert 0 <= len(resp.hits) <= req.k
    assert resp.total >= len(resp.hits)
    ids = [h.passage_id for h in resp.hits]
    assert len(ids) == len(set(ids))
    for hit in resp.hits:
        # filters without a query list documents unranked: no score
        assert math.isfinite(hit.score) if req.query.strip() else hit.score is None
        assert hit.passage_id.startswith(hit.doc_id + "#")
        assert "<" not in _TAG.sub("", hit.snippet), hit.snippet
        assert ">" not in _TAG.sub("", hit.snippet), hit.snippet
        for f, values in req.filters.items():
            if values:
                assert set(hit.facets.get(f, [])) & set(values), (f, values, hit.facets)
    for field, counts in resp.facets.items():
        assert all(isinstance(c, int) and c >= 0 for c in counts.values())


@SETTINGS
@given(q=QUERY, mode=MODE, k=INT, page=INT, filters=FILTERS, collapse=st.booleans(),
       sort=st.sampled_from(["relevance", "date", "x"]))
def test_search_only_raises_query_error(svc, q, mode, k, page, filters, collapse, sort):
    req = SearchRequest(q, mode=mode, k=k, page=page, filters=filters, collapse=collapse, sort=sort)
    try:
        resp = svc.search(req)
    except QueryError as exc:
        assert str(exc)
        return
    _check_response(resp, req)


@SETTINGS
@given(q=st.lists(st.one_of(WORDS, SYNTAX), min_size=1, max_size=8).map(" ".join), mode=st.sampled_from(MODES))
def test_search_valid_requests_always_answer(svc, q, mode):
    """Requests inside the documented limits never fail, whatever the characters."""
    req = SearchRequest(q[:MAX_QUERY_CHARS], mode=mode, k=10, page=1)
    _check_response(svc.search(req), req)


@pytest.mark.parametrize("q", ["<script>alert(1)</script> taal", '"><img src=x onerror=alert(1)> ouders',
                               "&lt;b&gt; huiswerk", "taal </mark><b>x</b>", "mbo <mark>ouders</mark>"])
def test_markup_in_query_is_escaped_in_snippets(svc, q):
    for mode in MODES:
        resp = svc.search(SearchRequest(q, mode=mode, k=10))
        _check_response(resp, SearchRequest(q, mode=mode, k=10))


def test_other_service_calls_with_hostile_input(svc):
    from indexer.errors import DocumentNotFound

    for doc_id in ("../../etc/passwd", "", "\x00", "a" * 5000, "praktijkverhalen/../../x", "' OR 1=1 --"):
        with pytest.raises(DocumentNotFound):
            svc.get_document(doc_id)
        with pytest.raises(DocumentNotFound):
            svc.related(doc_id)
    for prefix in ("", "a", "%", "_", "' OR 1=1", "\x00\x00", "ro" * 300, "🙂🙂"):
        assert isinstance(svc.suggest(prefix), list)
