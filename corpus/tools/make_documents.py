#!/usr/bin/env python3
"""Build the research summaries in corpus/onderzoek/ from corpus/tools/sources/*.md.

Usage:
    python corpus/tools/make_documents.py [--out DIR]      (default: corpus/onderzoek)

Every source is a Markdown file with YAML front matter (titel, type, jaar, gemeenten,
provincies, sectoren, themas, samenvatting, bronnen) and a body with "## " sections.
Depending on FORMATS below a source becomes:

* PDF (fpdf2): a cover page with title and summary, then the body with real
  headings, over several pages. Every page has a running header ("Kennisbank Gelijke
  Kansen | <titel>") and a footer "Pagina n van N" -- page furniture the indexer's PDF
  reader has to strip. The DejaVuSans TTF font is embedded so "ë", "é" and "€" survive;
  when it is missing the script falls back to the core Helvetica font with latin-1
  (characters outside latin-1 are replaced) and prints a warning.
  PDF document information: Title = titel, Subject = type (e.g. "onderzoek"),
  Keywords = "gemeenten: A, B; provincies: ...; themas: ...; sectoren: ...; jaar: 2017",
  Author = "Kennisbank Gelijke Kansen", fixed CreationDate.
* DOCX (python-docx): title as Heading 1, sections as Heading 2, bullet and numbered
  lists with the List styles, tables as Word tables. Core properties: title = titel,
  subject = type, keywords as for PDF, comments = samenvatting, category = "onderzoek",
  author "Kennisbank Gelijke Kansen", fixed created/modified dates.
* Markdown: copied byte for byte.

Readers take all metadata from the files themselves (their properties); there are no sidecar
files. The "Bronnen" section names the cited files as corpus/bronnen.yaml does.

Output is deterministic: fixed creation/modification dates, and the DOCX zip is rewritten
with fixed member timestamps, so re-running the script leaves the committed files
unchanged (tests/test_corpus_documents.py checks this).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DEFAULT_OUT = HERE.parent / "onderzoek"

FIXED_DATE = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (2024, 1, 1, 12, 0, 0)
AUTHOR = "Kennisbank Gelijke Kansen"

FORMATS: dict[str, str] = {
    "cbs-cohortonderzoek-opleiding-ouders": "pdf",
    "nro-evaluatie-actieplan-gelijke-kansen": "pdf",
    "drentse-onderwijsmonitor-schooladvies": "pdf",
    "doorstroom-mbo-hbo-cijfers": "pdf",
    "ouderbetrokkenheid-mbo-interviewstudie": "docx",
    "straat-en-schoolcultuur-el-hadioui": "docx",
    "vve-innovatiecentra": "docx",
    "powerhouse-studievertraging-kwetsbare-studenten": "docx",
    # everything else: copied as Markdown
}

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


# ---- parsing -------------------------------------------------------------------------

def read_source(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


def blocks(body: str) -> list[tuple[str, object]]:
    """Split a Markdown body into ("h2", text), ("p", text), ("ul", [items]),
    ("ol", [items]) and ("table", [[cells]]) blocks."""
    out: list[tuple[str, object]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(("p", " ".join(para)))
            para.clear()

    for line in body.splitlines():
        s = line.strip()
        if not s:
            flush()
            continue
        if s.startswith("## "):
            flush()
            out.append(("h2", s[3:].strip()))
        elif s.startswith("- "):
            flush()
            if out and out[-1][0] == "ul":
                out[-1][1].append(s[2:])  # type: ignore[union-attr]
            else:
                out.append(("ul", [s[2:]]))
        elif re.match(r"\d+\. ", s):
            flush()
            item = s.split(". ", 1)[1]
            if out and out[-1][0] == "ol":
                out[-1][1].append(item)  # type: ignore[union-attr]
            else:
                out.append(("ol", [item]))
        elif s.startswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            if out and out[-1][0] == "table":
                out[-1][1].append(cells)  # type: ignore[union-attr]
            else:
                out.append(("table", [cells]))
        else:
            para.append(s)
    flush()
    return out


def keywords(fm: dict) -> str:
    parts = []
    for key in ("gemeenten", "provincies", "themas", "sectoren"):
        parts.append(f"{key}: {', '.join(str(v) for v in fm.get(key) or [])}")
    if fm.get("jaar"):
        parts.append(f"jaar: {fm['jaar']}")
    return "; ".join(parts)


def plain(text: str) -> str:
    return text.replace("**", "")


def bold_runs(text: str) -> list[tuple[str, bool]]:
    """'a **b** c' -> [('a ', False), ('b', True), (' c', False)]"""
    parts = text.split("**")
    return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]


SOURCE_NAMES = HERE.parent / "bronnen.yaml"


def bronnen_lines(fm: dict) -> list[str]:
    """One line per cited file, its places joined: a name repeated line after line would read
    as page furniture to a PDF reader."""
    names = yaml.safe_load(SOURCE_NAMES.read_text(encoding="utf-8")) or {}
    places: dict[str, list[str]] = {}
    for b in fm.get("bronnen") or []:
        places.setdefault(names.get(b["document"], b["document"]), []).append(str(b["vindplaats"]))
    return [f"{name}: {'; '.join(where)}" for name, where in places.items()]


# ---- PDF -----------------------------------------------------------------------------

def _find_font() -> tuple[Path, Path] | None:
    for d in FONT_DIRS:
        reg, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if reg.exists() and bold.exists():
            return reg, bold
    return None


def make_pdf(fm: dict, body: str, out: Path) -> None:
    from fpdf import FPDF

    title = fm["titel"]
    font = _find_font()

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font(family, "", 8)
            self.set_text_color(110, 110, 110)
            short = title if len(title) <= 80 else title[:77] + "..."
            self.cell(0, 5, clean(f"Kennisbank Gelijke Kansen | {short}"), align="L",
                      new_x="LMARGIN", new_y="NEXT")
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(6)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(family, "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 8, f"Pagina {self.page_no()} van {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = Doc(format="A4")
    if font:
        family = "DejaVu"
        pdf.add_font(family, "", str(font[0]))
        pdf.add_font(family, "B", str(font[1]))

        def clean(s: str) -> str:
            return s
    else:  # pragma: no cover - only on machines without DejaVu
        print("warning: DejaVuSans not found, using Helvetica/latin-1", file=sys.stderr)
        family = "Helvetica"

        def clean(s: str) -> str:
            s = s.replace("€", "EUR ").replace("’", "'").replace("‘", "'")
            return s.encode("latin-1", "replace").decode("latin-1")

    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_subject(fm.get("type", "onderzoek"))
    pdf.set_keywords(keywords(fm))
    pdf.set_author(AUTHOR)
    pdf.set_creator("corpus/tools/make_documents.py")
    pdf.set_lang("nl")
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_margins(22, 18, 22)

    # cover page
    pdf.add_page()
    pdf.ln(30)
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(0, 10, clean(title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(8)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, "Samenvatting", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, clean(fm.get("samenvatting", "")), new_x="LMARGIN", new_y="NEXT", align="L")

    # body
    pdf.add_page()
    for kind, content in blocks(body) + [("h2", "Bronnen"), ("ul", bronnen_lines(fm))]:
        if kind == "h2":
            pdf.ln(3)
            pdf.set_font(family, "B", 14)
            pdf.multi_cell(0, 8, clean(str(content)), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font(family, "", 11)
            pdf.multi_cell(0, 6, clean(plain(str(content))), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3)
        elif kind in ("ul", "ol"):
            pdf.set_font(family, "", 11)
            for i, item in enumerate(content, 1):  # type: ignore[arg-type]
                mark = "•" if kind == "ul" and font else ("-" if kind == "ul" else f"{i}.")
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(0, 6, clean(f"{mark} {plain(item)}"), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3)
        elif kind == "table":
            rows = content  # type: ignore[assignment]
            pdf.set_font(family, "", 10)
            with pdf.table(first_row_as_headings=True, line_height=6) as table:
                for r in rows:
                    row = table.row()
                    for c in r:
                        row.cell(clean(plain(c)))
            pdf.ln(4)
    pdf.output(str(out))


# ---- DOCX ----------------------------------------------------------------------------

def make_docx(fm: dict, body: str, out: Path) -> None:
    from docx import Document

    doc = Document()
    cp = doc.core_properties
    cp.title = fm["titel"]
    cp.subject = fm.get("type", "onderzoek")
    # python-docx caps core properties at 255 characters; OOXML itself does not.
    _set_long(cp, "keywords", keywords(fm))
    _set_long(cp, "description", fm.get("samenvatting", ""))
    cp.category = fm.get("type", "onderzoek")
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.language = "nl-NL"
    cp.revision = 1
    naive = FIXED_DATE.replace(tzinfo=None)
    cp.created = naive
    cp.modified = naive
    cp.last_printed = naive

    doc.add_heading(fm["titel"], level=1)
    p = doc.add_paragraph()
    p.add_run(fm.get("samenvatting", "")).italic = True
    for kind, content in blocks(body) + [("h2", "Bronnen"), ("ul", bronnen_lines(fm))]:
        if kind == "h2":
            doc.add_heading(str(content), level=2)
        elif kind == "p":
            para = doc.add_paragraph()
            for text, bold in bold_runs(str(content)):
                para.add_run(text).bold = bold
        elif kind in ("ul", "ol"):
            style = "List Bullet" if kind == "ul" else "List Number"
            for item in content:  # type: ignore[union-attr]
                para = doc.add_paragraph(style=style)
                for text, bold in bold_runs(item):
                    para.add_run(text).bold = bold
        elif kind == "table":
            rows = content  # type: ignore[assignment]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = plain(text)
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(_normalise_zip(buf.getvalue()))


def _set_long(cp, tag: str, value: str) -> None:
    """Set a core property without python-docx's 255-character limit."""
    el = getattr(cp._element, f"get_or_add_{tag}")()
    el.text = value


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, keeping member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


# ---- main ----------------------------------------------------------------------------

def build(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(SOURCES.glob("*.md")):
        fm, body = read_source(src)
        fmt = FORMATS.get(src.stem, "md")
        target = out_dir / f"{src.stem}.{fmt}"
        if fmt == "pdf":
            make_pdf(fm, body, target)
        elif fmt == "docx":
            make_docx(fm, body, target)
        else:
            shutil.copyfile(src, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = ap.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
