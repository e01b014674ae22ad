"""A question through the query pipeline, skipping the entity ruler when none of its words can
begin a pattern: the ruler is about half of query understanding's time (~0.1 ms a question),
and most words of most questions begin none. The Doc is then what the ruler would have left:
no entities. Exact, not a guess: every pattern's first token is a word or a regular expression
on the lowercase word, and the context filter adds entities only for its list of level words."""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from indexer.nlp import resources
from indexer.nlp.patterns import build_patterns
from indexer.nlp.pipeline import load_query_pipeline


@lru_cache(maxsize=1)
def _openers() -> tuple[frozenset[str], re.Pattern | None] | None:
    """(lowercase words that begin a pattern or are level words, one regex of the patterns that
    begin with a regex); None when some pattern begins otherwise: then the ruler always runs."""
    nlp = load_query_pipeline().nlp
    words: set[str] = set((resources.context_rules().get("coordinated") or {}).get("levels") or {})
    regexes: list[str] = []
    for entry in build_patterns(case_sensitive=False, with_doc_types=True):
        pattern = entry["pattern"]
        if isinstance(pattern, str):  # a phrase, matched on the lowercase tokens
            tokens = nlp.make_doc(pattern)
            if len(tokens):
                words.add(tokens[0].lower_)
            continue
        first = pattern[0] if pattern else {}
        value = first.get("LOWER")
        if set(first) != {"LOWER"}:
            return None
        if isinstance(value, str):
            words.add(value)
        elif isinstance(value, dict) and set(value) == {"REGEX"}:
            regexes.append(value["REGEX"])  # spaCy tests it with re.search
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words.update(value["IN"])
        else:
            return None
    return frozenset(words), (re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None)


def query_doc(text: str) -> Doc:
    """``load_query_pipeline().nlp(text)``, in less time when no word can begin an entity."""
    nlp = load_query_pipeline().nlp
    doc = nlp.make_doc(text)
    openers = _openers()
    if openers is not None:
        words, regex = openers
        if not any(t.lower_ in words or (regex is not None and regex.search(t.lower_)) for t in doc):
            return doc
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
