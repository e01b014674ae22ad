"""The Backend contract on a live cluster: run with GKA_ES_URL=http://localhost:9200 pytest -m elasticsearch.

Uses its own alias (``gka-contract-<random>``) and removes its indices afterwards.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pytest

from indexer.model import FACET_FIELDS

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not os.environ.get("GKA_ES_URL"), reason="GKA_ES_URL is not set (no live Elasticsearch)"),
]

TEXTS = {
    "d1": ("Kinderopvang en taalontwikkeling in Rotterdam",
           ["Peuters in de kinderopvang leren spelenderwijs Nederlandse woorden.",
            "De gemeente Rotterdam financiert extra uren voorschoolse educatie."],
           {"type": ["praktijkverhaal"], "gemeente": ["Rotterdam"], "jaar": ["2023"]}),
    "d2": ("Onderzoek naar huiswerkbegeleiding",
           ["Leerlingen in het vmbo profiteren van huiswerkbegeleiding na schooltijd.",
            "Het effect op de schoolresultaten is klein maar positief."],
           {"type": ["onderzoek"], "gemeente": ["Utrecht"], "jaar": ["2022"]}),
    "d3": ("Zomerschool voor nieuwkomers",
           ["Nieuwkomers oefenen in de zomerschool hun taal met vrijwilligers.",
            "Scholen in Rotterdam en Utrecht werken samen."],
           {"type": ["praktijkverhaal"], "gemeente": ["Rotterdam", "Utrecht"], "jaar": ["2024"]}),
}


@pytest.fixture(scope="module")
def setup():
    from indexer.backends.elasticsearch_backend import ElasticsearchBackend
    from indexer.config import Settings
    from indexer.embeddings import make_embedder
    from indexer.model import IndexedDocument, IndexMeta, Passage

    embedder = make_embedder("fake")
    alias = f"gka-contract-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env(es_index=alias)
    backend = ElasticsearchBackend(settings)
    meta = IndexMeta(backend="elasticsearch", embedder=embedder.name, dim=embedder.dim,
                     pipeline="test", analyzer_version="1")

    def make_doc(doc_id: str) -> IndexedDocument:
        title, texts, facets = TEXTS[doc_id]
        passages = [Passage(f"{doc_id}#{i}-{i:08d}", doc_id, i, "", t, f"h{i}") for i, t in enumerate(texts)]
        vectors = embedder.embed_passages(texts)
        doc_vector = vectors.mean(axis=0)
        doc = IndexedDocument(doc_id, title, facets["type"][0], f"{doc_id}.md", "\n\n".join(texts), f"hash-{doc_id}",
                              facets, {"samenvatting": title}, [], passages, vectors, doc_vector / (float(np.linalg.norm(doc_vector)) or 1.0))
        if doc_id == "d1":  # two sentence windows for the first passage (the words of its halves)
            words = texts[0].split()
            doc.window_vectors = embedder.embed_passages([" ".join(words[:4]), " ".join(words[4:])])
            doc.window_owner = [0, 0]
        return doc

    writer = backend.writer(meta, full=True)
    for doc_id in TEXTS:
        writer.upsert(make_doc(doc_id))
    writer.commit()
    assert writer.errors == []
    yield backend, embedder, meta, make_doc
    client = backend._client
    for index in client.indices.get(index=f"{alias}-v*", allow_no_indices=True).body:
        client.indices.delete(index=index)  # by name: wildcard deletes are refused by default
    backend.close()


def _docs(backend, scored):
    return {p.doc_id for p, _ in backend.passages([s.passage_id for s in scored])}


@pytest.mark.parametrize("query, doc_id", [
    ("kinderopvang", "d1"),
    ("leerling huiswerkbegeleidingen", "d2"),  # stemmed, and a compound's own word
    # seven words, four of them stop words, "helpen" in no passage: any word matches
    ("hoe kan ik leerlingen bij huiswerkbegeleiding helpen", "d2"),
    ("welke leerlingen hebben baat bij huiswerkbegeleiding na schooltijd in het vmbo", "d2"),
    ("homework support for pupils", "d2"),  # the glossary's Dutch renderings
])
def test_keyword_search_finds_the_dutch_passage(setup, query, doc_id):
    from indexer.ranking.query_syntax import parse_query
    backend, *_ = setup
    assert doc_id in _docs(backend, backend.keyword_search(parse_query(query), {}, 10))


def test_a_passage_holding_more_of_the_query_ranks_first(setup):
    """Coordination, as in the embedded backend: two of three words beat one."""
    from indexer.ranking.query_syntax import parse_query
    backend, *_ = setup
    hits = backend.keyword_search(parse_query("nieuwkomers vrijwilligers utrecht"), {}, 10)
    assert hits[0].passage_id == "d3#0-00000000"


def test_filters_narrow(setup):
    from indexer.ranking.query_syntax import parse_query
    backend, *_ = setup
    everywhere = _docs(backend, backend.keyword_search(parse_query("rotterdam"), {}, 10))
    only = _docs(backend, backend.keyword_search(parse_query("rotterdam"), {"type": ["onderzoek"]}, 10))
    assert {"d1", "d3"} <= everywhere and only == set()


def test_vector_search_respects_filters(setup):
    backend, embedder, *_ = setup
    hits = backend.vector_search(embedder.embed_query("taal"), {"gemeente": ["Utrecht"]}, 10)
    assert hits and _docs(backend, hits) <= {"d2", "d3"}


def test_semantic_scores_blend_sentence_windows_as_the_embedded_backend(setup):
    """Mapping v7: a passage with windows scores WINDOW_WEIGHT x its best window's cosine plus the
    rest x its own, one without keeps its own (int8_hnsw quantises: agreement to about 0.02)."""
    from indexer.backends.base import WINDOW_WEIGHT
    backend, embedder, _, make_doc = setup
    query = embedder.embed_query("peuters leren woorden in de kinderopvang")
    found = {s.passage_id: s.score for s in backend.vector_search(query, {}, 6)}
    want = {}
    for doc in map(make_doc, TEXTS):
        rows = doc.window_vectors if doc.window_vectors is not None else []
        for n, (passage, own) in enumerate(zip(doc.passages, doc.vectors @ query)):
            windows = [float(w @ query) for w, o in zip(rows, doc.window_owner) if o == n]
            want[passage.id] = WINDOW_WEIGHT * max(windows) + (1 - WINDOW_WEIGHT) * own if windows else own
    assert set(found) == set(want)
    for pid, score in found.items():
        assert score == pytest.approx(want[pid], abs=0.02), pid


def test_vector_floor_and_result_count(setup):
    backend, embedder, *_ = setup
    vector = embedder.embed_query("taal")
    nearest = backend.vector_search(vector, {}, 2)
    floored = backend.vector_search(vector, {"gemeente": ["Utrecht"]}, 10, min_score=nearest[-1].score)
    assert {s.passage_id for s in floored} <= {s.passage_id for s in nearest}
    assert all(s.score >= nearest[-1].score - 1e-6 for s in floored)
    from indexer.ranking.query_syntax import parse_query
    query = parse_query("rotterdam")
    matches = backend.keyword_search(query, {}, 10)
    assert backend.result_count(query, [], {}, by_document=False) == len(matches)
    assert backend.result_count(query, [], {}) == len(_docs(backend, matches))
    extra = [s.passage_id for s in nearest]
    assert backend.result_count(query, extra, {}, by_document=False) == len({s.passage_id for s in matches} | set(extra))


def test_a_compound_word_matched_only_in_part_is_marked_and_not_counted(setup):
    """"schooltaal": d3 holds both parts ("zomerschool", "taal"), d2 only "school" ("schooltijd")."""
    from indexer.ranking.query_syntax import parse_query
    backend, *_ = setup
    query = parse_query("schooltaal")
    marks = {s.passage_id: s.partial for s in backend.keyword_search(query, {}, 10)}
    assert marks["d3#0-00000000"] is False and marks["d2#0-00000000"] is True
    whole = [p for p, partial in marks.items() if not partial]
    assert backend.result_count(query, [], {}, by_document=False) == len(whole)
    assert backend.facet_counts(query, [], {})["type"] == {"praktijkverhaal": len(_docs_of(whole))}


def test_a_quoted_phrase_is_whole_words_in_a_row(setup):
    """As the embedded backend: "school" is not in "zomerschool" or "schooltijd" (mapping v4's
    .exact subfields), a phrase's small words count, and its last word may be inflected."""
    from indexer.ranking.query_syntax import parse_query
    backend, *_ = setup
    assert "d3" in _docs(backend, backend.keyword_search(parse_query("school"), {}, 10))
    assert backend.keyword_search(parse_query('"school"'), {}, 10) == []
    assert _docs(backend, backend.keyword_search(parse_query('"in de zomerschool"'), {}, 10)) == {"d3"}
    assert backend.keyword_search(parse_query('"oefenen de zomerschool"'), {}, 10) == []
    assert _docs(backend, backend.keyword_search(parse_query('"nederlandse woord"'), {}, 10)) == {"d1"}


