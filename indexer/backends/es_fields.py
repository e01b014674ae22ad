"""Which fields an Elasticsearch search reads, by the index's mapping version, and the two
builders that name them (words, phrases). User text enters only as analysed ``multi_match``
text, never as query syntax.

Mapping v5 ranks as the embedded backend: a passage's heading and text are one field (``body``,
filled by ``copy_to``) and the title adds 0.3 of its score (``most_fields``: the fields' scores
summed; embedded/keyword.py TITLE_WEIGHT). Older mappings have no ``body``: the best of title^2,
heading^1.5 and text (``best_fields``), and before v4 no ``.exact`` subfields for phrases.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]
SEARCH_ANALYZER = "gka_dutch_search"
TITLE_WEIGHT = 0.3  # the embedded backend's share of a title match (a test ties the two)


@dataclass(frozen=True)
class Fields:
    words: tuple[str, ...]  # what plain words search
    phrases: tuple[str, ...]  # what quoted phrases search
    combine: str  # the multi_match type of words: most_fields sums the fields, best_fields takes the best
    analyse_phrases: bool  # phrases read analysed fields (no .exact subfields): name the search analyzer


BODY = Fields((f"title^{TITLE_WEIGHT}", "body"), (f"title.exact^{TITLE_WEIGHT}", "body.exact"), "most_fields", False)
SPLIT = Fields(("title^2", "heading^1.5", "text"), ("title.exact^2", "heading.exact^1.5", "text.exact"),
               "best_fields", False)  # mapping v4
PLAIN = Fields(SPLIT.words, SPLIT.words, "best_fields", True)  # mappings v1-v3


def fields_for(mapping_version: str) -> Fields:
    """The fields of an index of ``mapping_version`` (unknown: the newest)."""
    if not mapping_version.isdigit() or int(mapping_version) >= 5:
        return BODY
    return SPLIT if int(mapping_version) == 4 else PLAIN


def match_words(text: str, fields: Fields = BODY) -> Body:
    return {"multi_match": {"query": text, "fields": list(fields.words), "type": fields.combine,
                            "analyzer": SEARCH_ANALYZER, "operator": "or"}}


def match_phrase(text: str, fields: Fields = BODY) -> Body:
    phrase: Body = {"query": text, "fields": list(fields.phrases), "type": "phrase"}
    if fields.analyse_phrases:
        phrase["analyzer"] = SEARCH_ANALYZER
    return {"multi_match": phrase}
