"""Entity-ruler patterns built from the versioned data files, for documents and for queries.

Documents match case-sensitively ("Best" the town, not "best"); queries match lowercase because
users type "apeldoorn". Both are built from the same files so indexing and search agree.
"""
from __future__ import annotations

import json
from typing import Any

from indexer.nlp import resources
from indexer.nlp.resources import CTX_SUFFIX


def _municipality_patterns() -> list[dict[str, Any]]:
    patterns = []
    for place in resources.load_places():
        for form in (place.name, *place.aliases):
            pid = place.name + (CTX_SUFFIX if form in place.needs_context else "")
            patterns.append({"label": "GEMEENTE", "pattern": form, "id": pid})
    names = {place.name for place in resources.load_places()}
    for adjective, place, _ in resources.load_place_adjectives():  # "Rotterdamse scholen"
        if place in names:
            patterns.append({"label": "GEMEENTE", "pattern": adjective, "id": place})
    return patterns


def _province_patterns() -> list[dict[str, Any]]:
    # A province named like a municipality (Groningen, Utrecht) is left to the GEMEENTE pattern
    # and relabelled after "provincie" (context.v4.yaml), so the ruler never sees two labels.
    towns = resources.municipality_aliases()
    patterns = []
    for name, aliases in resources.load_provinces().items():
        for form in (name, *aliases):
            if form.lower() not in towns:
                patterns.append({"label": "PROVINCIE", "pattern": form, "id": name})
    provinces = resources.load_provinces()
    for adjective, place, _ in resources.load_place_adjectives():  # "Zeeuwse scholen"
        if place in provinces and place.lower() not in towns:  # Utrechtse: the town, as Utrecht
            patterns.append({"label": "PROVINCIE", "pattern": adjective, "id": place})
    return patterns


def _lower_token_pattern(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ORTH -> LOWER with lowercased values, for case-insensitive query matching."""

    def lower(value: Any) -> Any:
        if isinstance(value, str):
            return value.lower()
        if isinstance(value, dict):
            return {k: lower(v) for k, v in value.items()}
        if isinstance(value, list):
            return [lower(v) for v in value]
        return value

    out = []
    for token in pattern:
        token = dict(token)
        if "ORTH" in token:
            token["LOWER"] = lower(token.pop("ORTH"))
        out.append(token)
    return out


def _dedupe(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One pattern per (label, pattern); a context-free variant beats a context-bound one."""
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for pat in patterns:
        key = (pat["label"], json.dumps(pat["pattern"], ensure_ascii=False, sort_keys=True))
        old = chosen.get(key)
        if old is None or (old["id"].endswith(CTX_SUFFIX) and not pat["id"].endswith(CTX_SUFFIX)):
            chosen[key] = pat
    return list(chosen.values())


def _expand_sets(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """{"LOWER": {"IN": [a, b]}} -> one plain pattern per value.

    spaCy checks IN predicates in Python for every token; plain values are compared in Cython,
    which makes the ruler several times faster on long documents.
    """
    variants: list[list[dict[str, Any]]] = [[]]
    for token in pattern:
        options = [token]
        if len(token) == 1:
            (attr, spec), = token.items()
            if isinstance(spec, dict) and set(spec) == {"IN"}:
                options = [{attr: value} for value in spec["IN"]]
        variants = [v + [o] for v in variants for o in options]
    return variants


def _expanded(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for pat in patterns:
        if isinstance(pat["pattern"], str):
            out.append(pat)
        else:
            out.extend({**pat, "pattern": variant} for variant in _expand_sets(pat["pattern"]))
    return out


def build_patterns(case_sensitive: bool = True, with_doc_types: bool = False) -> list[dict[str, Any]]:
    """All patterns for the entity ruler; phrase patterns are strings, token patterns lists."""
    patterns = (
        _municipality_patterns()
        + _province_patterns()
        + resources.load_jsonl("organisaties")
        + resources.load_jsonl("sectoren")
    )
    if with_doc_types:
        patterns += resources.load_jsonl("doctypes")
    if case_sensitive:
        return _dedupe(_expanded(patterns))
    # In a short query "po" or "vo" is the sector: no context needed for these labels.
    free = set(resources.context_rules().get("query_without_context") or [])
    lowered = []
    for pat in patterns:
        pat = dict(pat)
        if pat["label"] in free and pat["id"].endswith(CTX_SUFFIX):
            pat["id"] = pat["id"][: -len(CTX_SUFFIX)]
        if isinstance(pat["pattern"], str):
            pat["pattern"] = pat["pattern"].lower()
        else:
            pat["pattern"] = _lower_token_pattern(pat["pattern"])
        lowered.append(pat)
    # Forms that are also English words ("so that", "pro-active") keep needing context.
    english = set(resources.context_rules().get("query_context_forms") or [])
    expanded = []
    for pat in _expanded(lowered):
        tokens = pat["pattern"]
        if (
            isinstance(tokens, list)
            and len(tokens) == 1
            and isinstance(tokens[0].get("LOWER"), str)
            and tokens[0]["LOWER"] in english
            and not pat["id"].endswith(CTX_SUFFIX)
        ):
            pat = {**pat, "id": pat["id"] + CTX_SUFFIX}
        expanded.append(pat)
    return _dedupe(expanded)
