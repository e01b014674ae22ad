"""The embedded backend on a tiny real index: search, filters, facets, crash safety."""
from types import SimpleNamespace

import numpy as np
import pytest

from indexer.backends import open_backend
from indexer.backends.embedded import layout
from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import ConfigError, DocumentNotFound, IndexNotFound
from indexer.model import FACET_FIELDS, SearchRequest
from indexer.ranking.query_syntax import parse_query
from indexer.search import open_service


def test_unknown_backend_lists_valid_names(settings):
    with pytest.raises(ConfigError, match="embedded, elasticsearch"):
        open_backend(settings.with_(backend="solr"))


def test_missing_index_is_a_clear_error(settings):
    with pytest.raises(IndexNotFound):
        open_service(settings)


def test_keyword_search_uses_compounds_and_synonyms(service):
    be = service.backend
    top = be.keyword_search(parse_query("huiswerkbegeleiding"), {}, 3)
    assert top[0].passage_id.startswith("praktijkverhalen/huiswerkklas-schiedam.md")
    top = be.keyword_search(parse_query("vve"), {}, 3)  # text says "voorschool", "voor- en vroegschoolse educatie"
    assert top[0].passage_id.startswith("praktijkverhalen/taal-peuters-dordrecht.md")


def test_phrase_and_exclusion(service):
    be = service.backend
    hits = be.keyword_search(parse_query('"begeleiding bij huiswerk"'), {}, 10)
    assert [h.passage_id.split("#")[0] for h in hits] == ["praktijkverhalen/huiswerkklas-schiedam.md"]
    assert be.keyword_search(parse_query('"huiswerk bij begeleiding"'), {}, 10) == []
    with_ouders = {h.passage_id for h in be.keyword_search(parse_query("ouders"), {}, 10)}
    without = {h.passage_id for h in be.keyword_search(parse_query("ouders -mbo"), {}, 10)}
    assert without and without < with_ouders
    assert not any(p.startswith("onderzoek/ouders-mbo.md") for p in without)


def test_filters_and_disjunctive_facets(service):
    resp = service.search(SearchRequest("ouders", mode="keyword", filters={"gemeente": ["Dordrecht"]}))
    assert {h.doc_id for h in resp.hits} == {"praktijkverhalen/taal-peuters-dordrecht.md"}
    # the gemeente facet ignores its own filter, so other municipalities stay selectable
    assert "Schiedam" in resp.facets["gemeente"] and resp.facets["gemeente"]["Dordrecht"] == 1
    # other facets respect the active gemeente filter
    assert set(resp.facets["type"]) == {"praktijkverhaal"}
    everything = service.facets()
    assert everything["type"]["praktijkverhaal"] == 3 and everything["gemeente"]["Apeldoorn"] == 1


def _naive_counts(doc_facets, selected, filters):
    out = {}
    for field in FACET_FIELDS:
        counts = {}
        for d, facets in enumerate(doc_facets):
            if selected is not None and not selected[d]:
                continue
            if any(not set(facets.get(f) or []) & set(v) for f, v in filters.items() if f != field and v):
                continue
            for value in set(facets.get(field) or []):
                counts[value] = counts.get(value, 0) + 1
        out[field] = counts
    return out


def test_facet_counts_match_a_naive_count_for_few_and_for_most_documents_selected(service):
    g = service.backend._live()
    n = g.facets.n_docs
    rng = np.random.default_rng(5)
    # below half selected the pairs of the selected documents are counted, above half the
    # others' are subtracted from the totals: both must agree with counting by hand
    masks = [None, np.zeros(n, dtype=bool), np.ones(n, dtype=bool), rng.random(n) < 0.2, rng.random(n) < 0.8]
    for filters in ({}, {"type": ["agenda"]}, {"gemeente": ["Dordrecht", "Apeldoorn"], "type": ["praktijkverhaal"]}):
        for selected in masks:
            counts = g.facets.counts(selected, filters)
            naive = _naive_counts(g.doc_facets, selected, filters)
            assert {f: c for f, c in counts.items() if c} == {f: c for f, c in naive.items() if c}
            assert list(counts) == list(g.facets.fields)  # every field, empty ones too
            for field, values in counts.items():  # by count (descending), ties by value
                assert list(values) == sorted(values, key=lambda v: (-values[v], v))
    assert sum(g.facets.counts(None, {})["type"].values()) == n  # one type per document


