"""The app over the real sample corpus (fake embedder): links between pages, and facets that say
what a document declares."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_fake import build_app_index
from bs4 import BeautifulSoup

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """(test client, every document record) over the sample corpus."""
    from indexer.search import open_service
    from search_app import create_app

    settings, corpus, _ = build_app_index(tmp_path_factory.mktemp("sample_app") / "index", SAMPLE_CORPUS)
    service = open_service(settings)
    records, _ = service.documents({}, page=1, per_page=1000)
    service.close()
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})
    return app.test_client(), records


def test_every_municipality_link_on_a_document_page_leads_to_a_page(sample):
    client, records = sample
    links = set()
    for record in records:
        page = client.get(f"/documenten/{record.id}")
        assert page.status_code == 200, record.id
        links |= {a["href"] for a in BeautifulSoup(page.data, "html.parser").select(".entities a[href^='/gemeente/']")}
    assert len(links) > 10
    for href in sorted(links):
        assert client.get(href).status_code == 200, href
    # a town only mentioned in passing is named, not linked (the Tilburg story's bus tour)
    soup = BeautifulSoup(client.get("/documenten/praktijkverhalen/tilburg-fontys-lerarenopleiders-als-rolmodel.md").data,
                         "html.parser")
    assert "Helmond" in {li.get_text(strip=True) for li in soup.select(".entities li")}
    assert not soup.select(".entities a[href='/gemeente/Helmond']")


def test_documents_declaring_no_municipality_or_sector_get_none_from_their_text(sample):
    _, records = sample
    declares_none = {}
    for path in list(SAMPLE_CORPUS.rglob("*.md")) + list(SAMPLE_CORPUS.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for field, key in (("gemeente", "gemeenten"), ("sector", "sectoren")):
            if re.search(rf"^{key}: \[\]", text, re.M):
                # a record's id is its file stem, another document's its path in the corpus
                doc_id = path.stem if path.suffix == ".yaml" else str(path.relative_to(SAMPLE_CORPUS))
                declares_none.setdefault(doc_id, []).append(field)
    assert len(declares_none) > 5
    checked = 0
    for record in records:
        for field in declares_none.get(record.id, []):
            assert record.facets[field] == [], (record.id, field, record.facets[field])
            checked += 1
    assert checked > 5


def test_research_pdfs_and_docx_files_show_their_summary_and_sources_as_markdown_ones_do(sample):
    """The PDF and DOCX research documents carry both only in their text ("Samenvatting",
    "Bronnen"); their pages named neither. The Markdown source of each declares them."""
    client, records = sample
    converted = [r.id for r in records if r.id.startswith("onderzoek/") and r.id.endswith((".pdf", ".docx"))]
    assert len(converted) == 8
    for doc_id in converted:
        doc = client.get(f"/api/documents/{doc_id}").get_json()
        assert doc["metadata"]["samenvatting"], doc_id
        assert doc["sources"] and all(s["file"].endswith(".txt") and s["location"] for s in doc["sources"]), doc_id
    doc = client.get("/api/documents/onderzoek/nro-evaluatie-actieplan-gelijke-kansen.pdf").get_json()
    assert [(s["file"], s["location"][:16]) for s in doc["sources"]] == [
        ("001_91b0f96cfdc7bc3f.txt", "regels ca. 3387-"), ("000_ffc2af399ed0854b.txt", "regels ca. 56-62")]
    page = client.get("/documenten/onderzoek/nro-evaluatie-actieplan-gelijke-kansen.pdf").get_data(as_text=True)
    assert "Kamerbrief bij het Gelijke Kansen magazine (2017): regels ca. 56-62" in page


def test_a_hit_shows_the_active_filters_value_among_its_badges(sample):
    """At most four badges per field: the 2019 news item names Heerlen fifth, and on
    /?gemeente=Heerlen it showed four other municipalities but not Heerlen."""
    client, _ = sample
    for url, field, value in (("/?gemeente=Heerlen", "gemeente", "Heerlen"),
                              ("/?q=ouders&gemeente=Heerlen", "gemeente", "Heerlen"),
                              ("/?q=taal&thema=taalontwikkeling", "thema", "taalontwikkeling")):
        soup = BeautifulSoup(client.get(url).data, "html.parser")
        results = soup.select("li.result")
        assert results, url
        for result in results:
            shown = [b.get_text(" ", strip=True) for b in result.select(f".badge-{field}")]
            assert len(shown) <= 4 and any(value.lower() in s.lower() for s in shown), (url, shown)


def test_the_landing_pages_example_questions_use_words_the_sample_corpus_holds(sample):
    """Its first example, "woordenschat peuters", named a word no document holds (QA): a teacher
    clicking it got segregation in Groningen on top."""
    from indexer.model import SearchRequest
    from indexer.search import open_service
    from search_app.present import EXAMPLE_QUERIES

    client, _ = sample
    service = open_service(client.application.config["GKA_SETTINGS"])
    try:
        for questions in EXAMPLE_QUERIES.values():
            for question in questions:
                response = service.search(SearchRequest(question, mode="keyword"))
                assert response.total and response.partial_words == [], question
    finally:
        service.close()


def test_the_catalogue_filters_by_audience_group_not_by_each_records_wording(sample):
    """The doelgroep filter listed 90 free-text lines, 84 of them once (QA): now the groups."""
    client, records = sample
    soup = BeautifulSoup(client.get("/interventies").data, "html.parser")
    links = soup.select("section[aria-labelledby=facet-doelgroep] a.facet-link")
    assert 5 <= len(links) <= 15, [a.get_text(" ", strip=True) for a in links]
    mbo = next(a for a in links if "doelgroep=mbo-studenten" in a["href"])
    listed = BeautifulSoup(client.get(mbo["href"]).data, "html.parser")
    titles = {h.get_text(" ", strip=True) for h in listed.select(".result-title")}
    shown = [[str(line) for line in r.metadata.get("doelgroep", [])] for r in records
             if r.doc_type == "interventie" and r.title in titles]
    assert len(shown) == len(titles) >= 3 and len({line for lines in shown for line in lines}) >= 3  # several wordings
    assert all(any("mbo" in line for line in lines) for lines in shown), shown
    # a record's own line still filters (links made before the grouping)
    assert client.get("/interventies?doelgroep=hbo-studenten als coach").status_code == 200


def test_a_doelgroep_filter_matches_regardless_of_case(sample):
    """doelgroep=Jongeren found nothing, while sector=VO and thema=Coaching work (QA helper-53)."""
    client, _ = sample
    titles = lambda url: [h.get_text(" ", strip=True)  # noqa: E731
                          for h in BeautifulSoup(client.get(url).data, "html.parser").select(".result-title")]
    assert titles("/interventies?doelgroep=jongeren") and titles("/interventies?doelgroep=Jongeren") == titles(
        "/interventies?doelgroep=jongeren")
    page = BeautifulSoup(client.get("/interventies?doelgroep=JONGEREN").data, "html.parser")
    assert "jongeren" in page.select_one(".active-filters").get_text(" ")  # shown as the group is spelled


def test_a_recognised_value_no_result_holds_links_to_the_documents_that_do(sample):
    """"welke interventies zijn goed onderbouwd" among mbo documents: the one intervention rated
    so is a vo programme; the page says none of its results is, and links the one that is.
    Without the filter the record is among the results (its rating is its text too)."""
    client, records = sample
    rated = [r for r in records if "goed onderbouwd" in r.facets.get("bewijskracht", [])]
    unfiltered = BeautifulSoup(client.get("/?q=welke+interventies+zijn+goed+onderbouwd").data, "html.parser")
    assert unfiltered.select_one(".not-found") is None
    soup = BeautifulSoup(client.get("/?q=welke+interventies+zijn+goed+onderbouwd&sector=mbo").data, "html.parser")
    assert "bewijskracht goed onderbouwd" in soup.select_one(".not-found").get_text()
    link = soup.select_one(".elsewhere a")
    assert link["href"] == "/?bewijskracht=goed+onderbouwd"
    assert f"({len(rated)} document" in soup.select_one(".elsewhere").get_text()
    listed = BeautifulSoup(client.get(link["href"]).data, "html.parser").select(".result-title a")
    assert {a["href"].split("?")[0].removeprefix("/documenten/") for a in listed} == {r.id for r in rated}
    # a value the whole knowledge base lacks gets the note without a link
    soup = BeautifulSoup(client.get("/?q=evidence-based+parental+involvement").data, "html.parser")
    assert soup.select_one(".not-found") is not None and soup.select_one(".elsewhere") is None
