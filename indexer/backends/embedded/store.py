"""SQLite tables of one generation: documents, passages (with analysed terms), metadata.

A committed generation never changes, so readers open it with ``immutable=1``: no locks,
no journal, safe to read while a build writes the next generation elsewhere.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from indexer.model import DocumentRecord, Entity, IndexMeta, Passage

DB_NAME = "store.sqlite"

# the long columns (text, entities) last: a row's columns after a long text are reached only
# through its overflow pages, so a result list's light record (title, type, metadata) reads
# one page (ten documents with metadata: 0.10 -> 0.08 ms at 100k passages)
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, doc_type TEXT NOT NULL,
    source_path TEXT NOT NULL, content_hash TEXT NOT NULL, facets TEXT NOT NULL,
    metadata TEXT NOT NULL, sort_date TEXT NOT NULL, title_terms TEXT NOT NULL,
    entities TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE passages (
    idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc_idx INTEGER NOT NULL, ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL, text TEXT NOT NULL, hash TEXT NOT NULL, terms TEXT NOT NULL
);
CREATE INDEX passages_doc ON passages(doc_idx, ordinal);
"""

DOC_COLUMNS = "idx, id, title, doc_type, source_path, text, content_hash, facets, metadata, entities, sort_date, title_terms"
PASSAGE_COLUMNS = "idx, id, doc_idx, ordinal, heading, text, hash, terms"


def create(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # a generation is throwaway until published
    conn.execute("PRAGMA synchronous=OFF")
    conn.executescript(SCHEMA)
    conn.execute("BEGIN")
    return conn


def open_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    return conn


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def write_meta(conn: sqlite3.Connection, meta: IndexMeta) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('index', ?)", (dumps(asdict(meta)),))


def read_meta(conn: sqlite3.Connection) -> IndexMeta:
    """Raises ValueError (a damaged index to its readers) for a missing or odd record: a
    TypeError from IndexMeta(**...) went up as a traceback from stats, search and build."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'index'").fetchone()
    if row is None:
        raise ValueError("the index records no meta data (what built it)")
    try:
        return IndexMeta(**json.loads(row[0]))
    except TypeError as exc:
        raise ValueError(f"the index's meta data is not this version's: {exc}") from None


def entities_from_json(raw: str) -> list[Entity]:
    return [Entity(**e) for e in json.loads(raw)]


def record_from_row(row: tuple, with_text: bool = True) -> DocumentRecord:
    """``with_text=False``: a light record for result lists (no text, no entities)."""
    _, doc_id, title, doc_type, source_path, text, _hash, facets, metadata, entities, _d, _t = row
    return DocumentRecord(
        id=doc_id,
        title=title,
        doc_type=doc_type,
        source_path=source_path,
        text=text if with_text else "",
        facets=json.loads(facets),
        metadata=json.loads(metadata),
        entities=entities_from_json(entities) if with_text else [],
        passages=[],
    )


def passage_from_row(row: tuple, doc_id: str) -> Passage:
    _idx, pid, _doc_idx, ordinal, heading, text, digest, _terms = row
    return Passage(id=pid, doc_id=doc_id, ordinal=ordinal, heading=heading, text=text, hash=digest)


class ThreadLocalConnections:
    """One read-only connection per thread (sqlite3 objects must not be shared across threads)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = open_readonly(self.path)
            except sqlite3.Error as exc:  # the generation's files were removed under a running reader
                from indexer.backends.embedded.layout import damaged_hint
                from indexer.errors import BackendUnavailable

                raise BackendUnavailable(f"the index store {self.path} cannot be opened: {exc}",
                                         hint=damaged_hint(self.path.parent.parent)) from exc
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass  # closed from its own thread already
            self._all.clear()


def chunked(items: list, size: int = 500) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
