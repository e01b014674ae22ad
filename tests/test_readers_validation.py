"""Readers refuse malformed files that used to be indexed silently (QA): front matter never
closed, a record id that is not its file name, and record fields missing (all named at once)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from indexer.build import build_index
from indexer.errors import ReadError, RecordError
from indexer.readers import read_file

UNCLOSED = "---\ntitle: Nooit afgesloten front matter\ntype: praktijkverhaal\n\nDe school werkt met ouders samen.\n"
RECORD_YAML = """id: {id}
naam: Alliantie voor Talent Schiedam
samenvatting: Werkgevers, bibliotheek en sportclub werken samen met het Lentiz College.
sectoren: [vmbo, mbo]
themas: [talentontwikkeling]
bewijskracht: niet beoordeeld
bronnen:
  - document: 001_91b0f96cfdc7bc3f.txt
    vindplaats: magazine, Schiedam
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- Markdown front matter ---------------------------------------------------------------


def test_unclosed_front_matter_is_a_read_error_with_a_hint(tmp_path):
    path = write(tmp_path, "open.md", UNCLOSED)
    with pytest.raises(ReadError) as info:
        read_file(path, tmp_path)
    assert info.value.reason == "front matter opened on line 1 is never closed with ---"
    assert "add a line --- after line 3" in info.value.hint


def test_unclosed_front_matter_with_a_multiline_value_names_its_last_line(tmp_path):
    text = "---\ntitel: Open\nthemas:\n  - sport\nsamenvatting: >-\n  Twee regels\n  tekst.\n# Kop\n\nTekst.\n"
    with pytest.raises(ReadError) as info:
        read_file(write(tmp_path, "lang.md", text), tmp_path)
    assert "after line 7" in info.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "---\nDit verhaal begint met een lijn en daarna gewone tekst.\n\nMeer tekst.\n",
        "---\nLet op: dit is tekst na een horizontale lijn.\n\nMeer tekst.\n",
        "---\n\ntitel: na een witregel is dit tekst\n",  # the escape the hint offers
        "---\n# Kop na een lijn\n\nTekst onder de kop.\n",
        "---\nSamenvatting: dit stuk gaat over ouders.\n\nTekst over ouders.\n",  # a capitalised label is prose
    ],
)
def test_leading_horizontal_rule_with_prose_is_still_body_text(tmp_path, text):
    [doc] = read_file(write(tmp_path, "lijn.md", text), tmp_path)
    assert set(doc.metadata) <= {"title_source"} and doc.text.strip()  # no front matter keys


def test_closed_front_matter_is_unchanged(tmp_path):
    [doc] = read_file(write(tmp_path, "dicht.md", UNCLOSED.replace("\n\n", "\n---\n", 1)), tmp_path)
    assert doc.title == "Nooit afgesloten front matter" and doc.doc_type == "praktijkverhaal"
    assert "title:" not in doc.text


# ---- intervention records ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["wrong-id.yaml", "wrong-id.yml", "wrong-id.json"])
def test_record_id_must_equal_the_file_name(tmp_path, name):
    text = RECORD_YAML.format(id="iets-anders")
    if name.endswith(".json"):
        text = json.dumps(yaml.safe_load(text))
    with pytest.raises(RecordError) as info:
        read_file(write(tmp_path, f"interventies/{name}", text), tmp_path)
    assert f"record id 'iets-anders' differs from the file name '{name}'" in info.value.reason
    assert info.value.hint.startswith(f"rename the file to iets-anders{Path(name).suffix}")


def test_record_named_after_its_id_is_read(tmp_path):
    [doc] = read_file(write(tmp_path, "interventies/talent.yaml", RECORD_YAML.format(id="talent")), tmp_path)
    assert doc.id == "talent"


def test_files_of_several_records_are_not_named_after_one(tmp_path):
    records = "interventies:\n" + "".join(
        "  - " + RECORD_YAML.format(id=rid).replace("\n", "\n    ").rstrip() + "\n" for rid in ("een", "twee")
    )
    docs = read_file(write(tmp_path, "verzameling.yaml", records), tmp_path)
    assert [d.id for d in docs] == ["een", "twee"]


def test_all_missing_required_fields_are_named_at_once(tmp_path):
    text = "id: half\nnaam: Half record\nbronnen:\n  - document: 001_91b0f96cfdc7bc3f.txt\n"
    with pytest.raises(RecordError) as info:
        read_file(write(tmp_path, "half.yaml", text), tmp_path)
    assert info.value.reason == (
        "record 'half': missing required fields 'samenvatting', 'sectoren', 'themas', 'bewijskracht'; "
        "field 'bronnen.0': missing required field 'vindplaats'"
    )


def test_every_problem_of_a_record_is_named_at_once(tmp_path):
    """QA: a record with five problems took five builds to fix, one reported per build; all of
    them are named now, summed up by kind so the report stays one line."""
    text = ("id: verkeerde-types\nnaam: Verkeerde types\nsamenvatting: Een samenvatting die lang genoeg is.\n"
            "beschrijving: [dit, is, een, lijst]\nsectoren: [po, kleuters]\nthemas: [armoede]\ngemeenten: 17\n"
            "onbekend: waarde\nbewijskracht: superbewezen\nresultaten: [ook, een, lijst]\n"
            "bronnen: [{document: x.txt}]\n")
    with pytest.raises(RecordError) as info:
        read_file(write(tmp_path, "interventies/verkeerd.yaml", text), tmp_path)
    assert info.value.reason == (
        "record 'verkeerde-types': missing 'bronnen.0.vindplaats'; unknown 'onbekend'; "
        "not text: beschrijving, resultaten; not an allowed value: sectoren.1 'kleuters', bewijskracht "
        "'superbewezen'; not a list: gemeenten; "
        "its id 'verkeerde-types' differs from the file name 'verkeerd.yaml'")
    # one problem alone is described in full, as before
    with pytest.raises(RecordError) as info:
        read_file(write(tmp_path, "verkeerde-types.yaml", text.split("sectoren")[0] + "sectoren: [po]\n"
                        "themas: [armoede]\nbewijskracht: niet beoordeeld\n"
                        "bronnen: [{document: x.txt, vindplaats: blz 3}]\n"), tmp_path)
    assert info.value.reason.startswith("record 'verkeerde-types': field 'beschrijving' must be text")


# ---- build -------------------------------------------------------------------------------


def test_build_reports_each_bad_file_and_indexes_the_rest(tmp_path, settings, corpus_copy):
    write(corpus_copy, "praktijkverhalen/open.md", UNCLOSED)
    write(corpus_copy, "interventies/wrong-id.yaml", RECORD_YAML.format(id="iets-anders"))
    report = build_index([corpus_copy], settings, progress=False)
    assert report.documents == 6  # the mini corpus, nothing of the two bad files
    assert sorted(report.errors) == sorted([
        f"{corpus_copy / 'interventies' / 'wrong-id.yaml'}: record id 'iets-anders' differs from the file "
        "name 'wrong-id.yaml' (the id must be the file name without its extension) "
        "(hint: rename the file to iets-anders.yaml or change the id to wrong-id)",
        f"{corpus_copy / 'praktijkverhalen' / 'open.md'}: front matter opened on line 1 is never closed with --- "
        "(hint: add a line --- after line 3; if the first --- is a horizontal rule, leave a blank line after it)",
    ])
