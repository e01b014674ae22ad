"""Suspended compounds: in "voor- en vroegschoolse" the hyphen stands for the head that
"vroegschoolse" carries (voorschoolse), in "oriëntatie en -begeleiding" for the modifier that
"oriëntatie" is (oriëntatiebegeleiding). A word so written gets its full form's terms too."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from indexer.analysis.text_norm import Token, fold, strip_apostrophe_suffix

MIN_MODIFIER_ZIPF = 3.0  # a right neighbour's modifier must be a common word to be cut off
NEIGHBOURS = 3  # how far the other half may stand ("voor-, vroeg- en naschoolse")


@dataclass(frozen=True)
class Word:
    """One word's analysis: its term and its extra terms."""

    term: str | None  # None: stopword or nothing left
    parts: tuple[tuple[str, str], ...]  # (term, "part" | "hyphen"), never equal to term


class SuspendedCompounds:
    def __init__(self, analyze_word: Callable[[str], Word], split: Callable[[str], list[str]],
                 zipf: Mapping[str, float], stop: frozenset[str]):
        self._word = analyze_word
        self._split = split  # the decompounder's parts of a word
        self._zipf = zipf
        self._stop = stop

    def complete(self, word: Word, toks: list[Token], i: int, side: str) -> Word:
        """``word`` (token ``i``, hyphen on ``side``) with the terms of its full form added."""
        own = strip_apostrophe_suffix(fold(toks[i].surface))
        neighbours = toks[i + 1 : i + 1 + NEIGHBOURS] if side == "right" else reversed(toks[max(0, i - NEIGHBOURS) : i])
        for other in neighbours:
            full = self._join(own, strip_apostrophe_suffix(fold(other.surface)), side)
            if full:
                whole = self._word(full)
                extra = ([(whole.term, "part")] if whole.term else []) + list(whole.parts)
                if word.term is None and extra:  # "voor" is a stopword, "voorschoolse" is not
                    return Word(extra[0][0], tuple(p for p in extra[1:] if p[0] != extra[0][0]))
                merged = [p for p in extra if p[0] != word.term and p not in word.parts]
                return Word(word.term, tuple(word.parts) + tuple(merged))
        return word

    def _join(self, own: str, other: str, side: str) -> str:
        if side == "left":  # other = modifier + head: keep the modifier, put own head on it
            parts = self._split(other)
            return other[: other.rfind(parts[-1])] + own if parts and parts[-1] in other else ""
        for cut in range(3, len(other) - 3):  # other = modifier + head: own + head
            if self._zipf.get(other[:cut], 0.0) >= MIN_MODIFIER_ZIPF and other[:cut] not in self._stop:
                return own + other[cut:]
        return ""
