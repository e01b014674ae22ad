"""Tokenising and character-level normalisation: word spans, lowercase, diacritic folding, numbers.

Everything here is pure and dictionary-free so the index side and the query side cannot drift.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A word: letters/digits (any script, incl. diacritics), joined by internal apostrophes
# (baby's, zo'n), hyphens (mbo-student, GKA-agenda's) or digit separators (25.000, 1,5).
# A leading "'s-" / "'t-" belongs to place names ('s-Hertogenbosch).
_WORD_RE = re.compile(
    r"(?:['\u2019](?=[st]-[^\W_]))?[^\W_]+(?:['\u2019\-][^\W_]+|(?<=\d)[.,]\d+)*"
)
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
# the digits a % sign reads as procent after: Elasticsearch's gka_percent filter matches (?<=\d),
# and Java's \d is [0-9] only (the embedded analyzer and es_terms follow it)
PERCENT_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class Token:
    """A word span in the ORIGINAL text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str


def tokenize(text: str) -> list[Token]:
    """Word spans of ``text``; punctuation and whitespace are skipped, offsets are exact.

    >>> [t.surface for t in tokenize("De mbo-student van 's-Hertogenbosch kreeg 25.000 euro.")]
    ['De', 'mbo-student', 'van', "'s-Hertogenbosch", 'kreeg', '25.000', 'euro']
    """
    return [Token(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def fold(word: str) -> str:
    """Lowercase and strip diacritics: "Loopbaanoriëntatie" -> "loopbaanorientatie"."""
    word = word.lower()
    if word.isascii():
        return word
    word = word.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_number(word: str) -> str:
    """Dutch thousands separators go ("25.000" -> "25000"); years and decimals stay."""
    if _THOUSANDS_RE.match(word):
        return word.replace(".", "")
    return word


ABBREVIATION_SUFFIXES = ("er", "ers", "tje", "tjes")


def strip_possessive(word: str) -> str:
    """A plural or possessive "'s" goes: baby's -> baby, agenda's -> agenda, children's -> children."""
    return word[:-2] if len(word) > 3 and word.endswith("'s") else word


def strip_apostrophe_suffix(word: str) -> str:
    """A suffix after an apostrophe goes: plural/possessive "'s" (baby's -> baby, agenda's ->
    agenda) and the person or diminutive of an abbreviation (mbo'ers -> mbo, vsv'er -> vsv,
    vmbo-ers -> vmbo, havo'tje -> havo); a leading "'s-" stays."""
    base = strip_possessive(word)
    if base != word:
        return base
    for mark in ("'", "-"):  # vmbo'ers, also written vmbo-ers
        base, found, suffix = word.rpartition(mark)
        if found and suffix in ABBREVIATION_SUFFIXES and 2 <= len(base) <= 6 and base.isalpha():
            return base
    return word


def split_hyphens(word: str) -> list[str]:
    """Non-empty hyphen parts of a (folded) word: "vmbo-leerlingen" -> ["vmbo", "leerlingen"]."""
    return [p for p in word.split("-") if p]


def dangling_hyphen(text: str, token: Token) -> str:
    """Which side of a token carries a suspended-compound hyphen.

    "voor- en vroegschoolse" -> "voor" ends with one ("right");
    "loopbaanoriëntatie en -begeleiding" -> "begeleiding" starts with one ("left").
    """
    if token.end < len(text) and text[token.end] == "-":
        after = text[token.end + 1 : token.end + 2]
        if not after or after.isspace():
            return "right"
    if token.start > 0 and text[token.start - 1] == "-":
        before = text[token.start - 2 : token.start - 1]
        if not before or before.isspace():
            return "left"
    return ""
