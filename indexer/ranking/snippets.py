"""Query-biased snippets: the passage's best sentences, HTML-escaped, query terms in <mark>.

One Snippeter per query: the query is analysed once; whitespace tokens' analysed terms are
memoised across queries, so a passage costs one split and list comprehensions over its tokens
(set lookups), not a re-analysis or a regex pass per word. Where the index stored each passage's
sentence starts and tokens' terms (embedded backend), the caller passes them as ``layouts`` and
no token is analysed or looked up here: the same snippets, from sentence_starts and token_terms.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from itertools import compress, filterfalse, repeat
from operator import itemgetter

from indexer.passages import SENTENCE_END_CHARS, SENTENCE_START, window_groups
from indexer.ranking.snippet_marks import capped, highlight, mark_hit
from indexer.ranking.split_verbs import particle_terms, split_verb_hits, verb_starts, with_split_hits
from indexer.ranking.term_memo import word_terms_cache

SNIPPET_WORDS = 45
# a snippet is never longer than this (markup included), per SNIPPET_WORDS words asked for: only
# text without spaces or with absurd "words" reaches it (45 words of prose are ~350 characters,
# ~600 with their marks; a caller marking a whole text asks for all its words)
SNIPPET_MAX_CHARS = 1500
SEMANTIC_WEIGHT = 1.25  # of the best window, against 1.0 for the best keyword sentence
MIN_SPREAD = 0.01  # cosine: windows closer than this differ by noise, and earn a share of the weight
# a sentence ends at a token ending like one, followed by one starting like one
# (indexer.passages.split_sentences's rule, on tokens)
_ENDS = frozenset(SENTENCE_END_CHARS)
_STARTS = SENTENCE_START
_LAST = itemgetter(-1)
_OWN = frozenset(("word", "glossary"))  # query term origins whose split verbs a snippet marks


class Snippeter:
    def __init__(self, analyzer, query_text: str):
        self.analyzer = analyzer
        self.weights: dict[str, float] = {}
        self._spans: dict[str, tuple] = {}  # multi-word synonym terms -> their siblings
        query = analyzer.query_terms(query_text) if query_text.strip() else ()
        for qt in query:
            self.weights[qt.term] = max(self.weights.get(qt.term, 0.0), qt.weight)
            if qt.spans:
                self._spans[qt.term] = qt.spans
        self._memo = word_terms_cache(analyzer)
        self._keys = frozenset(self.weights)
        # a joined verb's terms ("samenwerk") the user asked for: a synonym's "inkomen" (income) is
        # no "komen ... in", and a question's own split verb ("stromen ... door") marks its words itself
        self._particle_terms = particle_terms(analyzer, {qt.term for qt in query if qt.origin in _OWN})
        self._verb_starts = verb_starts(self._particle_terms)
        self._matching: set[str] | None = None  # see _scan
        self._hits: dict[str, frozenset[str]] = {}  # token -> the query terms it hits
        self._marked: dict[str, str] = {}  # token -> its escaped, highlighted form
        self._scored: dict[frozenset[str], float] = {}  # a sentence's terms -> their weights' sum

    @property
    def terms(self) -> frozenset[str]:
        """The query's analysed terms that a snippet marks."""
        return self._keys

    def _scan(self, tokens: list[str]) -> tuple[list[int], list[int]]:
        """(sentence starts, positions of the tokens that match the query), from list
        comprehensions over the tokens; only tokens new to every query are analysed."""
        starts = sentence_starts(tokens)
        if not self._keys:
            return starts, []
        if self._matching is None:
            # tokens known to hit this query's terms: from the shared reverse index now, then
            # from the memo's log of tokens analysed later (by this or a concurrent query)
            self._state = self._memo.state
            self._mark = len(self._state.log)
            self._matching = self._state.tokens_with(self._keys)
        matching, keys, memo = self._matching, self._keys, self._memo
        for token in filterfalse(self._state.memo.__contains__, tokens):  # new to every query
            if not memo(token).isdisjoint(keys):
                matching.add(token)
        self._catch_up()  # tokens other queries analysed meanwhile, before the hits are read
        return starts, list(compress(range(len(tokens)), map(self._matching.__contains__, tokens)))

    def _catch_up(self) -> None:
        """Add the matching tokens other queries analysed since (a token is logged before it
        is memoised, so one seen as known by _scan is in a log read here)."""
        keys = self._keys
        while True:
            log = self._state.log
            if len(log) > self._mark:
                added = log[self._mark:]
                self._mark += len(added)
                self._matching.update(t for t, terms in added if not terms.isdisjoint(keys))
            if self._memo.state is self._state:
                return
            self._state, self._mark = self._memo.state, 0  # the memo was emptied: follow its new log

    def _terms_hit(self, token: str) -> frozenset[str]:
        hit = self._hits.get(token)
        if hit is None:
            hit = self._hits[token] = self._memo(token) & self._keys
        return hit

    def _window(self, text: str, tokens: list[str] | None, max_words: int, windows=None, layout=None):
        """(first, end) token positions of the best-matching sentences, the hit positions, those
        of them that are a separable verb's words written apart (split_verbs), and the tokens
        (None: not split, the layout gave all the window needs).
        ``windows``: the query's similarity with each sentence window of the passage (the build's
        windows), the semantic evidence added to the keyword evidence of their sentences.
        ``layout``: (sentence starts, hit positions, their terms among the query's, token count)
        from the index."""
        if layout is None:
            starts, hits = self._scan(tokens)
            n_tokens, hit_terms = len(tokens), None
            terms_at = lambda i: self._terms_hit(tokens[i])  # noqa: E731
        else:
            starts, hits, hit_terms, n_tokens = layout
            terms_at = None  # made only where hits change
        split = {}
        if self._particle_terms and any(form in text for form in self._verb_starts):
            if tokens is None:
                tokens = text.split()
            terms_at = terms_at or dict(zip(hits, hit_terms)).__getitem__
            split = split_verb_hits(self.analyzer, text, tokens, starts, self._particle_terms,
                                    lambda: frozenset().union(*map(terms_at, hits)))
            if split:
                hits, terms_at = with_split_hits(hits, terms_at, split)
                hit_terms = None
        if hits and self._spans:
            terms_at = terms_at or dict(zip(hits, hit_terms)).__getitem__
            hits = self._without_lonely(hits, terms_at)
            hit_terms = None
        bounds = starts + [n_tokens]
        scores = [0.0] * len(starts)
        by_sentence: dict[int, frozenset[str]] = {}
        if hits:
            if hit_terms is None:
                hit_terms = list(map(terms_at, hits))
            # hits ascend: each sentence's run of hits, its terms' union scored once per set
            memo, weights = self._scored, self.weights
            sentence, terms = -1, None
            for s, t in zip(map(bisect_right, repeat(starts), hits), hit_terms):
                if s == sentence:
                    terms = terms | t
                    continue
                if terms is not None:
                    by_sentence[sentence - 1] = terms
                sentence, terms = s, t
            by_sentence[sentence - 1] = terms
            for s, terms in by_sentence.items():
                score = memo.get(terms)
                if score is None:  # exact: a tie must not hang on set order
                    score = memo[terms] = math.fsum(weights[t] for t in terms)
                scores[s] = score
        if windows is not None and len(windows) > 1:
            scores = _with_semantic(scores, [b - a for a, b in zip(bounds, bounds[1:])], windows)
        lo = hi = best = scores.index(max(scores))  # the first best: ties go to the earlier sentence
        count = bounds[best + 1] - bounds[best]
        last = len(starts) - 1
        while count < max_words:
            # the better neighbour, the next one on a tie
            if lo > 0:
                nxt = lo - 1 if hi == last or scores[lo - 1] > scores[hi + 1] else hi + 1
            elif hi < last:
                nxt = hi + 1
            else:
                break
            size = bounds[nxt + 1] - bounds[nxt]
            if count + size > max_words * 1.5:
                break
            if nxt < lo:
                lo = nxt
            else:
                hi = nxt
            count += size
        if self._spans and hits:
            hits = self._marked_in_sentence(hits, terms_at, starts, by_sentence)  # terms_at made above
        return bounds[lo], min(bounds[hi + 1], bounds[lo] + int(max_words * 1.5)), hits, split.keys(), tokens

    def _marked_in_sentence(self, hits: list[int], terms_at, starts: list[int],
                            by_sentence: dict[int, set[str]]) -> list[int]:
        """The hits to mark: a multi-word synonym's word only in a sentence that holds the rest
        of the synonym too ("zit" for "thuiszitters" not in "de kern zit in ..."). Choosing the
        sentences counts such a word as ranking does, anywhere in the passage."""
        lonely = {s: {t for t in terms if t in self._spans
                      and not any(terms.issuperset(span) for span in self._spans[t])}
                  for s, terms in by_sentence.items()}
        return [i for i in hits if terms_at(i) - lonely[bisect_right(starts, i) - 1]]

    def _without_lonely(self, hits: list[int], terms_at) -> list[int]:
        """Hits minus those on a multi-word synonym's word whose other words the passage lacks
        (as keyword scoring counts them): "school" alone is not "middelbare school"."""
        present: set[str] = set()
        for i in hits:
            present |= terms_at(i)
        lonely = {t for t, spans in self._spans.items()
                  if t in present and not any(present.issuperset(span) for span in spans)}
        if not lonely:
            return hits
        return [i for i in hits if terms_at(i) - lonely]

    def _shown(self, token: str) -> str:
        return mark_hit(token, lambda word: not self._memo(word).isdisjoint(self._keys))

    def snippet(self, text: str, max_words: int = SNIPPET_WORDS) -> str:
        return self.snippets([text], max_words)[0]

    def snippets(self, texts: list[str], max_words: int = SNIPPET_WORDS, windows=None, layouts=None) -> list[str]:
        """One snippet per text (whitespace collapsed to single spaces); ``windows``, when
        given, holds each text's window similarities (or None); ``layouts`` each text's
        (sentence starts, hit positions, their terms, token count) as the index stored them."""
        out = []
        limit = SNIPPET_MAX_CHARS * max(1, math.ceil(max_words / SNIPPET_WORDS))
        for n, text in enumerate(texts):
            layout = layouts[n] if layouts is not None else None
            tokens = text.split() if layout is None else None
            count = len(tokens) if layout is None else layout[3]
            if not count:
                out.append("")
                continue
            first, end, hits, split, tokens = self._window(text, tokens, max_words,
                                                           windows[n] if windows is not None else None, layout)
            if tokens is None:  # the tokens up to the window's end are all it shows: split no further
                tokens = text.split(None, end)
            shown = highlight(tokens, first, end, hits, split, self._marked, self._shown)
            snippet = ("… " if first > 0 else "") + shown + (" …" if end < count else "")
            if len(snippet) > limit:
                snippet = capped(tokens, first, end, hits, limit, split, count, self._marked, self._shown)
            out.append(snippet)
        return out


