"""Page numbers from edited or stale links: the search page explains, the API says the limit."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from app_fake import client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

from search_app.params import MAX_PAGE

ABSURD_PAGES = [str(MAX_PAGE + 1), "0", "-1", "99999999999999999999"]
HUGE = "9" * 5000  # more digits than int() converts


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


@pytest.mark.parametrize("page", ABSURD_PAGES)
def test_a_page_the_search_cannot_show_gets_the_past_last_page_note(client, page):
    soup = soup_of(client.get(f"/?q=zomerschool&per_page=2&page={page}"))
    note = soup.select_one(".past-last-page")
    assert note is not None and f"Pagina {page} bestaat niet" in note.get_text()
    assert not soup.select(".result")  # no hits of another page passed off as this one
    links = note.select("a")
    assert parse_qs(urlsplit(links[0]["href"]).query)["page"] == ["4"]  # 8 documents, 2 a page
    assert "page" not in parse_qs(urlsplit(links[1]["href"]).query)  # page 1
    assert soup_of(client.get(links[0]["href"])).select(".result")
    # the facets still describe the search, so a filter is one click away
    assert soup.select(".facets .facet-link")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A client over an index with more documents than MAX_PAGE pages of one hold."""
    from app_fake import build_app_index

    from search_app import create_app

    source = tmp_path_factory.mktemp("many_corpus")
    for n in range(MAX_PAGE + 5):
        (source / f"zomerschool-{n:02}.md").write_text(
            f"---\ntitel: Zomerschool {n}\ntype: praktijkverhaal\n---\nZomerschool {n} helpt leerlingen.\n",
            encoding="utf-8")
    settings, corpus, _ = build_app_index(tmp_path_factory.mktemp("many") / "index", source)
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})
    return app.test_client()


def test_past_the_page_limit_the_note_says_it_is_the_limit(many):
    """With more results than MAX_PAGE pages hold, page MAX_PAGE + 1 is not past the results:
    the note names the limit and links its last page."""
    assert many.get("/api/search?q=zomerschool&mode=keyword&collapse=1").get_json()["total"] > MAX_PAGE
    soup = soup_of(many.get(f"/?q=zomerschool&mode=keyword&per_page=1&page={MAX_PAGE + 1}"))
    note = soup.select_one(".past-last-page")
    assert f"toont hooguit {MAX_PAGE} pagina's" in note.get_text(" ", strip=True)
    last = note.select_one("a")["href"]
    assert parse_qs(urlsplit(last).query)["page"] == [str(MAX_PAGE)]
    assert len(soup_of(many.get(last)).select(".result")) == 1


def test_the_last_page_the_pager_shows_says_more_results_exist(many, client):
    """QA2 #7: page MAX_PAGE ended the pager with no "Volgende" and no word of the results past it."""
    last = soup_of(many.get(f"/?q=zomerschool&mode=keyword&per_page=1&page={MAX_PAGE}"))
    assert not last.select("a[rel=next]")
    assert "er zijn meer resultaten" in last.select_one(".capped-note").get_text()
    assert soup_of(many.get(f"/?q=zomerschool&mode=keyword&per_page=1&page={MAX_PAGE - 1}")).select_one(
        ".capped-note") is None
    assert soup_of(client.get("/?q=zomerschool&per_page=1&page=2")).select_one(".capped-note") is None  # all shown


def test_page_without_a_query_is_the_empty_state(client):
    soup = soup_of(client.get(f"/?page={MAX_PAGE + 1}"))
    assert soup.select(".example-group a")


@pytest.mark.parametrize("page", ["abc", "1.5", "1_0", "٣", HUGE])
def test_a_page_that_is_no_whole_number_is_a_clear_400_page(client, page):
    response = client.get("/", query_string={"q": "zomerschool", "page": page})
    assert response.status_code == 400 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Ongeldige zoekopdracht" in body and "De parameter page" in body
    assert len(body) < 20_000  # the message does not echo the whole value


@pytest.mark.parametrize("page", ABSURD_PAGES + ["abc", "1_0", HUGE])
def test_api_answers_400_naming_the_page_limit(client, page):
    response = client.get("/api/search", query_string={"q": "zomerschool", "page": page})
    assert response.status_code == 400
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)
    message = response.get_json()["error"]["message"]
    assert message.startswith("De parameter page") and len(message) < 300
    if page not in ("abc", "1_0"):
        assert f"tussen 1 en {MAX_PAGE}" in message


def test_openapi_page_parameter_states_the_limit(client):
    spec = client.get("/api/openapi.json").get_json()
    page = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == MAX_PAGE and "400" in page["description"]


@pytest.mark.parametrize("page", ["99", "0", "-1", "99999999999999999999"])
def test_the_interventions_catalogue_explains_a_page_it_cannot_show(client, page):
    soup = soup_of(client.get(f"/interventies?page={page}"))
    note = soup.select_one(".past-last-page")
    assert note is not None and f"Pagina {page} bestaat niet" in note.get_text()
    assert "Geen interventies met deze filters" not in soup.get_text()  # the filters are not the problem
    assert soup_of(client.get(note.select_one("a")["href"])).select(".result")
    # a filter that leaves nothing still says so
    assert "Geen interventies met deze filters" in soup_of(client.get("/interventies?sector=mbo")).get_text()
