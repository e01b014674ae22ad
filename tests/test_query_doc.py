"""query_doc: the query pipeline's entities, with the ruler skipped when no word can begin one
and its token patterns matched without spaCy's Matcher."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.nlp import query_doc as module
from indexer.nlp.pipeline import load_query_pipeline
from indexer.nlp.query_doc import query_doc

EVAL = Path(__file__).resolve().parent.parent / "bench" / "eval"

QUESTIONS = [
    "hoe help ik kinderen met lezen",  # no word begins a pattern
    "goede voorbeelden",  # a type (praktijkverhaal)
    "wat doet Apeldoorn tegen thuiszitters",
    "huiswerkbegeleiding in het vmbo-t",
    "HBO'ers als mentor",
    "primair en voortgezet onderwijs",  # levels the context filter adds, no ruler match
    "vve in de provincie Utrecht",
    "een agenda voor de ouderavond",
    "kleuters in groep 1/2 en groep 8",  # a word and an expression
    "middelbare scholen en het voortgezet speciaal onderwijs",  # longer patterns overlap shorter ones
    "voor- en vroegschoolse educatie in Zeeuws-Vlaanderen",
    "havo-4 en vwo'ers, so en pro",  # level words the context filter judges
    "wetenschappelijk onderwijs",
    "",
]


def _ents(doc):
    return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


@pytest.mark.parametrize("text", QUESTIONS)
def test_the_same_entities_as_the_whole_pipeline(text):
    assert _ents(query_doc(text)) == _ents(load_query_pipeline().nlp(text))
    assert [t.text for t in query_doc(text)] == [t.text for t in load_query_pipeline().nlp(text)]


def test_the_same_entities_on_every_judged_and_qa_question():
    texts = [json.loads(line).get("query") or json.loads(line).get("question")
             for path in sorted(EVAL.glob("*.jsonl")) + sorted((EVAL / "qa").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [t for t in texts if t]
    nlp = load_query_pipeline().nlp
    assert len(texts) > 300
    named = [t for t in texts if _ents(nlp(t))]
    assert len(named) > 100  # the shortcut is exercised, not only the skip
    assert [_ents(query_doc(t)) for t in texts] == [_ents(nlp(t)) for t in texts]


def test_a_question_no_pattern_can_begin_skips_the_ruler(monkeypatch):
    ruler = load_query_pipeline().nlp.get_pipe("entity_ruler")
    calls = []
    monkeypatch.setattr(ruler, "set_annotations", lambda doc, matches: calls.append(matches))
    query_doc("hoe help ik kinderen met lezen")
    assert calls == []
    query_doc("wat doet Apeldoorn tegen thuiszitters")
    assert len(calls) == 1 and len(calls[0]) == 1


def test_a_pattern_of_another_shape_runs_the_whole_pipeline(monkeypatch):
    built = module.build_patterns
    extra = [{"label": "SECTOR", "id": "po", "pattern": [{"LOWER": "basis"}, {"LOWER": "school", "OP": "?"}]}]
    monkeypatch.setattr(module, "build_patterns", lambda **kw: built(**kw) + extra)
    module._patterns.cache_clear()
    try:
        assert module._patterns() is None
        text = "wat doet Apeldoorn in het vmbo"
        assert _ents(query_doc(text)) == _ents(load_query_pipeline().nlp(text))
    finally:
        module._patterns.cache_clear()


def test_the_pipeline_is_loaded_afresh_once_it_has_learnt_enough_new_words(monkeypatch):
    monkeypatch.setattr(module, "NEW_WORDS_CAP", 40)
    query_doc("wat doet Apeldoorn tegen thuiszitters")
    first = load_query_pipeline()
    for i in range(12):  # five words spaCy has not seen in each
        query_doc(" ".join(f"zorgwoordx{i}y{j}" for j in range(5)))
    again = load_query_pipeline()
    assert again is not first
    assert len(again.nlp.vocab) - len(first.nlp.vocab) < 0  # the new one has not learnt them
    text = "huiswerkbegeleiding in het vmbo-t in Apeldoorn"
    assert _ents(query_doc(text)) == _ents(again.nlp(text)) and _ents(query_doc(text))


def test_threads_keep_their_entities_while_the_pipeline_is_renewed(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(module, "NEW_WORDS_CAP", 30)
    nlp = load_query_pipeline().nlp
    known = {t: _ents(nlp(t)) for t in QUESTIONS[1:8]}
    first = load_query_pipeline()

    def ask(i: int):
        if i % 2:  # new words: each of these pushes the pipeline towards its renewal
            query_doc(" ".join(f"nieuwwoordq{i}z{j}" for j in range(4)))
            return None
        text = QUESTIONS[1 + i % 7]
        return text, _ents(query_doc(text))

    with ThreadPoolExecutor(4) as pool:
        answers = [a for a in pool.map(ask, range(80)) if a is not None]
    assert load_query_pipeline() is not first  # renewed at least once meanwhile
    assert all(ents == known[text] for text, ents in answers)
