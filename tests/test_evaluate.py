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
    assert score_run([long_text], items)["recall"] == 0.0


def test_bad_query_file_is_a_clear_error(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "x"}\n')
    with pytest.raises(QueryError, match="q.jsonl:1"):
        load_queries(f)
