"""HTML pages against a tiny real index: search, filters, pagination, document, catalogue, municipality."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.data, "html.parser")


def result_titles(soup: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".result-title a")]


def test_layout_is_accessible(client):
    soup = soup_of(client.get("/"))
    assert soup.html["lang"] == "nl"
    for landmark in ("header", "nav", "main", "footer"):
        assert soup.find(landmark), landmark
    skip = soup.select_one("a.skip-link")
    assert skip["href"] == "#inhoud" and soup.find(id="inhoud").name == "main"
    # every form control has a label
    for control in soup.select("input:not([type=hidden]), select"):
        label = control.find_parent("label") or soup.find("label", attrs={"for": control.get("id")})
        assert label is not None, control
    assert not soup.find(style=True) and not soup.find("style")  # CSP: no inline styles
    assert all(s.get("src") for s in soup.find_all("script"))  # CSP: no inline scripts


def test_empty_state_offers_examples_per_user_group(client):
    soup = soup_of(client.get("/"))
    text = soup.get_text(" ")
    for group in ("leraar", "onderzoeker", "gemeentelijke coördinator"):
        assert group in text.lower()
    examples = soup.select(".example-group a")
    assert len(examples) >= 6
    assert all(a["href"].startswith("/?q=") for a in examples)


def test_search_shows_result_cards(client):
    soup = soup_of(client.get("/?q=zomerschool"))
    titles = result_titles(soup)
    assert "Zwolle laat groep 8 wennen met een zomerschool" in titles
    card = soup.select_one(".result")
    assert card.select_one(".badge-type")
    assert card.select_one(".snippet mark")  # highlighted snippet, rendered as markup
    summary = card.select_one("details.why summary")  # told apart by its hidden result title
    assert summary.get_text(strip=True) == "Waarom dit resultaat?: " + card.select_one(".result-title a").get_text(strip=True)
    assert summary.select_one(".visually-hidden")
    assert "Trefwoorden" in card.select_one("details.why").get_text()
    more = card.select_one("a.more")
    assert "doc_id" in parse_qs(urlsplit(more["href"]).query)


def test_mode_switch_and_query_syntax(client):
    for mode in ("hybrid", "keyword", "semantic", "hybride", "trefwoord", "semantisch"):
        assert client.get(f"/?q=ouders&mode={mode}").status_code == 200
    soup = soup_of(client.get("/", query_string={"q": '"lokale agenda" OF zomerschool -Zwolle', "mode": "trefwoord"}))
    assert soup.select_one("input[name=mode][value=keyword]").has_attr("checked")
    assert soup.select_one("input#q")["value"] == '"lokale agenda" OF zomerschool -Zwolle'
    titles = result_titles(soup)
    assert "Lokale agenda Gelijke Kansen Rotterdam" in titles
    assert "Zwolle laat groep 8 wennen met een zomerschool" not in titles


def test_facet_links_filter_and_active_filter_can_be_removed(client):
    soup = soup_of(client.get("/?q=ouders&mode=keyword"))
    link = next(a for a in soup.select(".facet-link") if "gemeente=Zwolle" in a["href"])
    assert re.search(r"\d", link.select_one(".count").get_text())
    filtered = soup_of(client.get(link["href"]))
    assert result_titles(filtered) and all("Zwolle" in t or "Taalmaatjes" in t for t in result_titles(filtered))
    chip = filtered.select_one(".active-filters a.chip-remove")
    assert "Zwolle" in chip.get_text()
    assert "gemeente" not in parse_qs(urlsplit(chip["href"]).query)
    # the search form keeps the filter for the next query
    assert filtered.select_one("form.search-form input[type=hidden][name=gemeente]")["value"] == "Zwolle"


def test_facet_counts_match_results(client):
    data = client.get("/api/search?q=ouders&mode=keyword&collapse=1&k=50").get_json()
    by_type: dict[str, int] = {}
    for hit in data["hits"]:
        by_type[hit["type"]] = by_type.get(hit["type"], 0) + 1
    assert data["facets"]["type"] == by_type
    soup = soup_of(client.get("/?q=ouders&mode=keyword"))
    shown = {a.select_one(".facet-name").get_text(strip=True): int(a.select_one(".count").get_text(" ").split()[1])
             for a in soup.select("#facet-type ~ ul .facet-link")}
    assert shown["Lokale agenda"] == by_type["agenda"]


def test_pagination_links(client):
    soup = soup_of(client.get("/?q=school&per_page=2&mode=hybrid"))
    pager = soup.select_one("nav.pager")
    assert pager is not None
    next_link = pager.select_one("a[rel=next]")
    page2 = soup_of(client.get(next_link["href"]))
    assert page2.select_one(".pager .current").get_text(strip=True).endswith("2")
    assert page2.select_one("ol.result-list")["start"] == "3"
    assert set(result_titles(page2)).isdisjoint(result_titles(soup))


def test_more_passages_restricts_to_one_document(client, doc_ids):
    doc_id = doc_ids["agenda-rotterdam"]
    soup = soup_of(client.get("/", query_string={"q": "zomerschool", "doc_id": doc_id, "collapse": "0"}))
    titles = result_titles(soup)
    assert len(titles) >= 2 and set(titles) == {"Lokale agenda Gelijke Kansen Rotterdam"}
    assert "één document" in soup.select_one(".active-filters").get_text()
    assert soup.select_one("aside.facets") is None  # the query's facets say nothing about one document
    assert soup_of(client.get("/", query_string={"q": "zomerschool"})).select_one("aside.facets") is not None


def test_sort_by_date(client):
    hits = client.get("/api/search?q=school&sort=datum&collapse=1&k=50").get_json()["hits"]
    dates = [h["date"] for h in hits]
    assert dates == sorted(dates, reverse=True)
    soup = soup_of(client.get("/?q=school&sort=date"))
    assert soup.select_one("#sort option[selected]")["value"] == "date"


def test_suggestion_and_detected_chips(shared_app, real_index):
    """'Bedoelde u' and 'herkend in uw vraag' render from the response (injected: the tiny index
    need not produce them for any given query)."""
    from app_fake import ServiceProxy
    from search_app import create_app

    from indexer.search import open_service

    class Suggesting(ServiceProxy):
        def search(self, request):
            response = self.inner.search(request)
            response.suggestion = "zomerschool"
            response.detected = {"gemeente": ["Rotterdam"], "sector": ["vo"]}
            return response  # the facets are the query's own: Rotterdam is among them

    settings, corpus, _ = real_index
    app = create_app({"TESTING": True, "SERVICE_FACTORY": lambda: Suggesting(open_service(settings)), "CORPUS_DIR": corpus})
    soup = soup_of(app.test_client().get("/?q=zomerscool&sector=vo"))
    suggestion = soup.select_one(".suggestion a")
    assert suggestion.get_text() == "zomerschool" and "q=zomerschool" in suggestion["href"]
    chips = soup.select(".detected a.chip-add")
    assert [c.get_text(" ", strip=True).split(" , ")[0] for c in chips] == ["+ Gemeente: Rotterdam"]  # vo already active
    assert parse_qs(urlsplit(chips[0]["href"]).query)["gemeente"] == ["Rotterdam"]
    # the chip shows what clicking it gives
    shown = chips[0].select_one(".count").get_text(" ", strip=True)
    clicked = soup_of(app.test_client().get(chips[0]["href"])).select_one(".results-summary").get_text(" ", strip=True)
    assert shown.strip(", ").split()[0] == clicked.split()[0]


def test_detected_place_without_documents_is_not_offered(client):
    """Not injected: both places are recognised, but only the one the app corpus covers becomes a
    filter chip (with the count its filter leaves); the other is named as not found instead of
    offering a filter that empties the page."""
    soup = soup_of(client.get("/?q=wat+doen+Zwolle+en+Apeldoorn+met+de+zomerschool"))
    chips = soup.select(".detected a.chip-add")
    # the summer school's theme is offered too
    assert [c.get_text(" ", strip=True).split(" , ")[0] for c in chips] == ["+ Gemeente: Zwolle",
                                                                           "+ Thema: verlengde leertijd"]
    count = int(chips[0].select_one(".count").get_text(" ", strip=True).split()[1])
    filtered = soup_of(client.get(chips[0]["href"]))
    assert count >= 1 and len(result_titles(filtered)) == count  # collapsed: one result a document
    # among all passages the chip counts passages, beside facets that count documents: it says so
    passages = soup_of(client.get("/?q=wat+doen+Zwolle+en+Apeldoorn+met+de+zomerschool&collapse=0"))
    shown = passages.select_one(".detected a.chip-add .count").get_text(" ", strip=True)
    assert shown.endswith(("passage", "passages")) and "passage" not in chips[0].select_one(".count").get_text()
    note = soup.select_one(".detected .not-found").get_text(" ", strip=True)
    assert "Apeldoorn" in note and "Zwolle" not in note


def test_a_typo_next_to_matching_words_gets_a_real_suggestion(client):
    """Not injected: the app's own index and speller, with other words of the query matching."""
    soup = soup_of(client.get("/?q=zomerscool+in+Zwolle&exact=1"))  # a typo that splits into zomers + cool
    assert soup.select(".result")  # the other words found results
    suggestion = soup.select_one(".suggestion a")
    assert suggestion is not None and suggestion.get_text() == "zomerschool in Zwolle"
    assert soup_of(client.get("/?q=zomerschool+in+Zwolle")).select_one(".suggestion a") is None


