"""Reading a `search --batch` file: every line is checked before any search runs, so a bad
line never leaves half of the results printed."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.errors import QueryError
from indexer.ranking.query_syntax import MAX_QUERY_CHARS

MAX_LISTED = 10  # bad lines named one by one; past that they are only counted
# search options hold for the whole batch: on a line they would be ignored, and a filter that
# silently does not apply gives results that look right. Other keys (an eval file's "relevant",
# "lang") are the caller's own and pass.
LINE_OPTIONS = {"filter": "--filter", "filters": "--filter", "mode": "--mode", "k": "--k",
                "collapse": "--collapse"}
BATCH_HINT = (f'one JSON object per line, each with a unique "id" and a "query" of at most {MAX_QUERY_CHARS} '
              'characters: {"id": "q1", "query": "ouderbetrokkenheid in het mbo"}')


def read_batch(path, allow_empty_query: bool = False) -> list[tuple[str | int, str]]:
    """(id, query) of every line of ``path``; QueryError naming each bad line otherwise.
    An empty query is only allowed when filters alone can answer it (``allow_empty_query``)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write one
    except (OSError, UnicodeDecodeError) as exc:  # the batch file, not the index: no disk hint
        raise QueryError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    queries: list[tuple[str | int, str]] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}  # str(id) -> line, so 1 and "1" count as the same id
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{n}: not JSON ({exc.msg}, column {exc.colno})")
            continue
        problem = line_problem(item, allow_empty_query)
        if not problem and str(item["id"]) in first_line:
            problem = f"id {item['id']!r} is already used on line {first_line[str(item['id'])]}"
        if problem:
            problems.append(f"{path}:{n}: {problem}")
            continue
        first_line[str(item["id"])] = n
        queries.append((item["id"], item["query"]))
    raise_line_problems(problems, path, "nothing was searched", BATCH_HINT)
    if not queries:
        raise QueryError(f"no queries in {path}", hint=BATCH_HINT)
    return queries


def raise_line_problems(problems: list[str], path, outcome: str, hint: str) -> None:
    """QueryError listing every bad line of a JSON-lines file (none: nothing to raise)."""
    if len(problems) == 1:
        raise QueryError(f"{problems[0]}; {outcome}", hint=hint)
    if problems:
        listed = problems[:MAX_LISTED] + ([f"… and {len(problems) - MAX_LISTED} more"]
                                          if len(problems) > MAX_LISTED else [])
        raise QueryError(f"{len(problems)} bad lines in {path}; {outcome}:\n  " + "\n  ".join(listed), hint=hint)


def line_problem(item, allow_empty_query: bool = False) -> str:
    """What is wrong with one parsed line as a query to search ("" when nothing is); shared with
    an eval file's lines."""
    if not isinstance(item, dict):
        return "not a JSON object"
    if "id" not in item:
        return 'no "id"'
    qid = item["id"]
    if isinstance(qid, bool) or not isinstance(qid, (str, int)) or (isinstance(qid, str) and not qid.strip()):
        return '"id" must be a non-empty string or an integer'
    if "query" not in item:
        return 'no "query"'
    query = item["query"]
    if not isinstance(query, str):
        return '"query" must be a string'
    if not query.strip() and not allow_empty_query:
        return 'empty "query" (allowed only with --filter, to list the filtered documents)'
    if len(query) > MAX_QUERY_CHARS:  # the searcher's own limit and wording
        return f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}"
    options = [key for key in item if key in LINE_OPTIONS]
    if options:
        flags = ", ".join(dict.fromkeys(LINE_OPTIONS[key] for key in options))
        return (f"{', '.join(repr(k) for k in options)} on a line is not read: "
                f"search options hold for the whole batch ({flags})")
    return ""
