"""Readers: discovery, every format, and every kind of bad input."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from indexer.errors import ReadError, RecordError
from indexer.readers import SUPPORTED_EXTENSIONS, discover, read_file

CORPUS = Path(__file__).parent / "data" / "readers" / "corpus"
SEEDS = Path("/work/shared/seeds")
RECORD = {
    "id": "alliantie-voor-talent",
    "naam": "Alliantie voor Talent Schiedam",
    "samenvatting": "Werkgevers, kinderopvang, bibliotheek en sportclub werken samen met het Lentiz College.",
    "sectoren": ["vmbo", "mbo"],
    "themas": ["talentontwikkeling"],
    "bewijskracht": "niet beoordeeld",
    "bronnen": [{"document": "001_91b0f96cfdc7bc3f.txt", "vindplaats": "magazine, Schiedam"}],
}


def flat(text: str) -> str:
    return " ".join(text.lower().split())


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_one(path: Path, root: Path | None = None, **kwargs):
    docs = read_file(path, root or path.parent, **kwargs)
    assert len(docs) == 1
    return docs[0]


def make_pdf(text: str, title: str = "", password: str = "") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    if password:
        pdf.set_encryption(owner_password="eigenaar", user_password=password)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_paged_pdf(pages: list[str], header: str = "", footer: str = "") -> bytes:
    """One page per text, with a running header line and a footer ("{n}" = page number)."""
    from fpdf import FPDF

    class Paged(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", size=8)
                self.cell(0, 5, header, new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("Helvetica", size=8)
                self.cell(0, 8, footer.format(n=self.page_no()), align="C")

    pdf = Paged()
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


# ---- discovery ---------------------------------------------------------------------------


def test_discover_walks_sorted_and_skips_hidden_readme_and_unknown(tmp_path):
    pairs, skipped, errors = discover([CORPUS, tmp_path / "bestaat-niet"])
    rel = [file.relative_to(root).as_posix() for file, root in pairs]
    assert rel == [
        "beleid/voortgang.html",
        "interventies/twee.yaml",
        "nieuws.txt",
        "praktijkverhalen/de-hef.md",
    ]
    assert all(root == CORPUS for _, root in pairs)
    assert skipped == [f"{CORPUS / 'praktijkverhalen' / 'foto.xyz'} (unsupported extension .xyz)"]
    assert len(errors) == 1 and "bestaat-niet" in str(errors[0])


def test_discover_file_given_directly_has_parent_as_root():
    file = CORPUS / "praktijkverhalen" / "de-hef.md"
    pairs, _, _ = discover([file, file])
    assert pairs == [(file, file.parent)]
    assert read_one(file, file.parent).id == "de-hef.md"


def test_supported_extensions():
    assert set(SUPPORTED_EXTENSIONS) == {
        ".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".yaml", ".yml", ".json"
    }


# ---- formats -----------------------------------------------------------------------------


def test_markdown_front_matter_and_sections():
    doc = read_one(CORPUS / "praktijkverhalen" / "de-hef.md", CORPUS)
    assert doc.id == "praktijkverhalen/de-hef.md" == doc.source_path
    assert doc.title == "Vakcollege De Hef: ouders als partner"
    assert doc.doc_type == "praktijkverhaal"
    assert doc.metadata["datum"] == "2017-06-01" and doc.metadata["jaar"] == 2017
    assert doc.metadata["provincies"] == ["Zuid-Holland"]
    assert doc.metadata["themas"] == ["ouderbetrokkenheid", "coaching"]
    assert doc.metadata["bronnen"][0]["vindplaats"] == "magazine, interview De Hef"
    assert [s.heading for s in doc.sections] == ["Vakcollege De Hef", "Wat de school anders doet", "Resultaten"]
    assert "traditionele contactmomenten" in doc.sections[0].text  # soft wrap joined
    assert "kiezen ze voor individuele begeleiding." in doc.text  # link and bold markup stripped
    assert "- dagelijkse ochtendstart met de mentor\n- gesprek in vredestijd" in doc.text
    assert "titel:" not in doc.text


def test_html_meta_sections_and_no_script_or_style():
    doc = read_one(CORPUS / "beleid" / "voortgang.html", CORPUS)
    assert doc.title == "Voortgangsrapportage Gelijke Kansen Alliantie"
    assert doc.doc_type == ""  # beleid: enrichment decides
    assert doc.metadata["gemeenten"] == ["Den Haag", "Rotterdam", "Schiedam"]
    assert doc.metadata["jaar"] == 2019 and "viewport" not in doc.metadata
    assert [s.heading for s in doc.sections] == ["Aanbiedingsbrief voortgangsrapportage", "Gemeenten", "GKA-agenda's"]
    assert "de Voortgangsrapportage Gelijke Kansen Alliantie (GKA)." in doc.text
    assert "dertig getekende agenda's\n\n169 interventies" in doc.text
    for junk in ("tracking", "font-family", "ook niet", "commentaar", "Home"):
        assert junk not in doc.text


def test_records_list_becomes_documents():
    docs = read_file(CORPUS / "interventies" / "twee.yaml", CORPUS)
    assert [d.id for d in docs] == ["mentoren-op-zuid", "talentklassen-marnix"]
    first = docs[0]
    assert first.title == "Mentoren op Zuid" and first.doc_type == "interventie"
    assert first.source_path == "interventies/twee.yaml"
    assert [s.heading for s in first.sections] == ["Samenvatting", "Beschrijving", "Doelgroep", "Resultaten", "Uitvoerders"]
    assert first.metadata["gemeenten"] == ["Rotterdam"] and first.metadata["jaar"] == 2017
    assert "Hbo-studenten zijn een jaar lang mentor" in first.text


def test_record_fields_read_as_prose(tmp_path):
    """List items joined by semicolons and a full stop closing each field, so the passage
    splits into sentences there (snippets pick sentences); punctuation already there stays."""
    record = dict(RECORD, doelgroep=["laaggeletterde ouders", "kinderen met een taalachterstand"],
                  resultaten="onbekend", samenvatting="Een netwerk van scholen!")
    doc = read_one(write(tmp_path, "interventies/alliantie-voor-talent.json", json.dumps(record)), tmp_path)
    texts = {s.heading: s.text for s in doc.sections}
    assert texts["Doelgroep"] == "laaggeletterde ouders; kinderen met een taalachterstand."
    assert texts["Resultaten"] == "onbekend." and texts["Samenvatting"] == "Een netwerk van scholen!"
    assert "taalachterstand.\n\nResultaten\n\nonbekend." in doc.text


def test_a_records_rating_is_text_unless_unrated(tmp_path):
    """A rating is what "goed onderbouwde interventies" asks for, so it is searchable text;
    "niet beoordeeld", most records' value, is left out (it answers no question)."""
    rated = read_one(write(tmp_path, "interventies/alliantie-voor-talent.json",
                           json.dumps(dict(RECORD, bewijskracht="goed onderbouwd"))), tmp_path)
    texts = {s.heading: s.text for s in rated.sections}
    assert texts["Bewijskracht"] == "goed onderbouwd." and rated.metadata["bewijskracht"] == "goed onderbouwd"
    unrated = read_one(write(tmp_path, "interventies/alliantie-voor-talent.json", json.dumps(RECORD)), tmp_path)
    assert "Bewijskracht" not in {s.heading for s in unrated.sections} and "beoordeeld" not in unrated.text


