"""Structured intervention records (.yaml/.yml/.json), validated against the intervention schema.

A file holds one record (a mapping), a list of records, or a mapping with an ``interventies``
list. Every record becomes its own Document with id = the record's ``id``; a file of one record
must be named after that id.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexer.config import DATA_DIR
from indexer.errors import ReadError, RecordError
from indexer.model import Document, Section
from indexer.readers.common import (
    read_text,
    DEFAULT_MAX_BYTES,
    join_sections,
    normalize_metadata,
    relative_id,
    shorten,
    to_plain,
)
from indexer.readers.safe_yaml import load_json, load_yaml

SCHEMA_PATH = DATA_DIR / "intervention.schema.v1.json"
# Record field -> section heading, in reading order.
SECTION_FIELDS = (
    ("samenvatting", "Samenvatting"),
    ("beschrijving", "Beschrijving"),
    ("doelgroep", "Doelgroep"),
    ("resultaten", "Resultaten"),
    ("bewijskracht", "Bewijskracht"),
    ("uitvoerders", "Uitvoerders"),
)
# a rating is text too, so "goed onderbouwde interventies" finds the record by its words; "niet
# beoordeeld" (most records) says nothing a question asks for
UNRATED = "niet beoordeeld"
_END_PUNCTUATION = frozenset(".!?…:;)\"'”’")
_TYPE_NAMES = {"integer": "integer", "string": "text", "array": "a list", "object": "a mapping",
               "number": "a number", "boolean": "true or false"}


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


class RecordReader:
    extensions = (".yaml", ".yml", ".json")

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        text = read_text(path, self.max_bytes)
        if path.suffix.lower() == ".json":
            data = load_json(text, path)
        else:
            data = load_yaml(text, path)
        records = _record_list(data, path)
        source = relative_id(path, root)
        seen: set[str] = set()
        documents = []
        for number, record in enumerate(records, start=1):
            label = record.get("id") if isinstance(record, dict) else None
            label = label if isinstance(label, str) and label else f"#{number}"
            if not isinstance(record, dict):
                raise RecordError(path, f"record {label}: expected a mapping of fields")
            record = allowed_case(record)
            # every problem of the record at once, not one per build
            problems = record_problems(record)
            if len(records) == 1 and records[0] is data:
                named = _file_name_problem(record.get("id"), path)
                if named and not problems:
                    raise RecordError(path, f"record {named}", hint=f"rename the file to "
                                      f"{record['id']}{path.suffix} or change the id to {path.stem}")
                problems += [f"its {named.partition(' (')[0]}"] if named else []
            if problems:
                raise RecordError(path, f"record '{label}': {'; '.join(problems)}")
            if label in seen:
                raise RecordError(path, f"duplicate record id '{label}'")
            seen.add(label)
            documents.append(record_document(record, source))
        return documents


def _file_name_problem(record_id: Any, path: Path) -> str:
    """A file of one record is named after its id (corpus/README.md): the app links to records
    by id, and an id that differs from the file name cannot be found from the file."""
    if not isinstance(record_id, str) or record_id == path.stem:
        return ""  # no id: a schema problem already
    return (f"id '{record_id}' differs from the file name '{path.name}' "
            "(the id must be the file name without its extension)")


def _record_list(data: Any, path: Path) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("interventies"), list):
        data = data["interventies"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and data:
        return data
    if data is None or data == []:
        raise ReadError(path, "no records in file")
    raise RecordError(path, "expected a record (mapping) or a list of records")


def allowed_case(record: dict[str, Any]) -> dict[str, Any]:
    """A value that differs from an allowed one only in case ("Niet beoordeeld", "PO",
    "overijssel") is that value, as filters and front matter read it; the whole record was refused."""
    properties = _validator().schema.get("properties") or {}
    out = dict(record)
    for key, value in record.items():
        spec = properties.get(key) if isinstance(key, str) else None
        allowed = (spec or {}).get("enum") or ((spec or {}).get("items") or {}).get("enum")
        if not allowed:
            continue
        by_fold = {str(a).casefold(): a for a in allowed}
        fold = lambda v: by_fold.get(v.strip().casefold(), v) if isinstance(v, str) else v  # noqa: E731
        out[key] = [fold(v) for v in value] if isinstance(value, list) else fold(value)
    return out


def record_problems(record: dict[str, Any]) -> list[str]:
    """Every schema violation of ``record``, all at once (not one per build). One is described in
    full ("field 'sectoren' must be a list"); several are summed up by kind, missing and unknown
    fields first ("missing 'bronnen'; not text: naam, beschrijving; not a list: sectoren; not
    an allowed value: bewijskracht 'superbewezen'"), so the report stays one readable line."""
    errors = list(_validator().iter_errors(to_plain(record)))  # YAML dates as ISO strings
    if not errors:
        return []
    missing = [e for e in errors if e.validator == "required"]
    unknown = [e for e in errors if e.validator == "additionalProperties"]
    order = {name: n for n, name in enumerate(record)}
    others: dict[str, Any] = {}  # one problem per field, in the record's order
    for error in sorted((e for e in errors if e.validator not in ("required", "additionalProperties")),
                        key=lambda e: (order.get(e.absolute_path[0], len(order)) if e.absolute_path else -1,
                                       list(map(str, e.absolute_path)))):
        others.setdefault(_field(error), error)
    if not unknown and not others:  # missing fields alone (one error per field), in full
        return [_describe_missing(missing)]
    if not missing and len(unknown) + len(others) == 1:  # the one problem, in full
        return [_describe((unknown or list(others.values()))[0])]
    kinds: dict[str, list[str]] = {}
    for error in missing:
        kinds.setdefault("missing", []).extend(
            f"'{_join(_field(error), name)}'" for name in error.validator_value if name not in error.instance)
    if missing:
        kinds["missing"] = list(dict.fromkeys(kinds["missing"]))  # one error per missing field
    for error in unknown:
        known = error.schema.get("properties") or {}
        extra = [name for name in error.instance if name not in known] if isinstance(error.instance, dict) else []
        kinds.setdefault("unknown", []).extend(f"'{_join(_field(error), name)}'" for name in extra)
    for field, error in others.items():
        kind, shown = _kind(error)
        kinds.setdefault(kind, []).append(f"{field or 'record'}{shown}")
    return [f"{kind} {', '.join(items)}" if kind in ("missing", "unknown") else f"{kind}: {', '.join(items)}"
            for kind, items in kinds.items()]


def _field(error) -> str:
    return ".".join(str(p) for p in error.absolute_path)


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _kind(error) -> tuple[str, str]:
    """(what is wrong, what to show after the field name) of one violation, for a summary."""
    if error.validator == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        names = ({"integer": "an integer"}.get(w, _TYPE_NAMES.get(w, w)) for w in wanted if w != "null")
        return "not " + " or ".join(names), ""
    if error.validator == "enum":
        return "not an allowed value", f" {_short(error.instance)}"
    if error.validator in ("minLength", "minItems"):
        return "too short or empty", ""
    if error.validator in ("maxLength", "maxItems"):
        return "too long", ""
    if error.validator in ("minimum", "maximum"):
        return "out of range", f" {_short(error.instance)}"
    if error.validator == "pattern":
        return "not of the allowed form", f" {_short(error.instance)}"
    return f"not valid ({error.validator})", ""


def _short(value: Any, limit: int = 40) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _describe_missing(errors) -> str:
    """Every missing field, in schema order, per mapping (the record, a bronnen item)."""
    parts: dict[str, str] = {}
    for error in errors:
        field = ".".join(str(p) for p in error.absolute_path)
        if field in parts:
            continue
        missing = [name for name in error.validator_value if name not in error.instance]
        names = ", ".join(f"'{name}'" for name in missing)
        text = f"missing required field{'s' if len(missing) > 1 else ''} {names}"
        parts[field] = f"field '{field}': {text}" if field else text
    return "; ".join(parts.values())


def _describe(error) -> str:
    field = ".".join(str(p) for p in error.absolute_path)
    where = f"field '{field}'" if field else "record"
    if error.validator == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        names = [_TYPE_NAMES.get(w, w) for w in wanted if w != "null"]
        empty = " (or empty)" if "null" in wanted else ""
        return f"{where} must be {' or '.join(names)}{empty}"
    if error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return f"{where} has value {error.instance!r}, not one of: {options}"
    if error.validator == "additionalProperties":
        known = error.schema.get("properties") or {}
        extra = [name for name in error.instance if name not in known] if isinstance(error.instance, dict) else []
        names = ", ".join(f"'{name}'" for name in extra) or error.message.split("(")[-1].rstrip(")")
        return f"{where}: unknown field(s): {names}" if field else f"unknown field(s): {names}"
    return f"{where}: {error.message}"


def _prose(value: Any) -> str:
    """A field as text that reads (and splits into sentences) like prose: list items joined by
    semicolons, and a full stop where the field ends without punctuation. Without them a
    passage ran "... en ouders kinderen met een taalachterstand Resultaten: onbekend ..." as
    one sentence, so snippets could not pick out a part of it."""
    if isinstance(value, list):
        items = [str(v).strip().rstrip(";") for v in value if str(v).strip()]
        value = "; ".join(items)
    text = str(value).strip() if value is not None else ""
    if text and text[-1] not in _END_PUNCTUATION:
        text += "."
    return text


def record_document(record: dict[str, Any], source: str) -> Document:
    metadata = normalize_metadata(record)
    sections = []
    for key, heading in SECTION_FIELDS:
        value = metadata.get(key)
        text = _prose(value) if isinstance(value, (str, list)) and value != UNRATED else ""
        if text:
            sections.append(Section(heading=heading, text=text))
    return Document(
        id=record["id"],
        title=shorten(record["naam"], 200),
        doc_type="interventie",
        source_path=source,
        text=join_sections(sections),
        sections=sections,
        metadata=metadata,
    )
