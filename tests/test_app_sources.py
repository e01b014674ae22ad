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


def test_a_source_file_in_cp1252_is_shown_with_its_characters(tmp_path):
    # QA: the indexer reads cp1252 files, but /bron/ sent their bytes as UTF-8: "Taalcaf� … � 1,2 miljoen"
    from search_app import create_app

    source = tmp_path / "source"
    source.mkdir()
    (source / "taalcafe.txt").write_bytes("Taalcafé voor ouders\n\nDe gemeente investeert € 1,2 miljoen in "
                                          "het taalcafé voor ouders van peuters.\n".encode("cp1252"))
    (source / "nieuws.htm").write_bytes(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Vve in de wijk</title></head><body><h1>Vve in de wijk</h1><p>De gemeente investeert € 1,2 "
        "miljoen in voorschoolse educatie; ouders krijgen een café-avond.</p></body></html>".encode("cp1252"))
    (source / "ouderavond.markdown").write_bytes("# Ouderavond in het café\n\nDe school betaalt € 1,2 miljoen "
                                                  "niet; de ouderavond is in het café.\n".encode("cp1252"))
    settings, corpus, _ = build_app_index(tmp_path / "index", source)
    client = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus}).test_client()
    for name, mimetype, words in (("taalcafe.txt", "text/plain", "Taalcafé voor ouders"),
                                  ("nieuws.htm", "text/html", "café-avond"),
                                  ("ouderavond.markdown", "text/plain", "Ouderavond in het café")):
        response = client.get(f"/bron/{name}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.mimetype_params.get("charset") == "utf-8"
        text = response.get_data(as_text=True)
        assert words in text and "€ 1,2 miljoen" in text
        assert "Content-Security-Policy" in response.headers  # still sandboxed
