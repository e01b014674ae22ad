"""The reader seam: one file in, one or more Documents out."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from indexer.model import Document


class Reader(Protocol):
    extensions: tuple[str, ...]  # lower-case, with dot: (".pdf",)

    def read(self, path: Path, root: Path) -> list[Document]:
        """Read ``path`` (inside ``root``); raise indexer.errors.ReadError with a clear reason."""
        ...
