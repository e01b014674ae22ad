"""What the search-box syntax means on a real index (the sample corpus): OR-groups, quoted
phrases as whole words, exclusions that also cover titles, on both sides of a hybrid search."""
import pytest

from indexer.model import SearchRequest
from indexer.ranking.query_syntax import normalise_for_match


def all_hits(service, query: str, mode: str = "keyword"):
    hits, page = [], 1
    while True:
        resp = service.search(SearchRequest(query, mode=mode, k=50, page=page, collapse=False))
        hits += resp.hits
        if page * 50 >= resp.total:
            return hits
        page += 1


def ids(service, query: str, mode: str = "keyword") -> set[str]:
    return {h.passage_id for h in all_hits(service, query, mode)}


def words(hit) -> str:
    return f" {normalise_for_match(f'{hit.title} {hit.heading} {hit.text}')} "


def test_an_or_group_with_a_phrase_finds_either_side(sample):
    phrase, word = ids(sample, '"ouders als partner"'), ids(sample, "brugklas")
    assert phrase and word
    assert ids(sample, '"ouders als partner" OF brugklas') == phrase | word
    # a phrase no passage holds adds nothing, not the passages holding its parts
    assert ids(sample, '"zomerschool" OF brugklas') == word


def test_an_or_groups_phrase_words_score_only_where_the_phrase_stands(sample):
    hits = all_hits(sample, '"ouders als partner" OF brugklas')
    alone = {h.passage_id: h.score for h in all_hits(sample, "brugklas")}
    for hit in hits:
        if " ouders als partner " not in words(hit):
            assert hit.score == pytest.approx(alone[hit.passage_id])


def test_an_or_group_must_be_met_next_to_plain_words(sample):
    either = ids(sample, '"ouders als partner"') | ids(sample, "brugklas")
    found = ids(sample, 'armoede "ouders als partner" OF brugklas')
    assert found and found <= either  # not the passages that only say "armoede"
    assert not ids(sample, "armoede") <= either


@pytest.mark.parametrize("mode", ["keyword", "hybrid", "semantic"])
def test_a_quoted_word_is_a_whole_word(sample, mode):
    hits = all_hits(sample, '"school"', mode)
    assert hits and all(" school " in words(h) for h in hits)  # not "hogeschool", "schoolbesturen"
    assert len(hits) < len(all_hits(sample, "school"))


@pytest.mark.parametrize("mode", ["keyword", "hybrid", "semantic"])
def test_an_excluded_word_is_in_no_result_title_or_text(sample, mode):
    # the Vakcollege De Hef stories name the school in their titles, not in every passage
    titled = [h for h in all_hits(sample, "ouders", mode) if "vakcollege" in normalise_for_match(h.title).split()]
    assert any(" vakcollege " not in f" {normalise_for_match(h.heading + ' ' + h.text)} " for h in titled)
    hits = all_hits(sample, "ouders -vakcollege", mode)
    assert hits and not any(" vakcollege " in words(h) for h in hits)


@pytest.mark.parametrize("mode", ["keyword", "semantic"])
def test_an_excluded_phrase_excludes_the_phrase_not_its_words(sample, mode):
    hits = all_hits(sample, 'ouders -"gelijke kansen"', mode)
    assert hits and not any(" gelijke kansen " in words(h) for h in hits)
    assert any(" kansen " in words(h) for h in hits)  # the words alone do not exclude