def test_json_record(tmp_path):
    doc = read_one(write(tmp_path, "interventies/alliantie-voor-talent.json", json.dumps(RECORD)), tmp_path)
    assert doc.id == "alliantie-voor-talent" and doc.sections[0].heading == "Samenvatting"


def test_text_reader_repairs_and_titles(tmp_path):
    doc = read_one(CORPUS / "nieuws.txt", CORPUS)
    assert doc.id == "nieuws.txt" and doc.doc_type == ""
    assert doc.title == "Eerste halte van de Gelijke Kansen Bus: Tilburg"
    # the hard line break inside the sentence is joined (not merely collapsed by a test helper)
    assert "Roxanne gaf een speciale gymles aan de leerlingen" in doc.text


def test_cp1252_text(tmp_path):
    path = write(tmp_path, "onderzoek/brief.txt", "Financiële ondersteuning: € 7 miljoen voor coördinatie.\n".encode("cp1252"))
    doc = read_one(path, tmp_path)
    assert doc.text == "Financiële ondersteuning: € 7 miljoen voor coördinatie."
    assert doc.doc_type == "onderzoek"


def test_pdf_with_dutch_accents_and_metadata_title(tmp_path):
    text = "Ouders worden betrokken bij de loopbaanoriëntatie en de coördinatie van het curriculum. " * 3
    doc = read_one(write(tmp_path, "agendas/a.pdf", make_pdf(text, title="GKA-agenda Schiedam")), tmp_path)
    assert doc.title == "GKA-agenda Schiedam" and doc.doc_type == "agenda"
    assert "loopbaanoriëntatie en de coördinatie van het curriculum" in flat(doc.text)