def test_words_index_under_the_embedded_analyzers_terms(setup):
    """Mapping v5: the stem override carries the embedded analyzer's lemma terms (kinderen -> kind,
    liep -> lop), where Snowball alone gives kinder and liep."""
    from indexer.analysis import get_analyzer
    backend, *_ = setup
    # the first words have stem rules, the last ones Snowball's stem: a cluster whose "dutch"
    # stemmer is another algorithm (Snowball 3 made it Kraaij-Pohlmann) fails here
    words = "kinderen kind liep gelopen aangekondigde ouders vaker talen begeleiding gemeenten scholen"
    tokens = backend._client.indices.analyze(index=backend.alias, analyzer="gka_dutch_exact", text=words)
    assert [t["token"] for t in tokens.body["tokens"]] == get_analyzer().analyze_phrase(words)


def test_term_counts_match_the_embedded_terms(setup):
    """Passages holding each analysed term (mapping v5), as the embedded backend's term_df."""
    from indexer.analysis import get_analyzer
    backend, *_ = setup
    peuter, nieuwkomer, leerling = get_analyzer().analyze_phrase("peuters nieuwkomers leerlingen")
    assert backend.term_dfs([peuter, nieuwkomer, leerling, "xyzzy"]) == {
        peuter: 1, nieuwkomer: 1, leerling: 1, "xyzzy": 0}


