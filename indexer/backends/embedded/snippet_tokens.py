"""What snippets need of a passage, stored at index time: its whitespace tokens as ids of
distinct tokens ("types"), its sentence starts, and each type's analysed terms.

A snippet then finds a page's query hits with a few array operations over the page's token
ids, instead of a set lookup per token and an analysis of every token no query has met yet
(a page of ten cost 0.35 ms with every token known, 0.6 ms in a service that had answered a
hundred other queries). The tokens are ``text.split()`` of the stored passage text, the terms
``term_memo.token_terms``, the sentence starts ``snippets.sentence_starts``: what
ranking/snippets.py computes from the text itself, so its output is the same either way.

Files of a generation (absent in indexes built before them, or of another VERSION: snippets
analyse the text then):
    snippet_meta.json               {"version": VERSION, "passages": n}
    snippet_types.json              distinct tokens, by type id (reused by the next build)
    snippet_terms.json              distinct terms, by term id
    snippet_tokens.npy              type id of every token (uint16 or int32), passages in index order
    snippet_token_starts.npy        int64 (passages + 1) offsets into snippet_tokens
    snippet_sentences.npy           int32 sentence-start token positions within each passage
    snippet_sentence_starts.npy     int64 (passages + 1) offsets into snippet_sentences
    snippet_type_terms.npy          int32 term ids of each type (CSR) ...
    snippet_type_term_starts.npy    int64 (types + 1)
    snippet_term_types.npy          int32 type ids of each term (CSR, the reverse) ...
    snippet_term_type_starts.npy    int64 (terms + 1)
"""
from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Collection, Iterable, Sequence

import numpy as np

from indexer.backends.embedded.layout import load_array, map_array
from indexer.ranking.snippets import sentence_starts
from indexer.ranking.term_memo import token_terms

VERSION = 1  # of this data; the analyzer version it was made with is the index's (IndexMeta)
_META, _TYPES, _TERMS = "snippet_meta.json", "snippet_types.json", "snippet_terms.json"
_ARRAYS = ("tokens", "token_starts", "sentences", "sentence_starts", "type_terms", "type_term_starts",
           "term_types", "term_type_starts")

# sentence starts, hit positions, terms of each hit, token count
Layout = tuple[list[int], list[int], list[frozenset[str]], int]


def _path(gen: Path, name: str) -> Path:
    return gen / f"snippet_{name}.npy"


def _present(gen: Path) -> bool:
    """The generation holds snippet data of this VERSION."""
    try:
        meta = json.loads((gen / _META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    return meta.get("version") == VERSION and all(_path(gen, name).exists() for name in _ARRAYS) \
        and (gen / _TYPES).exists() and (gen / _TERMS).exists()


def write(gen: Path, texts: Iterable[str], analyzer, previous: Path | None = None) -> None:
    """Write the snippet data of the passages whose texts ``texts`` yields in index order.
    ``previous``: a generation made with the same analyzer, whose types' terms are reused
    (an incremental build analyses only tokens new to the index)."""
    known: dict[str, frozenset[str]] = {}
    if previous is not None and _present(previous):
        terms = json.loads((previous / _TERMS).read_text(encoding="utf-8"))
        starts = load_array(_path(previous, "type_term_starts"))
        ids = load_array(_path(previous, "type_terms"))
        for t, token in enumerate(json.loads((previous / _TYPES).read_text(encoding="utf-8"))):
            known[token] = frozenset(terms[i] for i in ids[starts[t]:starts[t + 1]].tolist())
    types: dict[str, int] = {}
    tokens, token_starts = array("i"), array("q", [0])
    sentences, sentence_offsets = array("i"), array("q", [0])
    for text in texts:
        split = text.split()
        tokens.extend([types.setdefault(t, len(types)) for t in split])
        token_starts.append(len(tokens))
        sentences.extend(sentence_starts(split) if split else ())
        sentence_offsets.append(len(sentences))
    vocab: dict[str, int] = {}
    type_terms, type_term_starts = array("i"), array("q", [0])
    for token in types:  # insertion order: by type id
        terms = known.get(token)
        if terms is None:
            terms = token_terms(analyzer, token)
        type_terms.extend(sorted(vocab.setdefault(t, len(vocab)) for t in terms))
        type_term_starts.append(len(type_terms))
    tt = np.frombuffer(type_terms, dtype=np.int32)
    owner = np.repeat(np.arange(len(types), dtype=np.int32), np.diff(np.frombuffer(type_term_starts, dtype=np.int64)))
    order = np.argsort(tt, kind="stable")  # by term, types ascending within one
    term_type_starts = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tt, minlength=len(vocab)), out=term_type_starts[1:])
    # two bytes a token where the types allow (the 10k scale index: 4.6 -> 2.3 MB)
    token_ids = np.frombuffer(tokens, dtype=np.int32)
    token_ids = token_ids.astype(np.uint16 if len(types) <= 1 << 16 else np.int32, copy=False)
    arrays = {"tokens": token_ids, "token_starts": np.frombuffer(token_starts, dtype=np.int64),
              "sentences": np.frombuffer(sentences, dtype=np.int32),
              "sentence_starts": np.frombuffer(sentence_offsets, dtype=np.int64),
              "type_terms": tt, "type_term_starts": np.frombuffer(type_term_starts, dtype=np.int64),
              "term_types": owner[order], "term_type_starts": term_type_starts}
    for name in _ARRAYS:
        np.save(_path(gen, name), arrays[name])
    (gen / _TYPES).write_text(json.dumps(list(types), ensure_ascii=False), encoding="utf-8")
    (gen / _TERMS).write_text(json.dumps(list(vocab), ensure_ascii=False), encoding="utf-8")
    (gen / _META).write_text(json.dumps({"version": VERSION, "passages": len(token_starts) - 1}), encoding="utf-8")


