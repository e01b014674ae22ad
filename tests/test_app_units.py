"""Pure helpers of the web app: parameter parsing, link building, CSV safety (marking: test_app_qa2.py)."""
from __future__ import annotations

import os

import pytest
from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.model import DocumentRecord
from indexer.ranking.query_syntax import MAX_QUERY_CHARS
from search_app import present
from search_app.export import csv_safe
from search_app.params import parse_search_args, request_params, toggle_filter


def test_parse_defaults():
    req = parse_search_args(MultiDict())
    assert (req.query, req.mode, req.k, req.page, req.filters, req.collapse, req.sort, req.doc_id) == (
        "", "hybrid", 10, 1, {}, False, "relevance", None,
    )


def test_parse_dutch_aliases_and_repeated_filters():
    args = MultiDict([
        ("q", "  taal  "), ("mode", "Trefwoord"), ("sort", "datum"), ("per_page", "20"), ("page", "3"),
        ("collapse", "ja"), ("gemeente", "Rotterdam"), ("gemeente", "Zwolle"), ("gemeente", "Rotterdam"),
        ("type", ""), ("thema", " armoede "),
    ])
    req = parse_search_args(args)
    assert req.query == "taal" and req.mode == "keyword" and req.sort == "date"
    assert (req.k, req.page, req.collapse) == (20, 3, True)
    # repeated keys are OR-ed values of one field; empty values (a form's "alle") are dropped
    assert req.filters == {"gemeente": ["Rotterdam", "Zwolle"], "thema": ["armoede"]}


@pytest.mark.parametrize(
    "args",
    [
        {"mode": "fuzzy"}, {"k": "0"}, {"k": "51"}, {"k": "tien"}, {"page": "0"}, {"page": "51"},
        {"sort": "random"}, {"collapse": "misschien"}, {"kleur": "rood"}, {"q": "x" * (MAX_QUERY_CHARS + 1)},
    ],
)
def test_parse_rejects_bad_values(args):
    with pytest.raises(QueryError):
        parse_search_args(MultiDict(args))


@pytest.mark.parametrize("args", [
    {"page": "0"}, {"page": "abc"}, {"page": "9" * 5000}, {"k": "51"}, {"per_page": "x"},
    {"collapse": "misschien"}, {"k": "5", "per_page": "6"},
])
def test_parameter_messages_are_dutch_sentences(args):
    """Not 'Parameter page moet ...' (an English-looking start): 'De parameter page moet ...'."""
    with pytest.raises(QueryError) as caught:
        parse_search_args(MultiDict(args))
    assert str(caught.value).startswith(("De parameter ", "De parameters "))


def test_control_characters_are_removed():
    assert parse_search_args(MultiDict({"q": "taal\x00\x07 ouders"})).query.split() == ["taal", "ouders"]


def test_request_params_and_toggle_keep_other_choices():
    req = parse_search_args(MultiDict([("q", "taal"), ("mode", "semantic"), ("page", "2"), ("gemeente", "Zwolle")]))
    params = request_params(req, page=None)
    assert params == {"q": "taal", "mode": "semantic", "gemeente": ["Zwolle"]}
    assert toggle_filter(req.filters, "gemeente", "Zwolle") == {}
    assert toggle_filter(req.filters, "type", "agenda") == {"gemeente": ["Zwolle"], "type": ["agenda"]}
    assert req.filters == {"gemeente": ["Zwolle"]}  # not mutated


