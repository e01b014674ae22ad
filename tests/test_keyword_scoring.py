"""Keyword scoring over the BM25 arrays: the fast paths (dense rows of frequent terms, one
bincount for the rest, sparse score sets) give the scores of a plain per-term reference."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from indexer.backends.embedded import bm25
from indexer.backends.embedded.bm25 import TermIndex, build_term_index
from indexer.backends.embedded.keyword import COORD_POWER, score_plan
from indexer.backends.embedded.keyword_plan import KeywordPlan

WORDS = ["school", "ouders", "taal", "huiswerk", "begeleiding", "gemeente", "mentor", "stage", "wijk", "leesplezier"]


def _passages(n: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.choices(WORDS[2:], k=rng.randint(3, 12))
        if rng.random() < 0.7:
            words.append("school")  # frequent: gets a dense row
        if rng.random() < 0.4:
            words += ["ouders"] * rng.randint(1, 3)
        if rng.random() < 0.03:
            words.append("thuiszitters")  # rare: sparse postings only
        out.append(words)
    return out


def _reference(plan: KeywordPlan, passages: list[list[str]], titles: list[list[str]]) -> dict[int, float]:
    """BM25 x coordination computed term by term, passage by passage."""
    def field(lists):
        n = len(lists)
        avgdl = sum(len(p) for p in lists) / n
        df = {t: sum(1 for p in lists if t in p) for t in {t for p in lists for t in p}}
        def w(term, pid):
            tf = lists[pid].count(term)
            if not tf:
                return 0.0
            idf = math.log1p((n - df[term] + 0.5) / (df[term] + 0.5))
            return idf * tf * (bm25.K1 + 1) / (tf + bm25.K1 * (1 - bm25.B + bm25.B * len(lists[pid]) / avgdl))
        return w
    body, title = field(passages), field(titles)
    out = {}
    for pid in range(len(passages)):
        score, groups = 0.0, set()
        for term, weight, group in plan.terms:
            b, t = body(term, pid), title(term, pid)
            score += weight * b + weight * 0.3 * t
            if b or t:
                groups.add(group)
        if groups:
            out[pid] = score * (len(groups) / plan.n_groups) ** COORD_POWER
    return out


@pytest.fixture()
def indexes(tmp_path):
    passages = _passages(600)
    titles = [["school"] if i % 5 == 0 else ["wijk"] for i in range(600)]
    for name, lists in (("body", passages), ("title", titles)):
        build_term_index(lists).save(tmp_path, name)
    return passages, titles, TermIndex.load(tmp_path, "body", 600), TermIndex.load(tmp_path, "title", 600)


def test_frequent_terms_get_dense_rows_and_rare_ones_do_not(indexes):
    _, _, body, _ = indexes
    assert body.dense_row("school") is not None and body.dense_row("thuiszitters") is None
    for word in WORDS + ["thuiszitters"]:
        frequent = body.df(word) * bm25.DENSE_SHARE >= 600 and body.df(word) >= bm25.DENSE_MIN
        assert (body.dense_row(word) is not None) == frequent, word
    assert np.allclose(body.dense_row("school")[body.lookup("school")[0]], body.lookup("school")[1])
    assert body.dense_row("onbekend") is None


@pytest.mark.parametrize("terms, groups", [
    ([("school", 1.0, 0), ("ouders", 1.0, 1), ("huiswerk", 1.0, 2)], 3),
    ([("huiswerk", 1.0, 0), ("begeleiding", 0.5, 0), ("school", 0.8, 1)], 2),  # a group of alternatives
    ([("thuiszitters", 1.0, 0)], 1),
    ([("thuiszitters", 1.0, 0), ("school", 1.0, 1)], 2),
    ([("school", 1.0, 0), ("wijk", 0.7, 0)], 1),  # dense and sparse in one group, title hits too
])
def test_scores_equal_the_per_term_reference(indexes, terms, groups):
    passages, titles, body, title = indexes
    plan = KeywordPlan(terms=terms, n_groups=groups, phrases=[], excluded_terms=[], excluded_phrases=[])
    got = score_plan(plan, body, title)
    want = _reference(plan, passages, titles)
    assert list(got.idx) == sorted(want)  # exactly the matching passages, ascending
    assert np.allclose(got.score, [want[i] for i in got.idx], rtol=1e-4)
    # the same without dense rows (an index written before them)
    body.dense_rows = None
    sparse = score_plan(plan, body, title)
    assert np.array_equal(sparse.idx, got.idx) and np.allclose(sparse.score, got.score, rtol=1e-5)


def test_top_breaks_ties_by_passage_index(indexes):
    from indexer.backends.embedded.scores import ScoreSet

    s = ScoreSet(np.array([2, 5, 7, 9]), np.array([1.0, 3.0, 3.0, 0.5], dtype=np.float32))
    idx, sc = s.top(3)
    assert list(idx) == [5, 7, 2] and list(sc) == [3.0, 3.0, 1.0]
    mask = np.zeros(10, dtype=bool)
    mask[[2, 9]] = True
    assert list(s.top(5, mask)[0]) == [2, 9]
    assert list(ScoreSet(None, np.array([0.0, -1.0, 2.0], dtype=np.float32)).top(2)[0]) == [2, 0]


@pytest.mark.parametrize("n", [7, 5_000, 40_000])
def test_top_equals_a_full_sort_with_ties_at_the_boundary(n):
    """top() partitions a sample first for many scores; whatever the path, it must equal sorting
    every score by (score desc, passage index asc), ties at the k-th place included."""
    from indexer.backends.embedded.scores import ScoreSet

    rng = np.random.default_rng(n)
    idx = np.sort(rng.choice(10 * n, n, replace=False))
    score = rng.integers(0, 40, n).astype(np.float32)  # few distinct values: ties everywhere
    score[rng.choice(n, min(n, 3), replace=False)] = 1000.0  # a few far ahead of the sample
    want = sorted(zip((-score).tolist(), idx.tolist()))
    s = ScoreSet(idx, score)
    for k in (1, 3, 10, 50, 600, n):
        got_idx, got_sc = s.top(k)
        assert list(zip((-got_sc).tolist(), got_idx.tolist())) == want[:k]
    dense = ScoreSet(None, score)
    got_idx, _ = dense.top(50)
    assert got_idx.tolist() == [i for _, i in sorted(zip((-score).tolist(), range(n)))][:50]


@pytest.mark.parametrize("n", [40, 40_000])
def test_top_ranks_nan_scores_last(n):
    """A NaN score (a corrupt vector) must not hide the others nor break the partition."""
    from indexer.backends.embedded.scores import ScoreSet

    score = np.arange(n, dtype=np.float32)
    score[::3] = np.nan
    idx, sc = ScoreSet(None, score).top(10)
    assert idx.tolist() == [i for i in range(n - 1, -1, -1) if i % 3][:10]


def test_a_multiword_synonym_term_counts_only_with_its_siblings(tmp_path):
    # "vo" = "middelbare school": "middel" alone (hulpmiddel) or "school" alone is no match
    passages = [["middel", "taal"], ["middel", "schol"], ["schol", "wijk"], ["vo", "taal"]]
    titles = [[], [], [], []]
    for name, lists in (("body", passages), ("title", titles)):
        build_term_index(lists).save(tmp_path, name)
    body, title = TermIndex.load(tmp_path, "body", 4), TermIndex.load(tmp_path, "title", 4)
    terms = [("vo", 1.0, 0), ("middel", 0.35, 0), ("schol", 0.35, 0)]
    loose = KeywordPlan(terms=terms, n_groups=1, phrases=[], excluded_terms=[], excluded_phrases=[])
    assert list(score_plan(loose, body, title).idx) == [0, 1, 2, 3]
    spans = {"middel": (("schol",),), "schol": (("middel",),)}
    strict = KeywordPlan(terms=terms, n_groups=1, phrases=[], excluded_terms=[], excluded_phrases=[], spans=spans)
    assert list(score_plan(strict, body, title).idx) == [1, 3]


def test_the_analyzer_marks_only_synonym_words_as_bound(tmp_path):
    from indexer.analysis import get_analyzer

    terms = {qt.term: qt for qt in get_analyzer().query_terms("vo")}
    assert terms["middelbaar"].spans == (("schol",),) and terms["vo"].spans == ()  # middelbare school
    english = {qt.term: qt for qt in get_analyzer().query_terms("low-income parents")}
    assert all(not qt.spans for qt in english.values())  # the glossary's words stay loose