def test_pdf_title_falls_back_to_heading_line(tmp_path):
    doc = read_one(write(tmp_path, "b.pdf", make_pdf("Gelijke kansen in Tilburg\nDe bus stopte bij het Vakcollege.")))
    assert doc.title == "Gelijke kansen in Tilburg"
    assert doc.metadata["title_source"] == "afgeleid"  # shown, but not ranked or embedded
    titled = read_one(write(tmp_path, "c.pdf", make_pdf("De bus stopte bij het Vakcollege.", title="Busreis")))
    assert titled.title == "Busreis" and "title_source" not in titled.metadata


@pytest.mark.parametrize("paragraphs, title", [
    # a letter's subject line wins over its letterhead
    (["Ministerie van Onderwijs, Cultuur en Wetenschap", "Datum 19 november 2019",
      "Betreft Voortgang van de Gelijke Kansen Alliantie", "Geachte voorzitter, hierbij ontvangt u de rapportage."],
     "Voortgang van de Gelijke Kansen Alliantie"),
    # credits, signatures and links are not titles
    (["Foto © Gemeente Leeuwarden", "De minister van Onderwijs, Cultuur en Wetenschap", "www.gelijkekansen.nl",
      "Schoolkosten vergoed voor mbo'ers", "Acht mbo-instellingen maakten afspraken met Stichting Leergeld."],
     "Schoolkosten vergoed voor mbo'ers"),
    # the body comes first: its first sentence, not a signature further down
    (["De afgelopen periode heeft de aandacht voor gelijke kansen in het onderwijs een sterke impuls gekregen. "
      "Er is op veel plekken gebouwd aan de alliantie.", "Jet Bussemaker", "Sander Dekker"],
     "De afgelopen periode heeft de aandacht voor gelijke kansen in het onderwijs een sterke impuls gekregen."),
    # a text cut mid-sentence by the extraction: its first whole sentence, not the fragment,
    # and no heading-like line further down
    (["ren in hun directe omgeving geen rolmodellen. Het helpt enorm als thuis", "dezelfde codes gelden.",
      "Schiedamse samenwerking"],
     "Het helpt enorm als thuis dezelfde codes gelden."),
    (["ren in hun directe omgeving geen rolmodellen. Het helpt", "Schiedamse samenwerking"],
     "ren in hun directe omgeving geen rolmodellen."),
])
def test_guessed_titles_of_plain_text(paragraphs, title):
    from indexer.readers.common import fallback_title

    assert fallback_title("\n\n".join(paragraphs), Path("brief.txt")) == title


