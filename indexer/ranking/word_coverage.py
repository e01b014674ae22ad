"""Query words the index holds only in parts: "zomerschool" occurs in no passage, its part
"school" in most, so the keyword side's matches are the part's, not the word's. The search says
so (``SearchResponse.partial_words``) instead of presenting them as matches of the word."""
from __future__ import annotations

from typing import Callable

from indexer.analysis.text_norm import tokenize


def words_found_only_in_parts(analyzer, term_df: Callable[[str], int], text: str) -> list[str]:
    """The words of ``text`` (as typed) that no passage holds, nor a synonym or translation of
    them, while a passage holds one of their compound parts. Hyphenated words are left out: their
    pieces are words of their own ("mbo-student")."""
    tokens = tokenize(text)
    groups: dict[int, list] = {}
    for qt in analyzer.query_terms(text):
        groups.setdefault(qt.group, []).append(qt)
    out = []
    for group, terms in sorted(groups.items()):
        if group >= len(tokens) or "-" in tokens[group].surface:
            continue
        if not any(t.origin == "word" for t in terms):
            continue
        whole = [t.term for t in terms if t.origin != "part"]
        parts = [t.term for t in terms if t.origin == "part"]
        if parts and not any(term_df(t) > 0 for t in whole) and any(term_df(t) > 0 for t in parts):
            out.append(tokens[group].surface)
    return list(dict.fromkeys(out))
