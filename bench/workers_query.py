"""Query-side benchmark workers: the real Service.search and the brute-force reference."""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from measure import FILTER_SETS, MODES, current_rss_mb, peak_rss_mb, percentiles

DEPTH = 50  # candidate depth of both retrievers (Settings.candidate_depth)


def _request_sets(queries: list[str]) -> list[tuple[str, dict]]:
    return [(q, FILTER_SETS[i % len(FILTER_SETS)]) for i, q in enumerate(queries)]


def _time_workload(run_one, queries: list[str], reps: int) -> dict:
    """run_one(mode, query, filters) for every mode x {no filter, filter}; warm-up pass first;
    per-query median over ``reps`` repetitions, then p50/p95/p99 over queries."""
    out = {}
    qf = _request_sets(queries)
    for mode in MODES:
        for filtered in (False, True):
            for q, f in qf:  # warm-up (also fills query-vector caches)
                run_one(mode, q, f if filtered else {})
            per_query: list[list[float]] = [[] for _ in qf]
            for _ in range(reps):
                for i, (q, f) in enumerate(qf):
                    t0 = time.perf_counter()
                    run_one(mode, q, f if filtered else {})
                    per_query[i].append((time.perf_counter() - t0) * 1000)
            out[f"{mode}{'_filtered' if filtered else ''}"] = percentiles([statistics.median(v) for v in per_query])
    return out


def worker_query(spec: dict) -> dict:
    """The real Service.search over the built index; query vectors precomputed (cached)."""
    from scale_corpus import HashProjection
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    rss0 = current_rss_mb()
    t0 = time.perf_counter()
    embedder = HashProjection()
    settings = Settings.from_env(env={}, index_dir=Path(spec["index_dir"]), embedder=embedder.name)
    service = open_service(settings, embedder=embedder)
    service.stats()  # loads the live generation
    open_s = time.perf_counter() - t0
    rss_loaded = current_rss_mb()
    queries = spec["queries"]
    vectors = {q: embedder.embed_query(q) for q in queries}
    for q, v in vectors.items():  # precomputed: Service's query-vector cache answers from now on
        service._query_vectors[" ".join(q.lower().split())] = v
    totals: dict[str, list[int]] = {}

    def run_one(mode, q, filters):
        resp = service.search(SearchRequest(query=q, mode=mode, k=10, filters=filters))
        totals.setdefault(mode, []).append(resp.total)

    latency = _time_workload(run_one, queries, spec["reps"])

    def rank_one(mode, q, filters):  # the ranking stage alone: what retrieval-only peers measure
        service.searcher.rank(SearchRequest(query=q, mode=mode, k=10, filters=filters))

    rank_latency = _time_workload(rank_one, queries, spec["reps"])
    unique = _time_unique(service, embedder, spec["unique"]) if spec.get("unique") else {}
    peak = peak_rss_mb()  # before a query model is loaded: the searcher's own memory
    live = {name: _time_live_hybrid(service, name, queries, spec["reps"]) for name in spec.get("live_embedders", [])}
    model_peak = peak_rss_mb() if live else None  # what a searcher that embeds its queries holds
    service.close()
    return {"open_s": open_s, "rss_start_mb": rss0, "rss_loaded_mb": rss_loaded, "rss_after_mb": current_rss_mb(),
            "peak_rss_mb": peak, "peak_rss_with_query_model_mb": model_peak, "latency_ms": latency, "rank_latency_ms": rank_latency, "unique_latency_ms": unique,
            "live_hybrid_ms": live, "mean_hits": {m: statistics.mean(v) for m, v in totals.items()}}


def _time_unique(service, embedder, unique: dict) -> dict:
    """Full responses of queries each searched once (after a warm-up on others), a distinct set
    per mode: no cache keyed by a query answers them. Query vectors precomputed, as above."""
    from indexer.model import SearchRequest

    for q in unique["warm"] + [q for m in ("keyword", "hybrid") for q in unique[m]]:
        service._query_vectors[" ".join(q.lower().split())] = embedder.embed_query(q)
    for q in unique["warm"]:
        service.search(SearchRequest(query=q, mode="hybrid", k=10))
    out = {}
    for mode in ("keyword", "hybrid"):
        times = []
        for q in unique[mode]:
            t0 = time.perf_counter()
            service.search(SearchRequest(query=q, mode=mode, k=10))
            times.append((time.perf_counter() - t0) * 1000)
        out[mode] = percentiles(times)
    return out


class LiveQueries:
    """A real model's query embedding under the scale index's embedder name (the index holds
    random projections of the same dimension; passages are never embedded through it)."""

    def __init__(self, model, name: str, dim: int):
        if model.dim != dim:
            raise ValueError(f"{model.name} has {model.dim} dimensions, the scale index {dim}")
        self.model, self.name, self.dim = model, name, model.dim

    def embed_query(self, text: str):
        return self.model.embed_query(text)

    def embed_passages(self, texts):
        raise RuntimeError("the benchmark embeds queries only")


