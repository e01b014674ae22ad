"""`search --batch` and `eval` on the command line: a batch line is searched exactly as a single
search would be, a batch file is checked whole before any result is printed, and an eval file
must hold relevance judgments."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from indexer import cli
from indexer.config import Settings
from indexer.ranking.query_syntax import MAX_QUERY_CHARS

# Two sections of over MIN_WORDS words each: two passages of one document both match "schaakclub"
_SECTION = ("De schaakclub in de bibliotheek van Zwolle is elke woensdagmiddag open voor kinderen uit de wijk. "
            "Vrijwilligers leren hun de regels en oefenen openingen met kleine groepen. "
            "Ouders blijven vaak kijken en spelen na een paar weken zelf mee. "
            "De schaakclub werkt samen met twee basisscholen, die leerlingen aanmelden die thuis weinig rust hebben. ")
LONG_DOC = ("---\ntitel: Schaakclub in de bibliotheek van Zwolle\ntype: praktijkverhaal\ngemeenten: [Zwolle]\n"
            f"jaar: 2021\n---\n## Hoe het begon\n\n{_SECTION * 3}\n\n## Wat het oplevert\n\n{_SECTION * 3}\n")
LONG_ID = "praktijkverhalen/schaakclub-zwolle.md"


@pytest.fixture(scope="module")
def index_with_long_doc(tmp_path_factory, mini_corpus) -> str:
    """The mini corpus (one passage per document) plus one document of several passages."""
    from indexer.build import build_index

    root = tmp_path_factory.mktemp("batch")
    corpus = root / "corpus"
    shutil.copytree(mini_corpus, corpus)
    (corpus / LONG_ID).write_text(LONG_DOC, encoding="utf-8")
    settings = Settings.from_env(env={}, index_dir=root / "index", embedder="fake")
    build_index([corpus], settings, progress=False)
    return str(settings.index_dir)


def _batch_hits(capsys) -> dict:
    return {line["id"]: line["hits"] for line in map(json.loads, capsys.readouterr().out.splitlines())}


def _ids(hits) -> list[tuple[str, str]]:
    return [(h["doc_id"], h["passage_id"]) for h in hits]


def test_batch_lines_are_searched_with_every_option_of_a_single_search(index_with_long_doc, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "s", "query": "schaakclub"}\n', encoding="utf-8")
    base = ["--index", index_with_long_doc, "--k", "2"]
    assert cli.main(["search", "--batch", str(batch), *base]) == 0
    plain = _batch_hits(capsys)["s"]
    assert [h["doc_id"] for h in plain] == [LONG_ID, LONG_ID]  # without --collapse: the same document twice
    for options in (["--collapse"], ["--collapse", "--mode", "keyword"],
                    ["--collapse", "--mode", "semantic", "--filter", "type=praktijkverhaal"]):
        assert cli.main(["search", "--batch", str(batch), *base, *options]) == 0, options
        hits = _batch_hits(capsys)["s"]
        assert cli.main(["search", "schaakclub", "--json", *base, *options]) == 0
        single = json.loads(capsys.readouterr().out)["hits"]
        assert _ids(hits) == _ids(single), options  # exactly what the single search finds
        assert len({h["doc_id"] for h in hits}) == len(hits), options  # one passage per document
    assert hits[0]["doc_id"] == LONG_ID


def test_a_query_and_a_batch_file_together_are_an_error(built_index, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "gymles"}\n', encoding="utf-8")
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "ouders", "--batch", str(batch), "--index", index]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.search(r"^error: give a query or --batch .*q\.jsonl, not both$", captured.err, re.M), captured.err
    assert re.search(r"^hint: .*leave out --batch", captured.err, re.M), captured.err


def test_a_batch_file_is_checked_whole_before_any_search(built_index, tmp_path, capsys):
    lines = [
        '{"id": "a", "query": "ouders"}',  # 1: fine
        "niet json",  # 2
        '{"id": "b"}',  # 3: no query
        json.dumps({"id": "c", "query": "ouders " * (MAX_QUERY_CHARS // 7 + 1)}),  # 4: over the limit
        '{"id": "a", "query": "gymles"}',  # 5: id of line 1 again
        '{"query": "gymles"}',  # 6: no id
        '["a", "gymles"]',  # 7: not an object
        '{"id": "d", "query": ""}',  # 8: empty, and no --filter
        '{"id": "e", "query": "taal"}',  # 9: fine
    ]
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["search", "--batch", str(batch), "--index", str(built_index[0].index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # not even line 1's results
    assert re.search(r"^error: 7 bad lines in .*q\.jsonl; nothing was searched", captured.err, re.M), captured.err
    for n in range(2, 9):
        assert f"q.jsonl:{n}: " in captured.err, n
    assert "q.jsonl:1:" not in captured.err and "q.jsonl:9:" not in captured.err
    assert f"the limit is {MAX_QUERY_CHARS}" in captured.err and "already used on line 1" in captured.err
    assert re.search(r'^hint: .*unique "id".*"query"', captured.err, re.M), captured.err


@pytest.mark.parametrize("bad_line, reason", [
    (json.dumps({"id": "x", "query": "o" * (MAX_QUERY_CHARS + 1)}), f"the limit is {MAX_QUERY_CHARS}"),
    ('{"id": "a", "query": "gymles"}', "already used on line 1"),
    ('{"id": "x", "vraag": "gymles"}', 'no "query"'),
])
def test_one_bad_line_after_a_good_one_prints_no_results(built_index, tmp_path, capsys, bad_line, reason):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "ouders"}\n\n' + bad_line + "\n", encoding="utf-8")
    assert cli.main(["search", "--batch", str(batch), "--index", str(built_index[0].index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.search(rf"^error: .*q\.jsonl:3: .*{re.escape(reason)}.*; nothing was searched$", captured.err, re.M), \
        captured.err
    assert "hint:" in captured.err


def test_a_bad_option_stops_a_batch_before_its_first_result(built_index, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "ouders"}\n', encoding="utf-8")
    assert cli.main(["search", "--batch", str(batch), "--index", str(built_index[0].index_dir), "--k", "0"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "k must be between" in captured.err


def test_an_empty_batch_query_lists_the_filtered_documents(built_index, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "agenda", "query": ""}\n', encoding="utf-8")
    index = str(built_index[0].index_dir)
    assert cli.main(["search", "--batch", str(batch), "--index", index, "--filter", "type=agenda"]) == 0
    assert [h["doc_id"] for h in _batch_hits(capsys)["agenda"]] == ["agendas/apeldoorn.md"]


JUDGED = ('{"id": "h", "query": "huiswerkbegeleiding", "relevant": '
          '[{"doc": "x", "phrases": ["begeleiding bij huiswerk"], "grade": 2}]}')


def test_eval_of_a_file_without_judgments_is_an_error(built_index, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "query": "ouders"}\n{"id": "b", "query": "gymles", "relevant": []}\n',
                       encoding="utf-8")
    assert cli.main(["eval", str(queries), "--index", str(built_index[0].index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no table of zeros
    assert re.search(r"^error: no judged queries in .*q\.jsonl", captured.err, re.M), captured.err
    assert re.search(r'^hint: .*"relevant".*"phrases"', captured.err, re.M), captured.err


def test_eval_skips_the_unjudged_lines_of_a_judged_file_and_says_so(built_index, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text(JUDGED + '\n{"id": "u", "query": "ouders"}\n', encoding="utf-8")
    index = str(built_index[0].index_dir)
    assert cli.main(["eval", str(queries), "--index", index, "--mode", "keyword", "--json"]) == 0
    captured = capsys.readouterr()
    scores = json.loads(captured.out)["keyword"]
    assert list(scores["queries"]) == ["h"]
    assert scores["mean"]["ndcg"] == 1.0  # not halved by the unjudged query
    assert re.search(r"^skipped: 1 query without relevance judgments .*: u$", captured.err, re.M), captured.err


def test_eval_rejects_a_repeated_query_id(built_index, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text(JUDGED + "\n" + JUDGED.replace("huiswerkbegeleiding", "gymles") + "\n", encoding="utf-8")
    assert cli.main(["eval", str(queries), "--index", str(built_index[0].index_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "q.jsonl:2: id 'h' is already used on line 1" in captured.err


def test_a_batch_file_with_a_byte_order_mark_is_read(built_index, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(b'\xef\xbb\xbf{"id": "a", "query": "gymles"}\r\n')  # as Windows editors save it
    assert cli.main(["search", "--batch", str(batch), "--index", str(built_index[0].index_dir)]) == 0
    assert list(_batch_hits(capsys)) == ["a"]
