"""Writing to Elasticsearch: bulk actions from IndexedDocuments and the Writer of a build.

Every build writes to a new physical index ``<alias>-v<version>-<UTC timestamp>`` while readers
keep using the alias: a full build creates it empty, an incremental build clones the live index
into it (es_clone) and deletes the changed/removed documents' ES docs (``delete_by_query`` on
``doc_id``) before indexing their new versions. ``commit`` refreshes it and moves the alias in ONE
``POST _aliases`` call (``add`` the new index, ``remove_index`` the old one: deleting the old index
drops its alias in the same cluster-state update); ``abort``, or a failure in ``commit`` before that
call, deletes the new index. The live index is never written to.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

import numpy as np

from indexer.backends import es_queries as q
from indexer.backends.es_client import translated_errors
from indexer.backends.es_clone import clone_index
from indexer.backends.es_index import physical_index_name
from indexer.backends.es_results import entity_to_dict
from indexer.backends.es_windows import RANK_WINDOWS, rank_windows
from indexer.embeddings.base import document_vector
from indexer.errors import GkaError
from indexer.model import FACET_FIELDS, IndexedDocument

log = logging.getLogger(__name__)

FLUSH_ACTIONS = 1000
BULK_CHUNK = 500
BULK_RETRIES = 3
BULK_BACKOFF = 1.0
# document ids per delete_by_query: a terms query takes at most index.max_terms_count (65,536 by
# default) terms, and an incremental build that changed more documents was refused whole
DELETE_CHUNK = 10_000


def _vector(values: Any) -> list[float] | None:
    """A JSON-ready vector, or None for missing/zero vectors (cosine rejects zero magnitude)."""
    if values is None:
        return None
    arr = np.asarray(values, dtype=np.float32).ravel()
    if arr.size == 0 or not np.any(arr):
        return None
    return [float(x) for x in arr]


def _facet_fields(doc: IndexedDocument) -> dict[str, list[str]]:
    return {f: [str(v) for v in doc.facets.get(f, [])] for f in FACET_FIELDS if doc.facets.get(f)}


def _windows_by_passage(doc: IndexedDocument) -> dict[int, np.ndarray]:
    """passage ordinal in the document -> its sentence-window vectors, one a row, in order."""
    if doc.window_vectors is None or not len(doc.window_owner):
        return {}
    owners = np.asarray(doc.window_owner, dtype=np.int64)
    vectors = np.asarray(doc.window_vectors, dtype=np.float32)
    return {int(n): vectors[owners == n] for n in np.unique(owners)}


def _separable_verbs(passage) -> str:
    """The passage's verbs whose particle stands apart, joined ("richt ... in" -> "inrichten"),
    which the embedded backend indexes too (analyzer.index_terms): Elasticsearch's analysis sees
    one word at a time."""
    from indexer.analysis import get_analyzer

    return " ".join(dict.fromkeys(get_analyzer().separable_verbs(passage.indexed_text).values()))


def document_actions(doc: IndexedDocument, index: str) -> Iterator[dict[str, Any]]:
    """Bulk ``index`` actions: one per passage (kind=passage) and one for the document."""
    facets = _facet_fields(doc)
    vectors = doc.vectors if doc.vectors is not None else [None] * len(doc.passages)
    windows = _windows_by_passage(doc)
    for n, (passage, vec) in enumerate(zip(doc.passages, vectors)):
        source: dict[str, Any] = {
            "kind": q.PASSAGE,
            "doc_id": doc.id,
            "passage_id": passage.id,
            "passage_hash": passage.hash,
            "ordinal": passage.ordinal,
            "doc_type": doc.doc_type,
            "title": doc.ranked_title,  # searched; hits show the document's own title
            "heading": passage.heading,
            "text": passage.text,
            "source_path": doc.source_path,
            **facets,
        }
        verbs = _separable_verbs(passage)
        if verbs:
            source["body"] = verbs  # with what copy_to adds: heading and text
        vector = _vector(vec)
        if vector is not None:
            source["vector"] = vector
        if n in windows:  # flat, window after window: for snippets
            source["window_vectors"] = [float(x) for x in windows[n].ravel()]
        nested = rank_windows(vector, windows.get(n, ()))
        if nested:
            source[RANK_WINDOWS] = nested  # searched, not stored (es_windows)
        yield {"_op_type": "index", "_index": index, "_id": passage.id, "_source": source}
    source = {
        "kind": q.DOCUMENT,
        "doc_id": doc.id,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "text": doc.text,
        "source_path": doc.source_path,
        "content_hash": doc.content_hash,
        "metadata": doc.metadata,
        "entities": [entity_to_dict(e) for e in doc.entities],
        **facets,
    }
    # the build sets no doc_vector: without the passages' mean no document had one for related()
    vector = _vector(document_vector(doc.doc_vector, doc.vectors))
    if vector is not None:
        source["vector"] = vector
    yield {"_op_type": "index", "_index": index, "_id": q.document_es_id(doc.id), "_source": source}


def alias_swap_actions(alias: str, new_index: str, old_indices: Iterable[str]) -> list[dict[str, Any]]:
    """The actions of the single ``POST _aliases`` that publishes ``new_index``."""
    actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
    actions += [{"remove_index": {"index": old}} for old in old_indices if old != new_index]
    return actions


class ElasticsearchWriter:
    """A build in progress (see module docstring). ``errors`` lists per-document failures
    (``"<doc id>: <type>: <reason>"``); they do not stop the build."""

    def __init__(self, client: Any, url: str, alias: str, index: str, full: bool,
                 old_indices: list[str], meta_body: dict[str, Any] | None = None):
        self._client = client
        self._url = url
        self.alias = alias
        self.index = index
        self.full = full
        self._old = list(old_indices)
        self._meta_body = meta_body
        self._pending: dict[str, IndexedDocument] = {}
        self._deleted: set[str] = set()
        # ids upserted in this build: a second one would be flushed after the first, and its
        # delete_by_query could miss the first's passages (not yet searchable), as the embedded writer refuses it
        self._touched: set[str] = set()
        self._buffered_actions = 0
        self._done = False
        self.errors: list[str] = []

    # -- Writer protocol
    def upsert(self, doc: IndexedDocument) -> None:
        self._check_open()
        if doc.id in self._touched:
            raise GkaError(f"duplicate document id {doc.id!r} ({doc.source_path})")
        self._touched.add(doc.id)
        self._pending[doc.id] = doc
        self._buffered_actions += len(doc.passages) + 1
        if self._buffered_actions >= FLUSH_ACTIONS:
            self._flush()

    def delete(self, doc_id: str) -> None:
        self._check_open()
        self._pending.pop(doc_id, None)
        self._deleted.add(doc_id)

    def commit(self) -> None:
        self._check_open()
        try:
            self._flush()
            if self._meta_body is not None:  # a clone still has the live index's meta
                with translated_errors(self._url, f"update _meta of {self.index}"):
                    self._client.indices.put_mapping(index=self.index, meta=self._meta_body)
            with translated_errors(self._url, f"refresh {self.index}"):
                self._client.indices.refresh(index=self.index)
        except BaseException:
            # the build calls abort() only for a failure before commit: the new index, never
            # published, would stay on the cluster (no later build removes it). Not after the
            # alias call: a timed-out swap may have published it.
            self.discard()
            raise
        actions = alias_swap_actions(self.alias, self.index, self._old)
        with translated_errors(self._url, f"move alias {self.alias} to {self.index}"):
            self._client.indices.update_aliases(actions=actions)
        self._done = True
        if self.errors:
            log.warning("%d document(s) could not be indexed into %s", len(self.errors), self.index)

    def abort(self) -> None:
        if self._done:
            return
        self._pending.clear()
        self._deleted.clear()
        self._done = True
        with translated_errors(self._url, f"delete {self.index}"):
            self._client.indices.delete(index=self.index, ignore_unavailable=True)

    def discard(self) -> None:
        """abort(), best effort: its own failure (the cluster went away) must not hide the first."""
        try:
            self.abort()
        except Exception as exc:  # noqa: BLE001 - reported, the original error follows
            log.warning("could not delete the unfinished index %s: %s", self.index, exc)

    # -- internals
    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError("this writer was already committed or aborted")

    def _flush(self) -> None:
        stale = set(self._deleted)
        if not self.full:
            stale |= set(self._pending)
        ordered = sorted(stale)
        for start in range(0, len(ordered), DELETE_CHUNK):
            with translated_errors(self._url, f"delete changed documents from {self.index}"):
                self._client.delete_by_query(
                    index=self.index,
                    query={"terms": {"doc_id": ordered[start:start + DELETE_CHUNK]}},
                    conflicts="proceed",
                    refresh=True,
                )
        docs = list(self._pending.values())
        self._pending.clear()
        self._deleted.clear()
        self._buffered_actions = 0
        if docs:
            self._bulk(docs)

    def _bulk(self, docs: list[IndexedDocument]) -> None:
        from elasticsearch import helpers  # lazy: the backend checked the import already

        owner: dict[str, str] = {}

        def actions() -> Iterator[dict[str, Any]]:
            for doc in docs:
                for action in document_actions(doc, self.index):
                    owner[action["_id"]] = doc.id
                    yield action

        with translated_errors(self._url, f"bulk index into {self.index}"):
            for ok, item in helpers.streaming_bulk(
                self._client, actions(), chunk_size=BULK_CHUNK, max_retries=BULK_RETRIES,
                initial_backoff=BULK_BACKOFF, raise_on_error=False,
            ):
                if not ok:
                    self.errors.append(_bulk_error(item, owner))


def cloned_writer(client: Any, url: str, alias: str, live: str, old_indices: list[str],
                  meta_body: dict[str, Any]) -> ElasticsearchWriter:
    """The writer of an incremental build, on a clone of ``live``. A failed clone is deleted by
    the writer's own abort, as after a failed commit (it may exist: a timed-out request)."""
    writer = ElasticsearchWriter(client, url, alias, physical_index_name(alias), False, old_indices, meta_body)
    try:
        clone_index(client, url, live, writer.index)
    except BaseException:
        writer.discard()
        raise
    return writer


def _bulk_error(item: dict[str, Any], owner: dict[str, str]) -> str:
    info = next(iter(item.values()), {}) if item else {}
    es_id = str(info.get("_id", "?"))
    error = info.get("error", {})
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip(": ")
    else:
        reason = str(error)
    return f"{owner.get(es_id, es_id)}: {reason} (status {info.get('status', '?')})"
