"""A keyword query's plan: its analysed terms in groups (one per user word or OR-group), the
phrases it requires, what it excludes, and which terms are only compound parts of a word. The
same plan scores (``keyword.score_plan``) and filters (``keyword.apply_text_constraints``)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from indexer.ranking.query_syntax import ParsedQuery, normalise_for_match


@dataclass(frozen=True)
class Alternatives:
    """An OR-group, which a passage must meet: one of its words (analysed terms) or one of its
    quoted phrases (normalised text)."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass
class KeywordPlan:
    terms: list[tuple[str, float, int]]  # (analysed term, weight, group)
    n_groups: int
    phrases: list[str]  # normalised phrases that must occur
    excluded_terms: list[str]
    excluded_phrases: list[str]
    spans: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # term -> sibling sets
    alternatives: list[Alternatives] = field(default_factory=list)  # OR-groups, each to be met
    phrase_terms: frozenset[int] = frozenset()  # positions in ``terms`` read from an OR-group's phrase
    part_terms: frozenset[str] = frozenset()  # terms that are only compound parts of a query word
    part_sets: tuple[tuple[str, ...], ...] = ()  # each compound query word's parts

    @property
    def or_phrases(self) -> list[str]:
        return [p for group in self.alternatives for p in group.phrases]

    def without_phrase_terms(self) -> "KeywordPlan":
        """The plan scoring an OR-group's phrase words not at all: for passages without the phrase."""
        return replace(self, terms=[t for i, t in enumerate(self.terms) if i not in self.phrase_terms],
                       phrase_terms=frozenset())


def plan_query(query: ParsedQuery, analyzer) -> KeywordPlan:
    terms: list[tuple[str, float, int]] = []
    spans: dict[str, tuple[tuple[str, ...], ...]] = {}
    alternatives: list[Alternatives] = []
    phrase_terms: set[int] = set()
    part_terms: set[str] = set()
    whole_terms: set[str] = set()  # a term both part and whole (two alternatives) is whole
    part_sets: list[tuple[str, ...]] = []
    group_base = 0
    simple = all(len(c.terms) + len(c.phrases) == 1 for c in query.clauses)
    if simple:
        # analyse the free text in one go so multi-word synonyms are seen across words
        text = " ".join((c.terms or c.phrases)[0] for c in query.clauses)
        qts = analyzer.query_terms(text)
        terms = [(qt.term, qt.weight, qt.group) for qt in qts]
        spans = {qt.term: qt.spans for qt in qts if qt.spans}
        part_terms = {qt.term for qt in qts if qt.origin == "part"}
        part_sets = analyzer.compound_parts(text)
        group_base = 1 + max((qt.group for qt in qts), default=-1)
    else:
        for clause in query.clauses:
            group_terms: list[str] = []
            for alt in clause.terms + clause.phrases:
                for qt in analyzer.query_terms(alt):
                    (part_terms if qt.origin == "part" else whole_terms).add(qt.term)
                part_sets += analyzer.compound_parts(alt)
            for alt in clause.terms:
                for qt in analyzer.query_terms(alt):
                    terms.append((qt.term, qt.weight, group_base))
                    group_terms.append(qt.term)
                    if qt.spans:
                        spans[qt.term] = qt.spans
            for alt in clause.phrases:
                for qt in analyzer.query_terms(alt):
                    if len(clause.terms) + len(clause.phrases) > 1:
                        phrase_terms.add(len(terms))
                    terms.append((qt.term, qt.weight, group_base))
                    if qt.spans:
                        spans[qt.term] = qt.spans
            if len(clause.terms) + len(clause.phrases) > 1:
                phrases = tuple(p for p in (normalise_for_match(p) for p in clause.phrases) if p)
                alternatives.append(Alternatives(tuple(group_terms), phrases))
            group_base += 1 if any(g == group_base for _, _, g in terms) else 0
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
        spans=spans,
        n_groups=len(ids),
        phrases=[p for p in (normalise_for_match(p) for p in query.phrases) if p],
        excluded_terms=excluded_terms,
        excluded_phrases=[p for p in excluded_phrases if p],
        alternatives=alternatives,
        phrase_terms=frozenset(phrase_terms),
        part_terms=frozenset(part_terms - whole_terms),
        part_sets=tuple(dict.fromkeys(part_sets)),
    )
