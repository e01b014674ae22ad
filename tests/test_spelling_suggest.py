"""'Bedoelde u' and autocomplete keep the search-box syntax: a suggestion is the user's own text
with only the misspelled (or the half-typed) word replaced, so picking it runs the same search.

Words the mini corpus lacks (armoede, loopbaanoriëntatie) come from the sample corpus (conftest ``sample``).
"""
from __future__ import annotations

import pytest

from indexer.model import SearchRequest
from indexer.ranking.query_syntax import parse_query
from indexer.ranking.spelling import Speller


@pytest.fixture(scope="module")
def speller():
    from indexer.analysis import get_analyzer

    vocabulary = [("ouderbetrokkenheid", 7), ("rotterdam", 50), ("amsterdam", 40), ("ouders", 160),
                  ("betrekken", 3), ("armoede", 7), ("loopbaanoriëntatie", 8), ("coördinatie", 2)]
    return Speller(vocabulary, get_analyzer())


def offered(svc, query: str) -> str | None:
    """What the speller makes of a query: searched instead by default (``corrected``), offered as
    "Bedoelde u" when the words are searched as typed (``exact``)."""
    corrected = svc.search(SearchRequest(query, k=3)).corrected
    assert svc.search(SearchRequest(query, k=3, exact=True)).suggestion == corrected
    return corrected


def _shape(query: str):
    """What a query searches for, words aside: its clauses' sizes, phrase lengths and exclusions."""
    q = parse_query(query)
    return ([(len(c.terms), [len(p.split()) for p in c.phrases]) for c in q.clauses], q.excluded)


# -- "Bedoelde u" -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, suggestion", [
    ("ouderbetrokkenhied -armoede", "ouderbetrokkenheid -armoede"),  # the exclusion stays
    ("Roterdam OF Amsterdm", "Rotterdam OF Amsterdam"),  # the operator stays
    ('ouderbetrokkenhied "exacte zin"', 'ouderbetrokkenheid "exacte zin"'),  # the phrase stays
    ('"ouders betrekkn"', '"ouders betrekken"'),  # a typo inside a phrase is found
    ('"ouderbetrokkenhied" armoede', '"ouderbetrokkenheid" armoede'),
    ('ouderbetrokkenhied -"ouders betrekkn"', 'ouderbetrokkenheid -"ouders betrekkn"'),  # excluded: left
])
def test_the_suggestion_is_the_query_with_only_the_typos_replaced(sample, query, suggestion):
    assert offered(sample, query) == suggestion
    assert _shape(suggestion) == _shape(query)  # clicking it runs the same kind of search


@pytest.mark.parametrize("query, suggestion", [
    ("Roterdam | Amsterdm", "Rotterdam | Amsterdam"),
    ("Roterdam, Amsterdm!", "Rotterdam, Amsterdam!"),  # punctuation around a word stays
    ('"ouders  betrekkn"  -armoede', '"ouders  betrekken"  -armoede'),  # the user's spacing too
    ("ouders -armoedde", None),  # an excluded word needs no correction
    ('"ouders betrekken"', None),  # known words are not corrected
    ('"xqzvbl plorkwn ouderbetrokkenhied"', None),  # mostly unknown words: another language
    ("comment aider les enfants de rotterdam", None),
    # a Dutch stop word is no unknown word: two typos in a short Dutch question are typos
    ("betrekkn met oudrs", "betrekken met ouders"),
    ("ouderbetrokkenhied bij Roterdam", "ouderbetrokkenheid bij Rotterdam"),
])
def test_the_speller_keeps_the_query_syntax(speller, query, suggestion):
    assert speller.suggest(parse_query(query)) == suggestion


# -- autocomplete -------------------------------------------------------------------------------

def _terms(service, prefix):
    return [s.text for s in service.suggest(prefix) if s.kind == "term"]


def test_autocomplete_keeps_the_text_before_the_word_as_typed(sample):
    terms = _terms(sample, "ouders OF betr")
    assert "ouders OF betrokkenheid" in terms  # "of" would be a stop word, not the operator
    assert all(t.startswith("ouders OF betr") for t in terms)
    capitalised = _terms(sample, "Ouders bij huisw")
    assert capitalised and all(t.startswith("Ouders bij huisw") for t in capitalised)


def test_autocomplete_keeps_the_case_of_the_letters_typed(sample):
    # QA: "Den Haag" offered "Den haagse"; "Apel" offered "apeldoornse"
    assert "Den Haagse" in _terms(sample, "Den Haag") and "Den haagse" not in _terms(sample, "Den Haag")
    assert _terms(sample, "Apel") == ["Apel" + t[4:] for t in _terms(sample, "apel")]
    assert all(t.startswith("Apel") for t in _terms(sample, "Apel"))


@pytest.mark.parametrize("prefix, expected", [
    ('ouders "betr', 'ouders "betrokkenheid'),  # a phrase being typed
    ("ouders -betr", "ouders -betrokkenheid"),  # an exclusion being typed
    ('-"betr', '-"betrokkenheid'),
])
def test_autocomplete_completes_a_word_after_a_quote_or_a_minus(sample, prefix, expected):
    terms = _terms(sample, prefix)
    assert expected in terms
    assert [t[len(prefix) - 4:] for t in terms] == _terms(sample, "betr")  # the same words, marks kept


def test_autocomplete_ignores_accents_and_offers_the_index_spelling(sample, speller):
    assert _terms(sample, "loopbaanorien") == _terms(sample, "loopbaanori") == ["loopbaanoriëntatie"]
    titled = [s.kind for s in sample.suggest("loopbaanorien")]
    assert titled == [s.kind for s in sample.suggest("loopbaanori")]  # titles match too, same order
    assert speller.complete("coordi", 4) == ["coördinatie"]
    assert speller.complete("coördi", 4) == ["coördinatie"]


