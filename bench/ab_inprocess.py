"""Old code against new in one process: the search of a git revision and of the work tree, on one
index, each query run by both in alternating order (not a test).

    python bench/ab_inprocess.py --base HEAD~3 --index /tmp/idx10k --modes keyword
    python bench/ab_inprocess.py --base main --size 10000          # builds a scale index first
    python bench/ab_inprocess.py --base HEAD~3 --index /tmp/idx10k --unique 400   # each query once

On this shared two-core host a run of one code and then the other can differ by 2x for no reason
of theirs; here the noise falls on both alike. The revision's ``indexer`` package is exported
under another name (``indexer_base``, its imports rewritten), so both load side by side; the
statistic is bench/run.py's (per-query median over ``--reps``, then p50/p95 over the queries).
Both searchers in one process share the caches of the CPU, so the absolute figures run higher
than bench/run.py's: compare the two columns, not with a bench run. With ``--unique N`` every
timed query is searched once by each code (after a warm-up on ``--warm`` other queries), a
distinct set of N for each mode and stage, so no cache keyed by a query answers it; the
statistic is then p50/p95 over the N single searches.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402  (bench/run.py: corpus, queries, build)
from measure import unique_queries  # noqa: E402

_NAME = re.compile(r"\bindexer\b")


def export_base(rev: str, dest: Path) -> None:
    """``rev``'s indexer package as dest/indexer_base (imports renamed), with its mappings/."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "indexer", "mappings"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    (dest / "indexer").rename(dest / "indexer_base")
    for path in (dest / "indexer_base").rglob("*.py"):
        path.write_text(_NAME.sub("indexer_base", path.read_text(encoding="utf-8")), encoding="utf-8")


def open_both(index_dir: Path, queries: list[str]) -> dict:
    from scale_corpus import HashProjection

    embedder = HashProjection()
    out = {}
    for name, package in (("base", "indexer_base"), ("new", "indexer")):
        config = __import__(f"{package}.config", fromlist=["Settings"])
        search = __import__(f"{package}.search", fromlist=["open_service"])
        model = __import__(f"{package}.model", fromlist=["SearchRequest"])
        service = search.open_service(config.Settings.from_env(env={}, index_dir=index_dir, embedder=embedder.name),
                                      embedder=embedder)
        for q in queries:  # precomputed, as in run.py
            service._query_vectors[" ".join(q.lower().split())] = embedder.embed_query(q)
        out[name] = (service, model.SearchRequest)
    return out


def compare(services: dict, queries: list[str], mode: str, reps: int, ranking: bool,
            warm: list[str] | None = None) -> dict[str, list[float]]:
    """name -> per-query median ms. ``warm``: warm up on these instead of ``queries``."""
    def once(name: str, q: str) -> float:
        service, request = services[name]
        t0 = time.perf_counter()
        if ranking:
            service.searcher.rank(request(query=q, mode=mode, k=10))
        else:
            service.search(request(query=q, mode=mode, k=10))
        return (time.perf_counter() - t0) * 1000

    for name in services:  # warm-up
        for q in queries if warm is None else warm:
            once(name, q)
    per = {name: [[] for _ in queries] for name in services}
    for rep in range(reps):
        for i, q in enumerate(queries):
            for name in (("base", "new") if (rep + i) % 2 == 0 else ("new", "base")):
                per[name][i].append(once(name, q))
    return {name: [statistics.median(v) for v in times] for name, times in per.items()}


def main(argv: list[str] | None = None) -> None:
    import numpy as np
    from scale_corpus import ScaleCorpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="git revision of the old code")
    ap.add_argument("--index", type=Path, help="an existing scale index")
    ap.add_argument("--size", type=int, default=10_000, help="passages of the scale index to build (no --index)")
    ap.add_argument("--modes", default="keyword")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--unique", type=int, default=0, metavar="N",
                    help="N distinct queries per mode and stage, each searched once by each code")
    ap.add_argument("--warm", type=int, default=100, help="warm-up queries of --unique")
    args = ap.parse_args(argv)
    corpus = ScaleCorpus(seed=args.seed)
    queries = bench_run.load_queries(args.queries, corpus)
    modes = args.modes.split(",")
    warm, sets = [], []
    if args.unique:
        warm, sets = unique_queries(args.warm, 2 * len(modes), args.unique, corpus, avoid=queries)
    with tempfile.TemporaryDirectory(prefix="gka-ab-") as tmp:
        export_base(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            bench_run.worker_build({"size": args.size, "index_dir": str(index_dir), "seed": args.seed})
        services = open_both(index_dir, queries + warm + [q for qs in sets for q in qs])
        for m, mode in enumerate(modes):
            for ranking in (False, True):
                if args.unique:
                    medians = compare(services, sets[2 * m + ranking], mode, 1, ranking, warm)
                else:
                    medians = compare(services, queries, mode, args.reps, ranking)
                cells = [f"{name} p50 {np.percentile(m, 50):.3f} p95 {np.percentile(m, 95):.3f} mean {np.mean(m):.3f}"
                         for name, m in medians.items()]
                label = f"{mode} {'ranking stage' if ranking else 'full response'}" + (f" ({args.unique} unique)" if args.unique else "")
                print(f"{label} ms: " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
