"""QA findings on the indexer's command line (build / stats / search / eval), each reproduced
with a tiny corpus in tmp_path and the fake embedder."""
from __future__ import annotations

import json
import random
import re
import shutil

import pytest

from indexer import cli
from indexer.model import SearchRequest
from indexer.passages import MAX_CHARS
from indexer.ranking.snippets import SNIPPET_MAX_CHARS
from indexer.search import open_service

PAGE = """<html><head><title>Voorschool in Gouda</title></head><body>
<header><div class="logo">Gemeente Gouda</div><div class="menu">Inloggen Zoeken Contact Vacatures</div></header>
<div id="cookie-banner">Wij gebruiken cookies. Akkoord?</div>
<h1>Voorschool in Gouda</h1>
<p>Peuters met een taalachterstand gaan in Gouda vier ochtenden per week naar de voorschool.
Pedagogisch medewerkers werken met een vast programma.</p>
<aside>Lees ook: Parkeervergunning aanvragen</aside>
<footer>Copyright Gemeente Gouda – Privacyverklaring – Cookiebeleid</footer>
</body></html>
"""
COUNTS = ("# Mentoren op Zuid\n\nStudenten zijn mentor van leerlingen op Rotterdam-Zuid. "
          "Ruim 2000 leerlingen hadden een mentor en 1500 ouders deden mee.\n")


@pytest.fixture(scope="module")
def qa_index(tmp_path_factory):
    """(corpus, index dir) of the QA's small repros: a page without <main>, a text whose counts
    look like years, and 200,000 letters without a space."""
    root = tmp_path_factory.mktemp("qa")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "geen_main.html").write_text(PAGE, encoding="utf-8")
    (corpus / "jaar.md").write_text(COUNTS, encoding="utf-8")
    letters = random.Random(7).choices("abcdefghijklmnopqrstuvwxyz", k=200_000)
    (corpus / "geen_spaties.txt").write_text("".join(letters), encoding="utf-8")
    index = root / "index"
    assert cli.main(["build", str(corpus), "--index", str(index), "--embedder", "fake", "--quiet"]) == 0
    return corpus, index


@pytest.fixture
def qa_service(qa_index):
    from indexer.config import Settings

    svc = open_service(Settings.from_env(env={}, index_dir=qa_index[1], embedder="fake"))
    yield svc
    svc.close()


# 3. A page without <main> had its site header, cookie banner, aside and footer indexed


def test_a_page_without_main_is_indexed_without_its_chrome(qa_service):
    doc = qa_service.get_document("geen_main.html")
    assert "vier ochtenden per week" in doc.text
    for chrome in ("Inloggen", "cookies", "Parkeervergunning", "Copyright"):
        assert chrome not in doc.text
    assert qa_service.search(SearchRequest("parkeervergunning copyright", mode="keyword")).total == 0


# 4. "Ruim 2000 leerlingen" gave the document the year 2000


def test_a_count_gives_no_year(qa_service, qa_index, capsys):
    assert qa_service.get_document("jaar.md").facets["jaar"] == []
    assert cli.main(["stats", "--index", str(qa_index[1]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["facets"]["jaar"] == {}


# 5. 2,000,000 letters without a space were one 2 MB passage with a 1.3 MB snippet


def test_text_without_spaces_makes_bounded_passages_and_snippets(qa_service, qa_index, capsys):
    doc = qa_service.get_document("geen_spaties.txt")
    assert len(doc.passages) >= 200_000 // MAX_CHARS
    assert max(len(p.text) for p in doc.passages) <= MAX_CHARS
    hits = qa_service.search(SearchRequest("tekst", mode="semantic", k=50)).hits
    assert len(hits) == 50
    assert all(len(h.text) <= MAX_CHARS and len(h.snippet) <= SNIPPET_MAX_CHARS for h in hits)
    assert cli.main(["search", "tekst", "--mode", "semantic", "--k", "50", "--index", str(qa_index[1])]) == 0
    assert len(capsys.readouterr().out) < 50 * (SNIPPET_MAX_CHARS + 200)


# 11. stats printed an empty "bewijskracht" row; a damaged index gave no hint line


def test_stats_leaves_out_the_rows_of_facets_without_values(qa_index, capsys):
    assert cli.main(["stats", "--index", str(qa_index[1])]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"^(bewijskracht|jaar)\b", out, re.M), out
    assert re.search(r"^type\s+\S", out, re.M), out


# "meta": no meta row, "old meta": one without a field this version needs (a TypeError traceback)
# "words": a file only a search read (a disk-space hint, and a build kept the index as it was)
@pytest.mark.parametrize("damage", ["pointer", "store", "vectors", "meta", "old meta", "words"])
def test_a_damaged_index_gives_an_error_and_a_hint(qa_index, tmp_path, capsys, damage):
    index = tmp_path / "index"
    shutil.copytree(qa_index[1], index)
    gen = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    if damage == "pointer":
        (index / "CURRENT").write_text("gen-000099", encoding="utf-8")
    elif damage == "store":
        (gen / "store.sqlite").write_bytes(b"geen database" * 100)
    elif damage == "vectors":
        (gen / "vectors.npy").unlink()
    elif damage == "words":
        (gen / "surface_words.json").unlink()
    else:
        import sqlite3

        conn = sqlite3.connect(gen / "store.sqlite")
        if damage == "meta":
            conn.execute("DELETE FROM meta")
        else:
            meta = json.loads(conn.execute("SELECT value FROM meta").fetchone()[0])
            del meta["backend"]
            conn.execute("UPDATE meta SET value = ?", (json.dumps(meta),))
        conn.commit()
        conn.close()
    for argv in (["stats"], ["search", "ouders", "--mode", "keyword"]):
        assert cli.main([*argv, "--index", str(index)]) == 2
        err = capsys.readouterr().err
        assert re.search(r"^error: .*", err, re.M), err
        assert re.search(rf"^hint: .*python -m indexer build .*--index {re.escape(str(index))}$", err, re.M), err
    # as the hint says: the next build replaces the damaged index
    assert cli.main(["build", str(qa_index[0]), "--index", str(index), "--embedder", "fake", "--quiet"]) == 0
    assert cli.main(["stats", "--index", str(index)]) == 0
    assert cli.main(["search", "ouders", "--mode", "keyword", "--index", str(index)]) == 0


def test_an_index_analysed_by_an_older_analyzer_is_named_so_until_a_build(qa_index, tmp_path, capsys):
    # after an upgrade changed the analyzer, searches met the index's words less well, unsaid
    import sqlite3

    index = tmp_path / "index"
    shutil.copytree(qa_index[1], index)
    gen = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    conn = sqlite3.connect(gen / "store.sqlite")
    meta = json.loads(conn.execute("SELECT value FROM meta").fetchone()[0])
    meta["analyzer_version"] = "nl-v1+00000000"
    conn.execute("UPDATE meta SET value = ?", (json.dumps(meta),))
    conn.commit()
    conn.close()
    assert cli.main(["stats", "--index", str(index)]) == 0
    assert re.search(r"^analyzer +nl-v1\+00000000 \(this code analyses with nl-v\d+.*python -m indexer build",
                     capsys.readouterr().out, re.M)
    assert cli.main(["search", "ouders", "--mode", "keyword", "--index", str(index)]) == 0
    assert "analysed by an older analyzer" in capsys.readouterr().err
    assert cli.main(["build", str(qa_index[0]), "--index", str(index), "--embedder", "fake", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["search", "ouders", "--mode", "keyword", "--index", str(index)]) == 0
    assert "older analyzer" not in capsys.readouterr().err
