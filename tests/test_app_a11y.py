"""Accessibility review findings on the pages (reading and focus order, skip links, landmarks,
titles), each reproduced against a tiny real index."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

STYLE = Path(__file__).resolve().parents[1] / "search_app" / "static" / "style.css"


def soup_of(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def precedes(a, b) -> bool:
    """Whether tag ``a`` starts before tag ``b`` in the source (the reading and tab order)."""
    return (a.sourceline, a.sourcepos) < (b.sourceline, b.sourcepos)


# error pages: the message, then the search box to try again


@pytest.mark.parametrize("url, status", [("/?q=ouders&page=abc", 400), ("/documenten/bestaat-niet", 404)])
def test_error_page_says_what_went_wrong_before_the_search_form(client, url, status):
    soup = soup_of(client.get(url), status)
    heading, form = soup.select_one("main h1#fout-kop"), soup.select_one("main form.search-form")
    assert heading and form and precedes(heading, form)
    assert precedes(soup.select_one(".error-page > p:not(.error-code)"), form)  # its text too


# no empty filters landmark


def test_a_search_without_facet_values_shows_no_empty_filters_landmark(client):
    soup = soup_of(client.get("/?q=xyzzyqq&mode=keyword"))
    assert "Geen resultaten" in soup.select_one("#resultaten-kop").get_text()
    assert soup.find("aside") is None and soup.select_one(".facets") is None
    assert "has-facets" not in soup.select_one(".results-layout")["class"]  # no empty filters column
    # an active filter stays listed (count 0), so it can be removed from there too
    filtered = soup_of(client.get("/?q=xyzzyqq&mode=keyword&type=agenda"))
    assert filtered.select_one("aside.facets .facet-link.is-active")
    assert "has-facets" in filtered.select_one(".results-layout")["class"]


def test_facet_groups_leave_out_fields_without_values():
    from search_app.present import facet_groups

    groups = facet_groups({"type": {"agenda": 2}, "thema": {}}, {"sector": ["po"]}, ("type", "thema", "sector"))
    assert [(field, [v.value for v in values]) for field, values in groups] == [("type", ["agenda"]), ("sector", ["po"])]
    assert facet_groups({}, {}, ("type", "thema")) == []


# results before filters: tab order = reading order at every width


@pytest.mark.parametrize("url", ["/?q=ouders", "/?q=ouders&type=agenda&page=1", "/interventies"])
def test_results_come_before_the_filters_in_the_source(client, url):
    soup = soup_of(client.get(url))
    layout = soup.select_one(".results-layout.has-facets")
    results, facets = layout.select_one(":scope > section.results"), layout.select_one(":scope > aside.facets")
    assert results and facets and precedes(results, facets)
    assert precedes(results.select_one(".result-title a, .result a"), facets.select_one(".facet-link"))


def test_the_grid_places_filters_and_results_without_reordering_them():
    css = STYLE.read_text(encoding="utf-8")
    wide = re.search(r"\.results-layout\.has-facets \{[^}]*\}", css).group(0)
    assert "grid-template-areas: \"facets results\"" in wide  # a column beside the results
    narrow = css[css.index("@media (max-width: 50rem)"):]
    assert 'grid-template-areas: "results" "facets"' in narrow  # stacked as in the source
    assert not re.search(r"(?<![-\w])order\s*:", css)  # no 'order' that moves one away from its place


# a skip link to the results


@pytest.mark.parametrize("url", ["/?q=ouders", "/?q=xyzzyqq&mode=keyword", "/?type=agenda"])
def test_a_skip_link_leads_to_the_results(client, url):
    soup = soup_of(client.get(url))
    links = [a for a in soup.body.find_all("a", recursive=False) if "skip-link" in a.get("class", [])]
    assert [(a["href"], a.get_text()) for a in links[:2]] == [
        ("#inhoud", "Direct naar de inhoud"), ("#resultaten", "Naar de resultaten")]
    # then "Naar de filters" where there are filters (tests/test_app_qa8_lists.py)
    assert [a["href"] for a in links[2:]] == (["#filters"] if soup.find(id="filters") else [])
    assert precedes(links[-1], soup.find("header"))  # at the top of the page
    target = soup.find(id="resultaten")
    assert target.name == "section" and "results" in target["class"]
    assert target["tabindex"] == "-1"  # focusable, so the next Tab continues from the results


@pytest.mark.parametrize("url, status", [("/", 200), ("/?q=ouders&page=abc", 400)])
def test_no_skip_link_to_results_that_are_not_there(client, url, status):
    soup = soup_of(client.get(url), status)
    assert soup.find(id="resultaten") is None and not soup.select('a[href="#resultaten"]')
    assert soup.select_one("a.skip-link")["href"] == "#inhoud"


# the title names the active filters (and, already, the page)


SITE = " · Kennisbank Gelijke Kansen"


@pytest.mark.parametrize("url, title", [
    ("/?q=ouders", "ouders – zoekresultaten"),
    ("/?q=ouders&type=agenda&sector=po", "ouders – zoekresultaten (Soort document: Lokale agenda; Sector: primair onderwijs)"),
    ("/?q=ouders&type=agenda&per_page=1&page=2", "ouders – zoekresultaten (Soort document: Lokale agenda), pagina 2"),
    ("/?gemeente=Rotterdam&gemeente=Zwolle", "Gefilterde documenten (Gemeente: Rotterdam of Zwolle)"),
])
def test_the_title_names_the_active_filters(client, url, title):
    assert soup_of(client.get(url)).title.get_text() == title + SITE


def test_the_title_of_more_passages_says_it_is_one_document(client, doc_ids):
    url = f"/?q=zomerschool&collapse=0&doc_id={doc_ids['agenda-rotterdam']}"
    assert soup_of(client.get(url)).title.get_text() == "zomerschool – zoekresultaten (alleen uit één document)" + SITE


def test_the_title_escapes_the_query(client):
    response = client.get("/", query_string={"q": "<b>ouders</b>", "type": "agenda"})
    assert "<title><b>" not in response.get_data(as_text=True)
    assert soup_of(response).title.get_text().startswith("<b>ouders</b> – zoekresultaten (Soort document:")
