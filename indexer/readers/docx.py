"""Word .docx files via python-docx: Heading styles become sections, tables become row sentences."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from indexer.errors import ReadError
from indexer.model import Document, Section
from indexer.readers.common import (
    DEFAULT_MAX_BYTES,
    check_size,
    clean_heading,
    format_mb,
    make_document,
    shorten,
    table_prose,
)
from indexer.readers.properties import property_metadata
from indexer.repair import normalize_chars

# Heading styles in English and Dutch Word ("Kop 1"); Title/"Titel" names the document.
_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|titel)$", re.I)
_EXPANSION_FACTOR = 4  # uncompressed size allowed relative to the file size limit


class DocxReader:
    extensions = (".docx",)

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        check_size(path, self.max_bytes)
        self._check_zip(path)
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ReadError(path, f"not a valid DOCX file ({type(exc).__name__})") from None
        except Exception as exc:  # lxml syntax errors in damaged parts, parts without their namespace
            if type(exc).__module__.startswith("lxml") or isinstance(exc, AttributeError):
                raise ReadError(path, "not a valid DOCX file (damaged XML)") from None
            raise
        sections, style_title = _sections(document)
        core = document.core_properties
        core_title = (core.title or "").strip()
        title = shorten(core_title) if core_title else style_title
        if not title:
            title = next((s.heading for s in sections if s.heading), "")
        metadata = property_metadata(core.keywords, core.subject, core.category, core.comments)
        return [make_document(path, root, sections, title=title, metadata=metadata)]

    def _check_zip(self, path: Path) -> None:
        """Refuse non-zip files and archives that would expand far beyond the size limit."""
        if not zipfile.is_zipfile(path):
            raise ReadError(path, "not a valid DOCX (zip) file")
        limit = self.max_bytes * _EXPANSION_FACTOR
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                expanded = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ReadError(path, "not a valid DOCX (zip) file") from None
        if "word/document.xml" not in names:
            raise ReadError(path, "not a valid DOCX file (no word/document.xml)")
        if expanded > limit:
            raise ReadError(path, f"DOCX expands to more than {format_mb(limit)} MB (zip bomb?)")


def _sections(document) -> tuple[list[Section], str]:
    """Walk the body in order; Heading 1-3 open sections. Returns (sections, Title-style text)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    sections: list[Section] = []
    heading, paragraphs, title = "", [], ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            paragraphs.extend(_table_rows(Table(child, document)))
            continue
        if tag != "p":
            continue
        paragraph = Paragraph(child, document)
        text = normalize_chars(" ".join(paragraph.text.split()))
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = _HEADING_STYLE.match(style or "")
        if _TITLE_STYLE.match(style or "") and not title:
            title = clean_heading(text)
        elif level and int(level.group(1)) <= 3:
            sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
            heading, paragraphs = clean_heading(text), []
        else:
            paragraphs.append(text)
    sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
    return [s for s in sections if s.heading or s.text.strip()], title


def _table_rows(table) -> list[str]:
    """The rows as sentences (see table_prose). The first row names the cells only when Word marks
    it a header row (repeated on each page): many Word tables merely lay text out."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            text = normalize_chars(" ".join(cell.text.split()))
            # merged cells repeat their text; an empty cell keeps the columns in place
            cells.append("" if text == previous else text)
            previous = text
        rows.append(cells)
    return table_prose(rows if rows and _is_header(table.rows[0]) else [[], *rows])


def _is_header(row) -> bool:
    from docx.oxml.ns import qn

    props = row._tr.trPr
    mark = props.find(qn("w:tblHeader")) if props is not None else None
    return mark is not None and mark.get(qn("w:val"), "true").lower() not in ("0", "false", "off")