def test_a_corrected_typo_is_searched_corrected_and_the_page_says_so(client):
    soup = soup_of(client.get("/?q=zomerscool+in+Zwolle&mode=keyword"))
    corrected = soup.select_one(".corrected")
    assert corrected is not None and corrected.strong.get_text() == "zomerschool in Zwolle"
    assert soup.select_one(".suggestion") is None
    assert soup.select_one(".result mark") is not None  # the corrected words are marked
    # its link searches the words as typed, and the search box does not carry that along
    link = corrected.a["href"]
    assert "exact=1" in link and corrected.a.get_text() == "zomerscool in Zwolle"
    exact = soup_of(client.get(link))
    assert exact.select_one(".corrected") is None and exact.select_one(".suggestion a")
    assert not exact.select('form input[name="exact"]')
    api = client.get("/api/search?q=zomerscool+in+Zwolle").get_json()
    assert api["corrected"] == "zomerschool in Zwolle" and api["suggestion"] is None and api["exact"] is False
    api = client.get("/api/search?q=zomerscool+in+Zwolle&exact=1").get_json()
    assert api["corrected"] is None and api["suggestion"] == "zomerschool in Zwolle" and api["exact"] is True


def test_no_results_page_helps(client):
    soup = soup_of(client.get("/?q=xylofoonquasar&mode=keyword&type=nieuws"))
    assert "Geen resultaten" in soup.select_one(".results-summary").get_text()
    assert soup.select_one(".no-results a")