def sentence_starts(tokens: list[str]) -> list[int]:
    """Positions of the tokens that start a sentence (0 first) of non-empty ``tokens``."""
    # map/compress keep the per-token loops in C: a third of the time of list comprehensions
    n = len(tokens)
    ends = compress(range(1, n + 1), map(_ENDS.__contains__, map(_LAST, tokens)))
    return [0] + [i for i in ends if i < n and _STARTS.match(tokens[i])]


def _with_semantic(scores: list[float], words: list[int], windows) -> list[float]:
    """Sentence scores: keyword evidence scaled to its best sentence, plus SEMANTIC_WEIGHT times
    the sentence's window similarity min-max scaled over the passage's windows (over at least
    MIN_SPREAD, so a preference of noise size stays small). Windows that do
    not line up with the sentences (an index built with other windows), are all alike or hold a
    non-number add nothing."""
    groups = window_groups(words)
    if len(groups) != len(windows):
        return scores
    windows = windows.tolist() if hasattr(windows, "tolist") else [float(w) for w in windows]
    if not all(map(math.isfinite, windows)):  # a corrupt vector: keyword evidence alone
        return scores
    lo, hi = min(windows), max(windows)
    if hi <= lo:
        return scores
    top = max(scores)
    out = [s / top for s in scores] if top > 0 else list(scores)
    for (a, b), sim in zip(groups, windows):
        bonus = SEMANTIC_WEIGHT * (sim - lo) / max(hi - lo, MIN_SPREAD)
        for i in range(a, b):
            out[i] += bonus
    return out
