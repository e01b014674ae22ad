"""PDF headings from font evidence: larger or bold lines become sections, nothing else does."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.readers import read_file
from indexer.readers.pdf import strip_running_lines
from indexer.repair import repair_text

BODY = 11
RUNNING_HEADER = "Kennisbank Testcorpus | Rapport over gelijke kansen in de regio"
# Body lines are written one by one (no wrapping by fpdf2) so the old repair's choices are known:
# a long last line ending a sentence was joined to a heading that followed it.
INTRO = [
    "Gemeenten en scholen in de regio werken sinds 2018 samen aan betere kansen voor alle",
    "leerlingen, ongeacht de opleiding of het inkomen van hun ouders. Dit verslag beschrijft",
    "de aanpak en de eerste resultaten van die samenwerking in het basisonderwijs en het vo.",
]
AANPAK = [
    "Op elke school in de wijk staat een ouderconsulent die gezinnen helpt bij de overstap",
    "naar het voortgezet onderwijs. Scholen bespreken het advies samen met ouders en kind,",
    "en zij kijken niet alleen naar de toets maar ook naar motivatie en werkhouding thuis.",
]
OPBRENGST = [
    "Meer leerlingen kregen een hoger advies dan de eindtoets aangaf, en na drie jaar zaten",
    "de meeste van hen nog steeds op het niveau van dat advies. Ouders voelen zich gehoord.",
]


def build_pdf(blocks: list[tuple[str, object]], header: str = "", footer: str = "", font: str = "") -> bytes:
    """A PDF from (kind, content) blocks, core Helvetica fonts: "h1" bold 15 pt, "h2" bold at body
    size, "p" body lines, "bold"/"big" one line, "table" rows (header row bold), "page" a new page;
    ``font`` is the body's style ("B": bold throughout)."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", "", 8)
                self.cell(0, 5, header, new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 8, footer.format(n=self.page_no()), align="C")

    pdf = Doc(format="A4")
    pdf.core_fonts_encoding = "cp1252"  # the core fonts' WinAnsiEncoding: "•" and "€"
    pdf.add_page()
    for kind, content in blocks:
        if kind == "page":
            pdf.add_page()
        elif kind == "table":
            pdf.set_font("Helvetica", font, BODY)
            with pdf.table(first_row_as_headings=True, line_height=6) as table:
                for cells in content:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
        else:
            style, size = {"h1": ("B", 15), "h2": ("B", BODY), "bold": ("B", BODY), "big": ("", 15)}.get(
                kind, (font, BODY)
            )
            pdf.set_font("Helvetica", style, size)
            if kind in ("h1", "h2"):
                pdf.ln(3)
            for line in content if isinstance(content, list) else [content]:
                pdf.cell(0, 6 if size == BODY else 9, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def raw_pdf(content: bytes) -> bytes:
    """A one-page PDF with the given content stream; /F1 Helvetica, /F2 Helvetica-Bold."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def read_pdf(tmp_path: Path, data: bytes, name: str = "onderzoek/r.pdf"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    docs = read_file(path, tmp_path)
    assert len(docs) == 1
    return docs[0]


def flat(text: str) -> str:
    return " ".join(text.split())


REPORT = [
    ("p", INTRO),
    ("h1", "Aanpak in de wijken"),
    ("p", AANPAK),
    ("h2", "Wat levert het op?"),
    ("p", OPBRENGST),
]


def test_larger_and_bold_lines_become_section_headings(tmp_path):
    doc = read_pdf(tmp_path, build_pdf(REPORT))
    assert [s.heading for s in doc.sections] == ["", "Aanpak in de wijken", "Wat levert het op?"]
    intro, aanpak, opbrengst = (flat(s.text) for s in doc.sections)
    assert intro == flat(" ".join(INTRO))
    assert aanpak == flat(" ".join(AANPAK))
    assert opbrengst == flat(" ".join(OPBRENGST))


def test_heading_is_not_glued_to_the_previous_paragraph(tmp_path):
    doc = read_pdf(tmp_path, build_pdf(REPORT))
    blocks = doc.text.split("\n\n")
    assert "Aanpak in de wijken" in blocks and "Wat levert het op?" in blocks
    assert blocks[0].endswith("in het basisonderwijs en het vo.")
    assert not any(b.endswith(("Aanpak in de wijken", "Wat levert het op?")) for b in blocks if len(b) > 30)


def test_running_header_is_stripped_and_a_heading_at_the_top_of_a_page_stays(tmp_path):
    blocks = REPORT[:3] + [("page", None), ("h2", "Wat levert het op?"), ("p", OPBRENGST)]
    doc = read_pdf(tmp_path, build_pdf(blocks, header=RUNNING_HEADER, footer="Pagina {n}"))
    assert "Kennisbank Testcorpus" not in doc.text and "Pagina" not in doc.text
    assert [s.heading for s in doc.sections] == ["", "Aanpak in de wijken", "Wat levert het op?"]
    assert flat(doc.sections[2].text) == flat(" ".join(OPBRENGST))


def test_font_size_comes_from_the_text_and_transformation_matrices(tmp_path):
    # "1 Tf" scaled 16x by Tm, and "10 Tf" scaled 1.6x by cm: both 16 pt against a 10 pt body
    content = b"""
BT /F1 1 Tf 16 0 0 16 72 740 Tm (Samenwerking met ouders) Tj ET
BT /F1 1 Tf 10 0 0 10 72 712 Tm (Scholen nodigen ouders drie keer per jaar uit voor een gesprek over) Tj
0 -1.4 Td (de ontwikkeling van hun kind en over de keuzes die daarbij horen.) Tj ET
q 1.6 0 0 1.6 0 0 cm BT /F1 10 Tf 45 420 Td (Resultaten) Tj ET Q
BT /F1 10 Tf 72 650 Td (Ouders zeggen dat zij zich beter gehoord voelen dan voorheen.) Tj ET
"""
    doc = read_pdf(tmp_path, raw_pdf(content))
    assert [s.heading for s in doc.sections] == ["Samenwerking met ouders", "Resultaten"]
    assert doc.sections[1].text == "Ouders zeggen dat zij zich beter gehoord voelen dan voorheen."


TABLE = [["Groep", "Aandeel"], ["Ouders laag opgeleid", "32 procent"], ["Ouders hoog opgeleid", "12 procent"]]


def test_bylines_captions_table_cells_quotes_and_page_numbers_are_no_headings(tmp_path):
    blocks = [
        ("h1", "Resultaten"),
        ("bold", "Door Sanne de Vries en Karim El Idrissi"),  # byline
        ("p", AANPAK),
        ("table", TABLE),  # bold header row at body size: cells far apart
        ("bold", "Figuur 1 Aandeel leerlingen met een hoger advies"),  # caption
        ("big", '"Ouders voelen zich eindelijk gehoord door de school."'),  # pull quote
        ("bold", "Belangrijk is dat scholen en ouders"),  # a bold opening that runs on below
        ("p", ["samen het gesprek voeren over het advies en over de keuze daarna."]),
        ("bold", "• Leesbevordering"),  # list item
        ("p", OPBRENGST),
        ("big", "12"),  # page number
    ]
    doc = read_pdf(tmp_path, build_pdf(blocks))
    assert [s.heading for s in doc.sections] == ["Resultaten"]
    text = flat(doc.text)
    kept_table = "Groep: Ouders laag opgeleid; Aandeel: 32 procent."  # the table as sentences
    for kept in ("Door Sanne", "Figuur 1 Aandeel", kept_table, "eindelijk gehoord", "• Leesbevordering"):
        assert kept in text  # still in the text, only not as a heading


UNIFORM_PAGES = [
    ["Inleiding"] + INTRO + ["Aanpak in de wijken"] + AANPAK,
    ["Wat levert het op?"] + OPBRENGST + ["Tot slot", "Dit is een korte regel."],
]


@pytest.mark.parametrize("font", ["", "B"], ids=["regular", "all-bold"])
def test_uniform_font_pdf_reads_as_before(tmp_path, font):
    """One size throughout (or bold throughout) is no evidence: one section, the text exactly as
    plain extraction + running-line stripping + repair_text give it."""
    from pypdf import PdfReader

    blocks = [("p", UNIFORM_PAGES[0]), ("page", None), ("p", UNIFORM_PAGES[1])]
    data = build_pdf(blocks, header=RUNNING_HEADER, footer="Pagina {n}", font=font)
    doc = read_pdf(tmp_path, data)
    pages = [page.extract_text() or "" for page in PdfReader(tmp_path / "onderzoek/r.pdf").pages]
    assert [s.heading for s in doc.sections] == [""]
    assert doc.sections[0].text == repair_text("\n".join(strip_running_lines(pages)))
    assert "Kennisbank Testcorpus" not in doc.text


def test_a_letters_reference_number_becomes_metadata_and_leaves_the_text(tmp_path):
    lines = ["Onze referentie", "127448", "", "Geachte voorzitter,", "",
             "Hierbij sturen wij u de voortgangsrapportage van de Gelijke Kansen Alliantie."]
    doc = read_pdf(tmp_path, build_pdf([("p", lines)]), name="brief.pdf")
    assert doc.metadata["kenmerk"] == "127448"
    assert "127448" not in doc.text and "referentie" not in doc.text
