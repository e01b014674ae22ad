"""QA findings (fourth pass: a municipal coordinator and a researcher on the sample corpus), each
reproduced against a tiny real index."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from app_fake import client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

# 1. a query with nothing to search for (only exclusions, only stop words or syntax) finds
#    nothing in any index: the page said "Probeer het eens met: andere of minder woorden", and
#    fewer words find nothing either. It now says why, and links a search that does find


def no_results(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser").select_one(".no-results")


@pytest.mark.parametrize("query,why", [
    ("-ouders", "sluit alleen iets uit"),
    ('-"gelijke kansen" -mbo', "sluit alleen iets uit"),
    ("de het een", "alleen veelvoorkomende woorden"),
    ('"de"', "alleen veelvoorkomende woorden"),
    ("OF", "alleen veelvoorkomende woorden"),
])
def test_a_query_with_nothing_to_search_for_says_why(client, query, why):
    box = no_results(client, "/?" + f"q={query}")
    text = " ".join(box.get_text().split())
    assert why in text and "minder woorden" not in text
    link = box.select_one(".nothing-to-find a")["href"]  # a query with a word, that finds
    found = BeautifulSoup(client.get(link).data, "html.parser")
    assert found.select(".result") and found.select_one(".no-results") is None


def test_nothing_to_search_for_with_filters_offers_the_filters_documents(client):
    box = no_results(client, "/?q=-ouders&type=agenda")
    links = [a["href"] for a in box.select(".nothing-to-find a")]
    browse = [link for link in links if "q" not in parse_qs(urlsplit(link).query)]
    assert browse and parse_qs(urlsplit(browse[0]).query) == {"type": ["agenda"]}
    assert BeautifulSoup(client.get(browse[0]).data, "html.parser").select(".result")


def test_a_query_that_has_words_keeps_the_usual_tips(client):
    box = no_results(client, "/?q=xylofoonquasar&mode=keyword")
    assert box.select_one(".nothing-to-find") is None and "andere of minder woorden" in box.get_text()


# 2. one document's passages of a search (doc_id: "Meer passages uit dit document") for an id
#    the index does not hold (a stale link after a rebuild) answered 200 "Geen resultaten voor
#    ouders" (page) and total 0 (API, export); now 404, as the document's own page answers


@pytest.mark.parametrize("url", ["/?q=ouders&doc_id=weg.md", "/api/search?q=ouders&doc_id=weg.md",
                                 "/export.csv?q=ouders&doc_id=weg.md", "/export.json?q=ouders&doc_id=weg.md"])
def test_passages_of_an_unknown_document_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if response.is_json:
        assert "weg.md" in response.get_json()["error"]["message"]


def test_passages_of_a_known_document_and_their_export_name_it(client):
    hit = client.get("/api/search?q=ouders&collapse=0&k=1").get_json()["hits"][0]
    own = client.get("/api/search", query_string={"q": "ouders", "doc_id": hit["doc_id"]}).get_json()
    assert own["total"] >= 1 and {h["doc_id"] for h in own["hits"]} == {hit["doc_id"]}
    exported = client.get("/export.json", query_string={"q": "ouders", "doc_id": hit["doc_id"]}).get_json()
    assert exported["doc_id"] == hit["doc_id"] and exported["count"] == own["total"]


# 3. a coordinator who types a province into a municipality page's address (/gemeente/Limburg)
#    got "Deze pagina of dit document bestaat niet (meer)"; a province has no page of its own, so
#    it now leads to its documents (the province filter), by any common name of it


@pytest.mark.parametrize("naam", ["Zuid-Holland", "zuid holland"])
def test_a_province_at_a_municipality_address_lists_its_documents(client, naam):
    response = client.get(f"/gemeente/{naam}")
    assert response.status_code in (301, 302)
    target = response.headers["Location"]
    assert parse_qs(urlsplit(target).query) == {"provincie": ["Zuid-Holland"]}
    soup = BeautifulSoup(client.get(target).data, "html.parser")
    assert soup.select(".result")


def test_a_municipality_named_like_its_province_keeps_its_page(client):
    assert client.get("/gemeente/Groningen").status_code == 200
    assert client.get("/gemeente/Atlantis").status_code == 404
