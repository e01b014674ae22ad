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
from indexer.backends.embedded.scores import ScoreSet
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


def score_plan(plan: KeywordPlan, body: TermIndex, title: TermIndex) -> ScoreSet:
    """BM25 x coordination for the passages that match at least one group (sparse)."""
    n = body.n
    scores = np.zeros(n, dtype=np.float32)
    matched = np.zeros(n, dtype=np.int16)
    stamp = np.full(n, -1, dtype=np.int16)  # last group that counted a passage (no O(n) reset per group)
    by_group: dict[int, list[tuple[str, float]]] = {}
    for term, weight, group in plan.terms:
        by_group.setdefault(group, []).append((term, weight))
    for g, members in enumerate(by_group.values()):
        for term, weight in members:
            for index, scale in ((body, weight), (title, weight * TITLE_WEIGHT)):
                ids, w = index.lookup(term)
                if not len(ids):
                    continue
                scores[ids] += scale * w
                fresh = ids[stamp[ids] != g]
                stamp[fresh] = g
                matched[fresh] += 1
    cand = np.flatnonzero(matched)
    if not len(cand):
        return ScoreSet(cand, np.zeros(0, dtype=np.float32))
    groups = max(plan.n_groups, 1)
    coord = ((np.arange(groups + 1) / groups) ** COORD_POWER).astype(np.float32)
    return ScoreSet(cand, scores[cand] * coord[matched[cand]])


def excluded_among(plan: KeywordPlan, body: TermIndex, idx: np.ndarray) -> np.ndarray | None:
    """Which of the passages ``idx`` contain an excluded term (None when nothing is excluded)."""
    if not plan.excluded_terms:
        return None
    out = np.zeros(len(idx), dtype=bool)
    for term in plan.excluded_terms:
        ids, _ = body.lookup(term)
        out |= np.isin(idx, ids)
    return out
