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

    def _gains(self, text: str) -> dict[str, frozenset[str]]:
        """The distinct words of ``text`` that match the query, with the query terms they hit
        (each distinct word is analysed once per passage, not once per occurrence)."""
        if not self.weights:
            return {}
        keys = self.weights.keys()
        gains = {}
        for word in set(_WORD.findall(text)):
            hit = self._terms(word) & keys
            if hit:
                gains[word] = hit
        return gains

    def sentence_score(self, sentence: str, gains: dict[str, frozenset[str]] | None = None) -> float:
        gains = self._gains(sentence) if gains is None else gains
        if not gains:
            return 0.0
        seen: set[str] = set()
        for word in _WORD.findall(sentence):
            hit = gains.get(word)
            if hit:
                seen |= hit
        return sum(self.weights[t] for t in seen)

    def best_window(
        self, text: str, max_words: int = SNIPPET_WORDS, gains: dict[str, frozenset[str]] | None = None
    ) -> tuple[str, bool, bool]:
        """(window text, cut at start, cut at end) around the best-matching sentences."""
        sentences = split_sentences(text) or [text]
        gains = self._gains(text) if gains is None else gains
        scores = [self.sentence_score(s, gains) for s in sentences]
        best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
        lo = hi = best
        words = len(sentences[best].split())
        while words < max_words:
            options = []
            if lo > 0:
                options.append((scores[lo - 1], -1))
            if hi < len(sentences) - 1:
                options.append((scores[hi + 1], 1))
            if not options:
                break
            nxt = lo - 1 if max(options)[1] < 0 else hi + 1
            n = len(sentences[nxt].split())
            if words + n > max_words * 1.5:
                break
            lo, hi = min(lo, nxt), max(hi, nxt)
            words += n
        window = " ".join(sentences[lo : hi + 1])
        cut_end = hi < len(sentences) - 1
        tokens = window.split()
        if len(tokens) > max_words * 1.5:
            window = " ".join(tokens[: int(max_words * 1.5)])
            cut_end = True
        return window, lo > 0, cut_end

    def highlight(self, text: str, gains: dict[str, frozenset[str]] | None = None) -> str:
        """HTML-escape ``text``; wrap words whose analysed terms match the query in <mark>."""
        gains = self._gains(text) if gains is None else gains
        if not gains:
            return html.escape(text)
        out: list[str] = []
        pos = 0
        for m in _WORD.finditer(text):
            if m.group() in gains:
                out.append(html.escape(text[pos : m.start()]))
                out.append(f"<mark>{html.escape(m.group())}</mark>")
                pos = m.end()
        out.append(html.escape(text[pos:]))
        return "".join(out)

    def snippet(self, text: str, max_words: int = SNIPPET_WORDS) -> str:
        gains = self._gains(text)  # the window's words are a subset of the passage's
        window, cut_start, cut_end = self.best_window(text, max_words, gains)
        return ("… " if cut_start else "") + self.highlight(window, gains) + (" …" if cut_end else "")


_CACHES: dict[int, object] = {}


def _word_terms_cache(analyzer):
    """A memo of word -> analysed terms shared by all queries (the vocabulary of passages is finite)."""
    key = id(analyzer)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = lru_cache(maxsize=200_000)(lambda word: frozenset(analyzer.word_terms(word)))
    return cache
