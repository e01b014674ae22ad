"""mappings/stem_rules.txt: Elasticsearch indexes a common word under the embedded analyzer's term.

Elasticsearch's chain has no lemma step; its stem override takes the embedded analyzer's terms
from the generated rules file. The chain is emulated here as Elasticsearch runs it after folding
(override, else Snowball Dutch), since no cluster runs in these tests.
"""
from __future__ import annotations

import pytest

from indexer.analysis import get_analyzer
from indexer.analysis.build_es_stems import RULES_FILE, build_rules, candidate_words, render
from indexer.backends.es_mappings import load_index_body, read_word_list


@pytest.fixture(scope="module")
def es_term():
    import Stemmer

    snowball = Stemmer.Stemmer("dutch_porter")
    overrides = {}
    for rule in read_word_list(RULES_FILE):
        words, term = rule.split(" => ")
        for word in words.split(", "):
            assert word not in overrides, f"{word} has two rules"
            overrides[word] = term
    return lambda word: overrides.get(word) or snowball.stemWord(word)


def test_the_committed_rules_are_what_the_analyzer_makes_now():
    """Edit a lemma or stem table, and this fails until build_es_stems is run again."""
    analyzer = get_analyzer()
    fresh = render(build_rules(analyzer), analyzer.version)
    assert RULES_FILE.read_text(encoding="utf-8") == fresh, (
        "mappings/stem_rules.txt is stale: run python -m indexer.analysis.build_es_stems")


@pytest.mark.parametrize("forms", [
    ("kind", "kinderen"),  # Snowball alone: kind, kinder
    ("lopen", "liep", "gelopen"),  # lop, liep, gelop
    ("aangekondigd", "aankondigen"),  # aangekond, aankondig
    ("ouders", "ouder"),
    ("vaak", "vaker"),  # our stem override: vaak is not vak
    ("taal", "talen"),
])
def test_forms_of_one_word_share_one_term_in_elasticsearch_as_here(es_term, forms):
    analyzer = get_analyzer()
    ours = {analyzer.analyze_phrase(word)[0] for word in forms}
    assert len(ours) == 1
    assert {es_term(word) for word in forms} == ours


def test_every_common_word_gets_the_embedded_term(es_term):
    analyzer = get_analyzer()
    words = sorted(candidate_words())
    assert len(words) > 50_000
    differ = [w for w in words if (t := analyzer.analyze_phrase(w)) and [es_term(w)] != t]
    assert differ == []


def test_words_with_diacritics_or_digits_are_left_to_both_chains():
    # Elasticsearch folds before the override and keeps the original too; rules are folded words
    rules = read_word_list(RULES_FILE)
    assert rules and all(r.replace(", ", "").replace(" => ", "").isascii() for r in rules)
    assert not any(ch.isdigit() for r in rules for ch in r)


def test_the_rules_reach_every_chain_that_stems():
    body = load_index_body(16, "fake")
    analysis = body["settings"]["analysis"]
    override = analysis["filter"]["gka_dutch_override"]
    assert override["type"] == "stemmer_override"
    assert override["rules"] == read_word_list(RULES_FILE)
    assert len(override["rules"]) > 5_000
    for name, chain in analysis["analyzer"].items():
        filters = chain["filter"]
        assert filters.index("gka_dutch_override") == filters.index("gka_dutch_stemmer") - 1, name