def test_docx_headings_tables_and_core_title(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Tel mee met Taal"
    document.add_heading("Aanleiding", level=1)
    document.add_paragraph("Laaggeletterdheid van ouders werkt door in de taalontwikkeling van kinderen.")
    document.add_heading("Aanpak in de gemeente", level=2)
    document.add_paragraph("Bibliotheek en school werken samen met het consultatiebureau.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Gemeente"
    table.rows[0].cells[1].text = "Zaanstad"
    path = tmp_path / "c.docx"
    document.save(path)
    doc = read_one(path)
    assert doc.title == "Tel mee met Taal"
    assert [s.heading for s in doc.sections] == ["Aanleiding", "Aanpak in de gemeente"]
    assert "Gemeente; Zaanstad." in doc.sections[1].text  # no header row: the cells in a row


def test_docx_table_with_a_marked_header_row_reads_as_row_sentences(tmp_path):
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([["Fase", "Wanneer", "Wie"], ["Start", "2018", "NRO"], ["Eind", "2021", ""]]):
        for c, text in enumerate(cells):
            table.rows[r].cells[c].text = text
    table.rows[1].cells[1].merge(table.rows[1].cells[2])  # one text in two columns
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # "repeat as header row"
    document.save(tmp_path / "t.docx")
    doc = read_one(tmp_path / "t.docx")
    assert doc.text == "Fase: Start; Wanneer: 2018 NRO.\n\nFase: Eind; Wanneer: 2021."


def test_docx_and_pdf_properties_give_metadata_and_facets(tmp_path):
    import docx
    from fpdf import FPDF

    from indexer.nlp import analyse, load_blank_pipeline
    from indexer.nlp.enrich import enrich

    keywords = "gemeenten: Den Haag; provincies: ; themas: coaching, onderzoek en monitoring; sectoren: hbo; jaar: 2017"
    document = docx.Document()
    document.core_properties.keywords = keywords
    document.core_properties.subject = "onderzoek"
    document.core_properties.comments = "Studenten met vertraging krijgen een coach."
    document.add_paragraph("Het onderzoek liep van 2019 tot 2021 op een hogeschool.")
    document.save(tmp_path / "a.docx")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.set_keywords(keywords)
    pdf.set_subject("onderzoek")
    pdf.multi_cell(0, 8, "Het onderzoek liep van 2019 tot 2021 op een hogeschool.")
    write(tmp_path, "b.pdf", bytes(pdf.output()))
    pipeline = load_blank_pipeline()
    for name in ("a.docx", "b.pdf"):
        doc = read_one(tmp_path / name)
        assert doc.metadata["gemeenten"] == ["Den Haag"] and doc.metadata["jaar"] == 2017
        assert doc.metadata["themas"] == ["coaching", "onderzoek en monitoring"] and doc.metadata["provincies"] == []
        facets, _ = enrich(doc, analyse(doc.text, pipeline))
        assert facets["jaar"] == ["2017"] and "Den Haag" in facets["gemeente"] and facets["sector"][0] == "hbo"
        assert facets["provincie"] == ["Zuid-Holland"]  # from its municipality, not from the text
    assert read_one(tmp_path / "a.docx").metadata["samenvatting"] == "Studenten met vertraging krijgen een coach."


def test_an_empty_place_field_in_the_properties_is_not_filled_from_the_text():
    """The national statistics PDF says "gemeenten: ; provincies: ;" and mentions "Schiedamse"
    in passing: it was filed under Schiedam and Zuid-Holland."""
    from indexer.nlp import analyse, load_blank_pipeline
    from indexer.nlp.enrich import enrich

    root = Path(__file__).resolve().parents[1] / "corpus"
    doc = read_one(root / "onderzoek" / "doorstroom-mbo-hbo-cijfers.pdf")
    assert (doc.metadata["gemeenten"], doc.metadata["provincies"]) == ([], [])
    assert "Schiedam" in doc.text
    facets, _ = enrich(doc, analyse(doc.text, load_blank_pipeline()))
    assert facets["gemeente"] == [] and facets["provincie"] == []


def test_plain_keywords_and_unknown_subjects(tmp_path):
    from indexer.readers.properties import property_metadata

    assert property_metadata("armoede, taal", "Jaarverslag 2019") == {"trefwoorden": ["armoede", "taal"]}
    assert property_metadata(None, None, "Interventie") == {"type": "interventie"}
    assert property_metadata("") == {}


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.pdf", "leeg.md", "leeg.yaml", "leeg.docx"])
def test_empty_files(tmp_path, name):
    with pytest.raises(ReadError, match="empty file"):
        read_file(write(tmp_path, name, b""), tmp_path)


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage", "corrupt or truncated PDF"),
        ("geen.pdf", b"Dit is geen PDF maar gewone tekst.", "corrupt or truncated PDF"),
        ("junk.txt", bytes(range(256)) * 4, "binary content, not text"),
        ("geen.docx", b"Dit is geen zip-bestand.", "not a valid DOCX (zip) file"),
        ("fout.yaml", "id: a\nnaam: [niet gesloten\nsamenvatting: x\n", "YAML error at line 3"),
        ("geen-lijst.json", '"alleen een string"', "expected a record"),
    ],
)
def test_bad_content(tmp_path, name, data, reason):
    with pytest.raises(ReadError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_file(write(tmp_path, name, data), tmp_path)


def test_truncated_pdf(tmp_path):
    data = make_pdf("Gelijke kansen in het onderwijs. " * 20)
    with pytest.raises(ReadError, match="corrupt or truncated PDF"):
        read_file(write(tmp_path, "half.pdf", data[: len(data) // 2]), tmp_path)


def test_encrypted_pdf(tmp_path):
    with pytest.raises(ReadError, match="encrypted PDF"):
        read_file(write(tmp_path, "geheim.pdf", make_pdf("Vertrouwelijk verslag.", password="geheim")), tmp_path)


def test_pdf_without_text(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing only, as in a scan without OCR
    with pytest.raises(ReadError, match=r"no extractable text \(scanned\?\)"):
        read_file(write(tmp_path, "scan.pdf", bytes(pdf.output())), tmp_path)


def test_file_over_size_limit_is_refused_before_reading(tmp_path):
    path = write(tmp_path, "groot.txt", "Gelijke kansen. " * 10_000)
    with pytest.raises(ReadError, match=r"file is 0\.2 MB, larger than the limit of 0\.1 MB \(set GKA_MAX_FILE_MB\)"):
        read_file(path, tmp_path, max_bytes=100 * 1024)
    # just over: the sizes in MB would read alike ("1.0 MB, larger than the limit of 1 MB")
    path = write(tmp_path, "net_te_groot.txt", "Gelijke kansen. " * 65_543)  # 1,048,688 bytes
    with pytest.raises(ReadError, match=r"file is 1,048,688 bytes, larger than the limit of 1 MB \(1,048,576 bytes\)"):
        read_file(path, tmp_path, max_bytes=2**20)


def test_docx_zip_bomb(tmp_path):
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 3_000_000 + "</w:document>")
    assert path.stat().st_size < 100_000
    with pytest.raises(ReadError, match=r"DOCX expands to more than 0\.4 MB \(zip bomb\?\)"):
        read_file(path, tmp_path, max_bytes=100 * 1024)
    # just over: the sizes in MB would read alike ("1.0 MB, larger than the limit of 1 MB")
    path = write(tmp_path, "net_te_groot.txt", "Gelijke kansen. " * 65_543)  # 1,048,688 bytes
    with pytest.raises(ReadError, match=r"file is 1,048,688 bytes, larger than the limit of 1 MB \(1,048,576 bytes\)"):
        read_file(path, tmp_path, max_bytes=2**20)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"naam": None}, "record 'alliantie-voor-talent': missing required field 'naam'"),
        ({"jaar": "tweeduizend"}, "record 'alliantie-voor-talent': field 'jaar' must be integer"),
        ({"sectoren": "vmbo"}, "field 'sectoren' must be a list"),
        ({"bewijskracht": "bewezen"}, "field 'bewijskracht' has value 'bewezen', not one of"),
        ({"kleur": "blauw"}, "unknown field(s): 'kleur'"),
    ],
)
def test_invalid_records(tmp_path, change, reason):
    record = {k: v for k, v in {**RECORD, **change}.items() if v is not None}
    path = write(tmp_path, "r.json", json.dumps(record))
    with pytest.raises(RecordError) as info:
        read_file(path, tmp_path)
    assert reason in info.value.reason


