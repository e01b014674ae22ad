"""QA findings (sixth pass, pages and API details): the catalogue's pager on a page it cannot
show, documents found by meaning, internal metadata, spaces in filter values and capitals in
autocomplete; each reproduced against a tiny real index."""
from __future__ import annotations

import shutil

import pytest
from app_fake import APP_CORPUS, build_app_index, client, one_file_client, real_index, shared_app  # noqa: F401
from bs4 import BeautifulSoup

from search_app import create_app


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


# 6. /interventies?page=999 showed the "past the last page" note next to a lone "‹ Vorige" to
#    page 998 (no page either); page=0 and page=-1 offered "Volgende ›" to page 1. The note
#    with its links is enough, as on the search page (no pager)


@pytest.fixture(scope="module")
def catalogue_client(tmp_path_factory):
    base = tmp_path_factory.mktemp("catalogue")
    source = base / "source"
    shutil.copytree(APP_CORPUS, source)
    record = (APP_CORPUS / "interventies" / "taalmaatjes-thuis.yaml").read_text(encoding="utf-8")
    for n in (2, 3):
        (source / "interventies" / f"taalmaatjes-{n}.yaml").write_text(
            record.replace("taalmaatjes-thuis", f"taalmaatjes-{n}").replace("Taalmaatjes Thuis", f"Taalmaatjes {n}"),
            encoding="utf-8")
    settings, corpus, _ = build_app_index(base / "index", source)
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus}).test_client()


@pytest.mark.parametrize("page", ["999", "0", "-1"])
def test_a_catalogue_page_it_cannot_show_has_the_note_and_no_pager(catalogue_client, monkeypatch, page):
    from search_app import pages

    monkeypatch.setattr(pages, "CATALOGUE_PER_PAGE", 1)  # three interventions: three pages
    assert soup_of(catalogue_client.get("/interventies?page=2")).select(".pager a")  # the pager works
    soup = soup_of(catalogue_client.get(f"/interventies?page={page}"))
    assert f"Pagina {page} bestaat niet" in soup.select_one(".past-last-page").get_text()
    assert soup.select_one(".pager") is None
    assert not soup.select("a[rel=prev], a[rel=next]")


# 8. a document opened from the results said "0 passages met thuiszitters" when the search had
#    found it by meaning only: the page had just listed it as a result


def test_a_document_found_by_meaning_does_not_say_0_passages(client):
    query = "kwispelstaartende zeppelins"  # in no document: a semantic search finds by meaning only
    hits = client.get("/api/search", query_string={"q": query, "mode": "semantic"}).get_json()["hits"]
    assert hits
    soup = soup_of(client.get(f"/documenten/{hits[0]['doc_id']}", query_string={"q": query}))
    heading = " ".join(soup.select_one("#treffers-kop").get_text().split())
    assert not heading.startswith("0 ") and heading == f"Geen passage bevat de woorden van {query}"
    assert "op betekenis" in soup.select_one(".matches").get_text()
    # a document that holds the words still counts its passages
    ouders = client.get("/api/search", query_string={"q": "ouders", "mode": "keyword"}).get_json()["hits"][0]
    heading = soup_of(client.get(f"/documenten/{ouders['doc_id']}?q=ouders")).select_one("#treffers-kop").get_text()
    assert heading.split()[0].isdigit() and int(heading.split()[0]) >= 1


# 9. "Title source: afgeleid" (the indexer's note that a title was guessed, in English) was shown
#    on Dutch document pages; an HTML page's English <meta> names were shown as they are too


def facts(client, doc_id: str) -> dict[str, str]:
    soup = soup_of(client.get(f"/documenten/{doc_id}"))
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in soup.select("dl.facts dt")}


def test_a_guessed_title_is_not_shown_as_a_fact(tmp_path):
    client = one_file_client(tmp_path, "notitie.txt", "Ouders en school werken samen aan de overgang naar het vo.\n")
    assert client.get("/api/documents/notitie.txt").get_json()["metadata"]["title_source"] == "afgeleid"  # kept
    shown = facts(client, "notitie.txt")
    assert "Title source" not in shown and "afgeleid" not in shown.values()


def test_html_meta_names_are_labelled_in_dutch_or_hidden(tmp_path):
    page = ('<html><head><title>Ouders en school</title><meta name="description" content="Over ouders.">'
            '<meta name="author" content="Gemeente Zwolle"><meta property="og:title" content="Ouders en school">'
            '</head><body><h1>Ouders en school</h1><p>Ouders en school werken samen aan de overgang.</p></body></html>')
    shown = facts(one_file_client(tmp_path, "ouders.html", page), "ouders.html")
    assert shown.get("Beschrijving") == "Over ouders." and shown.get("Auteur") == "Gemeente Zwolle"
    assert not [label for label in shown if label.lower().startswith(("og:", "description", "author"))], shown


