"""The embedded backend: one directory, no server. Reads the live generation, writes new ones."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace
import sqlite3
import threading
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Collection, Iterator, Sequence

import numpy as np

from indexer.backends.embedded import layout, records, store
from indexer.backends.embedded.generation import Generation
from indexer.backends.embedded.keyword import apply_text_constraints, excluded_among, score_plan
from indexer.backends.embedded.keyword_plan import plan_query
from indexer.backends.embedded.scores import ScoreSet
from indexer.backends.embedded.vector_scoring import vector_scores, widened_top
from indexer.backends.embedded.writer import EmbeddedWriter
from indexer.errors import BackendUnavailable, ConfigError, DocumentNotFound, IndexNotFound
from indexer.model import DocumentRecord, IndexedDocument, IndexMeta, IndexStats, PageRecord, Passage, Scored
from indexer.ranking.query_syntax import ParsedQuery

Filters = dict[str, list[str]]
_new_tuple = tuple.__new__


class EmbeddedBackend:
    name = "embedded"
    layout_version = ""  # no versions: an older store lacks only files it is read without
    whole_vocabulary = True
    marks_partial = True  # keyword hits say when they match a compound query word only in part

    def __init__(self, index_dir: Path, analyzer=None, nprobe: int | None = None):
        if nprobe is not None and nprobe < 0:
            raise ConfigError(f"GKA_NPROBE must be 0 (every cluster: exact) or more, got {nprobe}")
        self.nprobe = nprobe  # None: ann.NPROBE
        self.index_dir = Path(index_dir)
        self._analyzer = analyzer
        self._lock = threading.Lock()
        self._gen: Generation | None = None
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

    def _live(self) -> Generation:
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
                new = Generation(path)
            except (OSError, ValueError, KeyError, EOFError, sqlite3.Error) as exc:
                raise BackendUnavailable(f"the index in {self.index_dir} cannot be read: {exc}",
                                         hint=layout.damaged_hint(self.index_dir)) from exc
            self._gen, self._stamp = new, stamp
            self._plan_cached.cache_clear()
            # the old generation's files stay valid for threads still using it (POSIX unlink semantics)
            return new

    def meta(self) -> IndexMeta | None:
        try:
            return self._live().meta
        except IndexNotFound:
            return None

    def recorded_meta(self) -> IndexMeta | None:
        """What built the live generation, read from its store alone: the embedder a build of a
        damaged index keeps (None when even that cannot be read)."""
        try:
            gen = layout.current_generation(self.index_dir)
            conn = store.open_readonly(gen / store.DB_NAME) if gen is not None else None
        except (BackendUnavailable, sqlite3.Error):
            return None
        try:
            return store.read_meta(conn) if conn is not None else None
        except (ValueError, sqlite3.Error):
            return None
        finally:
            if conn is not None:
                conn.close()

    def document_hashes(self) -> dict[str, str]:
        try:
            return dict(self._live().doc_hashes)
        except IndexNotFound:
            return {}

    def document_sources(self) -> dict[str, str]:
        try:
            g = self._live()
        except IndexNotFound:
            return {}
        return {doc_id: shown[2] for doc_id, shown in zip(g.doc_ids, g.doc_shown)}

    def cached_document(self, doc_id: str) -> IndexedDocument | None:
        return None  # incremental writes carry unchanged documents over inside the writer

    @contextmanager
    def build_guard(self):
        """Held for a whole build, so a second build is refused before it reads anything; it
        first clears what builds that died left behind."""
        with layout.build_lock(self.index_dir):
            layout.tidy(self.index_dir)
            yield

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

    def _keyword_scores(self, g: Generation, query: ParsedQuery) -> ScoreSet:
        """The passages matching the query with their keyword scores (cached per generation)."""
        return g.keyword_cache.get(query, lambda: self._compute_keyword_scores(g, query))

    def _compute_keyword_scores(self, g: Generation, query: ParsedQuery) -> ScoreSet:
        plan = self._plan_cached(query)
        found = score_plan(plan, g.body, g.title)
        excluded = excluded_among(plan, g.body, g.title, found.idx)
        if excluded is not None:
            found = found.subset(~excluded)
        # quoted phrases are checked on the passages' texts (the index keeps no word positions)
        texts = records.match_texts(g, found.idx) if plan.phrases or plan.excluded_phrases or plan.or_phrases else None
        found = apply_text_constraints(plan, found, g.body, g.title, texts)
        # the passages a search counts, read once per query (totals and facets)
        return found if found.partial is None or found.whole_idx is not None else replace(found, whole_idx=found.whole())

    def keyword_search(self, query: ParsedQuery, filters: Filters, k: int) -> list[Scored]:
        g = self._live()
        if query.is_empty:
            return []
        # a keyword score set holds matches only (BM25 weights and query weights are > 0)
        return self._top(g, self._keyword_scores(g, query), filters, k)

    def vector_search(self, vector: np.ndarray, filters: Filters, k: int,
                      min_score: float | None = None) -> list[Scored]:
        g = self._live()
        if len(g.passage_ids) == 0:
            return []
        top = self._top(g, vector_scores(g, vector, self.nprobe), filters, k)
        if min_score is not None:
            # the floor comes from the unfiltered search over the same scores, which probed every
            # passage that reaches it: no wider probe can add one
            return [s for s in top if s.score >= min_score]
        if g.ivf is None or len(top) >= min(k, len(g.passage_ids)):
            return top
        return widened_top(g, vector, filters, k, top, self.nprobe, self._top)

    def _top(self, g: Generation, scores: ScoreSet, filters: Filters, k: int) -> list[Scored]:
        idx, sc = scores.top(k, g.facets.passage_mask(filters))
        ids = map(g.passage_ids.__getitem__, idx.tolist())  # tolist: Python ints and floats
        partial = repeat(False) if scores.partial is None else scores.partial[idx].tolist()
        # Scored(...) runs the named tuple's Python __new__ per entry: 24 -> 9 us for 50
        return list(map(_new_tuple, repeat(Scored), zip(ids, sc.tolist(), partial)))

    def facet_counts(self, query: ParsedQuery | None, passage_ids: Sequence[str] | None, filters: Filters):
        g = self._live()
        has_query = query is not None and not query.is_empty
        if not has_query and passage_ids is None:
            return g.facets.counts(None, filters)
        # docs_of gives a fresh mask: the query's matches' documents, then the named passages' added
        docs = g.facets.docs_of(self._keyword_scores(g, query).whole() if has_query else np.zeros(0, dtype=np.int64))
        if passage_ids is not None and len(passage_ids):  # keyword mode: few or none (the pool's partial matches)
            docs |= g.facets.docs_of(np.array(sorted(records.row_indexes(g, passage_ids)), dtype=np.int64))
        return g.facets.counts(docs, filters)

    def result_count(self, query: ParsedQuery | None, passage_ids: Sequence[str], filters: Filters,
                     by_document: bool = True) -> int:
        g = self._live()
        selected = np.zeros(len(g.passage_ids), dtype=bool)
        if query is not None and not query.is_empty:
            selected[self._keyword_scores(g, query).whole()] = True  # cached by the search just run
            mask = g.facets.passage_mask(filters)
            if mask is not None:
                selected &= mask
        selected[records.row_indexes(g, passage_ids)] = True
        if not by_document:
            return int(np.count_nonzero(selected))
        return int(np.count_nonzero(g.facets.docs_of(np.flatnonzero(selected))))

    # -- records ----------------------------------------------------------------------------

    def passage_counts(self, doc_ids: Sequence[str]) -> dict[str, int]:
        return self._live().passage_counts(doc_ids)

    def passage_meta(self, passage_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, list[str]]]]:
        """Enough to boost, collapse and page a ranking before reading any record from disk."""
        return self._live().passage_meta(passage_ids)

    def window_similarities(self, passage_ids: Sequence[str], vector: np.ndarray) -> dict[str, np.ndarray]:
        """The semantic evidence of snippets."""
        return self._live().window_similarities(passage_ids, vector)

    def snippet_layouts(self, passage_ids: Sequence[str], terms: Collection[str]) -> list | None:
        """Each passage's sentence starts, the positions of its tokens that hit ``terms`` and
        their terms among them, as the build stored them (snippet_tokens.py); None where the
        index has no such data, or was analysed with another analyzer than this search's."""
        g = self._live()
        rows = [g.passage_index.get(p) for p in passage_ids]
        if g.snippet_tokens is None or g.meta.analyzer_version != self.analyzer.version or None in rows:
            return None
        return g.snippet_tokens.layouts(rows, terms)

    def passages(self, passage_ids: Sequence[str]) -> list[tuple[Passage, DocumentRecord]]:
        return records.read_passages(self._live(), passage_ids)

    def page_records(self, passage_ids: Sequence[str]) -> dict[str, PageRecord]:
        return records.page_records(self._live(), passage_ids)

    def get_document(self, doc_id: str) -> DocumentRecord:
        return records.read_document(self._live(), doc_id)

    def documents(self, filters: Filters, offset: int, limit: int, sort: str = "title") -> tuple[list[DocumentRecord], int]:
        return records.list_documents(self._live(), filters, offset, limit, sort)

    def related(self, doc_id: str, k: int) -> list[Scored]:
        g = self._live()
        if doc_id not in g.doc_index:
            raise DocumentNotFound(f"no document {doc_id!r}")
        return g.related(doc_id, k)

    def vocabulary(self) -> Iterator[tuple[str, int]]:
        g = self._live()
        try:  # read lazily, by the first search: a damaged file is a damaged index, not a disk problem
            words = json.loads((g.path / "surface_words.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(f"the index in {self.index_dir} cannot be read: {exc}",
                                     hint=layout.damaged_hint(self.index_dir)) from exc
        return iter(words.items())

    def term_dfs(self, terms: Sequence[str]) -> dict[str, int]:
        body = self._live().body
        return {term: body.df(term) for term in terms}

    def stats(self) -> IndexStats:
        g = self._live()
        try:
            size = sum(f.stat().st_size for f in g.path.iterdir() if f.is_file())
        except OSError as exc:  # the live generation's folder went away under a running app
            raise BackendUnavailable(f"the index in {self.index_dir} cannot be read: {exc}",
                                     hint=layout.damaged_hint(self.index_dir)) from exc
        return IndexStats(
            documents=len(g.doc_ids),
            passages=len(g.passage_ids),
            by_facet=g.facets.counts(None, {}),
            meta=g.meta,
            size_bytes=size,
            location=str(g.path),
        )