def test_duplicate_record_ids(tmp_path):
    with pytest.raises(RecordError, match="duplicate record id 'alliantie-voor-talent'"):
        read_file(write(tmp_path, "dubbel.json", json.dumps([RECORD, RECORD])), tmp_path)


def test_billion_laughs_yaml_is_refused(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    with pytest.raises(ReadError, match="anchors and aliases are not allowed"):
        read_file(write(tmp_path, "lol.yaml", "\n".join(lines)), tmp_path)


@pytest.mark.parametrize("name, data", [("diep.json", "[" * 100_000 + "]" * 100_000), ("diep.yaml", "[" * 5_000 + "]" * 5_000)])
def test_deep_nesting_is_refused(tmp_path, name, data):
    with pytest.raises(ReadError, match="nested deeper than 50 levels"):
        read_file(write(tmp_path, name, data), tmp_path)



def test_deeply_nested_html_is_refused_in_bounded_time(tmp_path):
    # QA: 100,000 nested <div>s (600 kB) kept a build busy for minutes (flattening costs depth x page)
    import time

    page = write(tmp_path, "diep.html", "<html><body>" + "<div>" * 100_000 + "<p>Ouders</p></body></html>")
    started = time.perf_counter()
    with pytest.raises(ReadError, match="HTML nested deeper than 500 levels"):
        read_file(page, tmp_path)
    assert time.perf_counter() - started < 20
    shallow = write(tmp_path, "ondiep.html", "<html><body>" + "<div>" * 100 + "<p>Ouders praten mee.</p></body></html>")
    assert "Ouders praten mee." in read_file(shallow, tmp_path)[0].text


def test_a_docx_with_parts_outside_their_namespace_is_named_damaged(tmp_path):
    # QA: "could not be read (AttributeError: 'lxml.etree._Element' object has no attribute 'overrides')"
    import zipfile

    path = tmp_path / "kapot.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed")
    with pytest.raises(ReadError, match=r"not a valid DOCX file \(damaged XML\)$"):
        read_file(path, tmp_path)

def test_front_matter_yaml_error_names_line(tmp_path):
    path = write(tmp_path, "x.md", "---\ntitel: Goed\njaar: [2017\n---\n\nTekst over gelijke kansen.\n")
    with pytest.raises(ReadError, match="YAML error at line 3 in front matter"):
        read_file(path, tmp_path)


