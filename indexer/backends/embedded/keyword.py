"""Keyword scoring over the BM25 arrays: groups of alternatives, coordination, exclusions.

Every user word (or OR-group) is a group; its lemma/compound/synonym expansions add to the
same group. A passage's BM25 sum is multiplied by the share of groups it matches, so a
passage that answers the whole question beats one that repeats a single word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from indexer.backends.embedded.bm25 import TermIndex
from indexer.ranking.query_syntax import ParsedQuery

TITLE_WEIGHT = 0.3
COORD_POWER = 0.5


@dataclass
class KeywordPlan:
    terms: list[tuple[str, float, int]]  # (analysed term, weight, group)
    n_groups: int
    phrases: list[str]  # normalised phrases that must occur
    excluded_terms: list[str]
    excluded_phrases: list[str]


def normalise_for_match(text: str) -> str:
    """Lowercase letters and digits only, single-spaced (phrase checks ignore punctuation)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[0-9a-z]+", text))


def plan_query(query: ParsedQuery, analyzer) -> KeywordPlan:
    terms: list[tuple[str, float, int]] = []
    group_base = 0
    simple = all(len(c.terms) + len(c.phrases) == 1 for c in query.clauses)
    if simple:
        # analyse the free text in one go so multi-word synonyms are seen across words
        text = " ".join((c.terms or c.phrases)[0] for c in query.clauses)
        qts = analyzer.query_terms(text)
        terms = [(qt.term, qt.weight, qt.group) for qt in qts]
        group_base = 1 + max((qt.group for qt in qts), default=-1)
    else:
        for clause in query.clauses:
            alternatives = list(clause.terms) + list(clause.phrases)
            added = False
            for alt in alternatives:
                for qt in analyzer.query_terms(alt):
                    terms.append((qt.term, qt.weight, group_base))
                    added = True
            group_base += 1 if added else 0
    # renumber groups densely
    ids = {g: i for i, g in enumerate(sorted({g for _, _, g in terms}))}
    terms = [(t, w, ids[g]) for t, w, g in terms]
    excluded_terms: list[str] = []
    excluded_phrases: list[str] = []
    for item in query.excluded:
        if " " in item.strip():
            excluded_phrases.append(normalise_for_match(item))
        else:
            excluded_terms.extend(analyzer.analyze_phrase(item))
    return KeywordPlan(
        terms=terms,
        n_groups=len(ids),
        phrases=[p for p in (normalise_for_match(p) for p in query.phrases) if p],
        excluded_terms=excluded_terms,
        excluded_phrases=[p for p in excluded_phrases if p],
    )


def score_plan(plan: KeywordPlan, body: TermIndex, title: TermIndex) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, groups matched) per passage."""
    n = body.n
    scores = np.zeros(n, dtype=np.float32)
    matched = np.zeros(n, dtype=np.int16)
    by_group: dict[int, list[tuple[str, float]]] = {}
    for term, weight, group in plan.terms:
        by_group.setdefault(group, []).append((term, weight))
    hit = np.zeros(n, dtype=bool)
    for members in by_group.values():
        hit[:] = False
        for term, weight in members:
            ids, w = body.lookup(term)
            if len(ids):
                scores[ids] += weight * w
                hit[ids] = True
            tids, tw = title.lookup(term)
            if len(tids):
                scores[tids] += weight * TITLE_WEIGHT * tw
                hit[tids] = True
        matched += hit
    if plan.n_groups:
        scores *= (matched / plan.n_groups) ** COORD_POWER
    return scores, matched


def excluded_mask(plan: KeywordPlan, body: TermIndex) -> np.ndarray | None:
    if not plan.excluded_terms:
        return None
    mask = np.zeros(body.n, dtype=bool)
    for term in plan.excluded_terms:
        ids, _ = body.lookup(term)
        mask[ids] = True
    return mask
