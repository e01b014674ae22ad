"""On-disk layout of the embedded index: immutable generations behind an atomic pointer.

    <index_dir>/CURRENT            name of the live generation (replaced atomically)
    <index_dir>/gen-000007/        one complete, immutable index
    <index_dir>/cache/             embedding cache (survives generations)
    <index_dir>/build.lock         held by a running build

A build writes a new generation next to the live one and only then swaps CURRENT with
os.replace, so a build that dies half-way leaves the previous index intact, and readers
never see a half-written index. Old generations are kept one step back for readers that
still have them open.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from indexer.errors import BackendUnavailable, BuildLocked

POINTER = "CURRENT"
PREFIX = "gen-"


def damaged_hint(index_dir: Path) -> str:
    """The hint of an index that cannot be read: the next build replaces it from scratch."""
    return (f"check that {index_dir} is readable; a damaged index is built again from its documents "
            f"by the next build: python -m indexer build [PATH ...] --index {index_dir}")


def current_generation(index_dir: Path) -> Path | None:
    """The live generation directory, or None when no index has been committed."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackendUnavailable(f"cannot read the index pointer in {index_dir}: {exc}",
                                 hint=damaged_hint(index_dir)) from exc
    gen = index_dir / name
    if not name.startswith(PREFIX) or not gen.is_dir():
        raise BackendUnavailable(f"the index pointer in {index_dir} names a missing generation {name!r}",
                                 hint=damaged_hint(index_dir))
    return gen


def _live_or_none(index_dir: Path) -> Path | None:
    """The live generation, or None when there is none or the pointer is damaged (a build replaces it)."""
    try:
        return current_generation(index_dir)
    except BackendUnavailable:
        return None


def pointer_stamp(index_dir: Path) -> tuple[int, int] | None:
    """Cheap change detector for readers: (inode, mtime_ns) of CURRENT."""
    try:
        st = os.stat(index_dir / POINTER)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def _generations(index_dir: Path) -> list[Path]:
    return sorted(p for p in index_dir.glob(PREFIX + "*") if p.is_dir())


def new_generation(index_dir: Path) -> Path:
    """Create an empty directory for the next generation."""
    index_dir.mkdir(parents=True, exist_ok=True)
    existing = _generations(index_dir)
    number = int(existing[-1].name[len(PREFIX) :]) + 1 if existing else 1
    gen = index_dir / f"{PREFIX}{number:06d}"
    gen.mkdir()
    return gen


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, gen: Path) -> None:
    """Make ``gen`` the live generation atomically, then prune generations older than the previous one."""
    for f in gen.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(gen)
    tmp = index_dir / (POINTER + ".tmp")
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    tidy(index_dir)


def discard(gen: Path) -> None:
    shutil.rmtree(gen, ignore_errors=True)


def remove_stale(index_dir: Path) -> None:
    """Delete generations left by builds that died (newer than the live one)."""
    live = _live_or_none(index_dir)
    for gen in _generations(index_dir):
        if live is None or gen.name > live.name:
            shutil.rmtree(gen, ignore_errors=True)


def tidy(index_dir: Path) -> None:
    """Keep the live generation and the one before it (readers may still be on it), nothing
    else: after each swap, and at the start of every build, since a build killed between its
    swap and its pruning leaves an older one that an unchanged corpus would never prune. Call
    with the build lock held."""
    live = _live_or_none(index_dir)
    if live is None:
        return
    remove_stale(index_dir)
    older = [g for g in _generations(index_dir) if g.name < live.name]
    for gen in older[:-1]:
        shutil.rmtree(gen, ignore_errors=True)


_HELD: dict[Path, int] = {}  # index dirs whose lock this process holds, with a nesting count
_HELD_LOCK = threading.Lock()


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive per index directory across processes; re-entrant within this process, so the
    build can take it up front and its writer again."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key = index_dir.resolve()
    with _HELD_LOCK:
        if _HELD.get(key):
            _HELD[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _HELD_LOCK:
                _HELD[key] -= 1
        return
    fh = open(index_dir / "build.lock", "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLocked(f"another build holds {index_dir / 'build.lock'}") from exc
        with _HELD_LOCK:
            _HELD[key] = 1
        try:
            yield
        finally:
            with _HELD_LOCK:
                _HELD.pop(key, None)
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


# numpy parses a .npy header with ast.literal_eval, and this machine's CPython 3.11.7 failed two
# concurrent parses ("AST constructor recursion depth mismatch", CPython gh-106905): a reader
# loading a new generation next to a build loading the previous one. One load at a time.
_LOAD_LOCK = threading.Lock()


def load_array(path: Path, mmap: bool = False) -> np.ndarray:
    """np.load of one .npy file (read-only mapped with ``mmap``), one load at a time."""
    with _LOAD_LOCK:
        return np.load(path, mmap_mode="r" if mmap else None)


def map_array(path: Path) -> np.ndarray:
    """A read-only array backed by the file's pages, as a plain ndarray view: numpy's memmap
    subclass costs ~15 us per slice, which was a tenth of a 100k-passage query."""
    return load_array(path, mmap=True).view(np.ndarray)
