"""What GKA_NPROBE costs and buys on a built scale index (not a test).

    python bench/nprobe.py --index /tmp/idx100k --nprobe 24,126,0

For each setting: the top-10 overlap of vector search with exact search (nprobe 0), and the
hybrid full response p50 / p95 over the bench's 50 queries (precomputed query vectors, three
passes after a warm-up pass), as bench/run.py times it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from measure import load_queries  # noqa: E402
from scale_corpus import HashProjection, ScaleCorpus  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="a scale index (bench/run.py --keep)")
    ap.add_argument("--nprobe", default="24,126,0")
    args = ap.parse_args(argv)
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    embedder = HashProjection()
    queries = load_queries(50, ScaleCorpus(seed=13))
    vectors = [embedder.embed_query(q) for q in queries]

    def service(nprobe: int):
        svc = open_service(Settings.from_env(env={}, index_dir=args.index, embedder=embedder.name, nprobe=nprobe),
                           embedder=embedder)
        for q, v in zip(queries, vectors):
            svc._query_vectors[" ".join(q.lower().split())] = v
        return svc

    exact = service(0)
    truth = [{s.passage_id for s in exact.backend.vector_search(v, {}, 10)} for v in vectors]
    exact.close()
    for nprobe in (int(x) for x in args.nprobe.split(",")):
        svc = service(nprobe)
        overlap = [len(t & {s.passage_id for s in svc.backend.vector_search(v, {}, 10)}) / 10
                   for t, v in zip(truth, vectors)]
        for q in queries:
            svc.search(SearchRequest(q, mode="hybrid"))
        times = []
        for _ in range(3):
            for q in queries:
                t0 = time.perf_counter()
                svc.search(SearchRequest(q, mode="hybrid"))
                times.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"nprobe {nprobe}: top-10 overlap with exact {statistics.mean(overlap):.2f}; "
              f"hybrid full response p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
        svc.close()


if __name__ == "__main__":
    main()
