"""Query words the index holds only in parts, or not at all. "zomerschool" occurs in no passage,
its part "school" in most, so the keyword side's matches are the part's, not the word's;
"nieuwkomers" occurs in no passage in any form, so the results answer the rest of the question.
The search says so (``SearchResponse.partial_words``, ``missing_words``) instead of presenting
the results as matches of those words."""
from __future__ import annotations

from typing import Callable

from indexer.analysis.text_norm import fold, tokenize
from indexer.ranking.query_syntax import ParsedQuery, parse_query
from indexer.analysis.english import is_english_form


def nothing_to_search(analyzer, query: str) -> str | None:
    """Why ``query`` has nothing to search for: "exclusions" (it only excludes: "-ouders"), "stop
    words" (only stop words, symbols or syntax: "de het", "!@#", "OF"); None when it has a word
    to search for, or no text at all (filters alone)."""
    parsed = parse_query(query)
    if not parsed.raw:
        return None
    if parsed.is_empty:
        return "exclusions" if parsed.excluded else "stop words"
    return None if analyzer.query_terms(parsed.text) else "stop words"


def query_word_coverage(backend, analyzer, query: ParsedQuery) -> tuple[list[str], list[str]]:
    """word_coverage of the query's plain words (a quoted word is matched whole, never by its
    parts), counted by the backend's ``term_dfs``; nothing named without it or when the index
    cannot tell (None)."""
    term_dfs = getattr(backend, "term_dfs", None)
    plain = " ".join(t for c in query.clauses for t in c.terms)
    counts = term_dfs([t.term for t in analyzer.query_terms(plain)]) if term_dfs and plain else None
    if counts is None:
        return [], []
    return word_coverage(analyzer, lambda term: counts.get(term, 0), plain, is_english_form)


def word_coverage(analyzer, term_df: Callable[[str], int], text: str,
                  is_english: Callable[[str], bool] = lambda w: False) -> tuple[list[str], list[str]]:
    """(the words of ``text``, as typed, that no passage holds, nor a synonym or translation of
    them, while a passage holds one of their compound parts; the words none of whose forms,
    synonyms, translations or parts any passage holds). Hyphenated words are not named as
    partial: their pieces are words of their own ("mbo-student"). An English word the glossary
    does not translate ("how", "with") is not named as missing: the glossary knows the content
    words, and the others say nothing the index could hold."""
    groups: dict[int, list] = {}
    for qt in analyzer.query_terms(text):
        groups.setdefault(qt.group, []).append(qt)
    if all(any(term_df(t.term) > 0 for t in terms if t.origin != "part")
           for terms in groups.values() if any(t.origin == "word" for t in terms)):
        # each word is found whole, so none is named below: without the tokens and the glossary's
        # phrases, which only choose what to name (most queries; ~a third of this function's time)
        return [], []
    tokens = tokenize(text)
    # an English phrase the glossary translates as a whole is named whole ("summer schools")
    spans = getattr(analyzer, "glossary_spans", None)
    found_spans = spans([fold(t.surface) for t in tokens]) if spans else []
    phrase_end = {start: end for start, end, _ in found_spans}
    # a translation's terms, though another word of the question already added them ("youth" and
    # "young people" are both jongeren: the terms are kept once, in the first word's group)
    renderings = {start: [term for target in targets for term in analyzer.analyze_phrase(target)]
                  for start, _, targets in found_spans}
    # the phrase's other words go with it: "leavers" is no missing word of "early school leavers"
    inside = {g for start, end in phrase_end.items() for g in range(start + 1, end)}
    partial, missing = [], []
    for group, terms in sorted(groups.items()):
        if group >= len(tokens) or group in inside or not any(t.origin == "word" for t in terms):
            continue
        surface = " ".join(t.surface for t in tokens[group:max(group + 1, phrase_end.get(group, 0))])
        whole = [t.term for t in terms if t.origin != "part"] + renderings.get(group, [])
        # a phrase's other words are its parts: "summer school" untranslated in the index but
        # "school" found is held in parts, as "zomerschool" is, not missing with a "rest" to match
        parts = [t.term for t in terms if t.origin == "part"] + [
            t.term for g in range(group + 1, phrase_end.get(group, 0)) for t in groups.get(g, ()) if t.origin == "word"]
        if any(term_df(t) > 0 for t in whole):
            continue
        if any(term_df(t) > 0 for t in parts):
            if "-" not in surface:
                partial.append(surface)
        elif any(t.origin.startswith("glossary") for t in terms) or renderings.get(group) \
                or not is_english(surface.lower()):
            missing.append(surface)
    return list(dict.fromkeys(partial)), list(dict.fromkeys(missing))

