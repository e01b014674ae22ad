"""A compound query word matched only in part ("ouder" for "ouderavond") ranks, but counts in the
result set only within the fused pool; a passage holding all its parts matches it whole."""
from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.model import SearchRequest
from indexer.ranking.query_syntax import parse_query
from indexer.search import open_service


@pytest.fixture(scope="module")
def shallow(built_index):
    svc = open_service(replace(built_index[0], candidate_depth=2))
    yield svc
    svc.close()


def _marks(svc, query: str) -> dict[str, bool]:
    return {s.passage_id: s.partial for s in svc.backend.keyword_search(parse_query(query), {}, 1000)}


def _walk(svc, query: str, mode: str, k: int = 1, **request) -> tuple[list[str], set[int]]:
    items, totals, page = [], set(), 1
    while True:
        r = svc.search(SearchRequest(query, mode=mode, k=k, page=page, **request))
        totals.add(r.total)
        if not r.hits:
            return items, totals
        items += [h.passage_id for h in r.hits]
        page += 1


def test_all_parts_of_a_compound_match_it_whole_and_some_of_them_in_part(shallow):
    # the Schiedam story says "huiswerk" and "begeleiding", never "huiswerkbegeleiding"
    assert _marks(shallow, "huiswerkbegeleiding") == {"praktijkverhalen/huiswerkklas-schiedam.md#p0": False}
    # "ouders" is half of "ouderavond"; "ouders" and "betrokken" are all of "ouderbetrokkenheid"
    assert len(_marks(shallow, "ouderavond")) == 4 and all(_marks(shallow, "ouderavond").values())
    marks = _marks(shallow, "ouderbetrokkenheid")
    assert marks["onderzoek/ouders-mbo.md#p0"] is False
    assert marks["agendas/apeldoorn.md#p0"] is True
    # a word of the query besides the compound makes a passage a whole match
    assert _marks(shallow, "ouderavond apeldoorn")["agendas/apeldoorn.md#p0"] is False


@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_matches_only_in_part_count_only_within_the_pool(shallow, mode):
    marks = _marks(shallow, "ouderavond")  # four passages, all through "ouders" alone
    pool = list(marks)[:2]  # the keyword side's depth is 2
    nearest = [s.passage_id for s in shallow.backend.vector_search(shallow.searcher.embed_query("ouderavond"), {}, 2)]
    items, totals = _walk(shallow, "ouderavond", mode)
    assert totals == {len(items)}
    assert set(items) == set(pool) | (set(nearest) if mode == "hybrid" else set())


def test_whole_matches_past_the_pool_still_follow_it(shallow):
    marks = _marks(shallow, "schoolsport")
    whole = [p for p, partial in marks.items() if not partial]
    assert whole == ["praktijkverhalen/sport-rotterdam.md#p0"] and len(marks) == 6
    items, totals = _walk(shallow, "schoolsport", "keyword")
    assert items == list(marks)[:2] and totals == {2}
    # with a filter the pool is the filtered search's own, but a partial match outside the
    # unfiltered pool stays out: a filter narrows the set and never adds to it
    unfiltered, _ = _walk(shallow, "schoolsport", "keyword")
    for doc_type in shallow.facets()["type"]:
        got, totals = _walk(shallow, "schoolsport", "keyword", filters={"type": [doc_type]})
        assert set(got) <= set(unfiltered) and totals == {len(got)}


def test_facet_counts_count_what_choosing_the_value_gives(shallow, sample):
    checked = 0
    for svc, query in ((shallow, "ouderavond"), (shallow, "schoolsport"), (sample, "schooladvies")):
        for mode in ("keyword", "hybrid"):
            facets = svc.search(SearchRequest(query, mode=mode, k=1, collapse=True)).facets
            for field, values in facets.items():
                for value, count in values.items():
                    got = svc.search(SearchRequest(query, mode=mode, k=1, collapse=True, filters={field: [value]}))
                    assert got.total == count, (query, mode, field, value)
                    checked += 1
    assert checked > 30


def test_a_compound_query_on_the_sample_corpus_is_not_every_passage_on_one_part(sample):
    """"schooladvies" used to count 84 of the 104 documents, through "school" alone."""
    marks = _marks(sample, "schooladvies")
    assert sum(marks.values()) > 100  # passages on school (or advice) without the other part
    r = sample.search(SearchRequest("schooladvies", mode="keyword", k=10, collapse=True))
    assert r.total <= 30  # the 50-passage pool holds 25 documents
    items, totals = _walk(sample, "schooladvies", "keyword", k=10)
    pool = set(list(marks)[:sample.searcher.config.depth])
    assert totals == {len(items)}
    assert all(not marks[p] or p in pool for p in items)
    assert {p for p, partial in marks.items() if not partial} <= set(items)
    # the best passages are the same as before: ranking is untouched
    assert [h.passage_id for h in sample.search(SearchRequest("schooladvies", mode="keyword", k=10)).hits] \
        == list(marks)[:10]
