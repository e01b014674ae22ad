"""QA pass 9 (teacher, coordinator and researcher walkthroughs) against a tiny real index."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


# 1. the start page's example links carried collapse=0: a click showed every passage
#    ("53 passages voor voorlezen aan peuters") instead of the page's default best passage per document
def test_start_page_examples_open_the_default_collapsed_view(client):
    examples = soup_of(client.get("/")).select(".example-group a")
    assert examples
    for a in examples:
        query = parse_qs(urlsplit(a["href"]).query)
        assert "collapse" not in query, a["href"]
        assert query["q"] == [a.get_text()]


# 2. a filtered search whose filtered results hold none of the words said "Geen document bevat
#    uw zoekwoorden" (CLI: "No document holds ..."), though documents outside the filter do
#    ("taalachterstand" in Fryslân on the sample corpus: 40 documents hold the word)
def test_no_word_matches_within_filters_names_the_filters(client):
    assert client.get("/api/search?q=schoolmaaltijden").get_json()["word_matches"] is True
    assert client.get("/api/search?q=schoolmaaltijden&type=onderzoek").get_json()["word_matches"] is False
    note = soup_of(client.get("/?q=schoolmaaltijden&type=onderzoek")).select_one(".no-word-matches").get_text()
    assert note.startswith("Geen document met deze filters bevat uw zoekwoorden"), note
    note = soup_of(client.get("/?q=qwxzyv+pizzarecept")).select_one(".no-word-matches").get_text()
    assert note.startswith("Geen document bevat uw zoekwoorden"), note


def test_cli_no_word_matches_within_filters_names_the_filters(real_index, capsys):
    from indexer import cli

    index = str(real_index[0].index_dir)
    assert cli.main(["search", "schoolmaaltijden", "--index", index, "--filter", "type=onderzoek"]) == 0
    assert "No document that passes the filters holds the query's words" in capsys.readouterr().out
    assert cli.main(["search", "qwxzyv pizzarecept", "--index", index]) == 0
    assert "\nNo document holds the query's words" in "\n" + capsys.readouterr().out


# 3. "early school leavers Rotterdam" named "leavers" as a word no document holds in any form:
#    the glossary translates the phrase whole (voortijdig schoolverlaters, in the sample corpus),
#    and only its first word carries the translation; the phrase's other words go with it
def test_a_word_inside_a_translated_english_phrase_is_not_named_missing():
    from indexer.analysis import get_analyzer
    from indexer.ranking.word_coverage import word_coverage

    analyzer = get_analyzer()
    found = set(analyzer.index_terms("voortijdig schoolverlaters in Rotterdam en op school"))
    for query in ("early school leavers Rotterdam", "school leavers in Rotterdam"):
        assert word_coverage(analyzer, lambda term: int(term in found), query, lambda w: False) == ([], []), query
    # a phrase whose translation no passage holds is still named whole, once
    _, missing = word_coverage(analyzer, lambda term: 0, "early school leavers", lambda w: False)
    assert missing == ["early school leavers"]


# 4. the catalogue's title was "Interventies" whatever its filters and page, while the search
#    page's title names them: tabs and screen readers could not tell two catalogue pages apart
def test_the_catalogue_title_names_its_filters_and_page(client):
    site = " · Kennisbank Gelijke Kansen"
    assert soup_of(client.get("/interventies")).title.get_text() == "Interventies" + site
    title = soup_of(client.get("/interventies?sector=po&doelgroep=ouders+en+gezinnen")).title.get_text()
    assert title == "Interventies (Sector: primair onderwijs; Doelgroep: ouders en gezinnen)" + site
    assert soup_of(client.get("/interventies?page=2")).title.get_text() == "Interventies, pagina 2" + site


# 5. within one document ("Meer passages uit dit document") word_matches said whether the whole
#    index held the words: true for a document found only by meaning (sample corpus:
#    q=huiswerkbegeleiding&doc_id=urban-arts, two passages, neither with the word)
def test_word_matches_within_one_document_is_that_documents(client, doc_ids):
    peuters, rekenles = doc_ids["onderzoek-woordenschat-peuters"], doc_ids["praktijkverhaal-utrecht-rekenles"]
    api = client.get(f"/api/search?q=rekenles&doc_id={peuters}").get_json()
    assert api["hits"] and all(h["keyword_rank"] is None for h in api["hits"])
    assert api["word_matches"] is False
    assert client.get(f"/api/search?q=rekenles&doc_id={rekenles}").get_json()["word_matches"] is True
    note = soup_of(client.get(f"/?q=rekenles&doc_id={peuters}")).select_one(".no-word-matches").get_text()
    assert note.startswith("Geen passage uit dit document bevat uw zoekwoorden"), note


# 6. a keyword match past the fused pool (scored 0, listed in keyword order) showed
#    "Totaalscore 0,000" beside "Trefwoorden plaats 2", which reads as a contradiction
def test_a_keyword_match_past_the_fused_pool_says_why_it_has_no_total_score(shared_app):
    from flask import render_template

    from indexer.model import Hit, SearchRequest

    past = Hit("d", "d#p1", "Titel", "nieuws", "", "tekst", "tekst", score=0.0, keyword_rank=2, keyword_score=1.0)
    fused = Hit("e", "e#p1", "Titel", "nieuws", "", "tekst", "tekst", score=0.4, keyword_rank=1, keyword_score=1.1)
    with shared_app.test_request_context("/?q=ouders"):
        def why(hit, mode="hybrid"):
            html = render_template("_result.html", hit=hit, hit_index=1, req=SearchRequest("ouders", mode=mode),
                                   multi_passage_docs=set())
            return BeautifulSoup(html, "html.parser").select_one("details.why dd").get_text()
        assert why(past).startswith("niet berekend: gevonden op trefwoorden")
        assert why(fused) == "0,400"
        assert why(past, mode="keyword") == "0,000"
