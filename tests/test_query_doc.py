"""query_doc: the query pipeline's entities, with the ruler skipped when no word can begin one."""
from __future__ import annotations

import pytest

from indexer.nlp.pipeline import load_query_pipeline
from indexer.nlp.query_doc import query_doc

QUESTIONS = [
    "hoe help ik kinderen met lezen",  # no word begins a pattern
    "goede voorbeelden",  # a type (praktijkverhaal)
    "wat doet Apeldoorn tegen thuiszitters",
    "huiswerkbegeleiding in het vmbo-t",
    "HBO'ers als mentor",
    "primair en voortgezet onderwijs",  # levels the context filter adds, no ruler match
    "vve in de provincie Utrecht",
    "een agenda voor de ouderavond",
    "",
]


def _ents(doc):
    return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


@pytest.mark.parametrize("text", QUESTIONS)
def test_the_same_entities_as_the_whole_pipeline(text):
    assert _ents(query_doc(text)) == _ents(load_query_pipeline().nlp(text))
    assert [t.text for t in query_doc(text)] == [t.text for t in load_query_pipeline().nlp(text)]


def test_a_question_no_pattern_can_begin_skips_the_ruler(monkeypatch):
    nlp = load_query_pipeline().nlp
    calls = []
    components = [(name, lambda doc, name=name, run=run: calls.append(name) or run(doc)) for name, run in nlp.pipeline]
    monkeypatch.setattr(type(nlp), "pipeline", property(lambda self: components))
    assert _ents(query_doc("hoe help ik kinderen met lezen")) == [] and calls == []
    assert _ents(query_doc("wat doet Apeldoorn tegen thuiszitters")) and calls == ["entity_ruler", "gka_context_filter"]
