"""Phrase-judged evaluation: nDCG@10, Recall@10, MRR@10 (rules in ../shared/eval/README.md),
and how often a relevant hit's snippet shows the judged phrase.

A judged item is found by a passage when one of its phrases occurs in the passage's first
250 words, both compared on NFKC-lowercased letters and digits only.
"""
from __future__ import annotations

import html
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
_MARK = re.compile(r"</?mark>")


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


EVAL_LINE_HINT = ('a line: {"id": "q1", "query": "...", "relevant": [{"doc": "...", '
                  '"phrases": ["..."], "grade": 2}]}; a grade is 2 (answers the query) or 1 (related)')
GRADES = (1, 2)  # ../shared/eval/README.md: 2 = answers the query, 1 = related


def load_queries(path: Path) -> list[EvalQuery]:
    """The judged queries of ``path``; QueryError naming each bad line otherwise."""
    from indexer.batch import line_problem, raise_line_problems

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:  # not the index's disk: no index hint
        raise QueryError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    queries = []
    problems: list[str] = []
    first_line: dict[str, int] = {}  # scores are kept per id: a repeated id would drop a query
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items = tuple(_judged(r) for r in _judgments(raw))
            query = EvalQuery(str(raw["id"]), str(raw["query"]), items)
        except _BadJudgment as exc:
            problems.append(f"{path}:{n}: {exc}")
            continue
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(f"{path}:{n}: not a query line with id, query and relevant ({exc})")
            continue
        # what a search --batch line must be too: a query to search (eval takes no --filter)
        problem = 'empty "query"' if not str(raw["query"]).strip() else line_problem(raw)
        if problem:
            problems.append(f"{path}:{n}: {problem}")
            continue
        if query.id in first_line:
            problems.append(f"{path}:{n}: id {query.id!r} is already used on line {first_line[query.id]}")
            continue
        first_line[query.id] = n
        queries.append(query)
    raise_line_problems(problems, path, "nothing was scored", EVAL_LINE_HINT)
    return queries


class _BadJudgment(TypeError):
    """A line's "relevant" judgments are not of the format (the message says how)."""


def _judgments(raw: dict) -> list:
    relevant = raw.get("relevant", [])
    if not isinstance(relevant, list):
        raise _BadJudgment('"relevant" must be a list of judgments')
    return relevant


def _judged(r) -> Judged:
    """One judgment; phrases a list of strings (a bare string would be scored letter by letter),
    a grade 1 or 2 (1 when not given)."""
    if not isinstance(r, dict):
        raise _BadJudgment('a judgment is an object {"doc", "phrases", "grade"}')
    if "phrases" not in r:
        raise _BadJudgment('a judgment without "phrases"')
    phrases = r["phrases"]
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise _BadJudgment('"phrases" must be a non-empty list of non-empty strings')
    grade = r.get("grade", 1)
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise _BadJudgment(f'"grade" must be 2 (answers the query) or 1 (related), not {json.dumps(grade)}')
    return Judged(str(r.get("doc", "")), tuple(phrases), grade)


def score_run(texts: Sequence[str], items: Sequence[Judged], k: int = 10) -> dict[str, float]:
    """Score one ranked list of passage texts against the judged items."""
    phrases = [[squash(p) for p in item.phrases] for item in items]
    found = [False] * len(items)
    dcg, mrr = 0.0, 0.0
    for rank, text in enumerate(texts[:k], start=1):
        cut = _judged_text(text)
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


def snippet_counts(hits: Sequence[tuple[str, str]], items: Sequence[Judged], k: int = 10) -> tuple[int, int]:
    """(hits in the top k whose passage contains a judged phrase, those whose snippet shows
    one): whether the snippet shows the user the answer the passage holds."""
    phrases = [p for p in (squash(p) for item in items for p in item.phrases) if p]
    relevant = shown = 0
    for text, snippet in hits[:k]:
        cut = _judged_text(text)
        if any(p in cut for p in phrases):
            relevant += 1
            shown_text = squash(html.unescape(_MARK.sub("", snippet)))
            shown += any(p in shown_text for p in phrases)
    return relevant, shown


def _judged_text(text: str) -> str:
    """What a phrase is looked for in: the passage's first CUT_WORDS words, squashed."""
    return squash(" ".join(text.split()[:CUT_WORDS]))


def evaluate(queries: Sequence[EvalQuery], run: Callable[[str], list], k: int = 10) -> dict:
    """``run(query) -> ranked passage texts``, or ``(text, snippet)`` pairs to score the
    snippets too; returns means and per-query scores."""
    per_query = {}
    relevant = shown = 0
    for q in queries:
        ranked = run(q.query)
        pairs = ranked if ranked and isinstance(ranked[0], tuple) else None
        per_query[q.id] = score_run([r[0] for r in ranked] if pairs else ranked, q.items, k)
        if pairs:
            r, s = snippet_counts(pairs, q.items, k)
            relevant, shown = relevant + r, shown + s
    n = max(len(per_query), 1)
    means = {m: sum(s[m] for s in per_query.values()) / n for m in ("ndcg", "recall", "mrr")}
    if relevant:
        means["snippet"] = shown / relevant
    return {"mean": means, "queries": per_query}


def format_table(results: dict[str, dict]) -> str:
    snippets = any("snippet" in res["mean"] for res in results.values())
    lines = ["| mode | nDCG@10 | Recall@10 | MRR@10 |" + (" Snippet |" if snippets else ""),
             "|---|---|---|---|" + ("---|" if snippets else "")]
    for mode, res in results.items():
        m = res["mean"]
        extra = f" {m['snippet']:.3f} |" if "snippet" in m else (" - |" if snippets else "")
        lines.append(f"| {mode} | {m['ndcg']:.3f} | {m['recall']:.3f} | {m['mrr']:.3f} |{extra}")
    if snippets:
        lines.append("\nSnippet: share of the relevant hits in the top 10 whose snippet shows a judged phrase.")
    return "\n".join(lines)
