"""Everything a search reads from one immutable generation, loaded once per generation."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from indexer.backends.embedded import ann, layout, store
from indexer.backends.embedded.ann import IvfIndex
from indexer.backends.embedded.bm25 import TermIndex
from indexer.backends.embedded.facets import FacetIndex
from indexer.backends.embedded.scores import ScoreCache, Windows
from indexer.backends.embedded.snippet_tokens import SnippetTokens
from indexer.backends.embedded.linalg import matvec
from indexer.model import DocumentRecord, Scored

# What a result list or a documents page shows of a document (never its text: reading every
# hit's whole document text was a large share of a query's time); its facets are in memory.
DOC_COLUMNS_LIGHT = "idx, id, title, doc_type, source_path, metadata"
# ... and passages without their analysed terms (as long as the text, never shown)
PASSAGE_COLUMNS_NO_TERMS = store.PASSAGE_COLUMNS.replace(", terms", ", '' AS terms")


def _qualified(columns: str, alias: str) -> str:
    """A column list with each column prefixed by a table alias (literals such as '' AS terms
    stay as they are)."""
    return ", ".join(c if "'" in c else f"{alias}.{c}" for c in (c.strip() for c in columns.split(",")))


# a page of hits in one query: each passage row followed by its document's light columns
# (one statement instead of two: ~45 us less a page of ten at 100k)
PAGE_SELECT = (f"SELECT {_qualified(PASSAGE_COLUMNS_NO_TERMS, 'p')}, {_qualified(DOC_COLUMNS_LIGHT, 'd')} "
               "FROM passages p JOIN documents d ON d.idx = p.doc_idx WHERE p.idx IN ")
PAGE_PASSAGE_WIDTH = len(PASSAGE_COLUMNS_NO_TERMS.split(","))


def light_record(g: "Generation", row: tuple) -> DocumentRecord:
    idx, doc_id, title, doc_type, source_path, metadata = row
    facets = {field: list(values) for field, values in g.doc_facets[idx].items()}  # a copy: callers may edit
    return DocumentRecord(id=doc_id, title=title, doc_type=doc_type, source_path=source_path, text="",
                          facets=facets, metadata=json.loads(metadata), entities=[], passages=[])


class Generation:
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
        docs = conn.execute("SELECT id, facets, content_hash, title, doc_type, source_path, sort_date "
                            "FROM documents ORDER BY idx").fetchall()
        self.doc_ids = [d[0] for d in docs]
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_hashes = {d[0]: d[2] for d in docs}
        self.doc_facets = [json.loads(d[1]) for d in docs]
        # what a result shows of its document (title, type, source, date: sort_date, the writer's
        # model.document_date): a page of hits reads only its passages' rows, without a join
        # (page of ten at 10k: 65 -> 47 us)
        self.doc_shown = [(d[3], d[4], d[5], d[6]) for d in docs]
        self.facets = FacetIndex(self.doc_facets, self.passage_doc)
        self.doc_passages = np.bincount(self.passage_doc, minlength=len(self.doc_ids))
        n = len(self.passage_ids)
        self.body = TermIndex.load(gen, "body", n)
        self.title = TermIndex.load(gen, "title", n)
        self.ivf = IvfIndex.load(gen)
        self.vectors = ann.load_passage_vectors(gen, self.ivf)
        self.docvecs = layout.map_array(gen / "docvecs.npy")
        self.windows = Windows.load(gen, len(self.passage_ids))
        self.snippet_tokens = SnippetTokens.load(gen, n)  # None: built before snippets had their data
        words = gen / "surface_words.json"  # read by the first search: missing, the index is damaged now,
        if not words.is_file():  # so that a build replaces it instead of keeping it
            raise FileNotFoundError(2, "No such file", str(words))
        self.keyword_cache = ScoreCache()
        self.vector_cache = ScoreCache()
        self._title_order: np.ndarray | None = None
        self._date_order: np.ndarray | None = None

    def title_order(self) -> np.ndarray:
        """Document indices sorted by title (case-insensitive), read once per generation:
        listing 13k documents read every text before (0.53 s), now one page of records."""
        if self._title_order is None:
            rows = self.db.get().execute("SELECT idx, title, id FROM documents").fetchall()
            rows.sort(key=lambda r: (r[1].lower(), r[2]))  # ties by id, as on Elasticsearch
            self._title_order = np.asarray([r[0] for r in rows], dtype=np.int64)
        return self._title_order

    def date_order(self) -> np.ndarray:
        """Document indices newest first (datum, else year; undated last), ties by title as
        ``title_order``; read once per generation."""
        if self._date_order is None:
            rows = self.db.get().execute("SELECT idx, title, id, sort_date FROM documents").fetchall()
            rows.sort(key=lambda r: (r[1].lower(), r[2]))
            rows.sort(key=lambda r: r[3], reverse=True)  # stable: equal dates keep the title order
            self._date_order = np.asarray([r[0] for r in rows], dtype=np.int64)
        return self._date_order

    def passage_counts(self, doc_ids) -> dict[str, int]:
        """document id -> its number of passages (unknown ids left out)."""
        return {d: int(self.doc_passages[self.doc_index[d]]) for d in doc_ids if d in self.doc_index}

    def passage_meta(self, passage_ids) -> dict[str, tuple[str, dict[str, list[str]]]]:
        """passage id -> (document id, document facets), from memory (unknown ids left out)."""
        rows = list(map(self.passage_index.get, passage_ids))
        if None in rows:
            passage_ids = [p for p, i in zip(passage_ids, rows) if i is not None]
            rows = [i for i in rows if i is not None]
        ids, facets = self.doc_ids, self.doc_facets
        # the documents in one gather, not a numpy scalar per passage (a pool of 50 in a search:
        # 64 -> 54 us with the caches cold, as a search finds them)
        return {p: (ids[d], facets[d]) for p, d in zip(passage_ids, np.take(self.passage_doc, rows).tolist())}

    def window_similarities(self, passage_ids, vector: np.ndarray) -> dict[str, np.ndarray]:
        """passage id -> the query's similarity with each of its sentence windows, in order (an
        empty array for a passage without windows)."""
        known = [p for p in passage_ids if p in self.passage_index]
        if self.windows is None:
            return {p: np.zeros(0, np.float32) for p in known}
        return dict(zip(known, self.windows.similarities([self.passage_index[p] for p in known], vector)))

    def related(self, doc_id: str, k: int) -> list[Scored]:
        """The k documents whose vectors are nearest ``doc_id``'s, itself left out."""
        d = self.doc_index[doc_id]
        sims = matvec(self.docvecs, np.asarray(self.docvecs[d], dtype=np.float32))
        sims[d] = -np.inf
        order = np.argsort(-sims, kind="stable")[:k]
        return [Scored(self.doc_ids[i], float(sims[i])) for i in order if np.isfinite(sims[i])]

    def close(self) -> None:
        self.db.close()