def test_results_that_hold_none_of_the_words_say_so(client):
    soup = soup_of(client.get("/?q=qwxzyv+pizzarecept"))
    assert soup.select(".result")  # the semantic side's nearest passages
    assert "Geen document bevat uw zoekwoorden" in soup.select_one(".no-word-matches").get_text()
    assert client.get("/api/search?q=qwxzyv+pizzarecept").get_json()["word_matches"] is False
    assert soup_of(client.get("/?q=zomerschool")).select_one(".no-word-matches") is None
    assert soup_of(client.get("/?q=qwxzyv&mode=semantic")).select_one(".no-word-matches") is None


def test_a_filter_without_a_query_lists_its_documents(client):
    soup = soup_of(client.get("/?gemeente=Rotterdam"))
    assert "met deze filters" in soup.select_one(".results-summary").get_text()
    titles = [a.get_text() for a in soup.select(".result-title a")]
    assert titles and titles == sorted(titles, key=str.lower)
    assert not soup.select(".result .why")  # nothing was asked, nothing is ranked
    api = client.get("/api/search?gemeente=Rotterdam&collapse=1").get_json()
    assert api["total"] == len(titles) and [h["title"] for h in api["hits"]] == titles


def test_document_page(client, doc_ids):
    doc_id = doc_ids["agenda-rotterdam"]
    soup = soup_of(client.get(f"/documenten/{doc_id}", query_string={"q": "zomerschool"}))
    assert soup.h1.get_text(strip=True) == "Lokale agenda Gelijke Kansen Rotterdam"
    facts = soup.select_one("dl.facts").get_text(" ")
    for label in ("Soort document", "Gemeente", "Samenvatting", "Doelgroep", "Uitvoerders", "Bronbestand"):
        assert label in facts
    assert soup.select_one("dl.facts a[href='/gemeente/Rotterdam']")
    marked = soup.select(".passage.is-match")
    # the engine may match more than the literal words (compounds), so not every match has a <mark>
    assert marked and any(p.find("mark") for p in marked)
    assert not soup.select(".passage:not(.is-match) mark")
    assert soup.select(".matches a[href^='#passage-']")
    related = soup.select(".related a")
    assert related and all(a["href"].startswith("/documenten/") for a in related)
    source = soup.find("a", href=f"/bron/{doc_id}")
    assert source is not None