def test_autocomplete_keeps_its_order_and_limit(sample):
    for prefix in ("ro", "ouders OF betr", "loopbaanorien"):
        kinds = [s.kind for s in sample.suggest(prefix, limit=5)]
        assert len(kinds) <= 5
        # places, then completed words, then titles
        rank = {"gemeente": 0, "term": 1, "titel": 2, "interventie": 2}
        assert [rank[k] for k in kinds] == sorted(rank[k] for k in kinds)


def test_a_typo_repeated_in_a_phrase_counts_once(speller):
    # two distinct words of which one unknown: a typo, not another language
    assert speller.suggest(parse_query('ouderbetrokkenhied "ouderbetrokkenhied betrekken"')) == \
        'ouderbetrokkenheid "ouderbetrokkenheid betrekken"'


@pytest.mark.parametrize("query", ["who evaluates the measures", "what motivates pupils", "who stimulates reading",
                                   "which studies evaluated the programmes", "organising summer schools"])
def test_english_verb_forms_are_no_typos(sample, query):
    # the common-English list holds "evaluate", "study", "organise": their forms are real words too
    assert sample.search(SearchRequest(query, k=3)).suggestion is None


def test_an_english_form_is_read_from_its_stem():
    from indexer.analysis.english import is_english_form

    assert all(map(is_english_form, ["evaluates", "evaluated", "studies", "motivating", "watches"]))
    assert not any(map(is_english_form, ["ouderbetrokkenhied", "huiswerkbegeleding", "taals"]))


# -- English typos ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, suggestion", [
    ("homewrok help after school", "homework help after school"),
    ("how do schools improve parantal involvment", "how do schools improve parental involvement"),
    ("Teachres and parents", "Teachers and parents"),  # a glossary plural, capital kept
    ("earli school leaving", "early school leaving"),  # not "earlies", a plural made of "early"
])
def test_an_english_typo_is_corrected_to_the_glossarys_english_word(speller, query, suggestion):
    # the index holds Dutch words only: an English typo had no candidate, so no suggestion
    assert speller.suggest(parse_query(query)) == suggestion


@pytest.mark.parametrize("query, suggestion", [
    ("ouderbetrokkenhied", "ouderbetrokkenheid"),  # the index's Dutch word, not an English one
    ("parents involvement", None),  # real English words are not corrected, into English either
    ("inclusie onderwijs", None),  # nor real Dutch words the index lacks
    ("longitudinale studie", None),  # nor a Dutch form the glossary's English word stems alike
])
def test_english_candidates_never_replace_a_dutch_correction_or_a_real_word(speller, query, suggestion):
    assert speller.suggest(parse_query(query)) == suggestion


def test_an_english_typo_gets_a_suggestion_on_a_real_index(sample):
    assert offered(sample, "homewrok support at the library") == "homework support at the library"
    # in a question that reads English an English word wins over a Dutch one ("schoolse")
    assert offered(sample, "how do shools involve parents") == "how do schools involve parents"
    assert offered(sample, "hoe betrekken shools ouders") != "hoe betrekken schools ouders"


@pytest.mark.parametrize("query", ["vve in Dordt", "scholen in Heumen", "gemeente De Wolden"])
def test_a_places_name_the_index_lacks_is_no_typo(sample, query):
    # it was rewritten before query understanding read it: Dordt "doordat", Heumen "heen"
    assert offered(sample, query) is None


def test_two_swapped_letters_are_corrected_to_the_word_with_those_letters():
    from indexer.analysis import get_analyzer

    # difflib finds "gemeente" (one letter less) more alike than "gemeenten" (two swapped)
    speller = Speller([("gemeente", 90), ("gemeenten", 40), ("teachers", 1)], get_analyzer())
    assert speller.suggest(parse_query("vijftig gemeentne")) == "vijftig gemeenten"


def test_a_form_of_a_glossary_word_is_no_typo(speller):
    # "reimbursing" was "corrected" to the glossary's "reimburse": a real English form, not a typo
    assert speller.known("reimbursing") and speller.known("reimbursed")
    assert not speller.known("reimbursnig")


@pytest.mark.parametrize("prefix, place", [("zuid-h", "Zuid-Holland"), ("frysl", "Fryslân"),
                                           ("noord br", "Noord-Brabant"), ("Noord-Bra", "Noord-Brabant")])
def test_autocomplete_offers_the_provinces_of_the_index(sample, prefix, place):
    first = sample.suggest(prefix)[0]
    assert (first.text, first.kind) == (place, "provincie")


def test_a_place_that_is_a_municipality_and_a_province_is_offered_once(sample):
    assert [(s.text, s.kind) for s in sample.suggest("utrech") if s.text == "Utrecht"] == [("Utrecht", "gemeente")]


def test_autocomplete_completes_a_hyphenated_word(sample):
    # the index's word list held no hyphenated word: "mbo-st" offered nothing
    assert "mbo-studenten" in _terms(sample, "mbo-st")
    assert all("maatwerk" not in t for t in _terms(sample, "ouderbetr"))  # no web-address slug


def test_the_word_list_keeps_hyphenated_words_but_no_address_parts():
    from indexer.backends.embedded.writer import surface_words

    words = surface_words(["De mbo-student leest www.nji.nl/ouderbetrokkenheid-is-maatwerk en mailt "
                           "info@gelijke-kansen.nl. Voor- en vroegschoolse educatie."])
    assert words.get("mbo-student") == 1 and words.get("student") == 1
    assert not [w for w in words if w.count("-") and ("maatwerk" in w or "kansen" in w or w.startswith("voor"))]
