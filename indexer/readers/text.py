"""Plain text files (often PDF-extracted): decoded, repaired, optional front matter."""
from __future__ import annotations

from pathlib import Path

from indexer.errors import ReadError
from indexer.model import Document, Section
from indexer.readers.common import DEFAULT_MAX_BYTES, make_document, read_bytes
from indexer.readers.markdown import split_front_matter
from indexer.repair import decode_bytes, normalize_chars, repair_text


class TextReader:
    extensions = (".txt",)

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        raw = decode_bytes(read_bytes(path, self.max_bytes), path)
        if not raw.strip():
            raise ReadError(path, "empty file")
        metadata, body = split_front_matter(normalize_chars(raw), path)
        references: list[str] = []
        text = repair_text(body, references)
        if not text.strip():
            raise ReadError(path, "no text content")
        if references and "kenmerk" not in metadata:
            metadata = {**metadata, "kenmerk": references[0]}  # the repair drops it from the text
        return [make_document(path, root, [Section(heading="", text=text)], metadata=metadata)]