def test_a_question_on_the_catalogue_searches_the_interventions(client):
    """The catalogue had no search box, and /interventies?q=taal was a 400 (QA)."""
    soup = soup_of(client.get("/interventies?sector=po&doelgroep=ouders"))
    form = soup.select_one("form[role=search][action='/interventies']")
    assert form.select_one("input[name=q]") and [(i["name"], i["value"]) for i in form.select("input[type=hidden]")] == [
        ("sector", "po")]  # doelgroep is the catalogue's own filter, not a search's
    moved = client.get("/interventies?q=taal&sector=po")
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/?q=taal&type=interventie&sector=po"
    # with a doelgroep filter, which searches do not know, the catalogue says so (test_app_qa5)
    assert client.get("/interventies?q=taal&sector=po&doelgroep=ouders").status_code == 200
    found = soup_of(client.get(moved.headers["Location"]))
    assert result_titles(found) and "Taalmaatjes Thuis" in result_titles(found)


@pytest.mark.parametrize("query", ["", "&q=taal"])
def test_the_catalogue_refuses_a_filter_of_its_own_alike_with_a_question(client, query):
    # with a question, "jaar" went on to the search and "type=agenda" was replaced unseen
    for field in ("jaar=2017", "type=agenda"):
        response = client.get(f"/interventies?{field}{query}")
        assert response.status_code == 400 and "Onbekend filter" in response.get_data(as_text=True)


def test_intervention_document_page(client, doc_ids):
    soup = soup_of(client.get(f"/documenten/{doc_ids['taalmaatjes-thuis']}"))
    facts = soup.select_one("dl.facts").get_text(" ")
    for text in ("Bewijskracht", "eerste aanwijzingen voor effectiviteit", "Doelgroep", "Uitvoerders", "Bronnen",
                 "Evaluatie Taalmaatjes Thuis (2022) — paragraaf 2"):  # the corpus's name for the cited file
        assert text in facts
    assert "testbron-taalmaatjes.txt" not in facts
    assert "Titel" not in facts and "Naam" not in facts  # front matter not repeated


def test_source_file_is_served(client, doc_ids, real_index):
    _, corpus, _ = real_index
    with client.get(f"/bron/{doc_ids['agenda-groningen']}") as response:
        assert response.status_code == 200
        assert response.data == (corpus / "agenda-groningen.md").read_bytes()
        assert response.mimetype == "text/plain"


