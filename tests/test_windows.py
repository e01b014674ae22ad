"""Sentence-window blending of semantic scores: all windows for a small index, the windows of
the best candidates only for a large one."""
import numpy as np
import pytest

from indexer.backends.embedded.scores import Windows


@pytest.fixture
def windows():
    rng = np.random.default_rng(5)
    n_passages = 60
    owner = np.repeat(np.arange(0, n_passages, 2), 3)  # every other passage has three windows
    vectors = rng.standard_normal((len(owner), 16)).astype(np.float32)
    passage_scores = rng.standard_normal(n_passages).astype(np.float32)
    query = rng.standard_normal(16).astype(np.float32)
    return Windows(vectors, owner, n_passages), passage_scores, query, owner


def _full(w: Windows, scores, query):
    return w.combine(scores, w.vectors @ query)


def test_few_windows_are_all_blended(windows):
    w, scores, query, _ = windows
    assert len(w.vectors) <= 8 * w.CANDIDATES
    np.testing.assert_allclose(w.blend(scores, query), _full(w, scores, query), rtol=1e-6)


def test_many_windows_are_blended_for_the_best_candidates_only(windows, monkeypatch):
    w, scores, query, owner = windows
    given = scores.copy()
    monkeypatch.setattr(Windows, "CANDIDATES", 10)  # 90 windows > 8 x 10
    out = w.blend(scores, query)
    full = _full(w, scores, query)
    candidates = set(np.argsort(-scores)[:10].tolist())
    with_windows = set(owner.tolist())
    for i in range(len(scores)):
        if i in candidates and i in with_windows:
            assert out[i] == pytest.approx(full[i], rel=1e-6)  # blended as with every window
        else:
            assert out[i] == pytest.approx(scores[i])  # its own similarity, windows not read
    assert any(out[i] != scores[i] for i in candidates & with_windows)
    assert scores.tolist() == given.tolist()  # the input is left as it was
