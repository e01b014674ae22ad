"""PDF files via pypdf: text of all pages, repaired into paragraphs."""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path

from indexer.errors import ReadError
from indexer.model import TITLE_GUESSED, Document, Section
from indexer.readers.common import DEFAULT_MAX_BYTES, guess_title, make_document, read_bytes, shorten
from indexer.readers.properties import property_metadata
from indexer.repair import normalize_chars, repair_text

# Producer-made titles that are not the document's title.
_JUNK_TITLE = re.compile(r"^(untitled|naamloos|microsoft word\b|document\d*$|.*\.(docx?|pdf|indd)$)", re.I)
# Running headers/footers: lines looked at on each end of a page, and their longest length.
_EDGE_LINES = 2
_RUNNING_MAX_CHARS = 160


class PdfReader:
    extensions = (".pdf",)

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        data = read_bytes(path, self.max_bytes)
        if b"%PDF-" not in data[:1024] or b"%%EOF" not in data[-2048:]:
            raise ReadError(path, "corrupt or truncated PDF")
        reader = _open(data, path)
        pages = strip_running_lines(_page_texts(reader, path))
        raw = "\n".join(pages)
        text = repair_text(raw)
        if not text.strip():
            raise ReadError(path, "PDF has no extractable text (scanned?)")
        info = _info(reader)
        title, metadata = _metadata_title(info), property_metadata(info.get("/Keywords"), info.get("/Subject"))
        if not title:
            # guessed from the page lines (repairing joins a title line into its paragraph):
            # shown, but marked so that ranking and embedding do not lean on it
            title = guess_title(normalize_chars(raw).split("\n"))
            if title:
                metadata["title_source"] = TITLE_GUESSED
        return [make_document(path, root, [Section(heading="", text=text)], title=title, metadata=metadata)]


def _open(data: bytes, path: Path):
    from pypdf import PdfReader as _PypdfReader
    from pypdf.errors import DependencyError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are reported by us, once
    try:
        reader = _PypdfReader(io.BytesIO(data), strict=False)
    except DependencyError:
        raise ReadError(path, "encrypted PDF", hint="the cryptography package is needed") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise ReadError(path, "corrupt or truncated PDF") from None
    if reader.is_encrypted:
        try:
            # Owner-password-only PDFs (copy/print restrictions) open with an empty user password.
            opened = reader.decrypt("")
        except (DependencyError, PdfReadError, NotImplementedError, ValueError):
            opened = 0
        if not opened:
            raise ReadError(path, "encrypted PDF", hint="save an unprotected copy of the file")
    return reader


def _page_texts(reader, path: Path) -> list[str]:
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except RecursionError:
        raise ReadError(path, "corrupt or truncated PDF") from None
    except Exception as exc:  # pypdf raises many types on damaged content streams
        if type(exc).__module__.startswith(("pypdf", "zlib", "struct", "builtins")):
            raise ReadError(path, "corrupt or truncated PDF") from None
        raise


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running headers and footers: a short line that recurs among the first or last lines
    of most pages. Page-aware because repair_text's furniture rule (short lines seen 3+ times)
    misses long headers such as "Organisation | <document title>" and two-page documents."""
    if len(pages) < 2:
        return pages
    page_lines = [page.split("\n") for page in pages]
    edges = [_edge_keys(lines) for lines in page_lines]
    counts = Counter(key for edge in edges for key in set(edge.values()))
    running = {key for key, n in counts.items() if n >= 2 and 2 * n > len(pages)}
    if not running:
        return pages
    return [
        "\n".join(line for i, line in enumerate(lines) if edge.get(i) not in running)
        for lines, edge in zip(page_lines, edges)
    ]


def _edge_keys(lines: list[str]) -> dict[int, str]:
    """{line index: line with digits masked} for a page's first and last lines; masking digits
    lets "Pagina 2 van 9" or "7 | Jaarverslag" match across pages."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    keys: dict[int, str] = {}
    for i in filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]:
        text = " ".join(normalize_chars(lines[i]).split())
        if len(text) <= _RUNNING_MAX_CHARS and any(ch.isalpha() for ch in text):
            keys[i] = re.sub(r"\d+", "#", text)
    return keys


def _info(reader) -> dict:
    """The document information dictionary (title, keywords, subject), read once."""
    out: dict = {}
    try:
        info = reader.metadata or {}
    except Exception:  # a damaged info dictionary should not cost us the text
        return out
    for key in ("/Title", "/Keywords", "/Subject"):
        try:
            out[key] = info.get(key)
        except Exception:  # nor one damaged entry the others
            pass
    return out


def _metadata_title(info: dict) -> str:
    title = " ".join(str(info.get("/Title") or "").split())
    return "" if not title or _JUNK_TITLE.match(title) else shorten(title)