def test_nonexistent_path(tmp_path):
    with pytest.raises(ReadError, match="cannot read file"):
        read_file(tmp_path / "weg.txt", tmp_path)


# A running header longer than repair_text's 80-character furniture limit (it carries the title).
RUNNING_HEADER = "Kennisbank Testcorpus | Doorstroom van mbo naar hbo: cijfers over overstap, uitval en switchen"
PAGES = [
    "Doorstroom van mbo naar hbo\nRuim zestigduizend mbo-gediplomeerden gaan elk jaar naar het hbo.",
    "Achtergrond\nVeel studenten kiezen de route via het mbo omdat die beter past bij hun manier van leren.",
    "Lerende benadering\nOnderzoekers volgen de maatregelen om zicht te krijgen op wat werkt.",
]


@pytest.mark.parametrize("pages", [PAGES, PAGES[:2]], ids=["three-pages", "two-pages"])
def test_pdf_running_header_and_footer_are_dropped(tmp_path, pages):
    data = make_paged_pdf(pages, header=RUNNING_HEADER, footer="Rapport 2017, blad {n}")
    doc = read_one(write(tmp_path, "onderzoek/d.pdf", data), tmp_path)
    assert "Kennisbank Testcorpus" not in doc.text and "blad" not in doc.text
    # headings that occur once stay, also the first line of a page; the body is intact
    for page in pages:
        assert page.split("\n")[0] in doc.text
    assert "Ruim zestigduizend mbo-gediplomeerden gaan elk jaar naar het hbo." in doc.text
    assert "beter past bij hun manier van leren." in doc.text
    assert doc.title == "Doorstroom van mbo naar hbo"  # guessed from the page, not from the header


def test_pdf_one_page_or_once_only_lines_are_kept(tmp_path):
    one = read_one(write(tmp_path, "e.pdf", make_paged_pdf(PAGES[:1], header=RUNNING_HEADER)))
    assert RUNNING_HEADER in one.text  # no other page to recur on: not furniture
    # the header on only one of three pages is a heading of that page, not a running header
    data = make_paged_pdf(["Inleiding\n" + PAGES[0], PAGES[1], PAGES[2]])
    once = read_one(write(tmp_path, "f.pdf", data))
    assert "Inleiding" in once.text and "Achtergrond" in once.text and "Lerende benadering" in once.text


def test_markdown_emphasis_links_and_tables_become_prose(tmp_path):
    text = """# Voortijdig **schoolverlaten**

Minister Bussemaker noemt het **sollicitatiespel voor
laagtaalvaardige vrouwen** en __Tel mee met Taal__; zie *de [bron](https://example.org/bron)*
en `code`. Bestand 001_91b0f96cfdc7bc3f.txt blijft heel.

## Cijfers

| Gegeven | Volgens **de** bron |
|---|:---:|
| Aantal schoolverlaters per jaar | onder 25.000 (stand 2016) |
| Nieuwe doelstelling. | ambitieuzer |

Na de tabel.

- een item met *nadruk over
  twee regels*
- tweede item
"""
    doc = read_one(write(tmp_path, "onderzoek/v.md", text), tmp_path)
    assert doc.title == "Voortijdig schoolverlaten"
    assert [s.heading for s in doc.sections] == ["Voortijdig schoolverlaten", "Cijfers"]
    intro, cijfers = (s.text for s in doc.sections)
    assert intro == (
        "Minister Bussemaker noemt het sollicitatiespel voor laagtaalvaardige vrouwen en Tel mee met Taal;"
        " zie de bron en code. Bestand 001_91b0f96cfdc7bc3f.txt blijft heel."
    )
    assert cijfers == (
        "Gegeven: Aantal schoolverlaters per jaar; Volgens de bron: onder 25.000 (stand 2016).\n"
        "Gegeven: Nieuwe doelstelling; Volgens de bron: ambitieuzer."
        "\n\nNa de tabel."
        "\n\n- een item met nadruk over twee regels\n- tweede item"
    )
    assert "|" not in doc.text and "*" not in doc.text and "_" not in doc.text.replace("001_91b", "")


def test_markdown_table_without_header_rule_and_fenced_table(tmp_path):
    text = "Tekst.\n\n| Utrecht | 12 |\n| Zwolle | 7 |\n\n```\n| niet | omzetten |\n## geen kop\n```\n"
    doc = read_one(write(tmp_path, "t.md", text))
    assert doc.text == "Tekst.\n\nUtrecht; 12.\nZwolle; 7.\n\n| niet | omzetten | ## geen kop"


