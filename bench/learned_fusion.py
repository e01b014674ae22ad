"""Would a learned ranker over the signals we have beat the tuned convex fusion? (not a test)

    python bench/learned_fusion.py --index var/seeds-index

For every query of the dev, paraphrased and validation sets: the ranking stage's keyword and
semantic candidates (depth 50 each) with 12 features, labelled with the grade of the judged
items each passage holds. A pairwise logistic ranker (L2, L-BFGS) is trained on two sets and
scored (nDCG@10, the eval's own scorer) on the third, for several feature subsets and
regularisations, next to the fused ranking the product ships.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = {"dev": ROOT.parent / "shared/eval/dev_queries.jsonl", "para": ROOT / "bench/eval/paraphrased_queries.jsonl",
        "val": ROOT / "bench/eval/validation_queries.jsonl"}
NAMES = ["kw", "sem", "kw*gloss", "sem*gloss", "kw_rr", "sem_rr", "sem_gap", "first", "log_ordinal", "length",
         "fused", "both"]
SUBSETS = {"all": None, "scores": [0, 1, 2, 3], "scores+ranks": [0, 1, 2, 3, 4, 5],
           "scores+position": [0, 1, 2, 3, 7, 8, 9], "fused+position": [10, 7, 8, 9], "fused+both": [10, 11]}


def extract(index: Path) -> dict[str, list[dict]]:
    from indexer.config import Settings
    from indexer.evaluate import _judged_text, load_queries, squash
    from indexer.model import SearchRequest
    from indexer.search import open_service

    service = open_service(Settings.from_env(index_dir=index))
    searcher = service.searcher
    out = {}
    for name, path in SETS.items():
        rows = []
        for q in load_queries(path):
            r = searcher.rank(SearchRequest(query=q.query, mode="hybrid", k=10, collapse=False))
            kw, sem = dict(r.keyword), dict(r.semantic)
            kw_rank = {p: i for i, (p, _) in enumerate(r.keyword)}
            sem_rank = {p: i for i, (p, _) in enumerate(r.semantic)}
            fused = {p: s for p, s, _ in r.ranked}
            order = list(dict.fromkeys([p for p, _, _ in r.ranked] + list(kw) + list(sem)))
            records = {p.id: p for p, _ in searcher.backend.passages(order)}
            terms = searcher.analyzer.query_terms(q.query)
            groups = {t.group for t in terms}
            gloss = len({t.group for t in terms if t.origin == "glossary"}) / len(groups) if groups else 0.0
            phrases = [[squash(p) for p in it.phrases] for it in q.items]
            cands = []
            for p in order:
                if p in records:
                    cut = _judged_text(records[p].text)
                    grade = max([it.grade for it, ps in zip(q.items, phrases) if any(x and x in cut for x in ps)], default=0)
                    cands.append(dict(pid=p, text=records[p].text, grade=grade, kw=kw.get(p), sem=sem.get(p),
                                      kw_rank=kw_rank.get(p), sem_rank=sem_rank.get(p), fused=fused.get(p, 0.0),
                                      ordinal=records[p].ordinal, words=len(records[p].text.split())))
            rows.append(dict(query=q, gloss=gloss, cands=cands, shipped=[p for p, _, _ in r.ranked]))
        out[name] = rows
    service.close()
    return out


def features(q: dict) -> np.ndarray:
    kws = [c["kw"] for c in q["cands"] if c["kw"] is not None] or [1.0]
    sems = [c["sem"] for c in q["cands"] if c["sem"] is not None] or [0.0, 1.0]
    top, lo, hi = max(kws), min(sems), max(sems)
    rows = []
    for c in q["cands"]:
        k = c["kw"] / top if c["kw"] is not None else 0.0
        s = (c["sem"] - lo) / (hi - lo) if c["sem"] is not None and hi > lo else 0.0
        gap = (c["sem"] - hi) if c["sem"] is not None else (lo - hi - 0.02)
        kr = c["kw_rank"] if c["kw_rank"] is not None else 60
        sr = c["sem_rank"] if c["sem_rank"] is not None else 60
        rows.append([k, s, k * q["gloss"], s * q["gloss"], 1 / (10 + kr), 1 / (10 + sr), 10 * gap,
                     float(c["ordinal"] == 0), math.log1p(c["ordinal"]), c["words"] / 120, c["fused"],
                     float(c["kw"] is not None and c["sem"] is not None)])
    return np.asarray(rows, dtype=float)


def fit(queries: list[dict], cols, lam: float) -> np.ndarray:
    from scipy.optimize import minimize

    diffs = []
    for q in queries:
        x, y = features(q)[:, cols], np.array([c["grade"] for c in q["cands"]])
        i, j = np.nonzero(y[:, None] > y[None, :])
        diffs.append(x[i] - x[j])
    d = np.concatenate(diffs)
    scale = np.abs(d).mean(0) + 1e-9
    d = d / scale

    def loss(w):
        z = d @ w
        reg = 0.01 * lam / len(w)
        return (np.logaddexp(0, -z).mean() + reg * (w @ w),
                -(d * (1 / (1 + np.exp(z)))[:, None]).mean(0) + 2 * reg * w)

    return minimize(loss, np.zeros(d.shape[1]), jac=True, method="L-BFGS-B").x / scale


def ndcg(queries: list[dict], cols=None, w=None) -> float:
    from indexer.evaluate import score_run

    scores = []
    for q in queries:
        texts = {c["pid"]: c["text"] for c in q["cands"]}
        if w is None:
            ranked = q["shipped"]
        else:
            s = features(q)[:, cols] @ w
            ranked = [q["cands"][i]["pid"] for i in sorted(range(len(s)), key=lambda i: (-s[i], q["cands"][i]["pid"]))]
        scores.append(score_run([texts[p] for p in ranked[:10] if p in texts], q["query"].items)["ndcg"])
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / "var/seeds-index")
    args = ap.parse_args(argv)
    data = extract(args.index)
    print("shipped fusion: " + ", ".join(f"{n} {ndcg(data[n]):.3f}" for n in ("val", "para", "dev")))
    for label, cols in SUBSETS.items():
        cols = list(range(len(NAMES))) if cols is None else cols
        for lam in (0.1, 1.0, 10.0):
            got = []
            for test in ("val", "para", "dev"):
                w = fit([q for n in SETS if n != test for q in data[n]], cols, lam)
                got.append(f"{test} {ndcg(data[test], cols, w):.3f}")
            print(f"{label:16} lambda {lam:4}: " + ", ".join(got))


if __name__ == "__main__":
    main()
