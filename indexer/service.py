"""The facade the CLI and the web app use: one object per open index.

``open_service(settings)`` (in indexer.search) returns an object with this shape; the web app
depends only on this Protocol and the types in indexer.model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from indexer.model import DocumentRecord, IndexStats, SearchRequest, SearchResponse


@dataclass(frozen=True)
class Related:
    doc_id: str
    title: str
    doc_type: str
    score: float


@dataclass(frozen=True)
class Suggestion:
    text: str  # what to put in the search box
    kind: str  # "titel" | "interventie" | "gemeente" | "provincie" | "term"
    doc_id: str | None = None  # set when the suggestion is a document (open it directly)


class SearchService(Protocol):
    def search(self, request: SearchRequest) -> SearchResponse:
        """Raises QueryError for bad input, BackendUnavailable when the index cannot be used."""
        ...

    def get_document(self, doc_id: str) -> DocumentRecord:
        """Raises DocumentNotFound."""
        ...

    def related(self, doc_id: str, k: int = 5) -> list[Related]: ...

    def facets(self) -> dict[str, dict[str, int]]:
        """Facet counts over the whole index."""
        ...

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]: ...

    def documents(self, filters: dict[str, list[str]], page: int = 1, per_page: int = 50) -> tuple[list[DocumentRecord], int]:
        """Browse documents by facet filters, sorted by title (catalogue and municipality pages).
        Records come without full text and passages. Returns (page of records, total)."""
        ...

    def canonical_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Filter values as the index spells them ("rotterdam" -> "Rotterdam")."""
        ...

    def passage_counts(self, doc_ids) -> dict[str, int]:
        """document id -> number of passages."""
        ...

    def health(self) -> dict:
        """{"ok": bool, "documents": int, "backend": str, "embedder": str, "detail": str}"""
        ...

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...
