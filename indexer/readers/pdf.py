"""PDF files via pypdf: text of all pages, repaired into paragraphs, split into sections at
headings that the font evidence shows (see pdf_layout); tables found from the runs' places (see
pdf_tables) read as one sentence per row, as Markdown tables do."""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from itertools import accumulate
from pathlib import Path

from indexer.errors import ReadError
from indexer.model import TITLE_GUESSED, Document, Section
from indexer.readers.common import (
    DEFAULT_MAX_BYTES,
    clean_heading,
    guess_title,
    make_document,
    read_bytes,
    shorten,
    table_prose,
)
from indexer.readers.pdf_layout import Line, find_headings, page_lines
from indexer.readers.pdf_tables import find_tables
from indexer.readers.properties import property_metadata
from indexer.repair import build_paragraphs, drop_furniture, drop_reference_blocks, normalize_chars, repair_text

# Producer-made titles that are not the document's title.
_JUNK_TITLE = re.compile(r"^(untitled|naamloos|microsoft word\b|document\d*$|.*\.(docx?|pdf|indd)$)", re.I)
# Running headers/footers: lines looked at on each end of a page, and their longest length.
_EDGE_LINES = 2
_RUNNING_MAX_CHARS = 160
# Marks a heading line while the lines go through repair: a Unicode noncharacter, neither
# whitespace nor a word character, so repair keeps it at the line's start and can join the line to
# its neighbours only with a space.
_HEADING_MARK = "\uffff"
# Starts a table's line and separates its row sentences: one line amid blank ones, so repair
# keeps the table a paragraph of its own and joins no rows; afterwards each row is a line.
_ROW_MARK = "\ufffe"
_TABLE_GAP = [""] * 3  # more blank lines than repair joins a hyphenated word across
_DAMAGED_PDF = "open it in a PDF viewer: a file that opens can be saved again (print to PDF); else get it again"


class PdfReader:
    extensions = (".pdf",)

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        data = read_bytes(path, self.max_bytes)
        if b"%PDF-" not in data[:1024] or b"%%EOF" not in data[-2048:]:
            raise ReadError(path, "corrupt or truncated PDF", hint=_DAMAGED_PDF)
        reader = _open(data, path)
        pages = _page_lines(reader, path)
        keep = _running_keep([[line.text for line in page] for page in pages])
        tables = find_tables(pages, keep)
        if keep:
            pages, tables = _drop_running(pages, keep, tables)
        raw = "\n".join("\n".join(line.text for line in page) for page in pages)
        flat = [line for page in pages for line in page]
        covered = {k for start, (n, _) in tables.items() for k in range(start, start + n)}
        # within a table its cells say more than a heading guess from one of its lines
        headings = {i: h for i, h in find_headings(pages).items() if i not in covered}
        references: list[str] = []  # letter reference numbers the repair drops from the text
        if headings:
            sections = _sections(flat, headings, tables, references)
        elif tables:  # no headings: the text as it always was, its tables as sentences
            sections = _sections(flat, {}, tables, references)
        else:  # no font evidence of headings: the text as it always was
            sections = [Section(heading="", text=repair_text(raw, references))]
        if not any(s.heading.strip() or s.text.strip() for s in sections):
            raise ReadError(path, "PDF has no extractable text (scanned?)",
                            hint="give it a text layer first, e.g. with OCR (ocrmypdf --language nld)")
        info = _info(reader)
        title, metadata = _metadata_title(info), property_metadata(info.get("/Keywords"), info.get("/Subject"))
        if references and "kenmerk" not in metadata:
            metadata["kenmerk"] = references[0]
        if not title:
            # guessed from the page lines (repairing joins a title line into its paragraph):
            # shown, but marked so that ranking and embedding do not lean on it
            title = guess_title(normalize_chars(raw).split("\n"))
            if title:
                metadata["title_source"] = TITLE_GUESSED
        return [make_document(path, root, sections, title=title, metadata=metadata)]


def _open(data: bytes, path: Path):
    from pypdf import PdfReader as _PypdfReader
    from pypdf.errors import DependencyError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are reported by us, once
    try:
        reader = _PypdfReader(io.BytesIO(data), strict=False)
    except DependencyError:
        raise ReadError(path, "encrypted PDF", hint="the cryptography package is needed") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise ReadError(path, "corrupt or truncated PDF", hint=_DAMAGED_PDF) from None
    if reader.is_encrypted:
        try:
            # Owner-password-only PDFs (copy/print restrictions) open with an empty user password.
            opened = reader.decrypt("")
        except (DependencyError, PdfReadError, NotImplementedError, ValueError):
            opened = 0
        if not opened:
            raise ReadError(path, "encrypted PDF", hint="save an unprotected copy of the file")
    return reader


