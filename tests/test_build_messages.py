"""What a build says about files a coordinator keeps next to the documents (QA3 defects 10, 12,
13): how to fix a front-matter YAML error, Office lock files, a record value in another case."""
from __future__ import annotations

import re

import pytest

from indexer import cli
from indexer.config import Settings
from indexer.search import open_service

RECORD = """id: zomerschool-zwolle
naam: Zomerschool Zwolle
samenvatting: Leerlingen gaan twee weken in de zomer naar school.
sectoren: [PO, vo]
themas: [Verlengde leertijd]
provincies: [overijssel]
bewijskracht: Niet beoordeeld
bronnen:
  - document: eigen.txt
    vindplaats: folder
"""


def build(kb, index, capsys) -> str:
    assert cli.main(["build", str(kb), "--index", str(index), "--embedder", "fake", "--quiet"]) == 0
    return capsys.readouterr().err


def test_a_colon_in_a_front_matter_value_gets_the_quoted_line_as_its_hint(tmp_path, capsys):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "colon.md").write_text("---\ntitel: Zomerschool: evaluatie van de eerste twee jaar\ntype: onderzoek\n---\n\n"
                                 "De zomerschool is twee jaar gevolgd.\n", encoding="utf-8")
    (kb / "haakje.md").write_text("---\ntitel: Haakje\nthemas: [armoede\n---\n\nGezinnen krijgen hulp.\n", encoding="utf-8")
    (kb / "goed.md").write_text("---\ntitel: Goed\n---\n\nOuders lezen voor.\n", encoding="utf-8")
    err = build(kb, tmp_path / "index", capsys)
    assert re.search(r"^error: .*colon\.md: YAML error at line 2 in front matter: mapping values are not allowed here "
                     r'\(hint: put the value in quotes: titel: "Zomerschool: evaluatie van de eerste twee jaar"\)$',
                     err, re.M), err
    assert re.search(r"^error: .*haakje\.md: YAML error .*\(hint: check the quotes, brackets and indentation at and above that line", err, re.M)


def test_office_lock_files_are_skipped_with_a_note_not_reported_as_broken(tmp_path, capsys):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "goed.md").write_text("---\ntitel: Goed\n---\n\nOuders lezen voor.\n", encoding="utf-8")
    (kb / "~$merschool.docx").write_bytes(b"\x0bJan Jansen" + b"\x00" * 150)  # what Word leaves: 162 bytes, no zip
    err = build(kb, tmp_path / "index", capsys)
    assert "error:" not in err, err
    assert re.search(r"^skipped: .*~\$merschool\.docx \(an Office lock file: its document is open in Word", err, re.M), err


def test_a_record_value_that_differs_only_in_case_is_accepted(tmp_path, capsys):
    kb = tmp_path / "kb"
    (kb / "interventies").mkdir(parents=True)
    (kb / "interventies" / "zomerschool-zwolle.yaml").write_text(RECORD, encoding="utf-8")
    err = build(kb, tmp_path / "index", capsys)
    assert "error:" not in err and "warning:" not in err, err
    service = open_service(Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake"))
    try:
        facets = service.get_document("zomerschool-zwolle").facets
    finally:
        service.close()
    assert facets["bewijskracht"] == ["niet beoordeeld"] and facets["provincie"] == ["Overijssel"]
    assert facets["sector"][:2] == ["po", "vo"] and facets["thema"][0] == "verlengde leertijd"


def test_the_common_unreadable_files_say_what_to_do(tmp_path):
    # one error line each, with a hint: what is wrong and what to do about it
    from indexer.errors import ReadError
    from indexer.readers import read_file

    (tmp_path / "leeg.md").write_bytes(b"")
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)
    for name, hint in (("leeg.md", "save the document again"), ("kapot.pdf", "PDF viewer"),
                       ("junk.txt", "must hold text")):
        with pytest.raises(ReadError) as caught:
            read_file(tmp_path / name, tmp_path)
        assert hint in caught.value.hint, name
