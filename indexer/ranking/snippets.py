"""Query-biased snippets: the passage's best sentences, HTML-escaped, query terms in <mark>.

One Snippeter per query: the query is analysed once; whitespace tokens' analysed terms are
memoised across queries, so a passage costs one split and list comprehensions over its tokens
(set lookups), not a re-analysis or a regex pass per word. Where the index stored each passage's
sentence starts and tokens' terms (embedded backend), the caller passes them as ``layouts`` and
no token is analysed or looked up here: the same snippets, from sentence_starts and token_terms.
"""
from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from itertools import compress, filterfalse
from operator import itemgetter

from indexer.passages import SENTENCE_END_CHARS, SENTENCE_START, window_groups
from indexer.ranking.split_verbs import particle_terms, split_verb_hits, verb_starts, with_split_hits
from indexer.ranking.term_memo import WORD, word_terms_cache

SNIPPET_WORDS = 45
# a snippet is never longer than this (markup included), per SNIPPET_WORDS words asked for: only
# text without spaces or with absurd "words" reaches it (45 words of prose are ~350 characters,
# ~600 with their marks; a caller marking a whole text asks for all its words)
SNIPPET_MAX_CHARS = 1500
SEMANTIC_WEIGHT = 1.25  # of the best window, against 1.0 for the best keyword sentence
MIN_SPREAD = 0.01  # cosine: windows closer than this differ by noise, and earn a share of the weight
_WORD_SPLIT = re.compile(rf"({WORD.pattern})")  # a token's words at odd positions
# a sentence ends at a token ending like one, followed by one starting like one
# (indexer.passages.split_sentences's rule, on tokens)
_ENDS = frozenset(SENTENCE_END_CHARS)
_STARTS = SENTENCE_START
_LAST = itemgetter(-1)
_OWN = frozenset(("word", "glossary"))  # query term origins whose split verbs a snippet marks
# a web or e-mail address is shown as written, never marked: marks broke a link's slug up
# ("…/<mark>ouderbetrokkenheid</mark>-in-de-klas"). Its words still count for choosing the
# sentence, as the keyword side indexes them ("www.gelijke-kansen.nl" answers where to find more)
_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\S+@[\w-]+(?:\.[\w-]+)+"
                      r"|[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,}/\S*|(?:nl|be|eu|com|org|net|info)\b)", re.I)


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

    def _window(self, text: str, tokens: list[str], max_words: int, windows=None, layout=None):
        """(first, end) token positions of the best-matching sentences, the hit positions, and
        those of them that are a separable verb's words written apart (split_verbs).
        ``windows``: the query's similarity with each sentence window of the passage (the build's
        windows), the semantic evidence added to the keyword evidence of their sentences.
        ``layout``: (sentence starts, hit positions, their terms among the query's) from the index."""
        if layout is None:
            starts, hits = self._scan(tokens)
            terms_at = lambda i: self._terms_hit(tokens[i])  # noqa: E731
        else:
            starts, hits, hit_terms = layout
            terms_at = dict(zip(hits, hit_terms)).__getitem__
        split = {}
        if self._particle_terms and any(form in text for form in self._verb_starts):
            split = split_verb_hits(self.analyzer, text, tokens, starts, self._particle_terms,
                                    lambda: frozenset().union(*map(terms_at, hits)))
            if split:
                hits, terms_at = with_split_hits(hits, terms_at, split)
        if hits and self._spans:
            hits = self._without_lonely(hits, terms_at)
        bounds = starts + [len(tokens)]
        scores = [0.0] * len(starts)
        by_sentence: dict[int, set[str]] = {}
        if hits:
            for i in hits:
                by_sentence.setdefault(bisect_right(starts, i) - 1, set()).update(terms_at(i))
            for s, terms in by_sentence.items():
                scores[s] = math.fsum(self.weights[t] for t in terms)  # exact: a tie must not hang on set order
        if windows is not None and len(windows) > 1:
            scores = _with_semantic(scores, [b - a for a, b in zip(bounds, bounds[1:])], windows)
        best = max(range(len(starts)), key=lambda s: (scores[s], -s))
        lo = hi = best
        count = bounds[best + 1] - bounds[best]
        while count < max_words:
            options = []
            if lo > 0:
                options.append((scores[lo - 1], -1))
            if hi < len(starts) - 1:
                options.append((scores[hi + 1], 1))
            if not options:
                break
            nxt = lo - 1 if max(options)[1] < 0 else hi + 1
            size = bounds[nxt + 1] - bounds[nxt]
            if count + size > max_words * 1.5:
                break
            lo, hi = min(lo, nxt), max(hi, nxt)
            count += size
        if self._spans and hits:
            hits = self._marked_in_sentence(hits, terms_at, starts, by_sentence)
        return bounds[lo], min(bounds[hi + 1], bounds[lo] + int(max_words * 1.5)), hits, split.keys()

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

    def _highlight(self, tokens: list[str], first: int, end: int, hits: list[int], split=()) -> str:
        """tokens[first:end] joined by spaces, HTML-escaped, matching words in <mark>;
        escaping works on the runs between hits, not token by token."""
        out, prev = [], first
        for i in hits:
            if i < first:
                continue
            if i >= end:
                break
            if i > prev:
                out.append(html.escape(" ".join(tokens[prev:i])))
            marked = _mark_all(tokens[i]) if i in split else self._marked.get(tokens[i])
            if marked is None:
                marked = self._marked[tokens[i]] = self._mark_words(tokens[i])
            out.append(marked)
            prev = i + 1
        if prev < end:
            out.append(html.escape(" ".join(tokens[prev:end])))
        return " ".join(out)

    def _mark_words(self, token: str) -> str:
        # a matching token may carry punctuation or several words ("(ouders/buren),"):
        # only its words that hit the query are marked
        if _ADDRESS.search(token):
            return html.escape(token)
        parts = _WORD_SPLIT.split(token)
        if len(parts) == 3:  # one word: its terms are the token's, which hit (no analysis here)
            return f"{html.escape(parts[0])}<mark>{html.escape(parts[1])}</mark>{html.escape(parts[2])}"
        keys = self._keys
        return "".join(
            f"<mark>{html.escape(p)}</mark>" if i % 2 and not self._memo(p).isdisjoint(keys) else html.escape(p)
            for i, p in enumerate(parts))

    def snippet(self, text: str, max_words: int = SNIPPET_WORDS) -> str:
        return self.snippets([text], max_words)[0]

    def snippets(self, texts: list[str], max_words: int = SNIPPET_WORDS, windows=None, layouts=None) -> list[str]:
        """One snippet per text (whitespace collapsed to single spaces); ``windows``, when
        given, holds each text's window similarities (or None); ``layouts`` each text's
        (sentence starts, hit positions, their terms) as the index stored them."""
        out = []
        for n, text in enumerate(texts):
            tokens = text.split()
            if not tokens:
                out.append("")
                continue
            first, end, hits, split = self._window(text, tokens, max_words, windows[n] if windows is not None else None,
                                                   layouts[n] if layouts is not None else None)
            snippet = (("… " if first > 0 else "") + self._highlight(tokens, first, end, hits, split)
                       + (" …" if end < len(tokens) else ""))
            limit = SNIPPET_MAX_CHARS * max(1, math.ceil(max_words / SNIPPET_WORDS))
            if len(snippet) > limit:
                snippet = self._capped(tokens, first, end, hits, limit, split)
            out.append(snippet)
        return out

    def _capped(self, tokens: list[str], first: int, end: int, hits: list[int], limit: int, split=()) -> str:
        """The snippet of tokens[first:end] cut to ``limit`` characters: the whole tokens that fit
        (as marked and escaped), or the start of a first token longer than that, unmarked."""
        head = "… " if first > 0 else ""
        room = limit - len(head) - len(" …")
        hit_set = set(hits)
        used, stop = -1, first
        while stop < end:
            token = tokens[stop]
            size = len(_mark_all(token) if stop in split else self._marked.get(token) or self._mark_words(token)) \
                if stop in hit_set else len(html.escape(token))
            if used + 1 + size > room:
                break
            used += 1 + size
            stop += 1
        if stop > first:
            return head + self._highlight(tokens, first, stop, hits, split) + (" …" if stop < len(tokens) else "")
        text = tokens[first][:room]
        while len(html.escape(text)) > room:  # escaping lengthens "&", "<", quotes
            text = text[: len(text) - max(1, (len(html.escape(text)) - room) // 5)]
        return head + html.escape(text) + " …"


def _mark_all(token: str) -> str:
    """The token with every word marked: a split verb's words ("werken", "samen,")."""
    if _ADDRESS.search(token):
        return html.escape(token)
    return "".join(f"<mark>{html.escape(p)}</mark>" if i % 2 else html.escape(p)
                   for i, p in enumerate(_WORD_SPLIT.split(token)))


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
