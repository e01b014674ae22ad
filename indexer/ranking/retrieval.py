"""Both sides of one search, read from a backend, and the result set they define.

The result set of a query is every keyword match (one only through part of a compound query
word only within the keyword side's pool) and the query's ``depth`` nearest passages
over the whole index (less any that break a quoted phrase or an exclusion). A filter narrows
that set and never adds to it, and the fusion of a filtered search normalises with the
unfiltered search's bounds and fuses only what the unfiltered search fused (the rest of the
filter's keyword matches follow, as they did), so a filter does not reorder what it keeps either. Facet counts
and totals are counted over the same set (``Sides.nearest``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.ranking import fusion
from indexer.ranking.query_syntax import ParsedQuery, contains, normalise_for_match

MAX_PHRASE_MATCHES = 10_000  # passages read to know which hold a quoted phrase (semantic side)


@dataclass
class Sides:
    keyword: list[tuple[str, float]] = field(default_factory=list)  # within the filters, best first
    semantic: list[tuple[str, float]] = field(default_factory=list)  # within the filters, best first
    vector: object = None
    nearest: list[tuple[str, float]] | None = None  # the semantic side of the result set, unfiltered
    floor: float | None = None  # the depth-th nearest passage's score (None: every passage is near)
    keyword_scale: float | None = None  # the unfiltered keyword normaliser, when filters apply
    keyword_more: bool = False  # keyword matches exist that `keyword` leaves out (past the pool)
    partial_pool: frozenset[str] = frozenset()  # the unfiltered pool's matches of a compound word in part


class Retriever:
    def __init__(self, backend, analyzer, embed_query, pool_depth: int = 50):
        self.backend = backend
        self.analyzer = analyzer
        self.embed_query = embed_query
        self.pool_depth = pool_depth  # the keyword side's share of the fused pool

    def retrieve(self, query: ParsedQuery, mode: str, filters, depth: int, whole_index: bool = True) -> Sides:
        """``whole_index`` False (one document's passages): no result-set floor, all passages count."""
        sides = Sides()
        filtered = bool(filters) and whole_index
        if mode in ("keyword", "hybrid"):
            # the facets count the unfiltered set, so its partial matches are read unfiltered
            pool = self.partial_pool(query) if filtered else None
            keyword, read, sides.partial_pool = self.keyword_read(query, filters, depth, pool)
            sides.keyword_more = read >= depth
            if filtered and mode == "hybrid":
                # fuse what the unfiltered search fused: matches at or above its depth-th keyword
                # score; the filter's other matches follow the pool, as they did unfiltered
                unfiltered = self.keyword(query, {}, depth)
                sides.keyword_scale = fusion.keyword_reference(unfiltered) if unfiltered else None
                if len(unfiltered) >= depth:
                    kept = [(p, s) for p, s in keyword if s >= unfiltered[-1][1]]
                    sides.keyword_more = sides.keyword_more or len(kept) < len(keyword)
                    keyword = kept
            sides.keyword = keyword
        if mode in ("semantic", "hybrid") and query.text.strip():
            # a bare abbreviation ("vsv") is noise to the embedder: it reads the spelled-out form too
            sides.vector = self.embed_query(self.analyzer.spelled_out(query.text) or query.text)
            if filtered:
                nearest = self._vector(sides.vector, {}, depth)
                sides.floor = nearest[-1][1] if len(nearest) >= depth else None
                semantic = self._vector(sides.vector, filters, depth, sides.floor)
            else:
                semantic = nearest = self._vector(sides.vector, filters, depth)
            if query.excluded or query.binds_phrases:
                # the user's hard constraints (exact phrase, exclusion) bind the semantic side too
                allowed = self._phrase_matches(query) if query.binds_phrases else None
                semantic = self._constrain(semantic, query, allowed)
                nearest = semantic if not filtered else self._constrain(nearest, query, allowed)
            sides.semantic, sides.nearest = semantic, nearest
        return sides

    def keyword(self, query, filters, k) -> list[tuple[str, float]]:
        """The k best keyword matches among those the filters allow, as (passage id, score)."""
        return self.keyword_read(query, filters, k)[0]

    def keyword_read(self, query, filters, k, pool: frozenset[str] | None = None):
        """(the keyword matches of the result set among the k best the filters allow, how many
        matches were read, the result set's partial matches). A match through only part of a
        compound query word counts only within the unfiltered pool (``pool``, when known), so
        "schooladvies" is not every passage on school."""
        found = self.backend.keyword_search(query, filters, k)
        if pool is None and not any(s.partial for s in found):
            pool = frozenset()
        elif pool is None:
            pool = self.partial_pool(query) if filters else frozenset(  # unfiltered: its first are the pool
                s.passage_id for s in found[:self.pool_depth] if s.partial)
        return [(s.passage_id, s.score) for s in found if not s.partial or s.passage_id in pool], len(found), pool

    def partial_pool(self, query) -> frozenset[str]:
        """The result set's partial matches: those among the unfiltered keyword pool (the
        backend's own counts leave the others out). Empty where the backend marks none."""
        if not self.analyzer.compound_parts(query.text) or not getattr(self.backend, "marks_partial", False):
            return frozenset()
        return frozenset(s.passage_id for s in self.backend.keyword_search(query, {}, self.pool_depth) if s.partial)

    def _vector(self, vector, filters, k, min_score=None):
        return [(s.passage_id, s.score) for s in self.backend.vector_search(vector, filters, k, min_score=min_score)]

    def _phrase_matches(self, query: ParsedQuery) -> set[str]:
        return {s.passage_id for s in self.backend.keyword_search(query, {}, MAX_PHRASE_MATCHES)}

    def _constrain(self, semantic, query: ParsedQuery, allowed):
        if allowed is not None:
            semantic = [(p, s) for p, s in semantic if p in allowed]
        if query.excluded:
            words = [x for x in query.excluded if " " not in x.strip()]
            phrases = [normalise_for_match(x) for x in query.excluded if " " in x.strip()]
            excluded_terms = {t for word in words for t in self.analyzer.analyze_phrase(word)}
            kept = []
            for passage, doc in self.backend.passages([p for p, _ in semantic]):
                # the title too: an excluded word never shows in a result, as on the keyword side
                whole = f"{doc.title}\n{passage.heading}\n{passage.text}"
                if excluded_terms & set(self.analyzer.index_terms(whole)):
                    continue
                padded = f" {normalise_for_match(whole)} "
                if not any(contains(padded, p) for p in phrases if p):
                    kept.append(passage.id)
            keep = set(kept)
            semantic = [(pid, s) for pid, s in semantic if pid in keep]
        return semantic
