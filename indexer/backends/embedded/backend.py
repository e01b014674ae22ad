"""The embedded backend: one directory, no server. Reads the live generation, writes new ones."""
from __future__ import annotations

import json
from contextlib import contextmanager
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from indexer.backends.embedded import layout, store
from indexer.backends.embedded.ann import IvfIndex
from indexer.backends.embedded.bm25 import TermIndex
from indexer.backends.embedded.facets import FacetIndex
from indexer.backends.embedded.keyword import excluded_mask, normalise_for_match, plan_query, score_plan
from indexer.backends.embedded.writer import EmbeddedWriter
from indexer.errors import BackendUnavailable, DocumentNotFound, IndexNotFound
from indexer.model import DocumentRecord, IndexedDocument, IndexMeta, IndexStats, Passage, Scored
from indexer.ranking.query_syntax import ParsedQuery

Filters = dict[str, list[str]]

# Columns of a document row without its full text (passages() never returns the text):
# reading every hit's whole document text from SQLite was a large share of a query's time.
_DOC_COLUMNS_NO_TEXT = store.DOC_COLUMNS.replace(", text,", ", '' AS text,")


def _blas_controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    try:
        return ThreadpoolController()
    except Exception:  # noqa: BLE001 - no BLAS introspection: plain numpy
        return None


_BLAS = _blas_controller()


def _matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector with one BLAS thread: a matrix-vector product is memory-bound, and on
    a busy 2-core box OpenBLAS's second thread made it ~15x slower (20 ms vs 1.3 ms at 10k)."""
    vector = np.asarray(vector, dtype=np.float32)
    if _BLAS is None:
        return np.asarray(matrix @ vector, dtype=np.float32)
    with _BLAS.limit(limits=1, user_api="blas"):
        return np.asarray(matrix @ vector, dtype=np.float32)


class _ScoreCache:
    """The last few keyword-score / similarity arrays of a generation, so that facet_counts
    reuses what keyword_search / vector_search of the same query just computed. Arrays are
    returned read-only; callers copy before changing them."""

    def __init__(self, size: int = 4):
        self.size = size
        self._items: list[tuple[object, np.ndarray]] = []
        self._lock = threading.Lock()

    def get(self, key, compute) -> np.ndarray:
        with self._lock:
            for k, v in self._items:
                if k == key:
                    return v
        value = compute()
        value.setflags(write=False)
        with self._lock:
            self._items.append((key, value))
            del self._items[: -self.size]
        return value


