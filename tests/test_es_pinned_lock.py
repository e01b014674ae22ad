"""ElasticsearchBackend against the fake node: one index per pinned search, the build lock,
and records carrying every facet field as the embedded backend's do."""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from es_fake import FakeCluster, FakeDocs, error_body, search_response
from indexer.backends.elasticsearch_backend import ElasticsearchBackend
from indexer.errors import BuildLocked
from indexer.config import Settings
from indexer.errors import BackendUnavailable, IndexNotFound
from indexer.model import FACET_FIELDS, Entity, IndexedDocument, IndexMeta, Passage
from indexer.ranking.query_syntax import parse_query

API_KEY = "c2VjcmV0OnRvcC1zZWNyZXQta2V5"
OLD = "gka-v3-20240101t000000000000z"
NEW = "gka-v3-20250101t000000000000z"
DIM = 4
LOCK = "gka-build-lock"
HITS = [{"_id": "d1#0-abcd", "_score": 7.5}]


def _meta_body(index: str, created: str) -> dict:
    return {index: {"mappings": {"_meta": {
        "mapping_version": "2", "embedder": "fake", "dim": DIM, "backend": "elasticsearch",
        "pipeline": "blank:nl", "analyzer_version": "1", "created": created}}}}


def _alias_to(cluster: FakeCluster, index: str) -> None:
    """What a build's commit does: the alias now names ``index`` (newest route wins)."""
    cluster.on("GET", r"/_alias/gka", body={index: {"aliases": {"gka": {}}}})


@pytest.fixture
def cluster() -> FakeCluster:
    c = FakeCluster()
    _alias_to(c, OLD)
    c.on("GET", rf"/{OLD}/_mapping", body=_meta_body(OLD, "2024-01-01"))
    c.on("GET", rf"/{NEW}/_mapping", body=_meta_body(NEW, "2025-01-01"))
    c.on("POST", r"/[^/]+/_search", body=search_response(HITS))
    c.on("POST", r"/[^/]+/_mget", body={"docs": [{"_id": "doc::d1", "found": False}]})
    c.on("GET", r"/[^/]+/_stats/store", body={"_all": {"primaries": {"store": {"size_in_bytes": 1}}}})
    return c


def _backend(cluster: FakeCluster) -> ElasticsearchBackend:
    return ElasticsearchBackend(Settings(es_url="http://localhost:9200", es_api_key=API_KEY),
                                node_class=cluster.node_class)


@pytest.fixture
def backend(cluster: FakeCluster) -> ElasticsearchBackend:
    return _backend(cluster)


def _targets(cluster: FakeCluster) -> list[str]:
    """The index each read addressed (first path segment), in order; alias lookups left out."""
    return [r.path.split("/")[1] for r in cluster.requests if not r.path.startswith("/_alias")]


# -- pinned(): one physical index per search --------------------------------------------------


def test_pinned_reads_stay_on_one_index_when_a_build_swaps_the_alias(backend, cluster):
    with backend.pinned():
        backend.keyword_search(parse_query("taal"), {}, 10)
        _alias_to(cluster, NEW)  # a build publishes between two calls of the same search
        backend.vector_search(np.ones(DIM), {}, 10)
        backend.facet_counts(parse_query("taal"), ["d1#0-abcd"], {})
        backend.result_count(parse_query("taal"), ["d1#0-abcd"], {})
        backend.passages(["d1#0-abcd"])
        backend.document_hashes()
        assert backend.meta().created == "2024-01-01"  # the pinned index's meta, not the new one's
        assert backend.stats().location == "http://localhost:9200/gka"  # still named by its alias
    reads = [r.path for r in cluster.requests if not r.path.startswith("/_alias")]
    # the mapping first: which fields a search reads depends on its version (es_fields)
    assert reads == [f"/{OLD}/{endpoint}" for endpoint in
                     ["_mapping"] + ["_search"] * 4 + ["_mget", "_search", "_search", "_stats/store"]]
    assert len(cluster.calls("GET", r"/_alias/gka")) == 1  # resolved once, at entry

    cluster.requests.clear()
    backend.keyword_search(parse_query("taal"), {}, 10)  # outside: the alias, resolved by the server
    assert backend.meta().created == "2025-01-01"
    with backend.pinned():  # the next search pins what the alias names now
        backend.keyword_search(parse_query("taal"), {}, 10)
    assert _targets(cluster) == [NEW, "gka", NEW]  # NEW's mapping, read once


def test_nested_pins_keep_the_outer_index_and_other_threads_are_not_pinned(backend, cluster):
    elsewhere: list[str] = []

    def other_thread() -> None:
        start = len(cluster.requests)
        backend.keyword_search(parse_query("taal"), {}, 10)
        elsewhere.extend(r.path for r in cluster.requests[start:])

    with backend.pinned():
        _alias_to(cluster, NEW)
        with backend.pinned():  # nested (a pinned caller around the searcher): no new lookup
            backend.keyword_search(parse_query("taal"), {}, 10)
        backend.keyword_search(parse_query("taal"), {}, 10)  # the inner exit kept the outer pin
        assert _targets(cluster) == [OLD, OLD, OLD]  # OLD's mapping, then two searches
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    # the pin is this thread's only: the other one asks the alias (for the mapping) and searches it
    assert elsewhere == ["/_alias/gka", f"/{NEW}/_mapping", "/gka/_search"]
    assert len(cluster.calls("GET", r"/_alias/gka")) == 2


