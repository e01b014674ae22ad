"""Search-box syntax: ``"exacte zin"``, ``-uitsluiten``, ``OF``/``OR``; everything else is text.

The parser only produces a ParsedQuery; no user character ever reaches an engine as syntax.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MAX_QUERY_CHARS = 500

# a phrase needs its closing quote: an unclosed one (typed by accident far more often than on
# purpose) leaves plain words, which find what the words find instead of nothing
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OR_WORDS = {"OF", "OR", "|"}


@dataclass(frozen=True)
class Clause:
    """A group of alternatives: any one of ``terms``/``phrases`` satisfies it."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    text: str  # the free text with syntax removed (for the embedder and snippets)
    clauses: tuple[Clause, ...] = ()  # OR-groups; plain words form single-term clauses
    excluded: tuple[str, ...] = ()  # words or phrases after "-"
    phrases: tuple[str, ...] = field(default=())  # all quoted phrases (must occur)

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.phrases

    @property
    def binds_phrases(self) -> bool:
        """A quoted phrase must stand in every result: on its own, or as one of an OR-group's
        alternatives (then the group must be met)."""
        return bool(self.phrases) or any(c.phrases and len(c.terms) + len(c.phrases) > 1 for c in self.clauses)

    def positive_terms(self) -> list[str]:
        out: list[str] = []
        for c in self.clauses:
            out.extend(c.terms)
            for p in c.phrases:
                out.extend(p.split())
        return out


def parse_query(raw: str) -> ParsedQuery:
    """Parse a search-box string.

    >>> parse_query('taal "voor- en vroegschoolse educatie" -rotterdam').excluded
    ('rotterdam',)
    """
    raw = (raw or "").strip()
    items: list[tuple[str, str]] = []  # (kind, value): kind in term|phrase|or|not_term|not_phrase
    for m in _TOKEN.finditer(raw):
        neg, quoted, word = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            q = " ".join(quoted.split())
            if q:
                items.append(("not_phrase" if neg else "phrase", q))
            continue
        word = word.replace('"', "")
        if not word:
            continue
        if word in _OR_WORDS:
            items.append(("or", word))
        elif word.startswith("-") and len(word) > 1 and word[1].isalnum():
            items.append(("not_term", word[1:]))
        else:
            items.append(("term", word))

    clauses: list[Clause] = []
    excluded: list[str] = []
    phrases: list[str] = []
    join_next = False
    for kind, value in items:
        if kind == "or":
            join_next = bool(clauses)
            continue
        if kind.startswith("not_"):
            excluded.append(value)
            join_next = False
            continue
        new = Clause(terms=(value,)) if kind == "term" else Clause(phrases=(value,))
        if join_next and clauses:
            last = clauses.pop()
            new = Clause(terms=last.terms + new.terms, phrases=last.phrases + new.phrases)
        clauses.append(new)
        join_next = False
    for c in clauses:
        if len(c.terms) + len(c.phrases) == 1:
            phrases.extend(c.phrases)
    text_parts = [v for k, v in items if k in ("term", "phrase")]
    return ParsedQuery(
        raw=raw,
        text=" ".join(text_parts),
        clauses=tuple(clauses),
        excluded=tuple(excluded),
        phrases=tuple(phrases),
    )


def normalise_for_match(text: str) -> str:
    """Lowercase letters and digits only, single-spaced (phrase checks ignore punctuation)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[0-9a-z]+", text))


def contains(text: str, phrase: str) -> bool:
    """``phrase`` stands in ``text`` (both normalised) as whole words, its last word also in an
    inflected form: "brede brugklas" is in "brede brugklassen", "school" is not in "hogeschool"
    nor in "schoolbesturen"."""
    return _phrase_pattern(phrase).search(text) is not None


# plural, diminutive and adjective endings of a Dutch word, after a doubled last letter or not
_INFLECTION = "(?:{last}?(?:en|e|s|n|er|ers|eren|je|jes|tje|tjes))?"


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern:
    ending = _INFLECTION.format(last=re.escape(phrase[-1:])) if phrase[-1:].isalpha() else ""
    return re.compile(rf"(?<![0-9a-z]){re.escape(phrase)}{ending}(?![0-9a-z])")


def searched_word_spans(raw: str) -> list[tuple[int, int]]:
    """(start, end) in ``raw`` of every word the query looks for: plain words and the words of
    quoted phrases, not OF/OR nor excluded words; classified as parse_query does, so a caller
    can rewrite single words of the user's text and keep its syntax ("Bedoelde u ...").

    >>> q = 'Roterdam OF "ouders betrekkn" -armoede'
    >>> [q[s:e] for s, e in searched_word_spans(q)]
    ['Roterdam', 'ouders', 'betrekkn']
    """
    spans: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(raw):
        neg, quoted, word = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            if not neg:
                base = m.start(2)
                spans.extend((base + w.start(), base + w.end()) for w in re.finditer(r"\S+", quoted))
            continue
        bare = word.replace('"', "")
        if not bare or bare in _OR_WORDS or (bare.startswith("-") and len(bare) > 1 and bare[1].isalnum()):
            continue
        spans.append(m.span(3))
    return spans
