from hypothesis import given, strategies as st
import pytest

from indexer.ranking.query_syntax import parse_query


def test_plain_words_become_single_term_clauses():
    q = parse_query("ouderbetrokkenheid in het mbo")
    assert [c.terms for c in q.clauses] == [("ouderbetrokkenheid",), ("in",), ("het",), ("mbo",)]
    assert q.text == "ouderbetrokkenheid in het mbo"


def test_phrase_exclusion_and_or():
    q = parse_query('"brede brugklas" amsterdam OF rotterdam -vwo -"speciaal onderwijs"')
    assert q.phrases == ("brede brugklas",)
    assert ("amsterdam", "rotterdam") in [c.terms for c in q.clauses]
    assert q.excluded == ("vwo", "speciaal onderwijs")
    assert "vwo" not in q.text


def test_or_in_english_and_unclosed_quote():
    q = parse_query('taal OR lezen "voorlezen thuis')
    assert q.clauses[0].terms == ("taal", "lezen")
    # an unclosed quote leaves plain words, not a phrase that must occur
    assert q.phrases == () and [c.terms for c in q.clauses[1:]] == [("voorlezen",), ("thuis",)]
    assert parse_query('"ouders betrekken').text == "ouders betrekken"
    assert parse_query('"ouders" "betrekken').phrases == ("ouders",)
    assert parse_query('"').is_empty and parse_query('-"ouders').excluded == ("ouders",)


def test_fts_and_lucene_operators_are_plain_text():
    q = parse_query("NEAR(taal lezen) huis* titel:armoede AND NOT ^2 ~")
    words = [t for c in q.clauses for t in c.terms]
    assert "NEAR(taal" in words and "huis*" in words and "titel:armoede" in words
    assert q.excluded == ()


def test_lone_dash_is_not_an_exclusion():
    q = parse_query("vmbo - havo")
    assert q.excluded == ()


@given(st.text(max_size=200))
def test_parser_never_fails_and_its_text_is_single_spaced(raw):
    q = parse_query(raw)
    assert q.text == " ".join(q.text.split())


@given(st.text(alphabet=st.characters(blacklist_characters='"'), max_size=200))
def test_the_text_of_a_query_without_quotes_parses_to_itself(raw):
    # (a quoted phrase's text may hold operators that count once unquoted: '"a OF b"' -> 'a OF b')
    q = parse_query(raw)
    assert parse_query(q.text).text == q.text


@pytest.mark.parametrize(("text", "phrase", "found"), [
    ("brede brugklassen", "brede brugklas", True),  # the last word inflected
    ("ouders als partners", "ouders als partner", True),
    ("meer kinderen", "kind", True),
    ("de hogeschool", "school", False),  # never the tail of a compound
    ("schoolbesturen", "school", False),  # nor its head
    ("ouders als partner", "ouders partner", False),  # the words in a row
    ("in 20190 zaken", "2019", False),
])
def test_a_phrase_is_found_as_whole_words(text, phrase, found):
    from indexer.ranking.query_syntax import contains

    assert contains(f" {text} ", phrase) is found
