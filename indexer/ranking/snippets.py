"""Query-biased snippets: the passage's best sentences, HTML-escaped, query terms in <mark>."""
from __future__ import annotations

import html
import re

SNIPPET_WORDS = 45
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9“\"'(])")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if p]


def _term_weights(analyzer, query_text: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for qt in analyzer.query_terms(query_text):
        weights[qt.term] = max(weights.get(qt.term, 0.0), qt.weight)
    return weights


def _sentence_score(analyzer, sentence: str, weights: dict[str, float]) -> float:
    seen: set[str] = set()
    score = 0.0
    for term in analyzer.index_terms(sentence):
        if term in weights and term not in seen:
            seen.add(term)
            score += weights[term]
    return score


def best_window(analyzer, text: str, query_text: str, max_words: int = SNIPPET_WORDS) -> tuple[str, bool, bool]:
    """Return (window text, cut at start, cut at end) around the best-matching sentences."""
    sentences = split_sentences(text) or [text]
    weights = _term_weights(analyzer, query_text) if query_text.strip() else {}
    scores = [_sentence_score(analyzer, s, weights) for s in sentences] if weights else [0.0] * len(sentences)
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = [best]
    words = len(sentences[best].split())
    # grow with the better neighbour while there is room
    lo, hi = best, best
    while words < max_words:
        options = []
        if lo > 0:
            options.append((scores[lo - 1], -1))
        if hi < len(sentences) - 1:
            options.append((scores[hi + 1], 1))
        if not options:
            break
        _, side = max(options)
        nxt = lo - 1 if side < 0 else hi + 1
        n = len(sentences[nxt].split())
        if words + n > max_words * 1.5:
            break
        lo, hi = min(lo, nxt), max(hi, nxt)
        chosen.append(nxt)
        words += n
    window = " ".join(sentences[lo : hi + 1])
    cut_end = hi < len(sentences) - 1
    tokens = window.split()
    if len(tokens) > max_words * 1.5:
        window = " ".join(tokens[: int(max_words * 1.5)])
        cut_end = True
    return window, lo > 0, cut_end


def highlight(analyzer, text: str, query_text: str) -> str:
    """HTML-escape ``text`` and wrap words whose analysed terms match the query in <mark>."""
    weights = _term_weights(analyzer, query_text) if query_text.strip() else {}
    out: list[str] = []
    pos = 0
    for tok in analyzer.tokens(text):
        out.append(html.escape(text[pos : tok.start]))
        surface = text[tok.start : tok.end]
        if weights and analyzer.word_terms(surface) & weights.keys():
            out.append(f"<mark>{html.escape(surface)}</mark>")
        else:
            out.append(html.escape(surface))
        pos = tok.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def make_snippet(analyzer, text: str, query_text: str, max_words: int = SNIPPET_WORDS) -> str:
    window, cut_start, cut_end = best_window(analyzer, text, query_text, max_words)
    body = highlight(analyzer, window, query_text)
    return ("… " if cut_start else "") + body + (" …" if cut_end else "")
