import pytest
from hypothesis import given, strategies as st

from indexer.ranking import fusion

rankings = st.lists(st.tuples(st.sampled_from("abcdefghij"), st.floats(0, 100)), max_size=10, unique_by=lambda t: t[0])


def test_rrf_prefers_items_found_by_both():
    kw = [("a", 9.0), ("b", 5.0), ("c", 1.0)]
    sem = [("b", 0.9), ("c", 0.8)]
    fused = [i for i, _ in fusion.rrf([kw, sem], k=60)]
    assert fused[0] == "b"  # ranks 2 + 1 beat rank 1 alone
    assert set(fused) == {"a", "b", "c"}


def test_rrf_weights_and_validation():
    kw, sem = [("a", 1.0)], [("b", 1.0)]
    assert fusion.rrf([kw, sem], weights=[1.0, 2.0])[0][0] == "b"
    with pytest.raises(ValueError):
        fusion.rrf([kw, sem], weights=[1.0])


def test_convex_keeps_keyword_side_when_semantic_is_empty():
    kw = [("a", 12.0), ("b", 6.0)]
    fused = fusion.convex(kw, [], keyword_weight=0.4)
    assert [i for i, _ in fused] == ["a", "b"]
    assert fused[0][1] == pytest.approx(0.4)
    assert fused[1][1] == pytest.approx(0.2)


def test_convex_lets_semantic_side_decide_when_keyword_finds_nothing():
    sem = [("x", 0.83), ("y", 0.80), ("z", 0.70)]
    fused = fusion.convex([], sem, keyword_weight=0.4)
    assert [i for i, _ in fused] == ["x", "y", "z"]


def test_convex_weight_one_is_keyword_order():
    kw = [("a", 3.0), ("b", 2.0)]
    sem = [("b", 0.9), ("a", 0.1)]
    assert [i for i, _ in fusion.convex(kw, sem, keyword_weight=1.0)][:2] == ["a", "b"]
    assert [i for i, _ in fusion.convex(kw, sem, keyword_weight=0.0)][:2] == ["b", "a"]
    with pytest.raises(ValueError):
        fusion.convex(kw, sem, keyword_weight=1.5)


def test_one_dominant_keyword_match_does_not_flatten_the_others():
    """d04: a first hit with five times the BM25 of the second left the second a fifth of the
    keyword weight, below passages that only the embedder liked."""
    dominant = [("a", 30.0), ("b", 5.0), ("c", 4.0)]
    assert fusion.keyword_reference(dominant) == pytest.approx(3 * 5.0)
    assert fusion.max_normalise(dominant, fusion.KEYWORD_DOMINANCE_CAP) == pytest.approx(
        {"a": 1.0, "b": 1 / 3, "c": 4 / 15})
    assert fusion.max_normalise(dominant) == pytest.approx({"a": 1.0, "b": 1 / 6, "c": 4 / 30})  # no cap
    even = [("a", 6.0), ("b", 5.0)]
    assert fusion.keyword_reference(even) == 6.0 and fusion.keyword_reference([("a", 2.0)]) == 2.0
    # in the fusion: the second keyword hit keeps its place above a passage only the embedder found
    semantic = [("x", 0.85), ("a", 0.84), ("b", 0.83), ("z", 0.70)]
    assert [i for i, _ in fusion.convex(dominant, semantic, keyword_weight=0.35)][:3] == ["a", "b", "x"]
    uncapped = {**fusion.max_normalise(dominant)}
    assert 0.35 * uncapped["b"] + 0.65 * (0.83 - 0.70) / 0.15 < 0.65  # x's score: b was below it


def test_keyword_scale_damps_weak_keyword_matches():
    weak = [("a", 1.0)]
    assert fusion.convex(weak, [], 0.5, keyword_scale=10.0)[0][1] == pytest.approx(0.05)


@given(rankings, rankings, st.floats(0, 1))
def test_convex_properties(kw, sem, w):
    fused = fusion.convex(kw, sem, keyword_weight=w)
    ids = [i for i, _ in fused]
    assert set(ids) == {i for i, _ in kw} | {i for i, _ in sem}
    assert len(ids) == len(set(ids))
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)
    assert all(-1e-9 <= s <= 1 + 1e-9 for s in scores)


@given(rankings, rankings)
def test_rrf_properties(kw, sem):
    fused = fusion.rrf([kw, sem])
    assert {i for i, _ in fused} == {i for i, _ in kw} | {i for i, _ in sem}
    # ties broken by id, whatever the hash seed or the order items were met in
    assert [i for i, _ in fused] == [i for i, _ in sorted(fused, key=lambda kv: (-kv[1], kv[0]))]
    assert fused == fusion.rrf([sem, kw])
