"""The benchmark harness end to end at a tiny size (not a timing test), and the embedded
backend's performance caches giving exactly the uncached results on the mini corpus."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_bench_run():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("gka_bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_harness_end_to_end(tmp_path):
    pytest.importorskip("bm25s")
    pytest.importorskip("Stemmer")
    pytest.importorskip("scipy")
    run = _load_bench_run()
    out = tmp_path / "results"
    results = run.main([
        "--sizes", "200", "--queries", "5", "--reps", "1", "--out", str(out), "--work", str(tmp_path / "work"),
        "--embedders", "fake:384=20", "--nlp-files", "2", "--incremental-size", "120", "--quiet", "--tag", "smoke", "--inprocess", "--unique", "20",
    ])
    files = {p.name for p in out.iterdir()}
    assert any(f.endswith("-smoke.json") for f in files) and any(f.endswith("-smoke.md") for f in files)
    saved = json.loads(next(out.glob("*-smoke.json")).read_text(encoding="utf-8"))
    assert saved["sizes"].keys() == results["sizes"].keys() == {"200"}
    entry = saved["sizes"]["200"]
    assert entry["build"]["passages"] == 200
    for key in ("storage_passages_per_s", "index_bytes", "peak_rss_mb"):
        assert entry["build"][key] > 0
    for system in ("query", "reference"):  # the reference comparison ran
        assert "error" not in entry[system], entry[system]
        assert entry[system]["peak_rss_mb"] > 0
        for mode in ("keyword", "semantic", "hybrid"):
            for suffix in ("", "_filtered"):
                lat = entry[system]["latency_ms"][mode + suffix]
                assert lat["n"] == 5
                assert {"p50", "p95", "p99"} <= lat.keys()
    for mode in ("keyword", "semantic", "hybrid"):
        assert entry["ratios"][mode]["p95"] is not None
    assert "searcher_rss" in entry["ratios"]
    assert saved["parse_nlp"]["passages"] > 0
    assert saved["embedders"]["fake:384"]["passages_per_s"] > 0
    inc = saved["incremental"]
    assert inc["unchanged_report"]["indexed"] == 0 and inc["unchanged_report"]["unchanged"] == inc["documents"]
    assert inc["full_build_s"] > 0
    assert any(t["target"].startswith("unchanged incremental") for t in saved["targets"])
    for mode in ("keyword", "semantic", "hybrid"):  # the ranking stage alone was timed too
        assert entry["query"]["rank_latency_ms"][mode]["n"] == 5
        assert entry["ratios"][f"rank_{mode}"]["p95"] is not None
    for mode in ("keyword", "hybrid"):  # and queries searched once each
        assert entry["query"]["unique_latency_ms"][mode]["n"] == 20
    md_path = next(out.glob("*-smoke.md"))
    md = md_path.read_text(encoding="utf-8")
    assert "| passages |" in md and "Machine:" in md and "Ranking stage alone" in md
    assert "queries each searched once" in md
    md_path.unlink()  # --report re-renders the report from the JSON alone
    again = run.main(["--report", str(next(out.glob("*-smoke.json")))])
    assert md_path.read_text(encoding="utf-8").split("Total bench time")[0] == md.split("Total bench time")[0]
    assert again["targets"] == saved["targets"]


def test_scale_corpus_is_deterministic_and_sized():
    sys.path.insert(0, str(ROOT / "bench"))
    from scale_corpus import ScaleCorpus, load_sources

    src = load_sources()
    a = list(ScaleCorpus(seed=3, sources=src).documents(57))
    b = list(ScaleCorpus(seed=3, sources=src).documents(57))
    assert sum(len(d.passages) for d in a) == 57
    assert [p.text for d in a for p in d.passages] == [p.text for d in b for p in d.passages]
    assert all(5 <= len(d.passages) <= 10 for d in a[:-1])
    v = np.concatenate([d.vectors for d in a])
    assert v.shape == (57, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    emb = ScaleCorpus(seed=3, sources=src).embedder
    d = a[0]
    again = emb.embed_passages([f"{d.title}\n{p.text}" for p in d.passages])
    assert np.allclose(again, d.vectors, atol=1e-5)  # vectors are a function of the text


def test_embedded_caches_give_uncached_results(built_index):
    """Performance caches (scores reused by facet_counts, facet masks, BLAS-limited matvec,
    text-less document rows) must not change any result."""
    from indexer.analysis import get_analyzer
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.backends.embedded import store, vector_scoring
    from indexer.embeddings import make_embedder
    from indexer.ranking.query_syntax import parse_query

    settings, _ = built_index
    emb = make_embedder("fake")
    warm = EmbeddedBackend(settings.index_dir, analyzer=get_analyzer())
    queries = ["taal peuters", "huiswerkbegeleiding", "ouders mbo -rotterdam", '"brede brugklas"', "sport"]
    filter_sets = [{}, {"type": ["praktijkverhaal"]}, {"sector": ["po", "mbo"]}]
    for _ in range(2):  # second round answers from the caches
        for text in queries:
            q = parse_query(text)
            vec = emb.embed_query(text)
            for filters in filter_sets:
                cold = EmbeddedBackend(settings.index_dir, analyzer=get_analyzer())
                g = cold._live()
                assert warm.keyword_search(q, filters, 20) == cold.keyword_search(q, filters, 20)
                assert warm.vector_search(vec, filters, 20) == cold.vector_search(vec, filters, 20)
                near = [s.passage_id for s in warm.vector_search(vec, {}, 20)]
                assert warm.facet_counts(q, near, filters) == cold.facet_counts(q, near, filters)
                # exact similarities equal plain numpy (passage vectors blended with their best window)
                v32 = np.asarray(vec, dtype=np.float32)
                sims = np.asarray(g.vectors @ v32, dtype=np.float32)
                if g.windows is not None:
                    best = np.full(len(sims), -np.inf, dtype=np.float32)
                    owner = np.load(g.path / "window_owner.npy")
                    np.maximum.at(best, owner, np.asarray(g.windows.vectors @ v32, dtype=np.float32))
                    has = np.isfinite(best)
                    sims[has] = 0.5 * best[has] + 0.5 * sims[has]
                assert np.allclose(vector_scoring.vector_scores(g, vec, cold.nprobe).dense(len(sims)), sims, atol=1e-6)
                uncached = g.facets._doc_mask(filters)
                cached = warm._live().facets.doc_mask(filters)
                assert (uncached is None and cached is None) or np.array_equal(uncached, cached)
                cold.close()
    g = warm._live()
    ids = g.passage_ids[:7]
    got = warm.passages(ids)
    conn = g.db.get()
    for passage, doc in got:
        row = conn.execute(f"SELECT {store.DOC_COLUMNS} FROM documents WHERE id = ?", (doc.id,)).fetchone()
        assert doc == store.record_from_row(row, with_text=False)
    warm.close()


def test_bench_stages_times_every_stage_of_the_full_response(tmp_path, capsys):
    _load_bench_run()  # puts bench/ on the path for the sibling imports
    spec = importlib.util.spec_from_file_location("gka_bench_stages", ROOT / "bench" / "stages.py")
    stages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stages)
    stages.main(["--size", "200", "--queries", "4", "--reps", "1", "--modes", "keyword,hybrid"])
    out = capsys.readouterr().out
    assert "built 200 passages" in out
    for mode in ("keyword", "hybrid"):
        assert f"{mode}: full response p50" in out
    # every stage ran (a stage that was never called would print 0.00)
    for _, label in stages.STAGES:
        lines = [line for line in out.splitlines() if line.strip().startswith(label)]
        assert len(lines) == 2 and all(float(line.split()[-2]) > 0 for line in lines)


def test_the_scale_corpus_can_carry_the_sentence_windows_of_a_real_build():
    _load_bench_run()  # puts bench/ on the path for the sibling imports
    import scale_corpus

    from indexer.passages import sentence_windows

    docs = list(scale_corpus.ScaleCorpus(seed=13).documents(60, windows=True))
    for doc in docs:
        expected = [(i, w) for i, p in enumerate(doc.passages) for w in sentence_windows(p.text)]
        assert doc.window_owner == [i for i, _ in expected]
        if expected:
            assert doc.window_vectors.shape == (len(expected), doc.vectors.shape[1])
    assert sum(len(d.window_owner) for d in docs) > len(docs)  # long passages have windows
    assert all(d.window_vectors is None for d in scale_corpus.ScaleCorpus(seed=13).documents(60))


def test_unique_query_mode_times_each_query_once_after_other_queries(tmp_path, capsys):
    """bench --unique: no timed query is a warm-up query, a repeated bench query or another
    set's (a cache keyed by the query would answer it), and stages.py times each once."""
    _load_bench_run()  # puts bench/ on the path for the sibling imports
    from measure import unique_queries
    from scale_corpus import ScaleCorpus

    corpus = ScaleCorpus(seed=13)
    avoid = corpus.generated_queries(20)
    warm, sets = unique_queries(30, 3, 40, corpus, avoid=avoid)
    every = warm + [q for s in sets for q in s]
    assert len(warm) == 30 and [len(s) for s in sets] == [40, 40, 40]
    assert len(set(every)) == len(every) and not set(every) & set(avoid)
    spec = importlib.util.spec_from_file_location("gka_bench_stages", ROOT / "bench" / "stages.py")
    stages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stages)
    searched: list[str] = []
    from indexer import search as search_module

    real = search_module.Service.search

    def spy(self, request):
        searched.append(request.query)
        return real(self, request)

    search_module.Service.search = spy
    try:
        stages.main(["--size", "200", "--unique", "5", "--warm", "3", "--modes", "keyword,hybrid"])
    finally:
        search_module.Service.search = real
    assert "keyword (5 unique queries): full response p50" in capsys.readouterr().out
    timed = [q for i, q in enumerate(searched) if i % 8 >= 3]  # per mode: 3 warm-up, then 5 timed
    assert len(searched) == 16 and len(set(timed)) == 10 and not set(timed) & set(searched[:3])