def test_pinned_without_an_alias_keeps_todays_errors(cluster):
    cluster.on("GET", r"/_alias/gka", status=404, body={"error": "alias [gka] missing", "status": 404})
    cluster.on("POST", r"/gka/_search", status=404,
               body=error_body(404, "index_not_found_exception", "no such index [gka]"))
    backend = _backend(cluster)
    with backend.pinned():
        assert backend.meta() is None
        with pytest.raises(IndexNotFound):
            backend.keyword_search(parse_query("taal"), {}, 10)
    assert cluster.last("POST").path == "/gka/_search"


def test_a_pinned_index_deleted_by_a_build_is_a_retryable_error(backend, cluster):
    """A full build deletes the index it replaces: a search pinned to it gets a 503 saying so,
    not "no index, build one first"."""
    cluster.on("POST", rf"/{OLD}/_search", status=404,
               body=error_body(404, "index_not_found_exception", f"no such index [{OLD}]"))
    with backend.pinned():
        with pytest.raises(BackendUnavailable, match="replaced by a new build") as info:
            backend.keyword_search(parse_query("taal"), {}, 10)
    assert "search again" in info.value.hint


# -- build_guard(): the build lock --------------------------------------------------------------


@pytest.fixture
def docs(cluster: FakeCluster) -> FakeDocs:
    return FakeDocs(cluster, LOCK)


def _lock_doc(started: datetime, host: str = "build-host-2", pid: int = 4242) -> dict:
    return {"host": host, "pid": pid, "started": started.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_build_guard_holds_a_lock_document_for_the_build_and_deletes_it(backend, cluster, docs):
    with backend.build_guard():
        held = docs.source(LOCK, "build")
        assert (held["host"], held["pid"]) == (socket.gethostname(), os.getpid())
        started = datetime.fromisoformat(held["started"])
        assert abs(datetime.now(timezone.utc) - started) < timedelta(minutes=1)
    assert docs.source(LOCK, "build") is None
    create = cluster.last("PUT", rf"/{LOCK}/_create/build")
    assert create.body == held
    release = cluster.last("DELETE", rf"/{LOCK}/_doc/build")
    assert "if_seq_no=0" in release.query and "if_primary_term=1" in release.query  # only our own lock


def test_a_second_build_is_refused_naming_who_holds_the_lock_since_when(cluster, docs):
    first, second = _backend(cluster), _backend(cluster)
    with first.build_guard():
        held = dict(docs.source(LOCK, "build"))
        with pytest.raises(BuildLocked) as info:
            with second.build_guard():
                pytest.fail("a second build ran while the lock was held")
        assert docs.source(LOCK, "build") == held  # the refused build left the holder's lock alone
    message = str(info.value)
    assert socket.gethostname() in message and f"pid {os.getpid()}" in message
    assert f"since {held['started']}" in message and "localhost:9200" in message
    hint = info.value.hint
    assert f"curl -X DELETE 'http://localhost:9200/{LOCK}/_doc/build'" in hint and "6 hours" in hint
    assert API_KEY not in message + hint
    assert len(cluster.calls("DELETE")) == 1  # the first build's release only


def test_the_lock_is_released_when_the_build_fails(backend, cluster, docs):
    with pytest.raises(RuntimeError, match="embedder crashed"):
        with backend.build_guard():
            raise RuntimeError("embedder crashed")
    assert docs.source(LOCK, "build") is None
    with _backend(cluster).build_guard():  # the next build may start
        pass


def test_the_build_index_entry_point_is_refused_before_loading_models(cluster, docs, monkeypatch, tmp_path):
    import indexer.build as build

    docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc) - timedelta(minutes=5)))
    backend = _backend(cluster)
    monkeypatch.setattr(build, "open_backend", lambda settings, analyzer=None: backend)
    monkeypatch.setattr("indexer.nlp.load_pipeline", lambda: pytest.fail("loaded a model while locked"))
    settings = Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake")
    with pytest.raises(BuildLocked, match="build-host-2, pid 4242"):
        build.build_index([tmp_path], settings, progress=False)
    assert cluster.calls("POST") == []  # nothing searched or written


def test_a_fresh_lock_of_another_host_is_not_taken_over(backend, cluster, docs):
    docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc) - timedelta(hours=5)))
    with pytest.raises(BuildLocked, match="build-host-2"):
        with backend.build_guard():
            pass
    assert docs.source(LOCK, "build")["host"] == "build-host-2" and cluster.calls("DELETE") == []


