"""QA pass 10 (teacher, researcher and coordinator walkthroughs, and their mistakes) on tiny real indexes."""
from __future__ import annotations

from app_fake import client, doc_ids, one_file_client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup


# 1. a municipality the index does not know is kept as written ("Bergen/Schoorl"); the document
#    page linked it to /gemeente/Bergen/Schoorl, a 404: the route took no slash in a name
def test_a_municipality_named_with_a_slash_has_a_page_the_document_links(tmp_path):
    client = one_file_client(tmp_path, "verhaal.md", (
        "---\ntitel: Huiswerkklas\ntype: praktijkverhaal\ngemeenten: [Bergen/Schoorl]\n---\n\n"
        "# Huiswerkklas\n\nOuders en school helpen leerlingen met huiswerk in de huiswerkklas.\n"))
    page = BeautifulSoup(client.get("/documenten/verhaal.md").data, "html.parser")
    links = [a["href"] for a in page.select("dl.facts a") if a["href"].startswith("/gemeente/")]
    assert links == ["/gemeente/Bergen/Schoorl"]
    response = client.get(links[0])
    assert response.status_code == 200
    assert "Gemeente Bergen/Schoorl" in response.get_data(as_text=True)
    assert "Huiswerkklas" in response.get_data(as_text=True)


# 2. the catalogue took the first of two questions or pages: /interventies?q=taal&q=rekenen
#    searched "taal" alone, unsaid, where every other endpoint answers such a request with a 400
def test_the_catalogue_refuses_a_question_or_page_given_twice(client):
    for query in ("q=taal&q=rekenen", "page=1&page=2", "q=taal&doelgroep=kinderen&q=rekenen"):
        response = client.get(f"/interventies?{query}")
        assert response.status_code == 400, query
        assert "staat er meer dan eens in" in response.get_data(as_text=True)
    assert client.get("/interventies?q=taal").status_code == 302
    assert client.get("/interventies?page=2").status_code == 200


# 3. the start page (no question, no filter) has no pages, yet /?page=3 was titled "Zoeken, pagina 3"
def test_the_start_page_title_names_no_page(client):
    title = BeautifulSoup(client.get("/?page=3").data, "html.parser").title.get_text()
    assert title.startswith("Zoeken ·"), title
    assert "pagina 2" in BeautifulSoup(client.get("/?q=ouders&page=2").data, "html.parser").title.get_text()


# 4. an export of one document's passages with a filter and no question (doc_id=X&gemeente=Y)
#    was an empty list (200), where the API answers the same parameters with a 400 that says why
def test_an_export_of_a_document_without_a_question_is_a_400_as_in_the_api(client, doc_ids):
    doc_id = doc_ids["agenda-groningen"]
    api = client.get("/api/search", query_string={"doc_id": doc_id, "jaar": "2019"})
    assert api.status_code == 400 and "geef ook q" in api.get_json()["error"]["message"]
    for url in ("/export.json", "/export.csv"):
        response = client.get(url, query_string={"doc_id": doc_id, "jaar": "2019"})
        assert response.status_code == 400, url
        assert "geef ook q" in response.get_data(as_text=True)
    assert client.get("/export.json", query_string={"doc_id": doc_id, "q": "ouders"}).status_code == 200
