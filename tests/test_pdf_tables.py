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


STEPS = ["Voorbereiding", "Intake", "Startbijeenkomst", "Training leraren", "Huisbezoeken", "Ouderavond",
         "Tussenmeting", "Bijstelling", "Eindmeting", "Evaluatie", "Verslag", "Borging"]


def broken_table(rows, y: float, widths=(60, 40), bold: bool = True, repeat: int = 0, footer: bool = False,
                 after=(AFTER,)) -> bytes:
    """INTRO at ``y`` mm, then a table (none without rows) that the page break cuts, then the
    ``after`` paragraphs."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Doc(FPDF):
        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 8, f"Pagina {self.page_no()}", align="C")

    pdf = Doc(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.set_y(y)
    pdf.multi_cell(0, 6, INTRO, new_x="LMARGIN", new_y="NEXT")
    style = {} if bold else {"headings_style": FontFace()}
    if rows:
        with pdf.table(line_height=6, col_widths=widths, text_align="LEFT", repeat_headings=repeat, **style) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    for text in after:
        pdf.ln(3)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def placed(pages) -> bytes:
    """A PDF of pages of lines, each line (x in mm, text, bold) runs on one baseline, 6 mm apart."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for lines in pages:
        pdf.add_page()
        for k, line in enumerate(lines):
            for x, text, bold in line:
                pdf.set_font("Helvetica", "B" if bold else "", 11)
                pdf.text(x, 20 + 6 * k, text)
    return bytes(pdf.output())


def test_a_text_table_running_on_to_the_next_page_keeps_its_header(tmp_path):
    """A table of text cells continued on a new page read its first row there as the header:
    "Huisbezoeken: Ouderavond; Team E: Team F." -- also when only one row stood on the first page,
    and whether the header is set apart in bold or not."""
    rows = [["Fase", "Wie"]] + [[step, f"Team {chr(65 + k)}"] for k, step in enumerate(STEPS)]
    for y, bold in ((240, True), (240, False), (256, True), (256, False)):
        text = read(tmp_path, broken_table(rows, y, bold=bold)).text
        sentences = [line for line in text.split("\n") if ": " in line]
        assert sentences == [f"Fase: {step}; Wie: Team {chr(65 + k)}." for k, step in enumerate(STEPS)], (y, bold)
        assert text.endswith(AFTER)


def test_the_next_page_may_start_a_table_of_its_own_or_a_row_split_by_the_break(tmp_path):
    """At a page's top a bold header heads a new table in the same columns, and the rest of a row cut
    by the page break is no row: plain text, and the rows below keep the table's header."""
    def row(left, right, bold=False):
        return [(20, left, bold), (80, right, bold)]

    first = [[(20, "Twee tabellen en een rij die de paginagrens breekt.", False)], row("Fase", "Wie", True)]
    first += [row(step, f"Team {step[0]}") for step in STEPS[:3]]
    own = [row("Jaar", "Bedrag", True), row("Subsidie", "12.000 euro"), row("Bijdrage", "3.000 euro")]
    text = read(tmp_path, placed([first, own])).text
    assert "Jaar: Subsidie; Bedrag: 12.000 euro." in text and "Fase: Jaar" not in text
    split = [[(80, "en B", False)], row(STEPS[3], "Team T"), row(STEPS[4], "Team H")]
    text = read(tmp_path, placed([first, split])).text
    assert "Fase: Training leraren; Wie: Team T." in text and "Fase: Huisbezoeken; Wie: Team H." in text
    assert "en B" in text and "Training leraren:" not in text


def test_table_rows_at_page_edges_are_no_running_lines(tmp_path):
    """Rows such as "Gemeente 8 2017 142" at the top or bottom of most pages, and a header repeated
    on each page, look like running headers once digits are masked: they were dropped, the rest
    of the table then read under a row taken for its header. The page footer still goes."""
    rows = [["Gemeente", "Jaar", "Aantal"]]
    rows += [[f"Gemeente {k // 5}", str(2015 + k % 5), str(100 + k)] for k in range(60)]
    want = [f"Gemeente: {a}; Jaar: {b}; Aantal: {c}." for a, b, c in rows[1:]]
    for repeat in (0, 1):
        text = read(tmp_path, broken_table(rows, 60, widths=(60, 40, 40), repeat=repeat, footer=True)).text
        assert [line for line in text.split("\n") if ": " in line] == want, repeat
        assert "Pagina" not in text and text.endswith(AFTER)


BODY = [
    "De scholen in de regio hebben de cijfers besproken met hun besturen en gemeenten, en zij hebben afgesproken "
    "om de overgang van groep acht naar de brugklas beter te volgen. Daarbij letten zij vooral op leerlingen die "
    "een te laag advies lijken te krijgen. Dat is kort.",
    "Ook de ouders zijn bij de aanpak betrokken. Zij krijgen uitleg over de keuzes die hun kind kan maken, en zij "
    "praten mee over het advies dat de school geeft aan het einde van de basisschool en daarna.",
]


def test_text_after_a_page_broken_table_makes_paragraphs_as_without_the_table(tmp_path):
    """The rows of each page's part of a table are one long line during the repair: two of them among
    a few lines of text set the usual line width, so the text below read as unwrapped lines and its
    paragraphs ran together."""
    rows = [["Gemeente", "Aantal"]] + [[f"Plaats {chr(65 + k % 26)}{k}", str(100 + k)] for k in range(40)]
    for y, repeat in ((60, 0), (200, 1)):
        text = read(tmp_path, broken_table(rows, y, repeat=repeat, after=BODY)).text
        plain = read(tmp_path, broken_table([], y, after=BODY)).text
        assert "Gemeente: Plaats N39; Aantal: 139." in text, y
        assert text[text.index(BODY[0][:30]):] == plain[plain.index(BODY[0][:30]):] == "\n\n".join(BODY), y


def test_a_long_label_over_a_narrow_column_is_a_column_of_its_own(tmp_path):
    # "Geïndiceerd" at 35 mm stands closer to "Geplaatst" than the label's length could reach by
    # the layout's estimate, which had read the two as one label and the table as prose (QA)
    rows = [["Locatie", "Wijk", "Geïndiceerd", "Geplaatst"],
            ["Vlinder 1", "Diezerpoort", "10", "8"], ["Vlinder 2", "Holtenbroek", "11", "9"],
            ["Vlinder 3", "Stadshagen", "12", "10"]]
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    for cells in rows:
        for cell, width in zip(cells, (60, 45, 22, 22)):
            pdf.cell(width, 7, cell.replace("ï", "i"), border=1)
        pdf.ln(7)
        pdf.set_font("Helvetica", "", 10)
    doc = read(tmp_path, bytes(pdf.output()))
    assert "Locatie: Vlinder 2; Wijk: Holtenbroek; Geindiceerd: 11; Geplaatst: 9." in doc.text
