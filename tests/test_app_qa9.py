"""QA pass 9 (teacher, coordinator and researcher walkthroughs) against a tiny real index."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from app_fake import client, doc_ids, real_index, shared_app  # noqa: F401  (pytest fixtures)
from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:300]
    return BeautifulSoup(response.data, "html.parser")


# 1. the start page's example links carried collapse=0: a click showed every passage
#    ("53 passages voor voorlezen aan peuters") instead of the page's default best passage per document
def test_start_page_examples_open_the_default_collapsed_view(client):
    examples = soup_of(client.get("/")).select(".example-group a")
    assert examples
    for a in examples:
        query = parse_qs(urlsplit(a["href"]).query)
        assert "collapse" not in query, a["href"]
        assert query["q"] == [a.get_text()]