def _docs_of(passage_ids):
    return {p.split("#")[0] for p in passage_ids}


def test_facets_count_documents(setup):
    backend, *_ = setup
    facets = backend.facet_counts(None, None, {})
    assert facets["type"] == {"praktijkverhaal": 2, "onderzoek": 1}
    assert facets["gemeente"] == {"Rotterdam": 2, "Utrecht": 2}
    disjunctive = backend.facet_counts(None, None, {"type": ["onderzoek"]})
    assert disjunctive["type"] == {"praktijkverhaal": 2, "onderzoek": 1}
    assert disjunctive["gemeente"] == {"Utrecht": 1}


def test_get_document_round_trips(setup):
    backend, _, _, make_doc = setup
    doc = backend.get_document("d1")
    original = make_doc("d1")
    assert doc.title == original.title and doc.text == original.text
    # every facet field comes back, an empty one as [] (as the embedded backend returns it)
    assert doc.facets == {f: original.facets.get(f, []) for f in FACET_FIELDS}
    assert [p.id for p in doc.passages] == [p.id for p in original.passages]
    assert backend.document_hashes()["d1"] == "hash-d1"
    cached = backend.cached_document("d1")
    assert cached is not None and cached.vectors.shape == original.vectors.shape
    assert cached.window_owner == [0, 0]
    np.testing.assert_allclose(cached.window_vectors, original.window_vectors, rtol=1e-6)


def test_window_similarities_for_snippets(setup):
    backend, embedder, _, make_doc = setup
    original = make_doc("d1")
    query = embedder.embed_query("spelenderwijs woorden")
    sims = backend.window_similarities(["d1#0-00000000", "d1#1-00000001", "nope"], query)
    np.testing.assert_allclose(sims["d1#0-00000000"], original.window_vectors @ query, rtol=1e-5, atol=1e-6)
    assert len(sims["d1#1-00000001"]) == 0 and "nope" not in sims


# -- the document list, compared with the embedded backend on the shared mini corpus -----------

