"""PDF tables found from layout read as one sentence per row; prose in columns stays prose."""
from __future__ import annotations

from pathlib import Path

from indexer.readers import read_file
from indexer.readers.common import table_prose

INTRO = "Dit overzicht zet de belangrijkste cijfers over de overstap van mbo naar hbo op een rij."
ROWS = [
    ["Gegeven", "Waarde"],
    ["Mbo-gediplomeerden die jaarlijks doorstromen naar het hbo in Nederland", "ruim 60.000 studenten per jaar"],
    ["Eerstejaars met een mbo-vooropleiding die uitvallen of switchen, 2010", "36%"],
    ["Idem, 2015", "41%"],
]
ROW_SENTENCES = [
    "Gegeven: Mbo-gediplomeerden die jaarlijks doorstromen naar het hbo in Nederland; Waarde: ruim 60.000 studenten per jaar.",
    "Gegeven: Eerstejaars met een mbo-vooropleiding die uitvallen of switchen, 2010; Waarde: 36%.",
    "Gegeven: Idem, 2015; Waarde: 41%.",
]
AFTER = "Daarna volgt de uitleg bij de cijfers, in gewone zinnen onder de tabel."
# Prose set in two columns, written line by line across both: every line two runs far apart,
# under a pair of short bold column headings that look like a table's header row.
COLUMNS = [
    ("Aanpak", "Opbrengst"),
    ("Op elke school in de wijk staat een", "Meer leerlingen kregen een hoger"),
    ("ouderconsulent die gezinnen helpt bij", "advies dan de eindtoets aangaf, en"),
    ("de overstap naar het voortgezet", "na drie jaar zaten de meeste van hen"),
    ("onderwijs en bij de keuze daarna.", "nog op het niveau van dat advies."),
]


def build(blocks) -> bytes:
    """A PDF from ("p", text), ("table", rows, column widths, alignment) and ("columns", lines)
    blocks, core Helvetica 11 pt; the table's first column is narrow enough for cells to wrap."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    for kind, *content in blocks:
        pdf.set_font("Helvetica", "", 11)
        if kind == "p":
            pdf.multi_cell(0, 6, content[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "table":
            rows, widths, align = content
            with pdf.table(first_row_as_headings=True, line_height=6, col_widths=widths, text_align=align) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            pdf.ln(3)
        elif kind == "columns":
            for k, (left, right) in enumerate(content[0]):
                pdf.set_font("Helvetica", "B" if k == 0 else "", 11)
                pdf.cell(85, 6, left)
                pdf.cell(85, 6, right, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def read(tmp_path: Path, data: bytes):
    path = tmp_path / "onderzoek" / "t.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    (doc,) = read_file(path, tmp_path)
    return doc


def test_a_table_with_wrapped_cells_reads_as_one_sentence_per_row(tmp_path):
    doc = read(tmp_path, build([("p", INTRO), ("table", ROWS, (60, 40), "LEFT"), ("p", AFTER)]))
    assert doc.text.split("\n\n") == [INTRO, "\n".join(ROW_SENTENCES), AFTER]


def test_a_table_without_clear_columns_reads_as_before(tmp_path):
    # right-aligned cells start at no common x: no evidence of columns, so the second table reads
    # as plain extraction gives it, while the first one beside it still becomes sentences
    blocks = [("table", ROWS, (60, 40), "LEFT"), ("p", AFTER), ("table", ROWS, (60, 40), "RIGHT")]
    doc = read(tmp_path, build(blocks))
    assert doc.text.startswith("\n".join(ROW_SENTENCES) + "\n\n" + AFTER)
    assert doc.text.count("Gegeven:") == 3 and doc.text.endswith("2010 36%\n\nIdem, 2015 41%")


def test_prose_in_two_columns_stays_prose_beside_a_table(tmp_path):
    blocks = [("p", INTRO), ("columns", COLUMNS), ("table", ROWS, (60, 40), "LEFT"), ("p", AFTER)]
    doc = read(tmp_path, build(blocks))
    paragraphs = doc.text.split("\n\n")
    assert "\n".join(ROW_SENTENCES) in paragraphs
    prose = " ".join(p for p in paragraphs if p not in (INTRO, AFTER, "\n".join(ROW_SENTENCES)))
    assert "Aanpak Opbrengst" in prose and "Aanpak:" not in prose and "Opbrengst:" not in prose
    assert "Op elke school in de wijk staat een Meer leerlingen kregen een hoger" in prose


def test_table_prose_names_each_cell_by_its_header():
    rows = [["Fase", "Wanneer"], ["Eindrapport.", "2021"], ["", "later"], ["Start", ""]]
    assert table_prose(rows) == ["Fase: Eindrapport; Wanneer: 2021.", "Wanneer: later.", "Fase: Start."]
    assert table_prose([[], ["a", "b"]]) == ["a; b."]  # no header row
    assert table_prose([["Fase", "Wanneer"]]) == ["Fase; Wanneer."]


def test_a_table_running_on_to_the_next_page_takes_no_body_row_for_its_header(tmp_path):
    """QA helper-53: a table continued on a new page (its header not repeated, or dropped there as
    a running line) read its first row there as the header: "Den Haag: Zwolle; 103: 104."."""
    from fpdf import FPDF

    names = ["Rotterdam", "Amsterdam", "Utrecht", "Den Haag", "Zwolle", "Tilburg", "Breda", "Arnhem", "Venray",
             "Heerlen", "Almere", "Delft"]
    for repeat in (0, 1):
        pdf = FPDF(format="A4")
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.set_y(240)
        pdf.multi_cell(0, 6, INTRO, new_x="LMARGIN", new_y="NEXT")
        with pdf.table(first_row_as_headings=True, line_height=6, col_widths=(60, 40), text_align="LEFT",
                       repeat_headings=repeat) as table:
            for cells in [["Gemeente", "Aantal"]] + [[name, str(100 + k)] for k, name in enumerate(names)]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        pdf.multi_cell(0, 6, AFTER, new_x="LMARGIN", new_y="NEXT")
        pdf.add_page()
        pdf.multi_cell(0, 6, "Een derde pagina met nog wat tekst.", new_x="LMARGIN", new_y="NEXT")
        text = read(tmp_path, bytes(pdf.output())).text
        rows = [line for line in text.split("\n") if "; " in line and ": " in line]
        assert all(line.startswith("Gemeente: ") for line in rows), (repeat, rows)
        for k, name in enumerate(names):
            assert name in text and str(100 + k) in text  # every cell's text still there
