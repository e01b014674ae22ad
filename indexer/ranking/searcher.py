"""One search: parse, retrieve from both sides, fuse, boost, collapse, page, snippet.

Backend-independent: it only uses the Backend protocol, so both backends rank alike.
"""
from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass

from indexer.errors import QueryError, SearchTimeout
from indexer.model import FACET_FIELDS, MODES, Hit, SearchRequest, SearchResponse
from indexer.query_understanding import names_only, place_name_words
from indexer.ranking.beyond_pool import add_other_passages, keyword_tail, ranked_deeper
from indexer.ranking.browse import browse
from indexer.ranking.fusing import RankingConfig, fuse_sides, keyword_weight, split_pool
from indexer.ranking.hits import name_boosts, page_hits, rank_pool
from indexer.ranking.query_syntax import MAX_QUERY_CHARS, ParsedQuery, parse_query
from indexer.ranking.retrieval import Retriever
from indexer.ranking.snippets import Snippeter
from indexer.ranking.word_coverage import query_word_coverage

MAX_K = 50
MAX_PAGE = 50
DATE_SORT_LIMIT = 500  # results ordered by date at most (read from disk for their dates)
ENTITY_BOOST = 0.1  # share of the fused score added when a passage carries an entity named in the query


@dataclass
class Ranking:
    """The outcome of the ranking stage of one search."""

    query: ParsedQuery
    filters: dict[str, list[str]]
    keyword: list[tuple[str, float]]
    semantic: list[tuple[str, float]]
    vector: object
    detected: dict[str, list[str]]
    ranked: list[tuple[str, float, list[str]]]  # (passage id, score, other passages of its document)
    depth: int = 0  # candidates per retriever
    nearest: list[tuple[str, float]] | None = None  # the result set's semantic side, unfiltered
    keyword_more: bool = False  # keyword matches past the pool exist (counted, paged after it)
    partial_pool: frozenset[str] = frozenset()  # partial matches of the set (retrieval.Sides)
    deep_keyword: list[tuple[str, float]] | None = None  # read to MORE_PASSAGES_DEPTH, once asked
    corrected: str | None = None  # the query text searched instead of the request's
    names_only: bool = False  # the query only names values (query_understanding.names_only)


def validate(request: SearchRequest) -> None:
    if request.mode not in MODES:
        raise QueryError(f"unknown mode {request.mode!r}; choose one of: {', '.join(MODES)}")
    if not 1 <= request.k <= MAX_K:
        raise QueryError(f"k must be between 1 and {MAX_K}, got {request.k}")
    if not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}, got {request.page}")
    if len(request.query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(request.query)} characters; the limit is {MAX_QUERY_CHARS}")
    for field in request.filters:
        if field not in FACET_FIELDS:
            raise QueryError(f"unknown filter field {field!r}; choose from: {', '.join(FACET_FIELDS)}")
    if request.sort not in ("relevance", "date"):
        raise QueryError("sort must be 'relevance' or 'date'")


