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
        self._terms = _word_terms_cache(analyzer)
        self._keys = frozenset(self.weights)
        # words known to hit this query's terms: from the shared reverse index now, then from
        # the memo's log of words analysed later (by this or a concurrent query)
        self._log = self._terms.log
        self._mark = len(self._log)
        self._matching = self._terms.words_with(self._keys) if self.weights else set()
        self._hits: dict[str, frozenset[str]] = {}  # word -> the query terms it hits

    def _gains(self, words: set[str]) -> dict[str, frozenset[str]]:
        """The distinct ``words`` that match the query, with the query terms they hit. Only
        words never seen by any query are analysed; the rest is set operations in C."""
        if not self.weights:
            return {}
        memo, keys = self._terms, self._keys
        if memo.log is not self._log:
            # the memo was emptied since: words analysed meanwhile may be gone from every log
            # this query can see, so from now on each word is checked (rare: MAX_WORDS)
            self._matching.update(w for w in words if not memo(w).isdisjoint(keys))
        else:
            for word in words.difference(memo.memo):
                if not memo(word).isdisjoint(keys):
                    self._matching.add(word)
            if len(self._log) > self._mark:  # words analysed since, by this or another query
                added = self._log[self._mark:]
                self._mark += len(added)
                self._matching.update(w for w, terms in added if not terms.isdisjoint(keys))
        gains = {}
        for word in words & self._matching:
            hit = self._hits.get(word)
            if hit is None:
                hit = self._hits[word] = self._terms(word) & self._keys
            gains[word] = hit
        return gains

    def _score(self, words: list[str], gains: dict[str, frozenset[str]]) -> float:
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
        scores = [self._score(ws, gains) for ws in words] if gains else [0.0] * len(words)
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
    def highlight(text: str, gains) -> str:
        """HTML-escape ``text``; wrap the words of ``gains`` (those matching the query) in <mark>."""
        if not gains:
            return html.escape(text)
        # split on the query's words (one regex pass in C): odd parts are the words to mark
        parts = _gain_pattern(frozenset(gains)).split(text)
        return "".join(f"<mark>{html.escape(p)}</mark>" if i % 2 else html.escape(p) for i, p in enumerate(parts))

    def snippet(self, text: str, max_words: int = SNIPPET_WORDS) -> str:
        return self.snippets([text], max_words)[0]

    def snippets(self, texts: list[str], max_words: int = SNIPPET_WORDS) -> list[str]:
        """One snippet per text. A word's match does not depend on the passage, so the page's
        matching words make one highlighting pattern for all its snippets."""
        windows = [self._window(text, max_words) for text in texts]
        page_gains = set().union(*(gains for _, _, _, gains in windows))
        return [("… " if cut_start else "") + self.highlight(window, page_gains) + (" …" if cut_end else "")
                for window, cut_start, cut_end, _ in windows]


@lru_cache(maxsize=256)
def _gain_pattern(words: frozenset[str]) -> re.Pattern:
    """Any of ``words`` as a whole _WORD token (not inside a hyphenated or apostrophed one)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?<![^\W_][-'’])({alternatives})(?![^\W_])(?![-'’][^\W_])")


_CACHES: dict[int, object] = {}


def _word_terms_cache(analyzer) -> "_TermMemo":
    """A memo of word -> analysed terms shared by all queries (the vocabulary of passages is
    finite)."""
    key = id(analyzer)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = _TermMemo(analyzer)
    return cache


class _TermMemo:
    """word -> frozenset of analysed terms, and the reverse (term -> words), so a query finds
    the words that hit its terms by set unions instead of a lookup per word. Plain dicts (a
    functools.lru_cache hit cost ~1 us here, a dict hit ~0.1 us), emptied past MAX_WORDS."""

    MAX_WORDS = 200_000

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.memo: dict[str, frozenset[str]] = {}
        self.by_term: dict[str, set[str]] = {}
        self.log: list[tuple[str, frozenset[str]]] = []  # words in the order they were analysed

    def __call__(self, word: str) -> frozenset[str]:
        terms = self.memo.get(word)
        if terms is None:
            if len(self.memo) >= self.MAX_WORDS:
                self.memo, self.by_term, self.log = {}, {}, []
            terms = self.memo[word] = frozenset(self.analyzer.word_terms(word))
            for term in terms:
                self.by_term.setdefault(term, set()).add(word)
            self.log.append((word, terms))
        return terms

    def words_with(self, terms) -> set[str]:
        """The known words whose analysis contains any of ``terms``."""
        by_term = self.by_term
        return set().union(*(by_term.get(t, ()) for t in terms))
