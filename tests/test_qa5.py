"""QA findings (fifth pass: a primary-school teacher, a vmbo mentor and an English-speaking
teacher on the sample corpus), each reproduced against a tiny real index."""
from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.model import SearchRequest
from indexer.ranking.query_syntax import parse_query
from indexer.search import open_service


@pytest.fixture(scope="module")
def shallow(built_index):
    """The mini corpus with a candidate depth of 2: most keyword matches lie past the pool."""
    svc = open_service(replace(built_index[0], candidate_depth=2))
    yield svc
    svc.close()


# 1. "Waarom dit resultaat?" said "Trefwoorden: geen exacte treffer" (and the API's keyword_rank
#    was null, "the keyword side did not find it") for a passage the semantic side brought into
#    the pool that holds the query's words past the keyword side's depth; its snippet marked them
#    ("hoe betrek ik ouders die weinig Nederlands spreken": Tel mee met Taal, keyword rank 88)


@pytest.mark.parametrize("collapse", [True, False])
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_a_listed_keyword_match_has_its_keyword_rank(shallow, collapse, sort):
    checked = 0
    for query in ["ouders", "school", "onderwijs", "taal en huiswerk"]:
        matches = [s.passage_id for s in shallow.backend.keyword_search(parse_query(query), {}, 1000)]
        rank = {pid: i for i, pid in enumerate(matches, 1)}
        for page in (1, 2):
            response = shallow.search(SearchRequest(query, k=5, page=page, collapse=collapse, sort=sort))
            for hit in response.hits:
                assert hit.keyword_rank == rank.get(hit.passage_id), (query, hit.passage_id)
                # a match past the keyword depth in the pool: the semantic side brought it
                checked += hit.keyword_rank is not None and hit.keyword_rank > 2 and hit.semantic_rank is not None
    assert checked
