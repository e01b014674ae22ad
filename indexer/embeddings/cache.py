"""Embedding cache: (embedder name, passage hash) -> float32 vector, in SQLite (WAL).

Rebuilding an index re-embeds only passages whose text changed; an interrupted build
resumes from the last committed batch. One connection, shared across threads behind a
lock (SQLite in WAL mode lets other processes read while we write).
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder TEXT NOT NULL,
    hash     TEXT NOT NULL,
    dim      INTEGER NOT NULL,
    vector   BLOB NOT NULL,
    PRIMARY KEY (embedder, hash)
) WITHOUT ROWID
"""
_CHUNK = 500  # stays below SQLite's bound-parameter limit (999 on old builds)


class EmbeddingCache:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable per commit enough
            self._db.execute(_SCHEMA)
            self._db.commit()

    def get_many(self, name: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those hashes that have one (missing hashes are absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                part = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT hash, dim, vector FROM embeddings WHERE embedder = ? AND hash IN ({marks})",
                    [name, *part],
                )
                for h, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:  # a truncated blob is treated as a miss
                        found[h] = vec.copy()
        return found

    def put_many(self, name: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store vectors in one transaction (all or nothing)."""
        rows = []
        for h, vec in vectors.items():
            v = np.ascontiguousarray(vec, dtype=np.float32).reshape(-1)
            rows.append((name, h, int(v.shape[0]), v.tobytes()))
        if not rows:
            return
        with self._lock, self._db:  # the connection as context manager commits or rolls back
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (embedder, hash, dim, vector) VALUES (?, ?, ?, ?)",
                rows,
            )

    def rows(self, name: str) -> list[tuple[str, np.ndarray]]:
        """Every (hash, vector) cached for the embedder ``name``."""
        with self._lock:
            rows = self._db.execute("SELECT hash, dim, vector FROM embeddings WHERE embedder = ?", (name,)).fetchall()
        return [(h, np.frombuffer(blob, dtype=np.float32).copy()) for h, dim, blob in rows
                if len(blob) == 4 * dim]

    def count(self, name: str | None = None) -> int:
        with self._lock:
            if name is None:
                return self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._db.execute(
                "SELECT COUNT(*) FROM embeddings WHERE embedder = ?", (name,)
            ).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "EmbeddingCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
