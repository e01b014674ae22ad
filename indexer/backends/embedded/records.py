"""Records read from a generation's SQLite store: the page's passages, a whole document, a
page of the document list. Ranking never reads from disk; only what is shown does."""
from __future__ import annotations

from typing import Sequence

from indexer.backends.embedded import store
from indexer.backends.embedded.generation import (DOC_COLUMNS_LIGHT, PAGE_PASSAGE_WIDTH, PAGE_SELECT,
                                                  PASSAGE_COLUMNS_NO_TERMS, Generation, light_record)
from indexer.errors import DocumentNotFound
from indexer.model import DocumentRecord, PageRecord, Passage
from indexer.ranking.query_syntax import normalise_for_match

Filters = dict[str, list[str]]
DOCUMENT_ORDERS = ("title", "date")


def row_indexes(g: Generation, passage_ids: Sequence[str]) -> list[int]:
    """Row indexes of the passages the generation holds, in the given order."""
    return [g.passage_index[p] for p in passage_ids if p in g.passage_index]


def read_passages(g: Generation, passage_ids: Sequence[str]) -> list[tuple[Passage, DocumentRecord]]:
    """The passages (in the given order, unknown ids left out), each with a light record of its
    document (no text), one query per chunk of ids."""
    idxs = row_indexes(g, passage_ids)
    if not idxs:
        return []
    conn = g.db.get()
    rows = {}
    for chunk in store.chunked(idxs):
        rows.update({r[0]: r for r in conn.execute(f"{PAGE_SELECT}({','.join('?' * len(chunk))})", chunk)})
    docs: dict[int, DocumentRecord] = {}
    out = []
    for i in idxs:
        row = rows[i]
        doc = docs.get(row[2])
        if doc is None:
            doc = docs[row[2]] = light_record(g, row[PAGE_PASSAGE_WIDTH:])
        out.append((store.passage_from_row(row[:PAGE_PASSAGE_WIDTH], doc.id), doc))
    return out


# a passage's own columns; its document's title, type, source and date are in memory (Generation.doc_shown)
PAGE_RECORD_SELECT = "SELECT idx, heading, text, doc_idx FROM passages WHERE idx IN "


def match_texts(g: Generation, idxs) -> dict[int, str]:
    """Row index -> the passage's title, heading and text as quoted phrases are matched."""
    conn = g.db.get()
    out: dict[int, str] = {}
    for chunk in store.chunked([int(i) for i in idxs]):
        for idx, heading, text, d in conn.execute(f"{PAGE_RECORD_SELECT}({','.join('?' * len(chunk))})", chunk):
            out[idx] = " " + normalise_for_match(f"{g.doc_shown[d][0]} {heading} {text}") + " "
    return out


def page_records(g: Generation, passage_ids: Sequence[str]) -> dict[str, PageRecord]:
    """passage id -> its PageRecord (unknown ids left out), one query per chunk of ids: the
    fields read_passages gives a page, without building Passage and DocumentRecord objects
    (a page of ten 164 -> 47 us at 10k passages)."""
    index = g.passage_index
    wanted = {index[p]: p for p in passage_ids if p in index}
    conn = g.db.get()
    out: dict[str, PageRecord] = {}
    facets: dict[int, dict[str, list[str]]] = {}
    for chunk in store.chunked(list(wanted)):
        for idx, heading, text, d in conn.execute(f"{PAGE_RECORD_SELECT}({','.join('?' * len(chunk))})", chunk):
            doc_facets = facets.get(d)
            if doc_facets is None:  # a copy (callers may edit), one per document as read_passages
                doc_facets = facets[d] = {field: list(values) for field, values in g.doc_facets[d].items()}
            title, doc_type, source_path, date = g.doc_shown[d]
            out[wanted[idx]] = PageRecord(g.doc_ids[d], title, doc_type, heading, text, doc_facets, source_path, date)
    return out


def read_document(g: Generation, doc_id: str) -> DocumentRecord:
    conn = g.db.get()
    row = conn.execute(f"SELECT {store.DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise DocumentNotFound(f"no document {doc_id!r}")
    record = store.record_from_row(row)
    prows = conn.execute(f"SELECT {PASSAGE_COLUMNS_NO_TERMS} FROM passages WHERE doc_idx = ? ORDER BY ordinal", (row[0],))
    record.passages = [store.passage_from_row(r, doc_id) for r in prows]
    return record


def list_documents(g: Generation, filters: Filters, offset: int, limit: int,
                   sort: str = "title") -> tuple[list[DocumentRecord], int]:
    """A page of the documents that pass the filters, by title (or newest first), and how many pass."""
    if sort not in DOCUMENT_ORDERS:
        raise ValueError(f"unknown document order {sort!r}; choose one of: {', '.join(DOCUMENT_ORDERS)}")
    order = g.title_order() if sort == "title" else g.date_order()
    mask = g.facets.doc_mask(filters)
    if mask is not None:
        order = order[mask[order]]
    page = [int(i) for i in order[offset : offset + limit]]
    conn = g.db.get()
    rows = {}
    for chunk in store.chunked(page):  # light records for the page only
        q = f"SELECT {DOC_COLUMNS_LIGHT} FROM documents WHERE idx IN ({','.join('?' * len(chunk))})"
        rows.update({r[0]: light_record(g, r) for r in conn.execute(q, chunk)})
    return [rows[i] for i in page], len(order)