# ---- the seed texts ----------------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not available")
def test_all_seeds_read_and_repaired():
    pairs, skipped, errors = discover([SEEDS])
    assert len(pairs) == 5 and not skipped and not errors
    docs = {doc.id: doc for file, root in pairs for doc in read_file(file, root)}
    magazine = flat(docs["001_91b0f96cfdc7bc3f.txt"].text)
    assert "straatvoetbalster en verschilmaker" in magazine
    assert "loopbaanoriëntatie is de kern van het curriculum" in magazine
    assert "rapportage gelijke kansen alliantie 7" not in magazine
    assert "dezelfde codes, regels en verwachtingen" in magazine
    for letter in ("000_ffc2af399ed0854b.txt", "002_9ea25554b5d0372d.txt"):
        assert "onze referentie" not in flat(docs[letter].text)
    assert "gerichte maatregelen genomen en vooral ingezet op het verbeteren van de overgangen in het onderwijs" in flat(
        docs["000_ffc2af399ed0854b.txt"].text
    )
    assert docs["003_323f1d392dae868e.txt"].title == "De Gelijke Kansen Alliantie groeit en bloeit"
    assert docs["002_9ea25554b5d0372d.txt"].title == "Aanbiedingsbrief voortgangsrapportage Gelijke Kansen Alliantie"
    assert docs["000_ffc2af399ed0854b.txt"].title.startswith("De afgelopen periode heeft de aandacht")


def test_an_html_page_with_main_is_read_from_main_alone(tmp_path):
    page = tmp_path / "verhaal.html"
    page.write_text(
        "<html><head><title>Huiswerkklas</title></head><body>"
        "<header><p>Kopregel sitenaam</p></header>"
        "<main><h1>Huiswerkklas</h1><p>Leerlingen krijgen na school hulp bij hun huiswerk.</p></main>"
        "<aside><p>Lees ook onze andere verhalen.</p></aside>"
        "<footer><p>Cookiebeleid en contact</p></footer></body></html>", encoding="utf-8")
    doc = read_one(page, tmp_path)
    assert "hulp bij hun huiswerk" in doc.text
    for chrome in ("Kopregel", "andere verhalen", "Cookiebeleid"):
        assert chrome not in doc.text


def test_an_html_page_without_main_leaves_out_its_chrome_but_not_its_content(tmp_path):
    page = tmp_path / "voorschool.html"
    page.write_text(
        "<html><head><title>Voorschool in Gouda</title></head><body>"
        "<header><div class='logo'>Gemeente Gouda</div><div class='menu'>Inloggen Vacatures</div></header>"
        "<div id='cookie-banner'>Wij gebruiken cookies. Akkoord?</div>"
        "<div class='cc-consent'><h2>Cookies</h2><p>Toestemming geven</p></div>"
        "<h1>Voorschool in Gouda</h1>"
        "<p>Peuters met een taalachterstand gaan vier ochtenden per week naar de voorschool.</p>"
        "<article><header><h2>Vast programma</h2><p>Door Piet Jansen</p></header>"
        "<p>Pedagogisch medewerkers werken met een vast programma.</p>"
        "<footer>Bronvermelding bij het artikel</footer></article>"
        "<section><aside>Kader over ouders in de voorschool</aside></section>"
        "<div class='page-banner'><h2>Resultaten</h2><p>Meer kinderen starten zonder achterstand.</p></div>"
        "<aside>Lees ook: Parkeervergunning aanvragen</aside>"
        "<div role='contentinfo'>Sitekaart Afvalkalender</div>"
        "<footer>Copyright Gemeente Gouda - Privacyverklaring - Cookiebeleid</footer>"
        "</body></html>", encoding="utf-8")
    doc = read_one(page, tmp_path)
    for content in ("vier ochtenden", "Vast programma", "Door Piet Jansen", "vast programma.",
                    "Bronvermelding", "Kader over ouders", "zonder achterstand"):
        assert content in doc.text
    for chrome in ("Inloggen", "Gemeente Gouda", "cookies", "Toestemming", "Parkeervergunning",
                   "Sitekaart", "Copyright"):
        assert chrome not in doc.text
    assert doc.title == "Voorschool in Gouda"