class SnippetTokens:
    """A generation's snippet data, mapped; the term vocabulary is read on first use."""

    def __init__(self, gen: Path, n_passages: int):
        self.gen = gen
        a = {name: load_array(_path(gen, name)) if name.endswith("starts") else map_array(_path(gen, name))
             for name in _ARRAYS}
        if len(a["token_starts"]) != n_passages + 1 or len(a["sentence_starts"]) != n_passages + 1:
            raise ValueError(f"snippet data of {len(a['token_starts']) - 1} passages in an index of {n_passages}")
        self.tokens, self.token_starts = a["tokens"], a["token_starts"]
        self.sentences, self.sentence_starts = a["sentences"], a["sentence_starts"]
        self.type_terms, self.type_term_starts = a["type_terms"], a["type_term_starts"]
        self.term_types, self.term_type_starts = a["term_types"], a["term_type_starts"]
        self._terms: list[str] | None = None
        self._term_ids: dict[str, int] | None = None

    @classmethod
    def load(cls, gen: Path, n_passages: int) -> "SnippetTokens | None":
        """None for an index built before snippet data was stored, or with another VERSION of it."""
        if not _present(gen):
            return None
        return cls(gen, n_passages)

    def _vocabulary(self) -> tuple[list[str], dict[str, int]]:
        if self._term_ids is None:  # one thread's read wins; both are the same
            terms = json.loads((self.gen / _TERMS).read_text(encoding="utf-8"))
            self._terms, self._term_ids = terms, {t: i for i, t in enumerate(terms)}
        return self._terms, self._term_ids

    def layouts(self, rows: Sequence[int], keys: Collection[str]) -> list[Layout]:
        """For each passage row: its sentence starts, the positions of its tokens whose terms
        include any of ``keys``, those tokens' terms among ``keys``, and its number of tokens."""
        terms, term_ids = self._vocabulary()
        wanted = sorted(term_ids[k] for k in keys if k in term_ids)
        rows = np.asarray(rows, dtype=np.int64)
        s_lo, s_hi = self.sentence_starts[rows].tolist(), self.sentence_starts[rows + 1].tolist()
        sentences = [self.sentences[a:b].tolist() for a, b in zip(s_lo, s_hi)]
        lo, hi = self.token_starts[rows], self.token_starts[rows + 1]
        counts = (hi - lo).tolist()
        if not wanted or len(wanted) > 64:  # more than 64 terms: _scan's way (never seen in a query)
            return [(s, [], [], n) for s, n in zip(sentences, counts)] if not wanted else None
        # one bit per wanted term on each type that has it: a token's bits say which terms it hits
        # (a lookup per page token instead of a set lookup per token, or np.isin: 45 us a page)
        ts = self.term_type_starts
        of_term = [self.term_types[ts[t]:ts[t + 1]] for t in wanted]
        dtype = _BITS[(len(wanted) - 1) // 8]
        bits = np.zeros(len(self.type_term_starts) - 1, dtype=dtype)
        np.bitwise_or.at(bits, np.concatenate(of_term),  # or.at: a type may have two of the terms
                         np.repeat((1 << np.arange(len(wanted), dtype=np.uint64)).astype(dtype), [len(t) for t in of_term]))
        page = bits[np.concatenate([self.tokens[a:b] for a, b in zip(lo.tolist(), hi.tolist())])]
        at = np.flatnonzero(page)
        ends = np.cumsum(hi - lo)
        split = np.searchsorted(at, ends).tolist()
        positions = (at - (ends - (hi - lo))[np.searchsorted(ends, at, side="right")]).tolist()
        found = page[at].tolist()
        named: dict[int, frozenset[str]] = {}
        for mask in set(found):
            named[mask] = frozenset(terms[t] for j, t in enumerate(wanted) if mask >> j & 1)
        out, start = [], 0
        for s, stop, n in zip(sentences, split, counts):
            out.append((s, positions[start:stop], [named[m] for m in found[start:stop]], n))
            start = stop
        return out


_BITS = {0: np.uint8, 1: np.uint16, 2: np.uint32, 3: np.uint32, 4: np.uint64, 5: np.uint64, 6: np.uint64, 7: np.uint64}
