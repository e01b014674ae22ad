"""Which files a build takes, and under which ids: file hashes, one file per document id, the
documents of files that could not be read, and which removals an update may make."""
from __future__ import annotations

import hashlib
from pathlib import Path

from indexer.errors import GkaError


def file_hash(path: Path, rel: str, salt: str) -> tuple[str, str]:
    """(the file's build hash: salt, path and content; its content's hash alone)."""
    h = hashlib.sha1(salt.encode("utf-8"))
    h.update(rel.encode("utf-8"))
    content = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            content.update(chunk)
    return h.hexdigest(), content.hexdigest()


def note_twin(first_with: dict[str, str], content: str, path: Path, warnings: list[str]) -> None:
    """Warn of a file with the content of one indexed before it (a copy may be meant, but it
    shows twice); only files that are indexed count, so two empty files that fail are no pair."""
    twin = first_with.setdefault(content, str(path))
    if twin != str(path):
        warnings.append(f"{path}: the same content as {twin}; both are indexed, so it shows twice")


def unclaimed(docs: list, path: str, claimed: dict[str, str], errors: list[str]) -> list:
    """The documents of file ``path`` whose ids no earlier file of this build gave: the first
    file (in path order) keeps an id, on every build, and the other is reported each time."""
    out = []
    for doc in docs:
        first = claimed.setdefault(doc.id, path)
        if first == path:
            out.append(doc)
        else:
            errors.append(f"{path}: its document id {doc.id!r} is already that of {first}, which is kept "
                          "(hint: give one of them another file name, folder or id)")
    return out


def was_unread(doc_id: str, unread: set[str]) -> bool:
    """The document came from a file or folder this build could not read."""
    return doc_id in unread or any(p.endswith("/") and doc_id.startswith(p) for p in unread)


def refuse_a_partial_build(found: int, n: int, removed: list, only_files: bool, found_what: str = "document") -> None:
    """An update is no replacement: refused when it would remove every one of the index's ``n``
    documents (an empty folder, a wrong one, a subfolder of the corpus: ids are relative to what
    is given) or any document while only files were given (one file instead of the corpus folder)."""
    if not removed or (len(removed) < n and not only_files):
        return
    what = (f"and the index's {n} document{'s' if n != 1 else ''} would all be removed" if len(removed) == n
            else f"and {len(removed)} of the index's {n} documents would be removed")
    raise GkaError(f"{found} {found_what}{'s' if found != 1 else ''} found in the given "
                   f"{'files' if only_files else 'paths'}, {what}",
                   hint="give the folder the index was built from; an existing index is left "
                        "unchanged (to replace it on purpose: add --rebuild)")


def given_path(path: Path, root: Path) -> str:
    """A file's path as given, relative to its root (salted into its hash; its id when no link
    on the way resolves elsewhere)."""
    return path.relative_to(root).as_posix() if path != root else path.name


def refuse_a_sure_removal(files, live_docs: dict, sources: "OldSources", unread: set[str], only_files: bool) -> None:
    """``refuse_a_partial_build`` before any file is read or embedded, where the outcome is
    sure: with no record file given (a record keeps its id in another file) and no symbolic link
    on a file's way (its id is the resolved path, while a document is also kept by the hash of
    its file under the given path: a link repointed to renamed content keeps it), a document
    can only come again from the file its id names, so one whose file is not given is removed."""
    from indexer.readers.common import relative_id
    from indexer.readers.records import RecordReader

    if not live_docs or any(path.suffix.lower() in RecordReader.extensions for path, _ in files):
        return
    ids = [(relative_id(path, root), given_path(path, root)) for path, root in files]
    if any(doc_id != rel for doc_id, rel in ids):
        return
    given = {doc_id for doc_id, _ in ids}
    gone = [d for d in live_docs if d not in given and not (unread and was_unread(sources.of(d), unread))]
    refuse_a_partial_build(len(files), len(live_docs), gone, only_files, found_what="file")


class OldSources:
    """The live index's documents by the file they came from, read once and only when a file
    fails (a record file's documents have ids of their own, not the file's path)."""

    def __init__(self, backend, has_documents: bool):
        self._backend, self._has = backend, has_documents
        self._by_doc: dict[str, str] | None = None
        self._files: frozenset[str] = frozenset()

    def _load(self) -> dict[str, str]:
        if self._by_doc is None:
            self._by_doc = self._backend.document_sources() if self._has else {}
            self._files = frozenset(self._by_doc.values())
        return self._by_doc

    def of(self, doc_id: str) -> str:
        return self._load().get(doc_id, doc_id)

    def keep(self, rel: str, unread: set[str]) -> str:
        """A file that fails now but gave documents before keeps them, as an unreadable one
        does (a typo in its front matter must not take it out of search): the note to add."""
        self._load()
        if rel not in self._files:
            return ""
        unread.add(rel)
        return "; its previous version is kept"


class FileWarnings:
    """Each file's warnings (a type or theme the index cannot use), kept in the index's meta by
    file hash: an unchanged file is not read again, and a nightly build's log fell silent about a
    typo that was still there, while errors and twins are repeated on every build."""

    KEY = "warnings"

    def __init__(self, old_meta, full: bool):
        extra = {} if full or old_meta is None else (old_meta.extra or {})
        self._old: dict[str, list[str]] = dict(extra.get(self.KEY) or {})
        self.now: dict[str, list[str]] = {}

    def repeat(self, digest: str) -> list[str]:
        """The warnings of an unchanged file, as its last reading gave them."""
        notes = self._old.get(digest, [])
        self.keep(digest, notes)
        return notes

    def keep(self, digest: str, notes: list[str]) -> None:
        if notes:
            self.now[digest] = list(notes)

    def store(self, meta, kept: set[str] = frozenset()) -> None:
        """Into ``meta``: this build's warnings, and the old ones of the versions it kept (``kept``:
        their digests) though it could not read their files again."""
        for digest, notes in self._old.items():
            if digest in kept:
                self.now.setdefault(digest, notes)
        if self.now:
            meta.extra[self.KEY] = self.now
