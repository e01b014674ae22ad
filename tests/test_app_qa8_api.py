"""QA review 2 (web UI and API), the JSON API's contract: one rule for repeated parameters, no
search without a question or filter, 405s that say what is allowed, and documented defaults
and names; against the tiny real app index."""
from __future__ import annotations

from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401


def error_of(response, status: int = 400) -> str:
    assert response.status_code == status, response.data[:300]
    return response.get_json()["error"]["message"]


# 10. /api/documents/<id>/related took the first of a repeated k without a word


def test_a_repeated_k_on_related_is_a_400_like_the_other_endpoints(client, doc_ids):
    url = f"/api/documents/{doc_ids['agenda-rotterdam']}/related"
    assert len(client.get(url + "?k=1").get_json()["related"]) == 1
    assert error_of(client.get(url + "?k=1&k=3")) == "De parameter 'k' staat er meer dan eens in; geef hem één waarde."
    assert error_of(client.get("/api/search?q=ouders&k=1&k=3")) == error_of(client.get(url + "?k=1&k=3"))


# 11. /api/search with neither a query nor a filter answered total 0 with the whole index's facets


def test_a_search_with_neither_query_nor_filter_is_a_400_naming_what_to_add(client):
    for url in ("/api/search", "/api/search?q=", "/api/search?q=%20&mode=keyword"):
        assert "Geef een zoekvraag (parameter q) of een filter" in error_of(client.get(url))
    assert "Geef een zoekvraag (parameter q) of een filter" in error_of(client.get("/export.json"))  # as it says
    assert client.get("/api/search?sector=po").get_json()["total"] > 0  # a filter alone lists
    assert client.get("/api/search?q=ouders").status_code == 200


# 12. 405 answers carried no Allow header (RFC 9110 requires one)


def test_a_405_says_which_methods_are_allowed(client):
    for url in ("/api/search?q=x", "/?q=x"):
        response = client.post(url)
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.post("/api/search").content_type.startswith("application/json")  # the body is still ours


# 13. The OpenAPI document gave collapse no default (the API's is 0, the page's 1), and a
#     Document named its id "id" where hits, related documents and exports say "doc_id"


def test_the_collapse_default_is_documented_and_is_what_the_api_does(client):
    spec = client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params["collapse"]["schema"]["default"] == "0"
    default = client.get("/api/search?q=ouders").get_json()
    assert default["total"] == client.get("/api/search?q=ouders&collapse=0").get_json()["total"]
    assert default["total"] > client.get("/api/search?q=ouders&collapse=1").get_json()["total"]


def test_a_document_names_its_id_doc_id_as_well(client, doc_ids):
    doc_id = doc_ids["agenda-rotterdam"]
    document = client.get(f"/api/documents/{doc_id}").get_json()
    assert document["id"] == document["doc_id"] == doc_id
    assert all(p["id"] == p["passage_id"] for p in document["passages"]) and document["passages"]
    hit = client.get("/api/search", query_string={"q": "ouders", "doc_id": doc_id}).get_json()["hits"][0]
    assert hit["passage_id"] in {p["passage_id"] for p in document["passages"]}
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Document"]
    assert {"id", "doc_id"} <= set(schema["required"])
