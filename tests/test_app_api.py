"""JSON API against a tiny real index, and the OpenAPI document that describes it."""
from __future__ import annotations

import re

import jsonschema
import pytest
from app_fake import ServiceProxy, client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)

from indexer.ranking.query_syntax import MAX_QUERY_CHARS


@pytest.fixture(scope="module")
def spec(shared_app):
    response = shared_app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(spec: dict, schema_name: str, payload: dict) -> None:
    """Validate ``payload`` against a component schema of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def test_search_response_shape(client, spec):
    data = client.get("/api/search?q=zomerschool").get_json()
    check(spec, "SearchResponse", data)
    assert (data["query"], data["mode"], data["page"], data["k"]) == ("zomerschool", "hybrid", 1, 10)
    assert data["total"] >= len(data["hits"]) > 0
    assert any("<mark>" in h["snippet"] for h in data["hits"])
    assert set(data["facets"]) >= {"type", "gemeente"}


def test_search_filters_or_within_field(client):
    data = client.get("/api/search?q=ouders&mode=keyword&collapse=1&k=50&gemeente=Utrecht&gemeente=Zwolle").get_json()
    gemeenten = [set(h["facets"].get("gemeente", [])) for h in data["hits"]]
    assert gemeenten and all(g & {"Utrecht", "Zwolle"} for g in gemeenten)
    assert any("Utrecht" in g for g in gemeenten) and any("Zwolle" in g for g in gemeenten)
    data = client.get("/api/search?q=ouders&mode=keyword&gemeente=Zwolle&type=interventie").get_json()
    assert {h["type"] for h in data["hits"]} == {"interventie"}


def test_collapse_and_pagination(client):
    flat = client.get("/api/search?q=zomerschool&mode=keyword&k=50").get_json()
    collapsed = client.get("/api/search?q=zomerschool&mode=keyword&k=50&collapse=1").get_json()
    ids = [h["doc_id"] for h in collapsed["hits"]]
    assert len(ids) == len(set(ids)) == collapsed["total"]
    assert flat["total"] > collapsed["total"]  # the Rotterdam agenda matches in several passages
    page1 = client.get("/api/search?q=zomerschool&mode=keyword&k=2&page=1").get_json()["hits"]
    page2 = client.get("/api/search?q=zomerschool&mode=keyword&k=2&page=2").get_json()["hits"]
    assert [h["passage_id"] for h in page1 + page2] == [h["passage_id"] for h in flat["hits"][:4]]


def test_doc_id_restriction(client, doc_ids):
    doc_id = doc_ids["agenda-rotterdam"]
    data = client.get("/api/search", query_string={"q": "zomerschool", "doc_id": doc_id}).get_json()
    assert data["hits"] and {h["doc_id"] for h in data["hits"]} == {doc_id}
    # collapsing within one document means nothing, and the echo says it was not done
    collapsed = client.get("/api/search", query_string={"q": "zomerschool", "doc_id": doc_id, "collapse": "1"})
    assert collapsed.get_json()["hits"] == data["hits"]
    assert collapsed.get_json()["collapse"] is False


def test_document_and_related(client, spec, doc_ids):
    doc_id = doc_ids["taalmaatjes-thuis"]
    doc = client.get(f"/api/documents/{doc_id}").get_json()
    check(spec, "Document", doc)
    assert doc["title"] == "Taalmaatjes Thuis" and doc["type"] == "interventie"
    assert doc["facets"]["bewijskracht"] == ["eerste aanwijzingen voor effectiviteit"]
    related = client.get(f"/api/documents/{doc_id}/related?k=3").get_json()
    check(spec, "RelatedList", related)
    assert 0 < len(related["related"]) <= 3 and doc_id not in {r["doc_id"] for r in related["related"]}


def test_document_id_with_slash(client, doc_ids, real_index):
    """Ids may contain slashes (a file in a folder); /related must still route to the related
    endpoint. The app corpus's ids have none, so a service proxy files them under a folder."""
    from search_app import create_app

    from indexer.search import open_service

    class InAFolder(ServiceProxy):
        def get_document(self, doc_id):
            return self.inner.get_document(doc_id.removeprefix("map/sub/"))

        def related(self, doc_id, k=5):
            return self.inner.related(doc_id.removeprefix("map/sub/"), k)

    settings, corpus, _ = real_index
    app = create_app({"TESTING": True, "CORPUS_DIR": corpus, "SERVICE_FACTORY": lambda: InAFolder(open_service(settings))})
    slashed = "map/sub/" + doc_ids["agenda-rotterdam"]
    with app.test_client() as folder_client:
        document = folder_client.get(f"/api/documents/{slashed}")
        assert document.status_code == 200 and document.get_json()["id"] == doc_ids["agenda-rotterdam"]
        related = folder_client.get(f"/api/documents/{slashed}/related")
        assert related.status_code == 200 and related.get_json()["doc_id"] == slashed
        assert related.get_json()["related"]
    assert client.get("/api/documents/map/bestaat-niet.md").status_code == 404


