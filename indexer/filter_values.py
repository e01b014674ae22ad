"""Filter values as people type them, mapped to the values the index uses.

A value is matched regardless of case, accents and extra spaces ("rotterdam", "PO", "Fryslan",
"Den  Haag"). The fields with a controlled vocabulary (indexer/data/vocab.v1.yaml) also take a
value's label ("primair onderwijs" for po) and the words the query-understanding patterns know
for it ("basisonderwijs", "agenda's", "Friesland"); a value none of these know is refused with the list of valid ones,
because a typo there would otherwise find nothing without saying why. A pattern's name counts
only when it is the whole value ("geen basisonderwijs" names no sector). gemeente also takes a
place's other names ("Den Bosch", "Sittard"); gemeente keeps an unknown value: it finds
nothing. jaar takes a year of four digits only.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Mapping

from indexer.analysis.text_norm import fold
from indexer.errors import InvalidYear, UnknownFilterValue

# facet field -> its list in vocab.v1.yaml
CONTROLLED = {"type": "doc_types", "sector": "sectors", "thema": "themes", "provincie": "provinces",
              "bewijskracht": "evidence_levels"}

Name = Callable[[str, str], "str | None"]  # (text, field) -> the value it names as a whole


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, str]]:
    """field -> {folded value or label: value} for the controlled fields."""
    from indexer.nlp.resources import vocab

    data = vocab()
    out: dict[str, dict[str, str]] = {}
    for field, key in CONTROLLED.items():
        entries = data.get(key) or []
        pairs = entries.items() if isinstance(entries, dict) else ((v, v) for v in entries)
        table: dict[str, str] = {}
        for value, label in pairs:
            table.setdefault(value_key(label), str(value))
            table[value_key(value)] = str(value)
        out[field] = table
    return out


def canonical(filters: Mapping[str, list[str]], index_values: Mapping[str, Mapping[str, str]],
              name: Name | None = None) -> dict[str, list[str]]:
    """``filters`` with each value as the index (else the vocabulary) spells it, once. ``index_values``:
    field -> {folded value: value} of the index. Raises QueryError for a controlled field's
    value that neither knows (UnknownFilterValue, a QueryError)."""
    out: dict[str, list[str]] = {}
    for field, values in filters.items():
        # po, PO and basisonderwijs are one value: listed once (one chip, removed at once)
        out[field] = list(dict.fromkeys(_value(field, str(v), index_values.get(field, {}), name) for v in values))
    return out


def _value(field: str, value: str, known: Mapping[str, str], name: Name | None) -> str:
    value = " ".join(value.split())  # "Den  Haag " is Den Haag, for the names below too
    key = value_key(value)
    if key in known:
        return known[key]
    if field in CONTROLLED and key in vocabulary()[field]:
        return vocabulary()[field][key]
    # a name the query patterns know for the whole value: "basisonderwijs", "Sittard" (not the
    # themes': a question's phrase is no filter value)
    named = name(value, field) if name and field != "thema" else None
    if named:
        return known.get(value_key(named), named)
    if field == "jaar":
        from indexer.nlp.query_filters import is_year, year_range  # a question's years, the same range

        if not is_year(value):  # "tweeduizend" or "1899" would find nothing, unsaid
            raise InvalidYear(value, year_range())
    if field not in CONTROLLED:
        return value
    raise UnknownFilterValue(field, value, sorted(set(vocabulary()[field].values())),
                             hint=f"filter values for {field} are fixed; gemeente takes any value, jaar any year")


def value_key(value) -> str:
    """How a value is compared: case, accents and runs of whitespace ("Den  Haag") ignored."""
    return fold(" ".join(str(value).split()))

