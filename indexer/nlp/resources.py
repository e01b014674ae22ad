"""Loading the versioned pattern and taxonomy data files (indexer/data/patterns, themes.v2.yaml).

Everything here is read once and cached: the files are small and never change while running.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from indexer.config import DATA_DIR

PATTERNS_VERSION = "v4"  # v4: level adjectives in a list before "onderwijs"; toddler, first-year words
# v3: "so"/"pro" (also English words) keep needing context in queries
PATTERNS_DIR = DATA_DIR / "patterns"
PATTERNS_NAME = f"gka-patterns {PATTERNS_VERSION}"
CTX_SUFFIX = "|ctx"  # pattern id suffix: the match only counts in context (see context.v4.yaml)


@dataclass(frozen=True)
class Place:
    name: str  # normalised value
    province: str
    aliases: tuple[str, ...] = ()
    needs_context: frozenset[str] = field(default_factory=frozenset)  # forms that need context


def _data_lines(path: Path) -> list[list[str]]:
    """Tab-separated rows without comments and without the header row."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows[1:]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


@lru_cache(maxsize=None)
def load_places() -> tuple[Place, ...]:
    path = PATTERNS_DIR / f"gemeenten.{PATTERNS_VERSION}.tsv"
    return tuple(
        Place(row[0], row[1], _split(_cell(row, 2)), frozenset(_split(_cell(row, 3))))
        for row in _data_lines(path)
    )


@lru_cache(maxsize=None)
def load_provinces() -> dict[str, tuple[str, ...]]:
    """Province -> aliases."""
    path = PATTERNS_DIR / f"provincies.{PATTERNS_VERSION}.tsv"
    return {row[0]: _split(_cell(row, 1)) for row in _data_lines(path)}


@lru_cache(maxsize=None)
def load_place_adjectives() -> tuple[tuple[str, str, str], ...]:
    """(adjective, place it names, the word it stands for or ""): Rotterdamse -> Rotterdam."""
    path = PATTERNS_DIR / f"adjectives.{PATTERNS_VERSION}.tsv"
    return tuple((row[0], row[1], _cell(row, 2)) for row in _data_lines(path))


@lru_cache(maxsize=None)
def municipality_aliases() -> dict[str, str]:
    """Every written form (lowercased) of a municipality -> its normalised name."""
    table: dict[str, str] = {}
    for place in load_places():
        for form in (place.name, *place.aliases):
            table.setdefault(form.lower(), place.name)
    return table


@lru_cache(maxsize=None)
def province_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, aliases in load_provinces().items():
        for form in (name, *aliases):
            table.setdefault(form.lower(), name)
    return table


def load_jsonl(name: str) -> list[dict[str, Any]]:
    path = PATTERNS_DIR / f"{name}.{PATTERNS_VERSION}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@lru_cache(maxsize=None)
def load_yaml(relative: str) -> Any:
    return yaml.safe_load((DATA_DIR / relative).read_text(encoding="utf-8"))


def context_rules() -> dict[str, Any]:
    return load_yaml(f"patterns/context.{PATTERNS_VERSION}.yaml")


def markers() -> dict[str, Any]:
    return load_yaml(f"patterns/markers.{PATTERNS_VERSION}.yaml")


def vocab() -> dict[str, Any]:
    return load_yaml("vocab.v1.yaml")


@lru_cache(maxsize=None)
def _abbreviation_lines() -> tuple[str, ...]:
    path = PATTERNS_DIR / f"abbreviations.{PATTERNS_VERSION}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def abbreviations() -> tuple[str, ...]:
    """Abbreviations that must stay one token (their period does not end a sentence)."""
    return tuple(line for line in _abbreviation_lines() if not line.startswith("!"))


def not_abbreviations() -> frozenset[str]:
    """spaCy tokenizer exceptions to drop: ordinary words followed by a full stop."""
    return frozenset(line[1:] for line in _abbreviation_lines() if line.startswith("!"))


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """A digest of every data file that shapes a document's facets and themes (patterns,
    taxonomy, vocabulary, what is no year): part of the build's file hashes, so an edited file
    re-analyses the documents even when its version name stays the same."""
    import hashlib

    from indexer.nlp.query_filters import FILE as QUERY_FILTERS_FILE
    from indexer.nlp.themes import THEMES_FILE

    h = hashlib.sha1()
    files = sorted(PATTERNS_DIR.glob("*")) + [DATA_DIR / THEMES_FILE, DATA_DIR / "vocab.v1.yaml",
                                              DATA_DIR / QUERY_FILTERS_FILE]
    for path in files:
        h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]
