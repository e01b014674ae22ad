"""QA findings (fifth pass): years and evidence levels named in a question, and the catalogue's
search box with a doelgroep filter; each reproduced against a tiny real index."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from app_fake import client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup


def soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


def chips(page: BeautifulSoup) -> dict[str, tuple[str, int]]:
    """Offered filter chips: their text ("Jaar: 2020") -> (href, count shown)."""
    found = {}
    for chip in page.select(".detected a.chip-add"):
        count = chip.select_one(".count")
        text = chip.get_text(" ", strip=True).replace(count.get_text(" ", strip=True), "").strip("+ ").strip()
        found[text] = (chip["href"], int(count.get_text(" ", strip=True).strip(", ").split()[0]))
    return found


def not_found(page: BeautifulSoup) -> str:
    note = page.select_one(".detected .not-found")
    return " ".join(note.get_text(" ", strip=True).split()) if note else ""


# 1. a year named in a question ("beleidsbrieven 2019") was not recognised: no jaar filter was
#    offered, as places, sectors and types are. It is now offered (never boosted) when the
#    results hold it; a year they do not hold is named as not found


def test_a_year_in_the_question_is_offered_as_a_filter(client):
    page = soup(client, "/?q=beleidsbrief kansengelijkheid 2020")
    href, count = chips(page)["Jaar: 2020"]
    assert parse_qs(urlsplit(href).query)["jaar"] == ["2020"]
    filtered = soup(client, href)
    assert count == len(filtered.select(".result")) >= 1  # the chip's count is what it gives
    api = client.get("/api/search?q=beleidsbrief kansengelijkheid 2020").get_json()
    assert api["detected"]["jaar"] == ["2020"]


def test_a_year_the_results_do_not_hold_is_not_offered(client):
    page = soup(client, "/?q=woordenschat peuters 1995")
    assert page.select(".result") and not any(c.startswith("Jaar") for c in chips(page))
    assert "geen van deze resultaten is uit 1995" in not_found(page)


def test_numbers_that_are_no_years_are_not_offered(client):
    assert "jaar" not in client.get("/api/search?q=zomerschool groep 8").get_json()["detected"]
    assert "jaar" not in client.get("/api/search?q=2000 leerlingen zomerschool").get_json()["detected"]


def test_a_named_year_or_evidence_level_does_not_change_the_ranking(shared_app):
    """Offered only: the results are those of the search without the recognition."""
    with shared_app.app_context():
        service = shared_app.extensions["gka_service"].get()
        from indexer.model import SearchRequest

        searcher = service.searcher
        request = SearchRequest(query="effectieve interventies voorlezen 2022", k=10)
        with_detection = [(h.passage_id, h.score) for h in searcher.search(request).hits]
        detect = searcher.detect
        searcher.detect = lambda text: {f: v for f, v in detect(text).items() if f not in ("jaar", "bewijskracht")}
        assert {"jaar", "bewijskracht"} <= set(detect(request.query))
        try:
            without = [(h.passage_id, h.score) for h in searcher.search(request).hits]
        finally:
            searcher.detect = detect
    assert with_detection == without and with_detection


# 2. an evidence level named in a question ("bewezen effectieve interventies", "goed onderbouwde
#    aanpak", "effective interventions") was not recognised; now offered as bewijskracht filters


def test_an_evidence_level_in_the_question_is_offered_as_a_filter(client):
    page = soup(client, "/?q=effectieve interventies voorlezen")
    href, count = chips(page)["Bewijskracht: eerste aanwijzingen voor effectiviteit"]
    assert parse_qs(urlsplit(href).query)["bewijskracht"] == ["eerste aanwijzingen voor effectiviteit"]
    assert count == len(soup(client, href).select(".result")) == 1
    # the levels no result has are named as such, not offered
    assert not_found(page) == ("Herkend maar niet gevonden: geen van deze resultaten heeft bewijskracht "
                               "goede aanwijzingen voor effectiviteit of sterke aanwijzingen voor effectiviteit.")


@pytest.mark.parametrize("query,levels", [
    ("bewezen effectieve interventies voor taal", ["goede aanwijzingen voor effectiviteit",
                                                   "sterke aanwijzingen voor effectiviteit"]),
    ("goed onderbouwde aanpak voorlezen", ["goed onderbouwd"]),
    ("effective interventions for reading aloud", ["eerste aanwijzingen voor effectiviteit",
                                                   "goede aanwijzingen voor effectiviteit",
                                                   "sterke aanwijzingen voor effectiviteit"]),
])
def test_the_api_names_the_evidence_levels_a_question_names(client, query, levels):
    assert client.get("/api/search", query_string={"q": query}).get_json()["detected"]["bewijskracht"] == levels


# 3. the catalogue's search box dropped an active doelgroep filter without a word (searches know
#    no doelgroep): the page now says so, and a question with one is not silently searched
#    without it


def test_the_catalogue_says_a_search_ignores_its_doelgroep_filter(client):
    page = soup(client, "/interventies?doelgroep=ouders&sector=po")
    box = page.select_one("#catalogus-q")
    note = page.select_one("#" + box["aria-describedby"]).get_text(" ", strip=True)
    assert "zoekt in alle interventies" in note and "doelgroep (ouders)" in note
    assert soup(client, "/interventies?sector=po").select_one("#catalogus-doelgroep") is None


def test_a_question_with_a_doelgroep_filter_is_not_searched_without_it_unseen(client):
    response = client.get("/interventies?q=voorlezen&doelgroep=ouders en gezinnen&sector=po")
    assert response.status_code == 200  # before: a redirect to the search, the filter gone
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("#catalogus-q")["value"] == "voorlezen"
    note = page.select_one("#catalogus-doelgroep")
    assert "Niet gezocht op „voorlezen”" in note.get_text(" ", strip=True)
    link = urlsplit(note.select_one("a")["href"])
    assert link.path == "/" and parse_qs(link.query) == {"q": ["voorlezen"], "type": ["interventie"], "sector": ["po"]}
    assert [a.get_text(strip=True) for a in page.select(".result-title a")] == ["Taalmaatjes Thuis"]
    # without a doelgroep a question still searches the interventions
    assert client.get("/interventies?q=voorlezen&sector=po").headers["Location"] == "/?q=voorlezen&type=interventie&sector=po"


# 4. the catalogue's screen-reader facet counts said "documenten", and its search box took
#    any length (the main one stops at 500 characters)


def test_the_catalogue_counts_interventions_and_limits_its_box(client):
    page = soup(client, "/interventies")
    counts = [c.get_text(" ", strip=True) for c in page.select(".facets .count .visually-hidden")]
    assert counts and all(c.split(",")[0].strip() in ("interventie", "interventies") for c in counts if c != ",")
    assert page.select_one("#catalogus-q")["maxlength"] == soup(client, "/").select_one("input#q")["maxlength"] == "500"
    search = soup(client, "/?q=ouders")
    assert any("documenten" in c.get_text() for c in search.select(".facets .count .visually-hidden"))
