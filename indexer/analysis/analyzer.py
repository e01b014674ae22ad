"""The Dutch keyword analyzer: one pipeline for index time and query time.

tokens -> lowercase + fold diacritics -> numbers -> stopwords -> lemma (spacy-lookups-data)
-> Snowball Dutch stem; hyphen pieces and compound parts are extra terms after a word's own
term; at query time synonyms (mappings/synonyms.txt) and the English glossary add weighted terms.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from indexer.analysis import resources
from indexer.analysis.decompound import Decompounder
from indexer.analysis.english import is_english_form
from indexer.analysis.expansion import (
    GLOSSARY_HEADER, SYNONYM_HEADER, QueryTerm, abbreviations, dedupe_terms, expand_targets, load_spans, parse_rules,
)
from indexer.analysis.glossary import Glossary
from indexer.analysis.separable import joined_verbs
from indexer.analysis.stemming import dutch_stemmer
from indexer.analysis.suspended import SuspendedCompounds
from indexer.analysis.suspended import Word as _Word
from indexer.analysis.text_norm import (
    PERCENT_DIGITS, Token, dangling_hyphen, fold, normalize_number, split_hyphens, strip_apostrophe_suffix, tokenize,
)

# Bump whenever index_terms() output changes (stored in the index metadata); what each version
# changed: docs/analyzer-versions.md
VERSION = "nl-v21"
# query term weights, against 1.0 for a query word's own term (re-measured on five judged sets in
# the twenty-third session: docs/relevance.md)
PART_WEIGHT = 0.6  # compound part of a query word
PARTICLE_WEIGHT = PART_WEIGHT  # a separable verb read from word order ("richt ... in"): as sure as a part
HYPHEN_WEIGHT = 0.8  # piece of a hyphenated query word (mbo-student -> mbo, student)
SYNONYM_WEIGHT = 0.85  # divided over the terms of a multiword expansion
GLOSSARY_WEIGHT = 0.8
WEAK_MODIFIERS = ("hoog", "laag", "groot", "klein", "nieuw", "oud")  # not searched as a query compound's part
SHORT_QUERY_WORDS = 3  # spelled_out: queries this short get their abbreviations spelled out
GLOSSARY_MAX_NL_ZIPF = 0.0  # an English word the Dutch list knows is left alone, unless it leans English
# "36%", "36 %": the tokenizer drops the sign, a reader of procent needs it. After an ASCII digit
# only, as Elasticsearch's char filter gka_percent ((?<=\d): Java's \d is [0-9]) reads it
_PERCENT = re.compile(r"[ \u00a0]?%")


class DutchAnalyzer:
    version = VERSION  # the instance's adds its data tables' digest (resources.index_data_fingerprint)

    def __init__(self) -> None:
        self.version = f"{VERSION}+{resources.index_data_fingerprint()}"
        self._stop = frozenset(fold(w) for w in resources.read_lines(resources.DATA_FILES["stopwords"]))
        self._lemmas = resources.load_lemmas(fold)
        self._lemma_values: frozenset[str] | None = None  # made on first use (spelling)
        self._zipf = resources.load_zipf()
        self._verbs = resources.load_verbs()
        self._decompounder = Decompounder(self._zipf, self._lemmas, self._verbs, resources.load_keep_whole(fold))
        self._stemmer = dutch_stemmer()
        self._word = lru_cache(maxsize=200_000)(self._analyze_word)
        self._suspended = SuspendedCompounds(self._word, self._decompounder.split, self._zipf, self._stop)
        self._query_terms = lru_cache(maxsize=1024)(self._analyze_query)
        self._compound_parts_of = lru_cache(maxsize=1024)(self._find_compound_parts)
        self._compound_surfaces_of = lru_cache(maxsize=1024)(self._find_compound_surfaces)
        synonyms = parse_rules(resources.DATA_FILES["synonyms"], SYNONYM_HEADER)  # read once, used twice
        self._synonyms = load_spans(synonyms, self.analyze_phrase)
        self._abbreviations = abbreviations(synonyms, fold)
        # names, abbreviations and words both languages use ("open", "app", "minister") tell no language
        self._places = resources.load_place_words(fold)
        self._neutral = (frozenset(self._abbreviations) | self._places
                         | frozenset(resources.read_lines(resources.DATA_FILES["english_dutch_shared"]))) - self._stop
        self._glossary = Glossary(parse_rules(resources.DATA_FILES["glossary"], GLOSSARY_HEADER), self.analyze_phrase,
                                  self._is_dutch, self._lemmas, self._stop, self._neutral)
        # a compound's adjective modifier says little on its own: "hoogbegaafde" is not about
        # "hoog" (which then matched "hogeschool"); the query keeps the word and its other part
        self._weak_modifiers = frozenset(self._stemmer.stemWord(w) for w in WEAK_MODIFIERS)
        self._percent = self._term("procent")

    # ---- public API -------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        return tokenize(text)

    def index_terms(self, text: str) -> list[str]:
        out: list[str] = []
        toks = tokenize(text)
        verbs = self._particle_verbs(text, toks)
        for i, word in self._analyze_text(text, toks):
            if word.term:
                out.append(word.term)
            out.extend(term for term, _ in word.parts)
            if i in verbs:
                out.append(verbs[i])
        return out

    def word_terms(self, word: str) -> set[str]:
        analysed = self._word(word)
        terms = {t for t, _ in analysed.parts}
        if analysed.term:
            terms.add(analysed.term)
        return terms

    def analyze_phrase(self, text: str) -> list[str]:
        return [w.term for w in (self._word(t.surface) for t in tokenize(text)) if w.term]

    def query_terms(self, text: str) -> list[QueryTerm]:
        # one search asks three times (keyword plan, fusion weight, snippets): analysed once
        return list(self._query_terms(text))

    def _analyze_query(self, text: str) -> tuple[QueryTerm, ...]:
        toks = tokenize(text)
        found: list[QueryTerm] = []
        seq: list[tuple[int, str]] = []  # (group, word term) of non-stopwords, for synonyms
        pieces: list[tuple[int, str]] = []  # (group, term) of a hyphenated word's pieces
        for group, word in self._analyze_text(text, toks):
            if word.term:
                found.append(QueryTerm(word.term, 1.0, group, "word"))
                seq.append((group, word.term))
            for term, kind in word.parts:
                if kind == "part" and term in self._weak_modifiers:
                    continue
                found.append(QueryTerm(term, PART_WEIGHT if kind == "part" else HYPHEN_WEIGHT, group, "part"))
                if kind == "hyphen":
                    pieces.append((group, term))
        particles = self._particle_verbs(text, toks)
        for group, term in particles.items():  # "richt ... in": inrichten
            found.append(QueryTerm(term, PARTICLE_WEIGHT, group, "particle"))
        terms = [t for _, t in seq]
        for start, end, targets in self._synonyms.matches(terms):
            own = set(terms[start:end])
            found.extend(expand_targets(targets, seq[start][0], SYNONYM_WEIGHT, "synonym", own))
        for group, piece in pieces:  # "po-vo", "vo-scholen": a piece's own synonyms, as weak as the piece
            for _, _, targets in self._synonyms.matches([piece]):
                found.extend(expand_targets(targets, group, HYPHEN_WEIGHT * SYNONYM_WEIGHT, "synonym", {piece}))
        for group, verb in particles.items():  # "om door te leren": doorleren's synonyms, as weak as it
            for _, _, targets in self._synonyms.matches([verb]):
                found.extend(expand_targets(targets, group, PARTICLE_WEIGHT * SYNONYM_WEIGHT, "synonym", {verb}))
        surfaces = [fold(t.surface) for t in toks]
        for start, _, targets, origin in self._glossary.matches(self._glossary.terms, surfaces):
            found.extend(expand_targets(targets, start, GLOSSARY_WEIGHT, origin, set()))
        return tuple(dedupe_terms(found))

    def compound_parts(self, text: str) -> list[tuple[str, ...]]:
        """The compound parts of each query word that has them, as query_terms lists them
        ("schooladvies" -> (school, advies)): a passage holding all of one word's parts
        matches that word, one holding only some of them matches it in part."""
        return list(self._compound_parts_of(text))  # asked by the plan and the retriever

    def _find_compound_parts(self, text: str) -> tuple[tuple[str, ...], ...]:
        out = []
        for _, word in self._analyze_text(text):
            parts = tuple(t for t, kind in word.parts if not (kind == "part" and t in self._weak_modifiers))
            if parts:
                out.append(parts)
        return tuple(out)

    def compound_surfaces(self, text: str) -> list[tuple[str, ...]]:
        """compound_parts as words ("schooladvies" -> ("school", "advies")), for an engine that
        analyses them itself (Elasticsearch): asked by its search, count and facets requests."""
        return list(self._compound_surfaces_of(text))

    def _find_compound_surfaces(self, text: str) -> tuple[tuple[str, ...], ...]:
        out = []
        for tok in tokenize(text):
            folded = strip_apostrophe_suffix(fold(tok.surface))
            if folded in self._stop:
                continue
            pieces = split_hyphens(folded)
            parts = pieces if len(pieces) > 1 else []
            for piece in pieces:
                parts += [p for p in self._decompounder.split(piece.replace("'", ""))
                          if self._term(p) not in self._weak_modifiers]
            parts = [p for p in dict.fromkeys(parts) if p != folded and self._term(p)]
            if parts:
                out.append(tuple(parts))
        return tuple(out)

    def dutch_rendering(self, text: str) -> str:
        """``text`` with its English glossary phrases replaced by their first Dutch rendering
        ("how do schools improve parental involvement" -> "... scholen ... ouderbetrokkenheid"),
        by the same rules as the glossary's query terms; "" when nothing was translated. For query
        understanding, which names Dutch themes."""
        return self._glossary.rendering(text)

    def glossary_spans(self, words: Sequence[str], context: Sequence[str] | None = None
                       ) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, Dutch renderings) of the English glossary phrases in ``words`` (folded,
        as typed), by the rules of the query terms (``context``: the whole question's words, when
        ``words`` are a part of it)."""
        return self._glossary.spans(words, context)

    def is_dutch_word(self, word: str) -> bool:
        """A Dutch word (a stop word, or common enough in Dutch): never read as English."""
        return self._is_dutch(fold(word))

    def spelled_out(self, text: str) -> str:
        """A short query (at most SHORT_QUERY_WORDS words besides stop words) that holds a domain
        abbreviation, with the abbreviation's spelled-out synonym added ("vsv" -> "vsv
        (voortijdig schoolverlaten)"): the embedder does not know such abbreviations, and a bare
        one gives it nothing else to go on. "" when nothing is added; longer questions keep their
        wording (spelling out there was flat to lower on the judged sets)."""
        words = [strip_apostrophe_suffix(fold(t.surface)) for t in tokenize(text)]  # vsv'ers: vsv
        content = [w for w in words if w not in self._stop]
        if not content or len(content) > SHORT_QUERY_WORDS:
            return ""
        added = [self._abbreviations[w] for w in dict.fromkeys(content) if w in self._abbreviations]
        return f"{text} ({', '.join(added)})" if added else ""

    # ---- pipeline -----------------------------------------------------------------------

    def _term(self, word: str) -> str | None:
        """Analysed term of one folded word without hyphens; None for stopwords."""
        word = strip_apostrophe_suffix(word).replace("'", "")
        if not word or word in self._stop:
            return None
        if any(c.isdigit() for c in word):
            return normalize_number(word)
        if len(word) < 2:
            return None
        return self._stemmer.stemWord(self._lemmas.get(word) or self._compound_lemma(word))

    def _compound_lemma(self, word: str) -> str:
        """A compound the tables lack takes its head's lemma: jongerencoaches -> jongerencoach,
        innovatiecentra -> innovatiecentrum (the tables know coaches and centra)."""
        parts = self._decompounder.split(word) if len(word) > 8 else ()
        head = parts[-1] if parts else ""
        lemma = self._lemmas.get(head)
        if lemma and lemma != head and word.endswith(head):
            return word[: -len(head)] + lemma
        return word

    def _analyze_word(self, surface: str) -> _Word:
        folded = strip_apostrophe_suffix(fold(surface))
        if folded in self._stop:
            return _Word(None, ())
        pieces = split_hyphens(folded)
        if len(pieces) <= 1:
            term = self._term(folded)
            return _Word(term, self._compound_parts(folded, term, set()) if term else ())
        term = self._term("".join(pieces))
        parts: list[tuple[str, str]] = []
        seen = {term}
        for piece in pieces:
            piece_term = self._term(piece)
            if piece_term and piece_term not in seen:
                seen.add(piece_term)
                parts.append((piece_term, "hyphen"))
            if piece_term:
                parts.extend(self._compound_parts(piece, piece_term, seen))
        return _Word(term, tuple(parts))

    def _compound_parts(self, word: str, term: str, seen: set) -> list[tuple[str, str]]:
        if is_english_form(word) and not self._is_dutch(word):
            return []  # "applied" is no app + lied, "discover" no disco + ver
        out = []
        for part in self._decompounder.split(word.replace("'", "")):
            part_term = self._term(part)
            if part_term and part_term != term and part_term not in seen:
                seen.add(part_term)
                out.append((part_term, "part"))
        return out

    def separable_verbs(self, text: str, toks: list[Token] | None = None) -> dict[int, str]:
        """Token index -> infinitive of the separable verb a word belongs to ("hoe richt je een
        klas in": 1 -> inrichten), for an engine that analyses words itself (Elasticsearch)."""
        toks = tokenize(text) if toks is None else toks
        return joined_verbs(text, toks, self._lemmas, self._verbs.__contains__, self._zipf.__contains__)

    def _particle_verbs(self, text: str, toks: list[Token]) -> dict[int, str]:
        """separable_verbs as terms, where that is not the word's own term (inricht)."""
        out = {}
        for i, verb in self.separable_verbs(text, toks).items():
            term = self._term(verb)
            if term and term != self._word(toks[i].surface).term:
                out[i] = term
        return out

    def _analyze_text(self, text: str, toks: list[Token] | None = None):
        """Yield (token index, _Word); suspended compounds get their full form's terms too."""
        toks = tokenize(text) if toks is None else toks
        for i, tok in enumerate(toks):
            word = self._word(tok.surface)
            side = dangling_hyphen(text, tok)
            if side:
                word = self._suspended.complete(word, toks, i, side)
            if word.term and tok.surface[-1:] in PERCENT_DIGITS and _PERCENT.match(text, tok.end):
                word = _Word(word.term, (*word.parts, (self._percent, "part")))  # 36% holds procent
            yield i, word

    def dutch_zipf(self, word: str) -> float:
        """The word's frequency in general Dutch (wordfreq zipf; 0 for a word the list lacks)."""
        folded = fold(word)
        return self._zipf.get(folded, 0.0) or self._zipf.get(self._lemmas.get(folded, ""), 0.0)

    def in_lemma_table(self, word: str) -> bool:
        """A form or lemma of spaCy's Dutch lookup table: a real word even when rare ("inclusie")."""
        folded = fold(word)
        if folded in self._lemmas:
            return True
        if self._lemma_values is None:
            self._lemma_values = frozenset(self._lemmas.values())
        return folded in self._lemma_values

    def glossary_words(self) -> frozenset[str]:
        """The English words the glossary knows, folded ("homework", "parental", "teachers"):
        what an English typo is corrected to (spelling)."""
        return self._glossary.words()

    def is_verb(self, word: str) -> bool:
        return fold(word) in self._verbs

    def is_place_word(self, word: str) -> bool:
        """A word of a municipality's or province's name ("dordt", "heumen", "wolden"): a name,
        not a typo, though the index may not hold it."""
        return fold(word) in self._places

    def is_stopword(self, word: str) -> bool:
        return fold(word) in self._stop

    # ---- data ---------------------------------------------------------------------------

    def _is_dutch(self, folded: str) -> bool:
        word = strip_apostrophe_suffix(folded)
        if word in self._stop:
            return True
        return self._zipf.get(word, 0.0) > GLOSSARY_MAX_NL_ZIPF or self._zipf.get(self._lemmas.get(word, ""), 0.0) > 0

