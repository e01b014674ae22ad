"""Facet values as incidence arrays: filters become boolean masks, counts become bincounts."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from indexer.backends.embedded.linalg import matvec
from indexer.model import FACET_FIELDS


@dataclass
class FieldIndex:
    values: list[str]  # value id -> value
    value_ids: dict[str, int]
    pair_doc: np.ndarray  # int32 document index of each (doc, value) pair
    pair_value: np.ndarray  # int32 value id of each pair


DENSE_CELLS = 4_000_000  # documents x facet values: up to 16 MB of float32


class FacetIndex:
    MASK_CACHE = 256  # filter sets whose masks are kept (they repeat across queries and pages)

    def __init__(self, doc_facets: list[dict[str, list[str]]], passage_doc: np.ndarray):
        self._masks: OrderedDict = OrderedDict()
        self._masks_lock = threading.Lock()
        self.n_docs = len(doc_facets)
        self.passage_doc = passage_doc
        self.fields: dict[str, FieldIndex] = {}
        for field in FACET_FIELDS:
            values: list[str] = []
            ids: dict[str, int] = {}
            docs: list[int] = []
            vals: list[int] = []
            for d, facets in enumerate(doc_facets):
                for v in dict.fromkeys(facets.get(field) or []):
                    vid = ids.get(v)
                    if vid is None:
                        vid = ids[v] = len(values)
                        values.append(v)
                    docs.append(d)
                    vals.append(vid)
            self.fields[field] = FieldIndex(
                values, ids, np.asarray(docs, dtype=np.int32), np.asarray(vals, dtype=np.int32)
            )
        # all fields' pairs in one array (value ids offset per field): one pass counts every
        # field that has no filter of its own
        self._starts = np.cumsum([0] + [len(fi.values) for fi in self.fields.values()])
        self._all_doc = np.concatenate([fi.pair_doc for fi in self.fields.values()])
        self._all_value = np.concatenate(
            [fi.pair_value + start for fi, start in zip(self.fields.values(), self._starts)]
        ).astype(np.int64)
        # small indexes also keep a dense document x value matrix: counting becomes one BLAS
        # matrix-vector product (0.33 vs 1.04 ms at 100k passages / 13k documents)
        self._incidence = None
        if self.n_docs * int(self._starts[-1]) <= DENSE_CELLS:
            self._incidence = np.zeros((self.n_docs, int(self._starts[-1])), dtype=np.float32)
            self._incidence[self._all_doc, self._all_value] = 1.0

    def _cached(self, kind: str, filters: dict[str, list[str]], skip: str | None, compute):
        key = (kind, skip, tuple(sorted((f, tuple(v)) for f, v in filters.items() if v)))
        with self._masks_lock:
            if key in self._masks:
                self._masks.move_to_end(key)
                return self._masks[key]
        value = compute()
        if value is not None:
            value.setflags(write=False)
        with self._masks_lock:
            self._masks[key] = value
            while len(self._masks) > self.MASK_CACHE:
                self._masks.popitem(last=False)
        return value

    def doc_mask(self, filters: dict[str, list[str]], skip: str | None = None) -> np.ndarray | None:
        """Documents passing every filter except ``skip``'s; None when nothing filters.
        Read-only (cached per filter set)."""
        return self._cached("doc", filters, skip, lambda: self._doc_mask(filters, skip))

    def _doc_mask(self, filters: dict[str, list[str]], skip: str | None = None) -> np.ndarray | None:
        mask: np.ndarray | None = None
        for field, wanted in filters.items():
            if field == skip or not wanted:
                continue
            fi = self.fields[field]
            vids = [fi.value_ids[v] for v in wanted if v in fi.value_ids]
            ok = np.zeros(self.n_docs, dtype=bool)
            if vids:
                sel = np.isin(fi.pair_value, np.asarray(vids, dtype=np.int32))
                ok[fi.pair_doc[sel]] = True
            mask = ok if mask is None else (mask & ok)
        return mask

    def passage_mask(self, filters: dict[str, list[str]]) -> np.ndarray | None:
        def compute():
            dm = self.doc_mask(filters)
            return None if dm is None else dm[self.passage_doc]

        return self._cached("passage", filters, None, compute)

    def counts(self, selected_docs: np.ndarray | None, filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """Disjunctive facet counts: for each field, documents in ``selected_docs`` (bool mask,
        None = all) passing the other fields' filters."""
        active = {f for f, v in filters.items() if v}
        base = self._restrict(self.doc_mask(filters), selected_docs)
        shared = self._count_all(base)
        out: dict[str, dict[str, int]] = {}
        for (field, fi), start in zip(self.fields.items(), self._starts):
            if field in active:
                mask = self._restrict(self.doc_mask(filters, skip=field), selected_docs)
                counts = self._bincount(fi.pair_doc, fi.pair_value, mask, len(fi.values))
            else:
                counts = shared[start : start + len(fi.values)]
            nonzero = np.flatnonzero(counts)
            pairs = sorted(zip((-counts[nonzero]).tolist(), [fi.values[i] for i in nonzero]))
            out[field] = {value: -negative for negative, value in pairs}
        return out

    @staticmethod
    def _restrict(mask: np.ndarray | None, selected: np.ndarray | None) -> np.ndarray | None:
        if selected is None:
            return mask
        return selected if mask is None else (mask & selected)

    def _count_all(self, mask: np.ndarray | None) -> np.ndarray:
        size = int(self._starts[-1])
        if self._incidence is None or mask is None:
            return self._bincount(self._all_doc, self._all_value, mask, size)
        return np.rint(matvec(self._incidence.T, mask.astype(np.float32))).astype(np.int64)

    @staticmethod
    def _bincount(pair_doc: np.ndarray, pair_value: np.ndarray, mask: np.ndarray | None, size: int) -> np.ndarray:
        values = pair_value if mask is None else pair_value[mask[pair_doc]]
        return np.bincount(values, minlength=size)
