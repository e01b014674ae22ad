"""Shared reader helpers: size limits, document ids and types, metadata and titles."""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from indexer.errors import ReadError
from indexer.model import TITLE_GUESSED, Document, Section

DEFAULT_MAX_BYTES = 50 * 2**20
TITLE_MAX_CHARS = 120

# Top-level corpus folder -> doc_type ("beleid" is left to enrichment: beleidsbrief or nieuws).
FOLDER_TYPES = {
    "onderzoek": "onderzoek",
    "praktijkverhalen": "praktijkverhaal",
    "agendas": "agenda",
    "interventies": "interventie",
    "beleid": "",
}
# Metadata keys whose values are lists of strings (front matter, HTML meta, records).
LIST_KEYS = frozenset(
    {"gemeenten", "provincies", "sectoren", "themas", "doelgroep", "uitvoerders", "trefwoorden"}
)
TITLE_KEYS = ("titel", "title")


def check_size(path: Path, max_bytes: int) -> int:
    """Refuse empty and oversized files before reading a byte of them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise ReadError(path, "empty file", hint="save the document again, or leave it out of the folder")
    if size > max_bytes:
        limit = f"{format_mb(max_bytes)} MB"
        if round(size / 2**20, 1) > round(max_bytes / 2**20, 1):
            shown = f"{size / 2**20:.1f} MB"
        else:  # "1.0 MB, larger than the limit of 1 MB" hid the reason: the exact sizes
            shown, limit = f"{size:,} bytes", f"{limit} ({max_bytes:,} bytes)"
        raise ReadError(path, f"file is {shown}, larger than the limit of {limit} (set GKA_MAX_FILE_MB)")
    return size


def format_mb(n_bytes: float) -> str:
    """Megabytes with at most one decimal: 50, 0.1, 12.5."""
    return f"{n_bytes / 2**20:.1f}".removesuffix(".0")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    check_size(path, max_bytes)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot read file ({exc.strerror or exc})") from exc


def relative_id(path: Path, root: Path) -> str:
    """The path relative to the corpus root, POSIX separators (the file's document id)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def folder_doc_type(rel_path: str) -> str:
    parts = rel_path.split("/")
    return FOLDER_TYPES.get(parts[0].lower(), "") if len(parts) > 1 else ""


def normalize_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Lower-case keys, list keys as lists of strings, dates as ISO strings, jaar as int."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        key = str(key).strip().lower()
        value = to_plain(value)
        if key in LIST_KEYS:
            value = as_string_list(value)
        elif key == "jaar" and isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        out[key] = value
    return out


def as_string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value)
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def to_plain(value: Any) -> Any:
    """YAML dates and nested values into JSON-friendly types."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def metadata_title(meta: dict[str, Any]) -> str:
    for key in TITLE_KEYS:
        value = meta.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # "titel: 1984" is a title YAML reads as a number
        if isinstance(value, str) and value.strip():
            return shorten(value)
    return ""


def shorten(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


# a letter's subject line, and lines that are never a title: credits, links, addresses,
# signatures and letterhead fields
_SUBJECT = re.compile(r"^(?:betreft|onderwerp)\b\s*:?\s*(\S.{3,})$", re.IGNORECASE)
_NOT_A_TITLE = re.compile(
    r"©|\w!\w|https?://|www\.|@|^>"
    r"|^(?:de\s+)?(?:minister|staatssecretaris)\b"
    r"|^(?:datum|kenmerk|bijlagen?|retouradres|onze referentie|uw referentie|pagina)\b",
    re.IGNORECASE,
)
_FIRST_SENTENCE = re.compile(r".+?[.!?](?=\s|$)|.+")
_WHOLE_SENTENCE = re.compile(r"[.!?]\s+([A-ZÀ-Ý][^.!?]{10,}?[.!?])(?=\s|$)")


def guess_title(lines: list[str]) -> str:
    """A title guessed from a text's first lines (or paragraphs): a letter's subject ("Betreft
    ..."), else a heading-like line above the body (short, capitalised, no closing
    punctuation, not a credit, link or signature); "" when there is none."""
    lines = [line for line in (" ".join(raw.split()) for raw in lines) if line][:40]
    for line in lines:
        subject = _SUBJECT.match(line)
        if subject:
            return shorten(subject.group(1))
    for line in lines[:20]:
        if _NOT_A_TITLE.search(line):
            continue
        words = line.split()
        if len(words) >= 15 or line[0].islower() or (len(words) >= 6 and line[-1] in ".!?"):
            return ""  # the body has started: what follows is no longer the title
        if 2 <= len(words) <= 14 and (line[0].isupper() or line[0].isdigit()) and line[-1] not in ".,;:":
            return line
    return ""


def fallback_title(text: str, path: Path) -> str:
    """A guessed title (see guess_title), else the first sentence of the first non-empty line
    (shortened), else the file stem."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return path.stem
    guessed = guess_title(lines)
    if guessed:
        return guessed
    if lines[0][0].islower():
        # the text starts mid-sentence (a page cut out of a PDF): its first whole sentence
        whole = _WHOLE_SENTENCE.search(" ".join(" ".join(lines[:20]).split()))
        if whole:
            return shorten(whole.group(1))
    return shorten(_FIRST_SENTENCE.match(lines[0]).group(0))


