"""How well the speller works: corrections on clean queries (all false) and of queries with one
typo (not a test). A correction is what a search is run with instead of the query (the response's
``corrected``), and what "Bedoelde u ..." offers when the words are searched as typed.

    python bench/spelling.py --index var/seeds-index
    python bench/spelling.py --index var/seeds-index --ranking   # and what the typos cost the ranking

The clean queries are the three judged sets' (dev, paraphrased, validation). Each Dutch one
also gets one deterministic typo (a letter dropped or two swapped) in its longest word that the
index knows, each English one in its longest word that the glossary knows; a suggestion counts
as a correction when it holds that word again.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = (ROOT.parent / "shared" / "eval" / "dev_queries.jsonl", ROOT / "bench" / "eval" / "paraphrased_queries.jsonl",
        ROOT / "bench" / "eval" / "validation_queries.jsonl")
_ENGLISH = re.compile(r"\b(the|how|what|which|do|does|why|is|are|can|who|when)\b", re.I)
_DUTCH = re.compile(r"\b(de|het|een|hoe|wat)\b", re.I)


def with_typo(query: str, vocabulary: dict[str, int]) -> tuple[str, str] | None:
    """(the query with one typo in its longest indexed word, that word), or None."""
    words = query.split()
    spots = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 6 and w.lower() in vocabulary]
    if not spots:
        return None
    i = max(spots, key=lambda j: (len(words[j]), -j))
    word, h = words[i], zlib.crc32(query.encode("utf-8"))
    p = 1 + h % (len(word) - 2)
    bad = word[:p] + word[p + 1] + word[p] + word[p + 2:] if h % 2 else word[:p] + word[p + 1:]
    return " ".join(words[:i] + [bad] + words[i + 1:]), word.lower()


def typo_ranking(service, vocabulary: dict[str, int]) -> None:
    """Hybrid nDCG@10 of the judged questions that get a typo: as written, with the typo
    searched as typed (exact), and with it searched as the engine corrects it."""
    from indexer.evaluate import load_queries, score_run
    from indexer.model import SearchRequest

    for path in SETS:
        scores: dict[str, list[float]] = {"clean": [], "typo as typed": [], "typo corrected": []}
        for q in load_queries(path):
            typo = with_typo(q.query, vocabulary) if q.items else None
            if typo is None:
                continue
            for label, request in (("clean", SearchRequest(q.query)), ("typo as typed", SearchRequest(typo[0], exact=True)),
                                   ("typo corrected", SearchRequest(typo[0]))):
                scores[label].append(score_run([h.text for h in service.search(request).hits], q.items)["ndcg"])
        n = len(scores["clean"])
        print(f"{path.name}, {n} questions with a typo: " +
              ", ".join(f"{label} {sum(v) / n:.3f}" for label, v in scores.items() if n))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=ROOT / "var" / "seeds-index")
    ap.add_argument("--ranking", action="store_true", help="also the hybrid nDCG@10 of the questions with a typo")
    args = ap.parse_args(argv)
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    service = open_service(Settings.from_env(index_dir=args.index))
    vocabulary = {w.lower(): c for w, c in service.backend.vocabulary()}  # names are keyed with their capitals
    queries = [json.loads(line)["query"] for path in SETS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    false = [(q, s) for q in queries if (s := service.search(SearchRequest(q)).corrected)]
    print(f"clean queries: {len(false)} suggestions on {len(queries)}")
    for q, s in false:
        print(f"  {q!r} -> {s!r}")
    english = [q for q in queries if _ENGLISH.search(q) and not _DUTCH.search(q)]
    glossary = dict.fromkeys(service.analyzer.glossary_words(), 1)
    for label, words, group in (("", vocabulary, [q for q in queries if q not in english]), ("English ", glossary, english)):
        typos = [t for q in group if (t := with_typo(q, words))]
        fixed = missed = wrong = 0
        for query, word in typos:
            s = service.search(SearchRequest(query)).corrected
            if s is None:
                missed += 1
            elif word in s.lower().split():
                fixed += 1
            else:
                wrong += 1
        print(f"{label}queries with one typo: {len(typos)}; corrected {fixed}, no suggestion {missed}, another word {wrong}")
    if args.ranking:
        service.load_models()
        typo_ranking(service, vocabulary)
    service.close()


if __name__ == "__main__":
    main()
