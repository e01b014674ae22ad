"""The memo of whitespace token -> analysed terms that snippets share across queries."""
from __future__ import annotations

import re
from typing import NamedTuple

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def token_terms(analyzer, token: str) -> frozenset[str]:
    """The analysed terms of a whitespace token's words."""
    words = WORD.findall(token)
    if len(words) == 1 and words[0] == token:
        return frozenset(analyzer.word_terms(token))
    return frozenset().union(*(analyzer.word_terms(w) for w in words))  # punctuation or several words


_CACHES: dict[int, "TermMemo"] = {}


def word_terms_cache(analyzer) -> "TermMemo":
    """A memo of token -> analysed terms shared by all queries (the vocabulary of passages is
    finite)."""
    key = id(analyzer)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = TermMemo(analyzer)
    return cache


class MemoState(NamedTuple):
    memo: dict[str, frozenset[str]]  # token -> terms
    by_term: dict[str, set[str]]  # term -> tokens
    log: list[tuple[str, frozenset[str]]]  # tokens in the order they were analysed

    def tokens_with(self, terms) -> set[str]:
        """The known tokens whose analysis contains any of ``terms``."""
        return set().union(*(self.by_term.get(t, ()) for t in terms))


class TermMemo:
    """whitespace token -> frozenset of the analysed terms of its words, the reverse
    (term -> tokens), and a log, so a query finds the tokens that hit its terms by set unions
    instead of a lookup per token. Plain dicts (a functools.lru_cache hit cost ~1 us here, a
    dict hit ~0.1 us); emptied past MAX_WORDS by swapping in a new state in one assignment."""

    MAX_WORDS = 200_000

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.state = MemoState({}, {}, [])

    def __call__(self, token: str) -> frozenset[str]:
        state = self.state
        terms = state.memo.get(token)
        if terms is None:
            if len(state.memo) >= self.MAX_WORDS:
                state = self.state = MemoState({}, {}, [])
            terms = token_terms(self.analyzer, token)
            for term in terms:
                state.by_term.setdefault(term, set()).add(token)
            state.log.append((token, terms))  # logged before memoised: see snippets.Snippeter._catch_up
            state.memo[token] = terms
        return terms