def _page_lines(reader, path: Path) -> list[list[Line]]:
    try:
        return [page_lines(page) for page in reader.pages]
    except RecursionError:
        raise ReadError(path, "corrupt or truncated PDF", hint=_DAMAGED_PDF) from None
    except Exception as exc:  # pypdf raises many types on damaged content streams
        if type(exc).__module__.startswith(("pypdf", "zlib", "struct", "builtins")):
            raise ReadError(path, "corrupt or truncated PDF", hint=_DAMAGED_PDF) from None
        raise


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running headers and footers: a short line that recurs among the first or last lines
    of most pages. Page-aware because repair_text's furniture rule (short lines seen 3+ times)
    misses long headers such as "Organisation | <document title>" and two-page documents."""
    split = [page.split("\n") for page in pages]
    keep = _running_keep(split)
    if not keep:
        return pages
    return ["\n".join(line for line, kept in zip(lines, flags) if kept) for lines, flags in zip(split, keep)]


def _running_keep(pages: list[list[str]]) -> list[list[bool]] | None:
    """Per page, per line: False for a running header or footer; None when there is none."""
    if len(pages) < 2:
        return None
    edges = [_edge_keys(lines) for lines in pages]
    counts = Counter(key for edge in edges for key in set(edge.values()))
    running = {key for key, n in counts.items() if n >= 2 and 2 * n > len(pages)}
    if not running:
        return None
    return [[edge.get(i) not in running for i in range(len(lines))] for lines, edge in zip(pages, edges)]


def _drop_running(pages: list[list[Line]], keep: list[list[bool]], tables: dict) -> tuple[list[list[Line]], dict]:
    """The pages without their running lines, and the tables' first lines counted among the rest.
    A table's lines stay: its repeated header or rows such as "Gemeente 2019 12" look like running
    lines once digits are masked."""
    flags = [kept for page in keep for kept in page]
    for start, (n, _) in tables.items():
        flags[start : start + n] = [True] * n
    before = list(accumulate(flags, initial=0))  # kept lines before each line
    lines = iter(flags)
    pages = [[line for line in page if next(lines)] for page in pages]
    return pages, {before[start]: table for start, table in tables.items()}


def _texts(lines: list[Line], headings: dict[int, tuple[int, str]], tables: dict) -> list[str]:
    """The lines' texts with each heading as one marked line and each table as one line of row
    sentences."""
    marked: list[str] = []
    skip = 0
    for i, line in enumerate(lines):
        if i in headings:
            skip, heading = headings[i]
            marked.append(_HEADING_MARK + _unmarked(heading))
        elif i in tables:
            skip, rows = tables[i]
            prose = table_prose([[_unmarked(cell) for cell in row] for row in rows])
            marked.extend(_TABLE_GAP + [_ROW_MARK + _ROW_MARK.join(prose)] + _TABLE_GAP)
        if skip:
            skip -= 1
        else:
            marked.append(_unmarked(line.text))
    return marked


def _unmarked(text: str) -> str:
    return text.replace(_HEADING_MARK, "").replace(_ROW_MARK, "")


def _unmark_rows(text: str) -> str:
    """A table's marked line (a paragraph of its own) as one row sentence a line."""
    return re.sub(rf"(?:^|(?<=\n\n)){_ROW_MARK}", "", text).replace(_ROW_MARK, "\n")


def _sections(
    lines: list[Line], headings: dict[int, tuple[int, str]], tables: dict, references: list[str]
) -> list[Section]:
    """Repair the text as repair_text does, over the whole text (its furniture counts and line
    width), with each heading as one marked line; then cut the paragraphs at the marks, so that
    no heading runs into a paragraph."""
    marked = _texts(lines, headings, tables)
    rows = [" ".join(row.split()) for row in normalize_chars("\n".join(marked)).split("\n")]
    rows = drop_reference_blocks(rows, references)
    kept = set(drop_furniture(rows))  # furniture is judged by content alone
    # a heading stays even when it recurs ("Conclusie" in every chapter)
    rows = [row for row in rows if row in kept or row.startswith(_HEADING_MARK)]
    titles = iter([row[len(_HEADING_MARK):] for row in rows if row.startswith(_HEADING_MARK)])
    sections = [Section(heading="", text="")]
    for paragraph in build_paragraphs(rows, apart=_ROW_MARK):
        # a marked line is only ever joined to its neighbours with a space (see _HEADING_MARK)
        first, *rest = paragraph.split(_HEADING_MARK)
        _add(sections[-1], first)
        for part in rest:
            title = next(titles)
            sections.append(Section(heading=clean_heading(title), text=""))
            _add(sections[-1], part[len(title):] if part.startswith(title) else part)
    return [s for s in sections if s.heading or s.text.strip()]


def _add(section: Section, paragraph: str) -> None:
    paragraph = _unmark_rows(paragraph.strip()).strip()
    if paragraph:
        section.text = f"{section.text}\n\n{paragraph}" if section.text else paragraph


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
