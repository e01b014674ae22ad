"""A question through the query pipeline, in less time and with the same entities.

- The entity ruler is skipped when none of the question's words can begin a pattern: most words
  of most questions begin none. The Doc is then what the ruler would have left: no entities.
- Otherwise the ruler's token patterns are matched here, not by spaCy's Matcher: they are fixed
  sequences of one test per word (a word, a set of words, a regular expression), and the Matcher
  ran each of its ~20 expressions on every word (~40 of the ruler's ~60 us a question). The
  phrase patterns and the choice among overlapping matches stay the ruler's own.

Exact, not a guess: every pattern's tokens are tested on the lowercase word only, and the context
filter adds entities only for its list of level words. Patterns of another shape (an operator, a
test on another attribute) make both shortcuts stand down: the whole pipeline then runs.

spaCy keeps every word it has seen for the life of a pipeline (~0.4 KB each: RSS +400 MB and
rising after 200,000 questions of five new words), so a long-running app's query pipeline is
loaded afresh once it has learnt ``NEW_WORDS_CAP`` words (~0.3 s, paid by one search; the same
questions then stay within +125 MB). spaCy's own memory zones would free them after every
question, but inside one its tokenizer skips its cache (a question's Doc 3 -> 47 us).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from spacy.tokens import Doc

from indexer.nlp import resources
from indexer.nlp.patterns import build_patterns
from indexer.nlp.pipeline import load_query_pipeline

RULER = "entity_ruler"
NEW_WORDS_CAP = 50_000  # words the query pipeline may learn before it is loaded afresh
_fresh = threading.Lock()
_learnt_from: dict[int, int] = {}  # id of the loaded pipeline -> its vocabulary's size when loaded


@dataclass(frozen=True)
class _Patterns:
    words: frozenset[str]  # lowercase words that begin a pattern, and the context filter's level words
    regex: re.Pattern | None  # any pattern's first-word expression: one search tells if a word may begin one
    by_word: dict[str, tuple]  # first word -> (match key, tests of the other words)
    by_regex: tuple  # (first-word expression, match key, tests of the other words)


def _test(spec) -> Callable[[str], bool] | None:
    """The test of one pattern token on a lowercase word, or None for a shape not handled here."""
    if set(spec) != {"LOWER"}:
        return None
    value = spec["LOWER"]
    if isinstance(value, str):
        return value.__eq__
    if isinstance(value, dict) and set(value) == {"REGEX"}:
        return lambda word, rx=re.compile(value["REGEX"]): rx.search(word) is not None  # as spaCy tests it
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(value["IN"]).__contains__
    return None


@lru_cache(maxsize=1)
def _patterns() -> _Patterns | None:
    """The ruler's patterns by their first word; None when one has a shape not handled here."""
    nlp = load_query_pipeline().nlp
    if RULER not in nlp.pipe_names:
        return None
    ruler = nlp.get_pipe(RULER)
    words: set[str] = set((resources.context_rules().get("coordinated") or {}).get("levels") or {})
    by_word: dict[str, list] = {}
    by_regex: list = []
    for entry in build_patterns(case_sensitive=False, with_doc_types=True):
        pattern = entry["pattern"]
        if isinstance(pattern, str):  # a phrase: the ruler's phrase matcher finds it
            tokens = nlp.make_doc(pattern)
            if len(tokens):
                words.add(tokens[0].lower_)
            continue
        tests = [_test(spec) for spec in pattern]
        if not pattern or any(t is None for t in tests):
            return None
        # the ruler's own match key: its label, joined with the entity id as the ruler joins them
        label, ent_id = entry["label"], entry.get("id")
        key = nlp.vocab.strings.add(f"{label}{ruler.ent_id_sep}{ent_id}" if isinstance(ent_id, str) else label)
        first = pattern[0]["LOWER"]
        if isinstance(first, str):
            starts = [first]
        elif "IN" in first:
            starts = list(first["IN"])
        else:
            by_regex.append((re.compile(first["REGEX"]), key, tuple(tests[1:])))
            continue
        for word in starts:
            words.add(word)
            by_word.setdefault(word, []).append((key, tuple(tests[1:])))
    regex = re.compile("|".join(f"(?:{rx.pattern})" for rx, _, _ in by_regex)) if by_regex else None
    return _Patterns(frozenset(words), regex, {w: tuple(v) for w, v in by_word.items()}, tuple(by_regex))


def _token_matches(lowers: list[str], patterns: _Patterns) -> list[tuple[int, int, int]]:
    """(match key, start, end) of every token pattern at every word, as spaCy's Matcher finds them."""
    out = []
    n = len(lowers)
    for i, word in enumerate(lowers):
        candidates = list(patterns.by_word.get(word, ()))
        if patterns.regex is not None and patterns.regex.search(word):
            candidates += [(key, rest) for rx, key, rest in patterns.by_regex if rx.search(word)]
        for key, rest in candidates:
            end = i + 1 + len(rest)
            if end <= n and all(test(lowers[i + 1 + j]) for j, test in enumerate(rest)):
                out.append((key, i, end))
    return out


def _query_nlp():
    """The query pipeline's ``nlp``; loaded afresh once it has learnt ``NEW_WORDS_CAP`` words."""
    pipeline = load_query_pipeline()
    size = len(pipeline.nlp.vocab)  # spaCy counts every word it has added, freed or not
    start = _learnt_from.setdefault(id(pipeline), size)
    if size - start > NEW_WORDS_CAP:
        with _fresh:
            if load_query_pipeline() is pipeline:  # another thread may have just done it
                load_query_pipeline.cache_clear()
                _patterns.cache_clear()
                _learnt_from.clear()
        pipeline = load_query_pipeline()
        _learnt_from.setdefault(id(pipeline), len(pipeline.nlp.vocab))
    return pipeline.nlp


def query_doc(text: str) -> Doc:
    """``load_query_pipeline().nlp(text)``, in less time."""
    nlp = _query_nlp()
    doc = nlp.make_doc(text)
    patterns = _patterns()
    if patterns is None:
        return nlp(text)
    lowers = [t.lower_ for t in doc]
    if not any(w in patterns.words or (patterns.regex is not None and patterns.regex.search(w)) for w in lowers):
        return doc
    for name, component in nlp.pipeline:
        if name == RULER:
            # EntityRuler.match without its per-call pattern count and warnings filter (~15 us)
            found = _token_matches(lowers, patterns) + list(component.phrase_matcher(doc))
            matches = sorted({m for m in found if m[1] != m[2]}, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
            component.set_annotations(doc, matches)
        else:
            doc = component(doc)
    return doc