def test_documents_of_passages_in_any_order_with_repeats(service):
    g = service.backend._live()
    last = len(g.passage_doc) - 1
    for idx in ([last, 0, 0, 1, last], [last], [0, 1, 2]):
        expected = np.zeros(g.facets.n_docs, dtype=bool)
        expected[g.passage_doc[idx]] = True
        assert (g.facets.docs_of(np.array(idx)) == expected).all()
    assert not g.facets.docs_of(np.array([], dtype=np.int64)).any()


def test_vector_search_and_related(service):
    be = service.backend
    vec = service.embedder.embed_query("digitale prentenboeken voorlezen")
    assert be.vector_search(vec, {}, 1)[0].passage_id.startswith("praktijkverhalen/taal-peuters-dordrecht.md")
    assert be.vector_search(vec, {"type": ["agenda"]}, 5)[0].passage_id.startswith("agendas/")
    related = service.related("agendas/apeldoorn.md", k=3)
    assert len(related) == 3 and all(r.doc_id != "agendas/apeldoorn.md" for r in related)
    with pytest.raises(DocumentNotFound):
        service.get_document("bestaat/niet.md")


def test_interrupted_build_leaves_previous_index_intact(settings, corpus_copy, monkeypatch):
    build_index([corpus_copy], settings, progress=False)
    svc = open_service(settings)
    before = [h.passage_id for h in svc.search(SearchRequest("ouders", mode="keyword")).hits]
    (corpus_copy / "praktijkverhalen" / "nieuw.md").write_text("---\ntitel: Nieuw\n---\nOuders en ouders en ouders helpen.\n")

    from indexer.backends.embedded import writer as writer_mod

    def boom(self):
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(writer_mod.EmbeddedWriter, "_write_arrays", boom)
    with pytest.raises(RuntimeError):
        build_index([corpus_copy], settings, progress=False)
    monkeypatch.undo()
    assert [h.passage_id for h in svc.search(SearchRequest("ouders", mode="keyword")).hits] == before
    gens = sorted(p.name for p in settings.index_dir.glob("gen-*"))
    assert gens == [layout.current_generation(settings.index_dir).name]  # the half-built generation was removed
    report = build_index([corpus_copy], settings, progress=False)
    assert report.indexed == 1 and report.unchanged == 6
    assert "praktijkverhalen/nieuw.md" in {h.doc_id for h in svc.search(SearchRequest("ouders", mode="keyword")).hits}
    svc.close()


def test_reader_sees_old_or_new_index_while_a_build_publishes(settings, corpus_copy):
    import threading

    build_index([corpus_copy], settings, progress=False)
    svc = open_service(settings)
    old_ids = {h.passage_id for h in svc.search(SearchRequest("school", k=50)).hits}
    # one document goes, one comes: neither result set holds the other, so a read that mixed
    # the two generations would fit neither
    removed = sorted(old_ids)[0].split("#")[0]
    (corpus_copy / removed).unlink()
    (corpus_copy / "agendas" / "extra.md").write_text("---\ntitel: Extra school\ntype: agenda\n---\nDe school en de school.\n")
    errors, seen = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.append({h.passage_id for h in svc.search(SearchRequest("school", k=50)).hits})
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    build_index([corpus_copy], settings, progress=False)
    new_ids = {h.passage_id for h in svc.search(SearchRequest("school", k=50)).hits}
    stop.set()
    t.join()
    assert not errors and seen
    assert "agendas/extra.md#p0" in new_ids and not any(p.startswith(removed + "#") for p in new_ids)
    assert not (old_ids <= new_ids or new_ids <= old_ids)
    assert all(s <= old_ids or s <= new_ids for s in seen)
    svc.close()


def test_document_listing_pages_by_title_without_reading_texts(service):
    backend = service.backend
    everything, total = backend.documents({}, 0, 1000)
    assert total == len(everything) > 5
    titles = [r.title.lower() for r in everything]
    assert titles == sorted(titles)
    assert all(r.text == "" and r.entities == [] for r in everything)  # light records for lists
    from indexer.backends.embedded import store

    conn = backend._live().db.get()
    for record in everything:  # the same light record as the full row gives
        row = conn.execute(f"SELECT {store.DOC_COLUMNS} FROM documents WHERE id = ?", (record.id,)).fetchone()
        assert record == store.record_from_row(row, with_text=False)
    pages = [backend.documents({}, offset, 4) for offset in range(0, total, 4)]
    assert [r.id for batch, _ in pages for r in batch] == [r.id for r in everything]
    assert all(t == total for _, t in pages)
    agendas, n = backend.documents({"type": ["agenda"]}, 0, 100)
    assert n == len(agendas) and {r.doc_type for r in agendas} == {"agenda"}
    assert backend.documents({"type": ["bestaat-niet"]}, 0, 10) == ([], 0)


