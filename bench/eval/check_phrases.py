"""Check a judged query set against an index's passages (not ranking, only text):

    python bench/eval/check_phrases.py bench/eval/corpus_queries.jsonl --index var/corpus-index

Every phrase must occur, normalised as the scorer normalises it, inside one passage (within
the first 250 words, as scored) of the document it is judged for. A change to the readers or to
the passage builder can move a phrase across a passage boundary; this says which. Phrases that
also occur in other documents are listed, not failed. Exit code 1 when a phrase is missing.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from indexer.evaluate import CUT_WORDS, squash  # noqa: E402  (the scorer's own normalisation)



def passages(index_dir: Path) -> list[tuple[str, str]]:
    live = (index_dir / "CURRENT").read_text().strip()
    conn = sqlite3.connect(f"file:{index_dir / live / 'store.sqlite'}?mode=ro", uri=True)
    rows = conn.execute("SELECT d.id, p.text FROM passages p JOIN documents d ON d.idx = p.doc_idx")
    return [(doc, squash(" ".join(text.split()[:CUT_WORDS]))) for doc, text in rows]


def _judged(doc_id: str, doc: str) -> bool:
    """The seeds' sets name a document by its file name's prefix ("000"), the corpus set by id."""
    return doc_id == doc or doc_id.startswith(f"{doc}_")


def check(queries: Path, index_dir: Path) -> tuple[list[str], list[str]]:
    texts = passages(index_dir)
    missing, shared = [], []
    for line in queries.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        for item in q["relevant"]:
            for phrase in item["phrases"]:
                docs = {doc for doc, text in texts if squash(phrase) in text}
                own = {doc for doc in docs if _judged(doc, item["doc"])}
                if not own:
                    missing.append(f"{q['id']} {item['doc']}: {phrase!r} not in one of its passages")
                elif docs - own:
                    shared.append(f"{q['id']} {item['doc']}: {phrase!r} also in {', '.join(sorted(docs - own))}")
    return missing, shared


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queries", type=Path)
    ap.add_argument("--index", type=Path, required=True)
    args = ap.parse_args(argv)
    missing, shared = check(args.queries, args.index)
    for line in missing + shared:
        print(line)
    print(f"{len(missing)} missing, {len(shared)} also elsewhere")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
