"""Second QA pass on the pages and the API, each finding reproduced against a tiny real index."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# 1. an unknown value of a fixed vocabulary is explained in Dutch, with the values' labels


@pytest.mark.parametrize("url, field, value", [
    ("/?type=foo", "type", "foo"),
    ("/export.csv?type=foo", "type", "foo"),
    ("/interventies?sector=foo", "sector", "foo"),
    ("/?q=x&provincie=Vlaanderen", "provincie", "Vlaanderen"),
])
def test_unknown_filter_value_is_dutch_on_pages(client, url, field, value):
    response = client.get(url)
    assert response.status_code == 400
    detail = BeautifulSoup(response.data, "html.parser").select_one(".error-detail").get_text()
    assert f"Onbekende waarde '{value}' voor filter {field}. Kies uit: " in detail
    assert "unknown" not in detail and "choose one of" not in detail


@pytest.mark.parametrize("url", ["/api/search?q=ouders&sector=foo", "/export.json?sector=foo"])
def test_unknown_filter_value_is_dutch_in_json_with_labels(client, url):
    response = client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert error["message"].startswith("Onbekende waarde 'foo' voor filter sector. Kies uit: ")
    # codes with their labels; a value that is its own label is not repeated
    assert "po (primair onderwijs)" in error["message"] and "vo (voortgezet onderwijs)" in error["message"]
    assert "havo," in error["message"] and "havo (" not in error["message"]


def test_unknown_type_names_the_types_labels(client):
    message = client.get("/api/search?q=ouders&type=foo").get_json()["error"]["message"]
    assert "agenda (Lokale agenda)" in message and "praktijkverhaal" in message


# 2. every JSON endpoint refuses parameters it does not take, as /api/search does


def _api_paths(doc_ids) -> dict[str, str]:
    doc = doc_ids["agenda-rotterdam"]
    return {"/api/search": "/api/search?q=ouders", "/api/facets": "/api/facets",
            "/api/suggest": "/api/suggest?q=ro", "/api/documents/{doc_id}": f"/api/documents/{doc}",
            "/api/documents/{doc_id}/related": f"/api/documents/{doc}/related", "/healthz": "/healthz",
            "/api/openapi.json": "/api/openapi.json"}


@pytest.mark.parametrize("extra", ["foo=1", "utm_source=nieuwsbrief"])
def test_every_api_endpoint_refuses_unknown_parameters(client, doc_ids, extra):
    for path, url in _api_paths(doc_ids).items():
        assert client.get(url).status_code == 200, path
        response = client.get(url + ("&" if "?" in url else "?") + extra)
        assert response.status_code == 400, path
        error = response.get_json()["error"]
        assert error["status"] == 400 and extra.split("=")[0] in error["message"], path


def test_openapi_lists_what_each_endpoint_takes_and_its_400(client, doc_ids):
    spec = client.get("/api/openapi.json").get_json()
    samples = {"k": "2", "limit": "3", "q": "ro"}
    for path, url in _api_paths(doc_ids).items():
        operation = spec["paths"][path]["get"]
        assert "400" in operation["responses"], path
        if path == "/api/search":
            continue  # its parameters: tests/test_app_api.py
        for param in (p for p in operation.get("parameters", []) if p["in"] == "query"):
            if f"{param['name']}=" in url:
                continue  # the sample URL has it already (given twice is a 400 of its own)
            sep = "&" if "?" in url else "?"
            assert client.get(f"{url}{sep}{param['name']}={samples[param['name']]}").status_code == 200, path


# 3. a document opened from a list of filters alone links back to that list


def test_document_from_a_filtered_list_links_back_to_it(client):
    listing = "/?gemeente=Rotterdam&sort=datum&mode=trefwoord&per_page=1&page=2"
    link = soup_of(client.get(listing)).select_one(".result-title a")["href"]
    back = soup_of(client.get(link)).select_one(".back a")
    assert back is not None, "no back link on a document opened from a filtered list"
    assert "Rotterdam" in back.get_text()
    assert urlsplit(back["href"]).path == "/"
    assert query_of(back["href"]) == {"gemeente": ["Rotterdam"], "sort": ["date"], "mode": ["keyword"],
                                      "per_page": ["1"], "page": ["2"]}
    assert soup_of(client.get(back["href"])).select_one(".result-title a")["href"] == link


def test_document_opened_from_no_list_has_no_back_link(client, doc_ids):
    assert soup_of(client.get(f"/documenten/{doc_ids['agenda-rotterdam']}")).select_one(".back") is None


# 4. the document page marks words as the search's snippets do, and counts what it marks

_LETTER = re.compile(r"\w")


def _marks_are_whole_words(soup: BeautifulSoup) -> None:
    for mark in soup.select(".fulltext mark"):
        before, after = mark.previous_sibling, mark.next_sibling
        assert not (isinstance(before, str) and before and _LETTER.match(before[-1])), mark.parent.get_text()[:200]
        assert not (isinstance(after, str) and after and _LETTER.match(after[0])), mark.parent.get_text()[:200]


def _count(soup: BeautifulSoup) -> int:
    return int(soup.select_one("#treffers-kop").get_text().split()[0])


def test_document_page_marks_whole_words_and_their_forms(client, doc_ids):
    soup = soup_of(client.get(f"/documenten/{doc_ids['agenda-rotterdam']}?q=school"))
    marked = {m.get_text().lower() for m in soup.select(".fulltext mark")}
    assert {"scholen", "zomerschool"} <= marked  # a plural and a compound, whole, as the snippets mark them
    _marks_are_whole_words(soup)  # never "school" inside "schoolbesturen"


@pytest.mark.parametrize("stem, query", [("agenda-rotterdam", "school"), ("praktijkverhaal-zwolle-zomerschool", "scholen"),
                                         ("agenda-rotterdam", '"verlengde leertijd"'), ("agenda-rotterdam", "kind -zomerschool")])
def test_passages_counted_are_the_passages_marked(client, doc_ids, stem, query):
    soup = soup_of(client.get(f"/documenten/{doc_ids[stem]}", query_string={"q": query}))
    with_marks = [p for p in soup.select(".fulltext .passage") if p.select("mark")]
    assert _count(soup) == len(with_marks) > 0
    assert all("is-match" in p["class"] for p in with_marks)
    assert all(p.select("mark") for p in soup.select(".fulltext .passage.is-match"))
    assert len(soup.select(".matches li")) == len(with_marks)


LIST_DOC = ("---\ntitel: Lijst met afspraken\ntype: beleidsbrief\n---\n# Lijst met afspraken\n\n## Afspraken\n\n"
            "De brief noemt drie lijnen:\n\n- ouders & leraren als <bondgenoten>\n- scholen en wijken\n"
            "- een zomerschool voor kinderen\n")


@pytest.fixture(scope="module")
def list_doc_client(tmp_path_factory):
    from app_fake import build_app_index

    from search_app import create_app

    base = tmp_path_factory.mktemp("list_doc")
    (base / "source").mkdir()
    (base / "source" / "lijst.md").write_text(LIST_DOC, encoding="utf-8")
    settings, corpus, _ = build_app_index(base / "index", base / "source")
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus}).test_client()


def test_marked_passage_keeps_its_line_breaks_and_escapes_its_text(list_doc_client):
    page = list_doc_client.get("/documenten/lijst.md?q=school+ouders")
    passage = soup_of(page).select_one(".fulltext .passage.is-match")
    assert [m.get_text() for m in passage.select("mark")] == ["ouders", "scholen", "zomerschool"]
    stored = list_doc_client.get("/api/documents/lijst.md").get_json()["passages"][0]["text"]
    assert "\n" in stored and passage.get_text() == stored  # line breaks and all, as the reader kept them
    assert "&lt;bondgenoten&gt;" in page.get_data(as_text=True)


def test_marker_marks_a_whole_long_text():
    from indexer.analysis import get_analyzer

    from search_app.marking import Marker

    text = " ".join(f"Zin {i} gaat over het weer." for i in range(60)) + "\n\nDe laatste gaat over  scholen."
    marked = str(Marker(get_analyzer(), "school -weer").mark(text))
    assert marked.endswith("\n\nDe laatste gaat over  <mark>scholen</mark>.") and "…" not in marked
    assert marked.startswith("Zin 0 gaat over het weer.") and marked.count("<mark>") == 1


def test_marker_leaves_a_web_address_on_the_document_page_whole():
    from indexer.analysis import get_analyzer

    from search_app.marking import Marker

    text = "Scholen delen tips.\nZie https://www.example.nl/scholen-en-ouders?a=1&b=2 voor meer."
    marked = str(Marker(get_analyzer(), "school").mark(text))
    assert marked == ("<mark>Scholen</mark> delen tips.\nZie https://www.example.nl/scholen-en-ouders?a=1&amp;b=2"
                      " voor meer.")


@given(st.text(alphabet=st.sampled_from(list("schol enkid&<>\"'\n\t\u00a0\u2003\x1c\x85\u2028.-")), max_size=80),
       st.sampled_from(["school", "kind", "scholen -kind", '"een kind"']))
@settings(max_examples=300, deadline=None)
def test_marker_escapes_everything_but_marks_and_loses_nothing(text, query):
    from indexer.analysis import get_analyzer

    from search_app.marking import Marker

    out = str(Marker(get_analyzer(), query).mark(text))
    assert "<" not in out.replace("<mark>", "").replace("</mark>", "")
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == text
