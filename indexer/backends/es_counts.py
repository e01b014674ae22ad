"""Pure builders of Elasticsearch request bodies that count: a result set's size and facets,
the index's statistics, passages per document, the vocabulary (es_queries builds searches)."""
from __future__ import annotations

from typing import Sequence

from indexer.backends.es_fields import BODY, Fields
from indexer.backends.es_queries import (DOCUMENT, FACET_SIZE, PASSAGE, Body, Filters, Parts, filter_clauses,
                                         keyword_query, kind_filter, whole_clause)
from indexer.model import FACET_FIELDS
from indexer.ranking.query_syntax import ParsedQuery


def facet_body(query: ParsedQuery | None, passage_ids: Sequence[str] | None, filters: Filters,
               parts: Parts = (), *, fields: Fields = BODY) -> Body:
    """One ``size: 0`` search with disjunctive facet aggregations.

    With a query or passages the result set is passages (keyword matches OR the given passage
    ids: the search's semantic side) and each bucket counts distinct ``doc_id``
    (``cardinality``); with neither (None) the set is the ``kind=document`` docs and ``doc_count`` already
    counts documents. All filters apply as ``post_filter``-like filter aggs: each field's agg
    uses the OTHER fields' filters.
    """
    has_query = query is not None and not query.is_empty
    if has_query or passage_ids is not None:
        body: Body = {"size": 0, "query": result_set_query(query if has_query else None, passage_ids or (), {}, parts,
                                                            fields=fields)}
        counted = {"docs": {"cardinality": {"field": "doc_id"}}}
    else:
        body = {"size": 0, "query": {"bool": {"filter": [kind_filter(DOCUMENT)]}}}
        counted = {}
    aggs: Body = {}
    for field in FACET_FIELDS:
        terms: Body = {"terms": {"field": field, "size": FACET_SIZE}}
        if counted:
            terms["aggs"] = counted
        others = filter_clauses(filters, skip=field)
        aggs[field] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": terms}}
    body["aggs"] = aggs
    body["track_total_hits"] = False
    return body


def vocabulary_body(size: int = 5000) -> Body:
    """Best effort: most frequent title keywords of the documents (no term statistics API)."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [kind_filter(DOCUMENT)]}},
        "aggs": {"titles": {"terms": {"field": "title.keyword", "size": size}}},
    }


def term_counts_body(terms: Sequence[str]) -> Body:
    """How many passages hold each analysed term in their heading or text: mapping v5's ``body``
    field (both, copied, with their analyzer), as the embedded backend's body field. One
    ``filters`` aggregation, no hits; ``term`` queries, so the terms are matched as the index
    holds them, not analysed again."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [kind_filter(PASSAGE)]}},
        "aggs": {"terms": {"filters": {"filters": {term: {"term": {"body": term}} for term in terms}}}},
        "track_total_hits": False,
    }


def passage_counts_body(doc_ids: list[str]) -> Body:
    """The number of passages of each of ``doc_ids``: one terms aggregation, no hits."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [kind_filter(PASSAGE), {"terms": {"doc_id": doc_ids}}]}},
        "aggs": {"per_document": {"terms": {"field": "doc_id", "size": max(len(doc_ids), 1)}}},
        "track_total_hits": False,
    }


def stats_body() -> Body:
    """Document and passage counts and per-facet document counts in one request."""
    facets = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACET_FIELDS}
    return {
        "size": 0,
        "query": {"match_all": {}},
        "aggs": {
            "kinds": {"terms": {"field": "kind", "size": 10}},
            "documents": {"filter": kind_filter(DOCUMENT), "aggs": facets},
        },
        "track_total_hits": False,
    }


def result_set_query(query: ParsedQuery | None, passage_ids: Sequence[str], filters: Filters,
                     parts: Parts = (), *, fields: Fields = BODY) -> Body:
    """Passages that are keyword matches passing the filters (not matches only in part, when
    ``parts`` names the compound query words' parts), or among the given ids."""
    should: list[Body] = [{"terms": {"passage_id": list(passage_ids)}}] if passage_ids else []
    if query is not None and not query.is_empty:
        matches = keyword_query(query, filters, fields=fields)
        whole = whole_clause(query, parts, fields)
        should.append(matches if whole is None else {"bool": {"must": [matches], "filter": [whole]}})
    if not should:
        should = [{"match_none": {}}]
    return {"bool": {"filter": [kind_filter(PASSAGE)], "should": should, "minimum_should_match": 1}}


def count_body(query: ParsedQuery | None, passage_ids: Sequence[str], filters: Filters,
               parts: Parts = (), *, fields: Fields = BODY) -> Body:
    """A ``size: 0`` search over a result set: the keyword matches passing the filters OR the
    given passages; ``hits.total`` counts passages, the ``docs`` cardinality documents."""
    return {
        "size": 0,
        "query": result_set_query(query, passage_ids, filters, parts, fields=fields),
        "aggs": {"docs": {"cardinality": {"field": "doc_id", "precision_threshold": 40_000}}},
        "track_total_hits": True,
    }
