"""How a snippet's window is shown: its tokens joined by spaces, HTML-escaped, the words that
hit the query in <mark> (ranking/snippets.py chooses the window and the hits)."""
from __future__ import annotations

import html
import re
from typing import Callable

from indexer.ranking.term_memo import WORD

_WORD_SPLIT = re.compile(rf"({WORD.pattern})")  # a token's words at odd positions
# a web or e-mail address is shown as written, never marked: marks broke a link's slug up
# ("…/<mark>ouderbetrokkenheid</mark>-in-de-klas"). Its words still count for choosing the
# sentence, as the keyword side indexes them ("www.gelijke-kansen.nl" answers where to find more)
_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\S+@[\w-]+(?:\.[\w-]+)+"
                      r"|[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,}/\S*|(?:nl|be|eu|com|org|net|info)\b)", re.I)
# a hit token's shown form where no query changes it (one word, or an address), kept across
# queries: each query made it anew (~a tenth of a page's snippets at 10k, queries searched once)
_ALONE: dict[str, str] = {}
ALONE_MAX = 100_000


def mark_hit(token: str, hits_query: Callable[[str], bool]) -> str:
    """A token that hits the query as shown. It may carry punctuation or several words
    ("(ouders/buren),"): only the words ``hits_query`` accepts are marked then."""
    shown = _ALONE.get(token)
    if shown is not None:
        return shown
    if _ADDRESS.search(token):
        shown = html.escape(token)
    else:
        parts = _WORD_SPLIT.split(token)
        if len(parts) != 3:
            return "".join(f"<mark>{html.escape(p)}</mark>" if i % 2 and hits_query(p) else html.escape(p)
                           for i, p in enumerate(parts))
        # one word: its terms are the token's, which hit (no analysis here)
        shown = f"{html.escape(parts[0])}<mark>{html.escape(parts[1])}</mark>{html.escape(parts[2])}"
    if len(_ALONE) >= ALONE_MAX:
        _ALONE.clear()
    _ALONE[token] = shown
    return shown


def mark_all(token: str) -> str:
    """The token with every word marked: a split verb's words ("werken", "samen,")."""
    if _ADDRESS.search(token):
        return html.escape(token)
    return "".join(f"<mark>{html.escape(p)}</mark>" if i % 2 else html.escape(p)
                   for i, p in enumerate(_WORD_SPLIT.split(token)))


def highlight(tokens: list[str], first: int, end: int, hits: list[int], split, marked: dict[str, str],
              mark: Callable[[str], str]) -> str:
    """tokens[first:end] joined by spaces, HTML-escaped, the hits marked (``split``: positions of a
    split verb's words, every word marked; ``marked``: token -> shown form, filled by ``mark``);
    escaping works on the runs between hits, not token by token."""
    out, prev = [], first
    for i in hits:
        if i < first:
            continue
        if i >= end:
            break
        if i > prev:
            out.append(html.escape(" ".join(tokens[prev:i])))
        shown = mark_all(tokens[i]) if i in split else marked.get(tokens[i])
        if shown is None:
            shown = marked[tokens[i]] = mark(tokens[i])
        out.append(shown)
        prev = i + 1
    if prev < end:
        out.append(html.escape(" ".join(tokens[prev:end])))
    return " ".join(out)


def capped(tokens: list[str], first: int, end: int, hits: list[int], limit: int, split, count: int,
           marked: dict[str, str], mark: Callable[[str], str]) -> str:
    """The snippet of tokens[first:end] cut to ``limit`` characters: the whole tokens that fit
    (as marked and escaped), or the start of a first token longer than that, unmarked.
    ``count``: the text's tokens (``tokens`` may end with the untokenised rest)."""
    head = "… " if first > 0 else ""
    room = limit - len(head) - len(" …")
    hit_set = set(hits)
    used, stop = -1, first
    while stop < end:
        token = tokens[stop]
        size = len(mark_all(token) if stop in split else marked.get(token) or mark(token)) \
            if stop in hit_set else len(html.escape(token))
        if used + 1 + size > room:
            break
        used += 1 + size
        stop += 1
    if stop > first:
        return head + highlight(tokens, first, stop, hits, split, marked, mark) + (" …" if stop < count else "")
    text = tokens[first][:room]
    while len(html.escape(text)) > room:  # escaping lengthens "&", "<", quotes
        text = text[: len(text) - max(1, (len(html.escape(text)) - room) // 5)]
    return head + html.escape(text) + " …"
