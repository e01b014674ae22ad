"""enrich(): facet values and extra metadata for one document from its fields and its analysis.

Record and front-matter fields are authoritative. Themes add text evidence (triggers) to what is
declared. Places and sectors come from the text only when the document does not state the field
(an empty list states "none in particular"): a record that names its municipality mentions
others in passing ("zoals in Schiedam"), and sector words hide in names ("Erasmus Universiteit"
is no wo programme). A year declared null is unknown, not
guessed from the text. Controlled facets only ever hold values from vocab.v1.yaml.
"""
from __future__ import annotations

import re
from typing import Any

from indexer.model import DOC_TYPES, FACET_FIELDS, Analysis, Document
from indexer.nlp import resources
from indexer.nlp.declared import unknown_keys, unknown_municipality, unknown_value
from indexer.nlp.dates import dated_line, frequent_year, iso_date, year_of, years_of
from indexer.nlp.doctype import infer_doc_type
from indexer.nlp.themes import assign_themes

# e2: declared places and sectors are not extended by the text; a year declared null stays unknown
# e3: an empty list declares the field too
# e4: a letter's reference number (metadata "kenmerk") counts as a letterhead marker for the type
# e5: a declared type is read as filters read it ("agenda's" = agenda)
# e6: a document without a declared summary takes its "Samenvatting" section's first sentences
# e7: and one without declared sources its "Bronnen" section's items
# e8: a sector held by another (vmbo by vo, vocab.v1.yaml sector_parts) brings that one along
# e9: a year in a sentence that looks ahead ("zal", "verwachten") is no evidence of the text's year
# e10: a count is no year ("ruim 2000 leerlingen", "2019 vrijwilligers"; query_filters.v1.yaml)
# e11: an evidence level the index does not know is dropped (with a warning), not read as "niet beoordeeld"
# e12: a datum written 12-03-2024 or "5 maart 2024" is read as a date; a school year as jaar names both years
# e13: a place in a postal address (after a postcode, a street and number, a PO box) is no mention
# e14: a declared type YAML did not read as text ("type: 7") is warned about and read from the text;
#      a jaar written as a fraction ("2019.5") is no year
ENRICH_VERSION = "e14"
PASSTHROUGH = ("samenvatting", "doelgroep", "uitvoerders", "looptijd", "resultaten", "bronnen")
DEFAULT_EVIDENCE = "niet beoordeeld"
SUMMARY_HEADINGS = frozenset({"samenvatting", "managementsamenvatting", "in het kort", "summary", "abstract"})
SUMMARY_MAX_CHARS = 600
SOURCE_HEADINGS = frozenset({"bronnen", "bron", "bronvermelding", "literatuur", "literatuurlijst", "referenties"})
MAX_SOURCES = 50
# items: bullets, paragraphs, or lines that start with a list mark (a wrapped line joins its item)
_ITEM_SPLIT = re.compile(r"\s*(?:[•·▪]|\n\s*\n|\n(?=\s*(?:[-–*]|\d{1,2}[.)])\s))\s*")
_ITEM_MARK = re.compile(r"^(?:[-–*]|\d{1,2}[.)])\s+")


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _add(values: list[str], new: str | None) -> None:
    if new and new not in values:
        values.append(new)


def _declares(meta: dict, *keys: str) -> bool:
    """The document states the field, even as an empty list ("gemeenten: []": no municipality in
    particular): then the text's passing mentions do not fill it."""
    return any(key in meta for key in keys)


def _entity_values(analysis: Analysis, label: str) -> list[str]:
    out: list[str] = []
    for ent in analysis.entities:
        if ent.label == label:
            _add(out, ent.value)
    return out


def _doc_type(document: Document, analysis: Analysis, warnings: list[str] | None = None) -> str:
    # a declared type YAML did not read as text ("type: 7", a list) is warned about as unknown too
    declared = [c.strip() if isinstance(c, str) else str(c) for c in (document.doc_type, document.metadata.get("type"))
                if (isinstance(c, str) and c.strip()) or (c is not None and not isinstance(c, str))]
    for candidate in declared:
        value = _known_type(candidate)
        if value:
            return value
    inferred = infer_doc_type(document.text, analysis.lemmas, bool(document.metadata.get("kenmerk")))
    if declared and warnings is not None:
        warnings.append(f"type {declared[-1]!r} is no document type ({', '.join(DOC_TYPES)}); "
                        f"read from the text: {inferred}")
    return inferred


