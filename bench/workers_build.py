"""Build-side benchmark workers: parse + NLP, embedding, index build and incremental rebuild."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import time
from pathlib import Path

from measure import current_rss_mb, dir_size, peak_rss_mb, percentiles, seed_windows


def worker_nlp(spec: dict) -> dict:
    """Parse + NLP (readers, spaCy pipeline, enrichment, passage split) on the real sample."""
    from indexer.build_documents import analyse_document
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
                doc = analyse_document(d, "bench", analyse, enrich, pipeline)
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
    it = corpus.documents(n, windows=bool(spec.get("windows")))
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


def _as_file(doc, rel: str) -> None:
    """The ids the Markdown reader gives the file ``rel``: build_index then finds the same
    documents, unchanged, instead of new ones replacing all the old."""
    from indexer.passages import passage_id

    doc.id = rel
    for p in doc.passages:
        p.doc_id, p.id = rel, passage_id(rel, p.ordinal)


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
    from indexer.build import build_index
    from indexer.build_files import file_hash
    from indexer.build_makers import file_salt
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
    settings = Settings.from_env(env={}, index_dir=index_dir, embedder=embedder.name)
    salt = file_salt(settings, pipeline.name, analyzer.version)  # build_index's own, so every file is unchanged
    sc = ScaleCorpus(seed=spec["seed"], embedder=embedder)
    backend = EmbeddedBackend(index_dir, analyzer=analyzer)
    meta = _meta(embedder, pipeline.name)
    writer = backend.writer(meta, full=True)
    t_write = 0.0
    docs = []
    for doc in sc.documents(n):
        rel = f"{doc.id}.md"
        path = corpus_dir / rel
        _as_file(doc, rel)
        fm = {"titel": doc.title, "type": doc.doc_type, "jaar": (doc.facets.get("jaar") or [""])[0],
              "sectoren": doc.facets.get("sector", []), "themas": doc.facets.get("thema", []),
              "gemeenten": doc.facets.get("gemeente", [])}
        body = "\n\n".join(p.text for p in doc.passages)
        path.write_text("---\n" + "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fm.items())
                        + "\n---\n\n" + body + "\n", encoding="utf-8")
        doc.content_hash = file_hash(path, rel, salt)[0]
        t0 = time.perf_counter()
        writer.upsert(doc)
        t_write += time.perf_counter() - t0
        docs.append(doc.id)
    t0 = time.perf_counter()
    writer.commit()
    t_write += time.perf_counter() - t0
    backend.close()
    runs = []
    report = None
    for _ in range(spec.get("reps", 3)):
        t0 = time.perf_counter()
        report = build_index([corpus_dir], settings, progress=False, embedder=embedder)
        runs.append(time.perf_counter() - t0)
    # the writer's incremental path: one document changed, the rest carried over
    backend = EmbeddedBackend(index_dir, analyzer=analyzer)
    changed = next(iter(sc.documents(8)))
    _as_file(changed, f"{changed.id}.md")
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
