"""The Backend seam: one small interface for the embedded store and Elasticsearch.

Both return the project's own types (indexer.model); engine payloads stay inside.
Ranking (fusion, collapsing, snippets) is done above this seam by indexer.ranking,
so both backends share it. Optional extras the searcher uses when a backend has them:
``passage_meta`` (rank from in-memory metadata), ``pinned`` (one generation per search),
``hybrid_search`` (engine-side fusion), ``window_similarities`` (snippet evidence),
``snippet_layouts`` (snippets from index-time token data) and ``page_records`` (a page's hits
without record objects); and
elsewhere ``passage_counts`` (indexer.search; both backends have it, else one ``get_document``
per document),
``term_dfs`` (passages per analysed term, None when the index cannot tell: spelling and the
query words found in no passage; without it suggestions are rarer and such words not named)
and ``build_guard`` (indexer.build's lock).
Everything in ``Backend`` below is required: the app and the build call it without a fallback.
"""
from __future__ import annotations

from typing import Iterator, Protocol, Sequence

import numpy as np

from indexer.model import (
    DocumentRecord,
    IndexedDocument,
    IndexMeta,
    IndexStats,
    Passage,
    Scored,
)
from indexer.ranking.query_syntax import ParsedQuery

Filters = dict[str, list[str]]  # facet field -> accepted values (OR within a field, AND across)
# a passage's semantic score: this share of its best sentence window's similarity plus the rest of
# its own (passages.sentence_windows; one without windows keeps its own); both backends rank so
WINDOW_WEIGHT = 0.5


class Writer(Protocol):
    """A build in progress. Nothing is visible to readers until ``commit``."""

    def upsert(self, doc: IndexedDocument) -> None: ...

    def delete(self, doc_id: str) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class Backend(Protocol):
    name: str  # "embedded" | "elasticsearch"
    # the index layout this code writes ("" when the backend has none to tell): an index of
    # another is rebuilt from scratch, as for another analyzer
    layout_version: str
    # whether vocabulary() lists every word of the index: only then can a word it lacks be told
    # for a typo and searched corrected (else the correction is only suggested)
    whole_vocabulary: bool

    # -- lifecycle / metadata
    def meta(self) -> IndexMeta | None:
        """The live index's metadata, or None when no index exists yet."""
        ...

    def document_hashes(self) -> dict[str, str]:
        """doc_id -> content hash of the live index (drives incremental builds)."""
        ...

    def document_sources(self) -> dict[str, str]:
        """doc_id -> the file it came from, relative to its corpus root (a build keeps the
        documents of a file it cannot read; a record file's ids are not its path)."""
        ...

    def cached_document(self, doc_id: str) -> IndexedDocument | None:
        """The stored, analysed document with passages and vectors (to carry over unchanged docs)."""
        ...

    def writer(self, meta: IndexMeta, full: bool) -> Writer:
        """Start a build. ``full``: a fresh index replacing the live one atomically on commit;
        else incremental changes to a copy of the live index, also swapped atomically."""
        ...

    # -- retrieval
    def keyword_search(self, query: ParsedQuery, filters: Filters, k: int) -> list[Scored]:
        """The k best keyword matches the filters allow. A backend with ``marks_partial`` true
        marks those holding only some parts of a compound query word (``Scored.partial``), and
        its ``facet_counts`` / ``result_count`` leave them out of the keyword matches."""
        ...

    def vector_search(self, vector: np.ndarray, filters: Filters, k: int,
                      min_score: float | None = None) -> list[Scored]:
        """The k passages nearest the vector among those the filters allow; with ``min_score``
        (a score this backend returned) only passages scoring at least that."""
        ...

    def facet_counts(
        self, query: ParsedQuery | None, passage_ids: Sequence[str] | None, filters: Filters
    ) -> dict[str, dict[str, int]]:
        """Document counts per facet value over a query's result set: its keyword matches and the
        given passages (its semantic side; None: it has none). For each field the other fields'
        filters apply (disjunctive facets). Neither a query nor passages (None): the whole index."""
        ...

    def result_count(self, query: ParsedQuery | None, passage_ids: Sequence[str], filters: Filters,
                     by_document: bool = True) -> int:
        """Size of a result set: the query's keyword matches that pass the filters together with
        the given passages (the semantic side a search kept), in documents or passages."""
        ...

    def passages(self, passage_ids: Sequence[str]) -> list[tuple[Passage, DocumentRecord]]:
        """Passages with their (lightweight: no text, no passages) document, in the given order."""
        ...

    def get_document(self, doc_id: str) -> DocumentRecord: ...

    def documents(self, filters: Filters, offset: int, limit: int,
                  sort: str = "title") -> tuple[list[DocumentRecord], int]:
        """A page of the documents that pass the filters, and how many documents pass.

        The document list without a query (the interventions catalogue, municipality pages,
        a search with filters only, title suggestions).

        * ``filters`` as in ``facet_counts``: a document passes when, for every field given
          with values, it has at least one of them (OR within a field, AND across fields);
          a field with no values does not filter. Values are matched exactly as the index
          spells them (``Service.canonical_filters`` maps user spellings first).
        * Order (``sort``): ``"title"``, by title compared case-insensitively (``str.lower``),
          ties by document id; or ``"date"``, newest first by ``model.document_date`` (compared
          as strings; undated documents last), ties in title order. Another value: ValueError.
        * ``offset``/``limit`` cut the page from that order (an offset past the end gives an
          empty page); any depth must work, the whole list included (``limit`` may exceed the
          number of documents).
        * Records are light, as in ``passages``: id, title, doc_type, source_path, facets and
          metadata; no text, no passages, no entities.
        * The total counts documents (not passages) passing the filters, whatever the page.
        """
        ...

    def related(self, doc_id: str, k: int) -> list[Scored]:
        """Documents nearest to this one by document vector, itself excluded.
        Scored.passage_id holds the document id here."""
        ...

    def vocabulary(self) -> Iterator[tuple[str, int]]:
        """Surface words of the index with their frequencies (spelling suggestions and
        completions): lower case, except a name the texts write with capitals ("Klinkhamer")."""
        ...

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...
