"""Which files a build takes, and under which ids: file hashes, one file per document id, and
the documents of files that could not be read."""
from __future__ import annotations

import hashlib
from pathlib import Path


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
