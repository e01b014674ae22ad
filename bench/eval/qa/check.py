"""Where the QA passes' questions put their answer: a dev aid, not a judged set (not a test).

    python bench/eval/qa/check.py bench/eval/qa/corpus_questions.jsonl --index var/corpus-index
    python bench/eval/qa/check.py bench/eval/qa/seeds_questions.jsonl --index var/seeds-index

A line names its answer by document ids (``expected``: the rank of the first of them among the
documents of the top 50 hits) or by a phrase (``expected_phrase``: the rank of the first of the
top 10 passages holding it, compared as the eval compares phrases). Prints each question's
hybrid / keyword / semantic rank, then per mode MRR@10 and how many put the answer in the top 3.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

MODES = ("hybrid", "keyword", "semantic")


def answer_rank(service, line: dict, mode: str) -> int | None:
    from indexer.evaluate import squash
    from indexer.model import SearchRequest

    if "expected" in line:
        hits = service.search(SearchRequest(query=line["query"], mode=mode, k=50)).hits
        docs = list(dict.fromkeys(h.doc_id for h in hits))
        ranks = [docs.index(d) + 1 for d in line["expected"] if d in docs]
        return min(ranks) if ranks else None
    phrase = squash(line["expected_phrase"])
    hits = service.search(SearchRequest(query=line["query"], mode=mode, k=10)).hits
    return next((i + 1 for i, h in enumerate(hits) if phrase in squash(h.text)), None)


def main(argv: list[str] | None = None) -> None:
    from indexer.config import Settings
    from indexer.search import open_service

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions")
    parser.add_argument("--index", required=True)
    args = parser.parse_args(argv)
    lines = [json.loads(text) for text in Path(args.questions).read_text(encoding="utf-8").splitlines() if text.strip()]
    service = open_service(Settings.from_env(index_dir=args.index))
    ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
    try:
        for line in lines:
            row = [answer_rank(service, line, mode) for mode in MODES]
            for mode, rank in zip(MODES, row):
                ranks[mode].append(rank)
            print(line["id"], " ".join(f"{m[0]}={r}" for m, r in zip(MODES, row)), line["query"][:70])
    finally:
        service.close()
    for mode, found in ranks.items():
        mrr = sum(1 / r for r in found if r and r <= 10) / len(found)
        top3 = sum(1 for r in found if r and r <= 3)
        print(f"{mode:8} MRR@10 {mrr:.3f}  top-3 {top3}/{len(found)}")


if __name__ == "__main__":
    main()
