"""The keyword side read past the fused pool: a page's tail, hits' other passages, listed hits' keyword ranks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.model import Hit, SearchRequest
from indexer.passages import document_of

if TYPE_CHECKING:
    from indexer.ranking.searcher import Ranking

MAX_TAIL_DEPTH = 10_000  # keyword matches read for pages past the fused pool
MORE_PASSAGES_DEPTH = 1_000  # keyword matches read for a collapsed hit's other passages
# keyword ranks read for a listed hit the semantic side brought in from past the keyword pool
# (a full MORE_PASSAGES_DEPTH read cost ~1 ms a hybrid search at 10k passages)
EXPLAIN_DEPTH = 200


def add_other_passages(retriever, page: list[Hit], r: Ranking, request: SearchRequest) -> None:
    """Each hit's other passages in the result set, as its document's "more passages" show
    them: a collapsed hit's from the pool plus its document's keyword matches past the pool
    (read to MORE_PASSAGES_DEPTH); a listed hit's from the pool."""
    if request.collapse:
        if not r.keyword_more or request.mode == "semantic":
            return  # the pool holds every match: _rank listed them already
        pids = [pid for pid, _ in deep_keyword(retriever, r)]
    else:
        pids = [pid for pid, _, _ in r.ranked]
    by_doc = {hit.doc_id: hit for hit in page}
    for pid in pids:  # the document from the id: no record read (a thousand on Elasticsearch)
        hit = by_doc.get(document_of(pid))
        if hit is not None and pid != hit.passage_id and pid not in hit.more_passages:
            hit.more_passages.append(pid)


def deep_keyword(retriever, r: Ranking) -> list[tuple[str, float]]:
    if r.deep_keyword is None:
        r.deep_keyword = retriever.keyword(r.query, r.filters, MORE_PASSAGES_DEPTH)
    return r.deep_keyword


def ranked_deeper(retriever, r: Ranking, keyword, ranked, request: SearchRequest) -> list[tuple[str, float]]:
    """The keyword ranking, read deeper when a listed passage is missing from it: the semantic
    side brings keyword matches from past the keyword side's depth into the pool, and their
    explanation and ``keyword_rank`` should not say "no match". A collapsed page reads to
    MORE_PASSAGES_DEPTH for its other passages anyway; others read to EXPLAIN_DEPTH."""
    if not r.keyword_more or len(keyword) >= MORE_PASSAGES_DEPTH:
        return keyword
    have = {pid for pid, _ in keyword}
    if all(pid in have for pid, _, _ in ranked):
        return keyword
    if request.collapse and request.doc_id is None and request.mode != "semantic":
        return deep_keyword(retriever, r)
    if len(keyword) >= EXPLAIN_DEPTH:
        return keyword
    return retriever.keyword(r.query, r.filters, EXPLAIN_DEPTH)


def keyword_tail(retriever, meta, r: Ranking, request: SearchRequest, wanted: int):
    """Results past the fused pool, for a page beyond it: the remaining keyword matches in
    keyword order (the pool holds every semantic result). Their fused score is 0, as a
    normalised keyword score below the pool's lowest is. Returns (tail, keyword ranking
    extended by what was read, so its ranks show)."""
    seen = {pid for pid, _, more in r.ranked for pid in (pid, *more)}
    seen_docs = {doc for doc, _ in meta(list(seen)).values()} if request.collapse else set()
    n, keyword = r.depth, r.keyword
    while True:
        n = min(MAX_TAIL_DEPTH, max(2 * n, r.depth + 3 * wanted))
        keyword, read, _ = retriever.keyword_read(r.query, r.filters, n)
        fresh = [(pid, score) for pid, score in keyword if pid not in seen]
        info = meta([pid for pid, _ in fresh])
        tail, docs = [], set(seen_docs)
        for pid, score in fresh:
            if pid not in info or (request.collapse and info[pid][0] in docs):
                continue
            docs.add(info[pid][0])
            tail.append((pid, score if request.mode == "keyword" else 0.0, []))
        if len(tail) >= wanted or read < n or n >= MAX_TAIL_DEPTH:
            return tail, keyword
