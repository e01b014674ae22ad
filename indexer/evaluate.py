"""Phrase-judged evaluation: nDCG@10, Recall@10, MRR@10 (rules in ../shared/eval/README.md).

A judged item is found by a passage when one of its phrases occurs in the passage's first
250 words, both compared on NFKC-lowercased letters and digits only.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from indexer.errors import QueryError

CUT_WORDS = 250
_NOT_ALNUM = re.compile(r"[^a-z0-9à-öø-ÿ]")


def squash(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Judged:
    doc: str
    phrases: tuple[str, ...]
    grade: int


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    items: tuple[Judged, ...]


def load_queries(path: Path) -> list[EvalQuery]:
    queries = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items = tuple(
                Judged(str(r.get("doc", "")), tuple(r["phrases"]), int(r.get("grade", 1))) for r in raw.get("relevant", [])
            )
            queries.append(EvalQuery(str(raw["id"]), str(raw["query"]), items))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise QueryError(f"{path}:{n}: not a query line with id, query and relevant ({exc})") from exc
    return queries


def score_run(texts: Sequence[str], items: Sequence[Judged], k: int = 10) -> dict[str, float]:
    """Score one ranked list of passage texts against the judged items."""
    phrases = [[squash(p) for p in item.phrases] for item in items]
    found = [False] * len(items)
    dcg, mrr = 0.0, 0.0
    for rank, text in enumerate(texts[:k], start=1):
        cut = squash(" ".join(text.split()[:CUT_WORDS]))
        new = [i for i, ps in enumerate(phrases) if not found[i] and any(p and p in cut for p in ps)]
        any_match = any(any(p and p in cut for p in ps) for ps in phrases)
        if any_match and mrr == 0.0:
            mrr = 1.0 / rank
        if new:
            grade = max(items[i].grade for i in new)
            dcg += (2**grade - 1) / math.log2(rank + 1)
            for i in new:
                found[i] = True
    ideal_grades = sorted((it.grade for it in items), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(ideal_grades, start=1))
    return {
        "ndcg": dcg / idcg if idcg else 0.0,
        "recall": sum(found) / len(items) if items else 0.0,
        "mrr": mrr,
    }


def evaluate(queries: Sequence[EvalQuery], run: Callable[[str], list[str]], k: int = 10) -> dict:
    """``run(query) -> ranked passage texts``; returns means and per-query scores."""
    per_query = {}
    for q in queries:
        per_query[q.id] = score_run(run(q.query), q.items, k)
    n = max(len(per_query), 1)
    means = {m: sum(s[m] for s in per_query.values()) / n for m in ("ndcg", "recall", "mrr")}
    return {"mean": means, "queries": per_query}


def format_table(results: dict[str, dict]) -> str:
    lines = ["| mode | nDCG@10 | Recall@10 | MRR@10 |", "|---|---|---|---|"]
    for mode, res in results.items():
        m = res["mean"]
        lines.append(f"| {mode} | {m['ndcg']:.3f} | {m['recall']:.3f} | {m['mrr']:.3f} |")
    return "\n".join(lines)
