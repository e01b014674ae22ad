"""Query-biased snippets: the passage's best sentences, HTML-escaped, query terms in <mark>.

One Snippeter per query: the query is analysed once and each surface word's analysed terms
are memoised, so a page of snippets costs a few regex passes, not a re-analysis per hit.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from indexer.passages import split_sentences

SNIPPET_WORDS = 45
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


class Snippeter:
    def __init__(self, analyzer, query_text: str):
        self.analyzer = analyzer
        self.weights: dict[str, float] = {}
        if query_text.strip():
            for qt in analyzer.query_terms(query_text):
                self.weights[qt.term] = max(self.weights.get(qt.term, 0.0), qt.weight)
        self._terms, self._barren = _word_terms_cache(analyzer)
        self._keys = frozenset(self.weights)
        self._seen: set[str] = set()  # words analysed for this query
        self._hits: dict[str, frozenset[str]] = {}  # ... those that hit query terms, and which

    def _gains(self, words: set[str]) -> dict[str, frozenset[str]]:
        """The distinct ``words`` that match the query, with the query terms they hit. Each
        word is analysed once per query; later passages only pay for set operations."""
        if not self.weights:
            return {}
        new = words - self._seen - self._barren
        if new:
            keys = self._keys
            memo, lookup = self._terms.memo, self._terms
            for word in new:
                terms = memo.get(word)  # the dict directly: this loop is the hot part
                if terms is None:
                    terms = lookup(word)
                if not terms:
                    if len(self._barren) < 100_000:
                        self._barren.add(word)  # stopwords and the like: never match any query
                elif not terms.isdisjoint(keys):
                    self._hits[word] = terms & keys
            self._seen |= new
        return {w: self._hits[w] for w in words & self._hits.keys()}

    def _score(self, words: list[str], gains: dict[str, frozenset[str]]) -> float:
        if not gains:
            return 0.0
        hits = [gains[w] for w in words if w in gains]
        if not hits:
            return 0.0
        return sum(self.weights[t] for t in frozenset().union(*hits))

    def _window(self, text: str, max_words: int):
        """(window text, cut at start, cut at end, the passage's gains) around the
        best-matching sentences."""
        sentences = split_sentences(text) or [text]
        words = [_WORD.findall(s) for s in sentences]
        gains = self._gains(set().union(*words))
        scores = [self._score(ws, gains) for ws in words]
        best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
        lo = hi = best
        count = len(sentences[best].split())
        while count < max_words:
            options = []
            if lo > 0:
                options.append((scores[lo - 1], -1))
            if hi < len(sentences) - 1:
                options.append((scores[hi + 1], 1))
            if not options:
                break
            nxt = lo - 1 if max(options)[1] < 0 else hi + 1
            n = len(sentences[nxt].split())
            if count + n > max_words * 1.5:
                break
            lo, hi = min(lo, nxt), max(hi, nxt)
            count += n
        window = " ".join(sentences[lo : hi + 1])
        cut_end = hi < len(sentences) - 1
        tokens = window.split()
        if len(tokens) > max_words * 1.5:
            window = " ".join(tokens[: int(max_words * 1.5)])
            cut_end = True
        return window, lo > 0, cut_end, gains

    @staticmethod
    def highlight(text: str, gains: dict[str, frozenset[str]]) -> str:
        """HTML-escape ``text``; wrap the words of ``gains`` (those matching the query) in <mark>."""
        if not gains:
            return html.escape(text)
        # split on the query's words (one regex pass in C): odd parts are the words to mark
        parts = _gain_pattern(frozenset(gains)).split(text)
        return "".join(f"<mark>{html.escape(p)}</mark>" if i % 2 else html.escape(p) for i, p in enumerate(parts))

    def snippet(self, text: str, max_words: int = SNIPPET_WORDS) -> str:
        window, cut_start, cut_end, gains = self._window(text, max_words)
        return ("… " if cut_start else "") + self.highlight(window, gains) + (" …" if cut_end else "")


@lru_cache(maxsize=1024)
def _gain_pattern(words: frozenset[str]) -> re.Pattern:
    """Any of ``words`` as a whole _WORD token (not inside a hyphenated or apostrophed one)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?<![^\W_][-'’])({alternatives})(?![^\W_])(?![-'’][^\W_])")


_CACHES: dict[int, object] = {}


def _word_terms_cache(analyzer):
    """A memo of word -> analysed terms shared by all queries (the vocabulary of passages is
    finite), and the set of words without any term."""
    key = id(analyzer)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = (_TermMemo(analyzer), set())
    return cache


class _TermMemo:
    """word -> frozenset of analysed terms; a plain dict (a functools.lru_cache hit cost ~1 us
    here, a dict hit ~0.1 us), emptied when it outgrows MAX_WORDS."""

    MAX_WORDS = 200_000

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.memo: dict[str, frozenset[str]] = {}

    def __call__(self, word: str) -> frozenset[str]:
        terms = self.memo.get(word)
        if terms is None:
            if len(self.memo) >= self.MAX_WORDS:
                self.memo.clear()
            terms = self.memo[word] = frozenset(self.analyzer.word_terms(word))
        return terms
