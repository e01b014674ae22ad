"""The embedded backend's matrix-vector product: halves on two threads, or einsum for a small
matrix, give the plain product."""
import numpy as np

from indexer.backends.embedded import linalg


def test_split_and_single_products_equal_the_plain_product(monkeypatch):
    rng = np.random.default_rng(3)
    vector = rng.standard_normal(384).astype(np.float32)
    below_split = (linalg.SPLIT_CELLS - 1) // 384  # the largest matrix scanned in one piece
    submitted = []
    pool_submit = linalg._pool().submit
    monkeypatch.setattr(linalg._pool(), "submit", lambda *a: submitted.append(a[1].shape) or pool_submit(*a))
    for rows in (1, 7, 85, 86, below_split, below_split + 1, below_split + 2):  # 86 x 384 is above SMALL_CELLS (BLAS)
        matrix = rng.standard_normal((rows, 384)).astype(np.float32)
        out = linalg.matvec(matrix, vector)
        assert out.dtype == np.float32 and out.shape == (rows,)
        assert np.allclose(out, matrix @ vector, atol=1e-3)
    # only the two matrices from SPLIT_CELLS on were cut, their second halves on the helper thread
    assert submitted == [(rows - rows // 2, 384) for rows in (below_split + 1, below_split + 2)]
    monkeypatch.setattr(linalg, "SPLIT_CELLS", 10**12)  # the same rows without the split
    assert np.allclose(linalg.matvec(matrix, vector), matrix @ vector, atol=1e-3)
    monkeypatch.setattr(linalg, "SMALL_CELLS", 10**12)  # and without BLAS
    assert np.allclose(linalg.matvec(matrix, vector), matrix @ vector, atol=1e-3)


def test_a_forked_child_gets_its_own_helper_pool(monkeypatch):
    pool = linalg._pool()
    assert linalg._pool() is pool
    monkeypatch.setattr(linalg.os, "getpid", lambda: -1)  # as seen from a forked child
    child = linalg._pool()
    assert child is not pool
    matrix = np.ones((3_000, 384), dtype=np.float32)
    assert np.allclose(linalg.matvec(matrix, np.ones(384, dtype=np.float32)), 384.0)
