"""Export of browse pages (filters without a query), paging parameters in the export, k/per_page
in the API, and browse results without a score: against a tiny real index."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from app_fake import client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

RANK_FIELDS = ("score", "keyword_rank", "keyword_score", "semantic_rank", "semantic_score")


@pytest.fixture(scope="module")
def small_pages(real_index):
    """Two results a page, so a browse list of this corpus spans several pages."""
    from search_app import create_app

    settings, corpus, _ = real_index
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "PER_PAGE": 2})


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def listed_doc_ids(soup: BeautifulSoup) -> list[str]:
    return [unquote(urlsplit(a["href"]).path).removeprefix("/documenten/") for a in soup.select(".result-title a")]


def export_links(soup: BeautifulSoup) -> dict[str, str]:
    return {urlsplit(a["href"]).path: a["href"] for a in soup.select("a[href^='/export']")}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


@pytest.mark.parametrize("filters", ["sector=po", "gemeente=Rotterdam", "thema=ouderbetrokkenheid&sort=datum",
                                     "sector=po&sort=datum"])
def test_browse_page_exports_every_listed_document_in_its_order(small_pages, filters):
    http = small_pages.test_client()
    first = soup_of(http.get(f"/?{filters}"))
    shown, page = listed_doc_ids(first), 2
    while page < 20:  # walk the page's own pagination: the list the visitor sees, in its order
        more = listed_doc_ids(soup_of(http.get(f"/?{filters}&page={page}")))
        if not more:
            break
        shown, page = shown + more, page + 1
    assert len(shown) == len(set(shown)) > 0
    links = export_links(first)
    assert set(links) == {"/export.csv", "/export.json"}
    exported = http.get(links["/export.json"])
    assert exported.status_code == 200
    data = json.loads(exported.data)
    assert [h["doc_id"] for h in data["hits"]] == shown and data["count"] == len(shown)
    rows = http.get(links["/export.csv"])
    assert rows.status_code == 200
    assert [row[12] for row in csv_rows(rows)[1:]] == shown  # doc_id column


def test_browse_export_keeps_the_row_cap(real_index):
    from search_app import create_app

    settings, corpus, _ = real_index
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "EXPORT_MAX_ROWS": 2})
    api = app.test_client().get("/api/search?sector=po&k=50").get_json()
    listed = [h["doc_id"] for h in api["hits"]]
    assert api["sort"] == "title"  # the API names the same order as the export; it echoed "relevance" (QA)
    assert app.test_client().get("/api/search?sector=po&sort=datum").get_json()["sort"] == "date"
    assert app.test_client().get("/api/search?q=taal").get_json()["sort"] == "relevance"
    # the order a response names is one a request may send back (QA helper-53: it was a 400)
    back = app.test_client().get("/api/search?sector=po&k=50&sort=title").get_json()
    assert back["sort"] == "title" and [h["doc_id"] for h in back["hits"]] == listed
    refused = app.test_client().get("/api/search?q=taal&sort=titel")
    assert refused.status_code == 400 and "zonder zoekvraag" in refused.get_json()["error"]["message"]
    data = json.loads(app.test_client().get("/export.json?sector=po").data)
    assert len(listed) > 2 and [h["doc_id"] for h in data["hits"]] == listed[:2] and data["count"] == 2
    assert data["sort"] == "title"  # filters alone list by title; it said "relevance" (QA)
    assert json.loads(app.test_client().get("/export.json?sector=po&sort=datum").data)["sort"] == "date"
    assert json.loads(app.test_client().get("/export.json?q=taal").data)["sort"] == "relevance"


@pytest.mark.parametrize("url", ["/export.csv", "/export.json", "/export.json?page=2", "/export.json?sort=datum"])
def test_export_without_query_or_filter_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "zoekvraag" in text and "filter" in text  # says what to add


@pytest.mark.parametrize("url", ["/", "/?page=2", "/?sort=datum", "/?mode=trefwoord"])
def test_page_without_query_or_filter_offers_no_export(client, url):
    assert export_links(soup_of(client.get(url))) == {}


@pytest.mark.parametrize("paging", ["page=99", "page=0", "page=-3", "page=x", "k=0", "k=500", "per_page=abc",
                                    "per_page=0&k=7", "page=51&per_page=1"])
def test_export_ignores_page_k_and_per_page(client, paging):
    whole = json.loads(client.get("/export.json?q=ouders").data)
    response = client.get(f"/export.json?q=ouders&{paging}")
    assert response.status_code == 200, response.data[:300]
    data = json.loads(response.data)
    assert [h["passage_id"] for h in data["hits"]] == [h["passage_id"] for h in whole["hits"]]
    assert data["count"] == whole["count"] > 0
    assert client.get(f"/export.csv?gemeente=Rotterdam&{paging}").status_code == 200


@pytest.mark.parametrize("value", ["0", "51", "x", "-1"])
def test_api_page_size_errors_name_the_parameter_sent(client, value):
    message = client.get(f"/api/search?q=ouders&per_page={value}").get_json()["error"]["message"]
    assert "per_page" in message and "parameter k " not in message
    message = client.get(f"/api/search?q=ouders&k={value}").get_json()["error"]["message"]
    assert "De parameter k " in message and "per_page" not in message


def test_api_per_page_is_an_alias_of_k_and_a_conflict_is_400(client):
    alias = client.get("/api/search?q=ouders&per_page=3").get_json()
    assert alias["k"] == 3 and len(alias["hits"]) == 3
    same = client.get("/api/search?q=ouders&per_page=3&k=3").get_json()
    assert same["k"] == 3 and [h["passage_id"] for h in same["hits"]] == [h["passage_id"] for h in alias["hits"]]
    response = client.get("/api/search?q=ouders&per_page=5&k=7")
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "k=7" in message and "per_page=5" in message


def test_browse_results_have_no_score(client):
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/SearchResponse", "components": spec["components"]}
    browsed = client.get("/api/search?gemeente=Rotterdam").get_json()
    jsonschema.validate(browsed, schema, cls=jsonschema.Draft202012Validator)
    assert browsed["hits"] and all(h[f] is None for h in browsed["hits"] for f in RANK_FIELDS)
    searched = client.get("/api/search?q=ouders&gemeente=Rotterdam").get_json()
    assert searched["hits"] and all(isinstance(h["score"], float) for h in searched["hits"])
    exported = json.loads(client.get("/export.json?gemeente=Rotterdam").data)
    assert exported["hits"] and all(h[f] is None for h in exported["hits"] for f in RANK_FIELDS)
    rows = csv_rows(client.get("/export.csv?gemeente=Rotterdam"))
    assert rows[0][5] == "score" and len(rows) > 1 and all(row[5] == "" for row in rows[1:])
    # the date the JSON export carries (by which sort=datum orders) is a column too
    dates = {h["doc_id"]: h["date"] for h in exported["hits"]}
    at = rows[0].index("datum")
    assert any(dates.values()) and all(row[at] == dates[row[rows[0].index("doc_id")]] for row in rows[1:])
    page = soup_of(client.get("/?gemeente=Rotterdam"))
    assert page.select(".result") and not page.select(".result details.why")
    assert "score" not in " ".join(r.get_text(" ") for r in page.select(".result")).lower()


def test_hits_are_serialized_as_the_library_gives_them():
    """No special case by request: the hit's own None is null, its own score a number."""
    import numpy as np

    from indexer.model import Hit, SearchRequest, SearchResponse
    from search_app.serialize import response_to_dict

    browsed = Hit("d1", "d1#p0", "T", "nieuws", "", "tekst", "tekst", score=None)
    scored = Hit("d2", "d2#p3", "T", "nieuws", "", "tekst", "tekst", score=np.float32(0.5), keyword_rank=1)
    hits = response_to_dict(SearchResponse(SearchRequest(""), 2, [browsed, scored], {}))["hits"]
    assert [(h["score"], h["keyword_rank"]) for h in hits] == [(None, None), (0.5, 1)]
    assert isinstance(hits[1]["score"], float)