def test_npy_files_are_loaded_one_at_a_time(monkeypatch, tmp_path):
    """numpy parses .npy headers with ast.literal_eval, which CPython 3.11.7 can fail when two
    threads parse at once (a reader loading a new generation while a build loads the last)."""
    import threading
    import time

    import numpy as np

    from indexer.backends.embedded import layout

    np.save(tmp_path / "a.npy", np.arange(10, dtype=np.float32))
    real_load, active, overlaps = np.load, [0], []

    def slow_load(*args, **kwargs):
        active[0] += 1
        if active[0] > 1:
            overlaps.append(active[0])
        time.sleep(0.01)
        try:
            return real_load(*args, **kwargs)
        finally:
            active[0] -= 1

    monkeypatch.setattr(np, "load", slow_load)
    threads = [threading.Thread(target=lambda m=(i % 2 == 0): [layout.load_array(tmp_path / "a.npy", mmap=m) for _ in range(5)])
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not overlaps
    assert layout.map_array(tmp_path / "a.npy")[3] == 3.0


def test_guessed_titles_give_no_title_terms_and_real_ones_do(tmp_path, settings):
    """A title guessed from a text's first line is shown, but the title field (which weighs
    more than the body) only holds real titles, in both backends (see test_es_backend)."""
    (tmp_path / "docs").mkdir()
    body = "Ouders en school werken samen aan de overgang naar het voortgezet onderwijs. " * 3
    (tmp_path / "docs" / "geraden.txt").write_text(f"Zomerschool in Venray\n\n{body}", encoding="utf-8")
    (tmp_path / "docs" / "echt.md").write_text(f"---\ntitel: Huiswerkklas in Venlo\n---\n{body}", encoding="utf-8")
    build_index([tmp_path / "docs"], settings)
    service = open_service(settings)
    try:
        g = service.backend._live()
        titled = {g.doc_ids[int(g.passage_doc[i])] for term in service.backend.analyzer.index_terms("Venray Venlo")
                  for i in g.title.lookup(term)[0]}
        assert titled == {"echt.md"}
        assert service.backend.get_document("geraden.txt").title == "Zomerschool in Venray"
    finally:
        service.close()



def test_documents_list_by_title_and_equal_titles_by_id(tmp_path):
    """As on Elasticsearch: the order does not depend on where or when a document was read."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = ("id: {id}\nnaam: {title}\nsamenvatting: Vrijwilligers lezen voor bij gezinnen thuis.\n"
              "beschrijving: Een vrijwilliger leest twintig weken lang samen met ouder en kind prentenboeken.\n"
              "sectoren: [vve]\nthemas: [taalontwikkeling]\ngemeenten: [Zwolle]\njaar: 2022\n"
              "bewijskracht: niet beoordeeld\nbronnen: [{{document: test.txt, vindplaats: regel 1}}]\n")
    # read in folder order (1/ first), but its record's id sorts last; a record file is named after its id
    for folder, doc_id, title in (("1", "zz-voorlezen", "Voorlezen thuis"), ("2", "aa-voorlezen", "voorlezen thuis"),
                                  ("3", "mm-aanpak", "Aanpak")):
        (corpus / folder).mkdir()
        (corpus / folder / f"{doc_id}.yaml").write_text(record.format(id=doc_id, title=title), encoding="utf-8")
    settings = Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake")
    report = build_index([corpus], settings, progress=False)
    assert not report.errors, report.errors
    backend = open_backend(settings)
    try:
        records, total = backend.documents({}, 0, 10)
        assert total == 3 and [r.id for r in records] == ["mm-aanpak", "aa-voorlezen", "zz-voorlezen"]
    finally:
        backend.close()


def test_page_records_are_what_the_passages_records_give(sample):
    """The embedded backend's lean page read (no record objects; the date its writer stored as
    sort_date) gives every field a hit shows as the generic path over passages() does."""
    from indexer.ranking import hits

    backend = sample.backend
    ids = list(backend._live().passage_ids)
    lean = backend.page_records(ids + ["no-such-passage"])
    generic = hits.page_records(SimpleNamespace(passages=backend.passages), ids)
    assert lean == generic and len(lean) == len(ids)
    dates = {rec.date for rec in lean.values()}
    assert any(len(d) == 10 for d in dates) and any(len(d) == 4 for d in dates)  # a datum, a year