def _known_type(value: str) -> str | None:
    """A declared type as filters read it: "agenda's", "Agenda" and "interventies" count."""
    from indexer.errors import QueryError
    from indexer.filter_values import canonical
    from indexer.nlp.query import named_value  # lazy: the query pipeline, only for an odd value

    if value.lower() in DOC_TYPES:
        return value.lower()
    try:
        return canonical({"type": [value]}, {}, named_value)["type"][0]
    except QueryError:
        return None


def _municipalities(meta: dict, analysis: Analysis, warnings: list[str]) -> list[str]:
    aliases = resources.municipality_aliases()
    out: list[str] = []
    for name in _as_list(meta.get("gemeenten") or meta.get("gemeente")):
        if name.lower() not in aliases:
            warnings.append(unknown_municipality(name, aliases))
        _add(out, aliases.get(name.lower(), name))  # unknown names stay: the record is authoritative
    for name in [] if _declares(meta, "gemeenten", "gemeente") else _entity_values(analysis, "GEMEENTE"):
        _add(out, name)
    return out


def _provinces(meta: dict, analysis: Analysis, municipalities: list[str], warnings: list[str]) -> list[str]:
    aliases = resources.province_aliases()
    province_of = municipalities_map()
    out: list[str] = []
    for name in _as_list(meta.get("provincies") or meta.get("provincie")):
        if name.lower() not in aliases:
            warnings.append(unknown_value("provincie", name, "province", resources.vocab()["provinces"], aliases))
        _add(out, aliases.get(name.lower()))
    declared = _declares(meta, "provincies", "provincie", "gemeenten", "gemeente")
    for name in [] if declared else _entity_values(analysis, "PROVINCIE"):
        _add(out, name)
    for town in municipalities:
        _add(out, province_of.get(town))
    return out


def _sectors(meta: dict, analysis: Analysis, warnings: list[str]) -> list[str]:
    from indexer.nlp.query import detect_query_entities  # lazy: the query pipeline is only needed here

    allowed = resources.vocab()["sectors"]
    out: list[str] = []
    for value in _as_list(meta.get("sectoren") or meta.get("sector")):
        if value.lower() in allowed:
            _add(out, value.lower())
        else:  # "basisonderwijs" in front matter -> po, via the same patterns
            found = detect_query_entities(value).get("sector", [])
            if not found:
                warnings.append(unknown_value("sector", value, "sector", allowed))
            for sector in found:
                _add(out, sector)
    for value in [] if _declares(meta, "sectoren", "sector") else _entity_values(analysis, "SECTOR"):
        if value in allowed:
            _add(out, value)
    # as a municipality brings its province: a vmbo story is found, counted and lifted as vo
    for whole, parts in (resources.vocab().get("sector_parts") or {}).items():
        if whole not in out and not set(parts).isdisjoint(out):
            out.insert(0, whole)
    return out


def _themes(meta: dict, document: Document, analysis: Analysis, warnings: list[str]) -> list[str]:
    allowed = resources.vocab()["themes"]
    by_lower = {t.lower(): t for t in allowed}
    out: list[str] = []
    for value in _as_list(meta.get("themas") or meta.get("thema")):
        if value.lower() not in by_lower:
            warnings.append(unknown_value("thema", value, "theme", allowed))
        _add(out, by_lower.get(value.lower()))
    for theme in assign_themes(analysis.lemmas, document.text):
        _add(out, theme)
    return out


def _year_and_date(meta: dict, text: str, warnings: list[str]) -> tuple[list[str], str | None]:
    raw = meta.get("datum")
    datum = iso_date(raw)
    if raw not in (None, "") and datum is None:
        warnings.append(f"datum {raw!r} is no date the index can read (write 2024-03-12, 12-03-2024 or "
                        "12 maart 2024); not used as the document's date")
    declared = years_of(meta.get("jaar"))
    if meta.get("jaar") not in (None, "") and not declared:
        warnings.append(f"jaar {meta.get('jaar')!r} is no year; ignored (a year is written 2019)")
    years = declared or ([datum[:4]] if datum else []) or [y for y in [year_of(raw)] if y]
    if not years and "jaar" in meta and meta["jaar"] in (None, ""):
        return [], datum  # declared unknown
    if not years or datum is None:
        found = dated_line(text)
        if found is not None:
            datum = datum or found.isoformat()
            years = years or [str(found.year)]
    return years or [y for y in [frequent_year(text)] if y], datum


