"""QA review 2 (web UI and API), result lists and the API contract: facets, filters, the pager,
the search form, the error page and the API's edges; against the tiny real app index."""
from __future__ import annotations

from app_fake import client, real_index, shared_app  # noqa: F401
from bs4 import BeautifulSoup


def soup_of(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


# 3. A chosen facet value past the first eight was listed inside the closed "Toon alle N" list:
#    the filter panel looked as if nothing was chosen in that group


def test_a_chosen_facet_value_is_never_hidden_in_the_closed_list(client):
    thema = soup_of(client.get("/?type=agenda&type=nieuws&type=onderzoek&type=beleidsbrief&type=praktijkverhaal"
                               "&type=interventie")).select_one("#facet-thema").parent
    hidden = thema.select("details.facet-more .facet-link")
    assert hidden  # more than eight themes: the last ones are behind "Toon alle"
    soup = soup_of(client.get(hidden[-1]["href"]))
    active = soup.select_one("#facet-thema").parent.select(".facet-link.is-active")
    assert len(active) == 1 and not active[0].find_parent("details")  # the catalogue's list is this one


# 6. Filter values that mean the same (po, PO, basisonderwijs) were kept apart: the API echoed
#    ["po", "po", "po"] and the page showed two chips, removing one left the filter on


def test_equivalent_filter_values_are_one_value(client):
    api = client.get("/api/search?q=school&sector=po&sector=PO&sector=basisonderwijs").get_json()
    assert api["filters"] == {"sector": ["po"]}
    soup = soup_of(client.get("/?q=school&sector=po&sector=PO"))
    chips = soup.select(".active-filters .chip-remove")
    assert [" ".join(c.get_text().split()) for c in chips] == ["Sector: primair onderwijs, filter verwijderen ×"]
    assert "sector" not in chips[0]["href"]
    assert soup.title.get_text().count("primair onderwijs") == 1


# 4. The 400 page's search box kept the unknown filter value that caused it as a hidden field,
#    so every new search from that box failed again with the same error


def test_the_error_pages_search_box_leaves_out_the_refused_filter_value(client):
    soup = soup_of(client.get("/?q=ouders&sector=xx&sector=vo&thema=armoede"), 400)
    assert "Onbekende waarde 'xx'" in soup.select_one(".error-detail").get_text()
    form = soup.select_one("form.search-form")
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("sector", "vo"), ("thema", "armoede")]
    resubmitted = client.get("/", query_string=[("q", "school"), *hidden])
    assert resubmitted.status_code == 200


# 5. Nothing led to the filters: on a phone they are below every result (about 8 screens down)
#    and by keyboard the first facet came 49 Tabs after "Naar de resultaten"


def test_a_skip_link_and_a_link_near_the_count_lead_to_the_filters(client):
    soup = soup_of(client.get("/?q=ouders"))
    skips = [(a.get_text(), a["href"]) for a in soup.select("a.skip-link")]
    assert skips[1:] == [("Naar de resultaten", "#resultaten"), ("Naar de filters", "#filters")]
    target = soup.find(id="filters")
    assert target.name == "aside" and target["tabindex"] == "-1" and target.select(".facet-link")
    near = soup.select_one("#resultaten-kop").find_next_sibling()
    assert near.select_one("a")["href"] == "#filters"
    # no filters to go to within one document ("Meer passages")
    doc_id = client.get("/api/search?q=ouders").get_json()["hits"][0]["doc_id"]
    inside = soup_of(client.get("/", query_string={"q": "ouders", "doc_id": doc_id}))
    assert inside.find(id="filters") is None and not inside.select("a[href='#filters']")


# 8. A list of filters alone (sorted by title) showed "Relevantie" as its order, offered no way
#    back to the title order after "Datum", and a page past its end spoke of "deze zoekvraag"


def sort_options(soup) -> list[tuple[str, str, bool]]:
    return [(o["value"], o.get_text(), o.has_attr("selected")) for o in soup.select("#sort option")]


def test_a_list_of_filters_alone_names_its_title_order(client):
    listed = soup_of(client.get("/?sector=po"))
    assert "op titel" in listed.select_one("#resultaten-kop").get_text()
    assert sort_options(listed) == [("relevance", "Titel", True), ("date", "Datum (nieuwste eerst)", False)]
    by_date = soup_of(client.get("/?sector=po&sort=date"))
    assert sort_options(by_date) == [("relevance", "Titel", False), ("date", "Datum (nieuwste eerst)", True)]
    # the option's value is the default order: with a query typed next it is relevance, no 400
    assert "op titel" in soup_of(client.get("/?sector=po&sort=relevance")).select_one("#resultaten-kop").get_text()
    assert client.get("/?q=school&sector=po&sort=relevance").status_code == 200
    assert sort_options(soup_of(client.get("/?q=school&sector=po")))[0] == ("relevance", "Relevantie", True)
    past = soup_of(client.get("/?sector=po&page=9")).select_one(".past-last-page").get_text()
    assert "bestaat niet voor deze filters" in past and "zoekvraag" not in past.split(":")[0]


# 9. The search form dropped per_page, so the next search from a link with per_page=5 showed 10


def test_the_search_form_keeps_a_page_size_that_is_not_the_default(client):
    form = soup_of(client.get("/?q=ouders&per_page=5")).select_one("form.search-form")
    assert form.select_one("input[name=per_page]")["value"] == "5"
    assert soup_of(client.get("/?q=ouders")).select_one("form.search-form input[name=per_page]") is None
