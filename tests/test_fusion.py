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
