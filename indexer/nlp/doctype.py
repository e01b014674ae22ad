"""Document-type inference for texts that do not state their type (markers in markers.v4.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.nlp import resources

FALLBACK_TYPE = "praktijkverhaal"


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = resources.markers()
    compile_all = lambda items: [re.compile(rx) for rx in items]  # noqa: E731
    return {
        "strong": compile_all(data["beleidsbrief"]["strong"]),
        "weak": compile_all(data["beleidsbrief"]["weak"]),
        "letter_min": int(data["beleidsbrief"]["min_score"]),
        "news": compile_all(data["nieuws"]["markers"]),
        "news_min": int(data["nieuws"]["min_hits"]),
        "news_max_words": int(data["nieuws"]["max_words"]),
        "research_prefixes": tuple(data["onderzoek"]["prefixes"]),
        "research_density": float(data["onderzoek"]["per_1000_words"]),
        "research_min": int(data["onderzoek"]["min_hits"]),
    }


def _distinct_hits(patterns: list[re.Pattern], text: str) -> int:
    return sum(1 for p in patterns if p.search(text))


def is_policy_letter(text: str, has_reference: bool = False) -> bool:
    """``has_reference``: the letterhead's reference number ("Onze referentie 127448"), which
    the readers take out of the text, counts as the strong marker it was there."""
    rules = _rules()
    strong = _distinct_hits(rules["strong"], text) + int(has_reference)
    score = 2 * strong + _distinct_hits(rules["weak"], text)
    return strong >= 1 and score >= rules["letter_min"]


def is_news(text: str, n_words: int) -> bool:
    rules = _rules()
    return n_words <= rules["news_max_words"] and _distinct_hits(rules["news"], text) >= rules["news_min"]


def is_research(lemmas: list[str]) -> bool:
    rules = _rules()
    hits = sum(1 for lemma in lemmas if lemma.startswith(rules["research_prefixes"]))
    density = hits * 1000 / max(len(lemmas), 1)
    return hits >= rules["research_min"] and density >= rules["research_density"]


def infer_doc_type(text: str, lemmas: list[str], has_reference: bool = False) -> str:
    """beleidsbrief > nieuws > onderzoek > praktijkverhaal, first that fits."""
    if is_policy_letter(text, has_reference):
        return "beleidsbrief"
    if is_news(text, len(lemmas)):
        return "nieuws"
    if is_research(lemmas):
        return "onderzoek"
    return FALLBACK_TYPE
