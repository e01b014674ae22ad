"""Incremental, resumable builds on a real mini corpus."""
import json
import re
import sys

import pytest

from indexer import cli
from indexer.build import build_index
from indexer.embeddings import make_embedder


class CountingEmbedder:
    """Wraps the fake embedder and counts the passages it embeds."""

    def __init__(self):
        self.inner = make_embedder("fake")
        self.name, self.dim = self.inner.name, self.inner.dim
        self.embedded = 0

    def embed_passages(self, texts):
        self.embedded += len(texts)
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_unchanged_corpus_embeds_nothing_and_writes_nothing(settings, corpus_copy):
    emb = CountingEmbedder()
    first = build_index([corpus_copy], settings, progress=False, embedder=emb)
    assert first.documents == 6 and first.indexed == 6
    # every passage, plus the sentence windows of the longer ones, is embedded exactly once
    assert emb.embedded == first.embedded_passages > first.passages
    emb.embedded = 0
    second = build_index([corpus_copy], settings, progress=False, embedder=emb)
    assert (second.indexed, second.unchanged, second.removed, second.written) == (0, 6, 0, False)
    assert emb.embedded == 0 and second.documents == 6


def test_a_new_reader_version_reads_every_file_again(settings, corpus_copy, monkeypatch):
    """Readers changing what they return (titles, repair) must reach an existing index: the
    reader version is part of every file's hash. Unchanged passages still come from the cache."""
    import indexer.readers

    emb = CountingEmbedder()
    build_index([corpus_copy], settings, progress=False, embedder=emb)
    monkeypatch.setattr(indexer.readers, "READER_VERSION", indexer.readers.READER_VERSION + "-next")
    emb.embedded = 0
    report = build_index([corpus_copy], settings, progress=False, embedder=emb)
    assert (report.indexed, report.unchanged) == (6, 0) and emb.embedded == 0


def test_an_edited_taxonomy_file_reads_every_file_again(settings, corpus_copy, monkeypatch, tmp_path):
    """Themes, places and sectors come from data files whose names carry a version that an
    edit may not bump: their contents are part of every file's hash."""
    import shutil

    from indexer.config import DATA_DIR
    from indexer.nlp import resources

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setattr(resources, "DATA_DIR", data)
    monkeypatch.setattr(resources, "PATTERNS_DIR", data / "patterns")
    resources.data_fingerprint.cache_clear()
    emb = CountingEmbedder()
    build_index([corpus_copy], settings, progress=False, embedder=emb)
    themes = data / "themes.v2.yaml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("lemmas: [coach,", "lemmas: [mentoring, coach,"),
                      encoding="utf-8")
    resources.data_fingerprint.cache_clear()
    report = build_index([corpus_copy], settings, progress=False, embedder=emb)
    resources.data_fingerprint.cache_clear()
    assert (report.indexed, report.unchanged) == (6, 0)


def test_edited_document_is_the_only_one_reanalysed(settings, corpus_copy):
    emb = CountingEmbedder()
    build_index([corpus_copy], settings, progress=False, embedder=emb)
    story = corpus_copy / "praktijkverhalen" / "sport-rotterdam.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOok de ouders komen kijken naar de wedstrijden.\n", encoding="utf-8")
    emb.embedded = 0
    report = build_index([corpus_copy], settings, progress=False, embedder=emb)
    assert (report.indexed, report.unchanged) == (1, 5)
    assert emb.embedded == 1  # the story is one passage
    (corpus_copy / "agendas" / "apeldoorn.md").unlink()
    report = build_index([corpus_copy], settings, progress=False, embedder=emb)
    assert (report.indexed, report.removed, report.documents) == (0, 1, 5)


def test_interrupted_embedding_resumes_from_cache(settings, corpus_copy):
    class Failing(CountingEmbedder):
        def embed_passages(self, texts):
            if self.embedded >= 3:
                raise KeyboardInterrupt
            return super().embed_passages(texts)

    emb = Failing()
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus_copy], settings, progress=False, embedder=emb)
    done_before = emb.embedded
    emb2 = CountingEmbedder()
    report = build_index([corpus_copy], settings, progress=False, embedder=emb2)
    assert report.documents == 6
    clean = CountingEmbedder()
    build_index([corpus_copy], settings.with_(index_dir=settings.index_dir.parent / "clean"), progress=False, embedder=clean)
    assert 0 < done_before and emb2.embedded == clean.embedded - done_before


