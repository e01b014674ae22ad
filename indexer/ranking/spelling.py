"""'Bedoelde u ...': replace query words the index does not know by a close, frequent index word;
and complete a word being typed from the index's words."""
from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import defaultdict
from typing import Callable, Iterable

from indexer.analysis.english import is_english_form
from indexer.analysis.text_norm import fold
from indexer.ranking.query_syntax import ParsedQuery, searched_word_spans

MIN_LENGTH = 4
CUTOFF = 0.78  # similarity a correction needs (difflib ratio)
# a word the decompounder splits into known words is a compound the index lacks
# ("samenwerkingsplan") or a typo that happens to make one ("zomerscool" = zomers + cool):
# corrected only to a near twin ("zomerschool")
COMPOUND_CUTOFF = 0.9
_PUNCT = ".,;:!?()[]{}'\""  # around a word, not part of it


class Speller:
    def __init__(self, vocabulary: Iterable[tuple[str, int]], analyzer, term_df: Callable[[str], int] | None = None):
        self.freq: dict[str, int] = {}
        self.spelled: dict[str, str] = {}  # lower case -> as the index writes it (names: Klinkhamer)
        for word, count in vocabulary:
            low = word.lower()
            self.freq[low] = self.freq.get(low, 0) + count
            if word != low:
                self.spelled[low] = word
        self.analyzer = analyzer
        self.term_df = term_df
        self._buckets = _buckets(self.freq)
        # an English typo ("homewrok") has no Dutch index word near it: the glossary's English
        # words are its candidates, after the index's, so a Dutch typo still gets a Dutch word
        english = getattr(analyzer, "glossary_words", None)
        self._glossary_english = frozenset(w for w in (english() if english else ()) if w.isalpha())
        self._english = _buckets(self._glossary_english)
        self._sorted: list[tuple[str, str]] | None = None  # (folded, word), made on first completion

    def complete(self, prefix: str, limit: int) -> list[str]:
        """The index's most frequent words that start with ``prefix`` (autocomplete), accents
        ignored ("loopbaanorien" finds "loopbaanoriëntatie"), spelled as the index spells them
        (lower case, but for the names the texts write with a capital)."""
        if self._sorted is None:
            # abbreviations of three letters count (vve, vsv, gka), stop words do not
            stop = getattr(self.analyzer, "is_stopword", lambda w: False)
            offered = (w for w in self.freq if w.replace("-", "").isalnum() and not w.isdigit() and (
                len(w) >= MIN_LENGTH or (len(w) == 3 and self.analyzer.index_terms(w))) and not stop(w))
            self._sorted = sorted((fold(w), w) for w in offered)
        key = fold(prefix)
        lo = bisect_left(self._sorted, (key,))
        hi = bisect_left(self._sorted, (key + "\uffff",))
        words = [w for _, w in self._sorted[lo:hi] if w != prefix.lower()]
        return [self.spelled.get(w, w) for w in sorted(words, key=lambda w: (-self.freq[w], w))[:limit]]

    def complete_english(self, prefix: str, limit: int) -> list[str]:
        """The glossary's English words that start with ``prefix`` ("homew" -> homework; "opp"
        after "equal" -> opportunity): autocomplete for an English question. First those whose
        Dutch rendering the index holds most ("sch" -> school before scheme)."""
        key = prefix.lower()
        render = getattr(self.analyzer, "dutch_rendering", lambda w: "")

        def found(word: str) -> int:  # a word Dutch writes too ("school") is not rendered
            return sum(self.freq.get(w, 0) for w in render(word).split() or [word])

        words = [w for w in self._glossary_english if w.startswith(key) and w != key]
        return sorted(words, key=lambda w: (-found(w), len(w), w))[:limit]

    def reads_english(self, words: Iterable[str]) -> bool:
        """Whether words typed before the one being completed are English: one English word and
        no Dutch one is enough ("early sch" completes to "school", not "scholen")."""
        return _reads_english(self.analyzer, [w.lower() for w in words if w.isalpha()], at_least=1)

    def known(self, word: str) -> bool:
        """In the index, or a real Dutch or common English word: not a typo, even when the index
        lacks it ("eten" is not corrected to "een", nor "parents" to "presents")."""
        lw = word.lower()
        if lw in self.freq or is_english_form(lw) or is_english_form(lw, self._glossary_english):
            return True  # "reimbursing": a form of the glossary's "reimburse", no typo
        dutch_zipf = getattr(self.analyzer, "dutch_zipf", None)
        if dutch_zipf is not None and dutch_zipf(lw) > 0:
            return True
        is_place = getattr(self.analyzer, "is_place_word", None)
        if is_place is not None and is_place(lw):  # "Dordt" is no "doordat", "Heumen" no "heen"
            return True
        in_lemmas = getattr(self.analyzer, "in_lemma_table", None)
        if in_lemmas is not None and in_lemmas(lw):  # rare but real: "inclusie" is no "inclusief"
            return True
        if self.term_df is not None:
            # only the word's own term counts: compound parts of a typo ("huiswerkklsa") are known words
            terms = self.analyzer.index_terms(word)
            return bool(terms) and self.term_df(terms[0]) > 0
        return False

    def _same_term(self, word: str, fixed: str) -> bool:
        """A candidate analysed as the word is (Dutch "longitudinale" and the glossary's
        "longitudinal" both stem to longitudinal) searches nothing else: another form, no typo."""
        own = self.analyzer.index_terms(word.lower())
        return bool(own) and own[:1] == self.analyzer.index_terms(fixed)[:1]

    def cutoff(self, word: str) -> float | None:
        """The similarity a correction of ``word`` needs; None for a word that is no typo."""
        if self.known(word):
            return None
        return COMPOUND_CUTOFF if len(self.analyzer.word_terms(word.lower())) > 1 else CUTOFF

    def correct(self, word: str, cutoff: float = CUTOFF, english_first: bool = False) -> str | None:
        """The closest index word, else the closest English glossary word (``english_first``:
        the other way round, for a question that reads English: "shools" is "schools" there,
        not "schoolse")."""
        lw = word.lower()
        twins = [w for w in _dt_twins(lw) if w in self.freq]
        if twins and not english_first:
            return max(twins, key=lambda w: self.freq[w])
        for buckets in (self._english, self._buckets) if english_first else (self._buckets, self._english):
            candidates: list[str] = []
            for length in range(len(lw) - 2, len(lw) + 3):
                candidates.extend(buckets.get((lw[:1], length), ()))
            matches = difflib.get_close_matches(lw, candidates, n=5, cutoff=cutoff)
            if matches:
                # two letters swapped keep the word's letters: "teachres" is "teachers", though
                # difflib finds "teaches" more alike
                letters = sorted(lw)
                return max(matches, key=lambda m: (sorted(m) == letters, difflib.SequenceMatcher(None, lw, m).ratio(),
                                                   self.freq.get(m, 0)))
        return None

    def suggest(self, query: ParsedQuery) -> str | None:
        """The user's query with only its misspelled words replaced: quotes, "-", OF/OR and the
        other words stay, so the suggestion runs the same search (excluded words are left)."""
        raw = query.raw
        words: list[tuple[int, int, str]] = []  # (start, end, word) without punctuation around it
        for start, end in searched_word_spans(raw):
            token = raw[start:end]
            clean = token.strip(_PUNCT)
            if clean:
                start += len(token) - len(token.lstrip(_PUNCT))
                words.append((start, start + len(clean), clean))
        cutoffs: dict[str, float | None] = {}  # each word judged once: the checks cost analysis

        def needed(word: str) -> float | None:
            if word not in cutoffs:
                cutoffs[word] = self.cutoff(word) if len(word) >= MIN_LENGTH and word.isalpha() else None
            return cutoffs[word]

        if all(needed(w) is None for _, _, w in words):
            return None  # no word to correct (most queries): without the language checks below
        # distinct words: a typo repeated (in the text and in a phrase) is still one typo
        distinct = set(w.lower() for _, _, w in words)
        unknown = [w for w in distinct if needed(w) == CUTOFF]
        # Dutch stop words speak for Dutch: "voorleesn met oudrs" holds two typos
        content = [w for w in distinct if not self.analyzer.is_stopword(w)]
        if len(content) >= 3 and len(unknown) * 2 > len(content):
            return None  # mostly unknown words: another language, not typos
        english = _reads_english(self.analyzer, distinct - set(unknown))
        out = raw
        changed = False
        for start, end, word in reversed(words):  # from the end: earlier offsets stay valid
            cutoff = needed(word)
            fixed = self.correct(word, cutoff, english) if cutoff is not None else None
            if fixed and fixed != word.lower() and not self._same_term(word, fixed):
                if word[:1].isupper():  # "Rotterdamm" -> "Rotterdam", not "rotterdam"
                    fixed = fixed[:1].upper() + fixed[1:]
                else:  # a name as the texts write it: "roterdam" -> "Rotterdam"
                    fixed = self.spelled.get(fixed, fixed)
                out = out[:start] + fixed + out[end:]
                changed = True
        return out if changed else None


def _reads_english(analyzer, words: Iterable[str], at_least: int = 2) -> bool:
    """Two (``at_least``) or more of the words are English and not Dutch, and more of them than
    the other way round ("how do shools involve parents"; not "ouders en school")."""
    dutch_zipf = getattr(analyzer, "dutch_zipf", lambda w: 0.0)
    english = dutch = 0
    for word in words:
        in_english, in_dutch = is_english_form(word), dutch_zipf(word) > 0 or analyzer.is_stopword(word)
        english += in_english and not in_dutch
        dutch += in_dutch and not in_english
    return english >= at_least and english > dutch


def _dt_twins(word: str) -> list[str]:
    """The word with its last d, t or dt written another way: Dutch says them alike at the end
    of a word, so "zuit" is "zuid" (difflib finds "zit" closer) and "vint" "vindt"."""
    for ending in ("dt", "d", "t"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            return [stem + e for e in ("dt", "d", "t") if e != ending]
    return []


def _buckets(words: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    """Words by (first letter, length): a typo keeps its first letter and about its length. A
    hyphenated word is for completion only: a typo is corrected word by word, and the hyphenated
    ones would only make every bucket longer to compare against."""
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in words:
        if "-" not in word:
            out[(word[:1], len(word))].append(word)
    return out
