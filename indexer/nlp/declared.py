"""Warnings about declared metadata the index cannot use as written.

A value outside a field's vocabulary, a municipality no list knows, a key that is a typo of a
known one: each is a warning naming the value, what is valid and, when one is close, the value
probably meant. Without them a typo ("Overijsel", "gemeentes:") silently cost a document its facets.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# The keys the indexer reads (corpus/README.md, records, document properties): anything else
# is kept as it is, but a key close to one of these is a typo that loses the field.
KNOWN_KEYS = frozenset({
    "titel", "title", "type", "datum", "jaar", "gemeenten", "gemeente", "provincies", "provincie",
    "sectoren", "sector", "themas", "thema", "samenvatting", "bronnen", "bewijskracht", "doelgroep",
    "uitvoerders", "looptijd", "resultaten", "trefwoorden", "kenmerk", "id", "naam", "beschrijving",
    "title_source",
})
SUGGESTED_KEYS = ("titel", "type", "datum", "jaar", "gemeenten", "provincies", "sectoren", "themas",
                  "samenvatting", "bronnen", "bewijskracht", "doelgroep", "uitvoerders", "looptijd", "resultaten")
_CUTOFF = 0.8  # "gemeentes"/"gemeenten" 0.89, "sectors"/"sectoren" 0.8; "type"/"og:type" never (namespaced)
_LETTERS = re.compile(r"[^a-zà-ÿ]")


def closest(value: str, choices: Iterable[str] | dict[str, str], cutoff: float = _CUTOFF,
            prefix: bool = True) -> str | None:
    """The choice ``value`` most probably meant (case-insensitive), or None: a near spelling, or
    the one choice that begins with it ("goede aanwijzingen" for "goede aanwijzingen voor …").
    ``choices`` may map spellings to the value they stand for (aliases)."""
    meaning = choices if isinstance(choices, dict) else {c: c for c in choices}
    by_fold = {c.casefold(): v for c, v in meaning.items()}
    folded = value.strip().casefold()
    if len(folded) < 3:
        return None
    starting = {v for f, v in by_fold.items() if f.startswith(folded)} if prefix else set()
    if len(starting) == 1 and len(folded) >= 4:
        return starting.pop()
    match = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None


def _meant(guess: str | None) -> str:
    return f" (did you mean {guess!r}?)" if guess else ""


def unknown_value(field: str, value: str, what: str, valid: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """"thema 'taal' is no theme; ignored (valid: …)", with the close value if there is one
    among ``valid`` (or ``aliases``, other spellings of valid values)."""
    valid = list(valid)
    guess = closest(value, {**{v: v for v in valid}, **(aliases or {})})
    return f"{field} {value!r} is no {what}{_meant(guess)}; ignored (valid: {', '.join(valid)})"


def unknown_municipality(value: str, names: Iterable[str]) -> str:
    """Kept as written (the document may mean a place the list lacks), but said: it is a facet
    value of its own and gets no province."""
    guess = closest(value, names)
    return (f"gemeente {value!r} is no municipality the index knows{_meant(guess)}; kept as written, "
            "without a province (write the official name, e.g. 's-Hertogenbosch, Sittard-Geleen)")


def unknown_keys(meta: dict) -> list[str]:
    """A warning per key that is no known key but close to one (gemeentes, sectors, thema's)."""
    out = []
    for key in meta:
        key = str(key)
        if key in KNOWN_KEYS or any(c in key for c in ":._-"):  # og:type, dc.date, titel_en: another vocabulary's
            continue
        letters = _LETTERS.sub("", key.casefold())
        # a near spelling only: "doel" is a key of its own, no "doelgroep" cut short
        guess = letters if letters in SUGGESTED_KEYS else closest(letters, SUGGESTED_KEYS, prefix=False)
        if guess:
            out.append(f"unknown key '{key}' (did you mean {guess!r}?); its value is not used")
    return out
