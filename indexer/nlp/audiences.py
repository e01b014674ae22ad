"""Audience groups of the free-text "doelgroep" lines (indexer/data/audiences.v1.yaml), so a
catalogue filter such as "mbo-studenten" finds "minderjarige mbo-studenten uit gezinnen met een
laag inkomen" too. The records keep their own wording; only the grouping is derived."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

from indexer.nlp.resources import load_yaml

AUDIENCES_FILE = "audiences.v1.yaml"
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*-?")  # words, hyphenated words, a dangling "mbo-"


class _Group(NamedTuple):
    label: str
    words: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    fallback: bool

    def named_by(self, words: list[str]) -> bool:
        if not self.words.isdisjoint(words) or any(w.startswith(self.prefixes) for w in words):
            return True
        return any(words[i:i + len(p)] == list(p) for p in self.phrases for i in range(len(words)))


class _Taxonomy(NamedTuple):
    groups: tuple[_Group, ...]
    stop_at: frozenset[str]
    qualified_heads: frozenset[str]
    other: str


@lru_cache(maxsize=1)
def _taxonomy() -> _Taxonomy:
    data = load_yaml(AUDIENCES_FILE)
    groups = tuple(
        _Group(label, frozenset(spec.get("words", ())), tuple(spec.get("prefixes", ())),
               tuple(tuple(p.split()) for p in spec.get("phrases", ())), bool(spec.get("fallback")))
        for label, spec in data["groups"].items())
    return _Taxonomy(groups, frozenset(data["stop_at"]), frozenset(data["qualified_heads"]), data["other"])


def audience_labels() -> tuple[str, ...]:
    """Every group a line can fall into, "overig" last."""
    tax = _taxonomy()
    return tuple(g.label for g in tax.groups) + (tax.other,)


def audience_groups(lines: Iterable[str]) -> list[str]:
    """The groups the lines name, in taxonomy order, each once; "overig" for a line naming none."""
    found: set[str] = set()
    for line in lines:
        found |= _line_groups(str(line))
    return [label for label in audience_labels() if label in found]


@lru_cache(maxsize=4096)
def _line_groups(line: str) -> frozenset[str]:
    # memoised: a catalogue page asks for each record's groups once per filter and facet field
    tax = _taxonomy()
    words = _words(line.lower(), tax.qualified_heads)
    head = words[:next((i for i, w in enumerate(words) if w in tax.stop_at and i > 0), len(words))]
    for fallback in (False, True):  # fallback groups only when no other group is named
        for part in (head, words):
            named = frozenset(g.label for g in tax.groups if g.fallback == fallback and g.named_by(part))
            if named:
                return named
    return frozenset({tax.other})


def _words(text: str, qualified_heads: frozenset[str]) -> list[str]:
    """Lowercase words; a hyphenated word gives its last part, and its first parts too when that
    part is a person ("vo-leerlingen"); a dangling "mbo-" takes the next hyphenated word's last part."""
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token.endswith("-"):  # "mbo- en hbo-studenten": elliptical, shares "studenten"
            later = next((t for t in tokens[i + 1:] if "-" in t.strip("-")), "")
            token = token + later.rsplit("-", 1)[-1] if later else token.rstrip("-")
        parts = [p for p in token.split("-") if p]
        if not parts:
            continue
        if len(parts) > 1 and parts[-1] in qualified_heads:
            out.extend(parts)
        else:
            out.append(parts[-1])
    return out
