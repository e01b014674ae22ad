"""The files a document cites (metadata ``bronnen``), by the corpus's names for them.

Records cite ``{document: FILE, vindplaats: ...}`` entries; some documents one line
("FILE, regels ca. 12-20; FILE2, regels ca. 44-49"), and a PDF's "Bronnen" section one item per
source by its name ("NAME: regels ca. 12-20"). The names come from ``bronnen.yaml`` at the
corpus root (present.source_names), read once per app. The document page shows them in its
metadata list; the API adds them as ``sources`` next to the stored ``metadata``.
"""
from __future__ import annotations

import re
from typing import Any

from flask import current_app

from search_app.present import source_names

SOURCES_FIELD = "bronnen"
_FILE = r"[\w.-]+\.(?:txt|pdf|docx?|html?|md|ya?ml|json|csv)\b"
_FILE_AT_START = re.compile(rf"({_FILE})[\s,:—–-]*(.*)", re.IGNORECASE | re.DOTALL)
# one-line sources are separated by ";" before the next file name (a location may contain ";")
_NEXT_FILE = re.compile(rf";\s*(?={_FILE})", re.IGNORECASE)


def app_source_names() -> dict[str, str]:
    """The current app's corpus names for cited files (file name -> name), cached on the app."""
    names = current_app.extensions.get("gka_source_names")
    if names is None:
        names = current_app.extensions["gka_source_names"] = source_names(current_app.config["CORPUS_DIR"])
    return names


def cited_sources(metadata: dict[str, Any], names: dict[str, str]) -> list[dict[str, str]]:
    """``bronnen`` as [{file, name, location}]: ``file`` as stored ("" when the source names
    none), ``name`` the corpus's name for it (else the file name, else the source's own text),
    ``location`` where in the file ("vindplaats"; "" when not given)."""
    value = metadata.get(SOURCES_FIELD)
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            file = _text(item.get("document"))
            rest = " — ".join(_text(v) for k, v in item.items() if k not in ("document", "vindplaats") and _text(v))
            out.append(_source(file, _text(item.get("vindplaats")), names, rest))
        elif _text(item):
            out.extend(_from_line(part.strip(), names) for part in _NEXT_FILE.split(_text(item)) if part.strip())
    return out


def _from_line(line: str, names: dict[str, str]) -> dict[str, str]:
    match = _FILE_AT_START.fullmatch(line)
    if match:
        return _source(match.group(1), match.group(2).strip(), names, "")
    # a PDF or DOCX lists its sources by the corpus's names ("NAME: regels ca. 12-20")
    for file, name in sorted(names.items(), key=lambda item: -len(item[1])):
        if name and line.startswith(name) and line[len(name):][:1] in ("", ":", ",", " "):
            return _source(file, line[len(name):].lstrip(" :,—–-"), names, "")
    return _source("", "", names, line)


def _source(file: str, location: str, names: dict[str, str], fallback: str) -> dict[str, str]:
    return {"file": file, "name": names.get(file) or file or fallback, "location": location}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
