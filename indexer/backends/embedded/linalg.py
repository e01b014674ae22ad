"""Matrix-vector products with one BLAS thread."""
from __future__ import annotations

import numpy as np


def _blas_controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    try:
        return ThreadpoolController()
    except Exception:  # noqa: BLE001 - no BLAS introspection: plain numpy
        return None


_BLAS = _blas_controller()


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector with one BLAS thread: a matrix-vector product is memory-bound, and on
    a busy 2-core box OpenBLAS's second thread made it ~15x slower (20 ms vs 1.3 ms at 10k)."""
    vector = np.asarray(vector, dtype=np.float32)
    if _BLAS is None:
        return np.asarray(matrix @ vector, dtype=np.float32)
    with _BLAS.limit(limits=1, user_api="blas"):
        return np.asarray(matrix @ vector, dtype=np.float32)
