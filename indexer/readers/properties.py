"""Metadata that a PDF or DOCX carries in its own document properties.

Keywords written as "key: a, b; key: c" name the facet metadata a Markdown file would hold in
its front matter (gemeenten, provincies, themas, sectoren, jaar). A plain keyword list
("armoede, taal") is kept as trefwoorden. A list field left empty ("gemeenten: ;") states that
the document names none, so passing mentions in its text do not fill it. A Subject or Category that names a document type
gives the type, and a DOCX's comments give its summary.
"""
from __future__ import annotations

from typing import Any

from indexer.readers.common import normalize_metadata

LIST_FIELDS = frozenset({"gemeenten", "gemeente", "provincies", "provincie", "themas", "thema", "sectoren", "sector"})
FIELD_KEYS = LIST_FIELDS | {"jaar", "type"}


def property_metadata(keywords: Any = "", subject: Any = "", category: Any = "", comments: Any = "") -> dict[str, Any]:
    from indexer.nlp.declared import unknown_keys  # lazy: only files with properties need them
    from indexer.nlp.resources import vocab

    meta: dict[str, Any] = {}
    text = " ".join(str(keywords or "").split())
    fielded = False
    for part in text.split(";"):
        key, sep, value = part.partition(":")
        key = key.strip().lower()
        if sep and key in FIELD_KEYS:
            fielded = True
            if value.strip():
                meta[key] = value.strip()
            elif key in LIST_FIELDS:  # "gemeenten: ;" states "none in particular", as [] does
                meta[key] = []
        elif sep and value.strip() and unknown_keys({key: None}):
            meta[key] = value.strip()  # a typo of a field key ("gemeentes"): kept, so the build names it
    if text and not fielded:
        meta["trefwoorden"] = text
    doc_types = set(vocab()["doc_types"])
    for candidate in (subject, category):
        value = str(candidate or "").strip().lower()
        if value in doc_types:
            meta.setdefault("type", value)
    summary = " ".join(str(comments or "").split())
    if summary:
        meta["samenvatting"] = summary
    return normalize_metadata(meta)
