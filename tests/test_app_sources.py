"""Cited files (metadata ``bronnen``) in the JSON API: stored metadata plus readable ``sources``."""
from __future__ import annotations

import jsonschema
import pytest
from app_fake import build_app_index, client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)

from search_app.sources import cited_sources


def check(client, schema_name: str, payload: dict) -> None:
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def test_document_api_names_cited_files_as_the_page_does(client, doc_ids):
    doc = client.get(f"/api/documents/{doc_ids['taalmaatjes-thuis']}").get_json()
    check(client, "Document", doc)
    # metadata stays as stored: the data contract
    assert doc["metadata"]["bronnen"] == [{"document": "testbron-taalmaatjes.txt", "vindplaats": "paragraaf 2"}]
    assert doc["sources"] == [
        {"file": "testbron-taalmaatjes.txt", "name": "Evaluatie Taalmaatjes Thuis (2022)", "location": "paragraaf 2"}
    ]
    page = client.get(f"/documenten/{doc_ids['taalmaatjes-thuis']}").get_data(as_text=True)
    assert "Evaluatie Taalmaatjes Thuis (2022) — paragraaf 2" in page  # the same name on the page
    other = client.get(f"/api/documents/{doc_ids['agenda-rotterdam']}").get_json()
    assert other["sources"] == [] and "bronnen" not in other["metadata"]


def test_openapi_documents_sources(client):
    spec = client.get("/api/openapi.json").get_json()
    document = spec["components"]["schemas"]["Document"]
    assert "sources" in document["required"]
    source = spec["components"]["schemas"]["Source"]
    assert set(source["required"]) == {"file", "name", "location"}


ONE_LINE = (
    "---\ntitel: Een verhaal met bronnen op een regel\ntype: praktijkverhaal\n"
    "bronnen: \"rapport-a.txt, regels ca. 12-20 (hoofdstuk 2; kader); onbekend-b.pdf, p. 3\"\n"
    "---\nDe zomerschool helpt leerlingen bij de overstap.\n"
)


@pytest.fixture(scope="module")
def one_line_client(tmp_path_factory):
    """An index whose document cites its files on one line, as some corpus documents do."""
    from search_app import create_app

    source = tmp_path_factory.mktemp("one_line_corpus")
    (source / "verhaal.md").write_text(ONE_LINE, encoding="utf-8")
    (source / "bronnen.yaml").write_text("rapport-a.txt: Rapport A (2020)\n", encoding="utf-8")
    (source / ".gkaignore").write_text("bronnen.yaml\n", encoding="utf-8")
    settings, corpus, _ = build_app_index(tmp_path_factory.mktemp("one_line") / "index", source)
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})
    return app.test_client()


def test_one_line_sources_are_split_per_file(one_line_client):
    hit = one_line_client.get("/api/search?q=zomerschool").get_json()["hits"][0]
    doc = one_line_client.get(f"/api/documents/{hit['doc_id']}").get_json()
    check(one_line_client, "Document", doc)
    assert doc["metadata"]["bronnen"].startswith("rapport-a.txt, regels")
    assert doc["sources"] == [
        {"file": "rapport-a.txt", "name": "Rapport A (2020)", "location": "regels ca. 12-20 (hoofdstuk 2; kader)"},
        {"file": "onbekend-b.pdf", "name": "onbekend-b.pdf", "location": "p. 3"},  # no name: the file name
    ]


def test_cited_sources_of_odd_metadata():
    names = {"a.txt": "A"}
    assert cited_sources({}, names) == []
    assert cited_sources({"bronnen": None}, names) == []
    # a source that names no file is its own text; ";" splits only before a file name
    assert cited_sources({"bronnen": "interview; wethouder"}, names) == [
        {"file": "", "name": "interview; wethouder", "location": ""}]
    assert cited_sources({"bronnen": {"document": "a.txt"}}, names) == [{"file": "a.txt", "name": "A", "location": ""}]
    assert cited_sources({"bronnen": [{"titel": "Jaarverslag", "url": "https://x.nl"}, 7]}, names) == [
        {"file": "", "name": "Jaarverslag — https://x.nl", "location": ""},
        {"file": "", "name": "7", "location": ""},
    ]


def test_a_source_line_that_starts_with_a_known_name_cites_its_file():
    names = {"a.txt": "Rapport A (2020)", "b.txt": "Rapport A (2020), bijlage"}
    assert cited_sources({"bronnen": ["Rapport A (2020): regels ca. 1-4", "Rapport A (2020), bijlage: p. 2",
                                      "Rapport AB: p. 3"]}, names) == [
        {"file": "a.txt", "name": "Rapport A (2020)", "location": "regels ca. 1-4"},
        {"file": "b.txt", "name": "Rapport A (2020), bijlage", "location": "p. 2"},  # the longest name wins
        {"file": "", "name": "Rapport AB: p. 3", "location": ""},  # not a whole name
    ]