def test_facets_suggest_health(client, spec):
    facets = client.get("/api/facets").get_json()
    check(spec, "Facets", facets)
    assert facets["facets"]["gemeente"]["Rotterdam"] == 3
    suggest = client.get("/api/suggest?q=zw").get_json()
    check(spec, "Suggestions", suggest)
    assert any(s["text"] == "Zwolle" for s in suggest["suggestions"])
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/api/suggest?q=zw&q=ro").status_code == 400
    # a finished last word (a space after it) is not completed into another word
    typing = [s["text"] for s in client.get("/api/suggest?q=ouders%20va").get_json()["suggestions"]]
    assert any(t.startswith("ouders va") and t != "ouders va" for t in typing), typing
    finished = [s["text"] for s in client.get("/api/suggest?q=ouders%20va%20").get_json()["suggestions"]]
    assert not any(t.startswith("ouders va") for t in finished), finished
    health = client.get("/healthz")
    assert health.status_code == 200
    check(spec, "Health", health.get_json())
    assert health.get_json()["ok"] is True and health.get_json()["documents"] == 8


@pytest.mark.parametrize(
    "query",
    [
        {"q": "taal", "mode": "fuzzy"},
        {"q": "taal", "k": "0"},
        {"q": "taal", "k": "51"},
        {"q": "taal", "k": "veel"},
        {"q": "taal", "page": "0"},
        {"q": "taal", "page": "51"},
        {"q": "taal", "kleur": "rood"},
        {"q": "taal", "sort": "willekeurig"},
        {"q": "x" * (MAX_QUERY_CHARS + 1)},
        {"q": ["ouders", "school"]},  # one value dropped without a word before
        {"q": "taal", "page": ["1", "2"]},
    ],
)
def test_bad_parameters_are_400_json(client, spec, query):
    response = client.get("/api/search", query_string=query)
    assert response.status_code == 400
    check(spec, "Error", response.get_json())
    assert response.get_json()["error"]["status"] == 400
    assert response.get_json()["error"]["message"]


def test_unknown_document_is_404_json(client, spec):
    response = client.get("/api/documents/bestaat-niet")
    assert response.status_code == 404
    check(spec, "Error", response.get_json())
    assert client.get("/api/documents/bestaat-niet/related").status_code == 404
    assert client.get("/api/bestaat-niet").get_json()["error"]["status"] == 404


def test_openapi_document_is_valid(spec):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)
    assert spec["openapi"].startswith("3.1")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_documents_exactly_the_api_routes(shared_app, spec):
    routes = {
        _openapi_path(rule.rule)
        for rule in shared_app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
    }
    assert routes == set(spec["paths"])
    for rule in shared_app.url_map.iter_rules():
        path = _openapi_path(rule.rule)
        if path in spec["paths"]:
            assert set(spec["paths"][path]) == {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}


def test_openapi_parameters_match_implementation(client, spec):
    """Every documented query parameter of /api/search is accepted (no 400 for a valid value)."""
    samples = {"integer": "2", "string": "taal", "array": "Rotterdam"}
    known_doc = client.get("/api/search?q=taal&k=1").get_json()["hits"][0]["doc_id"]  # an unknown one is 404
    for param in spec["paths"]["/api/search"]["get"]["parameters"]:
        schema = param["schema"]
        value = schema["enum"][0] if "enum" in schema else samples[schema["type"]]
        # the fields with a fixed vocabulary refuse other values (tests/test_filter_values.py)
        value = {"type": "agenda", "thema": "armoede", "sector": "po", "provincie": "Utrecht",
                 "bewijskracht": "niet beoordeeld", "jaar": "2019", "doc_id": known_doc}.get(param["name"], value)
        query = {"q": "taal", param["name"]: value}
        assert client.get("/api/search", query_string=query).status_code == 200, param["name"]


def test_search_past_its_budget_is_a_504_in_json_and_html(client, monkeypatch):
    from indexer.errors import SearchTimeout
    from indexer.ranking.searcher import Searcher

    def too_slow(self, start):
        raise SearchTimeout("the search took 9.9s, longer than its budget of 5.0s")

    monkeypatch.setattr(Searcher, "_check_budget", too_slow)
    resp = client.get("/api/search?q=ouders")
    assert resp.status_code == 504 and resp.get_json()["error"]["status"] == 504
    page = client.get("/?q=ouders")
    assert page.status_code == 504 and "duurde te lang" in page.get_data(as_text=True)


def test_facet_values_arrive_in_count_order(client):
    """JSON objects keep the library's order (count, then value), not alphabetical keys."""
    import json

    raw = client.get("/api/search?q=ouders&mode=keyword").get_data(as_text=True)
    facets = json.loads(raw)["facets"]  # json.loads keeps the document's key order
    ordered = [(-n, v) for v, n in facets["gemeente"].items()]
    assert len(ordered) > 2 and ordered == sorted(ordered)
    assert list(facets["gemeente"]) != sorted(facets["gemeente"])  # the index's counts are not alphabetical


def test_a_latin1_escape_in_the_query_is_read_as_its_letter(client):
    # an old form sends "café" as caf%E9, which is no UTF-8: not searched as the text "caf%E9"
    assert client.get("/api/search?q=caf%E9").get_json()["query"] == "café"
    assert client.get("/api/search?q=caf%C3%A9").get_json()["query"] == "café"
    assert client.get("/api/search?q=100%25").get_json()["query"] == "100%"