def test_bad_files_are_reported_and_the_rest_is_indexed(settings, corpus_copy):
    (corpus_copy / "leeg.txt").write_bytes(b"")
    (corpus_copy / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (corpus_copy / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (corpus_copy / "interventies" / "fout.yaml").write_text("id: fout\nnaam: Zonder velden\n")
    (corpus_copy / "plaatje.png").write_bytes(b"\x89PNG")
    report = build_index([corpus_copy, corpus_copy / "bestaat-niet"], settings, progress=False)
    assert report.documents == 6
    joined = "\n".join(report.errors)
    for name in ("leeg.txt", "kapot.pdf", "junk.txt", "fout.yaml", "bestaat-niet"):
        assert name in joined
    assert len(report.errors) == 5
    assert any("plaatje.png" in s for s in report.skipped)


def test_changing_embedder_rebuilds_everything(settings, corpus_copy):
    build_index([corpus_copy], settings, progress=False)
    report = build_index([corpus_copy], settings.with_(embedder="fake:32"), progress=False)
    assert report.indexed == 6 and report.embedder == "fake:32"


def test_cli_names_a_missing_input_file_without_touching_the_index(settings, corpus_copy, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    idx = str(settings.index_dir)
    assert cli.main(["build", str(corpus_copy), "--index", idx, "--quiet"]) == 0
    capsys.readouterr()
    missing = str(corpus_copy / "bestaat-niet")
    assert cli.main(["build", str(corpus_copy), missing, "--index", idx, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"no such file or folder: {missing}" in err and "disk space" not in err
    assert cli.main(["eval", missing + ".jsonl", "--index", idx]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "No such file" in err and "disk space" not in err
    assert cli.main(["stats", "--index", idx, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 6  # the index is as it was


def test_cli_build_stats_search(settings, corpus_copy, capsys, monkeypatch):
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    idx = str(settings.index_dir)
    assert cli.main(["build", str(corpus_copy), "--index", idx, "--quiet"]) == 0
    assert "6 documents" in capsys.readouterr().out
    assert cli.main(["stats", "--index", idx, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 6 and stats["embedder"] == "fake:64"
    assert stats["pipeline"].startswith(("blank:nl", "nl_core_news_sm"))
    assert stats["facets"]["gemeente"]["Schiedam"] == 1
    assert cli.main(["search", "huiswerkbegeleiding", "--index", idx, "--json", "--k", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hits"][0]["doc_id"] == "praktijkverhalen/huiswerkklas-schiedam.md"
    batch = settings.index_dir.parent / "q.jsonl"
    batch.write_text('{"id": "a", "query": "brede brugklas"}\n{"id": "b", "query": "gymles"}\n')
    assert cli.main(["search", "--batch", str(batch), "--index", idx, "--k", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["hits"][0]["doc_id"] == "brede-brugklas-amsterdam" and "text" in lines[0]["hits"][0]
    judged = settings.index_dir.parent / "judged.jsonl"
    judged.write_text('{"id": "h", "query": "huiswerkbegeleiding", "relevant": '
                      '[{"doc": "x", "phrases": ["begeleiding bij huiswerk"], "grade": 2}]}\n')
    assert cli.main(["eval", str(judged), "--index", idx, "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(scores) == {"keyword", "semantic", "hybrid"}
    assert scores["keyword"]["queries"]["h"]["ndcg"] == 1.0  # the Schiedam passage first
    assert scores["keyword"]["mean"]["snippet"] == 1.0  # and its snippet shows the phrase
    assert cli.main(["eval", str(judged), "--index", idx, "--mode", "keyword"]) == 0
    assert "| keyword | 1.000 | 1.000 | 1.000 | 1.000 |" in capsys.readouterr().out


def test_cli_errors_have_hints(tmp_path, capsys, built_index):
    assert cli.main(["stats", "--index", str(tmp_path / "geen")]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "hint: build one first" in err
    index = str(built_index[0].index_dir)  # a real index: the filter itself is what fails
    assert cli.main(["search", "x", "--index", index, "--filter", "kleur=rood"]) == 2
    err = capsys.readouterr().err
    assert "bad filter 'kleur=rood'" in err and "gemeente" in err
    assert cli.main(["search", "x", "--index", index, "--mode", "keyword", "--filter", "gemeente=Schiedam"]) == 0


def test_sentence_windows_can_be_switched_off(settings, corpus_copy):
    with_windows = CountingEmbedder()
    build_index([corpus_copy], settings, progress=False, embedder=with_windows)
    without = CountingEmbedder()
    report = build_index([corpus_copy], settings.with_(sentence_windows=False, index_dir=settings.index_dir.parent / "nw"),
                         progress=False, embedder=without)
    assert without.embedded == report.passages < with_windows.embedded


def test_gkaignore_keeps_generator_sources_out_of_the_index(settings, corpus_copy):
    tools = corpus_copy / "tools" / "sources"
    tools.mkdir(parents=True)
    (tools / "bron.md").write_text("---\ntitel: Bron\n---\nDubbele tekst.\n", encoding="utf-8")
    (corpus_copy / "concept.md").write_text("---\ntitel: Concept\n---\nNog niet af.\n", encoding="utf-8")
    (corpus_copy / ".gkaignore").write_text("# generator\ntools/\nconcept.md\n", encoding="utf-8")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.documents == 6 and not report.errors


def test_cli_batch_rejects_a_broken_line_with_its_number(built_index, tmp_path, capsys):
    settings, _ = built_index
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "ouders"}\nniet json\n')
    assert cli.main(["search", "--batch", str(batch), "--index", str(settings.index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # the whole file is checked first: no half-printed batch
    assert "q.jsonl:2" in captured.err


def test_cli_batch_refuses_search_options_on_a_line_and_passes_other_keys(built_index, tmp_path, capsys):
    """A line's "filters" would be ignored and its results look filtered; an eval file's own
    keys ("relevant", "lang") are not search options and the file runs as a batch."""
    settings, _ = built_index
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "ouders", "filters": {"type": ["agenda"]}}\n'
                     '{"id": "b", "query": "ouders", "mode": "keyword"}\n')
    assert cli.main(["search", "--batch", str(batch), "--index", str(settings.index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "q.jsonl:1: 'filters' on a line is not read" in captured.err and "(--filter)" in captured.err
    assert "q.jsonl:2: 'mode' on a line is not read" in captured.err and "(--mode)" in captured.err
    batch.write_text('{"id": "a", "query": "ouders", "lang": "nl", "relevant": []}\n')
    assert cli.main(["search", "--batch", str(batch), "--index", str(settings.index_dir), "--k", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "a"


def test_cli_output_cut_short_by_its_reader_is_not_an_index_error(built_index, tmp_path):
    """`python -m indexer search --batch ... | head -c 10`: the closed pipe ends the command
    quietly (141, as a shell reports SIGPIPE), not with the disk-space hint of an index error."""
    import os
    import subprocess

    settings, _ = built_index
    batch = tmp_path / "q.jsonl"
    batch.write_text("".join(f'{{"id": "{i}", "query": "ouders school"}}\n' for i in range(400)))
    env = {**os.environ, "GKA_EMBEDDER": "fake"}
    proc = subprocess.Popen([sys.executable, "-m", "indexer", "search", "--batch", str(batch), "--k", "50",
                             "--index", str(settings.index_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert len(proc.stdout.read(10)) == 10
    proc.stdout.close()  # the reader goes away while the batch is still writing
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "error" not in err and "disk space" not in err


def test_an_update_that_would_empty_the_index_leaves_it_unchanged(settings, corpus_copy, tmp_path, monkeypatch):
    """A wrong or empty folder, one file or a subfolder of the corpus, a corpus whose every file
    fails: no reason to remove any document. The build is refused and the live index keeps
    serving what it had; where the file names already tell, before any file is read."""
    import indexer.readers
    from indexer.errors import GkaError
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    broken, empty = tmp_path / "broken", tmp_path / "empty"
    broken.mkdir(), empty.mkdir()
    (broken / "leeg.md").write_text("", encoding="utf-8")
    (broken / "kapot.pdf").write_bytes(b"geen pdf")
    real_read, read = indexer.readers.read_file, []
    monkeypatch.setattr(indexer.readers, "read_file", lambda path, *a, **kw: read.append(path) or real_read(path, *a, **kw))
    with pytest.raises(GkaError, match="2 files found in the given paths, and the index's 6 documents would all be removed"):
        build_index([broken], settings, progress=False)
    assert read == []
    for path in corpus_copy.rglob("*.*"):  # the corpus itself, every file now unreadable: each keeps its version
        path.write_bytes(b"")
    report = build_index([corpus_copy], settings, progress=False)
    assert len(read) == 6 and len(report.errors) == 6 and report.removed == 0
    with pytest.raises(GkaError, match="nothing could be indexed: no documents in"):
        build_index([empty], settings, progress=False)
    # one file or a subfolder of the corpus given instead of it: ids are relative to what is given
    with pytest.raises(GkaError, match="1 file found .* 6 documents would all be removed"):
        build_index([corpus_copy / "agendas" / "apeldoorn.md"], settings, progress=False)
    with pytest.raises(GkaError, match="would all be removed"):
        build_index([corpus_copy / "praktijkverhalen"], settings, progress=False)
    # not even a full rebuild replaces the index by one of nothing (--rebuild of a folder with
    # documents still replaces it on purpose)
    with pytest.raises(GkaError, match="nothing could be indexed: no documents in"):
        build_index([empty], settings, progress=False, rebuild=True)
    svc = open_service(settings)
    assert svc.stats().documents == 6
    svc.close()


def test_one_file_given_instead_of_the_corpus_removes_nothing(settings, corpus_copy, tmp_path):
    """A file at the corpus's top keeps its id, so the old guard (every document removed) let it
    through and the other documents went: a build of files only never removes others."""
    from indexer.errors import GkaError
    from indexer.search import open_service

    top = corpus_copy / "bovenaan.md"
    top.write_text("# Bovenaan\n\nOuders helpen bij huiswerk in de bibliotheek van de wijk.\n", encoding="utf-8")
    build_index([corpus_copy], settings, progress=False)
    with pytest.raises(GkaError, match="1 file found in the given files, and 6 of the index's 7 documents"):
        build_index([top], settings, progress=False)
    svc = open_service(settings)
    assert svc.stats().documents == 7
    svc.close()


def test_a_rebuild_the_build_chooses_itself_is_guarded_too(settings, corpus_copy, capsys):
    """Another embedder (or analyzer, after an upgrade) rebuilds from scratch: a subfolder given
    then must not silently become the whole index, and the summary says what went."""
    from indexer.errors import GkaError
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    other = settings.with_(embedder="fake:32")
    with pytest.raises(GkaError, match="would all be removed"):
        build_index([corpus_copy / "praktijkverhalen"], other, progress=False)
    svc = open_service(settings)
    assert svc.stats().documents == 6 and svc.stats().meta.dim == 64
    svc.close()
    (corpus_copy / "agendas" / "apeldoorn.md").unlink()
    report = build_index([corpus_copy], other, progress=False)
    assert report.indexed == 5 and report.removed == 1
    assert any("rebuilt from scratch" in w and "fake:32" in w for w in report.warnings)


def test_an_index_of_another_layout_is_rebuilt_not_refused(settings, corpus_copy, monkeypatch):
    """A backend whose index layout changed (Elasticsearch's mapping version) cannot update an
    index of the old layout in place: the build rebuilds it from scratch and says why, as for
    another analyzer, instead of refusing it after reading and embedding every file."""
    from indexer.backends.embedded.backend import EmbeddedBackend
    from indexer.search import open_service

    build_index([corpus_copy], settings, progress=False)
    monkeypatch.setattr(EmbeddedBackend, "layout_version", "7")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.indexed == 6 and report.unchanged == 0
    assert any("rebuilt from scratch: index layout - → 7" in w for w in report.warnings), report.warnings
    svc = open_service(settings)
    assert svc.stats().meta.mapping_version == "7" and svc.stats().documents == 6
    svc.close()
    again = build_index([corpus_copy], settings, progress=False)
    assert again.indexed == 0 and again.unchanged == 6 and not again.warnings


def test_a_large_document_gets_a_note_off_a_terminal_unless_quiet(settings, corpus_copy, capsys, monkeypatch):
    import indexer.build_documents as build_documents

    monkeypatch.setattr(build_documents, "LARGE_DOCUMENT_TEXTS", 3)
    build_index([corpus_copy], settings, progress=None)  # pytest's stderr is no terminal: no bar
    err = capsys.readouterr().err
    assert re.search(r"^note: \S+: \d+ passages and \d+ sentence windows to embed with fake", err, re.M), err
    (corpus_copy / "agendas" / "apeldoorn.md").write_text("# Apeldoorn\n\n" + "Ouders en school. " * 300,
                                                          encoding="utf-8")
    build_index([corpus_copy], settings, progress=False)  # --quiet
    assert "note:" not in capsys.readouterr().err


def test_a_symbolic_link_that_loops_or_leads_nowhere_is_skipped(settings, corpus_copy):
    (corpus_copy / "lus.md").symlink_to("lus.md")
    (corpus_copy / "a.md").symlink_to("b.md")
    (corpus_copy / "b.md").symlink_to("a.md")
    (corpus_copy / "weg.md").symlink_to("bestaat-niet.md")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.documents == 6  # the rest of the folder is indexed
    skipped = "\n".join(report.skipped)
    assert "lus.md (a symbolic link that loops)" in skipped and "a.md (a symbolic link that loops)" in skipped
    assert "weg.md (a broken symbolic link)" in skipped



def test_a_named_pipe_is_skipped_not_waited_on(settings, corpus_copy):
    # QA: a FIFO in the corpus (or given) hung the build: opening it to hash waits for a writer
    import os

    from indexer.readers import discover

    os.mkfifo(corpus_copy / "pijp.md")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.documents == 6
    assert any("pijp.md (not a regular file: a pipe, socket or device)" in s for s in report.skipped), report.skipped
    files, _, errors = discover([corpus_copy / "pijp.md"])
    assert files == [] and "not a regular file" in str(errors[0])

def test_a_loop_given_directly_is_named_as_such():
    import tempfile
    from pathlib import Path

    from indexer.readers import discover

    with tempfile.TemporaryDirectory() as tmp:
        loop = Path(tmp) / "lus.md"
        loop.symlink_to("lus.md")
        files, _, errors = discover([loop])
        assert files == [] and [e.reason for e in errors] == ["a symbolic link that loops"]


def test_one_document_id_from_two_files_keeps_the_first_on_every_build(settings, tmp_path):
    for folder, town in (("a", "Arnhem"), ("b", "Nijmegen")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.md").write_text(f"# Aanpak in {town}\n\nOuders en scholen in {town} werken samen.\n",
                                                encoding="utf-8")
    from indexer.search import open_service

    for _ in range(3):
        report = build_index([tmp_path / "a", tmp_path / "b"], settings, progress=False)
        assert report.documents == 1
        assert any(e.startswith(str(tmp_path / "b" / "x.md")) and f"already that of {tmp_path / 'a' / 'x.md'}" in e
                   for e in report.errors), report.errors
        service = open_service(settings)
        try:
            assert "Arnhem" in service.get_document("x.md").text  # not alternating with Nijmegen
        finally:
            service.close()


def _unreadable(monkeypatch, target):
    """Reading ``target`` fails as a file under chmod 000 does (the tests run as root)."""
    from indexer import build as build_module

    real_hash = build_module.file_hash

    def locked(path, rel, salt):
        if path == target:
            raise PermissionError(13, "Permission denied")
        return real_hash(path, rel, salt)

    monkeypatch.setattr(build_module, "file_hash", locked)


def _unlistable(monkeypatch, name):
    """Folders called ``name`` cannot be listed, as under chmod 000 (the tests run as root)."""
    import os

    from indexer import readers

    real_walk = os.walk

    def walk(top, onerror=None, **kw):
        for dirpath, dirnames, filenames in real_walk(top, onerror=onerror, **kw):
            if name in dirnames:
                dirnames.remove(name)
                onerror(PermissionError(13, "Permission denied", os.path.join(dirpath, name)))
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(readers.os, "walk", walk)


def test_an_unreadable_file_or_folder_keeps_its_documents(settings, corpus_copy, monkeypatch):
    first = build_index([corpus_copy], settings, progress=False)
    _unreadable(monkeypatch, corpus_copy / "praktijkverhalen" / "sport-rotterdam.md")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.removed == 0 and report.documents == first.documents
    assert any("sport-rotterdam.md: cannot read" in e and "kept" in e for e in report.errors)
    monkeypatch.undo()

    _unlistable(monkeypatch, "agendas")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.removed == 0 and report.documents == first.documents
    assert any("agendas: folder cannot be read" in e for e in report.errors), report.errors


def test_the_refusal_before_reading_stands_down_where_it_cannot_be_sure(settings, corpus_copy, tmp_path, monkeypatch):
    """The early refusal goes by file names: it leaves alone the documents of a folder that
    cannot be listed, and stands down when a record file is given (a record's id is its own)
    or a symbolic link makes an id differ from the given path (the file's hash keeps it)."""
    import shutil

    import indexer.readers
    from indexer.errors import GkaError

    records = tmp_path / "records"
    shutil.copytree(corpus_copy / "interventies", records)
    shutil.rmtree(corpus_copy / "interventies")  # no record file: the early check applies
    alone = tmp_path / "alone"
    shutil.copytree(corpus_copy / "agendas", alone / "agendas")
    assert build_index([alone], settings, progress=False).indexed == 1
    (alone / "nieuw.md").write_text("# Nieuw\n\nOuders lezen voor in de bibliotheek.\n", encoding="utf-8")
    _unlistable(monkeypatch, "agendas")
    report = build_index([alone], settings, progress=False)  # not "the index's 1 document would be removed"
    assert report.removed == 0 and report.indexed == 1 and report.documents == 2
    monkeypatch.undo()
    assert build_index([corpus_copy], settings, progress=False, rebuild=True).indexed == 5

    real_read, read = indexer.readers.read_file, []
    monkeypatch.setattr(indexer.readers, "read_file", lambda path, *a, **kw: read.append(path) or real_read(path, *a, **kw))
    with pytest.raises(GkaError, match="1 document found in the given paths, and the index's 5 documents would all be"):
        build_index([records], settings, progress=False)
    assert read  # read first: a record could have moved here from another file

    linked = tmp_path / "linked"
    (linked / ".bron").mkdir(parents=True)
    (linked / ".bron" / "a.md").write_text("# Taal\n\nVoorlezen met ouders thuis.\n", encoding="utf-8")
    (linked / "a.md").symlink_to(linked / ".bron" / "a.md")
    other = settings.with_(index_dir=tmp_path / "linked-index")
    build_index([linked], other, progress=False)
    (linked / ".bron" / "a.md").rename(linked / ".bron" / "b.md")
    (linked / "a.md").unlink()
    (linked / "a.md").symlink_to(linked / ".bron" / "b.md")
    again = build_index([linked], other, progress=False)
    assert again.unchanged == 1 and again.removed == 0 and again.errors == []


def test_an_index_inside_the_corpus_folder_is_not_read_as_documents(corpus_copy):
    from indexer.config import Settings

    settings = Settings.from_env(env={}, index_dir=corpus_copy / "index", embedder="fake")
    first = build_index([corpus_copy], settings, progress=False)
    again = build_index([corpus_copy], settings, progress=False)
    assert again.errors == [] and not any("index" in s for s in again.skipped), (again.errors, again.skipped)
    assert again.documents == first.documents == 6 and again.unchanged == 6


def test_a_declared_value_the_index_cannot_use_is_a_warning(settings, corpus_copy, capsys):
    story = corpus_copy / "praktijkverhalen" / "odd.md"
    story.write_text("---\ntitel: Zomerschool\ntype: bestaatniet\njaar: tweeduizend\n---\n\n"
                     "Leerlingen gaan in de zomer naar school om hun taal bij te houden.\n", encoding="utf-8")
    agenda = corpus_copy / "praktijkverhalen" / "alias.md"
    agenda.write_text("---\ntitel: Lokale agenda\ntype: agenda's\n---\n\nDe gemeente maakt afspraken met scholen.\n",
                      encoding="utf-8")
    assert cli.main(["build", str(corpus_copy), "--index", str(settings.index_dir), "--embedder", "fake", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^warning: .*odd\.md: type 'bestaatniet' is no document type .*read from the text: ", err, re.M), err
    assert re.search(r"^warning: .*odd\.md: jaar 'tweeduizend' is no year", err, re.M), err
    assert "alias.md" not in err  # "agenda's" is read as filters read it
    from indexer.search import open_service

    service = open_service(settings)
    try:
        assert service.get_document("praktijkverhalen/alias.md").doc_type == "agenda"
    finally:
        service.close()


def test_the_warnings_of_an_unchanged_file_are_repeated_on_every_build(settings, corpus_copy):
    story = corpus_copy / "praktijkverhalen" / "odd.md"
    story.write_text("---\ntitel: Zomerschool\ntype: praktijkverhal\nthemas: [taal]\n---\n\n"
                     "Leerlingen gaan in de zomer naar school om hun taal bij te houden.\n", encoding="utf-8")
    first = build_index([corpus_copy], settings, progress=False)
    about = [w for w in first.warnings if "odd.md" in w]
    assert len(about) == 2 and "type 'praktijkverhal'" in about[0] and "thema 'taal'" in about[1], first.warnings
    again = build_index([corpus_copy], settings, progress=False)  # nothing changed, nothing re-read
    assert again.indexed == 0 and again.unchanged == first.documents
    assert [w for w in again.warnings if "odd.md" in w] == about  # the typo is still there: so is its warning
    (corpus_copy / "praktijkverhalen" / "sport-rotterdam.md").unlink()  # a write of the other files' changes
    assert [w for w in build_index([corpus_copy], settings, progress=False).warnings if "odd.md" in w] == about
    story.write_text(story.read_text(encoding="utf-8").replace("praktijkverhal\n", "praktijkverhaal\n")
                     .replace("[taal]", "[taalontwikkeling]"), encoding="utf-8")
    fixed = build_index([corpus_copy], settings, progress=False)
    assert fixed.indexed == 1 and not [w for w in fixed.warnings if "odd.md" in w]
    assert not [w for w in build_index([corpus_copy], settings, progress=False).warnings if "odd.md" in w]


def test_a_corpus_inside_the_folder_given_keeps_its_gkaignore_and_folder_links_are_named(tmp_path):
    import shutil

    from pathlib import Path

    from indexer.readers import discover

    ROOT = Path(__file__).resolve().parents[1]

    parent = tmp_path / "alles"
    shutil.copytree(ROOT / "corpus", parent / "corpus")
    (parent / "koppeling").symlink_to(parent / "corpus" / "agendas")
    files, skipped, errors = discover([parent])
    alone, _, _ = discover([ROOT / "corpus"])
    assert len(files) == len(alone) and not errors  # corpus/.gkaignore keeps its generator sources out
    assert not any("/tools/" in f.as_posix() for f, _ in files)
    assert any("koppeling (a symbolic link to a folder, not followed)" in line for line in skipped)


def test_an_identical_copy_is_indexed_with_a_warning(settings, corpus_copy):
    import shutil

    story = corpus_copy / "praktijkverhalen" / "sport-rotterdam.md"
    shutil.copy(story, corpus_copy / "praktijkverhalen" / "sport-rotterdam-kopie.md")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.documents == 7 and report.errors == []
    assert [w for w in report.warnings if "the same content as" in w] == [
        f"{corpus_copy / 'praktijkverhalen' / 'sport-rotterdam.md'}: the same content as "
        f"{corpus_copy / 'praktijkverhalen' / 'sport-rotterdam-kopie.md'}; both are indexed, so it shows twice"]


def test_a_record_file_that_cannot_be_read_keeps_its_records(settings, corpus_copy, monkeypatch):
    """A record's id is its own, not the file's path: the unreadable file's record was removed
    while the error said it was kept."""
    first = build_index([corpus_copy], settings, progress=False)
    _unreadable(monkeypatch, corpus_copy / "interventies" / "brede-brugklas-amsterdam.yaml")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.removed == 0 and report.documents == first.documents


def test_a_file_that_fails_now_keeps_its_previous_version(settings, corpus_copy):
    """A typo in front matter (or a record that no longer validates) is reported and the
    document stays searchable as it was; a new file that fails adds nothing."""
    from indexer.model import SearchRequest
    from indexer.search import open_service

    first = build_index([corpus_copy], settings, progress=False)
    story = corpus_copy / "praktijkverhalen" / "sport-rotterdam.md"
    good = story.read_text(encoding="utf-8")
    story.write_text("---\ntitel: [kapot\n---\n" + good, encoding="utf-8")
    (corpus_copy / "nieuw-kapot.md").write_text("---\ntitel: [ook kapot\n---\nTekst.\n", encoding="utf-8")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.removed == 0 and report.documents == first.documents
    assert any("sport-rotterdam.md" in e and "previous version is kept" in e for e in report.errors)
    assert any("nieuw-kapot.md" in e and "kept" not in e for e in report.errors)
    svc = open_service(settings)
    hits = svc.search(SearchRequest("sport Rotterdam", mode="keyword", k=10)).hits
    assert any("sport-rotterdam" in h.doc_id for h in hits)
    svc.close()
    story.write_text(good.replace("Rotterdam", "Rotterdam-Zuid", 1), encoding="utf-8")
    report = build_index([corpus_copy], settings, progress=False)
    assert report.indexed == 1 and not any("sport-rotterdam" in e for e in report.errors)


def test_a_link_to_an_indexed_file_is_skipped_and_failed_files_are_no_copies(settings, tmp_path):
    corpus = tmp_path / "c"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "docs" / "origineel.md").write_text("# Origineel\n\nOuders helpen bij huiswerk.\n", encoding="utf-8")
    (corpus / "link.md").symlink_to(corpus / "docs" / "origineel.md")
    (corpus / "leeg1.md").write_text("", encoding="utf-8")
    (corpus / "leeg2.txt").write_text("", encoding="utf-8")
    report = build_index([corpus], settings, progress=False)
    assert report.documents == 1
    assert any("link.md (a link to" in line and "indexed itself" in line for line in report.skipped)
    assert not any("same content" in w for w in report.warnings), report.warnings
    assert not any("already that of" in e for e in report.errors), report.errors
    assert sum("empty" in e for e in report.errors) == 2


def test_an_index_that_is_its_own_corpus_folder_is_refused(corpus_copy):
    from indexer.config import Settings
    from indexer.errors import GkaError

    settings = Settings.from_env(env={}, index_dir=corpus_copy, embedder="fake")
    with pytest.raises(GkaError, match="is the folder of the documents given"):
        build_index([corpus_copy], settings, progress=False)
    assert not (corpus_copy / "CURRENT").exists()


def test_a_build_that_writes_nothing_still_clears_what_killed_builds_left(settings, corpus_copy):
    """A build killed between its swap and its pruning leaves an older generation; one killed
    before its swap a newer one. The next build clears both even when nothing changed."""
    import shutil

    build_index([corpus_copy], settings, progress=False)
    build_index([corpus_copy], settings, progress=False, rebuild=True)
    index = settings.index_dir
    live = (index / "CURRENT").read_text().strip()
    gens = sorted(p.name for p in index.glob("gen-*"))
    older, newer = index / "gen-000000", index / "gen-999999"
    shutil.copytree(index / gens[0], older)
    newer.mkdir()
    report = build_index([corpus_copy], settings, progress=False)
    assert report.indexed == 0 and report.unchanged == report.documents  # nothing written
    left = sorted(p.name for p in index.glob("gen-*"))
    assert live in left and len(left) == 2 and not older.exists() and not newer.exists()


def test_the_warnings_of_a_kept_version_survive_a_build_that_could_not_read_its_file(settings, corpus_copy):
    # review: a file broken in a build that wrote other changes kept its old version in the index
    # but lost its stored warnings, so once restored every later build was silent about its typo
    story = corpus_copy / "praktijkverhalen" / "odd.md"
    good = ("---\ntitel: Zomerschool\ntype: praktijkverhal\n---\n\n"
            "Leerlingen gaan in de zomer naar school om hun taal bij te houden.\n")
    story.write_text(good, encoding="utf-8")
    about = [w for w in build_index([corpus_copy], settings, progress=False).warnings if "odd.md" in w]
    assert about
    story.write_text("---\ntitel: [kapot\n---\n\nTekst.\n", encoding="utf-8")  # unreadable now
    (corpus_copy / "praktijkverhalen" / "sport-rotterdam.md").unlink()  # and another change is written
    broken = build_index([corpus_copy], settings, progress=False)
    assert any("odd.md" in e for e in broken.errors) and broken.removed == 1
    story.write_text(good, encoding="utf-8")  # restored: unchanged against the kept version
    restored = build_index([corpus_copy], settings, progress=False)
    assert restored.indexed == 0 and [w for w in restored.warnings if "odd.md" in w] == about


def test_a_file_that_cannot_be_read_keeps_only_documents_it_gave(settings, corpus_copy, monkeypatch):
    # a file that vanished mid-build: "its document is kept as it was" was said of a new file too
    import indexer.build as build

    build_index([corpus_copy], settings, progress=False)
    old = sorted(p for p in corpus_copy.rglob("*.md"))[0]
    new = corpus_copy / "nieuw.md"
    new.write_text("---\ntitel: Nieuw\n---\n\nOuders lezen voor in de klas.\n", encoding="utf-8")
    real = build.file_hash

    def vanished(path, rel, salt):
        if path in (old, new):
            raise FileNotFoundError(2, "No such file or directory")
        return real(path, rel, salt)

    monkeypatch.setattr(build, "file_hash", vanished)
    report = build_index([corpus_copy], settings, progress=False)
    said = {line.split(": cannot read")[0]: line for line in report.errors}
    assert said[str(old)].endswith("; its previous version is kept")
    assert said[str(new)].endswith("(No such file or directory)")
    assert report.documents == 6 and report.removed == 0