_ONE_STOP = re.compile(r"(?<!\.)\.$")


def table_prose(rows: list[list[str]]) -> list[str]:
    """A table's body rows as sentences "Header1: cell1; Header2: cell2." so that they read (and
    are found) as text. ``rows[0]`` is the header row, empty for a table without one; empty cells
    are left out, and a header without body rows becomes one line of its names."""
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    out = []
    for row in body:
        parts = [
            f"{header[k]}: {cell}" if k < len(header) and header[k] else cell
            for k, cell in enumerate(c.rstrip(" ;") for c in row)
            if cell
        ]
        if parts:
            # a cell's own full stop would read ".;" mid-row; the row ends with one instead
            text = "; ".join([_ONE_STOP.sub("", part) for part in parts[:-1]] + parts[-1:])
            out.append(text if text[-1] in ".!?" else text + ".")
    if not out and header:  # a header without rows still says something
        out.append("; ".join(h for h in header if h) + ".")
    return [row for row in out if row != "."]


def clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip("#").strip()


def join_sections(sections: list[Section]) -> str:
    """Full text: each heading and section text as its own blank-line separated block."""
    blocks: list[str] = []
    for section in sections:
        if section.heading:
            blocks.append(section.heading)
        if section.text.strip():
            blocks.append(section.text.strip())
    return "\n\n".join(blocks)


def make_document(
    path: Path,
    root: Path,
    sections: list[Section],
    title: str = "",
    metadata: dict[str, Any] | None = None,
    doc_type: str | None = None,
) -> Document:
    """Assemble a file's Document: id from the path, type from metadata or folder, title fallback."""
    metadata = metadata or {}
    rel = relative_id(path, root)
    sections = [s for s in sections if s.heading or s.text.strip()]
    text = join_sections(sections)
    if not text.strip():
        raise ReadError(path, "no text content")
    if doc_type is None:
        declared = metadata.get("type")
        doc_type = declared.strip().lower() if isinstance(declared, str) else folder_doc_type(rel)
    title = metadata_title(metadata) or title
    if not title:
        # a guessed title is shown, but ranking and embedding do not lean on it
        title = fallback_title(text, path)
        metadata = {**metadata, "title_source": TITLE_GUESSED}
    return Document(
        id=rel,
        title=title,
        doc_type=doc_type,
        source_path=rel,
        text=text,
        sections=sections,
        metadata=metadata,
    )


def read_text(path: Path, max_bytes: int) -> str:
    """A text file's characters: size-checked, decoded (UTF-8, else cp1252), normalised; an
    empty file is an error."""
    from indexer.repair import decode_bytes, normalize_chars

    text = normalize_chars(decode_bytes(read_bytes(path, max_bytes), path))
    if not text.strip():
        raise ReadError(path, "empty file")
    return text
