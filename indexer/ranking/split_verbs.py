"""Snippet marks for a separable verb written apart. The keyword side indexes "de scholen werken
nauw samen" under "samenwerken", so a question about "samenwerking" finds it; its snippet should
show and mark "werken … samen" too, not a sentence without a mark."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Collection, Mapping

from indexer.analysis.separable import MAX_DISTANCE, PARTICLES, verb_bases
from indexer.analysis.text_norm import fold, tokenize

_LONGEST_FIRST = sorted(PARTICLES, key=len, reverse=True)


def particle_terms(analyzer, terms: Collection[str]) -> dict[str, tuple[str, str]]:
    """The query terms that are a separable verb's ("samenwerk", "aanpak"; not "onderwijs" nor
    "voorbeeld") -> (particle, the rest)."""
    return {term: split for term in terms if (split := _particle_term(analyzer, term))}


@lru_cache(maxsize=4096)
def _particle_term(analyzer, term: str) -> tuple[str, str] | None:
    """(particle, the rest) of a term of a verb general Dutch uses ("meesteren" from "meester" is
    in the verb list, not in wordfreq: the index joins it only where nothing else joins)."""
    for particle in _LONGEST_FIRST:
        if term.startswith(particle) and len(term) > len(particle) + 1:
            if any(analyzer.is_verb(base) and analyzer.dutch_zipf(base) > 0 and term in analyzer.word_terms(base)
                   for base in verb_bases(term, {})):
                return particle, term[len(particle):]
            return None
    return None


def verb_starts(wanted: Mapping[str, tuple[str, str]]) -> tuple[str, ...]:
    """How the verbs of ``wanted`` may start in a text ("werk", "Werk"): a passage holding none
    holds none of them."""
    forms = {form for _, rest in wanted.values() for form in _forms(rest)}
    return tuple(forms | {form.capitalize() for form in forms})


def split_verb_hits(analyzer, text: str, tokens: list[str], starts: list[int], wanted: Mapping[str, tuple[str, str]],
                    present: Callable[[], Collection[str]]) -> dict[int, frozenset[str]]:
    """Positions in ``tokens`` (``text``'s whitespace tokens; ``starts``: its sentence starts) of
    the verb and the particle of a separable verb written apart whose joined term is ``wanted``
    and not in ``present()``, the terms the passage's words hit themselves (a passage saying
    "samenwerking" needs none). Only sentences that hold the particle as a word and a word
    starting like the verb are read: a split verb never spans sentences. The caller tests
    ``verb_starts`` on the text first, the cheapest test."""
    out: dict[int, frozenset[str]] = {}
    hit = present()
    missing = {term: pr for term, pr in wanted.items() if term not in hit}
    # the particles and verb starts hold no whitespace: the text tests as its joined tokens would
    if not missing or not _may_hold(text.lower(), missing):
        return out
    bounds = starts + [len(tokens)]
    for first, end in zip(bounds, bounds[1:]):
        sentence = " ".join(tokens[first:end])
        if not _may_hold(sentence.lower(), missing, as_words=False):
            continue  # substrings only: the passage passed the word checks, joined_verbs decides
        toks, joins = _joins(analyzer, sentence)
        offsets, at = [], 0
        for token in tokens[first:end]:
            offsets.append(at)
            at += len(token) + 1
        for i, verb in joins:
            terms = frozenset(analyzer.word_terms(verb)).intersection(missing)
            if not terms:
                continue
            particles = {missing[t][0] for t in terms}
            for k in (i, _particle_of(toks, i, particles)):
                if k is not None:
                    pos = first + bisect_right(offsets, toks[k].start) - 1
                    out[pos] = out.get(pos, frozenset()) | terms
    return out


@lru_cache(maxsize=8192)
def _joins(analyzer, sentence: str):
    """(tokens, (index, joined verb) pairs) of a sentence: popular passages come back query after query."""
    toks = tokenize(sentence)
    return toks, tuple(analyzer.separable_verbs(sentence, toks).items())


def _may_hold(low: str, missing: Mapping[str, tuple[str, str]], as_words: bool = True) -> bool:
    """Cheap: ``low`` holds one of the particles and a start of its verb, as substrings, and
    (``as_words``) the particle as a word and a word starting like the verb."""
    return any(particle in low and any(form in low for form in _forms(rest))
               and (not as_words or (_as_word(particle).search(low) and _word_start(rest).search(low)))
               for particle, rest in missing.values())


@lru_cache(maxsize=256)
def _as_word(word: str) -> re.Pattern:
    return re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])")


@lru_cache(maxsize=256)
def _forms(stem: str) -> tuple[str, ...]:
    """How a form of the verb may start: "lez" as "lees", "gev" as "geef"."""
    if len(stem) > 2 and stem[-2] in "aeou" and stem[-3] not in "aeiou":
        lasts = {"z": "sz", "v": "fv"}.get(stem[-1], stem[-1])
        return tuple(stem[:-1] + vowel + last for vowel in ("", stem[-2]) for last in lasts)
    return (stem,)


@lru_cache(maxsize=256)
def _word_start(stem: str) -> re.Pattern:
    """A word starting like a form of the verb (_forms)."""
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(map(re.escape, _forms(stem)))})")


def _particle_of(toks, i: int, particles: set[str]) -> int | None:
    """The particle of the verb at ``i``: after it in its clause ("werken nauw samen"), or before
    "te" ("samen te werken")."""
    for j in range(i + 1, min(len(toks), i + MAX_DISTANCE + 2)):
        if fold(toks[j].surface) in particles:
            return j
    if i >= 2 and fold(toks[i - 2].surface) in particles:
        return i - 2
    return None


def with_split_hits(hits: list[int], terms_at, split: dict[int, frozenset[str]]):
    """Hits and their terms with a split verb's words added."""
    hit_set = set(hits)

    def terms(i: int) -> frozenset[str]:
        extra = split.get(i)
        if extra is None:
            return terms_at(i)
        return extra | terms_at(i) if i in hit_set else extra
    return sorted(hit_set.union(split)), terms
