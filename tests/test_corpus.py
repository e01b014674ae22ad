"""Checks for the sample corpus: intervention records and local GKA agendas.

- every YAML record in corpus/interventies validates against
  indexer/data/intervention.schema.v1.json;
- ids are unique and equal the file name;
- every record cites at least one seed document (existence of the seed file
  is checked when /work/shared/seeds, i.e. ../shared/seeds, is present);
- every agenda has YAML front matter with type "agenda" and >= 1 gemeente;
- at least 40 records and 10 agendas exist;
- no record or agenda copies a sentence from the seeds (no 12-word window of
  the corpus text occurs in the normalised seed text).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
INTERVENTIES = CORPUS / "interventies"
AGENDAS = CORPUS / "agendas"
SCHEMA = ROOT / "indexer" / "data" / "intervention.schema.v1.json"
SEEDS = ROOT.parent / "shared" / "seeds"

SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
WINDOW = 12


def _records() -> list[tuple[Path, dict]]:
    out = []
    for path in sorted(INTERVENTIES.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            out.append((path, yaml.safe_load(fh)))
    return out


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n(.*)$", text, re.S)
    assert m, f"{path.name}: geen YAML front matter tussen --- regels"
    meta = yaml.safe_load(m.group(1)) or {}
    return meta, m.group(2)


def _agendas() -> list[Path]:
    return sorted(AGENDAS.glob("*.md"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _seed_text() -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    text = "\n".join(parts)
    # undo PDF hyphenation ("ver-\n\nwachtingen") so split words are compared whole
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(_words(text))


# --------------------------------------------------------------------------
def test_counts():
    assert len(_records()) >= 40, "minstens 40 interventies verwacht"
    assert len(_agendas()) >= 10, "minstens 10 agenda's verwacht"


def test_records_validate_against_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    problems = []
    for path, rec in _records():
        for err in validator.iter_errors(rec):
            problems.append(f"{path.name}: {'/'.join(map(str, err.path))}: {err.message}")
    assert not problems, "\n".join(problems)


def test_ids_unique_and_match_file_name():
    seen = {}
    for path, rec in _records():
        assert rec["id"] == path.stem, f"{path.name}: id {rec['id']!r} != bestandsnaam"
        assert rec["id"] not in seen, f"dubbel id {rec['id']} in {path.name} en {seen[rec['id']]}"
        seen[rec["id"]] = path.name


def test_records_cite_seed_documents():
    for path, rec in _records():
        docs = [b["document"] for b in rec.get("bronnen", [])]
        assert docs, f"{path.name}: geen bronnen"
        for d in docs:
            assert SEED_NAME.match(d), f"{path.name}: bron {d!r} is geen seedbestandsnaam"


def test_cited_seed_documents_exist():
    if not SEEDS.is_dir():
        pytest.skip(f"seedmap {SEEDS} ontbreekt; bestaan van bronbestanden niet te controleren")
    present = {p.name for p in SEEDS.glob("*.txt")}
    docs = [(path, b["document"]) for path, rec in _records() for b in rec["bronnen"]]
    for path in _agendas():
        meta, _ = _front_matter(path)
        docs += [(path, b["document"]) for b in meta.get("bronnen", [])]
    missing = [f"{p.name}: {d}" for p, d in docs if d not in present]
    assert not missing, "\n".join(missing)


def test_every_cited_file_has_a_readable_name_and_the_names_are_not_indexed():
    from indexer.readers import discover
    from search_app.present import source_names

    names = source_names(ROOT / "corpus")
    cited = {b["document"] for _, rec in _records() for b in rec["bronnen"]}
    for path in _agendas():
        cited |= {b["document"] for b in _front_matter(path)[0].get("bronnen", [])}
    assert cited and not cited - set(names), sorted(cited - set(names))
    files = discover([ROOT / "corpus"])[0]
    assert files and not [f for f, _ in files if f.name == "bronnen.yaml"]


def test_agendas_front_matter():
    for path in _agendas():
        meta, body = _front_matter(path)
        assert meta.get("type") == "agenda", f"{path.name}: type moet 'agenda' zijn"
        gemeenten = meta.get("gemeenten") or []
        assert isinstance(gemeenten, list) and gemeenten, f"{path.name}: geen gemeenten"
        assert str(meta.get("titel", "")).startswith("Lokale agenda gelijke kansen "), path.name
        assert meta.get("bronnen"), f"{path.name}: geen bronnen"
        assert re.search(r"^## ", body, re.M), f"{path.name}: geen ## kopjes"


def _corpus_texts():
    for path, rec in _records():
        for key in ("naam", "samenvatting", "beschrijving", "resultaten"):
            if rec.get(key):
                yield f"{path.name}:{key}", rec[key]
    for path in _agendas():
        meta, body = _front_matter(path)
        yield f"{path.name}:body", body
        if meta.get("samenvatting"):
            yield f"{path.name}:samenvatting", meta["samenvatting"]


def test_no_verbatim_copies_from_seeds():
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"seedmap {SEEDS} ontbreekt; kopieercontrole niet mogelijk")
    seed = " " + _seed_text() + " "
    copies = []
    for where, text in _corpus_texts():
        words = _words(text)
        for i in range(len(words) - WINDOW + 1):
            window = " " + " ".join(words[i:i + WINDOW]) + " "
            if window in seed:
                copies.append(f"{where}: '{window.strip()}'")
                break
    assert not copies, "letterlijk overgenomen uit de seeds:\n" + "\n".join(copies)


def _titles():
    """Every sample document's title as its file gives it (records, front matter, HTML, the
    sources of the generated PDF and DOCX files)."""
    for path, rec in _records():
        yield path.name, rec["naam"]
    sources = CORPUS / "tools" / "sources"
    for path in sorted(CORPUS.glob("*/*.md")) + sorted(sources.glob("*.md")):
        if path.parent.name == "onderzoek" and (sources / path.name).exists():
            continue  # a copy of its source
        yield path.name, _front_matter(path)[0]["titel"]
    for path in sorted(CORPUS.glob("*/*.html")):
        yield path.name, re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S).group(1)


def test_no_two_sample_documents_share_a_title():
    # a result list showing two documents named alike leaves a user guessing which is which
    seen: dict[str, str] = {}
    for name, title in _titles():
        key = " ".join(title.lower().split())
        assert key not in seen, f"{name} and {seen[key]} are both titled {title!r}"
        seen[key] = name
    assert len(seen) >= 100
