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
from indexer.model import DocumentRecord

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
        docs = conn.execute("SELECT id, facets, content_hash FROM documents ORDER BY idx").fetchall()
        self.doc_ids = [d[0] for d in docs]
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_hashes = {d[0]: d[2] for d in docs}
        self.doc_facets = [json.loads(d[1]) for d in docs]
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

    def close(self) -> None:
        self.db.close()