# 10. gemeente=Den%20%20Haag (two spaces) found nothing, while "den haag" found 7: filter
#     values were compared regardless of case and accents, but not of spaces


HAAG = "---\ntitel: Schoolmaaltijden in Den Haag\ngemeenten: [Den Haag]\n---\n# Schoolmaaltijden\n\nScholen in Den Haag geven leerlingen een ontbijt.\n"


@pytest.mark.parametrize("value", ["Den  Haag", " den haag ", "Den\tHaag", "DEN HAAG"])
def test_filter_values_ignore_extra_spaces(tmp_path, value):
    client = one_file_client(tmp_path, "haag.md", HAAG)
    data = client.get("/api/search", query_string={"q": "ontbijt", "gemeente": value}).get_json()
    assert data["total"] == 1 and data["filters"] == {"gemeente": ["Den Haag"]}
    assert soup_of(client.get("/", query_string={"gemeente": value})).select(".result")


def test_an_unknown_free_value_is_shown_with_single_spaces(client):
    data = client.get("/api/search", query_string={"q": "taal", "gemeente": "Nergens  Dorp"}).get_json()
    assert data["total"] == 0 and data["filters"] == {"gemeente": ["Nergens Dorp"]}


# 11. /api/suggest?q=apel offered "apeldoornse" (the index keeps its words lower-cased) next to
#     "Apeldoorn": a place's adjective is now offered with its capital


def test_autocomplete_offers_a_place_adjective_with_its_capital(tmp_path):
    client = one_file_client(tmp_path, "apeldoorn.md",
                             "# Agenda\n\nDe Apeldoornse aanpak helpt thuiszitters. Apeldoornse scholen doen mee.\n")
    texts = [s["text"] for s in client.get("/api/suggest?q=apel").get_json()["suggestions"] if s["kind"] == "term"]
    assert "Apeldoornse" in texts and "apeldoornse" not in texts
    texts = [s["text"] for s in client.get("/api/suggest?q=aanpak%20apel").get_json()["suggestions"]]
    assert "aanpak Apeldoornse" in texts
    texts = [s["text"] for s in client.get("/api/suggest?q=aanp").get_json()["suggestions"]]
    assert "aanpak" in texts  # ordinary words stay as they are


def test_autocomplete_offers_a_name_as_the_texts_write_it(tmp_path):
    # QA D11: every completed word came lower-cased ("klinkhamer"); a word the texts write with a
    # capital inside sentences is a name and is offered so, a capital at a sentence's start is not
    client = one_file_client(tmp_path, "klinkhamer.md",
                             "# Agenda\n\nVolgens Klinkhamer werkt het. Ook Klinkhamer ziet het. "
                             "Klassen doen mee, zoals klassen in Zwolle.\n")

    def terms(prefix):
        return [s["text"] for s in client.get(f"/api/suggest?q={prefix}").get_json()["suggestions"]
                if s["kind"] == "term"]

    assert "Klinkhamer" in terms("klin") and "klinkhamer" not in terms("klin")
    assert "Klinkhamer" in terms("Klin")
    assert "klassen" in terms("klas") and "Klassen" not in terms("klas")
    # and "Bedoelde u" writes it so too
    assert client.get("/api/search?q=klinkhamre&exact=1").get_json()["suggestion"] == "Klinkhamer"
    assert client.get("/api/search?q=klinkhamre").get_json()["corrected"] == "Klinkhamer"


# D4: a quoted phrase with a typo ("brede brugklasen") or one that does not occur word for word
#    found nothing and only "andere of minder woorden" was offered: the page links the query
#    without its quotes, which finds the words


def test_a_quoted_phrase_that_finds_nothing_links_the_query_without_quotes(client):
    page = soup_of(client.get("/", query_string={"q": '"zomerschool in Zwolleh"'}))
    link = next(a for a in page.select(".no-results a") if a.get_text() == "zoeken zonder aanhalingstekens")
    assert "zomerschool+in+Zwolleh" in link["href"] and "%22" not in link["href"]
    assert soup_of(client.get(link["href"])).select(".result"), "the words without quotes find something"
    plain = soup_of(client.get("/", query_string={"q": "qqqxyz"}))
    assert "zoeken zonder aanhalingstekens" not in plain.get_text()