class _Windows:
    """Sentence-window vectors, stored grouped by passage (owner ascending)."""

    WEIGHT = 0.5  # share of the best window's similarity in a passage's semantic score

    def __init__(self, vectors: np.ndarray, owner: np.ndarray, n_passages: int):
        self.vectors = vectors
        self.starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        self.passages = owner[self.starts]
        ends = np.r_[self.starts[1:], len(owner)]
        self.first = np.full(n_passages, -1, dtype=np.int64)
        self.count = np.zeros(n_passages, dtype=np.int64)
        self.first[self.passages] = self.starts
        self.count[self.passages] = ends - self.starts

    @classmethod
    def load(cls, gen: Path, n_passages: int) -> "_Windows | None":
        if not (gen / "windows.npy").exists():
            return None
        owner = np.load(gen / "window_owner.npy")
        return cls(np.load(gen / "windows.npy", mmap_mode="r"), owner, n_passages) if len(owner) else None

    def combine(self, passage_scores: np.ndarray, window_scores: np.ndarray) -> np.ndarray:
        best = np.maximum.reduceat(window_scores, self.starts)
        out = np.array(passage_scores, dtype=np.float32, copy=True)
        out[self.passages] = self.WEIGHT * best + (1.0 - self.WEIGHT) * out[self.passages]
        return out

    def combine_subset(self, idxs: np.ndarray, passage_scores: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """``combine`` for some passages only (the candidates of an IVF probe)."""
        counts = self.count[idxs]
        has = counts > 0
        if not has.any():
            return passage_scores
        sel, cnt = idxs[has], counts[has]
        starts = np.repeat(self.first[sel], cnt)
        offsets = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        rows = starts + offsets
        ws = np.asarray(self.vectors[rows], dtype=np.float32) @ vector
        best = np.maximum.reduceat(ws, np.r_[0, np.cumsum(cnt)[:-1]])
        out = passage_scores.copy()
        out[has] = self.WEIGHT * best + (1.0 - self.WEIGHT) * out[has]
        return out


class _Generation:
    """Everything loaded from one immutable generation."""

    def __init__(self, gen: Path):
        self.path = gen
        self.db = store.ThreadLocalConnections(gen / store.DB_NAME)
        conn = self.db.get()
        self.meta = store.read_meta(conn)
        self.passage_ids: list[str] = [r[0] for r in conn.execute("SELECT id FROM passages ORDER BY idx")]
        self.passage_index = {pid: i for i, pid in enumerate(self.passage_ids)}
        self.passage_doc = np.fromiter(
            (r[0] for r in conn.execute("SELECT doc_idx FROM passages ORDER BY idx")), dtype=np.int32
        )
        docs = conn.execute("SELECT id, facets, content_hash FROM documents ORDER BY idx").fetchall()
        self.doc_ids = [d[0] for d in docs]
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_hashes = {d[0]: d[2] for d in docs}
        self.doc_facets = [json.loads(d[1]) for d in docs]
        self.facets = FacetIndex(self.doc_facets, self.passage_doc)
        n = len(self.passage_ids)
        self.body = TermIndex.load(gen, "body", n)
        self.title = TermIndex.load(gen, "title", n)
        self.vectors = np.load(gen / "vectors.npy", mmap_mode="r")
        self.docvecs = np.load(gen / "docvecs.npy", mmap_mode="r")
        self.windows = _Windows.load(gen, len(self.passage_ids))
        self.ivf = IvfIndex.load(gen)
        self.keyword_cache = _ScoreCache()
        self.vector_cache = _ScoreCache()

    def close(self) -> None:
        self.db.close()


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, index_dir: Path, analyzer=None):
        self.index_dir = Path(index_dir)
        self._analyzer = analyzer
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._pin = threading.local()
        self._stamp = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def analyzer(self):
        if self._analyzer is None:
            from indexer.analysis import get_analyzer

            self._analyzer = get_analyzer()
        return self._analyzer

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Answer every call of this thread from one generation, so a build publishing in the
        middle of a search cannot mix two indexes into one response."""
        previous = getattr(self._pin, "gen", None)
        self._pin.gen = previous or self._live()
        try:
            yield
        finally:
            self._pin.gen = previous

    def _live(self) -> _Generation:
        """The loaded live generation; reloads when a build has published a new one."""
        pinned = getattr(self._pin, "gen", None)
        if pinned is not None:
            return pinned
        stamp = layout.pointer_stamp(self.index_dir)
        gen = self._gen
        if gen is not None and stamp == self._stamp:
            return gen
        with self._lock:
            if self._gen is not None and stamp == self._stamp:
                return self._gen
            path = layout.current_generation(self.index_dir)
            if path is None:
                raise IndexNotFound(f"no index in {self.index_dir}")
            try:
                new = _Generation(path)
            except (OSError, ValueError, KeyError, EOFError, sqlite3.Error) as exc:
                raise BackendUnavailable(f"the index in {self.index_dir} cannot be read: {exc}") from exc
            self._gen, self._stamp = new, stamp
            self._plan_cached.cache_clear()
            # the old generation's files stay valid for threads still using it (POSIX unlink semantics)
            return new

    def meta(self) -> IndexMeta | None:
        try:
            return self._live().meta
        except IndexNotFound:
            return None

    def document_hashes(self) -> dict[str, str]:
        try:
            return dict(self._live().doc_hashes)
        except IndexNotFound:
            return {}

    def cached_document(self, doc_id: str) -> IndexedDocument | None:
        return None  # incremental writes carry unchanged documents over inside the writer

    def build_guard(self):
        """Held for a whole build, so a second build is refused before it reads anything."""
        return layout.build_lock(self.index_dir)

    def writer(self, meta: IndexMeta, full: bool) -> EmbeddedWriter:
        return EmbeddedWriter(self.index_dir, meta, full, self.analyzer)

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.close()
            self._gen = None

    # -- retrieval --------------------------------------------------------------------------

    @lru_cache(maxsize=64)
    def _plan_cached(self, query: ParsedQuery):
        return plan_query(query, self.analyzer)

    def _keyword_scores(self, g: _Generation, query: ParsedQuery) -> np.ndarray:
        """Read-only keyword scores per passage (cached per generation for the last queries)."""
        return g.keyword_cache.get(query, lambda: self._compute_keyword_scores(g, query))

    def _vector_scores(self, g: _Generation, vector: np.ndarray) -> np.ndarray:
        vector = np.asarray(vector, dtype=np.float32)
        return g.vector_cache.get(vector.tobytes(), lambda: self._compute_vector_scores(g, vector))

    def _compute_vector_scores(self, g: _Generation, vector: np.ndarray) -> np.ndarray:
        if g.ivf is not None:
            return self._probe_vector_scores(g, vector)
        return self._exact_vector_scores(g, vector)

    def _probe_vector_scores(self, g: _Generation, vector: np.ndarray) -> np.ndarray:
        """Scores for the passages of the nearest IVF clusters; -inf elsewhere."""
        cand = np.sort(g.ivf.candidates(vector))
        part = np.asarray(g.vectors[cand], dtype=np.float32) @ vector
        if g.windows is not None:
            part = g.windows.combine_subset(cand, part, vector)
        scores = np.full(len(g.passage_ids), -np.inf, dtype=np.float32)
        scores[cand] = part
        return scores

    def _exact_vector_scores(self, g: _Generation, vector: np.ndarray) -> np.ndarray:
        scores = _matvec(g.vectors, vector)
        if g.windows is not None:
            scores = g.windows.combine(scores, _matvec(g.windows.vectors, vector))
        return scores

    def _compute_keyword_scores(self, g: _Generation, query: ParsedQuery) -> np.ndarray:
        plan = self._plan_cached(query)
        scores, _ = score_plan(plan, g.body, g.title)
        excluded = excluded_mask(plan, g.body)
        if excluded is not None:
            scores[excluded] = 0.0
        if plan.phrases or plan.excluded_phrases:
            self._apply_phrases(g, plan, scores)
        return scores

    def _apply_phrases(self, g: _Generation, plan, scores: np.ndarray) -> None:
        candidates = np.nonzero(scores > 0)[0]
        if not len(candidates):
            return
        texts = self._texts(g, candidates)
        for idx in candidates:
            text = texts[int(idx)]
            if any(p not in text for p in plan.phrases) or any(p in text for p in plan.excluded_phrases):
                scores[idx] = 0.0

    def _texts(self, g: _Generation, idxs: np.ndarray) -> dict[int, str]:
        conn = g.db.get()
        out: dict[int, str] = {}
        for chunk in store.chunked([int(i) for i in idxs]):
            q = f"SELECT p.idx, p.heading, p.text, d.title FROM passages p JOIN documents d ON d.idx = p.doc_idx WHERE p.idx IN ({','.join('?' * len(chunk))})"
            for idx, heading, text, title in conn.execute(q, chunk):
                out[idx] = " " + normalise_for_match(f"{title} {heading} {text}") + " "
        return out

    def keyword_search(self, query: ParsedQuery, filters: Filters, k: int) -> list[Scored]:
        g = self._live()
        if query.is_empty:
            return []
        scores = self._keyword_scores(g, query)
        return self._top(g, scores, filters, k, positive=True)

    def vector_search(self, vector: np.ndarray, filters: Filters, k: int) -> list[Scored]:
        g = self._live()
        if len(g.passage_ids) == 0:
            return []
        scores = self._vector_scores(g, vector)
        top = self._top(g, scores, filters, k, positive=False)
        if g.ivf is not None and len(top) < min(k, len(g.passage_ids)):
            # a narrow filter left too few probed passages: fall back to the exact scan
            top = self._top(g, self._exact_vector_scores(g, np.asarray(vector, dtype=np.float32)), filters, k, positive=False)
        return top

    def _top(self, g: _Generation, scores: np.ndarray, filters: Filters, k: int, positive: bool) -> list[Scored]:
        mask = g.facets.passage_mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        if positive:
            scores = np.where(scores > 0, scores, -np.inf)
        k = min(k, len(scores))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Scored(g.passage_ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]

    def facet_counts(self, query: ParsedQuery | None, vector: np.ndarray | None, filters: Filters, depth: int = 100):
        g = self._live()
        if (query is None or query.is_empty) and vector is None:
            return g.facets.counts(None, filters)
        selected = np.zeros(len(g.passage_ids), dtype=bool)
        if query is not None and not query.is_empty:
            selected |= self._keyword_scores(g, query) > 0
        if vector is not None and len(g.passage_ids):
            sims = self._vector_scores(g, vector)
            d = min(depth, int(np.isfinite(sims).sum()))
            if d > 0:
                selected[np.argpartition(-sims, d - 1)[:d]] = True
        docs = np.zeros(g.facets.n_docs, dtype=bool)
        docs[g.passage_doc[selected]] = True
        return g.facets.counts(docs, filters)

    # -- records ----------------------------------------------------------------------------

    def passage_meta(self, passage_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, list[str]]]]:
        """passage id -> (document id, document facets), from memory: enough to boost, collapse
        and page a ranking before reading any record from disk."""
        g = self._live()
        out = {}
        for pid in passage_ids:
            i = g.passage_index.get(pid)
            if i is not None:
                d = int(g.passage_doc[i])
                out[pid] = (g.doc_ids[d], g.doc_facets[d])
        return out

    def passages(self, passage_ids: Sequence[str]) -> list[tuple[Passage, DocumentRecord]]:
        g = self._live()
        idxs = [g.passage_index[p] for p in passage_ids if p in g.passage_index]
        if not idxs:
            return []
        conn = g.db.get()
        rows = {}
        for chunk in store.chunked(idxs):
            q = f"SELECT {store.PASSAGE_COLUMNS} FROM passages WHERE idx IN ({','.join('?' * len(chunk))})"
            rows.update({r[0]: r for r in conn.execute(q, chunk)})
        doc_idxs = sorted({r[2] for r in rows.values()})
        docs = {}
        for chunk in store.chunked(doc_idxs):
            q = f"SELECT {_DOC_COLUMNS_NO_TEXT} FROM documents WHERE idx IN ({','.join('?' * len(chunk))})"
            docs.update({r[0]: store.record_from_row(r, with_text=False) for r in conn.execute(q, chunk)})
        out = []
        for i in idxs:
            row = rows[i]
            doc = docs[row[2]]
            out.append((store.passage_from_row(row, doc.id), doc))
        return out

    def get_document(self, doc_id: str) -> DocumentRecord:
        g = self._live()
        conn = g.db.get()
        row = conn.execute(f"SELECT {store.DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(f"no document {doc_id!r}")
        record = store.record_from_row(row)
        prows = conn.execute(f"SELECT {store.PASSAGE_COLUMNS} FROM passages WHERE doc_idx = ? ORDER BY ordinal", (row[0],))
        record.passages = [store.passage_from_row(r, doc_id) for r in prows]
        return record

    def documents(self, filters: Filters, offset: int, limit: int, sort: str = "title") -> tuple[list[DocumentRecord], int]:
        g = self._live()
        mask = g.facets.doc_mask(filters)
        idxs = list(range(g.facets.n_docs)) if mask is None else [int(i) for i in np.nonzero(mask)[0]]
        if not idxs:
            return [], 0
        conn = g.db.get()
        records = []
        for chunk in store.chunked(idxs):
            q = f"SELECT {store.DOC_COLUMNS} FROM documents WHERE idx IN ({','.join('?' * len(chunk))})"
            records.extend(store.record_from_row(r, with_text=False) for r in conn.execute(q, chunk))
        records.sort(key=lambda r: r.title.lower())
        return records[offset : offset + limit], len(records)

    def related(self, doc_id: str, k: int) -> list[Scored]:
        g = self._live()
        d = g.doc_index.get(doc_id)
        if d is None:
            raise DocumentNotFound(f"no document {doc_id!r}")
        sims = np.asarray(g.docvecs @ np.asarray(g.docvecs[d]), dtype=np.float32)
        sims[d] = -np.inf
        order = np.argsort(-sims, kind="stable")[:k]
        return [Scored(g.doc_ids[i], float(sims[i])) for i in order if np.isfinite(sims[i])]

    def vocabulary(self) -> Iterator[tuple[str, int]]:
        g = self._live()
        words = json.loads((g.path / "surface_words.json").read_text(encoding="utf-8"))
        return iter(words.items())

    def term_df(self, term: str) -> int:
        return self._live().body.df(term)

    def stats(self) -> IndexStats:
        g = self._live()
        size = sum(f.stat().st_size for f in g.path.iterdir() if f.is_file())
        return IndexStats(
            documents=len(g.doc_ids),
            passages=len(g.passage_ids),
            by_facet=g.facets.counts(None, {}),
            meta=g.meta,
            size_bytes=size,
            location=str(g.path),
        )