def _time_live_hybrid(service, name: str, queries: list[str], reps: int) -> dict:
    """Hybrid full responses, each embedding its query with the real model ``name`` (no
    query-vector cache): the end-to-end figure, where the model and the search share 2 cores."""
    from indexer.embeddings import make_embedder
    from indexer.model import SearchRequest

    try:
        service._embedder = LiveQueries(make_embedder(name), service.embedder.name, service.embedder.dim)
    except ValueError as exc:
        return {"error": str(exc)}
    per_query: list[list[float]] = [[] for _ in queries]
    for rep in range(reps + 1):  # the first pass warms up
        for i, q in enumerate(queries):
            service._query_vectors.clear()
            t0 = time.perf_counter()
            service.search(SearchRequest(query=q, mode="hybrid", k=10))
            if rep:
                per_query[i].append((time.perf_counter() - t0) * 1000)
    return percentiles([statistics.median(v) for v in per_query])


def worker_reference(spec: dict) -> dict:
    """Brute-force reference over the same texts, vectors and facets: bm25s + numpy + RRF."""
    import sqlite3

    import bm25s
    import numpy as np
    import Stemmer

    from scale_corpus import HashProjection
    from indexer.backends.embedded import layout
    from indexer.backends.embedded.ann import load_passage_vectors

    gen = layout.current_generation(Path(spec["index_dir"]))
    t0 = time.perf_counter()
    conn = sqlite3.connect(f"file:{gen / 'store.sqlite'}?mode=ro&immutable=1", uri=True)
    doc_facets = [json.loads(r[0]) for r in conn.execute("SELECT facets FROM documents ORDER BY idx")]
    rows = conn.execute("SELECT p.text, p.doc_idx, d.title FROM passages p JOIN documents d ON d.idx = p.doc_idx ORDER BY p.idx").fetchall()
    conn.close()
    texts = [f"{title}\n{text}" for text, _, title in rows]
    passage_doc = np.asarray([r[1] for r in rows], dtype=np.int64)
    del rows
    vectors = np.ascontiguousarray(np.asarray(load_passage_vectors(gen)), dtype=np.float32)
    load_s = time.perf_counter() - t0
    rss_loaded_pre_index = current_rss_mb()
    stemmer = Stemmer.Stemmer("dutch")
    t0 = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="nl", stemmer=stemmer.stemWords, show_progress=False)
    del texts
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    del tokens
    index_s = time.perf_counter() - t0
    rss_loaded = current_rss_mb()
    embedder = HashProjection()
    queries = spec["queries"]
    qvec = {q: embedder.embed_query(q) for q in queries}
    qtok = {q: bm25s.tokenize([q], stopwords="nl", stemmer=stemmer.stemWords, return_ids=False, show_progress=False)[0] for q in queries}
    mask_cache: dict[str, np.ndarray] = {}

    def passage_mask(filters: dict) -> np.ndarray | None:
        if not filters:
            return None
        key = json.dumps(filters, sort_keys=True)
        if key not in mask_cache:
            ok = np.asarray([all(set(f.get(k, [])) & set(v) for k, v in filters.items()) for f in doc_facets], dtype=bool)
            mask_cache[key] = ok[passage_doc]
        return mask_cache[key]

    def top(scores: np.ndarray, mask, k: int, positive: bool) -> list[int]:
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        if positive:
            scores = np.where(scores > 0, scores, -np.inf)
        k = min(k, len(scores))
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx])]
        return [int(i) for i in idx if np.isfinite(scores[i])]

    def run_one(mode, q, filters):
        mask = passage_mask(filters)
        kw = sem = []
        if mode in ("keyword", "hybrid"):
            kw = top(np.asarray(retriever.get_scores(qtok[q]), dtype=np.float32), mask, DEPTH, True)
        if mode in ("semantic", "hybrid"):
            sem = top(vectors @ qvec[q], mask, DEPTH, False)
        if mode == "hybrid":
            fused: dict[int, float] = {}
            for ranking in (kw, sem):
                for r, i in enumerate(ranking, start=1):
                    fused[i] = fused.get(i, 0.0) + 1.0 / (60 + r)
            return sorted(fused, key=lambda i: -fused[i])[:10]
        return (kw or sem)[:10]

    latency = _time_workload(run_one, queries, spec["reps"])
    return {"system": f"bm25s {bm25s.__version__} (PyStemmer dutch + nl stopwords) + numpy matmul + RRF k=60",
            "load_s": load_s, "index_s": index_s, "index_passages_per_s": len(passage_doc) / index_s if index_s else 0.0,
            "rss_loaded_pre_index_mb": rss_loaded_pre_index, "rss_loaded_mb": rss_loaded, "peak_rss_mb": peak_rss_mb(),
            "latency_ms": latency}