def test_unknown_document_is_404_page(client):
    response = client.get("/documenten/bestaat-niet.md")
    assert response.status_code == 404
    assert "Niet gevonden" in response.get_data(as_text=True)


def test_interventions_catalogue(client):
    soup = soup_of(client.get("/interventies"))
    assert "Taalmaatjes Thuis" in result_titles(soup)
    assert soup.select_one("#facet-bewijskracht")
    link = next(a for a in soup.select(".facet-link") if "sector=vve" in a["href"])
    assert link.select_one(".count").get_text(" ").split()[1] == "1"
    assert "Taalmaatjes Thuis" in result_titles(soup_of(client.get(link["href"])))
    assert result_titles(soup_of(client.get("/interventies?sector=mbo"))) == []
    assert "Taalmaatjes Thuis" in result_titles(soup_of(client.get("/interventies?doelgroep=ouders met een taalachterstand")))
    assert client.get("/interventies?kleur=rood").status_code == 400
    # where an intervention runs: by municipality and province too
    assert soup.select_one("#facet-gemeente") and soup.select_one("#facet-provincie")
    assert "Taalmaatjes Thuis" in result_titles(soup_of(client.get("/interventies?gemeente=Zwolle")))
    assert result_titles(soup_of(client.get("/interventies?gemeente=Groningen"))) == []
    assert "Taalmaatjes Thuis" in result_titles(soup_of(client.get("/interventies?gemeente=zwolle&sector=VVE")))


def test_filters_typed_in_another_case_show_as_the_index_spells_them(client):
    soup = soup_of(client.get("/?q=zomerschool&gemeente=zwolle"))
    exact = soup_of(client.get("/?q=zomerschool&gemeente=Zwolle"))
    assert result_titles(soup) == result_titles(exact) and result_titles(soup)
    assert soup.select_one("form.search-form input[type=hidden][name=gemeente]")["value"] == "Zwolle"
    assert "zwolle" not in soup.select_one(".active-filters").get_text()


def test_municipality_page(client):
    soup = soup_of(client.get("/gemeente/Rotterdam"))
    groups = {s["aria-labelledby"]: [a.get_text(strip=True) for a in s.select(".result-title a")]
              for s in soup.select("section.type-group")}
    assert set(groups) == {"groep-agenda", "groep-interventie", "groep-nieuws"}
    assert groups["groep-interventie"] == ["Taalmaatjes Thuis"]
    form = soup.select_one("form.search-form")
    assert form.select_one("input[type=hidden][name=gemeente]")["value"] == "Rotterdam"


def test_municipality_case_and_unknown(client):
    response = client.get("/gemeente/rotterdam")
    assert response.status_code in (301, 302) and response.headers["Location"].endswith("/gemeente/Rotterdam")
    missing = client.get("/gemeente/Atlantis")
    assert missing.status_code == 404 and "Niet gevonden" in missing.get_data(as_text=True)
    # a real municipality the knowledge base holds nothing about: its own page says so
    almere = client.get("/gemeente/almere")
    assert almere.status_code == 404
    soup = BeautifulSoup(almere.data, "html.parser")
    assert soup.h1.get_text(strip=True) == "Gemeente Almere"
    assert "geen documenten over Almere" in soup.select_one(".lead").get_text()
    assert soup.select_one(".lead a")["href"] == "/?q=Almere"


def test_static_assets_are_cacheable(client):
    soup = soup_of(client.get("/"))
    css = soup.select_one("link[rel=stylesheet]")["href"]
    with client.get(css) as response:
        assert response.status_code == 200 and "max-age=" in response.headers["Cache-Control"]
    assert "?v=" in css  # versioned URL, so a long cache is safe


