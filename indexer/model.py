"""The project's own data types: what flows from readers to backends and from backends to users.

Engine payloads (SQLite rows, Elasticsearch JSON) never travel past a backend; these do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# metadata["title_source"] of a title a reader guessed from the text
TITLE_GUESSED = "afgeleid"

# Facet fields, in display order. Keys of Document.metadata / DocumentRecord.facets.
FACET_FIELDS: tuple[str, ...] = (
    "type",  # onderzoek, praktijkverhaal, agenda, interventie, beleidsbrief, nieuws
    "thema",
    "sector",
    "gemeente",
    "provincie",
    "jaar",
    "bewijskracht",
)

DOC_TYPES: tuple[str, ...] = (
    "onderzoek",
    "praktijkverhaal",
    "agenda",
    "interventie",
    "beleidsbrief",
    "nieuws",
)

MODES: tuple[str, ...] = ("hybrid", "keyword", "semantic")


@dataclass
class Section:
    """A stretch of a document's text under one heading (heading may be empty)."""

    heading: str
    text: str


@dataclass
class Document:
    """What every reader returns: one source document, before analysis.

    ``sections`` keeps the document's own structure (headings) when the format has it;
    ``text`` is always the full repaired text (sections joined by blank lines).
    ``metadata`` holds front matter / record fields as read (strings, lists, numbers).
    """

    id: str
    title: str
    doc_type: str  # one of DOC_TYPES, or "" when the reader cannot tell (enrichment infers it)
    source_path: str  # relative to the corpus root, POSIX separators
    text: str
    sections: list[Section] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entity:
    label: str  # GEMEENTE, PROVINCIE, SECTOR, ORGANISATIE, PERSOON
    text: str  # as written in the document
    value: str  # normalised (e.g. "Den Haag", "vmbo", "OCW")
    start: int = -1  # character offsets in the analysed text, -1 when unknown
    end: int = -1


@dataclass
class Analysis:
    """Output of the spaCy pipeline for one document."""

    sentences: list[tuple[int, int]]  # character spans of sentences in the analysed text
    lemmas: list[str]
    entities: list[Entity]
    pipeline: str  # e.g. "nl_core_news_sm 3.8.0" or "blank:nl+lookups"


@dataclass
class Passage:
    """A retrieval unit: sentence-aligned stretch of one document."""

    id: str  # stable: f"{doc_id}#{ordinal}-{hash8}"
    doc_id: str
    ordinal: int
    heading: str
    text: str
    hash: str  # sha1 of heading + text (embedding cache key together with embedder name)

    @property
    def indexed_text(self) -> str:
        """What the keyword side indexes of the passage: its heading and its text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


@dataclass
class IndexedDocument:
    """A document ready for a backend: metadata enriched, passages cut, vectors attached."""

    id: str
    title: str
    doc_type: str
    source_path: str
    text: str
    content_hash: str
    facets: dict[str, list[str]]  # facet field -> values (see FACET_FIELDS)
    metadata: dict[str, Any]  # everything else worth showing (samenvatting, doelgroep, datum...)
    entities: list[Entity]
    passages: list[Passage]
    vectors: Any = None  # numpy float32 array (len(passages), dim), L2-normalised
    doc_vector: Any = None  # numpy float32 (dim,), normalised mean of passage vectors
    # sentence windows (~35 words) of each passage, embedded separately: a short answer inside a
    # long passage is found by its own vector (window_owner[i] = ordinal of the window's passage)
    window_vectors: Any = None  # numpy float32 (n_windows, dim) or None
    window_owner: list[int] = field(default_factory=list)

    @property
    def ranked_title(self) -> str:
        """The title that ranking and embedding may lean on: none when it was guessed from the
        text (a first line or signature is no evidence of what the document is about)."""
        return "" if self.metadata.get("title_source") == TITLE_GUESSED else self.title


@dataclass
class IndexMeta:
    """Recorded in the index so a saved index says what built it."""

    backend: str
    embedder: str
    dim: int
    pipeline: str
    analyzer_version: str
    mapping_version: str = ""
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model_files(self) -> str:
        """The digest of the query model's files, for a model read from files ('' otherwise,
        and for an index from before it was recorded)."""
        return str((self.extra or {}).get("model", ""))


# ---- search side -------------------------------------------------------------------------


class Scored(NamedTuple):
    """One entry of a single retriever's ranking (a named tuple: a search makes hundreds, and
    a frozen dataclass took twice as long to make)."""

    passage_id: str
    score: float
    # a keyword match only through some parts of a compound query word ("school" for
    # "schooladvies"): it ranks, but counts in the result set only within the fused pool
    partial: bool = False


def document_date(doc) -> str:
    """A document's date for sorting and display: its datum (YYYY-MM-DD), else its year, else ""."""
    return str(doc.metadata.get("datum") or (doc.facets.get("jaar") or [""])[0])


class PageRecord(NamedTuple):
    """What a result list shows of one passage and its document (Backend.page_records)."""

    doc_id: str
    title: str
    doc_type: str
    heading: str
    text: str
    facets: dict[str, list[str]]
    source_path: str
    date: str  # document_date


@dataclass
class Hit:
    doc_id: str
    passage_id: str
    title: str
    doc_type: str
    heading: str
    text: str  # full passage text
    snippet: str  # HTML-safe, query terms wrapped in <mark>
    score: float | None  # fused score; None when nothing was ranked (filters alone)
    keyword_rank: int | None = None
    keyword_score: float | None = None
    semantic_rank: int | None = None
    semantic_score: float | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)
    source_path: str = ""
    date: str = ""  # datum (YYYY-MM-DD) or year, for sorting and display
    more_passages: list[str] = field(default_factory=list)  # other matching passage ids of this doc
    boosted_by: dict[str, list[str]] = field(default_factory=dict)  # values named in the query it carries


@dataclass
class SearchRequest:
    query: str
    mode: str = "hybrid"
    k: int = 10
    page: int = 1
    filters: dict[str, list[str]] = field(default_factory=dict)
    collapse: bool = False  # one best passage per document
    sort: str = "relevance"  # or "date"
    doc_id: str | None = None  # restrict to one document ("more passages of this document")
    exact: bool = False  # search the words as typed, with no typo corrected first


@dataclass
class SearchResponse:
    request: SearchRequest
    total: int  # number of results (documents when collapsed, else passages)
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None  # "Bedoelde u ..."
    corrected: str | None = None  # the query searched instead, its typos corrected ("Resultaten voor ...")
    detected: dict[str, list[str]] = field(default_factory=dict)  # filters recognised in the query
    took_ms: float = 0.0
    # whether any result holds the query's words (or their variants); None: not looked (semantic)
    word_matches: bool | None = None
    # query words no passage holds, found only through their compound parts ("zomerschool")
    partial_words: list[str] = field(default_factory=list)
    # query words no passage holds in any form ("nieuwkomers"): the results answer the rest
    missing_words: list[str] = field(default_factory=list)


@dataclass
class DocumentRecord:
    """A stored document as the app shows it."""

    id: str
    title: str
    doc_type: str
    source_path: str
    text: str
    facets: dict[str, list[str]]
    metadata: dict[str, Any]
    entities: list[Entity]
    passages: list[Passage]


@dataclass
class IndexStats:
    documents: int
    passages: int
    by_facet: dict[str, dict[str, int]]
    meta: IndexMeta
    size_bytes: int
    location: str