@pytest.mark.parametrize("cell", ["=1+1", "+31", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_safe_neutralises_formulas(cell):
    assert csv_safe(cell) == "'" + cell


def test_csv_safe_leaves_plain_values():
    assert csv_safe("Rotterdam") == "Rotterdam" and csv_safe(3) == 3 and csv_safe(-0.5) == -0.5


def test_paginate_caps_pages():
    assert present.paginate(0, 1, 10, 50).pages == 1
    assert present.paginate(95, 1, 10, 50).pages == 10
    assert present.paginate(10_000, 49, 10, 50).window == [46, 47, 48, 49, 50]


def test_facet_values_order_and_active_zero_counts():
    values = present.facet_values({"a": 1, "b": 3}, ["c"], "thema")
    assert [(v.value, v.count, v.active) for v in values] == [("b", 3, False), ("a", 1, False), ("c", 0, True)]
    years = present.facet_values({"2021": 5, "2024": 1}, [], "jaar")
    assert [v.value for v in years] == ["2024", "2021"]


def _rec(doc_id, **facets):
    return DocumentRecord(doc_id, doc_id, "interventie", "", "", facets, {"doelgroep": ["ouders"]}, [], [])


def test_count_facets_is_disjunctive():
    records = [_rec("a", sector=["po"], thema=["taal"]), _rec("b", sector=["vo"], thema=["taal"]),
               _rec("c", sector=["po"], thema=["sport"])]
    counts = present.count_facets(records, ["sector", "thema", "doelgroep"], {"sector": ["po"]})
    assert counts["sector"] == {"po": 2, "vo": 1}  # own filter ignored for its own counts
    assert counts["thema"] == {"taal": 1, "sport": 1}
    assert counts["doelgroep"] == {"ouders en gezinnen": 2}  # grouped: audiences.v1.yaml


def test_safe_source_path_stays_inside(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "geheim.txt").write_text("geheim", encoding="utf-8")
    assert present.safe_source_path(corpus, "sub/a.md") == (corpus / "sub" / "a.md").resolve()
    for bad in ["../geheim.txt", "sub/../../geheim.txt", str(tmp_path / "geheim.txt"), "/etc/passwd", "", "sub",
                "a\x00.md"]:
        assert present.safe_source_path(corpus, bad) is None, bad
    if hasattr(os, "symlink"):
        (corpus / "link.txt").symlink_to(tmp_path / "geheim.txt")
        assert present.safe_source_path(corpus, "link.txt") is None


def test_metadata_items_known_fields_first():
    items = present.metadata_items({
        "zzz": "laatst", "bronnen": [{"document": "rapport.pdf", "vindplaats": "p. 3"}], "samenvatting": "Kort.",
        "doelgroep": ["ouders", "leraren"], "leeg": [],
    })
    assert items == [("Samenvatting", ["Kort."]), ("Doelgroep", ["ouders", "leraren"]),
                     ("Bronnen", ["rapport.pdf — p. 3"]), ("Zzz", ["laatst"])]


def test_cited_files_are_named_in_entries_and_in_one_line_sources():
    from search_app.present import metadata_items

    names = {"001_91b0f96cfdc7bc3f.txt": "Het magazine (2017)"}
    items = dict(metadata_items({"bronnen": [{"document": "001_91b0f96cfdc7bc3f.txt", "vindplaats": "p. 3"}]}, names))
    assert items["Bronnen"] == ["Het magazine (2017) — p. 3"]
    items = dict(metadata_items({"bronnen": "001_91b0f96cfdc7bc3f.txt, regels ca. 12-20"}, names))
    assert items["Bronnen"] == ["Het magazine (2017), regels ca. 12-20"]


def test_an_old_doelgroep_link_counts_what_it_finds():
    """QA helper-53: /interventies?doelgroep=ouders van peuters found one record while its
    active facet value said 0 documents (counts took the groups only, the filter the lines too)."""
    records = [DocumentRecord("a", "a", "interventie", "", "", {}, {"doelgroep": ["ouders van peuters"]}, [], []),
               DocumentRecord("b", "b", "interventie", "", "", {}, {"doelgroep": ["ouders"]}, [], [])]
    filters = {"doelgroep": ["ouders van peuters"]}
    assert [r.id for r in records if present.matches(r, filters)] == ["a"]
    counts = present.count_facets(records, ["doelgroep"], filters)
    assert counts["doelgroep"] == {"ouders en gezinnen": 2, "ouders van peuters": 1}
