"""Writes one new generation; publishes it atomically on commit.

Incremental builds (``full=False``) carry the previous generation's untouched documents over
by copying rows and vector slices — no re-analysis, no re-embedding.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import ExitStack
from itertools import chain
from pathlib import Path

import numpy as np

from indexer.backends.embedded import layout, snippet_tokens, store
from indexer.backends.embedded.ann import build_ivf, load_passage_vectors
from indexer.backends.embedded.bm25 import build_term_index
from indexer.embeddings.base import document_vector
from indexer.errors import GkaError, IndexMismatch
from indexer.model import IndexedDocument, IndexMeta, document_date

_WORD = re.compile(r"[^\W\d_][^\W_]{2,}", re.UNICODE)
# a hyphenated word is one too, besides its parts: "mbo-st" completes to "mbo-student"; two parts
# at most, and none from a web address ("…/ouderbetrokkenheid-is-maatwerk")
_HYPHENATED = re.compile(r"(?<![\w/.@-])[^\W\d_][^\W_]*-[^\W\d_][^\W_]*(?![\w/@-]|\.\w)", re.UNICODE)
# what stands before a sentence's (or a list item's) first word: its capital says nothing
_OPENERS = frozenset(".!?:;•*([\"'“‘«–—-")


class EmbeddedWriter:
    def __init__(self, index_dir: Path, meta: IndexMeta, full: bool, analyzer):
        self.index_dir = index_dir
        self.meta = meta
        self.analyzer = analyzer
        self._stack = ExitStack()
        self._stack.enter_context(layout.build_lock(index_dir))
        try:
            layout.remove_stale(index_dir)
            self.previous = None if full else layout.current_generation(index_dir)
            if self.previous is not None:
                self._check_compatible(self.previous)
            self.gen = layout.new_generation(index_dir)
            self.conn = store.create(self.gen / store.DB_NAME)
        except BaseException:
            self._stack.close()
            raise
        self.touched: set[str] = set()
        self.vectors: list[np.ndarray] = []
        self.docvecs: list[np.ndarray] = []
        self.windows: list[np.ndarray] = []
        self.window_owner: list[np.ndarray] = []  # global passage index of each window
        self.n_docs = 0
        self.n_passages = 0
        self.closed = False

    def _check_compatible(self, previous: Path) -> None:
        conn = store.open_readonly(previous / store.DB_NAME)
        try:
            old = store.read_meta(conn)
        finally:
            conn.close()
        if (old.embedder, old.dim, old.analyzer_version) != (self.meta.embedder, self.meta.dim, self.meta.analyzer_version):
            raise IndexMismatch(
                f"the index was built with embedder {old.embedder} ({old.dim}-d), analyzer {old.analyzer_version}; "
                f"this build uses {self.meta.embedder} ({self.meta.dim}-d), analyzer {self.meta.analyzer_version}"
            )

    # -- Writer protocol ------------------------------------------------------------------

    def upsert(self, doc: IndexedDocument) -> None:
        if doc.id in self.touched:
            raise GkaError(f"duplicate document id {doc.id!r} ({doc.source_path})")
        self.touched.add(doc.id)
        vectors = np.asarray(doc.vectors, dtype=np.float32).reshape(len(doc.passages), self.meta.dim)
        title_terms = " ".join(self.analyzer.index_terms(doc.ranked_title))
        sort_date = document_date(doc)
        self.conn.execute(
            f"INSERT INTO documents ({store.DOC_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                self.n_docs, doc.id, doc.title, doc.doc_type, doc.source_path, doc.text, doc.content_hash,
                store.dumps(doc.facets), store.dumps(doc.metadata),
                store.dumps([e.__dict__ for e in doc.entities]), sort_date, title_terms,
            ),
        )
        rows = []
        for p in doc.passages:
            terms = self.analyzer.index_terms(p.indexed_text)
            rows.append((self.n_passages + len(rows), p.id, self.n_docs, p.ordinal, p.heading, p.text, p.hash, " ".join(terms)))
        self.conn.executemany(f"INSERT INTO passages ({store.PASSAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", rows)
        self.vectors.append(vectors)
        self.docvecs.append(_doc_vector(doc, vectors, self.meta.dim))
        if doc.window_vectors is not None and len(doc.window_owner):
            self.windows.append(np.asarray(doc.window_vectors, dtype=np.float32).reshape(-1, self.meta.dim))
            self.window_owner.append(np.asarray(doc.window_owner, dtype=np.int64) + self.n_passages)
        self.n_docs += 1
        self.n_passages += len(rows)

    def delete(self, doc_id: str) -> None:
        self.touched.add(doc_id)

    def commit(self) -> None:
        try:
            if self.previous is not None:
                self._carry_over(self.previous)
            self._write_arrays()
            store.write_meta(self.conn, self.meta)
            self.conn.execute("COMMIT")
            self.conn.close()
            layout.publish(self.index_dir, self.gen)
        except BaseException:
            self.abort()
            raise
        self._finish()

    def abort(self) -> None:
        if self.closed:
            return
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - closing a broken connection must not mask the real error
            pass
        layout.discard(self.gen)
        self._finish()

    def _finish(self) -> None:
        self.closed = True
        self._stack.close()

    # -- internals ------------------------------------------------------------------------

    def _carry_over(self, previous: Path) -> None:
        old = store.open_readonly(previous / store.DB_NAME)
        old_vectors = load_passage_vectors(previous)
        old_docvecs = layout.load_array(previous / "docvecs.npy", mmap=True)
        has_windows = (previous / "windows.npy").exists()
        old_windows = layout.load_array(previous / "windows.npy", mmap=True) if has_windows else None
        old_owner = layout.load_array(previous / "window_owner.npy") if has_windows else None
        try:
            for row in old.execute(f"SELECT {store.DOC_COLUMNS} FROM documents ORDER BY idx"):
                if row[1] in self.touched:
                    continue
                old_idx = row[0]
                self.conn.execute(
                    f"INSERT INTO documents ({store.DOC_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (self.n_docs,) + tuple(row[1:]),
                )
                prows = old.execute(
                    f"SELECT {store.PASSAGE_COLUMNS} FROM passages WHERE doc_idx = ? ORDER BY ordinal", (old_idx,)
                ).fetchall()
                new_rows = [(self.n_passages + i, r[1], self.n_docs) + tuple(r[3:]) for i, r in enumerate(prows)]
                self.conn.executemany(
                    f"INSERT INTO passages ({store.PASSAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", new_rows
                )
                idxs = np.asarray([r[0] for r in prows], dtype=np.int64)
                self.vectors.append(np.asarray(old_vectors[idxs], dtype=np.float32))
                self.docvecs.append(np.asarray(old_docvecs[old_idx], dtype=np.float32))
                if old_owner is not None and len(idxs):
                    # a document's passages (and so its windows) are contiguous and in order
                    lo = int(np.searchsorted(old_owner, idxs[0], side="left"))
                    hi = int(np.searchsorted(old_owner, idxs[-1], side="right"))
                    self.windows.append(np.asarray(old_windows[lo:hi], dtype=np.float32))
                    self.window_owner.append(old_owner[lo:hi] - idxs[0] + self.n_passages)
                self.n_docs += 1
                self.n_passages += len(prows)
        finally:
            old.close()

    def _write_arrays(self) -> None:
        dim = self.meta.dim
        vectors = np.concatenate(self.vectors) if self.vectors else np.zeros((0, dim), np.float32)
        docvecs = np.stack(self.docvecs) if self.docvecs else np.zeros((0, dim), np.float32)
        ivf = build_ivf(vectors)  # None below ann.MIN_VECTORS: exact search
        if ivf is None:
            np.save(self.gen / "vectors.npy", vectors.astype(np.float32, copy=False))
        else:
            ivf.save(self.gen, vectors)  # the vectors once, in cluster order (load_passage_vectors)
        np.save(self.gen / "docvecs.npy", docvecs.astype(np.float32, copy=False))
        windows = np.concatenate(self.windows) if self.windows else np.zeros((0, dim), np.float32)
        owner = np.concatenate(self.window_owner) if self.window_owner else np.zeros(0, np.int64)
        np.save(self.gen / "windows.npy", windows)
        np.save(self.gen / "window_owner.npy", owner)
        # streamed from SQLite field by field: holding every passage's term strings at once
        # was what ran out of memory towards 1M passages
        order = " FROM passages p JOIN documents d ON p.doc_idx = d.idx ORDER BY p.idx"
        build_term_index(t.split() for (t,) in self.conn.execute("SELECT p.terms" + order)).save(self.gen, "body")
        build_term_index(t.split() for (t,) in self.conn.execute("SELECT d.title_terms" + order)).save(self.gen, "title")
        # what snippets need of each passage (an incremental build reuses the last one's analysis)
        snippet_tokens.write(self.gen, (t for (t,) in self.conn.execute("SELECT text FROM passages ORDER BY idx")),
                             self.analyzer, self.previous)
        texts = (text if ordinal else f"{title}. {text}"
                 for text, ordinal, title in self.conn.execute("SELECT p.text, p.ordinal, d.title" + order))
        (self.gen / "surface_words.json").write_text(json.dumps(surface_words(texts), ensure_ascii=False),
                                                     encoding="utf-8")


def surface_words(texts) -> dict[str, int]:
    """The words of the texts (for completions and spelling) and their counts, lower-cased; a
    word written with capitals inside sentences (Klinkhamer, Rotterdam, NT2) is keyed as
    written, so a completion shows it so."""
    words: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    cased: dict[str, Counter[str]] = {}
    for text in texts:
        for m in chain(_WORD.finditer(text), _HYPHENATED.finditer(text)):
            word = m.group()
            low = word.lower()
            words[low] += 1
            if word == low:
                lower[low] += 1
            elif not _opens_sentence(text, m.start()):
                cased.setdefault(low, Counter())[word] += 1
    surface = {w: c for w, c in words.items() if c >= 2 or len(w) >= 6}
    for low, forms in cased.items():
        form, n = forms.most_common(1)[0]
        # a name, or a short acronym; not a word set in capitals for emphasis
        if low in surface and n >= 2 * lower[low] and (not form.isupper() or len(form) <= 5):
            surface[form] = surface.pop(low)
    return surface


def _opens_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in _OPENERS


def _doc_vector(doc: IndexedDocument, vectors: np.ndarray, dim: int) -> np.ndarray:
    vector = document_vector(doc.doc_vector, vectors)
    return np.zeros(dim, dtype=np.float32) if vector is None else vector.reshape(dim)
