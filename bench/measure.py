"""Generic benchmark helpers: memory, percentiles, sizes, the machine, queries and seed texts."""
from __future__ import annotations

import json
import os
import platform
import resource
from pathlib import Path

SHARED = Path(os.environ.get("GKA_SHARED", "/work/shared"))
DEV_QUERIES = SHARED / "eval" / "dev_queries.jsonl"
MODES = ("keyword", "semantic", "hybrid")
FILTER_SETS = (
    {"type": ["interventie"]},
    {"sector": ["mbo", "vmbo"]},
    {"jaar": ["2017"], "sector": ["po"]},
)


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


def unique_queries(n_warm: int, sets: int, n_each: int, corpus, avoid=()) -> tuple[list[str], list[list[str]]]:
    """Distinct generated queries for a bench in which every timed query is searched once only:
    ``n_warm`` warm-up queries and ``sets`` disjoint sets of ``n_each`` timed ones (one per mode
    and stage: a keyword search leaves its query's score set cached for a hybrid one). None is
    in ``avoid`` (the repeated bench's queries) or another set, so no cache keyed by a query (the
    score sets, query plans and vectors of indexer) answers a timed search."""
    seen = {" ".join(q.lower().split()) for q in avoid}
    need = n_warm + sets * n_each
    fresh = [q for q in corpus.generated_queries(need + len(seen), seed=4242) if q not in seen][:need]
    if len(fresh) < need:
        raise ValueError(f"only {len(fresh)} distinct queries for {need}")
    timed = fresh[n_warm:]
    return fresh[:n_warm], [timed[i * n_each:(i + 1) * n_each] for i in range(sets)]


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
