"""QA findings (third pass, three personas on the sample corpus), each reproduced against a tiny real index."""
from __future__ import annotations

import pytest
from app_fake import client, doc_ids, one_file_client, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup

# 1. the full text shows a carried-over sentence once, also where a passage of merged small
#    sections starts under another heading than the passage before it (indexer/passages.py
#    names the section a passage starts in: an intervention record's second passage is
#    "Beschrijving", its first "Samenvatting")

STORY = [f"Zin nummer {i} vertelt over de ouders en de school van het kind in wijk {i}." for i in range(14)]
INTRO = "Dit verhaal gaat over een school in de wijk. Het begint met een korte inleiding."


@pytest.fixture(scope="module")
def merged_client(tmp_path_factory):
    return one_file_client(tmp_path_factory.mktemp("merged_sections"), "kort-en-lang.md",
                           "---\ntitel: Kort en lang\ntype: praktijkverhaal\n---\n# Kort en lang\n\n## Inleiding\n\n"
                           + INTRO + "\n\n## Het verhaal\n\n" + " ".join(STORY) + "\n")


def fulltext(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    section = BeautifulSoup(response.data, "html.parser").select_one("section.fulltext")
    return " ".join(section.get_text(" ").split())  # <mark> adds spaces


def test_carried_sentence_shown_once_when_the_next_passage_has_another_heading(merged_client):
    passages = merged_client.get("/api/documents/kort-en-lang.md").get_json()["passages"]
    assert len(passages) == 2 and passages[0]["heading"] != passages[1]["heading"]
    carried = [s for s in STORY if passages[1]["text"].startswith(s)]
    assert carried and carried[0] in passages[0]["text"]  # the index carries context over
    for url in ("/documenten/kort-en-lang.md", "/documenten/kort-en-lang.md?q=ouders"):
        text = fulltext(merged_client, url)
        for sentence in STORY:
            assert text.count(sentence) == 1, (url, sentence)


def test_a_sentence_the_document_repeats_is_kept():
    """Only a carried-over copy goes: a sentence the text itself says twice stays twice."""
    from indexer.model import DocumentRecord, Passage
    from search_app.present import passage_texts

    said_twice = "Dit staat er twee keer."
    first, second = f"Eerste deel. {said_twice}", f"{said_twice} Tweede deel."

    def record(text: str) -> DocumentRecord:
        passages = [Passage(id=f"d#p{i}", doc_id="d", ordinal=i, heading=h, text=t, hash=str(i))
                    for i, (h, t) in enumerate([("Een", first), ("Twee", second)])]
        return DocumentRecord(id="d", title="D", doc_type="onderzoek", source_path="d.md", text=text,
                              facets={}, metadata={}, entities=[], passages=passages)

    assert passage_texts(record(f"{first} {second}")) == [first, second]
    assert passage_texts(record(f"{first} Tweede deel.")) == [first, "Tweede deel."]


# 2. a page without results says what can be changed: words only when there are words, and the
#    last tip ends the sentence


def tips_of(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".no-results li")]


def test_filters_alone_that_find_nothing_suggest_other_filters_not_other_words(client):
    response = client.get("/?gemeente=Atlantis")
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one(".results-summary").get_text(" ", strip=True) == "Geen documenten met deze filters"
    assert tips_of(client, "/?gemeente=Atlantis") == ["andere of minder filters."]


@pytest.mark.parametrize("url,tips", [
    ("/?q=ouders&gemeente=Atlantis", ["andere of minder woorden;", "zoeken zonder filters."]),
    ("/?q=xylofoonquasar&mode=keyword",
     ["andere of minder woorden;", "semantisch zoeken (zoekt op betekenis in plaats van exacte woorden)."]),
])
def test_no_results_tips_end_the_sentence(client, url, tips):
    assert tips_of(client, url) == tips


