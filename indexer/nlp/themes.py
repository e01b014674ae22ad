"""Themes: which ones a document is about (index side) and which ones a query names (query side).

The taxonomy is indexer/data/themes.v2.yaml: per theme strong and weak triggers, and fixed expressions
(``not_in``) in which its triggers do not count. The file's header explains the rule.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from indexer.nlp import resources

THEMES_FILE = "themes.v2.yaml"
STRONG, WEAK = "strong", "weak"


@dataclass(frozen=True)
class _Terms:
    lemmas: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[str, ...]

    @classmethod
    def parse(cls, spec: dict | None) -> "_Terms":
        spec = spec or {}
        low = lambda key: [str(x).lower() for x in spec.get(key) or []]  # noqa: E731
        return cls(frozenset(low("lemmas")), tuple(low("prefixes")), tuple(" ".join(p.split()) for p in low("phrases")))

    def has(self, word: str) -> bool:
        return word in self.lemmas or word.startswith(self.prefixes)


@dataclass(frozen=True)
class Rule:
    theme: str
    strong: _Terms
    weak: _Terms
    phrases: re.Pattern | None  # strong and weak phrases, longest first
    not_in: re.Pattern | None  # fixed expressions that cancel the triggers inside them
    query: tuple[str, ...] = ()  # phrases that name the theme in a question ("ouders betrekken")

    def kind(self, word: str) -> str | None:
        """STRONG, WEAK or None for one lemma or word; a strong match wins."""
        if self.strong.has(word):
            return STRONG
        return WEAK if self.weak.has(word) else None

    @property
    def prefixes(self) -> tuple[str, ...]:
        return self.strong.prefixes + self.weak.prefixes


def _alternation(phrases) -> re.Pattern | None:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None


@lru_cache(maxsize=1)
def _compiled() -> tuple[dict, tuple[Rule, ...]]:
    data = resources.load_yaml(THEMES_FILE)
    allowed = set(resources.vocab()["themes"])
    rules = []
    for theme, spec in data["themes"].items():
        if theme not in allowed:  # the taxonomy may only assign controlled values
            continue
        strong, weak = _Terms.parse(spec.get(STRONG)), _Terms.parse(spec.get(WEAK))
        not_in = [" ".join(str(x).lower().split()) for x in spec.get("not_in") or []]
        query = tuple(" ".join(str(x).lower().split()) for x in spec.get("query") or [])
        rules.append(Rule(theme, strong, weak, _alternation(strong.phrases + weak.phrases), _alternation(not_in), query))
    return data.get("scale") or {}, tuple(rules)


@lru_cache(maxsize=1)
def _label_list() -> re.Pattern:
    """A run of ``scale.list_min`` or more theme labels ("taalontwikkeling, coaching, sport en cultuur,
    segregatie"): the taxonomy enumerated, which is evidence for none of them."""
    scale, rules = _compiled()
    labels = "|".join(map(re.escape, sorted((r.theme for r in rules), key=len, reverse=True)))
    repeat = max(int(scale.get("list_min", 4)) - 1, 1)
    return re.compile(rf"\b(?:{labels})(?:(?: en| of)? (?:{labels})){{{repeat},}}\b")


def _words(text: str) -> str:
    """Lowercase words joined by single spaces: phrases match across punctuation and line breaks."""
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def _spans(pattern: re.Pattern | None, words: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(words)] if pattern is not None else []


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans merged, so no word is cancelled twice."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Evidence:
    strong: int = 0
    weak: int = 0


def theme_evidence(lemmas: list[str], text: str) -> dict[str, Evidence]:
    """Strong and weak trigger occurrences per theme (themes without any left out).

    Lemmas are counted one by one; a phrase counts once instead of its words, and words inside a
    ``not_in`` expression or a list of theme labels count for nothing. Both corrections work on the
    text's words, so there a word's surface form stands in for its lemma.
    """
    _, rules = _compiled()
    words = _words(text)
    lists = _spans(_label_list(), words)
    distinct = Counter(lemmas)  # each distinct lemma is classified once per theme
    found: dict[str, Evidence] = {}
    for rule in rules:
        counts = {STRONG: 0, WEAK: 0, None: 0}
        for lemma, n in distinct.items():
            counts[rule.kind(lemma)] += n
        excluded = _union(_spans(rule.not_in, words) + lists)
        for start, end in excluded:
            for word in words[start:end].split():
                counts[rule.kind(word)] -= 1
        if rule.phrases is not None:
            for match in rule.phrases.finditer(words):
                if _inside(match.span(), excluded):
                    continue
                counts[STRONG if match.group() in rule.strong.phrases else WEAK] += 1
                for word in match.group().split():
                    counts[rule.kind(word)] -= 1
        evidence = Evidence(max(counts[STRONG], 0), max(counts[WEAK], 0))
        if evidence.strong or evidence.weak:
            found[rule.theme] = evidence
    return found


def threshold(n_words: int) -> int:
    """Score needed in a text of ``n_words``: grows (sub-linearly) with length."""
    scale, _ = _compiled()
    base, minimum = float(scale.get("base_words", 300)), int(scale.get("min_score", 3))
    return max(minimum, math.ceil(minimum * math.sqrt(max(n_words, 1) / base)))


def score(evidence: Evidence) -> int:
    scale, _ = _compiled()
    return int(scale.get("strong_weight", 2)) * evidence.strong + evidence.weak


def assign_themes(lemmas: list[str], text: str) -> list[str]:
    """Themes with a strong trigger and enough evidence for the text's length, in taxonomy order."""
    _, rules = _compiled()
    found = theme_evidence(lemmas, text)
    needed = threshold(len(lemmas))
    return [
        rule.theme for rule in rules
        if (ev := found.get(rule.theme)) is not None and ev.strong and score(ev) >= needed
    ]


def named_themes(text: str, taken: frozenset[str] = frozenset()) -> list[str]:
    """Themes a query names: by its own label ("armoede"), a word with one of its prefixes
    ("taalachterstand", "ouderbetrokkenheid"), one of its strong lemmas ("lob") or of its query
    phrases ("ouders betrekken"). Not by weak words nor by the phrases texts are tagged by, which
    questions use without meaning the theme ("ouders", "ouders en school", "wat werkt"), nor by words in ``taken`` (lowercase), which already
    name another field ("onderzoek" the type, "vve" the sector), nor by words inside one of the
    theme's fixed expressions ("cultuur van hoge verwachtingen")."""
    words = _words(text)
    free = [(m.span(), m.group()) for m in re.finditer(r"\S+", words) if m.group() not in taken]
    plain = f" {' '.join(word for _, word in free)} "
    found = []
    for rule, namer in _namers():
        excluded = _spans(rule.not_in, words)
        # most questions hold none of a theme's fixed expressions: then every free word counts
        joined = f" {' '.join(w for span, w in free if not _inside(span, excluded))} " if excluded else plain
        if namer.search(joined):
            found.append(rule.theme)
    return found


@lru_cache(maxsize=1)
def _namers() -> tuple[tuple[Rule, re.Pattern], ...]:
    """Per theme one pattern over a question's words joined by spaces (and padded with one): its
    label, a strong lemma or a query phrase as whole words, or a word starting with a prefix or
    a prefix's stem, which catches plurals and verb forms (zomerscholen, doorstromen); matched
    against the word itself, not its stem, so "naschoolse" (stem naschol) is no "nascholing"
    (stem naschol). One search instead of a test per word and phrase (~30 -> ~10 us a question)."""
    out = []
    for rule in _compiled()[1]:
        # a word holds no space: a lemma or prefix with one could never match a word
        whole = [rule.theme, *rule.query, *(lemma for lemma in rule.strong.lemmas if lemma and " " not in lemma)]
        starts = [p for p in rule.prefixes + _stemmed(rule.prefixes) if p and " " not in p]
        alternatives = [re.escape(w) + " " for w in sorted(set(whole), key=len, reverse=True)]
        alternatives += [re.escape(p) for p in sorted(set(starts), key=len, reverse=True)]
        out.append((rule, re.compile(" (?:" + "|".join(alternatives) + ")")))
    return tuple(out)


@lru_cache(maxsize=1)
def _stemmer():
    from indexer.analysis.stemming import dutch_stemmer

    return dutch_stemmer()


@lru_cache(maxsize=64)
def _stemmed(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_stemmer().stemWord(p) for p in prefixes)
