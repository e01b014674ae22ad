"""One result set per query: the facet counts, the total and the pages all describe it.

On the sample corpus (104 documents) with the default depth, and on the mini corpus with a
candidate depth (2; 3 for one document a page, collapsed) far below its passage count, so the
semantic side's floor and the keyword matches past the fused pool both come into play.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.model import SearchRequest
from indexer.ranking.query_syntax import parse_query
from indexer.search import open_service

QUERIES = ["ouders", "taal en huiswerk", "school", "sport in rotterdam"]
SAMPLE_QUERIES = ["ouders betrekken", "taalachterstand kleuters", "zomerschool", "onderwijs",
                  "how do schools involve low-income parents", '"brede brugklas"', "coaching leerlingen -mbo",
                  '"voorschoolse educatie" peuters']  # a phrase no passage holds: an empty set, not all


@pytest.fixture(scope="module")
def shallow(built_index):
    svc = open_service(replace(built_index[0], candidate_depth=2))
    yield svc
    svc.close()


def _walk(svc, k=1, **request):
    """Every page of a search: (items in page order, the totals the pages reported)."""
    items, totals, page = [], set(), 1
    while True:
        r = svc.search(SearchRequest(page=page, k=k, **request))
        totals.add(r.total)
        if not r.hits:
            return items, totals
        items += [h.doc_id if request.get("collapse") else h.passage_id for h in r.hits]
        page += 1


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_a_facet_count_is_what_choosing_the_value_gives(sample, shallow, mode):
    checked = 0
    for svc, queries in ((sample, SAMPLE_QUERIES), (shallow, QUERIES)):
        for query in queries:
            facets = svc.search(SearchRequest(query, mode=mode, k=1, collapse=True)).facets
            for field, values in facets.items():
                for value, count in values.items():
                    got = svc.search(SearchRequest(query, mode=mode, k=1, collapse=True, filters={field: [value]}))
                    assert got.total == count, (query, field, value)
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
@pytest.mark.parametrize("collapse", [True, False])
def test_pages_walk_the_whole_result_set_once(sample, shallow, mode, collapse):
    for svc, k, query in [(shallow, 1, q) for q in QUERIES] + [(sample, 10, "onderwijs")]:
        items, totals = _walk(svc, k, query=query, mode=mode, collapse=collapse)
        assert len(totals) == 1, query  # the total does not change from page to page
        assert len(items) == len(set(items)) == totals.pop(), query


def test_keyword_matches_past_the_pool_are_counted_and_paged(shallow):
    # "school" matches more passages than the depth of 2: the rest follow the pool in keyword order
    matches = [s.passage_id for s in shallow.backend.keyword_search(parse_query("school"), {}, 1000)]
    assert len(matches) > 2
    items, totals = _walk(shallow, 1, query="school", mode="keyword")
    assert totals == {len(matches)} and items == matches
    hybrid, totals = _walk(shallow, 1, query="school", mode="hybrid")
    assert set(matches) <= set(hybrid) and totals == {len(hybrid)}


def test_a_filter_keeps_only_the_unfiltered_semantic_neighbours(shallow):
    """A filtered semantic search does not fill up with passages that were not near the query."""
    vector = shallow.searcher.embed_query("ouders")
    nearest = {s.passage_id for s in shallow.backend.vector_search(vector, {}, 2)}
    for doc_type in shallow.facets()["type"]:
        got, _ = _walk(shallow, query="ouders", mode="semantic", filters={"type": [doc_type]})
        assert set(got) <= nearest, doc_type
        meta = shallow.backend.passage_meta(list(nearest))
        assert set(got) == {p for p in nearest if doc_type in meta[p][1]["type"]}


def test_a_filter_keeps_the_order_and_scores_of_what_it_keeps(sample):
    """A filtered hybrid search fuses what the unfiltered one fused, with its bounds: the results
    both list score the same and come in the same order."""
    checked = 0
    for query in ["voorschoolse educatie", "vroegschoolse educatie peuters", "ouders betrekken", "onderwijs"]:
        everything = _walk(sample, 50, query=query)[0]
        scores = {h.passage_id: h.score for page in range(1, 6)
                  for h in sample.search(SearchRequest(query, k=50, page=page)).hits}
        for field, value in [("gemeente", "Groningen"), ("type", "interventie"), ("sector", "po"), ("sector", "wo")]:
            kept = _walk(sample, 50, query=query, filters={field: [value]})[0]
            assert kept == [p for p in everything if p in set(kept)], (query, value)
            for page in range(1, 3):
                for hit in sample.search(SearchRequest(query, k=50, page=page, filters={field: [value]})).hits:
                    assert hit.score == pytest.approx(scores[hit.passage_id]), (query, value, hit.passage_id)
                    checked += 1
    assert checked >= 100


@pytest.mark.parametrize("mode", ["hybrid", "semantic"])
def test_the_result_set_does_not_depend_on_the_page_size(sample, mode):
    for query, filters in [("how to involve parents", {"sector": ["mbo"]}), ("ouders betrekken", {})]:
        responses = [sample.search(SearchRequest(query, mode=mode, k=k, collapse=True, filters=filters))
                     for k in (5, 10, 50)]
        assert len({r.total for r in responses}) == 1, query
        assert all(r.facets == responses[0].facets for r in responses), query


def test_a_quoted_phrase_binds_the_semantic_mode_without_emptying_it(sample):
    got = sample.search(SearchRequest('"brede brugklas"', mode="semantic", k=50))
    assert got.hits and all("brede brugklas" in h.text.lower() for h in got.hits)


def test_a_query_of_exclusions_only_offers_no_facets(sample):
    assert sample.search(SearchRequest("-armoede")).facets == {}
    assert sample.search(SearchRequest("-armoede -ouders", mode="keyword")).total == 0
    assert sample.search(SearchRequest("")).facets["type"]  # no query: the whole index to browse


@pytest.mark.parametrize("filters", [{}, {"sector": ["po"]}, {"type": ["interventie", "praktijkverhaal"]}])
def test_more_passages_of_a_document_keep_the_scores_and_best_passage_of_the_result_list(sample, filters):
    checked = 0
    for query in ("ouders betrekken bij school", "huiswerkbegeleiding", "taal en peuters in de wijk"):
        listed = sample.search(SearchRequest(query, k=50, collapse=True, filters=filters))
        flat, page = {}, 1
        while True:  # the whole uncollapsed list
            resp = sample.search(SearchRequest(query, k=50, page=page, collapse=False, filters=filters))
            flat.update({h.passage_id: h.score for h in resp.hits})
            if page * 50 >= resp.total:
                break
            page += 1
        for hit in listed.hits:
            if not hit.more_passages:
                continue
            own = sample.search(SearchRequest(query, k=50, collapse=False, doc_id=hit.doc_id, filters=filters)).hits
            assert own[0].passage_id == hit.passage_id and own[0].score == pytest.approx(hit.score)
            for other in own[1:1 + len(hit.more_passages)]:
                assert other.passage_id in hit.more_passages and other.score == pytest.approx(flat[other.passage_id])
            checked += 1
    assert checked >= 2



@pytest.mark.parametrize("filters", [{}, {"gemeente": ["Rotterdam"]}])
@pytest.mark.parametrize("mode", ["hybrid", "semantic"])
def test_more_passages_explain_each_passage_as_the_result_list_did(sample, filters, mode):
    """"Waarom dit resultaat?" on one document's passages gives the ranks the list gave: not a
    semantic rank from the deeper search that finds its passages (before: "Betekenis plaats 8"
    next to a total score of 0 for a passage the list called "niet in de top")."""
    why = {}
    for page in range(1, 4):  # the whole uncollapsed list
        resp = sample.search(SearchRequest("ouders betrekken", mode=mode, k=50, page=page, collapse=False,
                                           filters=filters))
        why.update({h.passage_id: h for h in resp.hits})
    checked = 0
    for doc_id in {h.doc_id for h in why.values()}:
        own = sample.search(SearchRequest("ouders betrekken", mode=mode, k=50, collapse=False, doc_id=doc_id,
                                          filters=filters))
        for hit in own.hits:
            listed = why[hit.passage_id]
            assert hit.semantic_rank == listed.semantic_rank, hit.passage_id
            assert hit.semantic_score == pytest.approx(listed.semantic_score), hit.passage_id
            # (a pool passage's keyword rank past the keyword side's depth is only known deeper)
            assert listed.keyword_rank in (None, hit.keyword_rank), hit.passage_id
            checked += 1
    assert checked >= 5

def _passages_by_document(service, query: str, mode: str) -> dict[str, set[str]]:
    """Every passage of the query's result set (all pages, not collapsed), by document."""
    in_set: dict[str, set[str]] = {}
    page = 1
    while True:
        resp = service.search(SearchRequest(query, mode=mode, k=50, page=page, collapse=False))
        for h in resp.hits:
            in_set.setdefault(h.doc_id, set()).add(h.passage_id)
        if page * 50 >= resp.total:
            return in_set
        page += 1


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_one_documents_passages_are_its_passages_in_the_result_set(sample, mode):
    """"Meer passages uit dit document" narrows the result set to one document, as a filter
    does: it never adds passages that only a deeper semantic search reaches."""
    checked = 0
    for query in ("ouderbetrokkenheid", "taal en peuters in de wijk", "huiswerkbegeleiding"):
        in_set = _passages_by_document(sample, query, mode)
        for doc_id, passages in list(in_set.items())[:12]:
            own = sample.search(SearchRequest(query, mode=mode, k=50, collapse=False, doc_id=doc_id))
            assert {h.passage_id for h in own.hits} == passages, (query, doc_id)
            assert own.total == len(passages)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_a_collapsed_hits_other_passages_are_its_documents_passages_in_the_result_set(sample, mode):
    """more_passages (and so the "Meer passages" link) names every other passage of the hit's
    document in the result set, also keyword matches past the fused pool, and nothing else."""
    for query in ("ouderbetrokkenheid", "ouders betrekken bij school"):
        in_set = _passages_by_document(sample, query, mode)
        for hit in sample.search(SearchRequest(query, mode=mode, k=50, collapse=True)).hits:
            assert {hit.passage_id, *hit.more_passages} == in_set[hit.doc_id], (query, hit.doc_id)
