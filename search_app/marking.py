"""Query words marked in a whole text, the way the search's snippets mark them.

The snippets' Snippeter marks whole words whose analysed terms (lemma, stem, compound parts,
synonyms) hit the query's: "scholen" and "zomerschool" for "school", "jongerencoaches" whole,
never a substring. Asked for as many words as the text has, it returns the whole text;
its whitespace is collapsed, so the marked words are put back between the text's own whitespace
(line breaks matter: passages are shown with ``white-space: pre-line``).
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from indexer.ranking.query_syntax import parse_query
from indexer.ranking.snippets import Snippeter

_SPACE = re.compile(r"(\s+)")


class Marker:
    """Marks the words of texts that hit ``query`` (its search text: exclusions are not marked)."""

    def __init__(self, analyzer, query: str):
        text = parse_query(query).text if query.strip() else ""
        self._snippeter = Snippeter(analyzer, text) if text.strip() else None

    def mark(self, text: str) -> Markup:
        """``text`` HTML-escaped with its matching words in <mark>, its whitespace as it was."""
        pieces = _SPACE.split(text)  # words at even positions (possibly ""), whitespace at odd
        words = text.split()
        if self._snippeter is None or not words:
            return escape(text)
        marked = self._snippeter.snippets([text], max_words=len(words))[0].split(" ")
        if len(marked) != len(words):  # not the whole text (cannot happen; never show a part)
            return escape(text)
        out, next_word = [], iter(marked)
        for i, piece in enumerate(pieces):
            if i % 2:
                out.append(piece)
            elif piece:
                out.append(next(next_word))
        return Markup("".join(out))

    @staticmethod
    def has_marks(marked: Markup) -> bool:
        return "<mark>" in marked
