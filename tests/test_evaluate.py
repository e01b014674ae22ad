import json
import math

import pytest

from indexer.evaluate import Judged, load_queries, score_run, squash
from indexer.errors import QueryError


def test_squash_ignores_case_punctuation_and_hyphenation():
    assert squash("Voor élke leerling, leg ik de lat hoog!") == squash("voor élke\nleerling leg-ik de lat hoog")
    assert squash("25.000") == "25000"


def test_perfect_and_missing_runs():
    items = [Judged("001", ("straatvoetbalster en verschilmaker",), 2)]
    assert score_run(["Een straatvoetbalster en verschilmaker geeft gymles"], items)["ndcg"] == pytest.approx(1.0)
    miss = score_run(["iets anders"] * 10, items)
    assert miss == {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}


def test_item_counts_once_and_rank_discount():
    items = [Judged("001", ("a b c",), 2), Judged("001", ("x y",), 1)]
    run = ["niets", "A-b c", "a b c nogmaals", "x, y"]
    s = score_run(run, items)
    dcg = 3 / math.log2(3) + 1 / math.log2(5)
    idcg = 3 / math.log2(2) + 1 / math.log2(3)
    assert s["ndcg"] == pytest.approx(dcg / idcg)
    assert s["recall"] == 1.0 and s["mrr"] == pytest.approx(0.5)


def test_text_is_cut_at_250_words():
    items = [Judged("001", ("gezocht",), 2)]
    long_text = " ".join(["woord"] * 250 + ["gezocht"])
    assert score_run([long_text], items)["recall"] == 0.0  # word 251: past the cut
    at_the_cut = " ".join(["woord"] * 249 + ["gezocht"])
    assert score_run([at_the_cut], items)["recall"] == 1.0  # word 250: still judged


def test_bad_query_file_is_a_clear_error(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "x"}\n')
    with pytest.raises(QueryError, match="q.jsonl:1"):
        load_queries(f)


def test_snippets_are_scored_on_the_relevant_hits_only():
    from indexer.evaluate import EvalQuery, evaluate, format_table, snippet_counts

    items = [Judged("d", ("ouders & school",), 1)]
    answer = "Vooraf. Ouders & school praten samen. Daarna meer."
    hits = [
        (answer, "… <mark>Ouders</mark> &amp; <mark>school</mark> praten samen …"),  # shown (escaped, marked)
        (answer, "Vooraf. …"),  # relevant passage, snippet misses the answer
        ("iets anders", "ouders en school"),  # not relevant: not counted
    ]
    assert snippet_counts(hits, items) == (2, 1)
    assert snippet_counts(hits, items, k=1) == (1, 1)
    queries = [EvalQuery("q1", "ouders", tuple(items))]
    with_snippets = evaluate(queries, lambda q: hits)
    assert with_snippets["mean"]["snippet"] == pytest.approx(0.5)
    assert with_snippets["mean"]["ndcg"] == evaluate(queries, lambda q: [t for t, _ in hits])["mean"]["ndcg"]
    assert "snippet" not in evaluate(queries, lambda q: [t for t, _ in hits])["mean"]
    table = format_table({"hybrid": with_snippets, "keyword": evaluate(queries, lambda q: [t for t, _ in hits])})
    assert "| hybrid | 1.000 | 1.000 | 1.000 | 0.500 |" in table and "| keyword | 1.000 | 1.000 | 1.000 | - |" in table


@pytest.mark.parametrize("relevant", ['{"doc": "001"}', '["001"]', '"001"', '[{"doc": "001", "phrases": "ouders"}]',
                                      '[{"doc": "001", "phrases": []}]'])
def test_a_malformed_judgment_is_a_clear_error_with_its_line(tmp_path, relevant):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "query": "ouders", "relevant": [{"doc": "1", "phrases": ["ouders"]}]}\n'
                    f'{{"id": "b", "query": "taal", "relevant": {relevant}}}\n', encoding="utf-8")
    with pytest.raises(QueryError, match=r"q\.jsonl:2: ") as info:
        load_queries(path)
    assert '"phrases": ["..."]' in info.value.hint  # a bare string was scored letter by letter


def test_every_bad_line_is_named_and_a_bom_is_no_bad_line(tmp_path):
    good = '{"id": "a", "query": "ouders", "relevant": [{"doc": "1", "phrases": ["ouders"]}]}'
    path = tmp_path / "q.jsonl"
    path.write_text("\ufeff" + good + "\n{bad\n{\"id\": \"b\"}\n", encoding="utf-8")
    with pytest.raises(QueryError) as info:
        load_queries(path)
    assert "2 bad lines" in str(info.value) and "q.jsonl:2:" in str(info.value) and "q.jsonl:3:" in str(info.value)
    path.write_text("\ufeff" + good + "\r\n", encoding="utf-8")  # saved by a Windows editor
    assert [q.id for q in load_queries(path)] == ["a"]


def test_a_grade_other_than_1_or_2_and_an_empty_query_are_bad_lines(tmp_path):
    """QA: grades -3, 2.5, true and 0 and an empty query were scored (and counted in the means)."""
    def line(qid, query, grade):
        judgment = {"doc": "1", "phrases": ["ouders"]} | ({} if grade is None else {"grade": grade})
        return json.dumps({"id": qid, "query": query, "relevant": [judgment]})

    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([line("a", "ouders", 2), line("b", "ouders", -3), line("c", "", 2),
                               line("d", "ouders", 2.5), line("e", "ouders", True), line("f", "ouders", 0),
                               line("g", "  ", 1), line("h", "ouders", "2"), line("i", "ouders", None),
                               line("j", "ouders", 1)]) + "\n", encoding="utf-8")
    with pytest.raises(QueryError) as info:
        load_queries(path)
    message = str(info.value)
    assert "7 bad lines" in message and "nothing was scored" in message
    for n, shown in ((2, "-3"), (4, "2.5"), (5, "true"), (6, "0"), (8, '"2"')):
        assert f'q.jsonl:{n}: "grade" must be 2 (answers the query) or 1 (related), not {shown}' in message
    assert 'q.jsonl:3: empty "query"\n' in message and 'q.jsonl:7: empty "query"\n' in message
    assert "q.jsonl:1:" not in message and "q.jsonl:9:" not in message and "q.jsonl:10:" not in message
    assert "a grade is 2 (answers the query) or 1 (related)" in info.value.hint
    path.write_text("\n".join([line("a", "ouders", 2), line("i", "ouders", None)]) + "\n", encoding="utf-8")
    assert [[j.grade for j in q.items] for q in load_queries(path)] == [[2], [1]]  # no grade: related