def test_a_stale_lock_is_taken_over_conditionally(backend, cluster, docs, caplog):
    docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc) - timedelta(hours=7)))
    with caplog.at_level(logging.WARNING):
        with backend.build_guard():
            assert docs.source(LOCK, "build")["pid"] == os.getpid()
    takeover = cluster.calls("DELETE", rf"/{LOCK}/_doc/build")[0]
    assert "if_seq_no=0" in takeover.query and "if_primary_term=1" in takeover.query
    assert "taking over the build lock" in caplog.text and "build-host-2" in caplog.text
    assert docs.source(LOCK, "build") is None


def test_a_stale_lock_another_build_took_over_first_is_not_deleted(backend, cluster, docs):
    """Two builds find the same stale lock: the one whose conditional delete loses sees the
    winner's lock on its next look, and is refused."""
    docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc) - timedelta(hours=7)))
    real_get = docs._get

    def get_then_lose_the_race(request):
        answer = real_get(request)
        docs.indices[LOCK].pop("build", None)  # the other build deletes the stale lock...
        docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc), host="winner"))  # ...and takes it
        cluster.on("GET", rf"/{LOCK}/_doc/build", responder=real_get)
        return answer

    cluster.on("GET", rf"/{LOCK}/_doc/build", responder=get_then_lose_the_race)
    with pytest.raises(BuildLocked, match="winner"):
        with backend.build_guard():
            pass
    assert docs.source(LOCK, "build")["host"] == "winner"
    assert [c.path for c in cluster.calls("DELETE")] == [f"/{LOCK}/_doc/build"]  # the losing attempt: a 409


def test_release_leaves_a_lock_taken_over_during_the_build(backend, cluster, docs, caplog):
    with caplog.at_level(logging.WARNING):
        with backend.build_guard():
            docs.indices[LOCK].pop("build")  # this build ran past the limit: another took over
            docs.put(LOCK, "build", _lock_doc(datetime.now(timezone.utc), host="successor"))
    assert docs.source(LOCK, "build")["host"] == "successor"
    assert "taken over or removed" in caplog.text


def test_the_lock_index_is_created_when_the_cluster_does_not_auto_create(cluster):
    docs = FakeDocs(cluster, LOCK, auto_create_index=False)
    with _backend(cluster).build_guard():
        assert docs.source(LOCK, "build") is not None
    create_index = cluster.last("PUT", rf"/{LOCK}")
    assert create_index.body == {"settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}}


# -- records: every facet field, [] when empty, as the embedded backend -------------------------


META = IndexMeta(backend="embedded", embedder="fake", dim=DIM, pipeline="blank:nl", analyzer_version="1")


def _doc_without_municipality() -> IndexedDocument:
    passages = [Passage(f"d1#{i}-abcd", "d1", i, "Aanpak", f"Kinderopvang tekst {i}", f"h{i}") for i in range(2)]
    return IndexedDocument(
        id="d1", title="Taalles op school", doc_type="onderzoek", source_path="a/b.md",
        text="Kinderopvang tekst 0\n\nKinderopvang tekst 1", content_hash="sha-1",
        # as indexer.nlp.enrich makes them: exactly FACET_FIELDS, [] for a field without values
        facets={f: [] for f in FACET_FIELDS} | {"type": ["onderzoek"], "jaar": ["2023"]},
        metadata={"samenvatting": "kort"}, entities=[Entity("ORG", "school", "school", 0, 6)],
        passages=passages, vectors=np.eye(2, DIM, dtype=np.float32),
        doc_vector=np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32))


def test_records_without_municipalities_read_gemeente_empty_as_the_embedded_backend(backend, cluster, tmp_path):
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.backends.es_writer import document_actions

    doc = _doc_without_municipality()
    stored = {a["_id"]: a["_source"] for a in document_actions(doc, OLD)}
    assert "gemeente" not in stored["doc::d1"]  # the writer stores no empty facet field

    def mget(request):
        return 200, {"docs": [{"_index": OLD, "_id": i, "found": i in stored,
                               **({"_source": stored[i]} if i in stored else {})} for i in request.body["ids"]]}

    cluster.on("POST", r"/gka/_mget", responder=mget)
    cluster.on("POST", r"/gka/_search", body=search_response(
        [{"_id": pid, "_score": None, "_source": stored[pid], "sort": [n, pid]}
         for n, pid in enumerate(["d1#0-abcd", "d1#1-abcd"])]))
    es_doc = backend.get_document("d1")
    [(_, es_light)] = backend.passages(["d1#0-abcd"])

    embedded = EmbeddedBackend(tmp_path / "index")
    try:
        writer = embedded.writer(META, full=True)
        writer.upsert(_doc_without_municipality())
        writer.commit()
        want_doc = embedded.get_document("d1")
        [(_, want_light)] = embedded.passages(["d1#0-abcd"])
    finally:
        embedded.close()

    assert es_doc.facets["gemeente"] == [] == want_doc.facets["gemeente"]
    assert set(es_doc.facets) == set(FACET_FIELDS) == set(want_doc.facets)
    assert es_doc.facets == want_doc.facets and es_light.facets == want_light.facets