@pytest.mark.parametrize("query,offered", [
    ("ouders&gemeente=Atlantis", False),  # the filter leaves nothing semantic could find either
    ("%22xylofoon+quasar%22", False),  # an exact phrase binds the semantic side too
    ("de+het+een", False),  # stop words alone
    ("-ouders", False),  # exclusions alone
    ("xylofoonquasar&mode=keyword", True),  # no word matches, but passages close in meaning
])
def test_no_results_page_offers_semantic_search_only_when_it_finds_something(client, query, offered):
    soup = soup_of(client.get(f"/?q={query}"))
    assert "Geen resultaten" in soup.select_one(".results-summary").get_text()
    links = [a.get_text() for a in soup.select(".no-results a")]
    assert ("semantisch zoeken" in links) is offered


def test_a_word_found_only_in_parts_is_named_on_the_page_and_in_the_api(client):
    soup = soup_of(client.get("/?q=voetbalschool"))
    assert soup.select(".result")
    notice = soup.select_one(".partial-words")
    assert notice is not None and "voetbalschool" in notice.get_text() and "komt in geen document voor" in notice.get_text()
    assert client.get("/api/search?q=voetbalschool").get_json()["partial_words"] == ["voetbalschool"]
    assert soup_of(client.get("/?q=huiswerk")).select_one(".partial-words") is None


def test_a_document_opened_from_the_catalogue_or_a_municipality_page_links_back_to_it(client):
    filtered = next(a["href"] for a in soup_of(client.get("/interventies")).select("a")
                    if a["href"].startswith("/interventies?") and "page=" not in a["href"])
    link = soup_of(client.get(filtered)).select_one(".result-title a")["href"]
    assert "van=interventies" in link
    back = soup_of(client.get(link)).select_one(".back a")
    assert back is not None and "interventies" in back.get_text()
    assert back["href"] == filtered  # the same filtered catalogue
    town = soup_of(client.get("/gemeente/Rotterdam"))
    link = town.select_one(".result-title a")["href"]
    back = soup_of(client.get(link)).select_one(".back a")
    assert back is not None and back["href"] == "/gemeente/Rotterdam" and "Rotterdam" in back.get_text()
    # a document reached otherwise has no back link to a list
    assert soup_of(client.get(link.split("?")[0])).select_one(".back a") is None


def test_a_hit_link_opens_the_document_at_its_passage(client):
    soup = soup_of(client.get("/?q=zomerschool&collapse=0&mode=keyword"))
    links = [a["href"] for a in soup.select(".result-title a")]
    anchored = [href for href in links if "#passage-" in href]
    assert anchored and all(re.search(r"#passage-[1-9]\d*$", href) for href in anchored)
    for href in anchored[:3]:
        page = soup_of(client.get(href.split("#")[0]))
        assert page.select_one(f"#{href.split('#')[1]}")  # the anchor exists on the page


def test_a_document_opened_from_a_corrected_search_marks_the_corrected_words(client):
    # the result link carries the query as typed; the page searched it corrected, so it counts
    # and marks "zomerschool"; with exact=1 it searches the words as typed
    doc = "/documenten/praktijkverhaal-zwolle-zomerschool.md"
    soup = soup_of(client.get(f"{doc}?q=zomerscool"))
    assert "zomerschool" in soup.select_one("#treffers-kop").get_text()
    assert "school" in [m.get_text().lower() for m in soup.select("mark")]  # a part of "zomerschool"
    assert "webadres" not in soup.get_text()
    exact = soup_of(client.get(f"{doc}?q=zomerscool&exact=1"))
    assert "zomerscool" in exact.select_one("#treffers-kop").get_text()
    assert "school" not in [m.get_text().lower() for m in exact.select("mark")]


def test_the_json_export_says_which_query_it_searched(client):
    payload = client.get("/export.json?q=zomerscool+in+Zwolle").get_json()
    assert payload["query"] == "zomerscool in Zwolle" and payload["corrected"] == "zomerschool in Zwolle"
    assert payload["exact"] is False and payload["count"]
    payload = client.get("/export.json?q=zomerscool+in+Zwolle&exact=1").get_json()
    assert payload["corrected"] is None and payload["exact"] is True
