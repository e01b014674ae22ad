"""Presentation helpers for the HTML pages: grouping, facet lists, pagination (marking: marking.py).

Pure functions over the project's types, so they are easy to test and keep views short.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from indexer.model import DOC_TYPES, DocumentRecord, Entity
from indexer.nlp.audiences import audience_groups, audience_labels
from indexer.passages import OVERLAP_WORDS
from search_app.labels import (
    ENTITY_FIELDS,
    ENTITY_LABELS,
    HIDDEN_METADATA,
    HIDDEN_METADATA_PREFIXES,
    METADATA_LABELS,
    field_label,
    value_label,
)

EXAMPLE_QUERIES: dict[str, list[str]] = {
    "Leraar": ["voorlezen aan peuters", "gesprekken met ouders vmbo", '"zomerschool" OF brugklas'],
    "Onderzoeker": ["effect voorschoolse educatie", "segregatie schooladvies", "monitoring -nieuws"],
    "Gemeentelijke coördinator": ["lokale agenda Rotterdam", "armoede schoolkosten", "interventie taalontwikkeling"],
}


def group_entities(entities: Iterable[Entity]) -> list[tuple[str, str, list[str]]]:
    """(heading, facet field, distinct normalised values) per entity label, in a fixed order.

    The facet field ("" when none) lets the page label values like facets (vo -> voortgezet onderwijs).
    """
    groups: dict[str, dict[str, None]] = {}
    for e in entities:
        groups.setdefault(e.label, {})[e.value or e.text] = None
    order = list(ENTITY_LABELS) + sorted(set(groups) - set(ENTITY_LABELS))
    return [
        (ENTITY_LABELS.get(label, label.title()), ENTITY_FIELDS.get(label, ""), sorted(groups[label]))
        for label in order
        if label in groups
    ]


SOURCE_NAMES_FILE = "bronnen.yaml"


def source_names(corpus_dir: Path) -> dict[str, str]:
    """Readable names of the files a corpus's documents cite (``bronnen.yaml`` at its root:
    file name -> name); empty when the corpus has none or it cannot be read."""
    import yaml

    try:
        data = yaml.safe_load((Path(corpus_dir) / SOURCE_NAMES_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if v}


def metadata_items(metadata: dict[str, Any], names: dict[str, str] | None = None) -> list[tuple[str, list[str]]]:
    """Metadata fields as (label, lines of text), known fields first; empty values left out.
    A cited file that ``names`` knows is shown by its name."""
    keys = [k for k in METADATA_LABELS if k in metadata]
    keys += sorted(
        k for k in metadata
        if k not in METADATA_LABELS and k not in HIDDEN_METADATA and not k.startswith(HIDDEN_METADATA_PREFIXES)
    )
    items = []
    for key in keys:
        lines = [line for line in _lines(metadata[key], names or {}) if line]
        if lines:
            items.append((METADATA_LABELS.get(key, key.replace("_", " ").capitalize()), lines))
    return items


def _lines(value: Any, names: dict[str, str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        # Sources in intervention records: {"document": ..., "vindplaats": ...}
        return [" — ".join(names.get(str(v), str(v)) for v in value.values() if v not in (None, ""))]
    if isinstance(value, (list, tuple, set)):
        return [line for v in value for line in _lines(v, names)]
    text = str(value)
    for file_name, name in names.items():  # sources given as one line ("FILE, regels …")
        text = text.replace(file_name, name)
    return [text]


def passage_texts(doc: DocumentRecord) -> list[str]:
    """Each passage's text without the context sentence it carries over from the previous
    passage (indexer/passages.py), so the passages joined read as the document, once.

    A passage of merged small sections is named after the section it starts in, so a passage
    that carries context can have another heading than the one before it; a start that repeats
    the previous passage's end under another heading is kept only when the document's text
    itself says it twice (then it is no carried copy)."""
    out, prev = [], None
    flat_text = None
    for p in doc.passages:
        text = p.text
        if prev is not None:
            cut = leading_overlap(prev.text, text)
            if cut and prev.heading != p.heading:
                flat_text = flat_text if flat_text is not None else " ".join(doc.text.split())
                if flat_text.count(" ".join(text[:cut].split())) > 1:
                    cut = 0
            text = text[cut:]
        out.append(text)
        prev = p
    return out


def leading_overlap(prev: str, text: str, max_words: int = OVERLAP_WORDS) -> int:
    """Length of the longest start of ``text`` (whole words, at most ``max_words``, plus the
    whitespace after it) that is also the end of ``prev``; 0 when there is none."""
    best = 0
    for n, gap in enumerate(re.finditer(r"\s+", text), start=1):
        if n > max_words:
            break
        head = text[: gap.start()]
        before = len(prev) - len(head) - 1
        if prev.endswith(head) and (before < 0 or prev[before].isspace()):
            best = gap.end()
    return best


def passages_cover_text(doc: DocumentRecord, texts: list[str]) -> bool:
    """True when the passages (``passage_texts``) tile the text, so they can stand in for it."""
    total = sum(len(t) for t in texts)
    return bool(doc.passages) and total <= len(doc.text) * 1.15 + 200


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    active: bool


def facet_values(counts: dict[str, int], active: Iterable[str], field: str) -> list[FacetValue]:
    """Values by count (years newest first); active values always listed, even with count 0."""
    active = list(active)
    merged = dict(counts)
    for value in active:
        merged.setdefault(value, 0)
    if field == "jaar":
        order = sorted(merged, key=lambda v: v, reverse=True)
    else:
        order = sorted(merged, key=lambda v: (-merged[v], v.lower()))
    return [FacetValue(v, merged[v], v in active) for v in order]


def facet_groups(counts: dict[str, dict[str, int]], filters: dict[str, list[str]],
                 fields: Iterable[str]) -> list[tuple[str, list[FacetValue]]]:
    """(field, values) of the fields with a value to list; none: the page shows no filters
    landmark (an empty one is a stop for screen readers that leads nowhere)."""
    groups = [(f, facet_values(counts.get(f, {}), filters.get(f, []), f)) for f in fields]
    return [(f, values) for f, values in groups if values]


def filter_summary(filters: dict[str, list[str]], doc_id: str | None = None) -> str:
    """The active filters as the chips name them, for the page title ('Gemeente: Rotterdam of
    Zwolle; Sector: primair onderwijs'): tabs and screen readers tell filtered pages apart."""
    parts = ["alleen uit één document"] if doc_id else []
    parts += [f"{field_label(field)}: {' of '.join(value_label(field, v) for v in values)}"
              for field, values in filters.items() if values]
    return "; ".join(parts)


@dataclass(frozen=True)
class DetectedValue:
    field: str
    value: str
    count: int  # documents the filter would leave (0: the knowledge base has none for this query;
    # the search page replaces the facet count by the filtered search's own total)
    elsewhere: int = 0  # for a value no result holds: the knowledge base's documents that hold it


def detected_values(detected: dict[str, list[str]], facets: dict[str, dict[str, int]],
                    filters: dict[str, list[str]]) -> list[DetectedValue]:
    """Values recognised in the query and not yet filtered on, with the count their filter would
    give (the query's disjunctive facet count), so a place the knowledge base knows nothing about
    is not offered as a filter that empties the page."""
    return [DetectedValue(field, value, facets.get(field, {}).get(value, 0))
            for field, values in detected.items() for value in values
            if value not in filters.get(field, [])]


def count_facets(records: list[DocumentRecord], fields: Iterable[str], filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Disjunctive facet counts over ``records``: for each field the other fields' filters apply."""
    counts: dict[str, dict[str, int]] = {}
    for field in fields:
        others = {f: v for f, v in filters.items() if f != field}
        field_counts: dict[str, int] = {}
        active = set(filters.get(field, ()))
        for rec in records:
            if matches(rec, others):
                values = set(record_values(rec, field))
                if field == "doelgroep" and active:
                    # an active filter naming a record's own line (an old link) counts what it finds
                    values |= set(_lines(rec.metadata.get(field), {})) & active
                for value in values:
                    field_counts[value] = field_counts.get(value, 0) + 1
        counts[field] = field_counts
    return counts


def record_values(rec: DocumentRecord, field: str) -> list[str]:
    """Facet values; for doelgroep the groups its free-text lines fall into; for other non-facet
    fields the metadata list."""
    if field in rec.facets:
        return [str(v) for v in rec.facets[field]]
    lines = [line for line in _lines(rec.metadata.get(field), {}) if line]
    return audience_groups(lines) if field == "doelgroep" and lines else lines


def matches(rec: DocumentRecord, filters: dict[str, list[str]]) -> bool:
    return all(set(values) & _filterable(rec, field) for field, values in filters.items())


def canonical_audiences(filters: dict[str, list[str]], records: list[DocumentRecord]) -> dict[str, list[str]]:
    """``filters`` with each doelgroep value spelled as its group or a record's line is
    ("Jongeren" -> jongeren), as other filters match regardless of case."""
    if not filters.get("doelgroep"):
        return filters
    known = {v.casefold(): v for v in audience_labels()}
    for rec in records:
        for line in _lines(rec.metadata.get("doelgroep"), {}):
            known.setdefault(line.casefold(), line)
    return {**filters, "doelgroep": [known.get(v.casefold(), v) for v in filters["doelgroep"]]}


def _filterable(rec: DocumentRecord, field: str) -> set[str]:
    # a doelgroep filter may also name a record's own line (links made before the grouping)
    values = set(record_values(rec, field))
    return values | set(_lines(rec.metadata.get(field), {})) if field == "doelgroep" else values


# A municipality page's groups: what the place itself does first, as its lead sentence names
# them ("lokale agenda's, interventies, praktijkverhalen en meer"), then the rest.
MUNICIPALITY_TYPE_ORDER: tuple[str, ...] = ("agenda", "interventie", "praktijkverhaal", "onderzoek", "beleidsbrief",
                                            "nieuws")


def group_by_type(records: Iterable[DocumentRecord]) -> list[tuple[str, list[DocumentRecord]]]:
    groups: dict[str, list[DocumentRecord]] = {}
    for rec in records:
        groups.setdefault(rec.doc_type or "overig", []).append(rec)
    known = [t for t in MUNICIPALITY_TYPE_ORDER if t in DOC_TYPES] + [t for t in DOC_TYPES if t not in MUNICIPALITY_TYPE_ORDER]
    order = [t for t in known if t in groups] + sorted(set(groups) - set(known))
    return [(t, groups[t]) for t in order]


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    capped: bool = False  # more results than ``pages`` pages show (the page limit)

    @property
    def window(self) -> list[int]:
        low, high = max(1, self.page - 3), min(self.pages, self.page + 3)
        return list(range(low, high + 1))


def paginate(total: int, page: int, per_page: int, max_page: int) -> Pagination:
    needed = math.ceil(total / per_page)
    return Pagination(page=page, pages=max(1, min(max_page, needed)), capped=needed > max_page)


def safe_source_path(corpus_dir: Path, source_path: str) -> Path | None:
    """The file under ``corpus_dir`` named by ``source_path``, or None when it would escape the
    directory (``..``, absolute paths, symlinks pointing out) or is not a regular file."""
    if not source_path or "\x00" in source_path:
        return None
    root = Path(corpus_dir).resolve()
    candidate = (root / source_path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate
