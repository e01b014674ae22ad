"""Snippet data stored at index time (backends/embedded/snippet_tokens.py): the snippets made
from it are the snippets made from the text; an index built before it, or with another
analyzer, still gives them; an incremental build analyses only tokens new to the index."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from indexer.analysis import get_analyzer
from indexer.backends.embedded import layout, snippet_tokens
from indexer.build import build_index
from indexer.errors import BackendUnavailable
from indexer.model import SearchRequest
from indexer.ranking import term_memo
from indexer.ranking.snippets import Snippeter
from indexer.search import open_service

FILLER = "Dit is een zin over het weer en de trein naar huis vandaag."
# the cases of test_snippets.py: punctuation in tokens, markup, addresses, multi-word synonyms
TEXTS = [
    " ".join([FILLER] * 5 + ["De huiswerkbegeleiding voor leerlingen start na schooltijd in de bibliotheek."] + [FILLER] * 5),
    " ".join([FILLER] * 3 + ["Ouders lezen voor.", FILLER, "Ouders en school lezen samen voor."]),
    "Betrek (ouders/buren), vooral de vaders. Het mbo-student project loopt.",
    'De <script>alert("x")</script> ouders &\n\n  school   samen.',
    "Meer over ouderbetrokkenheid staat op (https://www.example.nl/ouderbetrokkenheid-in-de-klas?ouders=1&amp=2). "
    "Ouders zijn welkom. Zie ook ouderbetrokkenheid@school.nl of nro.nl/onderzoeksprojecten/ouderbetrokkenheid.",
    "Een hulpmiddel voor het vo. Van de basisschool naar het vo. Op de middelbare school gaat het beter.",
    "Taal staat bij ons voorop. Rekenen, lezen en schrijven volgen daarna.",
    "Scholen in de wijk werken nauw samen met de gemeente. Zo richten ze een schakelklas in.",
    "",
    "ouders",
    "   ",
]
QUERIES = ["begeleiding bij huiswerk", "ouders school", "ouders", "mbo-student", "ouderbetrokkenheid ouders",
           "vo", "taal rekenen lezen schrijven", "klimaatbeleid", "", "middelbare school ouders huiswerk",
           "samenwerking schakelklas inrichten"]


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch):
    monkeypatch.setattr(term_memo, "_CACHES", {})


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_from_the_stored_data_are_the_snippets_of_the_text(tmp_path, query, monkeypatch):
    analyzer = get_analyzer()
    snippet_tokens.write(tmp_path, iter(TEXTS), analyzer)
    data = snippet_tokens.SnippetTokens(tmp_path, len(TEXTS))
    rows = [5, 0, 3, 10, 1, 2, 8, 4, 6, 7, 9]
    texts = [TEXTS[i] for i in rows]
    expected = Snippeter(analyzer, query).snippets(texts, max_words=12)
    monkeypatch.setattr(term_memo, "_CACHES", {})
    snippeter = Snippeter(analyzer, query)
    assert snippeter.snippets(texts, max_words=12, layouts=data.layouts(rows, snippeter.terms)) == expected


@pytest.mark.parametrize("older", ["without the data", "with another version of it"])
def test_a_search_gives_the_same_response_from_an_index_without_the_data(built_index, tmp_path, older):
    settings, _ = built_index
    old = settings.__class__.from_env(env={}, index_dir=tmp_path / "old", embedder="fake")
    shutil.copytree(settings.index_dir, old.index_dir)
    gen = layout.current_generation(old.index_dir)
    if older == "without the data":  # as an index built before the data was stored
        for path in gen.glob("snippet_*"):
            path.unlink()
    else:
        meta = json.loads((gen / "snippet_meta.json").read_text(encoding="utf-8"))
        (gen / "snippet_meta.json").write_text(json.dumps({**meta, "version": snippet_tokens.VERSION + 1}))
    new_service, old_service = open_service(settings), open_service(old)
    try:
        assert new_service.backend._live().snippet_tokens is not None
        assert old_service.backend._live().snippet_tokens is None
        pages = 0
        for query in ["ouders", "huiswerk begeleiding", "taal peuters", "sport in rotterdam", "school -mbo",
                      '"brede brugklas"', "middelbare school"]:
            for mode in ("keyword", "hybrid"):
                request = SearchRequest(query=query, mode=mode)
                a, b = new_service.search(request), old_service.search(request)
                assert [(h.passage_id, h.snippet, h.score) for h in a.hits] == [(h.passage_id, h.snippet, h.score) for h in b.hits]
                assert a.facets == b.facets and a.total == b.total
                pages += bool(a.hits)
        assert pages >= 10
    finally:
        new_service.close()
        old_service.close()


def test_the_data_of_another_analyzer_is_not_used(built_index):
    service = open_service(built_index[0])
    try:
        backend = service.backend
        ids = backend._live().passage_ids[:3]
        assert backend.snippet_layouts(ids, {"ouder"}) is not None
        backend._live().meta.analyzer_version += "-other"  # the index of an older analyzer
        assert backend.snippet_layouts(ids, {"ouder"}) is None
        assert backend.snippet_layouts(["no-such-passage"], {"ouder"}) is None
    finally:
        service.close()


def test_snippet_data_of_another_size_is_a_clear_error(built_index, tmp_path):
    settings, _ = built_index
    copy = settings.__class__.from_env(env={}, index_dir=tmp_path / "copy", embedder="fake")
    shutil.copytree(settings.index_dir, copy.index_dir)
    gen = layout.current_generation(copy.index_dir)
    np.save(gen / "snippet_token_starts.npy", np.zeros(3, dtype=np.int64))
    with pytest.raises(BackendUnavailable, match="snippet data of 2 passages"):
        open_service(copy)


def test_an_incremental_build_analyses_only_tokens_new_to_the_index(settings, corpus_copy, monkeypatch):
    build_index([corpus_copy], settings, progress=False)
    gen = layout.current_generation(settings.index_dir)
    before = set(json.loads((gen / "snippet_types.json").read_text(encoding="utf-8")))
    analysed: list[str] = []
    real = snippet_tokens.token_terms

    def counting(analyzer, token):
        analysed.append(token)
        return real(analyzer, token)

    monkeypatch.setattr(snippet_tokens, "token_terms", counting)
    story = corpus_copy / "praktijkverhalen" / "sport-rotterdam.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOok de grootouders komen kijken naar de wedstrijden.\n",
                     encoding="utf-8")
    report = build_index([corpus_copy], settings, progress=False)
    assert (report.indexed, report.unchanged) == (1, 5)
    assert analysed and "grootouders" in analysed and not set(analysed) & before
    service = open_service(settings)
    try:
        hits = service.search(SearchRequest(query="grootouders wedstrijden", mode="keyword")).hits
        texts = [h.text for h in hits]
        assert hits and "<mark>grootouders</mark>" in hits[0].snippet
        monkeypatch.setattr(term_memo, "_CACHES", {})
        assert [h.snippet for h in hits] == Snippeter(service.analyzer, "grootouders wedstrijden").snippets(texts)
    finally:
        service.close()
