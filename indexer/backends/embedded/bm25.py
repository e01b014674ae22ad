"""BM25 as precomputed per-(term, passage) weights in flat numpy arrays (CSR by term).

Query time is a handful of vectorised adds per query term — no Python loop per passage —
which is what keeps keyword search in the low milliseconds at 100k passages.
"""
from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from indexer.backends.embedded.layout import load_array, map_array

K1 = 0.9
B = 0.4
DENSE_SHARE = 8  # a term in at least 1/8 of the passages also gets a dense row
DENSE_MIN = 64  # ... and in at least this many (tiny indexes stay sparse-only)


@dataclass
class TermIndex:
    """One field's inverted index."""

    vocab: dict[str, int]
    offsets: np.ndarray  # int64 (V + 1,)
    postings: np.ndarray  # int32 passage indices, grouped by term
    weights: np.ndarray  # float32 BM25 weight of the term in that passage (idf included)
    n: int  # number of passages
    dense_rows: dict[int, int] | None = None  # term id -> row of ``dense``
    dense: np.ndarray | None = None  # (rows, n) float32: the weights of the most frequent terms

    def dense_row(self, term: str) -> np.ndarray | None:
        """The term's weights as one row over all passages, for terms in >= 1/DENSE_SHARE of
        them: adding 100k contiguous floats is ~10x cheaper than scattering 85k postings."""
        if not self.dense_rows:
            return None
        row = self.dense_rows.get(self.vocab.get(term, -1))
        return None if row is None else self.dense[row]

    def lookup(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        tid = self.vocab.get(term)
        if tid is None:
            return _EMPTY_I, _EMPTY_F
        a, b = self.offsets[tid], self.offsets[tid + 1]
        return self.postings[a:b], self.weights[a:b]

    def df(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.offsets[tid + 1] - self.offsets[tid])

    def save(self, directory: Path, name: str) -> None:
        terms = [None] * len(self.vocab)
        for t, i in self.vocab.items():
            terms[i] = t
        (directory / f"{name}.vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        np.save(directory / f"{name}.offsets.npy", self.offsets)
        np.save(directory / f"{name}.postings.npy", self.postings)
        np.save(directory / f"{name}.weights.npy", self.weights)
        frequent = np.flatnonzero(np.diff(self.offsets) * DENSE_SHARE >= max(self.n, DENSE_MIN * DENSE_SHARE))
        np.save(directory / f"{name}.dense_terms.npy", frequent.astype(np.int64))
        dense = np.lib.format.open_memmap(directory / f"{name}.dense.npy", mode="w+", dtype=np.float32,
                                          shape=(len(frequent), self.n))
        for row, tid in enumerate(frequent):  # row by row: never all rows in memory
            a, b = self.offsets[tid], self.offsets[tid + 1]
            line = np.zeros(self.n, dtype=np.float32)
            line[self.postings[a:b]] = self.weights[a:b]
            dense[row] = line
        dense.flush()
        del dense

    @classmethod
    def load(cls, directory: Path, name: str, n: int) -> "TermIndex":
        terms = json.loads((directory / f"{name}.vocab.json").read_text(encoding="utf-8"))
        dense_rows, dense = None, None
        if (directory / f"{name}.dense.npy").exists():  # indexes written before dense rows have none
            frequent = load_array(directory / f"{name}.dense_terms.npy")
            dense_rows = {int(t): i for i, t in enumerate(frequent)}
            dense = map_array(directory / f"{name}.dense.npy")
        return cls(
            vocab={t: i for i, t in enumerate(terms)},
            offsets=load_array(directory / f"{name}.offsets.npy"),  # small: in memory
            postings=map_array(directory / f"{name}.postings.npy"),
            weights=map_array(directory / f"{name}.weights.npy"),
            n=n,
            dense_rows=dense_rows,
            dense=dense,
        )


_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float32)


def build_term_index(term_lists: Iterable[Iterable[str]], k1: float = K1, b: float = B) -> TermIndex:
    """Build the weighted inverted index of one field from each passage's analysed terms.

    Streams: postings go to compact typed arrays (10 bytes each), never to Python lists of
    ints or of every passage's strings, so 1M passages fit in a few GB."""
    vocab: dict[str, int] = {}
    tids, pids, tfs, lengths = array("i"), array("i"), array("f"), array("f")
    for pid, terms in enumerate(term_lists):
        counts = Counter(terms)
        lengths.append(sum(counts.values()))
        for term, tf in counts.items():
            tids.append(vocab.setdefault(term, len(vocab)))
            pids.append(pid)
            tfs.append(tf)
    n = len(lengths)
    if not tids:
        return TermIndex({}, np.zeros(1, dtype=np.int64), _EMPTY_I, _EMPTY_F, n)
    t = np.frombuffer(tids, dtype=np.int32)
    order = np.argsort(t, kind="stable")  # passages were appended in order: stable keeps them sorted per term
    t = t[order]
    p = np.frombuffer(pids, dtype=np.int32)[order]
    tf = np.frombuffer(tfs, dtype=np.float32)[order]
    del order, tids, pids, tfs
    lens = np.frombuffer(lengths, dtype=np.float32)
    df = np.bincount(t, minlength=len(vocab)).astype(np.float64)
    offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df.astype(np.int64), out=offsets[1:])
    idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
    avgdl = float(lens.mean()) if n else 1.0
    avgdl = avgdl or 1.0
    norm = k1 * (1.0 - b + b * lens[p] / avgdl)
    weights = (idf[t] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
    return TermIndex(vocab, offsets, p, weights, n)


def idf_of(index: TermIndex, term: str) -> float:
    df = index.df(term)
    return math.log1p((index.n - df + 0.5) / (df + 0.5)) if index.n else 0.0