MINI_CORPUS = Path(__file__).resolve().parents[1] / "data" / "mini_corpus"
# titles whose order a case-sensitive or byte-wise sort would get wrong: a lowercase first
# letter, two titles equal but for case (ties: by id), a non-ASCII first letter (after z)
EXTRA_TITLES = {
    "extra/kleine-letters.md": ("aanpak met kleine letters", "Rotterdam"),
    "extra/zelfde-a.md": ("Zelfde titel", "Utrecht"),
    "extra/zelfde-b.md": ("zelfde TITEL", "Rotterdam"),
    "extra/een.md": ("Één school, twee aanpakken", "Amsterdam"),
}
# longer than title.keyword's ignore_above (512), so it has no doc value to sort on; readers cut
# titles at 120 characters, so this one is written to both backends directly
LONG_TITLE = ("Zeer lange titel " + "over gelijke kansen in het onderwijs " * 15).strip()
LISTINGS = [
    {},
    {"type": ["praktijkverhaal"]},
    {"gemeente": ["Rotterdam", "Amsterdam"]},
    {"type": ["praktijkverhaal"], "gemeente": ["Rotterdam"]},
    {"sector": [], "gemeente": ["Utrecht"]},
    {"type": ["bestaat-niet"]},
]


@pytest.fixture(scope="module")
def listing_pair(tmp_path_factory):
    """The mini corpus plus EXTRA_TITLES built into an embedded index and a fresh alias with
    the fake embedder, then LONG_TITLE written to both: the embedded backend is the reference."""
    from indexer.backends import open_backend
    from indexer.build import build_index
    from indexer.config import Settings
    from indexer.embeddings import make_embedder
    from indexer.model import IndexedDocument, Passage

    tmp = tmp_path_factory.mktemp("listing")
    corpus = tmp / "corpus"
    shutil.copytree(MINI_CORPUS, corpus)
    (corpus / "extra").mkdir()
    for rel, (title, gemeente) in EXTRA_TITLES.items():
        (corpus / rel).write_text(f'---\ntitel: "{title}"\ntype: praktijkverhaal\ngemeenten: [{gemeente}]\n---\n'
                                  f"## Aanpak\n\nScholen in {gemeente} werken samen aan gelijke kansen voor "
                                  "leerlingen met een taalachterstand.\n", encoding="utf-8")
    alias = f"gka-contract-list-{uuid.uuid4().hex[:8]}"
    embedded_settings = Settings.from_env(env={}, index_dir=tmp / "embedded", embedder="fake")
    es_settings = Settings.from_env(backend="elasticsearch", es_index=alias, index_dir=tmp / "es-cache",
                                    embedder="fake")
    backends = []
    try:
        for settings in (embedded_settings, es_settings):
            report = build_index([corpus], settings, progress=False)
            assert report.written and report.documents == 6 + len(EXTRA_TITLES), report
            backends.append(open_backend(settings))
        embedder = make_embedder("fake")
        texts = ["Een lange titel, een korte tekst over gelijke kansen."]
        long_doc = IndexedDocument("extra/lang.md", LONG_TITLE, "praktijkverhaal", "extra/lang.md",
                                   texts[0], "hash-lang", {"type": ["praktijkverhaal"], "gemeente": ["Rotterdam"]},
                                   {"samenvatting": "lang"}, [],
                                   [Passage("extra/lang.md#p0", "extra/lang.md", 0, "", texts[0], "h0")],
                                   embedder.embed_passages(texts))
        for backend in backends:
            writer = backend.writer(backend.meta(), full=False)
            writer.upsert(long_doc)
            writer.commit()
            assert getattr(writer, "errors", []) == []
        yield tuple(backends)
    finally:
        for backend in backends:
            backend.close()
        from indexer.backends.elasticsearch_backend import ElasticsearchBackend

        cleanup = ElasticsearchBackend(es_settings)
        client = cleanup._client
        for index in client.indices.get(index=f"{alias}-v*", allow_no_indices=True).body:
            client.indices.delete(index=index)
        cleanup.close()


def _comparable(records):
    """Records as both backends must agree on them (facets in one key order)."""
    return [dataclasses.replace(r, facets=dict(sorted(r.facets.items()))) for r in records]


