"""How the search command prints its results: a batch's JSON lines, one response as JSON or as text."""
from __future__ import annotations

import html
import json
import re
from dataclasses import asdict

_MARK = re.compile(r"</?mark>")


def batch_line(query_id, resp) -> str:
    """One --batch result: the query's id and its hits, as a JSON line."""
    return json.dumps({"id": query_id, "hits": [_hit_json(h) for h in resp.hits]}, ensure_ascii=False)


def _hit_json(hit) -> dict:
    return {"doc_id": hit.doc_id, "passage_id": hit.passage_id, "title": hit.title, "text": hit.text,
            "score": hit.score}


def print_response(resp, query: str | None, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"query": query, "total": resp.total,
                          "hits": [asdict(h) for h in resp.hits],
                          "facets": resp.facets, "suggestion": resp.suggestion, "corrected": resp.corrected,
                          "detected": resp.detected,
                          "word_matches": resp.word_matches, "partial_words": resp.partial_words,
                          "missing_words": resp.missing_words},
                         ensure_ascii=False, indent=2))
        return
    if resp.corrected:
        print(f"Showing results for: {resp.corrected} (--exact searches the words as typed)")
    if resp.suggestion:
        print(f"Did you mean: {resp.suggestion}")
    if resp.detected:  # what the web page offers as filters ("Herkend in uw vraag")
        named = "; ".join(f"{field}={', '.join(values)}" for field, values in resp.detected.items())
        print(f"Recognised in the query: {named} (narrow with --filter FIELD=VALUE)")
    if not resp.total and query and _nothing_to_search(query):
        print("The query holds only stop words, symbols or exclusions: nothing to search for.")
    if resp.total and resp.word_matches is False:
        where = "No document that passes the filters holds" if resp.request.filters else "No document holds"
        print(f"{where} the query's words; these passages are only close in meaning.")
    elif resp.total:
        if resp.partial_words:
            print(f"In no document: {', '.join(resp.partial_words)}; the results hold parts of it.")
        if resp.missing_words:
            print(f"In no document, in no form: {', '.join(resp.missing_words)}; the results answer the rest.")
    for rank, hit in enumerate(resp.hits, start=1):
        score = "" if hit.score is None else f"[{hit.score:.3f}] "  # filters alone rank nothing
        print(f"{rank:2}. {score}{hit.title} ({hit.doc_type}) — {hit.passage_id}")
        # the snippet the web app shows (the sentences that answer), as plain text
        print(f"    {html.unescape(_MARK.sub('', hit.snippet)) if hit.snippet else _start(hit.text)}")
    print(f"{resp.total} result{'s' if resp.total != 1 else ''} in {resp.took_ms:.1f} ms")


def _start(text: str) -> str:
    """A passage's first words, as long as a snippet may be at most."""
    from indexer.ranking.snippets import SNIPPET_MAX_CHARS

    start = " ".join(text.split()[:40])
    return start if len(start) <= SNIPPET_MAX_CHARS else start[:SNIPPET_MAX_CHARS - 2] + " …"


def _nothing_to_search(query: str) -> bool:
    """Only stop words, symbols or exclusions ("de het", "!@#"), as the web page tells them."""
    from indexer.analysis import get_analyzer
    from indexer.ranking.word_coverage import nothing_to_search

    return nothing_to_search(get_analyzer(), query) is not None