def test_html_page_chrome_that_holds_the_page_title_or_the_whole_page_stays(tmp_path):
    titled = write(tmp_path, "titel.html",
                   "<html><body><header><h1>Zomerschool Zwolle</h1><p>Een uitgelicht verhaal</p></header>"
                   "<p>Leerlingen halen in de zomer hun achterstand in.</p>"
                   "<footer>Contact en privacy</footer></body></html>")
    doc = read_one(titled, tmp_path)
    assert "Zomerschool Zwolle" in doc.text and "uitgelicht verhaal" in doc.text
    assert "achterstand in" in doc.text and "privacy" not in doc.text
    wrapped = write(tmp_path, "wrapper.html",
                    "<html><body><div class='page has-cookie-bar'><h2>Schoolmaatschappelijk werk</h2>"
                    "<p>Een schoolmaatschappelijk werker helpt gezinnen met geldzorgen.</p></div>"
                    "<footer>Contact</footer></body></html>")
    assert "gezinnen met geldzorgen" in read_one(wrapped, tmp_path).text
    only_chrome = write(tmp_path, "alleen.html",
                        "<html><body><aside>Een kader over de brede brugklas</aside></body></html>")
    assert "brede brugklas" in read_one(only_chrome, tmp_path).text


def test_an_older_sites_chrome_in_divs_with_its_id_is_left_out(tmp_path):
    """<div id="header">, id="footer", role="navigation" (QA3 15): a page-level menu and footer
    were document text and found for "privacyverklaring sitemap"; a card's class="header" and a
    header div holding the page's <h1> stay."""
    from indexer import cli
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    kb = tmp_path / "kb"
    kb.mkdir()
    write(kb, "oude-site.html",
          '<html><head><title>Voorleesproject - Wijkplatform</title></head><body>'
          '<div id="header"><div class="logo">Wijkplatform Holtenbroek</div><ul class="menu"><li>Home</li>'
          "<li>Agenda</li><li>Contact</li></ul></div>"
          '<div role="navigation"><a href="/">Wijkkrant</a> | <a href="/">Buurtbus</a></div>'
          '<div id="content"><h1>Voorleesproject in Holtenbroek</h1><div class="card"><div class="header">'
          "Elke woensdag</div><p>Vrijwilligers lezen elke woensdagmiddag voor aan peuters en kleuters in het "
          "wijkcentrum. Ouders lezen mee en krijgen tips om thuis voor te lezen.</p></div></div>"
          '<div id="footer"><p>Wijkplatform Holtenbroek, Ganzenmarkt 1. Deze website maakt gebruik van cookies. '
          "Privacyverklaring | Disclaimer | Sitemap</p></div></body></html>")
    write(kb, "titelkop.html",
          '<html><body><div id="header"><h1>Brede brugklas in Zwolle</h1></div>'
          "<p>Leerlingen kiezen pas na twee jaar een niveau.</p></body></html>")
    assert cli.main(["build", str(kb), "--index", str(tmp_path / "index"), "--embedder", "fake", "--quiet"]) == 0
    service = open_service(Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake"))
    try:
        text = service.get_document("oude-site.html").text
        for chrome in ("Wijkplatform Holtenbroek", "Home", "Buurtbus", "Privacyverklaring", "Sitemap"):
            assert chrome not in text, chrome
        assert "Elke woensdag" in text and "Vrijwilligers lezen" in text
        assert "Brede brugklas in Zwolle" in service.get_document("titelkop.html").text
        found = service.search(SearchRequest("privacyverklaring sitemap", mode="keyword", k=5)).hits
        assert found == []
    finally:
        service.close()


def test_a_title_yaml_reads_as_a_number_is_the_title(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitel: 1984\n---\n\nOuders lezen voor in de klas.\n", encoding="utf-8")
    (doc,) = read_file(tmp_path / "a.md", tmp_path)
    assert doc.title == "1984"


@pytest.mark.parametrize("line, warning", [
    ("type: 7", "type '7' is no document type"),  # ignored without a word, as "type: bestaatniet" is not
    ("jaar: 2019.5", "jaar 2019.5 is no year"),  # gave the jaar facet 2019 without a word
])
def test_a_declared_value_yaml_reads_as_no_such_value_is_warned_about(tmp_path, settings, line, warning):
    from indexer.build import build_index

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text(f"---\ntitel: Voorlezen\n{line}\n---\n\nOuders lezen voor in de klas.\n",
                                         encoding="utf-8")
    report = build_index([tmp_path / "c"], settings, progress=False)
    assert any(warning in w for w in report.warnings), report.warnings
