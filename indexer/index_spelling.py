"""The index's speller, made once per index generation, and the two checks a search asks of it:
a correction to search instead, and a "Bedoelde u" suggestion."""
from __future__ import annotations

from typing import Callable

from indexer.ranking.spelling import Speller


class IndexSpelling:
    def __init__(self, backend, analyzer, generation_key: Callable[[], object]):
        self.backend = backend
        self.analyzer = analyzer
        self._generation_key = generation_key
        self._speller: tuple[object, Speller] | None = None
        self._last: tuple[Speller, str, str | None] | None = None

    def speller(self) -> Speller:
        key = self._generation_key()
        if self._speller is None or self._speller[0] != key:
            self._speller = (key, Speller(self.backend.vocabulary(), self.analyzer, _term_df(self.backend)))
        return self._speller[1]

    def suggest(self, query, keyword_hits: int = 0) -> str | None:
        speller = self.speller()
        if speller.term_df is None and keyword_hits >= 3:
            # a partial vocabulary (Elasticsearch: title words only) cannot tell a typo from a
            # word the index has: suggest only when the words found next to nothing
            return None
        return self._spelled(speller, query)

    def correct(self, query) -> str | None:
        """The query with its typos corrected, to search instead; only where the speller's
        candidates are the index's whole vocabulary (not Elasticsearch's title words, which made
        "vetrouwen" "vrouwen")."""
        if not getattr(self.backend, "whole_vocabulary", False):
            return None
        speller = self.speller()
        return self._spelled(speller, query) if speller.term_df is not None else None

    def _spelled(self, speller: Speller, query) -> str | None:
        # a search asks twice (to correct before retrieval, to suggest after): checked once
        last = self._last
        if last is not None and last[0] is speller and last[1] == query.raw:
            return last[2]
        result = speller.suggest(query)
        self._last = (speller, query.raw, result)
        return result


def _term_df(backend) -> Callable[[str], int] | None:
    """How many passages hold one analysed term, when the backend can tell (spelling)."""
    term_dfs = getattr(backend, "term_dfs", None)
    if term_dfs is None or term_dfs([]) is None:
        return None
    return lambda term: term_dfs([term]).get(term, 0)
