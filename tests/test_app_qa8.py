"""QA review 2 (web UI and API), document pages: what a document page counts and marks for a
query, and where a result's #passage-N link lands; against a tiny real index of one document
whose second passage starts with the first one's last sentence (indexer/passages.py)."""
from __future__ import annotations

import pytest
from app_fake import one_file_client
from bs4 import BeautifulSoup


def sentence(i: int) -> str:
    return f"Zin nummer {i} gaat over lezen met kinderen op de basisschool in de wijk."


CARRIED = "Elk kind krijgt in groep drie een eigen bibliotheekpas van de gemeente."
# passage 0: sentences 0-7 and CARRIED; passage 1: CARRIED again, then 9-17; passage 2: "Cultuur",
# whose heading is the only place that says "cultuur"
TEXT = ("# Lezen in de wijk\n\n## Leesbevordering\n\n"
        + " ".join(map(sentence, range(8))) + f" {CARRIED} " + " ".join(map(sentence, range(9, 18)))
        + "\n\n## Cultuur\n\n"
        + " ".join(f"Het wijkorkest speelt op vrijdag {i} keer voor de ouders en buren in het buurthuis."
                   for i in range(8)) + "\n")
DOC = "/documenten/lezen.md"


@pytest.fixture(scope="module")
def lezen(tmp_path_factory):
    client = one_file_client(tmp_path_factory.mktemp("lezen"), "lezen.md", TEXT)
    passages = client.get("/api/documents/lezen.md").get_json()["passages"]
    assert [p["text"].startswith(CARRIED) for p in passages] == [False, True, False]  # the setup holds
    return client


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


def heading(soup) -> str:
    return " ".join(soup.select_one("#treffers-kop").get_text().split())


# 1. The document page counted only passages whose shown text held a mark: a match in the
#    sentence carried over from the previous passage (stripped from the shown passage) or in a
#    heading was not counted ("Geen passage bevat de woorden" in keyword mode, or fewer passages
#    than "Meer passages" shows)


def test_a_match_in_the_carried_sentence_is_counted_as_meer_passages_counts_it(lezen):
    total = lezen.get("/api/search?q=bibliotheekpas&mode=keyword&doc_id=lezen.md").get_json()["total"]
    assert total == 2
    soup = soup_of(lezen.get(f"{DOC}?q=bibliotheekpas&mode=keyword"))
    assert heading(soup) == "2 passages met bibliotheekpas"
    assert [a["href"] for a in soup.select(".matches li a")] == ["#passage-0", "#passage-1"]
    assert [m.get_text() for m in soup.select(".fulltext mark")] == ["bibliotheekpas"]  # shown once


def test_a_match_in_a_heading_is_counted_and_marked_there(lezen):
    soup = soup_of(lezen.get(f"{DOC}?q=cultuur&mode=keyword"))
    assert heading(soup) == "1 passage met cultuur"
    assert [m.get_text() for m in soup.select(".matches li mark")] == ["Cultuur"]
    assert soup.select_one(".by-meaning") is None


def test_a_passage_that_matches_by_the_title_alone_says_so(lezen):
    soup = soup_of(lezen.get(f"{DOC}?q=lezen&mode=keyword"))  # "Lezen in de wijk"; the Cultuur passage
    assert heading(soup) == "3 passages met lezen"                # holds no form of it
    items = {" ".join(li.a.get_text().split()): li.select_one(".muted") for li in soup.select(".matches li")}
    assert items["Passage 3: Cultuur"].get_text() == "(de titel bevat de woorden)"


def test_the_found_by_meaning_note_is_not_given_after_a_keyword_search(lezen):
    keyword = soup_of(lezen.get(f"{DOC}?q=zeppelin&mode=keyword"))
    assert heading(keyword) == "Geen passage bevat de woorden van zeppelin"
    assert keyword.select_one(".by-meaning") is None
    assert soup_of(lezen.get(f"{DOC}?q=zeppelin")).select_one(".by-meaning")  # hybrid: it may be


# 2. A result's #passage-N link landed on passage N's paragraph, below the sentence it carries
#    over from the one before, which is where its snippet began


def test_a_results_passage_link_lands_on_the_sentence_its_snippet_shows(lezen):
    results = soup_of(lezen.get("/?q=bibliotheekpas&collapse=0&mode=keyword"))
    links = [a["href"] for a in results.select(".result-list a[href*='#passage-']")]
    assert any(link.endswith("#passage-1") for link in links)
    snippet = next(li.select_one(".snippet").get_text(" ", strip=True) for li in results.select(".result-list > li")
                   if li.select_one("a[href$='#passage-1']"))
    assert "bibliotheekpas" in snippet
    page = soup_of(lezen.get(next(link for link in links if link.endswith("#passage-1"))))
    target = page.find(id="passage-1")
    assert " ".join(target.get_text().split()) == CARRIED
    # the rest of passage 1 follows right after it, and every anchor is on the page once
    assert target.find_next("p", class_="passage").get_text().startswith(sentence(9))
    assert sorted(e["id"] for e in page.select("[id^=passage-]")) == ["passage-0", "passage-1", "passage-2"]
