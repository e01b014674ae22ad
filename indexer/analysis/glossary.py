"""The English->Dutch glossary at query time: which of a question's English phrases it
translates, and into what (mappings/glossary_en_nl.txt)."""
from __future__ import annotations

from typing import Callable, Collection, Mapping, Sequence

from indexer.analysis.english import english_words, reads_dutch
from indexer.analysis.expansion import Rule, SpanIndex, load_spans, source_words
from indexer.analysis.text_norm import fold, strip_possessive, tokenize

GLOSSARY_ORIGIN = "glossary"
SHARED_ORIGIN = "glossary-shared"  # translated, but a word Dutch writes too: the keyword side knows it


def surface_words(text: str) -> list[str]:
    return [fold(t.surface) for t in tokenize(text)]


def _with_hyphenated_phrases(index, words: list[str]) -> list[tuple[int, int, list]]:
    """``index``'s longest matches in ``words``, and a hyphenated word whose pieces are a phrase
    ("after-school", "first-year": one token each) as that phrase, where no match covers it."""
    found = list(index.matches(words, longest_only=True))
    covered = {i for start, end, _ in found for i in range(start, end)}
    for i, word in enumerate(words):
        if "-" in word and i not in covered:
            pieces = tuple(p for p in word.split("-") if p)
            targets = index.targets(pieces) if len(pieces) > 1 else None
            if targets:
                found.append((i, i + 1, targets))
    return sorted(found, key=lambda m: m[0])


class Glossary:
    def __init__(self, rules: list[Rule], analyze_phrase: Callable[[str], list[str]],
                 is_dutch: Callable[[str], bool], lemmas: Mapping[str, str], stop: Collection[str],
                 neutral: Collection[str]):
        self._rules = rules
        self.terms = load_spans(rules, surface_words, targets=analyze_phrase, plurals=True)  # analysed
        self._surface: SpanIndex | None = None  # the same rules with Dutch words as written
        self._is_dutch = is_dutch
        self._lemmas = lemmas
        self._stop = stop
        self._neutral = neutral

    def matches(self, index: SpanIndex, words: list[str], context: Sequence[str] | None = None):
        """(start, end, targets, origin) of the glossary phrases that apply to ``words`` (folded):
        a phrase of two or more words, a word Dutch does not know, or a word Dutch writes too but
        English more ("orchestra", "grant", "pupil") in a question (``context``: all its words)
        without a word only Dutch has."""
        dutch_question = None
        # an English possessive is its word, which the glossary knows ("children's"); a Dutch plural
        # in 's ("agenda's") is a word Dutch knows and stays untranslated. One word each: positions stay
        words = [strip_possessive(w) for w in words]
        for start, end, targets in _with_hyphenated_phrases(index, words):
            word = words[start]
            if end - start > 1 or "-" in word or not self._is_dutch(word):
                yield start, end, targets, GLOSSARY_ORIGIN
            elif word in english_words() and word not in self._lemmas and word not in self._stop:
                # in the Dutch list (which holds English text too) but more frequent in English,
                # and no form in the Dutch lemma table ("families", "studies" are Dutch plurals too)
                if dutch_question is None:
                    dutch_question = reads_dutch(context or words, is_dutch=self._is_dutch,
                                                 is_stop=self._stop.__contains__, neutral=self._neutral)
                if not dutch_question:
                    yield start, end, targets, SHARED_ORIGIN

    def spans(self, words: Sequence[str], context: Sequence[str] | None = None
              ) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, Dutch renderings) of the glossary phrases in ``words`` (folded, as typed),
        by the rules of the query terms (``context``: the whole question's words, when ``words``
        are a part of it)."""
        if self._surface is None:
            self._surface = load_spans(self._rules, surface_words, plurals=True)
        return [(start, end, tuple(" ".join(t) for t in targets))
                for start, end, targets, _ in self.matches(self._surface, list(words), context)]

    def rendering(self, text: str) -> str:
        """``text`` with its English phrases replaced by their first Dutch rendering; "" when
        nothing was translated."""
        surfaces = surface_words(text)
        out, pos = [], 0
        for start, end, renderings in self.spans(surfaces):
            out += surfaces[pos:start] + renderings[0].split()
            pos = end
        return " ".join(out + surfaces[pos:]) if pos else ""

    def words(self) -> frozenset[str]:
        """The English words the glossary knows, folded; a plural made from an entry only when
        it is a common English word (what a typo may be corrected to)."""
        return source_words(self._rules, surface_words, english_words().__contains__)
