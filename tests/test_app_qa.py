"""QA findings on the pages and the API, each reproduced against a tiny real index."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from app_fake import client, doc_ids, one_file_client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

from indexer.ranking.query_syntax import MAX_QUERY_CHARS


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def cards(soup: BeautifulSoup) -> dict[str, BeautifulSoup]:
    return {c.select_one(".result-title a").get_text(strip=True): c for c in soup.select(".result")}


# 1. tracking parameters


@pytest.mark.parametrize("extra", ["utm_source=nieuwsbrief", "fbclid=abc", "gclid=1&utm_campaign=x", "_ga=2.1", "ref=mail",
                                   "igshid=x", "si=abc", "yclid=1", "dclid=2", "_hsenc=p2A", "mkt_tok=z", "pk_campaign=y"])
def test_tracking_parameters_are_ignored_on_pages(client, doc_ids, extra):
    plain = soup_of(client.get("/?q=ouders"))
    tracked = soup_of(client.get(f"/?q=ouders&{extra}"))
    assert list(cards(tracked)) == list(cards(plain))
    assert not any("utm_" in a["href"] or "fbclid" in a["href"] for a in tracked.select("a[href]"))
    assert client.get(f"/documenten/{doc_ids['agenda-rotterdam']}?q=ouders&{extra}").status_code == 200
    assert client.get(f"/interventies?{extra}").status_code == 200
    assert client.get(f"/export.csv?q=ouders&{extra}").status_code == 200


def test_unknown_filters_stay_errors_and_the_api_stays_strict(client):
    assert client.get("/?q=ouders&kleur=rood").status_code == 400
    response = client.get("/api/search?q=ouders&utm_source=nieuwsbrief")
    assert response.status_code == 400 and "utm_source" in response.get_json()["error"]["message"]


# 2. full text without the carried-over context sentences

LONG_SENTENCES = [f"Zin nummer {i} gaat over ouders en de school van het kind in wijk {i}." for i in range(40)]


@pytest.fixture(scope="module")
def long_doc_client(tmp_path_factory):
    return one_file_client(tmp_path_factory.mktemp("long_doc"), "lang-verhaal.md",
                           "---\ntitel: Een lang verhaal\ntype: praktijkverhaal\n---\n# Een lang verhaal\n\n"
                           "## Het verhaal\n\n" + " ".join(LONG_SENTENCES) + "\n")


def test_full_text_shows_each_sentence_once(long_doc_client):
    doc = long_doc_client.get("/api/documents/lang-verhaal.md").get_json()
    assert len(doc["passages"]) > 1
    carried = [p for p in doc["passages"][1:] if any(p["text"].startswith(s) for s in LONG_SENTENCES)]
    assert carried  # the index does carry context over: the page must not show it twice
    soup = soup_of(long_doc_client.get("/documenten/lang-verhaal.md", query_string={"q": "ouders"}))
    text = " ".join(soup.select_one("section.fulltext").get_text(" ").split())  # <mark> adds spaces
    for sentence in LONG_SENTENCES:
        assert text.count(sentence) == 1, sentence
    assert soup.select(".fulltext p.passage.is-match")  # still passage by passage, with anchors


def test_leading_overlap_only_strips_a_repeated_start():
    from search_app.present import leading_overlap

    assert leading_overlap("Eerste zin. Tweede zin.", "Tweede zin. Derde zin.") == len("Tweede zin. ")
    assert leading_overlap("Eerste zin. Tweede zin.", "Derde zin.") == 0
    assert leading_overlap("Een woordenzin.", "zin. Verder") == 0  # not on a word boundary in prev
    assert leading_overlap("Een veel te lange zin.", "Een veel te lange zin. Rest", max_words=2) == 0


# 3. "Meer passages" only for documents with other passages


def test_more_passages_link_only_for_documents_with_several_passages(client):
    for url in ("/?q=zomerschool", "/?q=zomerschool&collapse=0&mode=keyword"):
        found = cards(soup_of(client.get(url)))
        assert found["Lokale agenda Gelijke Kansen Rotterdam"].select_one("a.more")  # 4 passages
        assert found["Zwolle laat groep 8 wennen met een zomerschool"].select_one("a.more") is None  # 1 passage


# 4. the back link keeps the search


def test_document_back_link_keeps_the_search_state(client):
    search = "/?q=ouders&mode=keyword&type=agenda&page=2&per_page=2&collapse=0&sort=date"
    wanted = {"q": ["ouders"], "mode": ["keyword"], "type": ["agenda"], "page": ["2"], "per_page": ["2"],
              "collapse": ["0"], "sort": ["date"]}
    link = soup_of(client.get(search)).select_one(".result-title a")["href"]
    assert query_of(link) == wanted
    back = soup_of(client.get(link)).select_one("p.back a")["href"]
    assert urlsplit(back).path == "/" and query_of(back) == wanted


def test_back_link_from_more_passages_returns_to_that_document_search(client, doc_ids):
    doc_id = doc_ids["agenda-rotterdam"]
    soup = soup_of(client.get("/", query_string={"q": "zomerschool", "doc_id": doc_id, "collapse": "0"}))
    link = soup.select_one(".result-title a")["href"]
    back = soup_of(client.get(link)).select_one("p.back a")["href"]
    assert query_of(back) == {"q": ["zomerschool"], "collapse": ["0"], "doc_id": [doc_id]}


def test_more_passages_view_names_no_recognised_value_as_not_found(client, doc_ids):
    """Within one document there are no facets: "Zwolle" and the summer school's theme are
    neither offered nor said to be missing (the Zwolle story carries both)."""
    doc_id = doc_ids["praktijkverhaal-zwolle-zomerschool"]
    soup = soup_of(client.get("/", query_string={"q": "zomerschool in Zwolle", "doc_id": doc_id}))
    assert soup.select(".result") and not soup.select(".detected")


# 5. "Waarom dit resultaat?" names the side that was not used


def test_why_names_the_retriever_not_used(client):
    semantic = soup_of(client.get("/?q=zomerschool&mode=semantic")).select_one("details.why").get_text(" ")
    assert "niet gebruikt (semantisch zoeken)" in semantic and "niet bij de beste treffers op trefwoorden" not in semantic
    keyword = soup_of(client.get("/?q=zomerschool&mode=keyword")).select_one("details.why").get_text(" ")
    assert "niet gebruikt (zoeken op trefwoord)" in keyword


# 6. small text issues


def test_example_group_label_is_grammatical(client):
    text = soup_of(client.get("/")).get_text(" ")
    assert "Voor de gemeentelijke coördinator" in text and "gemeentelijk coördinator" not in text


def test_facet_counts_of_one_read_singular(client):
    links = soup_of(client.get("/?q=ouders&mode=keyword")).select(".facet-link .count")
    ones = [c.get_text(" ", strip=True) for c in links if c.get_text(" ").split()[1] == "1"]
    assert ones and all(re.search(r"\b1 document\b", t) for t in ones), ones


def test_text_downloads_have_one_charset(client, doc_ids):
    with client.get(f"/bron/{doc_ids['agenda-groningen']}") as response:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert client.get("/export.csv?q=ouders").headers["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/export.json?q=ouders").headers["Content-Type"] == "application/json; charset=utf-8"


def test_api_not_found_messages_are_dutch(client):
    for url in ("/api/documents/nope", "/api/documents/nope/related"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["message"] == "Geen document met id 'nope'."
    assert client.post("/api/search").get_json()["error"]["message"] == "Deze actie is hier niet mogelijk."


def test_error_page_keeps_the_query_in_the_search_box(client):
    query = "ouders " * (MAX_QUERY_CHARS // 7 + 1)
    response = client.get("/", query_string={"q": query, "mode": "trefwoord"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one("input#q")["value"] == query.strip()
    assert soup.select_one("input[name=mode][value=keyword]").has_attr("checked")


# 7. past the last page


def test_page_past_the_last_one_says_so(client):
    soup = soup_of(client.get("/?q=zomerschool&per_page=2&page=20"))
    note = soup.select_one(".past-last-page")
    assert note is not None and "Pagina 20 bestaat niet" in note.get_text()
    assert "andere of minder woorden" not in soup.get_text()
    last = note.select_one("a")["href"]
    assert query_of(last)["page"] == ["4"]  # 8 documents, 2 a page
    assert soup_of(client.get(last)).select(".result")


def test_passage_counts_from_memory_equal_the_documents(real_index, monkeypatch):
    from indexer.search import open_service

    service = open_service(real_index[0])
    ids = [r.id for r in service.documents({}, 1, 200)[0]]
    want = {d: len(service.get_document(d).passages) for d in ids}
    assert service.passage_counts(ids + ["bestaat-niet"]) == want and max(want.values()) > 1
    monkeypatch.delattr(type(service.backend), "passage_counts")  # a backend without it: read them
    assert service.passage_counts(ids + ["bestaat-niet"]) == want
    service.close()


def test_facet_counts_say_they_count_documents_also_in_the_passage_view(client):
    """The facet panel counts documents; in the passage view the heading counts passages, so the
    panel says what its numbers are (visibly there, and to screen readers everywhere)."""
    passages = soup_of(client.get("/?q=zomerschool&collapse=0"))
    assert passages.select_one(".facets .facet-unit").get_text(strip=True) == "Aantallen in documenten"
    spoken = passages.select_one(".facets .count").get_text(" ", strip=True)
    assert re.search(r"\d+ documenten?\b", spoken) and "resultaat" not in spoken
    assert soup_of(client.get("/?q=zomerschool")).select_one(".facets .facet-unit") is None
