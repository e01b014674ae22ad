"""Filter values as people type them: labels and pattern words map to the index's values, and
an unknown value of a fixed vocabulary is refused with the valid ones instead of finding nothing."""
from __future__ import annotations

import pytest
from app_fake import client, real_index, shared_app  # noqa: F401  (pytest fixtures)

from indexer.errors import QueryError
from indexer.model import SearchRequest


def test_labels_and_pattern_words_mean_the_vocabulary_value(service):
    assert service.canonical_filters({"sector": ["primair onderwijs", "Basisonderwijs"]}) == {"sector": ["po"]}
    assert service.canonical_filters({"type": ["agenda's"], "provincie": ["friesland"]}) == \
        {"type": ["agenda"], "provincie": ["Fryslân"]}
    by_value = service.search(SearchRequest("ouders", filters={"sector": ["po"]}, k=50))
    by_label = service.search(SearchRequest("ouders", filters={"sector": ["primair onderwijs"]}, k=50))
    assert by_value.total > 0 and [h.passage_id for h in by_label.hits] == [h.passage_id for h in by_value.hits]


def test_an_unknown_value_of_a_fixed_vocabulary_is_refused_with_the_valid_ones(service):
    with pytest.raises(QueryError, match=r"unknown type 'foo'; choose one of: agenda, .*praktijkverhaal"):
        service.search(SearchRequest("ouders", filters={"type": ["foo"]}))
    with pytest.raises(QueryError, match="unknown sector 'taal'"):
        service.search(SearchRequest("", filters={"sector": ["taal"]}))
    # a place or year the index lacks is no error: it finds nothing
    assert service.search(SearchRequest("ouders", filters={"gemeente": ["Atlantis"]})).total == 0
    assert service.search(SearchRequest("ouders", filters={"jaar": ["1901"]})).total == 0
    # but a year that is no year is refused, as it could never find anything
    for value in ("tweeduizend", "19", "2019-2020", "20199"):
        with pytest.raises(QueryError, match="no year of four digits"):
            service.search(SearchRequest("ouders", filters={"jaar": [value]}))


def test_the_api_answers_400_for_an_unknown_filter_value(client):
    response = client.get("/api/search?q=ouders&type=foo")
    assert response.status_code == 400
    assert "Kies uit: agenda" in response.get_json()["error"]["message"]  # the app words it in Dutch
    assert client.get("/api/search?q=ouders&sector=primair+onderwijs").status_code == 200


def test_a_year_filter_that_is_no_year_is_a_400_in_dutch(client):
    response = client.get("/api/search?q=ouders&jaar=tweeduizend")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("Ongeldig jaar 'tweeduizend'")
    assert client.get("/?q=ouders&jaar=tweeduizend").status_code == 400


def test_the_search_page_says_which_values_a_filter_takes(client):
    response = client.get("/?q=ouders&type=foo")
    assert response.status_code == 400
    assert "Kies uit: agenda" in response.get_data(as_text=True)


def test_a_value_is_named_as_a_whole_or_refused(service):
    # the query patterns' names count only for the whole value, not for a word inside it
    for field, value in (("sector", "xyz po"), ("sector", "geen basisonderwijs"), ("sector", "mbo-student"),
                         ("thema", "hoe betrek ik ouders")):
        with pytest.raises(QueryError, match="unknown"):
            service.canonical_filters({field: [value]})
    # a place's other names, as a question reads them
    assert service.canonical_filters({"gemeente": ["Den Bosch", "geleen"]}) == \
        {"gemeente": ["'s-Hertogenbosch", "Sittard-Geleen"]}


def test_a_municipality_page_answers_to_the_places_other_names(client):
    response = client.get("/gemeente/rotterdam")
    assert response.status_code == 302 and response.headers["Location"].endswith("/gemeente/Rotterdam")
    assert client.get("/gemeente/Atlantis").status_code == 404


def test_the_openapi_document_does_not_narrow_what_a_filter_takes(client):
    params = {p["name"]: p for p in client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]["parameters"]}
    assert "enum" not in params["type"]["schema"]["items"]  # "Interventie", "interventies" are taken too
    assert "One of: agenda" in params["type"]["description"]
    assert client.get("/api/search?q=ouders&type=interventies").status_code == 200


def test_a_year_filter_of_digits_other_than_ascii_is_a_400_not_a_500(client):
    # "201²": str.isdigit() takes the superscript, int() refused it (a 500 on every search
    # endpoint and its error page); "٢٠١٩" passed as a year and found nothing, unsaid
    for value in ("201²", "٢٠١٩"):
        for url in ("/api/search", "/export.json", "/"):
            response = client.get(url, query_string={"q": "ouders", "jaar": value})
            assert response.status_code == 400, (url, value)
        message = client.get("/api/search", query_string={"q": "ouders", "jaar": value}).get_json()["error"]["message"]
        assert message.startswith(f"Ongeldig jaar {value!r}")


def test_a_four_digit_year_outside_the_range_is_refused_with_the_range(client):
    # "1899" has four digits: the message said a year has four digits, and no more
    message = client.get("/api/search?q=ouders&jaar=1899").get_json()["error"]["message"]
    assert message.startswith("Ongeldig jaar '1899'") and "van 1900 tot en met 2099" in message
    assert "van 1900 tot en met 2099" in client.get("/?q=ouders&jaar=2100").get_data(as_text=True)