def test_no_results_page_does_not_speak_of_these_results(client):
    """A place recognised in a query that finds nothing is not said to be missing from "these
    results": there are none (the summary says so)."""
    soup = BeautifulSoup(client.get('/?q=%22xylofoon+quasar%22+in+Apeldoorn').data, "html.parser")
    assert soup.select_one(".results-summary").get_text(" ", strip=True).startswith("Geen resultaten")
    assert "deze resultaten" not in soup.get_text()


# 3. filters alone sorted by date say so (the summary said "op titel" whatever the order)


@pytest.mark.parametrize("sort,wanted", [("", "op titel"), ("&sort=date", "nieuwste eerst")])
def test_filters_alone_summary_names_the_order_shown(client, sort, wanted):
    soup = BeautifulSoup(client.get(f"/?type=agenda&type=praktijkverhaal{sort}").data, "html.parser")
    summary = soup.select_one(".results-summary").get_text(" ", strip=True)
    assert summary.endswith(f"met deze filters, {wanted}"), summary


# 4. a municipality page lists the place's own agenda and interventions first, as its lead
#    sentence says ("lokale agenda's, interventies, praktijkverhalen en meer"); research came first


def test_municipality_page_lists_agenda_and_interventions_first(client):
    order = ["agenda", "interventie", "praktijkverhaal", "onderzoek", "beleidsbrief", "nieuws"]
    for naam, first in (("Rotterdam", "agenda"), ("Zwolle", "interventie")):  # Zwolle: a story and an intervention
        soup = BeautifulSoup(client.get(f"/gemeente/{naam}").data, "html.parser")
        groups = [h["id"].removeprefix("groep-") for h in soup.select("section.type-group h2")]
        # the lead names the kinds the page holds, in its order (it named practice stories always)
        lead = soup.select_one("p.lead").get_text(" ", strip=True)
        named = [h.get_text(" ", strip=True).rsplit(" (", 1)[0].lower() for h in soup.select("section.type-group h2")]
        assert lead.endswith(", ".join(named[:-1]) + " en " + named[-1] + "."), lead
        assert len(groups) > 1 and groups[0] == first and groups == [t for t in order if t in groups], (naam, groups)


# 5. the back link of an intervention opened from the catalogue keeps a doelgroep filter (a
#    catalogue facet but no search filter: the link went back to the unfiltered first page)


def test_back_to_the_catalogue_keeps_a_doelgroep_filter_and_the_page(client):
    from urllib.parse import parse_qs, urlsplit

    catalogue = BeautifulSoup(client.get("/interventies").data, "html.parser")
    doelgroep = catalogue.select_one("a.facet-link[href*=doelgroep]")["href"]
    filtered = BeautifulSoup(client.get(doelgroep).data, "html.parser")
    link = filtered.select_one(".result-title a")["href"]
    assert "doelgroep=" in link
    for url, extra in ((link, {}), (f"{link}&sector=po&page=2", {"sector": ["po"], "page": ["2"]})):
        back = BeautifulSoup(client.get(url).data, "html.parser").select_one("p.back a")
        assert back.get_text(" ", strip=True).endswith("Terug naar de interventies")
        href = urlsplit(back["href"])
        assert href.path == "/interventies"
        assert parse_qs(href.query) == {**parse_qs(urlsplit(doelgroep).query), **extra}, back["href"]


def test_doc_id_without_a_question(client, doc_ids):
    """"More passages of this document" without a query answered an empty list (QA)."""
    doc_id = doc_ids["taalmaatjes-thuis"]
    response = client.get(f"/api/search?doc_id={doc_id}&gemeente=Zwolle")
    assert response.status_code == 400
    assert "q" in response.get_json()["error"]["message"] and f"/api/documents/{doc_id}" in response.get_json()["error"]["message"]
    page = client.get(f"/?doc_id={doc_id}")
    assert page.status_code == 302 and page.headers["Location"] == f"/documenten/{doc_id}"
    assert client.get(f"/api/search?doc_id={doc_id}&q=voorlezen").status_code == 200