class Searcher:
    def __init__(self, backend, analyzer, embed_query, config: RankingConfig, detect=None, suggest=None,
                 correct=None):
        self.backend = backend
        self.analyzer = analyzer
        self.embed_query = embed_query  # callable text -> vector (lazy-loads the embedder)
        self.config = config
        self.detect = detect  # callable text -> {field: [values]}
        self.suggest = suggest  # callable (ParsedQuery, keyword hit count) -> str | None
        # callable ParsedQuery -> the query with its typos corrected, or None: searched instead
        self.correct = correct
        self.retriever = Retriever(backend, analyzer, embed_query, config.depth)
        self._local = threading.local()  # per search: seconds its time budget does not count

    def not_in_budget(self, seconds: float) -> None:
        """Leave ``seconds`` of the running search (this thread's) out of its time budget: a
        query model loaded during it, after a build switched the index's model."""
        self._local.excluded = getattr(self._local, "excluded", 0.0) + seconds

    def search(self, request: SearchRequest) -> SearchResponse:
        validate(request)
        self._local.excluded = 0.0
        with self._pinned():
            return self._search(request)

    def rank(self, request: SearchRequest) -> "Ranking":
        """The ranking stage alone (retrieve, fuse, boost, collapse), without reading records,
        snippets or facets: what the benchmark compares with retrieval-only peers."""
        validate(request)
        self._local.excluded = 0.0
        with self._pinned():
            return self._ranking(request, time.perf_counter())

    def _pinned(self):
        """One generation for the whole search, where the backend has generations."""
        pin = getattr(self.backend, "pinned", None)
        return pin() if pin else nullcontext()

    def _ranking(self, request: SearchRequest, start: float) -> "Ranking":
        query = parse_query(request.query)
        filters = {f: list(v) for f, v in request.filters.items() if v}
        # a word the index lacks, corrected with the confidence "Bedoelde u" has ("praktijkonderwjs"):
        # searched as corrected, as a search engine does, unless asked to search exactly
        corrected = self.correct(query) if self.correct and not request.exact and not query.is_empty else None
        if corrected:
            query = parse_query(corrected)
        if query.is_empty or not self.analyzer.query_terms(query.text):
            # only stop words or punctuation ("het", "*"): the semantic side would return the
            # whole index in an arbitrary order
            return Ranking(query, filters, [], [], None, {}, [])
        # not by page or page size: every page, the total and the facets describe one result set
        # (indexer/ranking/retrieval.py), and the normalisation the fusion was tuned on holds
        depth = 1000 if request.doc_id is not None else self.config.depth
        sides = self.retriever.retrieve(query, request.mode, filters, depth, whole_index=request.doc_id is None)
        self._check_budget(start)
        fused = self._server_fused(query, sides.vector, filters, depth, request.mode, sides.floor)
        tail: list[tuple[str, float]] = []
        semantic = sides.semantic
        if fused is None:
            fused = self._fuse(sides, request.mode, query.text)
            if request.doc_id is not None and request.mode != "keyword":
                # one document's passages of the result set (every keyword match is in it): the
                # pool's, scored as the result list scored them (filters: floors and scales
                # included), so its best passage and scores are the ones shown; then its keyword
                # matches past the pool at 0 in keyword order, as a search's tail is. Passages only
                # a deeper semantic search reaches are not in the set, so not shown.
                pool_sides = self.retriever.retrieve(query, request.mode, filters, self.config.depth)
                fused, tail = split_pool(self._fuse(pool_sides, request.mode, query.text), sides.keyword)
                # the ranks the list showed: the deeper search ranks passages the list's side never held
                semantic = pool_sides.semantic
        detected = self.detect(query.text) if self.detect else {}
        # rank from light metadata (in memory for the embedded backend); records are read for the page only
        meta = getattr(self.backend, "passage_meta", self._meta_from_records)
        names = names_only(query.text, detected, self.analyzer)
        ranked = rank_pool(fused, detected, request, meta, ENTITY_BOOST, names)
        if tail:
            ranked += [(pid, 0.0, more) for pid, _, more in rank_pool(tail, detected, request, meta, ENTITY_BOOST, names)]
        return Ranking(query, filters, sides.keyword, semantic, sides.vector, detected, ranked, depth,
                       sides.nearest, sides.keyword_more, sides.partial_pool, corrected=corrected, names_only=names)

    def _search(self, request: SearchRequest) -> SearchResponse:
        start = time.perf_counter()
        r = self._ranking(request, start)
        if r.query.is_empty:
            if r.filters and not r.query.raw.strip() and request.doc_id is None:
                return browse(self.backend, self.analyzer, request, r.filters, start)
            # no query at all browses the whole index; one of exclusions only finds nothing
            facets = {} if r.query.raw.strip() else self.backend.facet_counts(None, None, r.filters)
            return SearchResponse(request, 0, [], facets, took_ms=(time.perf_counter() - start) * 1000)
        lo, hi = (request.page - 1) * request.k, request.page * request.k
        total = self._total(r, request)
        ranked, keyword = r.ranked, r.keyword
        wanted = min(total, DATE_SORT_LIMIT) if request.sort == "date" else min(total, hi)
        if wanted > len(ranked):
            meta = getattr(self.backend, "passage_meta", self._meta_from_records)
            tail, keyword = keyword_tail(self.retriever, meta, r, request, wanted - len(ranked))
            ranked = ranked + tail
        if request.sort == "date":
            total = min(total, len(ranked))
            hits = self._page_hits(ranked, ranked_deeper(self.retriever, r, keyword, ranked, request), r.semantic)
            hits.sort(key=lambda h: h.date, reverse=True)
            page = hits[lo:hi]
        else:
            page = self._page_hits(ranked[lo:hi], ranked_deeper(self.retriever, r, keyword, ranked[lo:hi], request),
                                   r.semantic)
        if request.doc_id is None:
            add_other_passages(self.retriever, page, r, request)
        name_boosts(page, r.ranked, r.detected, r.names_only)
        self._check_budget(start)
        snippeter = Snippeter(self.analyzer, r.query.text)
        snippets = snippeter.snippets([hit.text for hit in page], windows=self._window_evidence(page, r.vector),
                                      layouts=self._snippet_layouts(page, snippeter.terms))
        for hit, snippet in zip(page, snippets):
            hit.snippet = snippet
        # within one document ("more passages of this document") the query's facets mean nothing
        facets = {} if request.doc_id is not None else self._facets(r, request)
        suggestion = self.suggest(r.query, len(r.keyword)) if self.suggest and not r.corrected else None
        partial, missing = self._word_coverage(r, request)
        return SearchResponse(
            request=request,
            total=total,
            hits=page,
            facets=facets,
            suggestion=suggestion,
            corrected=r.corrected,
            detected={f: v for f, v in r.detected.items() if v},
            took_ms=(time.perf_counter() - start) * 1000,
            word_matches=None if request.mode == "semantic" else self._word_matches(r, request),
            partial_words=partial,
            missing_words=missing,
        )

    @staticmethod
    def _word_matches(r: Ranking, request: SearchRequest) -> bool:
        """Whether a result holds the query's words; within one document, one of its passages
        (the keyword side searched the whole index there)."""
        if request.doc_id is None:
            return bool(r.keyword or r.keyword_more)
        matches = {pid for pid, _ in r.keyword}
        return any(pid in matches for pid, _, _ in r.ranked)

    def _facets(self, r: Ranking, request: SearchRequest):
        if request.mode == "semantic":
            return self.backend.facet_counts(None, [p for p, _ in r.nearest or ()], r.filters)
        # the backend counts whole keyword matches; the pool's partial ones are named
        nearest = [p for p, _ in r.nearest or ()] + sorted(r.partial_pool)
        return self.backend.facet_counts(r.query, nearest, r.filters)

    def _word_coverage(self, r: Ranking, request: SearchRequest) -> tuple[list[str], list[str]]:
        """(query words found only through their parts, query words found in no form at all)."""
        if request.mode == "semantic" or not r.keyword:
            return [], []
        partial, missing = query_word_coverage(self.backend, self.analyzer, r.query)
        named = place_name_words(r.detected)  # "Bosch" of "Den Bosch": recognised as a place
        return partial, [w for w in missing if w.lower() not in named]

    def _total(self, r: Ranking, request: SearchRequest) -> int:
        """Results in all: the ranked pool, plus the keyword matches beyond the keyword side's
        depth. The same set the facet counts are made from, so a value's count is what it gives."""
        if request.doc_id is not None or not r.keyword_more:
            return len(r.ranked)
        return self.backend.result_count(r.query, [p for p, _ in r.semantic + r.keyword], r.filters,
                                         by_document=request.collapse)

    def _window_evidence(self, page: list[Hit], vector):
        """Each hit's sentence-window similarities with the query, where the backend keeps
        window vectors and the query was embedded; None leaves snippets to keyword evidence."""
        similarities = getattr(self.backend, "window_similarities", None)
        if vector is None or similarities is None or not page:
            return None
        sims = similarities([hit.passage_id for hit in page], vector)
        return [sims.get(hit.passage_id) for hit in page]

    def _snippet_layouts(self, page: list[Hit], terms):
        """The hits' sentences and query hits as the index stored them, where it does (None:
        the snippets analyse the texts)."""
        layouts = getattr(self.backend, "snippet_layouts", None)
        return layouts([hit.passage_id for hit in page], terms) if layouts and page else None

    def _check_budget(self, start: float) -> None:
        # cooperative: checked between stages, so a runaway query frees its worker with a 504
        elapsed = time.perf_counter() - start - getattr(self._local, "excluded", 0.0)
        if elapsed > self.config.time_budget_s:
            raise SearchTimeout(f"the search took {elapsed:.1f}s, longer than its budget of {self.config.time_budget_s:.1f}s")

    def _server_fused(self, query: ParsedQuery, vector, filters, depth: int, mode: str, floor=None):
        """Fusion by the engine itself (Elasticsearch's licensed rrf retriever), when the backend
        offers it and it is switched on; None means: fuse here."""
        hybrid = getattr(self.backend, "hybrid_search", None)
        if mode != "hybrid" or hybrid is None or vector is None or query.excluded or query.binds_phrases:
            return None
        scored = hybrid(query, vector, filters, depth, rank_window_size=max(depth, 10), min_score=floor)
        return None if scored is None else [(s.passage_id, s.score) for s in scored]

    def _fuse(self, sides, mode: str, text: str = ""):
        return fuse_sides(sides, mode, self._keyword_weight(text), self.config)

    def _keyword_weight(self, text: str) -> float:
        return keyword_weight(self.analyzer, text, self.config)

    def _meta_from_records(self, passage_ids):
        return {p.id: (d.id, d.facets) for p, d in self.backend.passages(passage_ids)}

    def _page_hits(self, ranked, keyword, semantic) -> list[Hit]:
        return page_hits(self.backend, ranked, keyword, semantic)  # a stage of bench/stages.py
