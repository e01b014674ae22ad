"""Dutch display labels for facet fields, values, modes and document types.

Values stay what the index stores (``vve``, ``agenda``); only what users read is translated.
The vocabulary file is the one the corpus and indexer share, so labels never drift.
"""
from __future__ import annotations

from functools import lru_cache

import yaml

from indexer.config import DATA_DIR

FIELD_LABELS: dict[str, str] = {
    "type": "Soort document",
    "thema": "Thema",
    "sector": "Sector",
    "gemeente": "Gemeente",
    "provincie": "Provincie",
    "jaar": "Jaar",
    "bewijskracht": "Bewijskracht",
}

TYPE_LABELS: dict[str, str] = {
    "onderzoek": "Onderzoek",
    "praktijkverhaal": "Praktijkverhaal",
    "agenda": "Lokale agenda",
    "interventie": "Interventie",
    "beleidsbrief": "Beleidsbrief",
    "nieuws": "Nieuws",
}

TYPE_LABELS_PLURAL: dict[str, str] = {
    "onderzoek": "Onderzoeken",
    "praktijkverhaal": "Praktijkverhalen",
    "agenda": "Lokale agenda's",
    "interventie": "Interventies",
    "beleidsbrief": "Beleidsbrieven",
    "nieuws": "Nieuws",
}

MODE_LABELS: dict[str, str] = {"hybrid": "Hybride", "keyword": "Trefwoord", "semantic": "Semantisch"}
SORT_LABELS: dict[str, str] = {"relevance": "Relevantie", "date": "Datum (nieuwste eerst)"}
LISTED_SORT_LABEL = "Titel"  # the default order of filters alone

# Metadata fields shown on the document page, in this order; others follow alphabetically.
METADATA_LABELS: dict[str, str] = {
    "samenvatting": "Samenvatting",
    "doelgroep": "Doelgroep",
    "uitvoerders": "Uitvoerders",
    "looptijd": "Looptijd",
    "resultaten": "Resultaten",
    "datum": "Datum",
    "kenmerk": "Kenmerk",
    "auteur": "Auteur",
    "bronnen": "Bronnen",
    "trefwoorden": "Trefwoorden",
    # an HTML page's <meta> names, in English there
    "description": "Beschrijving",
    "keywords": "Trefwoorden",
    "author": "Auteur",
}

# Front-matter keys already shown as title, facets or text; not repeated as metadata.
HIDDEN_METADATA: frozenset[str] = frozenset({
    "titel", "naam", "title", "type", "id", "gemeenten", "provincies", "sectoren", "themas", "jaar",
    "bewijskracht", "beschrijving", "entities_summary", "gemeente", "provincie", "sector", "thema",
    "title_source",  # the indexer's note that a title was guessed from the text: no fact about the document
})
# Keys with these prefixes are never shown: HTML <meta> copies of title and description for social media
HIDDEN_METADATA_PREFIXES: tuple[str, ...] = ("_", "og:", "twitter:", "fb:")

ENTITY_LABELS: dict[str, str] = {
    "GEMEENTE": "Gemeenten",
    "PROVINCIE": "Provincies",
    "SECTOR": "Sectoren",
    "ORGANISATIE": "Organisaties",
    "PERSOON": "Personen",
}

ENTITY_FIELDS: dict[str, str] = {"GEMEENTE": "gemeente", "PROVINCIE": "provincie", "SECTOR": "sector"}


@lru_cache(maxsize=1)
def _vocab() -> dict:
    with (DATA_DIR / "vocab.v1.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def sector_labels() -> dict[str, str]:
    return dict(_vocab().get("sectors") or {})


def value_label(field: str, value: str) -> str:
    """How a facet value reads in the interface (``vve`` -> ``voor- en vroegschoolse educatie``)."""
    if field == "type":
        return TYPE_LABELS.get(value, value)
    if field == "sector":
        return sector_labels().get(value, value)
    return value


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.capitalize())


def not_found_note(values) -> str:
    """The "recognised but not found" sentence for detected values no result holds (each with
    ``field`` and ``value``): a place or topic is what a document is about, a year when it dates
    from, an evidence level how its intervention is rated."""
    def listed(words: list[str]) -> str:
        return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} of {words[-1]}"

    topics = [f"{value_label(v.field, v.value)} ({field_label(v.field).lower()})"
              for v in values if v.field not in ("jaar", "bewijskracht")]
    years = [v.value for v in values if v.field == "jaar"]
    levels = [value_label(v.field, v.value) for v in values if v.field == "bewijskracht"]
    parts = [f"over {', '.join(topics)} gaat geen van deze resultaten"] if topics else []
    parts += [f"geen van deze resultaten is uit {listed(years)}"] if years else []
    parts += [f"geen van deze resultaten heeft bewijskracht {listed(levels)}"] if levels else []
    return "; ".join(parts) + "."