def test_document_list_equals_the_embedded_backend(listing_pair):
    embedded, es = listing_pair
    for filters in LISTINGS:
        want, want_total = embedded.documents(filters, 0, 1000)
        got, got_total = es.documents(filters, 0, 1000)
        assert got_total == want_total == len(want), filters
        assert _comparable(got) == _comparable(want), filters
        assert all(r.text == "" and r.passages == [] and r.entities == [] for r in got)
        for offset, limit in ((0, 3), (3, 3), (max(len(want) - 1, 0), 5), (len(want) + 2, 5)):
            page, total = es.documents(filters, offset, limit)
            assert total == want_total and _comparable(page) == _comparable(want[offset:offset + limit])
    everything = es.documents({}, 0, 1000)[0]
    keys = [(r.title.lower(), r.id) for r in everything]
    assert keys == sorted(keys)
    titles = [r.title for r in everything]
    assert titles[0] == "aanpak met kleine letters" and titles[-1].startswith("Één school")
    assert titles.index(LONG_TITLE) < titles.index("Zelfde titel") < titles.index("zelfde TITEL")


def test_passage_counts_equal_the_embedded_backend(listing_pair):
    embedded, es = listing_pair
    records, _ = embedded.documents({}, 0, 1000)
    ids = [r.id for r in records] + ["geen-document"]
    assert es.passage_counts(ids) == embedded.passage_counts(ids)
    assert "geen-document" not in es.passage_counts(ids)


def test_document_list_pages_past_the_result_window_as_the_embedded_backend(listing_pair, monkeypatch):
    """Deep pages walk with search_after; a small window here makes every page deep."""
    import indexer.backends.elasticsearch_backend as es_backend
    import indexer.backends.es_documents as es_documents

    embedded, es = listing_pair
    monkeypatch.setattr(es_documents, "MAX_RESULT_WINDOW", 3)
    monkeypatch.setattr(es_backend, "PAGE", 2)
    for filters in ({}, {"type": ["praktijkverhaal"]}):
        want, total = embedded.documents(filters, 0, 1000)
        for offset, limit in ((0, 1000), (1, 4), (3, 2), (4, 100), (total - 1, 3), (total, 3)):
            page, got_total = es.documents(filters, offset, limit)
            assert got_total == total and _comparable(page) == _comparable(want[offset:offset + limit]), \
                (filters, offset, limit)


def test_alias_swap_keeps_old_index_readable_until_commit_then_delete(setup):
    from indexer.ranking.query_syntax import parse_query
    backend, _, meta, make_doc = setup
    writer = backend.writer(meta, full=True)
    writer.upsert(make_doc("d2"))
    assert "d1" in _docs(backend, backend.keyword_search(parse_query("kinderopvang"), {}, 10))
    writer.abort()
    assert "d1" in _docs(backend, backend.keyword_search(parse_query("kinderopvang"), {}, 10))
    writer = backend.writer(meta, full=False)
    writer.delete("d1")
    writer.commit()
    assert "d1" not in backend.document_hashes()
    assert "d1" not in _docs(backend, backend.keyword_search(parse_query("kinderopvang"), {}, 10))


def test_an_incremental_build_writes_a_writable_clone_and_leaves_the_live_index_alone(setup):
    """The clone API's contract as es_clone relies on it: a clone of the write-blocked live index,
    without the block (reset in the clone request) and without the alias; the live index unblocked."""
    from indexer.ranking.query_syntax import parse_query
    backend, _, meta, make_doc = setup
    client = backend._client
    live = backend._live_index()
    writer = backend.writer(meta, full=False)
    clone = writer.index
    assert clone != live
    blocks = client.indices.get_settings(index=[live, clone], name="index.blocks.write", flat_settings=True).body
    assert all(s.get("settings", {}).get("index.blocks.write", "false") == "false" for s in blocks.values()), blocks
    assert client.indices.get_alias(index=clone).body[clone]["aliases"] == {}
    writer.delete("d3")
    writer.abort()
    assert not client.indices.exists(index=clone) and backend._live_index() == live
    assert "d3" in _docs(backend, backend.keyword_search(parse_query("zomerschool"), {}, 10))
    writer = backend.writer(meta, full=False)
    writer.upsert(make_doc("d1"))
    writer.commit()
    assert backend._live_index() == writer.index and not client.indices.exists(index=live)
    assert "d1" in _docs(backend, backend.keyword_search(parse_query("kinderopvang"), {}, 10))
