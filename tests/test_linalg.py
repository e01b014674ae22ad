"""The embedded backend's matrix-vector product: halves on two threads, or einsum for a small
matrix, give the plain product."""
import numpy as np

from indexer.backends.embedded import linalg


def test_split_and_single_products_equal_the_plain_product(monkeypatch):
    rng = np.random.default_rng(3)
    vector = rng.standard_normal(384).astype(np.float32)
    for rows in (1, 7, 85, 86, 2_600, 2_601):  # 86 x 384 is above SMALL_CELLS (BLAS), 2,601 above SPLIT_CELLS
        matrix = rng.standard_normal((rows, 384)).astype(np.float32)
        out = linalg.matvec(matrix, vector)
        assert out.dtype == np.float32 and out.shape == (rows,)
        assert np.allclose(out, matrix @ vector, atol=1e-3)
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