def _evidence(doc_type: str, meta: dict, warnings: list[str]) -> list[str]:
    """An intervention's level; none declared is "niet beoordeeld", but a level the index does
    not know is dropped with a warning: read as "niet beoordeeld" it claimed the opposite."""
    if doc_type != "interventie":
        return []
    levels = resources.vocab()["evidence_levels"]
    value = str(meta.get("bewijskracht") or "").strip()
    if not value:
        return [DEFAULT_EVIDENCE]
    if value.lower() not in levels:
        warnings.append(unknown_value("bewijskracht", value, "evidence level", levels))
        return []
    return [value.lower()]


def _entities_summary(analysis: Analysis) -> dict[str, list[str]]:
    summary: dict[str, set[str]] = {}
    for ent in analysis.entities:
        summary.setdefault(ent.label, set()).add(ent.value)
    return {label: sorted(values) for label, values in sorted(summary.items())}


def enrich(document: Document, analysis: Analysis,
           warnings: list[str] | None = None) -> tuple[dict[str, list[str]], dict]:
    """(facets, extra_metadata) for ``document``; facets has exactly the FACET_FIELDS keys."""
    meta = document.metadata or {}
    warnings = [] if warnings is None else warnings
    warnings.extend(unknown_keys(meta))
    doc_type = _doc_type(document, analysis, warnings)
    municipalities = _municipalities(meta, analysis, warnings)
    years, datum = _year_and_date(meta, document.text, warnings)
    facets = {
        "type": [doc_type],
        "thema": _themes(meta, document, analysis, warnings),
        "sector": _sectors(meta, analysis, warnings),
        "gemeente": municipalities,
        "provincie": _provinces(meta, analysis, municipalities, warnings),
        "jaar": years,
        "bewijskracht": _evidence(doc_type, meta, warnings),
    }
    assert tuple(facets) == FACET_FIELDS  # the facet contract with backends and the app
    extra: dict[str, Any] = {"entities_summary": _entities_summary(analysis)}
    if datum or meta.get("datum") not in (None, ""):
        extra["datum"] = datum  # ISO, or None for one that cannot be read: a raw one sorted as text
    for key in PASSTHROUGH:
        if meta.get(key) not in (None, "", []):
            extra[key] = meta[key]
    if "samenvatting" not in extra:
        summary = _summary_section(document)
        if summary:
            extra["samenvatting"] = summary
    if "bronnen" not in extra:
        sources = _sources_section(document)
        if sources:
            extra["bronnen"] = sources
    return facets, extra


def _sources_section(document: Document) -> list[str]:
    """The items of a section headed "Bronnen" (or "Literatuur"), one per line or bullet: the
    sources a PDF or DOCX lists in its text, shown on its page as a Markdown file's are."""
    for section in document.sections:
        if section.heading.strip().rstrip(":").strip().casefold() in SOURCE_HEADINGS:
            items = (_ITEM_MARK.sub("", item).strip() for item in _ITEM_SPLIT.split(section.text))
            return [" ".join(item.split()) for item in items if item][:MAX_SOURCES]
    return []


def _summary_section(document: Document) -> str:
    """The text of a section headed "Samenvatting" (a research PDF's cover page), whole
    sentences up to SUMMARY_MAX_CHARS: a document page shows it as the summary its
    properties do not give."""
    for section in document.sections:
        if section.heading.strip().rstrip(":").strip().casefold() in SUMMARY_HEADINGS:
            text = " ".join(section.text.split())
            if len(text) <= SUMMARY_MAX_CHARS:
                return text
            cut = text[:SUMMARY_MAX_CHARS]
            end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
            return cut[:end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + " …"
    return ""


def municipalities_map() -> dict[str, str]:
    """Municipality name -> province, for all 342 municipalities."""
    return {place.name: place.province for place in resources.load_places()}


def labels(field: str) -> dict[str, str]:
    """Display labels for a facet field's controlled values (value -> label)."""
    vocab = resources.vocab()
    if field == "sector":
        return dict(vocab["sectors"])
    if field == "thema":
        return {t: t[:1].upper() + t[1:] for t in vocab["themes"]}
    if field == "type":
        return {t: t[:1].upper() + t[1:] for t in vocab["doc_types"]}
    if field == "bewijskracht":
        return {t: t[:1].upper() + t[1:] for t in vocab["evidence_levels"]}
    if field == "provincie":
        return {p: p for p in vocab["provinces"]}
    if field == "gemeente":
        return {name: name for name in municipalities_map()}
    return {}
