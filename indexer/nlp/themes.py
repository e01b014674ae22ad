"""Theme assignment from the taxonomy in indexer/data/themes.v1.yaml (trigger lemmas and phrases)."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from indexer.nlp import resources


@lru_cache(maxsize=1)
def _compiled() -> tuple[dict, list[tuple[str, frozenset, tuple, re.Pattern | None, int]]]:
    data = resources.themes()
    allowed = set(resources.vocab()["themes"])
    rules = []
    for theme, spec in data["themes"].items():
        if theme not in allowed:  # the taxonomy may only assign controlled values
            continue
        phrases = [p.lower() for p in spec.get("phrases") or []]
        phrase_re = (
            re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b") if phrases else None
        )
        rules.append(
            (
                theme,
                frozenset(x.lower() for x in spec.get("lemmas") or []),
                tuple(x.lower() for x in spec.get("prefixes") or []),
                phrase_re,
                int(spec.get("min_hits", 2)),
            )
        )
    return data.get("scale") or {}, rules


def theme_hits(lemmas: list[str], text: str) -> dict[str, int]:
    """Trigger occurrences per theme: a token counts once per theme, phrases once each."""
    _, rules = _compiled()
    lowered = " ".join((text or "").lower().split())
    hits: dict[str, int] = {}
    for theme, words, prefixes, phrase_re, _ in rules:
        count = sum(1 for lemma in lemmas if lemma in words or lemma.startswith(prefixes))
        if phrase_re is not None:
            count += len(phrase_re.findall(lowered))
        if count:
            hits[theme] = count
    return hits


def threshold(min_hits: int, n_words: int) -> int:
    """Hits needed in a text of ``n_words``: grows (sub-linearly) with length."""
    scale, _ = _compiled()
    base = float(scale.get("base_words", 300))
    return max(min_hits, math.ceil(min_hits * math.sqrt(max(n_words, 1) / base)))


def assign_themes(lemmas: list[str], text: str) -> list[str]:
    """Themes whose triggers occur often enough for the text's length, in taxonomy order."""
    _, rules = _compiled()
    hits = theme_hits(lemmas, text)
    n_words = len(lemmas)
    return [theme for theme, *_, min_hits in rules if hits.get(theme, 0) >= threshold(min_hits, n_words)]


def named_themes(text: str, taken: frozenset[str] = frozenset()) -> list[str]:
    """Themes a query names: by its own label ("armoede") or a word with one of its prefixes
    ("taalachterstand", "ouderbetrokkenheid"). Not by single trigger words or phrases, which
    questions use without meaning the theme ("ouders", "taal", "wat werkt"), nor by words in
    ``taken`` (lowercase), which already name another field ("onderzoek" the type, "vve" the sector)."""
    _, rules = _compiled()
    lowered = " ".join((text or "").lower().split())
    tokens = [t for t in re.findall(r"\w+", lowered) if t not in taken]
    free = " ".join(tokens)
    stem = _stemmer().stemWord
    stems = [stem(t) for t in tokens]  # plurals and verb forms: zomerscholen, doorstromen
    found = []
    for theme, _, prefixes, _, _ in rules:
        stemmed = _stemmed(prefixes)
        if (f" {theme} " in f" {free} " or (prefixes and any(t.startswith(prefixes) for t in tokens))
                or (stemmed and any(s.startswith(stemmed) for s in stems))):
            found.append(theme)
    return found


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")  # the analyzer's stemmer (indexer/analysis/analyzer.py)


@lru_cache(maxsize=64)
def _stemmed(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_stemmer().stemWord(p) for p in prefixes)
